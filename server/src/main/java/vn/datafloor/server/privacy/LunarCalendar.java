package vn.datafloor.server.privacy;

import java.time.LocalDate;
import java.time.temporal.JulianFields;

/**
 * The Vietnamese lunisolar calendar, after Hồ Ngọc Đức's published algorithm ("Thuật toán tính âm
 * lịch", 2004, from Jean Meeus, <i>Astronomical Algorithms</i>, 1998): a lunar month begins on the
 * day (at UTC+7) of an astronomical new moon; month 11 is the one holding the winter solstice; in a
 * year of 13 months the leap month is the first one holding no major solar term. Valid for 1800–2199;
 * the platform needs a handful of years around now.
 */
final class LunarCalendar {

    /** Vietnam's time zone, in hours: the calendar is fixed by the new moon's local date. */
    static final double TIME_ZONE = 7.0;

    private LunarCalendar() {}

    /** A lunar date; {@code leap} for a day of the leap month, which repeats the number of the month before it. */
    record LunarDate(int day, int month, int year, boolean leap) {}

    /** The lunar date of a day of the (proleptic Gregorian) calendar. */
    static LunarDate fromSolar(LocalDate date) {
        long dayNumber = julianDay(date);
        long k = floor((dayNumber - 2415021.076998695) / 29.530588853);
        long monthStart = newMoonDay(k + 1);
        if (monthStart > dayNumber) {
            monthStart = newMoonDay(k);
        }
        long a11 = lunarMonth11(date.getYear());
        long b11 = a11;
        int lunarYear;
        if (a11 >= monthStart) {
            lunarYear = date.getYear();
            a11 = lunarMonth11(date.getYear() - 1);
        } else {
            lunarYear = date.getYear() + 1;
            b11 = lunarMonth11(date.getYear() + 1);
        }
        int lunarDay = (int) (dayNumber - monthStart + 1);
        int diff = (int) floor((monthStart - a11) / 29.0);
        boolean leap = false;
        int lunarMonth = diff + 11;
        if (b11 - a11 > 365) {
            int leapMonthDiff = leapMonthOffset(a11);
            if (diff >= leapMonthDiff) {
                lunarMonth = diff + 10;
                leap = diff == leapMonthDiff;
            }
        }
        if (lunarMonth > 12) {
            lunarMonth -= 12;
        }
        if (lunarMonth >= 11 && diff < 4) {
            lunarYear -= 1;
        }
        return new LunarDate(lunarDay, lunarMonth, lunarYear, leap);
    }

    /**
     * The solar date of a lunar date (not in a leap month).
     *
     * @throws IllegalArgumentException for a day the lunar year does not have
     */
    static LocalDate toSolar(int lunarDay, int lunarMonth, int lunarYear) {
        if (lunarDay < 1 || lunarDay > 30 || lunarMonth < 1 || lunarMonth > 12) {
            throw new IllegalArgumentException("No lunar day " + lunarDay + "/" + lunarMonth);
        }
        long a11;
        long b11;
        if (lunarMonth < 11) {
            a11 = lunarMonth11(lunarYear - 1);
            b11 = lunarMonth11(lunarYear);
        } else {
            a11 = lunarMonth11(lunarYear);
            b11 = lunarMonth11(lunarYear + 1);
        }
        long k = floor(0.5 + (a11 - 2415021.076998695) / 29.530588853);
        int off = lunarMonth - 11;
        if (off < 0) {
            off += 12;
        }
        if (b11 - a11 > 365 && off >= leapMonthOffset(a11)) {
            off += 1;
        }
        long monthStart = newMoonDay(k + off);
        LocalDate date = fromJulianDay(monthStart + lunarDay - 1);
        LunarDate check = fromSolar(date);
        if (check.day() != lunarDay || check.month() != lunarMonth || check.leap()) {
            throw new IllegalArgumentException(
                    "Lunar month " + lunarMonth + " of " + lunarYear + " has no day " + lunarDay);
        }
        return date;
    }

    /** The first day of the lunar year that begins in {@code year} (Tết Nguyên Đán). */
    static LocalDate lunarNewYear(int year) {
        return toSolar(1, 1, year);
    }

    /** The last day of the lunar year before the one that begins in {@code year} (the 29th or 30th of month 12). */
    static LocalDate lunarNewYearsEve(int year) {
        return lunarNewYear(year).minusDays(1);
    }

    // ------------------------------------------------------------------ the algorithm's steps

    static long julianDay(LocalDate date) {
        return date.getLong(JulianFields.JULIAN_DAY);
    }

    static LocalDate fromJulianDay(long jdn) {
        return LocalDate.MIN.with(JulianFields.JULIAN_DAY, jdn);
    }

    /** The day number (local date at UTC+7) of the k-th new moon after 1 January 1900 (Meeus, ch. 49, abridged). */
    static long newMoonDay(long k) {
        double t = k / 1236.85;
        double t2 = t * t;
        double t3 = t2 * t;
        double dr = Math.PI / 180;
        double jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
        jd1 = jd1 + 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr);
        double m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
        double mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
        double f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
        double c1 = (0.1734 - 0.000393 * t) * Math.sin(m * dr) + 0.0021 * Math.sin(2 * dr * m);
        c1 = c1 - 0.4068 * Math.sin(mpr * dr) + 0.0161 * Math.sin(dr * 2 * mpr);
        c1 = c1 - 0.0004 * Math.sin(dr * 3 * mpr);
        c1 = c1 + 0.0104 * Math.sin(dr * 2 * f) - 0.0051 * Math.sin(dr * (m + mpr));
        c1 = c1 - 0.0074 * Math.sin(dr * (m - mpr)) + 0.0004 * Math.sin(dr * (2 * f + m));
        c1 = c1 - 0.0004 * Math.sin(dr * (2 * f - m)) - 0.0006 * Math.sin(dr * (2 * f + mpr));
        c1 = c1 + 0.0010 * Math.sin(dr * (2 * f - mpr)) + 0.0005 * Math.sin(dr * (2 * mpr + m));
        double deltaT = t < -11
                ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
                : -0.000278 + 0.000265 * t + 0.000262 * t2;
        double jdNew = jd1 + c1 - deltaT;
        return floor(jdNew + 0.5 + TIME_ZONE / 24);
    }

    /** Which of the 12 sectors of 30° the sun's longitude is in at the start of day {@code jdn} (Meeus, ch. 25). */
    static int sunLongitudeSector(long jdn) {
        double t = (jdn - 2451545.5 - TIME_ZONE / 24) / 36525;
        double t2 = t * t;
        double dr = Math.PI / 180;
        double m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
        double l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
        double dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * Math.sin(dr * m);
        dl = dl + (0.019993 - 0.000101 * t) * Math.sin(dr * 2 * m) + 0.000290 * Math.sin(dr * 3 * m);
        double l = (l0 + dl) * dr;
        l = l - Math.PI * 2 * floor(l / (Math.PI * 2));
        return (int) floor(l / Math.PI * 6);
    }

    /** The first day of lunar month 11 (the month of the winter solstice) near the end of {@code year}. */
    static long lunarMonth11(int year) {
        long off = julianDay(LocalDate.of(year, 12, 31)) - 2415021;
        long k = floor(off / 29.530588853);
        long nm = newMoonDay(k);
        if (sunLongitudeSector(nm) >= 9) {
            nm = newMoonDay(k - 1);
        }
        return nm;
    }

    /** In a 13-month year starting at month 11 {@code a11}: the offset of the leap month (the first without a major term). */
    static int leapMonthOffset(long a11) {
        long k = floor((a11 - 2415021.076998695) / 29.530588853 + 0.5);
        int last;
        int i = 1;
        int arc = sunLongitudeSector(newMoonDay(k + i));
        do {
            last = arc;
            i++;
            arc = sunLongitudeSector(newMoonDay(k + i));
        } while (arc != last && i < 14);
        return i - 1;
    }

    private static long floor(double x) {
        return (long) Math.floor(x);
    }
}
