package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vn.datafloor.linkage.LinkageModel.Level;
import vn.datafloor.linkage.LinkageModel.LevelKind;
import vn.datafloor.linkage.LinkageModel.Mode;

/** A config is refused for an unknown key or an impossible value, with the place, the value and the fix. */
class ConfigValidationTest {

    static String config(String levels, String extra) {
        return """
                mode: dedupe
                inputs:
                  - {name: people, path: people.csv, id: id}
                blocking: [l.dob = r.dob]
                comparisons:
                  - {name: dob, column: dob, levels: [exact]}
                  - {name: name, column: name, levels: %s}
                %s
                """.formatted(levels, extra);
    }

    static LinkageModel parse(String yaml) {
        return LinkageModel.parse(yaml, Path.of("."));
    }

    @Test
    void aValidConfigStillParses() {
        LinkageModel model = parse(config(
                "[{exact: {term_frequency: true}}, {jaro_winkler: 0.92}, {levenshtein: 2}, {number_within: 0}]",
                "training: {deterministic_rules: [l.id = r.id], u_sample_pairs: 1.0e+6, tolerance: 1.0e-4}\n"
                        + "clustering: {threshold: 1, tolerate_id_typo: true}"));
        assertThat(model.comparisons().get(1).levels().get(0).termFrequency()).isTrue();
        assertThat(model.training().uSamplePairs()).isEqualTo(1_000_000);
        assertThat(model.clustering().toleratesIdTypo()).isTrue();
    }

    @Test
    void aMisspeltLevelOptionIsRefusedWithItsPlaceAndTheLikelyKey() {
        assertThatThrownBy(() -> parse(config("[{exact: {term_frequncy: true}}]", "")))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("Unknown key \"term_frequncy\" at comparisons[1].levels[0].exact")
                .hasMessageContaining("did you mean term_frequency?");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "blockng: [l.a = r.a] | Unknown key \"blockng\" at the top level; did you mean blocking?",
                "training: {deterministc_rules: [l.a = r.a]} | Unknown key \"deterministc_rules\" at training;"
                        + " did you mean deterministic_rules?",
                "clustering: {treshold: 0.8} | Unknown key \"treshold\" at clustering; did you mean threshold?",
                "limits: {max_pairs: 10} | Unknown key \"max_pairs\" at limits",
            })
    void unknownKeysAnywhereAreRefused(String extra, String message) {
        assertThatThrownBy(() -> parse(config("[exact]", extra)))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void unknownKeysInInputsAndComparisonsNameTheirPlace() {
        String yaml = """
                inputs:
                  - {name: people, path: people.csv, id: id, colums: {a: b}}
                blocking: [l.a = r.a]
                comparisons:
                  - {name: a, column: a, levels: [exact]}
                """;
        assertThatThrownBy(() -> parse(yaml))
                .hasMessageContaining("Unknown key \"colums\" at inputs[0]; did you mean columns?");
        String comparison = config("[exact]", "").replace("{name: dob, column: dob,", "{name: dob, colum: dob,");
        assertThatThrownBy(() -> parse(comparison))
                .hasMessageContaining("Unknown key \"colum\" at comparisons[0]; did you mean column?");
    }

    @Test
    void aMisspeltLevelKindGetsASuggestionAndAFarOffKeyNone() {
        assertThatThrownBy(() -> parse(config("[{jaro_winkle: 0.9}]", "")))
                .hasMessageContaining("Unknown level kind \"jaro_winkle\" at comparisons[1].levels[0];"
                        + " did you mean jaro_winkler?");
        assertThatThrownBy(() -> parse(config("[exact]", "colour: blue")))
                .hasMessageStartingWith("Unknown key \"colour\" at the top level; the keys there are")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void levelsThatTakeNoValueRefuseOne() {
        assertThatThrownBy(() -> parse(config("[{date_same_year: 1}]", "")))
                .hasMessageContaining("comparisons[1].levels[0].date_same_year takes no value");
        assertThatThrownBy(() -> parse(config("[{exact: true}]", "")))
                .hasMessageContaining("comparisons[1].levels[0].exact takes no value, or options");
        assertThatThrownBy(() -> parse(config("[{exact: {term_frequency: 'yes please'}}]", "")))
                .hasMessageContaining("comparisons[1].levels[0].exact.term_frequency must be true or false");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[{jaro_winkler: 92}] | | comparisons[1].levels[0].jaro_winkler is 92, outside its range: [0, 1]",
                "[{jaro_winkler: -0.1}] | | comparisons[1].levels[0].jaro_winkler is -0.1, outside its range: [0, 1]",
                "[{levenshtein: 0}] | | comparisons[1].levels[0].levenshtein is 0, outside its range: a whole number",
                "[{damerau_levenshtein: 1.5}] | | comparisons[1].levels[0].damerau_levenshtein is 1.5, outside",
                "[{number_within: -3}] | | comparisons[1].levels[0].number_within is -3, outside its range",
                "[exact] | training: {deterministic_recall: 1.5} | training.deterministic_recall is 1.5, outside"
                        + " its range: (0, 1]",
                "[exact] | training: {u_sample_pairs: 0} | training.u_sample_pairs is 0, outside its range",
                "[exact] | training: {u_sample_pairs: 2.5} | training.u_sample_pairs is 2.5, which is not a whole",
                "[exact] | training: {max_iterations: -1} | training.max_iterations is -1, outside its range",
                "[exact] | training: {tolerance: 0.0} | training.tolerance is 0, outside its range: (0, 1)",
                "[exact] | training: {tolerance: .nan} | training.tolerance is NaN, outside its range",
                "[exact] | training: {seed: 4.2} | training.seed is 4.2, which is not a whole number",
                "[exact] | clustering: {threshold: 90} | clustering.threshold is 90, outside its range: (0, 1]",
                "[exact] | clustering: {threshold: 0} | clustering.threshold is 0, outside its range: (0, 1]",
                "[exact] | clustering: {tolerate_id_typo: 'true'} | clustering.tolerate_id_typo must be true or false",
                "[exact] | limits: {max_pairs_per_rule: 0} | limits.max_pairs_per_rule is 0, outside its range",
                "[exact] | clustering: {threshold: high} | clustering.threshold must be a number, not high",
            })
    void impossibleValuesAreRefusedWithSettingValueAndRange(String levels, String extra, String message) {
        assertThatThrownBy(() -> parse(config(levels, extra == null ? "" : extra)))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aModelBuiltInCodeIsCheckedTheSameWay() {
        assertThatThrownBy(() -> LinkageModel.builder("m", Mode.DEDUPE)
                        .input("people", Path.of("people.csv"), "id")
                        .blocking("l.a = r.a")
                        .comparison("a", "a", Level.of(LevelKind.JARO_WINKLER, 92))
                        .build())
                .hasMessage("comparisons[0].levels[0].jaro_winkler is 92, outside its range: [0, 1]"
                        + " (a Jaro-Winkler similarity, 1 = identical)");
    }
}
