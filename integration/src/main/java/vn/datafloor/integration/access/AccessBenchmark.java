package vn.datafloor.integration.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import vn.datafloor.integration.lake.DuckDbConnections;

/**
 * The cost of delivering through the access engine, for {@code bench/}: an aggregate over a masked,
 * row-filtered view through a session (checked, rewritten SQL on a locked connection) against the
 * same aggregate with the same filter on the raw Parquet in a plain DuckDB connection. Opening the
 * session (reading the files once, computing the masks into the permitted table) is measured apart:
 * it is paid once per session, the query on every request.
 */
public final class AccessBenchmark {

    /** What one run measured; each query time is the best of three runs. */
    public record Measurement(
            long rows, long permittedRows, Duration open, Duration permittedQuery, Duration rawQuery) {

        /** Query through the engine over the same query on raw DuckDB. */
        public double queryRatio() {
            return (double) permittedQuery.toNanos() / Math.max(1, rawQuery.toNanos());
        }

        /** Opening the session plus one query, over the raw query. */
        public double openAndQueryRatio() {
            return (double) (open.toNanos() + permittedQuery.toNanos()) / Math.max(1, rawQuery.toNanos());
        }
    }

    private static final String AGGREGATE =
            "SELECT commune_code, age, count(*) AS n, avg(income) AS income FROM %s GROUP BY ALL";

    private AccessBenchmark() {}

    /** Writes {@code rows} synthetic persons to Parquet under {@code directory} and measures. */
    public static Measurement run(int rows, Path directory, int threads) throws IOException, SQLException {
        Files.createDirectories(directory);
        Path file = directory.resolve("bench-persons-" + rows + ".parquet");
        if (!Files.exists(file)) {
            generate(rows, file);
        }
        RowFilter filter = RowFilter.in("province_code", List.of("01", "79"));
        AccessView view = new AccessView(
                "persons",
                List.of(file),
                List.of("full_name", "citizen_id", "age", "commune_code", "income"),
                Map.of(
                        "full_name", Mask.REDACT,
                        "citizen_id", Mask.KEYED_HASH,
                        "age", Mask.AGE_BAND,
                        "commune_code", Mask.GENERALISE_PROVINCE),
                List.of(filter),
                Optional.empty(),
                "id",
                "benchmark-agreement-key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        AccessLimits limits = new AccessLimits("2GB", threads, Duration.ofMinutes(10), 10_000, 10);
        long start = System.nanoTime();
        Duration open;
        Duration permitted = null;
        long permittedRows;
        try (AccessSession session = AccessSession.open(List.of(view), limits, directory.resolve("work"))) {
            open = Duration.ofNanos(System.nanoTime() - start);
            long total = 0;
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                QueryResult result = session.query(String.format(AGGREGATE, "persons"), 10_000);
                Duration d = Duration.ofNanos(System.nanoTime() - t);
                permitted = permitted == null || d.compareTo(permitted) < 0 ? d : permitted;
                total = result.rows().stream()
                        .mapToLong(r -> ((Number) r.get(2)).longValue())
                        .sum();
            }
            permittedRows = total;
        }
        Duration raw = null;
        long rawRows = 0;
        try (Connection duck = DuckDbConnections.open(directory, "2GB", threads);
                Statement statement = duck.createStatement()) {
            String source = "read_parquet('" + file.toAbsolutePath().toString().replace("'", "''")
                    + "') WHERE province_code IN ('01', '79')";
            for (int i = 0; i < 3; i++) {
                long t = System.nanoTime();
                long total = 0;
                try (ResultSet rs = statement.executeQuery(String.format(AGGREGATE, source))) {
                    while (rs.next()) {
                        total += rs.getLong(3);
                    }
                }
                Duration d = Duration.ofNanos(System.nanoTime() - t);
                raw = raw == null || d.compareTo(raw) < 0 ? d : raw;
                rawRows = total;
            }
        }
        if (rawRows != permittedRows) {
            throw new IllegalStateException("the engine and raw DuckDB counted different rows");
        }
        return new Measurement(rows, permittedRows, open, permitted, raw);
    }

    private static void generate(int rows, Path file) throws SQLException {
        try (Connection duck = DuckDbConnections.open(null, "1GB", 2);
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT 'P' || i AS id,"
                    + " ['Nguyễn Văn An', 'Trần Thị Bích', 'Lê Hoàng Nam', 'Phạm Minh Châu'][i % 4 + 1] AS full_name,"
                    + " lpad(i::VARCHAR, 12, '0') AS citizen_id,"
                    + " (18 + i % 70)::INTEGER AS age,"
                    + " ['00004', '25747', '20194', '00008', '25750'][i % 5 + 1] AS commune_code,"
                    + " ['01', '79', '48', '01', '79'][i % 5 + 1] AS province_code,"
                    + " (i % 100000) * 1000 AS income"
                    + " FROM range(" + rows + ") t(i)) TO '"
                    + file.toAbsolutePath().toString().replace("'", "''") + "' (FORMAT parquet)");
        }
    }

    /** {@code java … AccessBenchmark <rows> <directory> [threads]}: prints one line. */
    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        Measurement m = run(rows, Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 2);
        System.out.printf(
                "rows=%d permitted=%d open=%d ms engine query=%d ms raw query=%d ms ratio=%.2f (open+query %.2f)%n",
                m.rows(),
                m.permittedRows(),
                m.open().toMillis(),
                m.permittedQuery().toMillis(),
                m.rawQuery().toMillis(),
                m.queryRatio(),
                m.openAndQueryRatio());
    }
}
