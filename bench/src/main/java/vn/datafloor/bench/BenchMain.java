package vn.datafloor.bench;

import java.util.Arrays;

/**
 * Entry point for all Datafloor benchmarks: {@code BenchMain <name> [options]}. Each benchmark prints
 * readable lines, then one machine-readable {@code BENCH ...} line per figure, the main one last.
 */
public final class BenchMain {

    private static final String NAMES =
            "ledger, pipeline, linkage-accuracy, linkage-speed, linkage-scale, catalog-search";

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: BenchMain <benchmark> [options]; benchmarks: " + NAMES);
            System.exit(2);
        }
        String[] options = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "ledger" -> LedgerBench.run(options);
            case "pipeline" -> PipelineBench.run(options);
            case "linkage-accuracy" -> LinkageAccuracyBench.run(options);
            case "linkage-speed" -> LinkageSpeedBench.run(options);
            case "linkage-scale" -> LinkageScaleBench.run(options);
            case "catalog-search" -> CatalogSearchBench.run(options);
            default -> {
                System.err.println("unknown benchmark '" + args[0] + "'; benchmarks: " + NAMES);
                System.exit(2);
            }
        }
    }
}
