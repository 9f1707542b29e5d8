package vn.datafloor.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.pipeline.PipelineException;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.QualityReport;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;
import vn.datafloor.integration.pipeline.SqlExpressions;
import vn.datafloor.integration.pipeline.SqlLibraries;

/**
 * {@code ./datafloor ingest --engine spark}: one pipeline spec run by {@link SparkPipelineRunner} into the lake
 * under {@code --data}, encrypted with the same master keyset the CLI's DuckDB engine and the server use.
 * Options (checked by the CLI first): {@code --pipeline}, {@code --input}, {@code --data}, {@code --spark-master}.
 */
final class SparkIngest {

    private SparkIngest() {}

    static int run(Map<String, String> options) throws Exception {
        Path pipeline = Path.of(required(options, "pipeline"));
        if (!Files.isRegularFile(pipeline)) {
            System.err.println("No pipeline spec at " + pipeline);
            return 2;
        }
        // The standardizers are functions a spec's expressions may call (the runner allows them too, later).
        SqlExpressions.allowFunctions(SqlLibraries.standard().functions());
        PipelineSpecs.Parsed parsed = PipelineSpecs.parse(Files.readString(pipeline));
        if (!parsed.ok()) {
            System.err.println("The spec " + pipeline + " has problems:");
            parsed.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        String refused = SparkPipelineRunner.refusal(parsed.spec().source());
        if (refused != null) {
            // Before a Spark session starts: nothing is read, nothing published.
            System.err.println("Failed: " + refused);
            return 1;
        }
        Path input = options.containsKey("input")
                ? Path.of(options.get("input"))
                : pipeline.toAbsolutePath().getParent();
        Path data = Path.of(options.getOrDefault("data", "./data"));
        String master = options.getOrDefault("spark-master", "local[*]");
        Lake lake = Lake.open(data.resolve("lake"), LakeKeys.local(data.resolve("keys")));
        RunControl control = new RunControl(new RunControl.Listener() {
            @Override
            public void progress(String stage, int percent) {
                System.err.printf(Locale.ROOT, "%3d%% %s%n", percent, stage);
            }

            @Override
            public void log(String level, String message) {
                System.err.println(level + " " + message);
            }
        });
        SparkSession spark =
                SparkSessions.open(master, "datafloor-ingest " + parsed.spec().name());
        try {
            long start = System.nanoTime();
            RunResult result = new SparkPipelineRunner(spark, lake, data.resolve("work"), InputLimits.DEFAULTS)
                    .run(
                            parsed.spec(),
                            new SparkPipelineRunner.Request(
                                    UUID.randomUUID().toString(), input, Map.of("cli", "ingest"), Instant.now()),
                            control);
            print(result);
            System.out.printf(
                    Locale.ROOT,
                    "on Spark (%s) in %.1f s%n",
                    spark.sparkContext().master(),
                    (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (PipelineException | SourceException e) {
            System.err.println("Failed: " + e.getMessage());
            return 1;
        } finally {
            spark.stop();
        }
    }

    /** As the DuckDB engine's ingest prints it (server's IngestCommand). */
    private static void print(RunResult result) {
        System.out.printf(
                "%s version %d%s%n",
                result.version().dataset(),
                result.version().version(),
                result.reused() ? " (unchanged input: kept)" : "");
        System.out.printf(
                "rows in %,d = published %,d + quarantined %,d%n",
                result.rowsIn(), result.rowsPublished(), result.rowsQuarantined());
        QualityReport report = result.report();
        if (report != null) {
            System.out.printf("quality %.1f%n", report.overallScore());
            report.scores()
                    .forEach((d, s) ->
                            System.out.printf("  %-13s %5.1f%n", d.name().toLowerCase(), s));
            for (QualityReport.RuleResult rule : report.rules()) {
                System.out.printf(
                        "  %-30s %-6s failed %,d of %,d%n",
                        rule.name(), rule.severity(), rule.failed(), rule.checked());
            }
        }
        if (result.quarantine() != null) {
            System.out.println("quarantine: " + result.quarantine());
        }
        System.out.println("files: " + result.version().directory());
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
