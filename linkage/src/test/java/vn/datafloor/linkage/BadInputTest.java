package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal names the problem and what to do about it, before any pair is built. */
class BadInputTest {

    @TempDir
    Path dir;

    static final String PEOPLE = """
            id,name,dob,sex,note
            1,nguyen van an,1990-01-01,M,
            2,nguyen van an,1990-01-01,M,
            3,tran thi binh,1985-05-05,F,
            4,le van cuong,1972-11-30,M,
            5,pham thi dung,2001-07-07,F,
            6,hoang van em,1999-09-09,M,
            """;

    static String config(String column, String blocking, String extra) {
        return """
                mode: dedupe
                inputs:
                  - {name: people, path: people.csv, id: id}
                blocking: [%s]
                comparisons:
                  - {name: c, column: %s, levels: [exact]}
                %s
                """.formatted(blocking, column, extra);
    }

    Linker open(String csv, String config) throws Exception {
        Files.writeString(dir.resolve("people.csv"), csv);
        return Linker.open(LinkageModel.parse(config, dir), dir);
    }

    @Test
    void emptyInput() {
        assertThatThrownBy(() -> open("id,name,dob,sex,note\n", config("name", "l.dob = r.dob", "")))
                .isInstanceOf(LinkageException.class)
                .hasMessage("Input people has no rows");
    }

    @Test
    void missingColumn() {
        assertThatThrownBy(() -> open(PEOPLE, config("surname", "l.dob = r.dob", "")))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("column surname is used by the model but not in the file")
                .hasMessageContaining("[id, name, dob, sex, note]");
    }

    @Test
    void mappedExpressionOnMissingColumn() {
        String config = """
                mode: dedupe
                inputs:
                  - name: people
                    path: people.csv
                    id: id
                    columns: {name: std_name_key(ho_ten)}
                blocking: [l.name = r.name]
                comparisons:
                  - {name: name, column: name, levels: [exact]}
                """;
        assertThatThrownBy(() -> open(PEOPLE, config))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("the expression for column name (std_name_key(ho_ten)) does not work");
    }

    /** A model's SQL runs on a sealed connection: whatever a config says, it reads only its own inputs. */
    @Test
    void aModelsSqlCannotReachOtherFiles() throws Exception {
        Path secret = Files.writeString(dir.getParent().resolve("secret-" + System.nanoTime() + ".txt"), "do not read");
        String columns = """
                mode: dedupe
                inputs:
                  - name: people
                    path: people.csv
                    id: id
                    columns: {name: "(SELECT content FROM read_text('%s'))"}
                blocking: [l.name = r.name]
                comparisons:
                  - {name: name, column: name, levels: [exact]}
                """.formatted(secret);
        assertThatThrownBy(() -> open(PEOPLE, columns))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("disabled by configuration")
                .hasMessageNotContaining("do not read");
        String blocking = config("name", "l.name = (SELECT content FROM read_text('" + secret + "'))", "");
        try (Linker linker = open(PEOPLE, blocking)) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageNotContaining("do not read");
        }
        Files.delete(secret);
    }

    @Test
    void missingIdColumn() {
        assertThatThrownBy(() -> open(PEOPLE.replace("id,name", "key,name"), config("name", "l.dob = r.dob", "")))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("id column id is not in the file");
    }

    @Test
    void repeatedIds() {
        assertThatThrownBy(() -> open(PEOPLE.replace("2,nguyen", "1,nguyen"), config("name", "l.dob = r.dob", "")))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("is not unique (1 repeated values)");
    }

    @Test
    void allNullColumn() {
        assertThatThrownBy(() -> open(PEOPLE, config("note", "l.dob = r.dob", "")))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("column note is empty in every row, so comparison c has nothing to learn from");
    }

    @Test
    void notUtf8() throws Exception {
        // "Nguyễn" in Windows-1258: bytes that are not valid UTF-8.
        Files.write(
                dir.resolve("people.csv"),
                "id,name,dob,sex,note\n1,Nguyên,1990-01-01,M,x\n".getBytes(Charset.forName("windows-1258")));
        assertThatThrownBy(() -> Linker.open(LinkageModel.parse(config("name", "l.dob = r.dob", ""), dir), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("is not UTF-8");
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> Linker.open(LinkageModel.parse(config("name", "l.dob = r.dob", ""), dir), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("no file at");
    }

    @Test
    void blockingRuleEstimateIsTheSumOfSquaredBlockSizesOverTwo() throws Exception {
        try (Linker linker = open(PEOPLE, config("name", "l.sex = r.sex", ""))) {
            // Blocks M: 4, F: 2 → (16 + 4) / 2.
            assertThat(linker.estimatePairs("l.sex = r.sex")).isEqualTo(10);
            assertThat(linker.estimatePairs("l.sex = r.sex AND l.dob = r.dob")).isEqualTo((4 + 1 + 1 + 1 + 1) / 2);
            // No equality between the two sides: every pair.
            assertThat(linker.estimatePairs("l.dob > r.dob")).isEqualTo(18);
        }
    }

    @Test
    void blockingRuleTooWideIsRefusedWithAdvice() throws Exception {
        try (Linker linker = open(PEOPLE, config("name", "l.sex = r.sex", "limits: {max_pairs_per_rule: 5}"))) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining(
                            "Blocking rule \"l.sex = r.sex\" would produce about 10 pairs, more than the limit of 5")
                    .hasMessageContaining("Make it more selective");
        }
    }

    @Test
    void invalidBlockingRule() throws Exception {
        assertThatThrownBy(() -> open(PEOPLE, config("name", "l.nam = r.name", "")))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("blocking rule 1 (l.nam = r.name) names column \"nam\"");
        try (Linker linker = open(PEOPLE, config("name", "l.name = r.name", ""))) {
            assertThatThrownBy(() -> linker.estimatePairs("l.name = = r.name"))
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("Blocking rule \"l.name = = r.name\" is not valid SQL");
        }
    }

    @Test
    void configMistakes() {
        assertThatThrownBy(() ->
                        LinkageModel.parse(config("name", "l.dob = r.dob", "").replace("[exact]", "[exakt]"), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("Unknown level kind \"exakt\"");
        assertThatThrownBy(() ->
                        LinkageModel.parse(config("name", "l.dob = r.dob", "").replace("dedupe", "link"), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessage("mode link needs exactly two inputs, found 1");
        assertThatThrownBy(() -> LinkageModel.parse(
                        config("name", "l.dob = r.dob", "").replace("[exact]", "[jaro_winkler]"), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("needs a number");
        assertThatThrownBy(() -> LinkageModel.parse(config("name", "l.dob = r.dob", "colour: red"), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("Unknown key \"colour\"");
    }

    @Test
    void trainingNeedsDeterministicRules() throws Exception {
        try (Linker linker = open(PEOPLE, config("name", "l.dob = r.dob", ""))) {
            assertThatThrownBy(linker::train)
                    .isInstanceOf(LinkageException.class)
                    .hasMessageContaining("training.deterministic_rules is needed");
        }
    }

    @Test
    void twentyThousandNestedBracketsAreRefusedByTheDepthLimitNotTheStack() {
        for (String hostile : new String[] {
            "mode: " + "[".repeat(20_000) + "]".repeat(20_000),
            "inputs: " + "{a: ".repeat(20_000) + "b" + "}".repeat(20_000)
        }) {
            assertThatThrownBy(() -> LinkageModel.parse(hostile, dir))
                    .isInstanceOf(LinkageException.class)
                    .hasMessageStartingWith("Not valid YAML")
                    .hasMessageContainingAll("Nesting Depth");
        }
    }

    @Test
    void anOversizedConfigIsRefusedBeforeItIsParsed() {
        assertThatThrownBy(() -> LinkageModel.parse("name: " + "x".repeat(300_000), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("larger than 256 K characters");
    }
}
