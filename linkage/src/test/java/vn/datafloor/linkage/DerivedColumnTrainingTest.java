package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.linkage.LinkageParameters.LevelParameters;

/**
 * A blocking rule on a column derived from another (name_sorted from ho_ten) decides the comparison
 * of every column computed from the same file column, so that comparison stays out of its EM run.
 */
class DerivedColumnTrainingTest {

    @TempDir
    Path dir;

    static final String PEOPLE = """
            id,ho_ten,ngay_sinh,cccd,tinh
            1,Nguyễn Văn An,1990-01-15,001090000101,ha noi
            2,Văn An Nguyễn,1990-01-15,001090000101,ha noi
            3,Nguyễn Văn An,1991-01-15,001091000909,hue
            4,Trần Thị Bình,1985-03-04,001185000202,hue
            5,Bình Trần Thị,1985-03-04,001185000202,hue
            6,Trần Thị Bình,1985-04-03,,da nang
            7,Lê Văn Cường,1972-11-30,079072000303,ha noi
            8,Cường Lê Văn,1972-11-30,079072000303,da nang
            9,Phạm Thị Dung,2001-07-07,031301000404,hue
            10,Phạm Thị Dung,2001-07-08,031301000405,hue
            """;

    static String model(String blocking) {
        return """
                mode: dedupe
                inputs:
                  - name: people
                    path: people.csv
                    id: id
                    columns:
                      name: std_name_key(ho_ten)
                      name_sorted: array_to_string(list_sort(string_split(std_name_key(ho_ten), ' ')), ' ')
                      dob: ngay_sinh
                      cccd: cccd
                      province: upper(tinh)
                blocking: [%s]
                comparisons:
                  - {name: name, column: name, levels: [exact, {jaro_winkler: 0.9}]}
                  - {name: dob, column: dob, levels: [exact, date_day_month_swapped]}
                  - {name: province, column: province, levels: [exact]}
                training:
                  deterministic_rules: [l.cccd = r.cccd]
                """.formatted(blocking);
    }

    LinkageParameters train(String blocking) throws Exception {
        Files.writeString(dir.resolve("people.csv"), PEOPLE);
        try (Linker linker = Linker.open(LinkageModel.parse(model(blocking), dir), dir)) {
            return linker.train();
        }
    }

    static boolean trained(LinkageParameters parameters, String comparison) {
        ComparisonParameters c = parameters.comparison(comparison);
        assertThat(c.levels())
                .extracting(LevelParameters::trained)
                .containsOnly(c.levels().get(0).trained());
        return c.levels().get(0).trained();
    }

    @Test
    void aRuleOnADerivedColumnLeavesOutTheComparisonOfItsSourceColumn() throws Exception {
        LinkageParameters parameters = train("l.name_sorted = r.name_sorted");
        assertThat(parameters.training())
                .singleElement()
                .satisfies(run -> assertThat(run.pairs()).isPositive());
        // name comes from ho_ten as name_sorted does: the rule's pairs agree on it by construction.
        assertThat(trained(parameters, "name")).isFalse();
        assertThat(parameters.comparison("name").levels())
                .extracting(LevelParameters::m)
                .containsExactly(0.85, 0.10, 0.05);
        // dob and province come from other file columns: the rule's pairs teach their m.
        assertThat(trained(parameters, "dob")).isTrue();
        assertThat(trained(parameters, "province")).isTrue();
    }

    @Test
    void anotherRuleStillTrainsTheComparisonTheDerivedRuleLeavesOut() throws Exception {
        LinkageParameters parameters = train("l.name_sorted = r.name_sorted, l.dob = r.dob");
        assertThat(parameters.training()).hasSize(2);
        // Only the dob rule's run estimates name; only the name_sorted rule's run estimates dob.
        assertThat(trained(parameters, "name")).isTrue();
        assertThat(trained(parameters, "dob")).isTrue();
    }

    @Test
    void aRuleOnAnExpressionOfAModelColumnStillLeavesItOut() throws Exception {
        // The rule names the comparison's own column inside a function: matched by name, as before.
        LinkageParameters parameters = train("\"substr(l.name, 1, 6) = substr(r.name, 1, 6)\"");
        assertThat(trained(parameters, "name")).isFalse();
        assertThat(trained(parameters, "province")).isTrue();
    }

    @Test
    void anExpressionReadingSeveralFileColumnsSharesEachOfThem() throws Exception {
        Files.writeString(dir.resolve("people.csv"), PEOPLE);
        String config = model("l.dob = r.dob")
                .replace("cccd: cccd", "cccd: (std_cccd(cccd, dob := ngay_sinh)).value")
                .replace(
                        "  - {name: province,",
                        "  - {name: cccd, column: cccd, levels: [exact]}\n  - {name: province,");
        LinkageModel model = LinkageModel.parse(config, dir);
        try (Linker linker = Linker.open(model, dir)) {
            LinkageModel.Comparison name = model.comparisons().get(0);
            LinkageModel.Comparison cccd = model.comparisons().get(2);
            LinkageModel.Comparison province = model.comparisons().get(3);
            assertThat(cccd.column()).isEqualTo("cccd");
            // cccd reads ngay_sinh as dob does; the word "dob" of the parameter name is no column.
            assertThat(linker.ruleDecides("l.dob = r.dob", cccd)).isTrue();
            assertThat(linker.ruleDecides("l.dob = r.dob", name)).isFalse();
            assertThat(linker.ruleDecides("l.province = r.province", name)).isFalse();
            assertThat(linker.ruleDecides("l.name_sorted = r.name_sorted AND l.dob = r.dob", name))
                    .isTrue();
            // A rule naming the comparison's own column decides it, as before.
            assertThat(linker.ruleDecides("l.province = r.province", province)).isTrue();
        }
    }
}
