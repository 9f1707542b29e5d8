package vn.datafloor.server.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LinkageException;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;
import vn.datafloor.linkage.UnreadableDates;

/**
 * Links or deduplicates CSV/Parquet/JSONL files with a YAML model (docs/linkage.md): trains, scores
 * every candidate pair with field-by-field weights, clusters, writes pairs and clusters, and with
 * {@code --truth} prints precision, recall and F1.
 */
@Command(
        name = "link",
        mixinStandardHelpOptions = true,
        description = {
            "Link or deduplicate files with a linkage model (YAML, see docs/linkage.md).",
            "Writes pairs, clusters and parameters.json (the parameters used) under --out.",
            "Example: ./datafloor link --config link.yaml --out out/ --truth truth.csv",
            "Example: ./datafloor link --config link.yaml --engine spark --spark-master spark://host:7077"
        })
class LinkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, description = "The linkage model (YAML).")
    Path config;

    @Option(
            names = "--out",
            defaultValue = "./link-output",
            description = "Where pairs, clusters and parameters go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--truth",
            description = "Ground truth CSV to score against, checked before any work: clusters (columns source,"
                    + " record_id, entity_id) or pairs (columns id_l, id_r, and source_l, source_r unless the"
                    + " mode is dedupe).")
    Path truth;

    @Option(
            names = "--parameters",
            description = "Reuse parameters saved by an earlier run instead of training"
                    + " (they are written to <out>/parameters.json as well).")
    Path parameters;

    @Option(names = "--format", defaultValue = "csv", description = "csv or parquet (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--engine",
            defaultValue = "duckdb",
            description = "duckdb (in this process) or spark (the spark module in its own JVM, docs/spark.md)"
                    + " (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(
            names = "--spark-master",
            defaultValue = "local[*]",
            description = "With --engine spark: local[*] (this machine's cores) or a cluster's master URL"
                    + " such as spark://host:7077 (default: ${DEFAULT-VALUE}).")
    String sparkMaster;

    @Option(
            names = "--show-config",
            description = "Print the model as it is read, a preset written out in full (columns, blocking,"
                    + " comparisons, training, clustering), and stop; a start for a tuned model.")
    boolean showConfig;

    /** The same model on Spark: checked here first, so a mistake is reported before a JVM starts. */
    private int onSpark(PrintWriter stderr) throws Exception {
        try {
            LinkageModel model = LinkageModel.parse(config);
            if (truth != null) {
                Linker.checkTruth(model, truth);
            }
        } catch (LinkageException e) {
            stderr.println("Failed: " + e.getMessage());
            return 1;
        }
        if (!SparkEngine.built()) {
            stderr.println(String.format(SparkEngine.MISSING, SparkEngine.home()));
            return 2;
        }
        java.util.List<String> arguments = new java.util.ArrayList<>(java.util.List.of(
                "link",
                "--config",
                config.toAbsolutePath().toString(),
                "--out",
                out.toAbsolutePath().toString(),
                "--format",
                format,
                "--spark-master",
                sparkMaster));
        if (truth != null) {
            arguments.addAll(java.util.List.of("--truth", truth.toAbsolutePath().toString()));
        }
        if (parameters != null) {
            arguments.addAll(java.util.List.of(
                    "--parameters", parameters.toAbsolutePath().toString()));
        }
        spec.commandLine().getOut().flush();
        return SparkEngine.run(arguments);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!format.equals("csv") && !format.equals("parquet")) {
            stderr.println("--format must be csv or parquet");
            return 2;
        }
        if (!engine.equals("duckdb") && !engine.equals("spark")) {
            stderr.println("--engine must be duckdb or spark");
            return 2;
        }
        if (engine.equals("spark") && !showConfig) {
            return onSpark(stderr);
        }
        try {
            if (showConfig) {
                LinkageModel.parse(config);
                stdout.print(LinkageModel.expandPreset(Files.readString(config)));
                return 0;
            }
            LinkageModel model = LinkageModel.parse(config);
            if (truth != null) {
                Linker.checkTruth(model, truth);
            }
            LinkageParameters reused = parameters == null ? null : LinkageParameters.read(parameters);
            if (reused != null) {
                reused.checkFits(model);
            }
            Files.createDirectories(out);
            Path scratch = Files.createTempDirectory("datafloor-link");
            try (Linker linker = Linker.open(model, scratch)) {
                long start = System.nanoTime();
                LinkageParameters trained;
                if (reused != null) {
                    trained = reused;
                    trained.write(out.resolve("parameters.json"));
                    stdout.printf("parameters: %s; written to %s%n", parameters, out.resolve("parameters.json"));
                } else {
                    trained = linker.train();
                    trained.write(out.resolve("parameters.json"));
                    stdout.printf(
                            "trained: prior weight %.2f; parameters in %s%n",
                            trained.priorWeight(), out.resolve("parameters.json"));
                }
                for (UnreadableDates unreadable : linker.unreadableDates()) {
                    stdout.printf(
                            "warning: %,d value(s) of %s in %s are not dates (yyyy-MM-dd, yyyyMMdd or dd/MM/yyyy)"
                                    + " and count as missing%n",
                            unreadable.values(), unreadable.column(), unreadable.input());
                }
                long pairs = linker.predict(trained);
                stdout.printf("scored %,d candidate pairs%n", pairs);
                long clusters = linker.cluster(model.clustering().threshold());
                stdout.printf(
                        "%,d clusters at probability >= %.2f%n",
                        clusters, model.clustering().threshold());
                linker.writePredictions(out.resolve("pairs." + format));
                linker.writeClusters(out.resolve("clusters." + format));
                stdout.printf(
                        "written: %s, %s (%.1f s)%n",
                        out.resolve("pairs." + format),
                        out.resolve("clusters." + format),
                        (System.nanoTime() - start) / 1e9);
                if (truth != null) {
                    Evaluation byPairs =
                            linker.evaluatePairs(truth, model.clustering().threshold());
                    Evaluation byClusters = linker.evaluateClusters(truth);
                    stdout.printf(
                            "pairwise:  precision %.4f  recall %.4f  F1 %.4f%n",
                            byPairs.precision(), byPairs.recall(), byPairs.f1());
                    stdout.printf(
                            "clusters:  precision %.4f  recall %.4f  F1 %.4f%n",
                            byClusters.precision(), byClusters.recall(), byClusters.f1());
                }
            } finally {
                try (var walk = Files.walk(scratch)) {
                    walk.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
            return 0;
        } catch (LinkageException e) {
            stderr.println("Failed: " + e.getMessage());
            return 1;
        }
    }
}
