package vn.datafloor.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import vn.datafloor.linkage.ClusterMember;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;
import vn.datafloor.linkage.ScoredPair;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * DuckDB against Spark on the same linkage: the civil registry of N synthetic people (default
 * 1,000,000, seed 42) linked to the tax extract (about 30 % of them, noisy), same model. Each engine
 * loads and standardizes the inputs, blocks, trains, scores and clusters, and that is what is timed.
 * Target: equal results (the trained parameters, candidate pairs, clusters and their F1); the ratio Spark ÷ DuckDB is reported, not targeted: on one machine Spark's
 * task and shuffle overhead is expected to lose to DuckDB, and its point is the cluster.
 *
 * <p>Options: {@code --records N} (people, default 1,000,000), {@code --spark-master URL} (default
 * local[*]), {@code --pipeline-rows N}: instead of the linkage, the pipeline over N people on both engines
 * ({@link SparkPipelineBench}).
 */
final class SparkBench {

    private static final long SEED = 42;

    static final String CONFIG = """
            name: bench-spark
            mode: link
            inputs:
              - name: civil-registry/people
                path: civil-registry/people.csv
                id: record_id
                columns:
                  name: std_name_key(ho_ten)
                  given: list_last(string_split(std_name_key(ho_ten), ' '))
                  dob: (std_date(ngay_sinh)).value
                  dobkey: year((std_date(ngay_sinh)).value) * 10000 + least(month((std_date(ngay_sinh)).value), day((std_date(ngay_sinh)).value)) * 100 + greatest(month((std_date(ngay_sinh)).value), day((std_date(ngay_sinh)).value))
                  cccd: (std_cccd(so_cccd)).value
                  sex: std_sex(gioi_tinh)
                  phone: (std_phone(so_dien_thoai)).value
              - name: tax/taxpayers
                path: tax/taxpayers.csv
                id: record_id
                columns:
                  name: std_name_key(ho_ten)
                  given: list_last(string_split(std_name_key(ho_ten), ' '))
                  dob: (std_date(ngay_sinh)).value
                  dobkey: year((std_date(ngay_sinh)).value) * 10000 + least(month((std_date(ngay_sinh)).value), day((std_date(ngay_sinh)).value)) * 100 + greatest(month((std_date(ngay_sinh)).value), day((std_date(ngay_sinh)).value))
                  cccd: (std_cccd(so_cccd)).value
                  sex: std_sex(gioi_tinh)
                  phone: (std_phone(so_dien_thoai)).value
            blocking:
              - l.cccd = r.cccd
              - l.dobkey = r.dobkey AND l.given = r.given
              - l.phone = r.phone
            comparisons:
              - name: name
                column: name
                levels:
                  - exact: {term_frequency: true}
                  - jaro_winkler: 0.92
                  - jaro_winkler: 0.8
              - name: dob
                column: dob
                levels: [exact, date_day_month_swapped, date_one_component, date_same_year]
              - name: cccd
                column: cccd
                levels: [exact, id_one_digit, id_transposition]
              - name: sex
                column: sex
                levels: [exact]
              - name: phone
                column: phone
                levels: [exact, {levenshtein: 1}]
            training:
              deterministic_rules: [l.cccd = r.cccd]
              deterministic_recall: 0.95
              u_sample_pairs: 1000000
              em_blocking_rules: [l.cccd = r.cccd, l.dob = r.dob]
              seed: 7
            clustering:
              threshold: 0.9
              conflicting_id: cccd
              tolerate_id_typo: true
            """;

    private SparkBench() {}

    static int run(String[] args) throws Exception {
        var options = SparkMain.options(args);
        long people = Long.parseLong(
                value(options, "--records", "1000000").replace("_", "").replace(",", ""));
        String master = value(options, "--spark-master", "local[*]");
        Path home = Path.of(System.getenv().getOrDefault("DATAFLOOR_HOME", "."))
                .toAbsolutePath()
                .normalize();
        String pipelineRows = value(options, "--pipeline-rows", null);
        if (pipelineRows != null) {
            return SparkPipelineBench.run(
                    Long.parseLong(pipelineRows.replace("_", "").replace(",", "")), SEED, master, home);
        }
        // The same directory the linkage benchmarks use, so a population is generated once for all of them.
        Path synth = home.resolve("bench/target/synth-" + people + "-s" + SEED);
        if (!Files.exists(synth.resolve("manifest.json"))) {
            System.out.printf("generating %,d synthetic people, seed %d (once; kept in %s)…%n", people, SEED, synth);
            SyntheticPopulation.generate(SynthOptions.of(people, SEED), synth, null);
        }
        LinkageModel model = LinkageModel.parse(CONFIG, synth);
        Path truth = synth.resolve("truth/record_links.csv");
        Path scratch = Files.createTempDirectory("datafloor-bench-spark");
        try {
            LinkageParameters parameters;
            double duckSeconds;
            long duckPairs;
            long duckClusters;
            Evaluation duckEvaluation;
            List<ClusterMember> duckMembers;
            List<ScoredPair> duckTop;
            long t1 = System.nanoTime();
            try (Linker duck = Linker.open(model, scratch.resolve("duck"))) {
                double loaded = seconds(t1);
                parameters = duck.train();
                double trained = seconds(t1);
                duckPairs = duck.predict(parameters);
                double scored = seconds(t1);
                duckClusters = duck.cluster(model.clustering().threshold());
                duckSeconds = seconds(t1);
                System.out.printf(
                        Locale.ROOT,
                        "  duckdb: load+standardize %.2f s, block+train %.2f s, score %.2f s (%,d pairs), cluster %.2f s"
                                + " (%,d)%n",
                        loaded,
                        trained - loaded,
                        scored - trained,
                        duckPairs,
                        duckSeconds - scored,
                        duckClusters);
                duckEvaluation = duck.evaluateClusters(truth);
                duckMembers = duck.clusters();
                duckTop = duck.pairs(0.0, 1000);
            }

            SparkSession spark = SparkSessions.open(master, "datafloor-bench-spark");
            double sparkSeconds;
            LinkageParameters sparkParameters;
            long sparkPairs;
            long sparkClusters;
            Evaluation sparkEvaluation;
            boolean sameClusters;
            boolean sameTop;
            try {
                long t2 = System.nanoTime();
                try (SparkLinker linker = SparkLinker.open(spark, model)) {
                    double loaded = seconds(t2);
                    sparkParameters = linker.train();
                    double trained = seconds(t2);
                    sparkPairs = linker.predict(sparkParameters);
                    double scored = seconds(t2);
                    sparkClusters = linker.cluster(model.clustering().threshold());
                    sparkSeconds = seconds(t2);
                    System.out.printf(
                            Locale.ROOT,
                            "  spark (%s): load+standardize %.2f s, block+train %.2f s, score %.2f s (%,d pairs),"
                                    + " cluster %.2f s (%,d)%n",
                            spark.sparkContext().master(),
                            loaded,
                            trained - loaded,
                            scored - trained,
                            sparkPairs,
                            sparkSeconds - scored,
                            sparkClusters);
                    sparkEvaluation = linker.evaluateClusters(truth);
                    sameClusters = linker.clusters().equals(duckMembers);
                    sameTop = sameWeights(duckTop, linker.pairs(0.0, 1000));
                }
            } finally {
                spark.stop();
            }
            boolean sameParameters = sameParameters(parameters, sparkParameters);
            boolean equal = sameParameters
                    && duckPairs == sparkPairs
                    && duckClusters == sparkClusters
                    && sameClusters
                    && sameTop
                    && duckEvaluation.equals(sparkEvaluation);
            System.out.printf(
                    Locale.ROOT, "DuckDB at %,d people: %.2f s, clusters %s%n", people, duckSeconds, duckEvaluation);
            System.out.printf(
                    Locale.ROOT, "Spark  at %,d people: %.2f s, clusters %s%n", people, sparkSeconds, sparkEvaluation);
            System.out.printf(
                    "results equal: %s (trained parameters %s, pairs %s, clusters %s, top 1,000 weights %s, F1 %s)%n",
                    equal,
                    sameParameters,
                    duckPairs == sparkPairs,
                    sameClusters,
                    sameTop,
                    duckEvaluation.equals(sparkEvaluation));
            System.out.printf(
                    Locale.ROOT,
                    "BENCH spark project=%.2fs baseline=%.2fs ratio=%.2f target=results-equal %s%n",
                    sparkSeconds,
                    duckSeconds,
                    sparkSeconds / duckSeconds,
                    equal ? "PASS" : "FAIL");
            return 0;
        } finally {
            SparkMain.deleteTree(scratch);
        }
    }

    /** The same λ, and per comparison level the same m and u, within 1e-9. */
    static boolean sameParameters(LinkageParameters a, LinkageParameters b) {
        if (Math.abs(a.lambda() - b.lambda()) > 1e-9
                || a.comparisons().size() != b.comparisons().size()) {
            return false;
        }
        for (int c = 0; c < a.comparisons().size(); c++) {
            var x = a.comparisons().get(c).levels();
            var y = b.comparisons().get(c).levels();
            if (x.size() != y.size()) {
                return false;
            }
            for (int k = 0; k < x.size(); k++) {
                if (Math.abs(x.get(k).m() - y.get(k).m()) > 1e-9
                        || Math.abs(x.get(k).u() - y.get(k).u()) > 1e-9) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Same pairs in the same order (weight, then ids) with weights within 1e-9. */
    private static boolean sameWeights(List<ScoredPair> expected, List<ScoredPair> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            ScoredPair a = expected.get(i);
            ScoredPair b = actual.get(i);
            if (!a.leftId().equals(b.leftId())
                    || !a.rightId().equals(b.rightId())
                    || Math.abs(a.matchWeight() - b.matchWeight()) > 1e-9) {
                return false;
            }
        }
        return true;
    }

    private static String value(java.util.Map<String, String> options, String option, String otherwise) {
        return options.getOrDefault(option.substring(2), otherwise);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
