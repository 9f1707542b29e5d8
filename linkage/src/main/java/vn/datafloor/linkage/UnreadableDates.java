package vn.datafloor.linkage;

/**
 * Values of one input's column that a date comparison needed as dates but that are in none of the
 * shapes the engine reads (ISO yyyy-MM-dd, yyyyMMdd, dd/MM/yyyy): they count as missing. Parse such a
 * column in the input's {@code columns} expression instead (for example {@code (std_date(x)).value}).
 */
public record UnreadableDates(String input, String column, long values) {}
