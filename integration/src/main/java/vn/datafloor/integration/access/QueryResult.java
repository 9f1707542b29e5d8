package vn.datafloor.integration.access;

import java.util.List;

/**
 * What a REST page or an SQL query returned.
 *
 * @param rows values as Java objects: String, Long, Integer, Double, BigDecimal, Boolean,
 *     LocalDate, LocalDateTime, or null; other DuckDB types as text
 * @param truncated whether more rows existed than were returned
 * @param bytes an approximation of the result's size (UTF-8 length of the values' text)
 * @param fingerprint SHA-256 (hex) of the normalized query: the same for whitespace and comment variants
 */
public record QueryResult(
        List<String> columns,
        List<List<Object>> rows,
        boolean truncated,
        long bytes,
        String fingerprint,
        SubjectsTouched subjects) {

    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
