package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Vietnamese working days: weekends, the Labour Code's holidays with Tết and the lunar ones, compensatory days. */
class WorkingDaysTest {

    private static final Set<LocalDate> NONE = Set.of();

    @Test
    void publicHolidaysOf2026() {
        assertThat(WorkingDays.publicHolidays(2026).keySet())
                .containsExactlyInAnyOrder(
                        LocalDate.of(2026, 1, 1),
                        LocalDate.of(2026, 2, 16), // 30 tháng Chạp
                        LocalDate.of(2026, 2, 17),
                        LocalDate.of(2026, 2, 18),
                        LocalDate.of(2026, 2, 19),
                        LocalDate.of(2026, 2, 20),
                        LocalDate.of(2026, 4, 26), // Giỗ Tổ Hùng Vương
                        LocalDate.of(2026, 4, 30),
                        LocalDate.of(2026, 5, 1),
                        LocalDate.of(2026, 9, 1),
                        LocalDate.of(2026, 9, 2));
    }

    @Test
    void aHolidayOnASundayGivesTheNextWorkingDayOff() {
        // Hùng Kings 2026 is a Sunday: Monday 27 April is off
        assertThat(WorkingDays.isWorkingDay(LocalDate.of(2026, 4, 27), NONE)).isFalse();
        assertThat(WorkingDays.isWorkingDay(LocalDate.of(2026, 4, 28), NONE)).isTrue();
        // Tết 2025's fourth day is a Saturday: Monday 3 February 2025 is off
        assertThat(WorkingDays.isWorkingDay(LocalDate.of(2025, 2, 3), NONE)).isFalse();
        assertThat(WorkingDays.isWorkingDay(LocalDate.of(2025, 2, 4), NONE)).isTrue();
    }

    @Test
    void theDayNextToNationalDayJoinsItToAWeekend() {
        assertThat(WorkingDays.nationalDayAdjacent(2024)).isEqualTo(LocalDate.of(2024, 9, 3)); // 2/9 a Monday
        assertThat(WorkingDays.nationalDayAdjacent(2025)).isEqualTo(LocalDate.of(2025, 9, 1)); // 1/9 a Monday
    }

    @Test
    void twoWorkingDaysAcrossTet() {
        // Friday 13 February 2026; Monday 16 (eve) to Friday 20 (4th day) are Tết; then a weekend
        assertThat(WorkingDays.plusWorkingDays(LocalDate.of(2026, 2, 13), 2, NONE))
                .isEqualTo(LocalDate.of(2026, 2, 24));
        // Filed on the eve itself: the count starts after Tết
        assertThat(WorkingDays.plusWorkingDays(LocalDate.of(2026, 2, 16), 1, NONE))
                .isEqualTo(LocalDate.of(2026, 2, 23));
    }

    @Test
    void twoWorkingDaysAcrossAWeekendAndACompensatoryDay() {
        assertThat(WorkingDays.plusWorkingDays(LocalDate.of(2026, 3, 6), 2, NONE))
                .isEqualTo(LocalDate.of(2026, 3, 10));
        // Thursday 23 April 2026: Friday counts, the weekend and the compensatory Monday do not
        assertThat(WorkingDays.plusWorkingDays(LocalDate.of(2026, 4, 23), 2, NONE))
                .isEqualTo(LocalDate.of(2026, 4, 28));
    }

    @Test
    void theOperatorsExtraDaysOffCountToo() {
        Set<LocalDate> extra = Set.of(LocalDate.of(2026, 3, 9));
        assertThat(WorkingDays.plusWorkingDays(LocalDate.of(2026, 3, 6), 2, extra))
                .isEqualTo(LocalDate.of(2026, 3, 11));
    }

    @Test
    void aDeadlineEndsAtTheEndOfItsDayInVietnam() {
        Instant filed =
                ZonedDateTime.of(2026, 2, 13, 16, 30, 0, 0, WorkingDays.VIETNAM).toInstant();
        assertThat(WorkingDays.workingDaysAfter(filed, 2, NONE)).isEqualTo(Instant.parse("2026-02-24T17:00:00Z"));
        // filed at 23:30 on Friday in Vietnam (16:30 UTC): still Friday's request
        Instant late =
                ZonedDateTime.of(2026, 3, 6, 23, 30, 0, 0, WorkingDays.VIETNAM).toInstant();
        assertThat(WorkingDays.workingDaysAfter(late, 2, NONE)).isEqualTo(Instant.parse("2026-03-10T17:00:00Z"));
    }

    @Test
    void fifteenDaysEndingOnADayOffMoveToTheNextWorkingDay() {
        Instant filed =
                ZonedDateTime.of(2026, 2, 2, 9, 0, 0, 0, WorkingDays.VIETNAM).toInstant();
        // 2 + 15 = 17 February, the first day of Tết: the period ends with Monday 23 February
        assertThat(WorkingDays.daysAfter(filed, 15, NONE)).isEqualTo(Instant.parse("2026-02-23T17:00:00Z"));
        Instant ordinary =
                ZonedDateTime.of(2026, 1, 27, 9, 0, 0, 0, WorkingDays.VIETNAM).toInstant();
        assertThat(WorkingDays.daysAfter(ordinary, 15, NONE)).isEqualTo(Instant.parse("2026-02-11T17:00:00Z"));
    }
}
