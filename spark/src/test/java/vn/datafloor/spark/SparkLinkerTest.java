package vn.datafloor.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.linkage.ClusterMember;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;
import vn.datafloor.linkage.ScoredPair;
import vn.datafloor.synth.Noise;
import vn.datafloor.synth.ProgressListener;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * The same model on both engines, each training its own parameters, on a seeded synthetic population
 * (the clean civil registry against the noisy tax extract): the same trained parameters, the same
 * candidate pairs, the same levels and weights, the same clusters with the same ids, and the F1 against
 * synth's ground truth.
 */
@Tag("spark")
class SparkLinkerTest {

    /** Every level kind the Spark engine has, term frequency, a conflicting id with typo tolerance. */
    static final String CONFIG = """
            name: registry-to-tax
            mode: link
            inputs:
              - name: civil-registry/people
                path: civil-registry/people.csv
                id: record_id
                columns:
                  name: std_name_key(ho_ten)
                  dob: TRY_CAST(ngay_sinh AS DATE)
                  birth: (std_partial_date(ngay_sinh)).value
                  cccd: (std_cccd(so_cccd)).value
                  sex: std_sex(gioi_tinh)
                  phone: so_dien_thoai
              - name: tax/taxpayers
                path: tax/taxpayers.csv
                id: record_id
                columns:
                  name: std_name_key(ho_ten)
                  dob: (std_date(ngay_sinh)).value
                  birth: (std_partial_date(ngay_sinh)).value
                  cccd: (std_cccd(so_cccd)).value
                  sex: std_sex(gioi_tinh)
                  phone: so_dien_thoai
            blocking:
              - l.dob = r.dob
              - l.cccd = r.cccd
              - l.name = r.name
              - substr(l.name, 1, 6) = substr(r.name, 1, 6) AND l.birth = r.birth
            comparisons:
              - name: name
                column: name
                levels:
                  - exact: {term_frequency: true}
                  - name_reordered
                  - jaro_winkler: 0.92
                  - name_words_contained
                  - jaro_winkler: 0.8
              - name: dob
                column: dob
                levels: [exact, date_day_month_swapped, date_one_component, date_same_year]
              - name: birth
                column: birth
                levels: [date_partial, exact]
              - name: cccd
                column: cccd
                levels: [exact, id_one_digit, id_transposition]
              - name: sex
                column: sex
                levels: [exact]
              - name: phone
                column: phone
                levels: [exact, {levenshtein: 1}, {number_within: 10}]
            training:
              deterministic_rules: [l.cccd = r.cccd]
              deterministic_recall: 0.95
              u_sample_pairs: 200000
              seed: 7
            clustering:
              threshold: 0.9
              conflicting_id: cccd
              tolerate_id_typo: true
            """;

    @TempDir
    static Path synth;

    static SparkSession spark;
    static Linker duck;
    static SparkLinker onSpark;
    static LinkageParameters parameters;
    static LinkageParameters sparkParameters;
    static long duckPairs;
    static long sparkPairs;

    @BeforeAll
    static void linkOnBothEngines() {
        SyntheticPopulation.generate(new SynthOptions(2_000, 7, Noise.defaults()), synth, ProgressListener.NONE);
        LinkageModel model = LinkageModel.parse(CONFIG, synth);
        duck = Linker.open(model, synth.resolve("duck-scratch"));
        parameters = duck.train();
        duckPairs = duck.predict(parameters);
        duck.cluster(model.clustering().threshold());
        spark = SparkSessions.open("local[2]", "spark-linker-test");
        onSpark = SparkLinker.open(spark, model);
        sparkParameters = onSpark.train();
        sparkPairs = onSpark.predict(sparkParameters);
        onSpark.cluster(model.clustering().threshold());
    }

    @AfterAll
    static void close() {
        if (onSpark != null) {
            onSpark.close();
        }
        if (duck != null) {
            duck.close();
        }
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void trainsToTheSameParametersAsDuckDb() {
        assertThat(sparkParameters.lambda()).isCloseTo(parameters.lambda(), within(1e-12));
        assertThat(parameters.lambda()).isBetween(1e-6, 0.5);
        assertThat(sparkParameters.comparisons()).hasSameSizeAs(parameters.comparisons());
        for (int c = 0; c < parameters.comparisons().size(); c++) {
            var expected = parameters.comparisons().get(c);
            var actual = sparkParameters.comparisons().get(c);
            assertThat(actual.name()).isEqualTo(expected.name());
            for (int k = 0; k < expected.levels().size(); k++) {
                var e = expected.levels().get(k);
                var a = actual.levels().get(k);
                assertThat(a.u()).as(expected.name() + " u " + e.label()).isCloseTo(e.u(), within(1e-12));
                assertThat(a.m()).as(expected.name() + " m " + e.label()).isCloseTo(e.m(), within(1e-9));
                assertThat(a.trained()).isEqualTo(e.trained());
            }
        }
        // Each EM run saw the same pairs and took as many iterations.
        assertThat(sparkParameters.training()).hasSameSizeAs(parameters.training());
        for (int i = 0; i < parameters.training().size(); i++) {
            assertThat(sparkParameters.training().get(i).pairs())
                    .isEqualTo(parameters.training().get(i).pairs());
            assertThat(sparkParameters.training().get(i).iterations())
                    .isEqualTo(parameters.training().get(i).iterations());
        }
        // Trained, not the starting values: an exact CCCD is far likelier among matches than among random pairs.
        var cccd = sparkParameters.comparison("cccd").levels().get(0);
        assertThat(cccd.trained()).isTrue();
        assertThat(cccd.m() / cccd.u()).isGreaterThan(1000);
    }

    @Test
    void labelledPairsTrainToTheSameParametersAsDuckDb() throws Exception {
        // 300 labelled matches (a taxpayer and the same person's registry record, from synth's truth)
        // and 300 non-matches (a taxpayer and another person's record); λ from the labelled candidates.
        Map<String, List<String>> byPerson = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(synth.resolve("truth/record_links.csv")).stream()
                .skip(1)
                .toList()) {
            String[] f = line.split(",");
            if (f[0].equals("civil-registry/people") || f[0].equals("tax/taxpayers")) {
                byPerson.computeIfAbsent(f[3], k -> new java.util.ArrayList<>()).add(f[0] + "," + f[1]);
            }
        }
        List<String[]> linked = byPerson.values().stream()
                .map(records -> new String[] {
                    records.stream()
                            .filter(r -> r.startsWith("civil"))
                            .findFirst()
                            .orElse(null),
                    records.stream()
                            .filter(r -> r.startsWith("tax"))
                            .findFirst()
                            .orElse(null)
                })
                .filter(p -> p[0] != null && p[1] != null)
                .limit(301)
                .toList();
        StringBuilder labels = new StringBuilder("left_source,left_id,right_source,right_id,is_match\n");
        for (int i = 0; i < 300; i++) {
            labels.append(linked.get(i)[0]).append(',').append(linked.get(i)[1]).append(",1\n");
            labels.append(linked.get(i)[0])
                    .append(',')
                    .append(linked.get(i + 1)[1])
                    .append(",0\n");
        }
        Files.writeString(synth.resolve("labels.csv"), labels);
        LinkageModel model = LinkageModel.parse(
                CONFIG.replace("  deterministic_rules: [l.cccd = r.cccd]\n", "  labelled_pairs: labels.csv\n"), synth);
        LinkageParameters fromDuck;
        try (Linker onDuck = Linker.open(model, synth.resolve("duck-labelled"))) {
            fromDuck = onDuck.train();
        }
        LinkageParameters fromSpark;
        try (SparkLinker labelledOnSpark = SparkLinker.open(spark, model)) {
            fromSpark = labelledOnSpark.train();
        }
        assertThat(fromDuck.training().get(0).pairs()).isEqualTo(600);
        assertThat(fromSpark.training()).isEqualTo(fromDuck.training());
        assertThat(fromSpark.lambda()).isCloseTo(fromDuck.lambda(), within(1e-12));
        for (int c = 0; c < fromDuck.comparisons().size(); c++) {
            var expected = fromDuck.comparisons().get(c).levels();
            var actual = fromSpark.comparisons().get(c).levels();
            for (int k = 0; k < expected.size(); k++) {
                assertThat(actual.get(k).m()).isCloseTo(expected.get(k).m(), within(1e-12));
                assertThat(actual.get(k).u()).isCloseTo(expected.get(k).u(), within(1e-12));
            }
        }
        // From the labels: nearly every labelled match has the same CCCD where both have one.
        assertThat(fromSpark.comparison("cccd").levels().get(0).m()).isGreaterThan(0.8);
    }

    @Test
    void theSamePairsWithTheSameLevelsAndWeights() {
        assertThat(sparkPairs).isEqualTo(duckPairs).isGreaterThan(1_000);
        Map<String, ScoredPair> expected = byIds(duck.pairs(0.0, Integer.MAX_VALUE));
        Map<String, ScoredPair> actual = byIds(onSpark.pairs(0.0, Integer.MAX_VALUE));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((ids, pair) -> {
            ScoredPair other = actual.get(ids);
            assertThat(other.matchWeight()).as(ids).isCloseTo(pair.matchWeight(), within(1e-9));
            assertThat(other.matchProbability()).as(ids).isCloseTo(pair.matchProbability(), within(1e-9));
            for (int c = 0; c < pair.contributions().size(); c++) {
                assertThat(other.contributions().get(c).level())
                        .as(ids + " " + pair.contributions().get(c).comparison())
                        .isEqualTo(pair.contributions().get(c).level());
                assertThat(other.contributions().get(c).weight())
                        .isCloseTo(pair.contributions().get(c).weight(), within(1e-9));
            }
        });
        // Not only agreement on "else": the fuzzy levels occur in this data.
        assertThat(expected.values().stream()
                        .flatMap(p -> p.contributions().stream())
                        .map(ScoredPair.Contribution::level)
                        .collect(Collectors.toSet()))
                .contains("jaro_winkler >= 0.92", "id_one_digit", "date_day_month_swapped", "name_reordered");
    }

    @Test
    void theSameClustersWithTheSameIds() {
        List<ClusterMember> expected = duck.clusters();
        List<ClusterMember> actual = onSpark.clusters();
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void f1AgainstGroundTruthIsHighAndTheSameOnBothEngines() {
        Path truth = synth.resolve("truth/record_links.csv");
        Evaluation pairs = onSpark.evaluatePairs(truth, 0.9);
        Evaluation clusters = onSpark.evaluateClusters(truth);
        assertThat(pairs.f1()).isGreaterThan(0.95);
        assertThat(clusters.f1()).isGreaterThan(0.95);
        assertThat(pairs).isEqualTo(duck.evaluatePairs(truth, 0.9));
        assertThat(clusters).isEqualTo(duck.evaluateClusters(truth));
    }

    @Test
    void writesOneFileLikeTheDuckDbEngine() throws Exception {
        Path out = Files.createDirectories(synth.resolve("out"));
        onSpark.writeClusters(out.resolve("clusters.csv"));
        onSpark.writePredictions(out.resolve("pairs.parquet"));
        List<String> lines = Files.readAllLines(out.resolve("clusters.csv"));
        assertThat(lines.get(0)).isEqualTo("source,record_id,cluster_id");
        assertThat(lines).hasSize(duck.clusters().size() + 1);
        assertThat(Files.size(out.resolve("pairs.parquet"))).isPositive();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("clusters.csv", "pairs.parquet");
        }
    }

    private static Map<String, ScoredPair> byIds(List<ScoredPair> pairs) {
        return pairs.stream()
                .collect(Collectors.toMap(
                        p -> p.leftSource() + ":" + p.leftId() + "|" + p.rightSource() + ":" + p.rightId(),
                        Function.identity()));
    }
}
