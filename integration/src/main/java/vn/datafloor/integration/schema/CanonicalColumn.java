package vn.datafloor.integration.schema;

/**
 * One column of a canonical schema.
 *
 * @param type DuckDB type of the standardized value
 * @param standardizer the macro that produces the value from source text (with its call shape, e.g.
 *     {@code std_date(s).value}), or null when the value is copied as is
 */
public record CanonicalColumn(String name, String type, boolean required, String description, String standardizer) {}
