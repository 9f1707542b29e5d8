package vn.datafloor.synth;

import java.time.LocalDate;

/** Date formats of the agencies, written by hand because DateTimeFormatter is slow on the hot path. */
final class Dates {
    private Dates() {}

    static String iso(LocalDate d) {
        return d == null ? null : d.getYear() + "-" + two(d.getMonthValue()) + "-" + two(d.getDayOfMonth());
    }

    /** dd/MM/yyyy, the usual Vietnamese form. */
    static String vietnamese(LocalDate d) {
        return d == null ? null : two(d.getDayOfMonth()) + "/" + two(d.getMonthValue()) + "/" + d.getYear();
    }

    /** yyyyMMdd, as in social-insurance exchange files. */
    static String compact(LocalDate d) {
        return d == null ? null : d.getYear() + two(d.getMonthValue()) + two(d.getDayOfMonth());
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}
