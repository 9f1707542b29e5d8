package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlExpressionsTest {

    @Test
    void ordinaryExpressionsPass() {
        assertThat(SqlExpressions.problems("ho_ten")).isEmpty();
        assertThat(SqlExpressions.problems("coalesce(trim(ho_ten), '') || ' ' || \"Tên đệm\"")).isEmpty();
        assertThat(SqlExpressions.problems("CASE WHEN gioi_tinh IN ('Nam', 'M') THEN 'M' ELSE 'F' END")).isEmpty();
        assertThat(SqlExpressions.problems("try_strptime(ngay_sinh, '%d/%m/%Y')::DATE")).isEmpty();
        assertThat(SqlExpressions.problems("length(x) > 3 AND x NOT LIKE '%;%'")).isEmpty();
    }

    @Test
    void statementsSubqueriesFileReadersAndCommentsAreRefused() {
        assertThat(SqlExpressions.problems("x; DROP TABLE y")).isNotEmpty();
        assertThat(SqlExpressions.problems("(SELECT 1)")).isNotEmpty();
        assertThat(SqlExpressions.problems("read_csv('/etc/passwd')")).isNotEmpty();
        assertThat(SqlExpressions.problems("getenv('HOME')")).isNotEmpty();
        assertThat(SqlExpressions.problems("x -- hidden")).isNotEmpty();
        assertThat(SqlExpressions.problems("x /* hidden */")).isNotEmpty();
        assertThat(SqlExpressions.problems("EXISTS (x)")).isNotEmpty();
        assertThat(SqlExpressions.problems("'unclosed")).isNotEmpty();
        assertThat(SqlExpressions.problems("lower(x")).isNotEmpty();
        assertThat(SqlExpressions.problems("x $$ y")).isNotEmpty();
    }

    @Test
    void standardizerMacrosCanBeAllowed() {
        assertThat(SqlExpressions.problems("vn_name_test_fn(ho_ten)")).isNotEmpty();
        SqlExpressions.allowFunctions(java.util.Set.of("vn_name_test_fn"));
        assertThat(SqlExpressions.problems("vn_name_test_fn(ho_ten)")).isEmpty();
    }
}
