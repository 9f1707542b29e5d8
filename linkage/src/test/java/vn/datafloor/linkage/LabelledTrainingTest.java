package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.linkage.LinkageParameters.LevelParameters;

/** Training from pairs a person has labelled, on the hand-built registry and tax files of {@link LinkerTest}. */
class LabelledTrainingTest {

    @TempDir
    Path dir;

    /** Four matches and three non-matches; A3-B3, A4-B4, A7-B7 and A2-B2 are left for the model to find. */
    static final String LABELS = """
            left_source,left_id,right_source,right_id,is_match
            registry,A1,tax,B1,1
            tax,B5,registry,A5,true
            registry,A6,tax,B6,yes
            registry,A2,tax,B2,1
            registry,A1,tax,B9,0
            registry,A2,tax,B4,0
            registry,A8,tax,B3,no
            """;

    static final String TRUTH = "source,record_id,entity_id\n"
            + "registry,A1,p1\nregistry,A2,p2\nregistry,A3,p3\nregistry,A4,p4\nregistry,A5,p5\n"
            + "registry,A6,p6\nregistry,A7,p7\nregistry,A8,p8\n"
            + "tax,B1,p1\ntax,B2,p2\ntax,B3,p3\ntax,B4,p4\ntax,B5,p5\ntax,B6,p6\ntax,B7,p7\ntax,B9,p9\n";

    /** The link config of LinkerTest, trained from labels and without deterministic rules. */
    static String labelled(String file) {
        return LinkerTest.LINK.replace(
                "  deterministic_rules: [l.cccd = r.cccd]\n", "  labelled_pairs: " + file + "\n");
    }

    Linker open(String config) throws Exception {
        Files.writeString(dir.resolve("registry.csv"), LinkerTest.REGISTRY);
        Files.writeString(dir.resolve("tax.csv"), LinkerTest.TAX);
        Files.writeString(dir.resolve("truth.csv"), TRUTH);
        return Linker.open(LinkageModel.parse(config, dir), dir);
    }

    @Test
    void labelledMatchesGiveMAboveUAndPredictAtLeastAsWellAsEm() throws Exception {
        Files.writeString(dir.resolve("labels.csv"), LABELS);
        Evaluation fromLabels;
        try (Linker linker = open(labelled("labels.csv"))) {
            LinkageParameters parameters = linker.train();
            for (String field : new String[] {"name", "dob", "cccd"}) {
                LevelParameters exact = parameters.comparison(field).levels().get(0);
                assertThat(exact.trained()).isTrue();
                assertThat(exact.m()).as(field).isGreaterThan(exact.u());
            }
            // Name: 3 of 4 matches exact, 1 fuzzy, none else; smoothing 0.5 over 3 levels.
            ComparisonParameters name = parameters.comparison("name");
            assertThat(name.levels()).extracting(LevelParameters::m).containsExactly(3.5 / 5.5, 1.5 / 5.5, 0.5 / 5.5);
            assertThat(parameters.training())
                    .singleElement()
                    .satisfies(run -> assertThat(run.pairs()).isEqualTo(7));
            assertThat(parameters.lambda()).isBetween(0.0, 0.5);
            linker.predict(parameters);
            fromLabels = linker.evaluatePairs(dir.resolve("truth.csv"), 0.5);
        }
        Evaluation fromEm;
        try (Linker linker = open(LinkerTest.LINK)) {
            linker.predict(linker.train());
            fromEm = linker.evaluatePairs(dir.resolve("truth.csv"), 0.5);
        }
        assertThat(fromLabels.f1()).isGreaterThanOrEqualTo(fromEm.f1());
        assertThat(fromLabels.truePositives()).isEqualTo(7);
    }

    @Test
    void deterministicRulesStillSetLambdaWhenGiven() throws Exception {
        Files.writeString(dir.resolve("labels.csv"), LABELS);
        String both = LinkerTest.LINK.replace("  seed: 1\n", "  seed: 1\n  labelled_pairs: labels.csv\n");
        double fromRules;
        try (Linker linker = open(both)) {
            fromRules = linker.train().lambda();
        }
        try (Linker linker = open(LinkerTest.LINK)) {
            assertThat(linker.train().lambda()).isEqualTo(fromRules);
        }
    }

    @Test
    void missingColumnsAreNamed() throws Exception {
        Files.writeString(dir.resolve("labels.csv"), "left_id,right_id,is_match\nA1,B1,1\n");
        try (Linker linker = open(labelled("labels.csv"))) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("missing column(s) [left_source, right_source]")
                    .hasMessageContaining("left_source, left_id, right_source, right_id, is_match");
        }
    }

    @Test
    void unknownIdsAreNamed() throws Exception {
        Files.writeString(dir.resolve("labels.csv"), LABELS + "registry,A1,tax,B42,1\nregistri,A2,tax,B2,1\n");
        try (Linker linker = open(labelled("labels.csv"))) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("2 rows name a record that is in no input")
                    .hasMessageContaining("line 9: tax:B42")
                    .hasMessageContaining("line 10: registri:A2")
                    .hasMessageContaining("[registry, tax]");
        }
    }

    @Test
    void badVerdictsAndMissingFile() throws Exception {
        Files.writeString(dir.resolve("labels.csv"), LABELS + "registry,A3,tax,B3,maybe\n");
        try (Linker linker = open(labelled("labels.csv"))) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("is_match must be 1/0, true/false or yes/no; got [line 9: maybe]");
        }
        try (Linker linker = open(labelled("nowhere.csv"))) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("Labelled pairs: no file at");
        }
        Files.writeString(
                dir.resolve("labels.csv"),
                "left_source,left_id,right_source,right_id,is_match\n" + "registry,A1,tax,B9,0\n");
        try (Linker linker = open(labelled("labels.csv"))) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("no pair has is_match true");
        }
    }

    @Test
    void dedupeLabelsNeedNoSources() throws Exception {
        Files.writeString(dir.resolve("people.csv"), LinkerTest.PEOPLE);
        Files.writeString(dir.resolve("labels.csv"), "left_id,right_id,is_match\nr2,r1,1\nr4,r5,1\nr1,r4,0\n");
        String config = LinkerTest.dedupe("training: {labelled_pairs: labels.csv, u_sample_pairs: 100}\n");
        try (Linker linker = Linker.open(LinkageModel.parse(config, dir), dir)) {
            LinkageParameters parameters = linker.train();
            LevelParameters name = parameters.comparison("name").levels().get(0);
            assertThat(name.m()).isEqualTo(2.5 / 3.0).isGreaterThan(name.u());
        }
    }
}
