package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.SpecProblem;

/** A spec's problems in the editor's language, from the problems' codes and arguments. */
class SpecProblemTextTest {

    private static final Locale VI = Locale.forLanguageTag("vi");

    private final SpecProblemText text;

    SpecProblemTextTest() {
        ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
        messages.setBasenames("messages", "messages-steward");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        text = new SpecProblemText(messages);
    }

    private static SpecProblem only(String yaml, String field) {
        return PipelineSpecs.parse(yaml).problems().stream()
                .filter(p -> field == null ? p.field() == null : field.equals(p.field()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no problem with " + field + " in " + PipelineSpecs.parse(yaml)));
    }

    @Test
    void aSyntaxErrorSaysItsLineAndColumn() {
        SpecProblem syntax = only("pipeline: a\nsource:\n  type: csv\n   path: [x\n", null);
        assertThat(syntax.code()).isEqualTo("pipeline.problem.syntax");
        assertThat(syntax.line()).isPositive();
        assertThat(text.text(syntax, VI))
                .startsWith("YAML không đọc được ở dòng " + syntax.line() + ", cột "
                        + syntax.args().get(1) + ":");
        assertThat(text.text(syntax, Locale.ENGLISH))
                .startsWith("Not valid YAML at line " + syntax.line() + ", column "
                        + syntax.args().get(1) + ": ");
        // The API's text is unchanged.
        assertThat(syntax.message()).startsWith("Not valid YAML: ");
    }

    @Test
    void anUnknownKeyAndAMissingFieldAreSaidInEitherLanguage() {
        String yaml = "source: {type: csv, path: a.csv}\ntarget: {dataset: a.b}\nmapping: {x: y}\ncolour: red\n";
        SpecProblem unknown = only(yaml, "colour");
        assertThat(text.text(unknown, VI))
                .startsWith("Không có khóa này ở đây; các khóa dùng được: ")
                .contains("pipeline", "target");
        assertThat(text.text(unknown, Locale.ENGLISH)).startsWith("Unknown key here; the keys allowed: ");
        assertThat(unknown.message()).startsWith("Unknown key; expected one of [");

        SpecProblem missing = only(yaml, "pipeline");
        assertThat(text.text(missing, VI)).isEqualTo("Thiếu trường bắt buộc này.");
        assertThat(text.text(missing, Locale.ENGLISH)).isEqualTo("Missing: this field is required.");
    }

    @Test
    void aScheduleLineWithTheWrongNumberOfFieldsSaysWhatToWrite() {
        SpecProblem schedule = only(
                "pipeline: a\nsource: {type: csv, path: a.csv}\ntarget: {dataset: a.b}\nmapping: {x: y}\n"
                        + "schedule: \"0 2 * *\"\n",
                "schedule");
        assertThat(text.text(schedule, VI)).startsWith("Lịch cần sáu trường");
        assertThat(text.text(schedule, Locale.ENGLISH)).startsWith("A schedule needs six fields");
    }

    @Test
    void everyProblemOfAWrongSpecHasItsWordsInVietnamese() {
        String yaml = """
                pipeline: Bad Name
                source: {type: csv, path: a.csv, sheet: 1}
                target: {dataset: a.b, schema: nobody}
                mapping: {x: "upper(y)", Bad: y, z: "(select 1)"}
                key: [missing_column]
                quality:
                  - {rule: completeness}
                  - {rule: validity}
                  - {rule: timeliness, columns: [x], max_age: soon}
                  - {rule: loudness, columns: [x]}
                  - {rule: completeness, columns: [x], severity: maybe}
                  - just text
                """;
        List<SpecProblem> problems = PipelineSpecs.parse(yaml).problems();
        assertThat(problems).hasSizeGreaterThanOrEqualTo(9);
        for (SpecProblem problem : problems) {
            assertThat(problem.code()).as("code of %s", problem).isNotNull();
            String vietnamese = text.text(problem, VI);
            assertThat(vietnamese).as("words of %s", problem).isNotEqualTo(problem.message());
            assertThat(text.text(problem, Locale.ENGLISH)).isNotBlank();
        }
        // The expression checker's own detail is quoted inside a Vietnamese sentence.
        SpecProblem subquery = only(yaml, "mapping.z");
        assertThat(text.text(subquery, VI)).startsWith("Biểu thức của cột z không dùng được.");
        // The API keeps the English text.
        assertThat(subquery.message()).isEqualTo("Subqueries are not allowed");
        assertThat(text.text(only(yaml, "quality[4].rule"), VI)).startsWith("Không có quy tắc này");
    }

    @Test
    void aProblemWithoutACodeOrWithAnUnknownOneIsShownInItsEnglish() {
        assertThat(text.text(new SpecProblem(3, "mapping", "Schema x requires column y"), VI))
                .isEqualTo("Schema x requires column y");
        assertThat(text.text(
                        new SpecProblem(0, null, "Something new", "pipeline.problem.fromTheFuture", List.of()), VI))
                .isEqualTo("Something new");
    }
}
