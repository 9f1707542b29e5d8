package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.synth.Noise;
import vn.datafloor.synth.ProgressListener;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * End to end on a seeded synthetic population: the clean civil registry linked to the noisy tax
 * extract (typos, missing diacritics, NFD, Ð for Đ, swapped names, day/month swaps, ID errors,
 * duplicates), scored against synth's ground truth.
 */
class SynthLinkageTest {

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
                  cccd: (std_cccd(so_cccd)).value
                  sex: std_sex(gioi_tinh)
                  phone: so_dien_thoai
              - name: tax/taxpayers
                path: tax/taxpayers.csv
                id: record_id
                columns:
                  name: std_name_key(ho_ten)
                  dob: (std_date(ngay_sinh)).value
                  cccd: (std_cccd(so_cccd)).value
                  sex: std_sex(gioi_tinh)
                  phone: so_dien_thoai
            blocking:
              - l.dob = r.dob
              - l.cccd = r.cccd
              - l.name = r.name
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
              u_sample_pairs: 200000
              seed: 7
            clustering:
              threshold: 0.9
              conflicting_id: cccd
              tolerate_id_typo: true
            """;

    @TempDir
    static Path synth;

    static Linker linker;
    static LinkageParameters parameters;
    static long scored;

    @BeforeAll
    static void linkSample() {
        SyntheticPopulation.generate(new SynthOptions(3_000, 7, Noise.defaults()), synth, ProgressListener.NONE);
        linker = Linker.open(LinkageModel.parse(CONFIG, synth), synth);
        parameters = linker.train();
        scored = linker.predict(parameters);
    }

    @AfterAll
    static void close() {
        linker.close();
    }

    @Test
    void emConvergesAndMatchingFieldsHaveMAboveU() {
        assertThat(parameters.training())
                .allSatisfy(run -> assertThat(run.converged()).isTrue());
        for (String field : List.of("name", "dob", "cccd")) {
            ComparisonParameters p = parameters.comparison(field);
            assertThat(p.levels().get(0).trained()).isTrue();
            assertThat(p.levels().get(0).m()).as(field).isGreaterThan(0.5);
            assertThat(p.levels().get(0).m() / p.levels().get(0).u()).as(field).isGreaterThan(100);
            // "else" is far more likely among non-matches.
            assertThat(p.levels().get(p.levels().size() - 1).weight()).as(field).isNegative();
        }
        // About 944 tax records, most of them one of the 3,000 people: λ ≈ 1/3,000.
        assertThat(parameters.lambda()).isBetween(1e-4, 1e-3);
    }

    @Test
    void contributionsAddUpToTheMatchWeight() {
        List<ScoredPair> top = linker.pairs(0.0, 50);
        assertThat(top).hasSize(50);
        for (ScoredPair pair : top) {
            double sum = pair.priorWeight()
                    + pair.contributions().stream()
                            .mapToDouble(ScoredPair.Contribution::weight)
                            .sum();
            assertThat(sum).isCloseTo(pair.matchWeight(), within(1e-9));
            assertThat(pair.priorWeight()).isCloseTo(parameters.priorWeight(), within(1e-9));
            assertThat(pair.matchProbability()).isCloseTo(1 / (1 + Math.pow(2, -pair.matchWeight())), within(1e-12));
        }
    }

    @Test
    void linksTheRegistryToTaxWithHighF1() {
        Path truth = synth.resolve("truth/record_links.csv");
        Evaluation pairs = linker.evaluatePairs(truth, 0.9);
        linker.cluster(0.9);
        Evaluation clusters = linker.evaluateClusters(truth);
        System.out.println("synth 3,000 people, registry x tax, " + scored + " candidate pairs: pairs " + pairs
                + "; clusters " + clusters + "; parameters " + parameters);
        assertThat(pairs.f1()).isGreaterThan(0.97);
        assertThat(clusters.f1()).isGreaterThan(0.97);
    }

    @Test
    void savedParametersPredictTheSame() throws Exception {
        Path file = synth.resolve("parameters.json");
        parameters.write(file);
        LinkageParameters read = LinkageParameters.read(file);
        assertThat(read).isEqualTo(parameters);
        assertThat(Files.readString(file)).contains("\"lambda\"");
    }
}
