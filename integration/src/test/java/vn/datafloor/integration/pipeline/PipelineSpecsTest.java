package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import vn.datafloor.integration.pipeline.PipelineSpec.Dimension;
import vn.datafloor.integration.pipeline.PipelineSpec.Severity;

class PipelineSpecsTest {

    static final String GOOD = """
            pipeline: health-patients
            description: Sở Y tế patients
            source:
              type: csv
              path: health/patients.csv
              encoding: auto
            target:
              dataset: health.people
              schema: person
            mapping:
              person_id: record_id
              record_id: record_id
              full_name: ho_ten
              birth_date: ngay_sinh
            standardize:
              full_name: upper(full_name)
            quality:
              - rule: completeness
                columns: [full_name, birth_date]
                severity: reject
              - rule: uniqueness
                columns: [record_id]
                severity: reject
              - rule: validity
                check: "length(full_name) > 3"
            key: [record_id]
            schedule: "0 0 2 * * *"
            """;

    @Test
    void aGoodSpecReadsCompletely() {
        PipelineSpecs.Parsed parsed = PipelineSpecs.parse(GOOD);
        assertThat(parsed.problems()).isEmpty();
        PipelineSpec spec = parsed.spec();
        assertThat(spec.name()).isEqualTo("health-patients");
        assertThat(spec.source().kind()).isEqualTo("csv");
        assertThat(spec.dataset()).isEqualTo("health.people");
        assertThat(spec.mapping()).containsEntry("full_name", "ho_ten").hasSize(4);
        assertThat(spec.quality()).hasSize(3);
        assertThat(spec.quality().get(0).dimension()).isEqualTo(Dimension.COMPLETENESS);
        assertThat(spec.quality().get(0).severity()).isEqualTo(Severity.REJECT);
        assertThat(spec.quality().get(2).severity()).isEqualTo(Severity.WARN);
        assertThat(spec.key()).containsExactly("record_id");
    }

    @Test
    void problemsAreReportedWithTheirLines() {
        String bad = """
                pipeline: Bad Name
                source:
                  type: ftp
                target:
                  dataset: ok
                mapping:
                  full_name: ho_ten; DROP TABLE x
                  Bad-Column: a
                quality:
                  - rule: sameness
                  - rule: completeness
                colour: blue
                """;
        var problems = PipelineSpecs.parse(bad).problems();
        assertThat(problems).anySatisfy(p -> assertThat(p.line()).isEqualTo(1)).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("source.type");
            assertThat(p.line()).isEqualTo(3);
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("mapping.full_name");
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.message()).contains(";");
        });
        assertThat(problems).anySatisfy(p -> assertThat(p.line()).isEqualTo(8));
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("Unknown rule"));
        assertThat(problems).anySatisfy(p -> assertThat(p.message()).contains("Name the columns"));
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("colour");
            assertThat(p.line()).isEqualTo(12);
        });
    }

    @Test
    void aCanonicalSchemaRequiresItsColumns() {
        var problems = PipelineSpecs.parse(GOOD.replace("  person_id: record_id\n", ""))
                .problems();
        assertThat(problems)
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("person_id"));
        assertThat(PipelineSpecs.parse(GOOD.replace("schema: person", "schema: planet"))
                        .problems())
                .anySatisfy(p -> assertThat(p.message()).contains("Unknown schema"));
    }

    @Test
    void brokenYamlAndHostileYamlAreRefusedCleanly() {
        assertThat(PipelineSpecs.parse("pipeline: [unclosed").problems())
                .first()
                .satisfies(p -> assertThat(p.message()).startsWith("Not valid YAML"));
        assertThat(PipelineSpecs.parse("").problems()).isNotEmpty();
        String laughs = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\n"
                + "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
        assertThat(PipelineSpecs.parse(laughs).problems()).isNotEmpty();
        assertThat(PipelineSpecs.parse("x".repeat(300_000)).problems())
                .first()
                .satisfies(p -> assertThat(p.message()).contains("larger"));
    }

    @Test
    void twentyThousandNestedBracketsAreRefusedByTheDepthLimitNotTheStack() {
        for (String hostile : new String[] {
            "pipeline: " + "[".repeat(20_000) + "]".repeat(20_000),
            "pipeline: " + "{a: ".repeat(20_000) + "b" + "}".repeat(20_000),
            "source: " + "[".repeat(20_000)
        }) {
            assertThat(PipelineSpecs.parse(hostile).problems())
                    .first()
                    .satisfies(p ->
                            assertThat(p.message()).startsWith("Not valid YAML").containsIgnoringCase("nesting depth"));
        }
        StringBuilder indented = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            indented.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        assertThat(PipelineSpecs.parse(indented.toString()).problems())
                .first()
                .satisfies(p -> assertThat(p.message()).containsIgnoringCase("nesting depth"));
    }

    @Test
    void aSpecIsLimitedInBytesNotOnlyCharacters() {
        // 100,000 characters, 300,000 bytes of UTF-8: over 256 KB.
        assertThat(PipelineSpecs.parse("description: " + "ễ".repeat(100_000)).problems())
                .first()
                .satisfies(p -> assertThat(p.message()).contains("larger than 256 KB"));
    }

    @Test
    void aSourceColumnNamedWithSpacesMayBeMappedBare() {
        assertThat(PipelineSpecs.parse(GOOD.replace("  person_id: record_id\n", "  person_id: Số hồ sơ\n"))
                        .problems())
                .isEmpty();
        assertThat(PipelineSpecs.parse(
                                GOOD.replace("  person_id: record_id\n", "  person_id: read_text('/etc/hostname')\n"))
                        .problems())
                .isNotEmpty();
    }

    @Test
    void sourceSettingsAreCheckedByTheirKindsConnectorWithTheirLines() {
        String spec = """
                pipeline: api-people
                source:
                  type: http
                  url: ftp://files.example/people
                  max_pages: many
                  encoding: utf-8
                target:
                  dataset: api.people
                mapping:
                  full_name: ho_ten
                """;
        var problems = PipelineSpecs.parse(spec).problems();
        assertThat(problems)
                .anySatisfy(p -> {
                    assertThat(p.field()).isEqualTo("source.url");
                    assertThat(p.line()).isEqualTo(4);
                })
                .anySatisfy(p -> {
                    assertThat(p.field()).isEqualTo("source.max_pages");
                    assertThat(p.line()).isEqualTo(5);
                })
                .anySatisfy(p -> {
                    // a csv setting on an http source is a mistake worth saying, not a value silently ignored
                    assertThat(p.field()).isEqualTo("source.encoding");
                    assertThat(p.line()).isEqualTo(6);
                });
        PipelineSpec jdbc = PipelineSpecs.parse(GOOD.replace("""
                  type: csv
                  path: health/patients.csv
                  encoding: auto
                """, """
                  type: jdbc
                  url: jdbc:postgresql://db.example/benhvien
                  table: benh_nhan
                  timeout_seconds: 120
                """)).spec();
        assertThat(jdbc.source().settings())
                .isEqualTo(new vn.datafloor.integration.connect.JdbcSettings(
                        "jdbc:postgresql://db.example/benhvien", null, null, "benh_nhan", null, null, 120));
    }
}
