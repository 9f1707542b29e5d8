package vn.datafloor.integration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The sandbox's grammar, judged on DuckDB's parse tree. */
class SandboxQueryTest {

    private static final String TABLE = "dan_cu";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT count(*) FROM dan_cu",
                "select COUNT(*) from DAN_CU",
                "SELECT tinh, count(*) AS so_nguoi, avg(thu_nhap) FROM dan_cu GROUP BY tinh ORDER BY tinh DESC",
                "SELECT tinh, gioi_tinh, sum(thu_nhap), count(thu_nhap) FROM dan_cu GROUP BY tinh, gioi_tinh",
                "SELECT count(*) FROM dan_cu WHERE tinh = 'Huế' AND (tuoi BETWEEN 18 AND 60 OR tuoi IS NULL)",
                "SELECT count(*) FROM dan_cu WHERE tinh IN ('Huế', 'Hà Nội') AND NOT tuoi >= 65",
                "SELECT count(*) FROM dan_cu WHERE ngay_sinh >= DATE '2000-01-01' AND 18 < tuoi",
                "SELECT count(*) FROM dan_cu WHERE ma_dinh_danh <> 'P00001' AND thu_nhap IS NOT NULL",
                "SELECT count(*) FROM dan_cu /* a comment; SELECT * FROM dan_cu */",
            })
    void acceptsAggregateQueries(String sql) {
        assertThat(SandboxQuery.validate(sql, TABLE).labels()).isNotEmpty();
    }

    @Test
    void readsTheQuerysParts() {
        SandboxQuery query = SandboxQuery.validate(
                "SELECT Tinh, count(*) AS n, avg(Thu_Nhap), sum(thu_nhap) AS total FROM dan_cu"
                        + " WHERE tuoi > 18 GROUP BY tinh ORDER BY tinh DESC",
                TABLE);

        assertThat(query.labels()).containsExactly("Tinh", "n", "avg(Thu_Nhap)", "total");
        assertThat(query.groupColumns()).containsExactly("tinh");
        assertThat(query.outputs())
                .extracting(SandboxQuery.Output::aggregate)
                .containsExactly(
                        SandboxQuery.Aggregate.GROUP,
                        SandboxQuery.Aggregate.COUNT_STAR,
                        SandboxQuery.Aggregate.AVG,
                        SandboxQuery.Aggregate.SUM);
        assertThat(query.columns()).containsExactlyInAnyOrder("tinh", "thu_nhap", "tuoi");
        assertThat(query.order()).containsExactly(new SandboxQuery.Order("tinh", true));
        assertThat(query.where()).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT * FROM dan_cu                                                          | sandbox.notAggregate
            SELECT tinh FROM dan_cu                                                       | sandbox.notAggregate
            SELECT tinh FROM dan_cu GROUP BY tinh                                         | sandbox.notAggregate
            SELECT tinh, count(*) FROM dan_cu                                             | sandbox.notAggregate
            SELECT ma_dinh_danh, count(*) FROM dan_cu GROUP BY tinh                       | sandbox.notAggregate
            SELECT count(*) + 1 FROM dan_cu                                               | sandbox.function
            SELECT 1 FROM dan_cu                                                          | sandbox.notAggregate
            SELECT count(*) FROM khac                                                     | sandbox.table
            SELECT count(*) FROM main.dan_cu                                              | sandbox.table
            SELECT count(*) FROM other_db.main.dan_cu                                     | sandbox.table
            SELECT count(*)                                                               | sandbox.table
            SELECT count(*) FROM dan_cu a JOIN dan_cu b ON a.tinh = b.tinh                | sandbox.join
            SELECT count(*) FROM dan_cu, khac                                             | sandbox.join
            SELECT count(*) FROM (SELECT * FROM dan_cu)                                   | sandbox.subquery
            SELECT count(*) FROM dan_cu WHERE tinh IN (SELECT tinh FROM khac)             | sandbox.subquery
            SELECT count(*) FROM dan_cu WHERE EXISTS (SELECT 1 FROM khac)                 | sandbox.subquery
            SELECT (SELECT count(*) FROM khac) FROM dan_cu                                | sandbox.subquery
            SELECT count(*) FROM dan_cu UNION SELECT count(*) FROM dan_cu                 | sandbox.setOperation
            SELECT count(*) FROM dan_cu EXCEPT SELECT count(*) FROM dan_cu                | sandbox.setOperation
            WITH dan_cu AS (SELECT * FROM khac) SELECT count(*) FROM dan_cu               | sandbox.cte
            WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM dan_cu | sandbox.cte
            SELECT count(*) FROM read_csv('/etc/passwd')                                  | sandbox.function
            SELECT count(*) FROM read_parquet('lake/*.parquet')                           | sandbox.function
            SELECT count(*) FROM 'secret.csv'                                             | sandbox.table
            SET enable_external_access = true                                             | sandbox.statement
            PRAGMA database_list                                                          | sandbox.statement
            ATTACH 'x.db'                                                                 | sandbox.statement
            COPY dan_cu TO 'out.csv'                                                      | sandbox.statement
            SELECT count(*) FROM dan_cu; SELECT * FROM dan_cu                             | sandbox.statement
            SELECT count(*) FROM dan_cu -- hidden\\n; SELECT * FROM dan_cu                 | sandbox.statement
            SELECT count(*) FROM dan_cu; DROP TABLE dan_cu                                | sandbox.statement
            SELECT count(*) OVER () FROM dan_cu                                           | sandbox.window
            SELECT row_number() OVER (ORDER BY thu_nhap) FROM dan_cu                      | sandbox.window
            SELECT tinh, count(*) FROM dan_cu GROUP BY tinh HAVING count(*) < 3           | sandbox.clause
            SELECT tinh, count(*) FROM dan_cu GROUP BY tinh HAVING min(ma_dinh_danh) = 'P1' | sandbox.clause
            SELECT tinh, count(*) FROM dan_cu GROUP BY tinh QUALIFY count(*) > 1          | sandbox.clause
            SELECT count(*) FROM dan_cu LIMIT 1                                           | sandbox.clause
            SELECT count(*) FROM dan_cu OFFSET 1                                          | sandbox.clause
            SELECT DISTINCT count(*) FROM dan_cu                                          | sandbox.clause
            SELECT count(*) FROM dan_cu USING SAMPLE 10                                   | sandbox.clause
            SELECT tinh, count(*) FROM dan_cu GROUP BY ALL                                | sandbox.groupBy
            SELECT tinh, count(*) FROM dan_cu GROUP BY ROLLUP (tinh)                      | sandbox.groupBy
            SELECT count(*) FROM dan_cu GROUP BY tuoi / 10                                | sandbox.groupBy
            SELECT tinh, count(*) FROM dan_cu GROUP BY tinh ORDER BY count(*)             | sandbox.orderBy
            SELECT tinh, count(*) FROM dan_cu GROUP BY tinh ORDER BY 1                    | sandbox.orderBy
            SELECT max(thu_nhap) FROM dan_cu                                              | sandbox.function
            SELECT min(ma_dinh_danh) FROM dan_cu                                          | sandbox.function
            SELECT string_agg(ma_dinh_danh, ',') FROM dan_cu                              | sandbox.function
            SELECT list(ma_dinh_danh) FROM dan_cu                                         | sandbox.function
            SELECT count(DISTINCT ma_dinh_danh) FROM dan_cu                               | sandbox.function
            SELECT count(*) FILTER (WHERE ma_dinh_danh = 'P1') FROM dan_cu                | sandbox.function
            SELECT sum(thu_nhap * 1000) FROM dan_cu                                       | sandbox.function
            SELECT main.sum(thu_nhap) FROM dan_cu                                         | sandbox.function
            SELECT count(*) FROM dan_cu WHERE length(ma_dinh_danh) = 12                   | sandbox.function
            SELECT count(*) FROM dan_cu WHERE ma_dinh_danh LIKE 'P1%'                     | sandbox.function
            SELECT count(*) FROM dan_cu WHERE thu_nhap > tuoi                             | sandbox.where
            SELECT count(*) FROM dan_cu WHERE tuoi = 1 + 1                                | sandbox.function
            SELECT count(*) FROM dan_cu WHERE true                                        | sandbox.where
            SELECT count(*) FROM dan_cu WHERE tinh IS DISTINCT FROM 'Huế'                 | sandbox.where
            SELECT count(*) FROM dan_cu WHERE dan_cu.tinh = 'Huế'                         | sandbox.column
            SELECT count(*) FROM dan_cu WHERE tinh = ?                                    | sandbox.where
            SELECT count(*) FROM dan_cu WHERE CAST(tuoi AS VARCHAR) = '1'                 | sandbox.where
            SELECT count(*) FROM dan_cu WHERE tuoi = (SELECT 1)                           | sandbox.subquery
            SELECT count(*) FROM dan_cu WHERE                                             | sandbox.syntax
            SELEC count(*) FROM dan_cu                                                    | sandbox.syntax
            """)
    void refuses(String sql, String code) {
        String text = sql.replace("\\n", "\n");
        assertThatThrownBy(() -> SandboxQuery.validate(text, TABLE))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void refusalsDoNotEchoTheQuerysConstants() {
        assertThatThrownBy(() -> SandboxQuery.validate(
                        "SELECT count(*) FROM dan_cu WHERE ma_dinh_danh LIKE 'P0123456789%'", TABLE))
                .isInstanceOf(SandboxException.class)
                .message()
                .doesNotContain("P0123456789");
        assertThatThrownBy(() -> SandboxQuery.validate("SELECT count(*) FROM dan_cu WHERE 'P0123456789' LIKE", TABLE))
                .isInstanceOf(SandboxException.class)
                .message()
                .doesNotContain("P0123456789");
    }

    @Test
    void refusesEmptyAndOversizedText() {
        assertThatThrownBy(() -> SandboxQuery.validate(" ", TABLE))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.syntax"));
        String huge = "SELECT count(*) FROM dan_cu WHERE tuoi IN (" + "1, ".repeat(40_000) + "1)";
        assertThatThrownBy(() -> SandboxQuery.validate(huge, TABLE))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.tooLarge"));
        String longList = "SELECT count(*) FROM dan_cu WHERE tuoi IN (" + "1, ".repeat(1_500) + "1)";
        assertThatThrownBy(() -> SandboxQuery.validate(longList, TABLE))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.tooLarge"));
    }
}
