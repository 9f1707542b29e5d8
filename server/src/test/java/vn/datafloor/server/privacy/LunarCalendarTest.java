package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Hồ Ngọc Đức's lunar calendar against dates published in Vietnamese calendars. */
class LunarCalendarTest {

    @Test
    void tetFallsOnTheDatesVietnamCelebratedAndWillCelebrate() {
        assertThat(LunarCalendar.lunarNewYear(2024)).isEqualTo(LocalDate.of(2024, 2, 10));
        assertThat(LunarCalendar.lunarNewYear(2025)).isEqualTo(LocalDate.of(2025, 1, 29));
        assertThat(LunarCalendar.lunarNewYear(2026)).isEqualTo(LocalDate.of(2026, 2, 17));
        assertThat(LunarCalendar.lunarNewYear(2027)).isEqualTo(LocalDate.of(2027, 2, 6));
        // 2007: the year Vietnam (UTC+7) and China (UTC+8) celebrated Tết on different days
        assertThat(LunarCalendar.lunarNewYear(2007)).isEqualTo(LocalDate.of(2007, 2, 17));
    }

    @Test
    void theHungKingsCommemorationIsTheTenthDayOfTheThirdMonth() {
        assertThat(LunarCalendar.toSolar(10, 3, 2024)).isEqualTo(LocalDate.of(2024, 4, 18));
        assertThat(LunarCalendar.toSolar(10, 3, 2025)).isEqualTo(LocalDate.of(2025, 4, 7));
        assertThat(LunarCalendar.toSolar(10, 3, 2026)).isEqualTo(LocalDate.of(2026, 4, 26));
    }

    @Test
    void theEveOfTetIsTheLastDayOfTheTwelfthMonth() {
        LocalDate eve = LunarCalendar.lunarNewYearsEve(2026);
        assertThat(eve).isEqualTo(LocalDate.of(2026, 2, 16));
        LunarCalendar.LunarDate lunar = LunarCalendar.fromSolar(eve);
        assertThat(lunar.month()).isEqualTo(12);
        assertThat(lunar.year()).isEqualTo(2025);
        assertThat(lunar.day()).isIn(29, 30);
    }

    @Test
    void solarToLunarAndBackAgreeForEveryDayOfSeveralYears() {
        for (LocalDate day = LocalDate.of(2024, 1, 1); day.isBefore(LocalDate.of(2028, 1, 1)); day = day.plusDays(1)) {
            LunarCalendar.LunarDate lunar = LunarCalendar.fromSolar(day);
            assertThat(lunar.day()).isBetween(1, 30);
            if (!lunar.leap()) {
                assertThat(LunarCalendar.toSolar(lunar.day(), lunar.month(), lunar.year()))
                        .as(day.toString())
                        .isEqualTo(day);
            }
        }
    }

    @Test
    void the2025LeapSixthMonthIsRecognised() {
        // 2025 (Ất Tỵ) has a leap 6th month, from 25 July to 22 August 2025
        LunarCalendar.LunarDate leap = LunarCalendar.fromSolar(LocalDate.of(2025, 7, 25));
        assertThat(leap).isEqualTo(new LunarCalendar.LunarDate(1, 6, 2025, true));
        assertThat(LunarCalendar.fromSolar(LocalDate.of(2025, 6, 25)))
                .isEqualTo(new LunarCalendar.LunarDate(1, 6, 2025, false));
    }

    @Test
    void aDayAMonthDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> LunarCalendar.toSolar(31, 1, 2026)).isInstanceOf(IllegalArgumentException.class);
    }
}
