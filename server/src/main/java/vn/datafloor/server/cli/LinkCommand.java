package vn.datafloor.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LinkageException;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;

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
            "Example: ./datafloor link --config link.yaml --out out/ --truth truth.csv"
        })
class LinkCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The linkage model (YAML).")
    Path config;

    @Option(
            names = "--out",
            defaultValue = "./link-output",
            description = "Where pairs, clusters and parameters go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--truth", description = "Ground truth CSV (source, record_id, entity_id) to score against.")
    Path truth;

    @Option(names = "--parameters", description = "Reuse parameters saved by an earlier run instead of training.")
    Path parameters;

    @Option(names = "--format", defaultValue = "csv", description = "csv or parquet (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("csv") && !format.equals("parquet")) {
            System.err.println("--format must be csv or parquet");
            return 2;
        }
        try {
            LinkageModel model = LinkageModel.parse(config);
            Files.createDirectories(out);
            Path scratch = Files.createTempDirectory("datafloor-link");
            try (Linker linker = Linker.open(model, scratch)) {
                long start = System.nanoTime();
                LinkageParameters trained;
                if (parameters != null) {
                    trained = LinkageParameters.read(parameters);
                    System.out.println("parameters: " + parameters);
                } else {
                    trained = linker.train();
                    trained.write(out.resolve("parameters.json"));
                    System.out.printf(
                            "trained: prior weight %.2f; parameters in %s%n",
                            trained.priorWeight(), out.resolve("parameters.json"));
                }
                long pairs = linker.predict(trained);
                System.out.printf("scored %,d candidate pairs%n", pairs);
                long clusters = linker.cluster(model.clustering().threshold());
                System.out.printf(
                        "%,d clusters at probability >= %.2f%n",
                        clusters, model.clustering().threshold());
                linker.writePredictions(out.resolve("pairs." + format));
                linker.writeClusters(out.resolve("clusters." + format));
                System.out.printf(
                        "written: %s, %s (%.1f s)%n",
                        out.resolve("pairs." + format),
                        out.resolve("clusters." + format),
                        (System.nanoTime() - start) / 1e9);
                if (truth != null) {
                    Evaluation byPairs =
                            linker.evaluatePairs(truth, model.clustering().threshold());
                    Evaluation byClusters = linker.evaluateClusters(truth);
                    System.out.printf(
                            "pairwise:  precision %.4f  recall %.4f  F1 %.4f%n",
                            byPairs.precision(), byPairs.recall(), byPairs.f1());
                    System.out.printf(
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
            System.err.println("Failed: " + e.getMessage());
            return 1;
        }
    }
}
