package vn.datafloor.server.access;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import vn.datafloor.integration.access.AccessBenchmark;

/**
 * {@code ./datafloor bench query [--rows 10000000] [--threads 2]}: the access engine's cost on an
 * aggregate (GROUP BY with masks and a row filter) through a session's checked, rewritten SQL, against
 * the same aggregate with the same filter on the raw Parquet in a plain DuckDB connection, on the same
 * synthetic file in a fresh temporary folder. Each query time is the best of three. Opening the session
 * (paid once per session) is reported on its own line and not in the ratio. Target: ratio ≤ 1.3.
 */
public final class QueryBench {

    static final double TARGET_RATIO = 1.3;

    private QueryBench() {}

    public static int run(List<String> options) throws Exception {
        int rows = option(options, "--rows", 10_000_000);
        int threads = option(options, "--threads", 2);
        Path directory = Files.createTempDirectory("datafloor-bench-query-");
        AccessBenchmark.Measurement m = AccessBenchmark.run(rows, directory, threads);
        double project = m.permittedQuery().toNanos() / 1e6;
        double baseline = m.rawQuery().toNanos() / 1e6;
        double ratio = m.queryRatio();
        System.out.printf(
                Locale.ROOT,
                "rows: %d in Parquet, %d permitted by the row filter; %d DuckDB thread(s)%n",
                m.rows(),
                m.permittedRows(),
                threads);
        System.out.printf(
                Locale.ROOT,
                "session open (once per session, not in the ratio): %.0f ms; open + query over raw: %.2f%n",
                m.open().toNanos() / 1e6,
                m.openAndQueryRatio());
        System.out.printf(
                Locale.ROOT, "aggregate: engine %.1f ms, raw DuckDB %.1f ms (best of 3 each)%n", project, baseline);
        System.out.printf(
                Locale.ROOT,
                "BENCH query project=%.0fms baseline=%.0fms ratio=%.2f target=ratio<=1.3 %s%n",
                project,
                baseline,
                ratio,
                ratio <= TARGET_RATIO ? "PASS" : "FAIL");
        vn.datafloor.server.platform.ScratchDirectories.delete(directory);
        return 0;
    }

    static int option(List<String> options, String name, int fallback) {
        int at = options.indexOf(name);
        return at >= 0 && at + 1 < options.size()
                ? Integer.parseInt(options.get(at + 1).replace("_", ""))
                : fallback;
    }
}
