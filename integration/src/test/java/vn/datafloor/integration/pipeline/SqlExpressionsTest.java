package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlExpressionsTest {

    @Test
    void acceptsColumnsLiteralsOperatorsAndAllowedFunctions() {
        assertThat(SqlExpressions.problems("ho_ten")).isEmpty();
        assertThat(SqlExpressions.problems("coalesce(trim(ho_ten), '') || ' ' || \"Tên đệm\""))
                .isEmpty();
        assertThat(SqlExpressions.problems("CASE WHEN gioi_tinh IN ('Nam', 'M') THEN 'M' ELSE 'F' END"))
                .isEmpty();
        assertThat(SqlExpressions.problems("try_strptime(ngay_sinh, '%d/%m/%Y')::DATE"))
                .isEmpty();
        assertThat(SqlExpressions.problems("length(x) > 3 AND x NOT LIKE '%;%'"))
                .isEmpty();
        assertThat(SqlExpressions.problems("TRY_CAST(so_tien AS BIGINT) BETWEEN 0 AND 100 OR x IS NULL"))
                .isEmpty();
        assertThat(SqlExpressions.problems("regexp_matches(x, '^[0-9]{12}$') AND NOT (y = 'z')"))
                .isEmpty();
    }

    @Test
    void runsDuckDbsRenderingNotTheText() {
        SqlExpressions.Checked checked = SqlExpressions.check("lower(ho_ten) || 'x' -- a comment", List.of("ho_ten"));
        assertThat(checked.problems()).isEmpty();
        assertThat(checked.sql()).isEqualTo("((lower(ho_ten) || 'x'))");
    }

    @Test
    void columnsMustBeTheDeclaredInputs() {
        assertThat(SqlExpressions.check("lower(ho_ten)", List.of("ho_ten")).ok())
                .isTrue();
        assertThat(SqlExpressions.check("lower(secret)", List.of("ho_ten")).problems())
                .anyMatch(p -> p.contains("Unknown column secret"));
        assertThat(SqlExpressions.check("t.ho_ten", List.of("ho_ten")).problems())
                .anyMatch(p -> p.contains("prefix"));
    }

    /** Each of these reached a file, a statement or the configuration before, or could. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "x; DROP TABLE y",
                "(SELECT 1)",
                "EXISTS (SELECT 1)",
                "x IN (SELECT content FROM read_text('/etc/hostname'))",
                "read_csv('/etc/passwd')",
                "read_text('/etc/hostname')",
                "getenv('HOME')",
                "current_setting('temp_directory')",
                "'unclosed",
                "lower(x",
                "x $$ y",
                "E'\\'' || (SELECT content FROM read_text('/etc/hostname')) || ''",
                "E'\\'' || 1); COPY (SELECT 1) TO '/tmp/x' --",
                "1) FROM read_text('/etc/hostname') --",
                "1 AS a, read_text('/etc/hostname') AS b",
                "x AS y",
                "count(*) OVER ()",
                "COLUMNS(*)",
                "*",
                "list_transform([1], v -> v + 1)",
                "$1",
                "?",
                "query('SELECT 1')",
                "main.read_text('/etc/hostname')",
                "system.main.lower(x)",
                "json_serialize_sql('SELECT 1')",
                "sum(x) FILTER (WHERE x > 1)",
                "$$abc$$ || (SELECT 1)",
                "1 UNION SELECT 2",
                "x COLLATE nocase",
                "",
                "   "
            })
    void refusesEverythingElse(String expression) {
        assertThat(SqlExpressions.problems(expression)).as(expression).isNotEmpty();
    }

    @Test
    void refusesDeepAndLongInput() {
        // Parentheses alone make no tree nodes: harmless, and answered without overflowing any stack.
        assertThat(SqlExpressions.problems("(".repeat(900) + "1" + ")".repeat(900)))
                .isEmpty();
        assertThat(SqlExpressions.problems("(".repeat(20_000) + "1" + ")".repeat(20_000)))
                .isNotEmpty();
        assertThat(SqlExpressions.problems("lower(".repeat(200) + "x" + ")".repeat(200)))
                .isNotEmpty();
        assertThat(SqlExpressions.problems("x || " + "'a' || ".repeat(400) + "'b'"))
                .first()
                .asString()
                .contains("longer");
    }

    @Test
    void libraryFunctionsCanBeAllowed() {
        assertThat(SqlExpressions.problems("vn_name_test_fn(ho_ten)")).isNotEmpty();
        SqlExpressions.allowFunctions(java.util.Set.of("vn_name_test_fn"));
        assertThat(SqlExpressions.problems("vn_name_test_fn(ho_ten)")).isEmpty();
    }
}
