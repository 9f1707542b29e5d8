package vn.datafloor.server.privacy;

import java.sql.Date;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ProblemException;

/**
 * Vietnamese working days, for the deadlines of data-subject requests. Days off: Saturdays and
 * Sundays; the public holidays of the Labour Code 2019, art. 112 — New Year (1/1), Tết Nguyên Đán
 * (five days: the last day of the lunar year and the first four of the new one), the Hùng Kings'
 * commemoration (10th day of the 3rd lunar month), Reunification Day (30/4), Labour Day (1/5),
 * National Day (2/9 and one adjacent day); a holiday on a weekend gives the next working day off
 * (art. 111(3)); and the extra days the operator adds (the Government's yearly swaps and compensatory
 * days) in configuration ({@code datafloor.privacy.extra-days-off}) or in the {@code privacy_day_off}
 * table.
 *
 * <p>Deadlines follow the Civil Code 2015, arts. 147–148: a period counts from the day after the
 * event, and ends at the end of its last day in Vietnam (UTC+7).
 */
@Component
public class WorkingDays {

    /** Vietnam's civil time, in which days begin and end. */
    public static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

    private final JdbcClient jdbc;
    private final AccessPolicy policy;
    private final Clock clock;
    private final Set<LocalDate> configured;

    WorkingDays(
            JdbcClient jdbc,
            AccessPolicy policy,
            Clock clock,
            @Value("${datafloor.privacy.extra-days-off:}") List<String> extraDaysOff) {
        this.jdbc = jdbc;
        this.policy = policy;
        this.clock = clock;
        Set<LocalDate> days = new TreeSet<>();
        for (String text : extraDaysOff) {
            if (!text.isBlank()) {
                try {
                    days.add(LocalDate.parse(text.strip()));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(
                            "datafloor.privacy.extra-days-off: not a date (yyyy-mm-dd): " + text, e);
                }
            }
        }
        this.configured = Set.copyOf(days);
    }

    /** An extra day off, with why. */
    public record DayOff(LocalDate day, String reason) {}

    // ------------------------------------------------------------------ the statutory calendar

    /** The public holidays of a year (without weekends and compensatory days), each with its name. */
    static Map<LocalDate, String> publicHolidays(int year) {
        Map<LocalDate, String> days = new TreeMap<>();
        days.put(LocalDate.of(year, 1, 1), "Tết Dương lịch");
        // Tết falls between 21 January and 20 February, so its eve is always in the same solar year.
        LocalDate tet = LunarCalendar.lunarNewYear(year);
        days.put(tet.minusDays(1), "Tết Nguyên Đán (29/30 tháng Chạp)");
        for (int i = 0; i < 4; i++) {
            days.put(tet.plusDays(i), "Tết Nguyên Đán (mùng " + (i + 1) + ")");
        }
        days.put(LunarCalendar.toSolar(10, 3, year), "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
        days.put(LocalDate.of(year, 4, 30), "Ngày Chiến thắng (30/4)");
        days.put(LocalDate.of(year, 5, 1), "Ngày Quốc tế Lao động (1/5)");
        days.put(LocalDate.of(year, 9, 2), "Quốc khánh (2/9)");
        days.put(nationalDayAdjacent(year), "Quốc khánh (ngày liền kề)");
        return days;
    }

    /**
     * The day next to 2/9 the Government gives (Decree 145/2020, art. 63 leaves the choice to it): the
     * one that joins the holiday to a weekend — 1/9 when it is a Monday, 3/9 when it is a Friday or when
     * 1/9 is a weekend day — else 1/9. The operator adds the other one when a year's decision differs.
     */
    static LocalDate nationalDayAdjacent(int year) {
        LocalDate before = LocalDate.of(year, 9, 1);
        LocalDate after = LocalDate.of(year, 9, 3);
        if (before.getDayOfWeek() == DayOfWeek.MONDAY) {
            return before;
        }
        if (after.getDayOfWeek() == DayOfWeek.FRIDAY || weekend(before)) {
            return after;
        }
        return before;
    }

    static boolean weekend(LocalDate day) {
        return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
    }

    /**
     * The days off of a year by the statute alone: public holidays, and for each one on a weekend the
     * next day that is neither a weekend nor a holiday (art. 111(3)).
     */
    static Set<LocalDate> statutoryDaysOff(int year) {
        Set<LocalDate> holidays = new TreeSet<>(publicHolidays(year).keySet());
        Set<LocalDate> off = new TreeSet<>(holidays);
        for (LocalDate holiday : holidays) {
            if (weekend(holiday)) {
                LocalDate next = holiday.plusDays(1);
                while (weekend(next) || off.contains(next)) {
                    next = next.plusDays(1);
                }
                off.add(next);
            }
        }
        return off;
    }

    // ------------------------------------------------------------------ counting

    /** Whether {@code day} is a working day: no weekend, no holiday or compensatory day, no extra day off. */
    public boolean isWorkingDay(LocalDate day) {
        return isWorkingDay(day, extraDaysOff());
    }

    static boolean isWorkingDay(LocalDate day, Collection<LocalDate> extra) {
        return !weekend(day) && !statutoryDaysOff(day.getYear()).contains(day) && !extra.contains(day);
    }

    /** The date {@code n} working days after {@code from} (the day itself not counted). */
    public LocalDate plusWorkingDays(LocalDate from, int n) {
        return plusWorkingDays(from, n, extraDaysOff());
    }

    static LocalDate plusWorkingDays(LocalDate from, int n, Collection<LocalDate> extra) {
        LocalDate day = from;
        int counted = 0;
        while (counted < n) {
            day = day.plusDays(1);
            if (isWorkingDay(day, extra)) {
                counted++;
            }
        }
        return day;
    }

    /**
     * When a period of {@code n} working days after the moment {@code at} ends: the end of the n-th
     * working day after that day, in Vietnam.
     */
    public Instant workingDaysAfter(Instant at, int n) {
        return endOf(plusWorkingDays(at.atZone(VIETNAM).toLocalDate(), n));
    }

    /**
     * When a period of {@code n} (calendar) days after {@code at} ends: the end of the n-th day, moved
     * to the end of the next working day when that day is a day off (Civil Code, art. 148(5)).
     */
    public Instant daysAfter(Instant at, int n) {
        return daysAfter(at, n, extraDaysOff());
    }

    static Instant daysAfter(Instant at, int n, Collection<LocalDate> extra) {
        LocalDate last = at.atZone(VIETNAM).toLocalDate().plusDays(n);
        while (!isWorkingDay(last, extra)) {
            last = last.plusDays(1);
        }
        return endOf(last);
    }

    static Instant workingDaysAfter(Instant at, int n, Collection<LocalDate> extra) {
        return endOf(plusWorkingDays(at.atZone(VIETNAM).toLocalDate(), n, extra));
    }

    /** The end of a day in Vietnam: the first instant of the next one. */
    static Instant endOf(LocalDate day) {
        return day.plusDays(1).atStartOfDay(VIETNAM).toInstant();
    }

    // ------------------------------------------------------------------ the operator's extra days

    /** The extra days off, from configuration and the table. */
    Set<LocalDate> extraDaysOff() {
        Set<LocalDate> days = new TreeSet<>(configured);
        days.addAll(jdbc.sql("select day_off from privacy_day_off")
                .query((rs, n) -> rs.getDate(1).toLocalDate())
                .list());
        return days;
    }

    /** The extra days off in the table, by day. */
    public List<DayOff> daysOff() {
        return jdbc.sql("select day_off, reason from privacy_day_off order by day_off")
                .query((rs, n) -> new DayOff(rs.getDate(1).toLocalDate(), rs.getString(2)))
                .list();
    }

    /** The operator adds a day off (a compensatory day, a year's swap); adding it again changes nothing. */
    public DayOff addDayOff(Actor actor, LocalDate day, String reason) {
        policy.require(actor, Action.MANAGE_PRIVACY);
        if (day == null) {
            throw ProblemException.badRequest("privacy.dayOff.date", "Give the day off as yyyy-mm-dd");
        }
        String why = reason == null || reason.isBlank() ? "Ngày nghỉ bù" : reason.strip();
        if (why.length() > 200) {
            throw ProblemException.badRequest("privacy.dayOff.reason", "The reason has at most 200 characters");
        }
        int updated = jdbc.sql("update privacy_day_off set reason = ? where day_off = ?")
                .params(why, Date.valueOf(day))
                .update();
        if (updated == 0) {
            jdbc.sql("insert into privacy_day_off(day_off, reason, added_by, added_at) values (?,?,?,?)")
                    .params(Date.valueOf(day), why, actor.personId(), java.sql.Timestamp.from(clock.instant()))
                    .update();
        }
        return new DayOff(day, why);
    }
}
