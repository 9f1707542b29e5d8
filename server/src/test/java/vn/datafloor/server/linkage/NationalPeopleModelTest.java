package vn.datafloor.server.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import vn.datafloor.linkage.LinkageModel;

/**
 * The model built in code is the one a YAML file would describe: the register used to write it as YAML and
 * parse it. Since the blocking was made to hold at 10 million records, its inputs derive the name's parts.
 */
class NationalPeopleModelTest {

    private final Path scratch = Path.of("/tmp/register-scratch");
    private final Path people = scratch.resolve("people.parquet");
    private final Path fresh = scratch.resolve("new.parquet");
    private final Path existing = scratch.resolve("existing.parquet");

    /** An input of the register's model: the union's file and the columns the rules use. */
    private static String input(String name, Path file) {
        return """
                  - name: %s
                    path: %s
                    id: rid
                    columns:
                      name_key: name_key
                      birth_date: birth_date
                      personal_id: personal_id
                      sex: sex
                      name_sorted: "array_to_string(list_sort(string_split(name_key, ' ')), ' ')"
                      name_given: "list_last(string_split(name_key, ' '))"
                      name_rest: "nullif(array_to_string(list_slice(string_split(name_key, ' '), 1, -2), ' '), '')"
                """.formatted(name, file);
    }

    /** The register's model as YAML. */
    private static String yaml(String mode, String inputs) {
        return """
                name: national-people
                mode: %s
                inputs:
                %s
                blocking:
                  - l.personal_id = r.personal_id
                  - l.name_sorted = r.name_sorted AND l.birth_date = r.birth_date
                  - l.birth_date = r.birth_date AND l.name_given = r.name_given
                  - l.birth_date = r.birth_date AND l.name_rest = r.name_rest AND left(l.name_given, 1) = left(r.name_given, 1)
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
                """.formatted(mode, inputs.stripTrailing());
    }

    @Test
    void theDedupeModelIsTheOneTheYamlDescribed() {
        assertThat(NationalPeopleModel.dedupe(people))
                .isEqualTo(LinkageModel.parse(yaml("dedupe", input("people", people)), scratch));
    }

    @Test
    void theLinkModelIsTheOneTheYamlDescribed() {
        LinkageModel built = NationalPeopleModel.link(fresh, existing);
        assertThat(built)
                .isEqualTo(
                        LinkageModel.parse(yaml("link", input("new", fresh) + input("register", existing)), scratch));
        assertThat(built.inputs()).extracting(LinkageModel.Input::name).containsExactly("new", "register");
    }
}
