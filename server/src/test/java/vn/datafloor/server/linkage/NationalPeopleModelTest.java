package vn.datafloor.server.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vn.datafloor.linkage.LinkageModel;

/** The model built in code is the one the register used to write as YAML and parse. */
class NationalPeopleModelTest {

    private final Path scratch = Path.of("/tmp/register-scratch");
    private final Path people = scratch.resolve("people.parquet");
    private final Path fresh = scratch.resolve("new.parquet");
    private final Path existing = scratch.resolve("existing.parquet");

    /** The register's YAML as it was, word for word. */
    private static String dedupeYaml(Path union) {
        return """
                name: national-people
                mode: dedupe
                inputs:
                  - name: people
                    path: %s
                    id: rid
                blocking:
                  - l.birth_date = r.birth_date
                  - l.personal_id = r.personal_id
                  - l.name_key = r.name_key
                comparisons:
                  - {name: name, column: name_key, levels: [{exact: {term_frequency: true}}, {jaro_winkler: 0.92}, {jaro_winkler: 0.8}]}
                  - {name: dob, column: birth_date, levels: [exact, date_day_month_swapped, date_one_component]}
                  - {name: cccd, column: personal_id, levels: [exact, id_one_digit, id_transposition]}
                  - {name: sex, column: sex, levels: [exact]}
                training:
                  deterministic_rules: [l.personal_id = r.personal_id]
                clustering:
                  threshold: 0.9
                  conflicting_id: personal_id
                  tolerate_id_typo: true
                """.formatted(union.toString());
    }

    private static String linkYaml(Path fresh, Path existing) {
        return dedupeYaml(fresh)
                .replace("mode: dedupe", "mode: link")
                .replace("""
                inputs:
                  - name: people
                """, "inputs:\n  - name: new\n")
                .replace("    id: rid\n", "    id: rid\n  - name: register\n    path: " + existing + "\n    id: rid\n");
    }

    @Test
    void theDedupeModelIsTheOneTheYamlDescribed() {
        assertThat(NationalPeopleModel.dedupe(people)).isEqualTo(LinkageModel.parse(dedupeYaml(people), scratch));
    }

    @Test
    void theLinkModelIsTheOneTheYamlDescribed() {
        LinkageModel built = NationalPeopleModel.link(fresh, existing);
        assertThat(built).isEqualTo(LinkageModel.parse(linkYaml(fresh, existing), scratch));
        assertThat(built.inputs()).extracting(LinkageModel.Input::name).containsExactly("new", "register");
    }
}
