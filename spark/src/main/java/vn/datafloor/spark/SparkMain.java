package vn.datafloor.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LinkageException;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;

/**
 * Entry point of the spark module's JVM: {@code link} (what {@code ./datafloor link --engine spark}
 * runs, or spark-submit on a cluster), {@code ingest} ({@code ./datafloor ingest --engine spark}) and
 * {@code bench} ({@code ./datafloor bench spark}). The Datafloor
 * CLI parses and checks its options, then starts this with the spark module's class path.
 */
public final class SparkMain {

    private SparkMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: SparkMain link|ingest|bench [options]");
            System.exit(2);
        }
        String[] options = Arrays.copyOfRange(args, 1, args.length);
        int status = switch (args[0]) {
            case "link" -> link(options(options));
            case "ingest" -> SparkIngest.run(options(options));
            case "bench" -> SparkBench.run(options);
            default -> {
                System.err.println("unknown command '" + args[0] + "': link, ingest or bench");
                yield 2;
            }
        };
        System.exit(status);
    }

    /** {@code --name value} pairs; a bare flag maps to "true". */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                options.put(name.substring(0, eq), name.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(name, args[++i]);
            } else {
                options.put(name, "true");
            }
        }
        return options;
    }

    /**
     * Links with the model on Spark. Without {@code --parameters} the parameters are trained first, on
     * Spark (docs/spark.md): the deterministic rules' pairs, a seeded random sample and the EM rules'
     * comparison patterns are counted there, and EM runs on the patterns as the DuckDB linker's does, so
     * both engines train to the same parameters; so do labelled pairs (their file is checked on the
     * driver, their records' levels counted on Spark).
     */
    static int link(Map<String, String> options) throws Exception {
        Path config = Path.of(required(options, "config"));
        Path out = Path.of(options.getOrDefault("out", "./link-output"));
        String format = options.getOrDefault("format", "csv");
        String master = options.getOrDefault("spark-master", "local[*]");
        Path truth = options.containsKey("truth") ? Path.of(options.get("truth")) : null;
        try {
            LinkageModel model = LinkageModel.parse(config);
            if (truth != null) {
                Linker.checkTruth(model, truth);
            }
            Files.createDirectories(out);
            long start = System.nanoTime();
            LinkageParameters given = null;
            if (options.containsKey("parameters")) {
                given = LinkageParameters.read(Path.of(options.get("parameters")));
                given.checkFits(model);
                System.out.printf("parameters: %s%n", options.get("parameters"));
            }
            SparkSession spark = SparkSessions.open(master, "datafloor-link " + model.name());
            try (SparkLinker linker = SparkLinker.open(spark, model)) {
                LinkageParameters parameters = given;
                if (parameters == null) {
                    long trainingStarted = System.nanoTime();
                    parameters = linker.train();
                    System.out.printf(
                            Locale.ROOT,
                            "trained on Spark in %.1f s: prior weight %.2f%n",
                            (System.nanoTime() - trainingStarted) / 1e9,
                            parameters.priorWeight());
                }
                parameters.write(out.resolve("parameters.json"));
                long pairs = linker.predict(parameters);
                System.out.printf(
                        "scored %,d candidate pairs on Spark (%s)%n",
                        pairs, spark.sparkContext().master());
                long clusters = linker.cluster(model.clustering().threshold());
                System.out.printf(
                        Locale.ROOT,
                        "%,d clusters at probability >= %.2f%n",
                        clusters,
                        model.clustering().threshold());
                linker.writePredictions(out.resolve("pairs." + format));
                linker.writeClusters(out.resolve("clusters." + format));
                System.out.printf(
                        Locale.ROOT,
                        "written: %s, %s, %s (%.1f s)%n",
                        out.resolve("pairs." + format),
                        out.resolve("clusters." + format),
                        out.resolve("parameters.json"),
                        (System.nanoTime() - start) / 1e9);
                if (truth != null) {
                    Evaluation byPairs =
                            linker.evaluatePairs(truth, model.clustering().threshold());
                    Evaluation byClusters = linker.evaluateClusters(truth);
                    System.out.printf(
                            Locale.ROOT,
                            "pairwise:  precision %.4f  recall %.4f  F1 %.4f%n",
                            byPairs.precision(),
                            byPairs.recall(),
                            byPairs.f1());
                    System.out.printf(
                            Locale.ROOT,
                            "clusters:  precision %.4f  recall %.4f  F1 %.4f%n",
                            byClusters.precision(),
                            byClusters.recall(),
                            byClusters.f1());
                }
            } finally {
                spark.stop();
            }
            return 0;
        } catch (LinkageException e) {
            System.err.println("Failed: " + e.getMessage());
            return 1;
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            paths.sort(java.util.Comparator.reverseOrder());
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            System.err.println("warning: could not delete " + root + ": " + e.getMessage());
        }
    }
}
