package vn.datafloor.integration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.lake.LockedConnection;

/**
 * Real queries on a locked DuckDB connection holding 5,000 generated persons with three rows each,
 * a province of only five persons, and one person with a thousand rows and an absurd income.
 */
class SandboxRunnerTest {

    private static final String HEAVY = "P99999";

    /** Every regular person's three rows, of which two count. */
    private static final int PERSONS = 5000;

    private static LockedConnection connection;

    private static final SandboxPolicy POLICY = new SandboxPolicy(
            "dan_cu",
            "ma_dinh_danh",
            10,
            1,
            2,
            Map.of("thu_nhap", new SandboxPolicy.Bounds(BigDecimal.ZERO, new BigDecimal("50000000"))),
            0,
            BigDecimal.ONE);

    @BeforeAll
    static void table() throws Exception {
        Connection c = DuckDbConnections.open(null, "256MB", 1);
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE dan_cu AS
                    SELECT 'P' || lpad(CAST(i AS VARCHAR), 5, '0') AS ma_dinh_danh,
                           ['Hà Nội', 'Huế', 'Đà Nẵng', 'TP HCM'][1 + i % 4] AS tinh,
                           CASE WHEN i % 2 = 0 THEN 'nam' ELSE 'nu' END AS gioi_tinh,
                           CAST(18 + i % 60 AS INTEGER) AS tuoi,
                           CAST(5000000 + (i % 100) * 100000 AS BIGINT) AS thu_nhap
                    FROM range(5000) r(i), range(3) k(j)""");
            // five persons of a small province, two rows each
            s.execute("""
                    INSERT INTO dan_cu
                    SELECT 'C' || CAST(i AS VARCHAR), 'Cao Bằng', 'nam', 40, 7000000
                    FROM range(5) r(i), range(2) k(j)""");
            // one person with a thousand rows in Huế and ten in each other province, earning 10¹²
            s.execute("""
                    INSERT INTO dan_cu
                    SELECT 'P99999', 'Huế', 'nam', 50, 1000000000000 FROM range(1000)
                    UNION ALL
                    SELECT 'P99999', p, 'nam', 50, 1000000000000
                    FROM (VALUES ('Hà Nội'), ('Đà Nẵng'), ('TP HCM')) v(p), range(10)""");
            // a row of nobody: never counted
            s.execute("INSERT INTO dan_cu VALUES (NULL, 'Huế', 'nu', 30, 9000000)");
        }
        connection = DuckDbConnections.lock(c, Lockdown.sealed(Duration.ofSeconds(60)));
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    private static SandboxRunner exact() {
        return new SandboxRunner(POLICY, NoiseSource.NONE, new SecureRandom());
    }

    private static PrivacyBudget budget(int epsilon) {
        return PrivacyBudget.of(BigDecimal.valueOf(epsilon));
    }

    private static long count(SandboxResult result, int row, int column) {
        return (Long) result.rows().get(row).get(column);
    }

    private static long total(SandboxResult result, int column) {
        return result.rows().stream().mapToLong(r -> (Long) r.get(column)).sum();
    }

    @Test
    void onePersonsThousandRowsMoveACountByTheContributionBoundOnly() {
        SandboxResult with = exact().run(connection, "SELECT count(*) FROM dan_cu", budget(10));
        SandboxResult without =
                exact().run(connection, "SELECT count(*) FROM dan_cu WHERE ma_dinh_danh <> 'P99999'", budget(10));

        // two rows per person: 5,000 regular persons, five in Cao Bằng, and the heavy one
        assertThat(count(with, 0, 0)).isEqualTo(2L * PERSONS + 2 * 5 + 2);
        assertThat(count(with, 0, 0) - count(without, 0, 0)).isEqualTo(POLICY.maxContributionsPerPartition());
    }

    @Test
    void onePersonCountsInAtMostTheBoundOfGroups() {
        String byProvince = "SELECT tinh, count(*) FROM dan_cu %s GROUP BY tinh";
        SandboxResult with = exact().run(connection, byProvince.formatted(""), budget(10));
        SandboxResult without =
                exact().run(connection, byProvince.formatted("WHERE ma_dinh_danh <> 'P99999'"), budget(10));

        // the heavy person has rows in four provinces; counted in one, with two rows
        assertThat(total(with, 1) - total(without, 1))
                .isEqualTo((long) POLICY.maxPartitionsContributed() * POLICY.maxContributionsPerPartition());
    }

    @Test
    void sumsClampEachValueToTheBounds() {
        String sum = "SELECT sum(thu_nhap) AS tong FROM dan_cu";
        SandboxResult with = exact().run(connection, sum, budget(10));
        SandboxResult without = exact().run(connection, sum + " WHERE ma_dinh_danh <> 'P99999'", budget(10));

        BigDecimal difference = ((BigDecimal) with.rows().get(0).get(0))
                .subtract((BigDecimal) without.rows().get(0).get(0));
        // two rows of 10¹² each, clamped to 5·10⁷
        assertThat(difference).isEqualByComparingTo("100000000");
        assertThat(with.columns()).containsExactly("tong");
    }

    @Test
    void groupsOfFewerThanKPersonsAreSuppressed() {
        SandboxResult result = exact().run(
                        connection,
                        "SELECT tinh, count(*) AS n FROM dan_cu GROUP BY tinh ORDER BY tinh DESC",
                        budget(10));

        assertThat(result.columns()).containsExactly("tinh", "n");
        assertThat(result.rows())
                .extracting(r -> r.get(0))
                .containsExactly("Đà Nẵng", "TP HCM", "Hà Nội", "Huế"); // DuckDB's order: code points
        assertThat(result.suppressedGroups()).isEqualTo(1); // Cao Bằng: five persons < k = 10
        assertThat(exact().run(connection, "SELECT count(*) FROM dan_cu WHERE tinh = 'Cao Bằng'", budget(10))
                        .rows())
                .isEmpty();
    }

    @Test
    void noisyAnswersAreCloseToTheBoundedAggregatesAndSpendTheBudget() {
        SandboxRunner runner = new SandboxRunner(POLICY);
        SandboxResult result = runner.run(
                connection,
                "SELECT gioi_tinh, count(*), count(tuoi), sum(thu_nhap), avg(thu_nhap) AS tb FROM dan_cu"
                        + " GROUP BY gioi_tinh",
                budget(3));

        // six shares of ε = 1: selection, number of groups, and four aggregates
        assertThat(result.epsilonSpent()).isEqualByComparingTo("0.999996");
        assertThat(result.budget().spentMicroEpsilon()).isEqualTo(999_996);
        assertThat(result.remainingEpsilon()).isEqualByComparingTo("2.000004");
        assertThat(result.columns()).containsExactly("gioi_tinh", "count", "count(tuoi)", "sum(thu_nhap)", "tb");
        assertThat(result.rows()).extracting(r -> r.get(0)).containsExactly("nam", "nu");
        List<Object> men = result.rows().get(0);
        // 2,500 men with two rows, the heavy person and the Cao Bằng five; noise of scale 12 around it
        assertThat((Long) men.get(1)).isCloseTo(2L * 2500 + 2 + 10, within(300L));
        assertThat((Long) men.get(2)).isCloseTo(2L * 2500 + 2 + 10, within(300L));
        double sum = ((BigDecimal) men.get(3)).doubleValue();
        double mean = ((BigDecimal) men.get(4)).doubleValue();
        assertThat(mean).isBetween(0.0, 50_000_000.0);
        assertThat(sum / mean).isCloseTo(2 * 2500 + 12, within(600.0));
        assertThat(mean).isCloseTo(9_950_000.0, within(500_000.0));
        assertThat(((BigDecimal) men.get(4)).scale()).isZero();
    }

    @Test
    void aDifferencingPairRevealsNothingCertainAndPaysTwice() {
        SandboxRunner runner = new SandboxRunner(POLICY);
        PrivacyBudget budget = budget(20);
        List<Long> differences = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SandboxResult everybody = runner.run(connection, "SELECT count(*) FROM dan_cu", budget);
            SandboxResult allButOne = runner.run(
                    connection, "SELECT count(*) FROM dan_cu WHERE ma_dinh_danh <> 'P00042'", everybody.budget());
            budget = allButOne.budget();
            differences.add(count(everybody, 0, 0) - count(allButOne, 0, 0));
        }

        // exactly, the difference is always 2 (P00042's two counted rows); the noisy answers disagree
        assertThat(differences).isNotEmpty().anyMatch(d -> d != 2);
        // twenty answers of ε = 1 each: the budget of 20 is gone, and the next question is refused
        assertThat(budget.remainingMicroEpsilon()).isZero();
        PrivacyBudget spent = budget;
        assertThatThrownBy(() -> runner.run(connection, "SELECT count(*) FROM dan_cu", spent))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.budget"));
    }

    @Test
    void refusesColumnsItCannotBoundOrFind() {
        SandboxRunner runner = new SandboxRunner(POLICY);
        assertThatThrownBy(() -> runner.run(connection, "SELECT sum(tuoi) FROM dan_cu", budget(5)))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.bounds"));
        assertThatThrownBy(() -> runner.run(connection, "SELECT count(*) FROM dan_cu WHERE luong > 1", budget(5)))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.column"));
        SandboxPolicy textBounds = new SandboxPolicy(
                "dan_cu",
                "ma_dinh_danh",
                10,
                1,
                1,
                Map.of("tinh", new SandboxPolicy.Bounds(BigDecimal.ZERO, BigDecimal.TEN)),
                0,
                BigDecimal.ONE);
        assertThatThrownBy(
                        () -> new SandboxRunner(textBounds).run(connection, "SELECT avg(tinh) FROM dan_cu", budget(5)))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.column"));
    }

    @Test
    void executionErrorsDoNotQuoteTheQueryOrTheData() {
        assertThatThrownBy(() -> new SandboxRunner(POLICY)
                        .run(connection, "SELECT count(*) FROM dan_cu WHERE tuoi = 'bí mật'", budget(5)))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.execution"))
                .message()
                .doesNotContain("bí mật");
    }
}
