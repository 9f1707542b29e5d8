package vn.datafloor.integration.connect;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Checks a Parquet file's footer against the {@link InputLimits} before a row is read: the footer
 * declares the rows, the columns and every column chunk's uncompressed size, and the reader
 * decompresses no page beyond what its header declares. A few kilobytes of heavily compressed
 * pages can otherwise unpack to gigabytes.
 */
final class ParquetGuard {

    private ParquetGuard() {}

    /**
     * Runs on the loader's connection, on the trusted path (DuckDB's metadata functions read the
     * footer only).
     *
     * @throws InputLimitException naming the limit and the file
     */
    static void check(Connection duck, Path file, String shownName, InputLimits limits) throws SQLException {
        String path = literal(file.toString());
        long rows;
        long columns;
        long uncompressed;
        try (Statement statement = duck.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata(" + path + ")")) {
                rs.next();
                rows = rs.getLong(1);
            }
            // Leaves: a nested column costs as many columns as it has leaves.
            try (ResultSet rs = statement.executeQuery(
                    "SELECT count(*) FROM parquet_schema(" + path + ")" + " WHERE coalesce(num_children, 0) = 0")) {
                rs.next();
                columns = rs.getLong(1);
            }
            try (ResultSet rs =
                    statement.executeQuery("SELECT coalesce(sum(total_uncompressed_size), 0), count(*) FILTER ("
                            + "WHERE total_uncompressed_size < 0) FROM parquet_metadata(" + path + ")")) {
                rs.next();
                uncompressed = rs.getLong(2) > 0 ? Long.MAX_VALUE : rs.getLong(1);
            }
        }
        if (columns > limits.maxColumns()) {
            throw new InputLimitException(
                    "maxColumns",
                    "The Parquet file " + shownName + " has " + columns
                            + " columns, more than the limit of " + limits.maxColumns()
                            + " (maxColumns); publish fewer columns, "
                            + "or split the table");
        }
        if (rows > limits.maxRows()) {
            throw new InputLimitException(
                    "maxRows",
                    "The Parquet file " + shownName + " declares " + rows + " rows, more than the limit of "
                            + limits.maxRows() + " (maxRows); split it into smaller files");
        }
        if (uncompressed > limits.maxDecompressedBytes()) {
            throw new InputLimitException(
                    "maxDecompressedBytes",
                    "The Parquet file " + shownName
                            + " expands to more than " + limits.maxDecompressedBytes() + " bytes when unpacked (limit "
                            + "maxDecompressedBytes, as its footer declares); split it into smaller files");
        }
    }
}
