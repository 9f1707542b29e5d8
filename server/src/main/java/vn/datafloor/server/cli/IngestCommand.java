package vn.datafloor.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.pipeline.PipelineException;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.QualityReport;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;

/**
 * Runs one pipeline from a YAML file straight into the lake, without the server: the same engine
 * the platform uses, with a progress bar. Sources must be described inline (no registered sources
 * or stored secrets here). {@code --engine spark} runs the same spec on Spark, in the spark module's
 * own JVM (docs/spark.md), into the same lake with the same keys.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = {
            "Run a pipeline spec (YAML) into the lake under --data.",
            "Example: ./datafloor ingest --pipeline pipelines/health.yaml --input data/synth",
            "Example: ./datafloor ingest --pipeline pipelines/tax.yaml --engine spark --spark-master spark://host:7077"
        })
class IngestCommand implements Callable<Integer> {

    @Option(names = "--pipeline", required = true, description = "The pipeline spec (YAML); see docs/pipelines.md.")
    Path pipeline;

    @Option(
            names = "--input",
            description = "Directory the spec's file paths are relative to (default: the spec's directory).")
    Path input;

    @Option(
            names = "--data",
            defaultValue = "./data",
            description = "Data directory; the lake is DATA/lake (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--memory",
            defaultValue = "1GB",
            description = "DuckDB memory limit before spilling to disk (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(
            names = "--engine",
            defaultValue = "duckdb",
            description =
                    "duckdb (in this process) or spark (csv, jsonl and parquet sources; the spark module in its own"
                            + " JVM, docs/spark.md) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(
            names = "--spark-master",
            defaultValue = "local[*]",
            description = "With --engine spark: local[*] (this machine's cores) or a cluster's master URL"
                    + " such as spark://host:7077 (default: ${DEFAULT-VALUE}).")
    String sparkMaster;

    /** The same spec on Spark: checked here first, so a mistake in it is reported before a JVM starts. */
    private int onSpark(Path inputDir) throws Exception {
        if (!SparkEngine.built()) {
            System.err.println(String.format(SparkEngine.MISSING, SparkEngine.home()));
            return 2;
        }
        System.out.flush();
        return SparkEngine.run(java.util.List.of(
                "ingest",
                "--pipeline",
                pipeline.toAbsolutePath().toString(),
                "--input",
                inputDir.toAbsolutePath().toString(),
                "--data",
                data.toAbsolutePath().toString(),
                "--spark-master",
                sparkMaster));
    }

    @Override
    public Integer call() throws Exception {
        if (!engine.equals("duckdb") && !engine.equals("spark")) {
            System.err.println("--engine must be duckdb or spark");
            return 2;
        }
        if (!Files.isRegularFile(pipeline)) {
            System.err.println("No pipeline spec at " + pipeline);
            return 2;
        }
        // The standardizers are functions a spec may call: allowed before the spec is checked, not only once a
        // runner exists (the server's runner allows them at start; here the spec is read first).
        vn.datafloor.integration.pipeline.SqlExpressions.allowFunctions(
                vn.datafloor.integration.pipeline.SqlLibraries.standard().functions());
        PipelineSpecs.Parsed parsed = PipelineSpecs.parse(Files.readString(pipeline));
        if (!parsed.ok()) {
            System.err.println("The spec " + pipeline + " has problems:");
            parsed.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        Path inputDir = input != null ? input : pipeline.toAbsolutePath().getParent();
        if (engine.equals("spark")) {
            return onSpark(inputDir);
        }
        // Encrypted like the server's versions, under the same master keyset (created here on first use).
        Lake lake = Lake.open(data.resolve("lake"), LakeKeys.local(data.resolve("keys")));
        ProgressBar bar = new ProgressBar();
        RunControl control = new RunControl(new RunControl.Listener() {
            @Override
            public void progress(String stage, int percent) {
                bar.show(stage, percent);
            }

            @Override
            public void log(String level, String message) {
                bar.clear();
                System.err.println(level + " " + message);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(control::cancel));
        String runId = UUID.randomUUID().toString();
        try {
            RunResult result = new PipelineRunner(
                            lake,
                            data.resolve("work"),
                            memory,
                            Runtime.getRuntime().availableProcessors(),
                            vn.datafloor.integration.pipeline.SqlLibraries.standard())
                    .run(
                            parsed.spec(),
                            new PipelineRunner.RunRequest(
                                    runId,
                                    inputDir,
                                    null,
                                    name -> {
                                        throw new PipelineException(
                                                "Stored credentials exist only on the platform; run this pipeline there");
                                    },
                                    PipelineRunner.SourceResolver.NONE,
                                    Map.of("cli", "ingest"),
                                    Instant.now()),
                            control);
            bar.clear();
            print(result);
            return 0;
        } catch (PipelineException | SourceException e) {
            bar.clear();
            System.err.println("Failed: " + e.getMessage());
            return 1;
        } catch (RunControl.RunCancelledException e) {
            bar.clear();
            System.err.println(e.getMessage());
            return 130;
        }
    }

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

    /** A one-line bar on stderr, redrawn in place. */
    static final class ProgressBar {
        private boolean drawn;

        synchronized void show(String stage, int percent) {
            int filled = Math.max(0, Math.min(30, percent * 30 / 100));
            System.err.print("\r[" + "#".repeat(filled) + ".".repeat(30 - filled) + "] "
                    + String.format("%3d%% %-20s", percent, stage));
            System.err.flush();
            drawn = true;
        }

        synchronized void clear() {
            if (drawn) {
                System.err.print("\r" + " ".repeat(60) + "\r");
                drawn = false;
            }
        }
    }
}
