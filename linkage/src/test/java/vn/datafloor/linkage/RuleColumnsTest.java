package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule naming a column the input lacks is refused when the linker opens, naming the column. */
class RuleColumnsTest {

    @TempDir
    Path dir;

    Linker open(String blocking, String extra) throws Exception {
        Files.writeString(dir.resolve("people.csv"), BadInputTest.PEOPLE);
        return Linker.open(LinkageModel.parse(BadInputTest.config("name", blocking, extra), dir), dir);
    }

    @Test
    void aMisspeltColumnInABlockingRuleIsNamedWithTheInputsColumns() {
        assertThatThrownBy(() -> open("l.dob = r.dob, l.nmae = r.name", ""))
                .isInstanceOf(LinkageException.class)
                .hasMessage("blocking rule 2 (l.nmae = r.name) names column \"nmae\", which the input does not"
                        + " have; its columns are name, dob, sex, note; did you mean name?");
    }

    @Test
    void columnsInsideFunctionsAndOnTheRightAreCheckedToo() {
        assertThatThrownBy(() -> open("'substr(l.name, 1, 3) = substr(r.provnce, 1, 3)'", ""))
                .hasMessageStartingWith("blocking rule 1 (substr(l.name, 1, 3) = substr(r.provnce, 1, 3)) names"
                        + " column \"provnce\", which the input does not have");
    }

    @Test
    void deterministicAndEmRulesAndSqlLevelsAreChecked() {
        assertThatThrownBy(() -> open("l.dob = r.dob", "training: {deterministic_rules: [l.sx = r.sex]}"))
                .hasMessageStartingWith("training.deterministic_rules rule 1 (l.sx = r.sex) names column \"sx\"")
                .hasMessageEndingWith("did you mean sex?");
        assertThatThrownBy(() -> open("l.dob = r.dob", "training: {em_blocking_rules: [l.dob = r.birth]}"))
                .hasMessageStartingWith("training.em_blocking_rules rule 1 (l.dob = r.birth) names column \"birth\"");
        Path config = dir.resolve("people.yaml");
        assertThatThrownBy(() -> {
                    Files.writeString(dir.resolve("people.csv"), BadInputTest.PEOPLE);
                    Files.writeString(
                            config,
                            BadInputTest.config("name", "l.dob = r.dob", "")
                                    .replace("levels: [exact]", "levels: [{sql: \"l.nme = r.name\"}]"));
                    Linker.open(LinkageModel.parse(config), dir).close();
                })
                .hasMessageStartingWith("comparisons[0].levels[0].sql (l.nme = r.name) names column \"nme\"");
    }

    @Test
    void aTableOtherThanLOrRIsNamedAsSuch() {
        assertThatThrownBy(() -> open("l.dob = people.dob", ""))
                .hasMessage("blocking rule 1 (l.dob = people.dob) names \"people.dob\": a rule compares two"
                        + " records, l and r; write l.dob or r.dob");
    }

    @Test
    void rulesOnRealColumnsStillRun() throws Exception {
        try (Linker linker = open("'substr(l.name, 1, 3) = substr(r.name, 1, 3) AND l.\"dob\" = r.dob'", "")) {
            assertThat(linker.estimatePairs("l.dob = r.dob")).isEqualTo(4);
        }
    }
}
