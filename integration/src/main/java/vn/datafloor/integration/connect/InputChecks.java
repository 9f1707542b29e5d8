package vn.datafloor.integration.connect;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import vn.datafloor.integration.lake.DuckDbConnections;

/**
 * The checks a file passes before it is accepted at all, for an upload that is stored now and read
 * later: what its packing says it expands to (xlsx parts and ratios, a Parquet footer, a gzip
 * stream's content). Rows and columns of text formats are counted when the file is read
 * ({@link SourceLoader}), which refuses them again, so a stored file can never publish past a limit.
 */
public final class InputChecks {

    private InputChecks() {}

    /**
     * @param type the source type: csv, jsonl, parquet or xlsx (others are not files and pass)
     * @param shownName the name the uploader gave, for messages
     * @throws InputLimitException naming the limit
     * @throws SourceException when the file is not what its type says (not a zip, not Parquet)
     */
    public static void check(Path file, String type, String shownName, InputLimits limits) throws IOException {
        switch (type.toLowerCase(Locale.ROOT)) {
            case "xlsx" -> XlsxGuard.check(file, shownName, limits);
            case "parquet" -> {
                try (Connection duck = DuckDbConnections.open(null, "256MB", 1)) {
                    ParquetGuard.check(duck, file, shownName, limits);
                } catch (SQLException e) {
                    throw new SourceException("Not a readable Parquet file: " + shownName, e);
                }
            }
            case "csv", "jsonl" -> {
                if (GzipGuard.isGzip(file)) {
                    GzipGuard.count(file, shownName, limits);
                }
            }
            default -> { }
        }
    }
}
