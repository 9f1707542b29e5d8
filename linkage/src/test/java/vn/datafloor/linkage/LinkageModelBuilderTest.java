package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vn.datafloor.linkage.LinkageModel.Clustering;
import vn.datafloor.linkage.LinkageModel.Level;
import vn.datafloor.linkage.LinkageModel.LevelKind;
import vn.datafloor.linkage.LinkageModel.Mode;
import vn.datafloor.linkage.LinkageModel.Training;

/** A model built in code is the very record the equivalent YAML parses to, defaults included. */
class LinkageModelBuilderTest {

    private final Path base = Path.of("/data/linkage");

    @Test
    void aBuiltModelEqualsTheParsedOne() {
        LinkageModel parsed = LinkageModel.parse("""
                name: people
                mode: link
                inputs:
                  - {name: left, path: a.parquet, id: rid}
                  - {name: right, path: b.csv, id: rid}
                blocking: [l.birth_date = r.birth_date, l.name_key = r.name_key]
                comparisons:
                  - {name: name, column: name_key, levels: [{exact: {term_frequency: true}}, {jaro_winkler: 0.92}]}
                  - {name: dob, column: birth_date, levels: [exact, date_day_month_swapped]}
                training:
                  deterministic_rules: [l.personal_id = r.personal_id]
                clustering: {threshold: 0.8, conflicting_id: personal_id, tolerate_id_typo: true}
                """, base);

        LinkageModel built = LinkageModel.builder("people", Mode.LINK)
                .input("left", base.resolve("a.parquet"), "rid")
                .input("right", base.resolve("b.csv"), "rid")
                .blocking("l.birth_date = r.birth_date", "l.name_key = r.name_key")
                .comparison("name", "name_key", Level.exactWithTermFrequency(), Level.of(LevelKind.JARO_WINKLER, 0.92))
                .comparison("dob", "birth_date", Level.of(LevelKind.EXACT), Level.of(LevelKind.DATE_DAY_MONTH_SWAPPED))
                .training(
                        Training.defaults().withDeterministicRules(java.util.List.of("l.personal_id = r.personal_id")))
                .clustering(new Clustering(0.8, "personal_id", true))
                .build();

        assertThat(built).isEqualTo(parsed);
    }

    @Test
    void whatIsLeftOutGetsTheParsersDefaults() {
        LinkageModel parsed = LinkageModel.parse("""
                name: minimal
                inputs: [{name: people, path: p.jsonl, id: id}]
                blocking: [l.a = r.a]
                comparisons: [{name: a, column: a, levels: [exact]}]
                """, base);

        LinkageModel built = LinkageModel.builder("minimal", Mode.DEDUPE)
                .input("people", base.resolve("p.jsonl"), "id")
                .blocking("l.a = r.a")
                .comparison("a", "a", Level.of(LevelKind.EXACT))
                .build();

        assertThat(built).isEqualTo(parsed);
    }

    @Test
    void aBuiltModelIsCheckedLikeAParsedOne() {
        assertThatThrownBy(() -> LinkageModel.builder("x", Mode.DEDUPE)
                        .input("people", base.resolve("p.parquet"), "id")
                        .comparison("a", "a", Level.of(LevelKind.EXACT))
                        .build())
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("blocking rule");
    }
}
