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
            // thirty persons of a province: at least k, but below the threshold of a grouped release
            s.execute("""
                    INSERT INTO dan_cu
                    SELECT 'B' || CAST(i AS VARCHAR), 'Bắc Kạn', 'nu', 40, 7000000 FROM range(30) r(i)""");
            // a view that fails while reading one stored value
            s.execute("""
                    CREATE VIEW loi AS SELECT ma_dinh_danh, CAST(CASE WHEN tuoi = 77 THEN 'bí mật'
                        ELSE CAST(tuoi AS VARCHAR) END AS INTEGER) AS tuoi FROM dan_cu""");
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

        // two rows per person: 5,000 regular persons, five in Cao Bằng, and the heavy one; one in Bắc Kạn
        assertThat(count(with, 0, 0)).isEqualTo(2L * PERSONS + 2 * 5 + 2 + 30);
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
    void theGroupAPersonCountsInIsChosenAtRandomPerQuery() {
        java.util.Set<Object> chosen = new java.util.HashSet<>();
        // one person is below any threshold: the answer shows nothing, the plan shows the choice
        SandboxResult result = exact().run(
                        connection,
                        "SELECT tinh, count(*) FROM dan_cu WHERE ma_dinh_danh = 'P99999' GROUP BY tinh",
                        budget(10));
        assertThat(result.rows()).isEmpty();
        assertThat(result.suppressedGroups()).isEqualTo(1);
        // which province: the exact bounded query, run by trusted test code, with a fresh salt each time
        for (int i = 0; i < 20; i++) {
            SandboxPlan plan = SandboxPlan.of(
                    SandboxQuery.validate(
                            "SELECT tinh, count(*) FROM dan_cu WHERE ma_dinh_danh = 'P99999' GROUP BY tinh", "dan_cu"),
                    POLICY,
                    columns(),
                    new SecureRandom().nextLong());
            List<Object> provinces = query(plan.sql());
            assertThat(provinces).hasSize(1);
            chosen.add(provinces.get(0));
        }
        // four provinces, twenty draws: always the same one has probability 4·(1/4)²⁰
        assertThat(chosen).hasSizeGreaterThan(1);
    }

    private static Map<String, SandboxPlan.Column> columns() {
        return Map.of(
                "ma_dinh_danh", new SandboxPlan.Column("ma_dinh_danh", "VARCHAR"),
                "tinh", new SandboxPlan.Column("tinh", "VARCHAR"));
    }

    private static List<Object> query(String sql) {
        try {
            return connection.query(sql, rs -> {
                List<Object> values = new ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getObject(1));
                }
                return values;
            });
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
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
        // Cao Bằng: five persons < k = 10; Bắc Kạn: thirty, below the threshold that keeps δ ≤ 10⁻⁶
        assertThat(result.suppressedGroups()).isEqualTo(2);
        assertThat(exact().run(connection, "SELECT count(*) FROM dan_cu WHERE tinh = 'Cao Bằng'", budget(10))
                        .rows())
                .isEmpty();
        // without GROUP BY no key is released, so k alone decides
        SandboxResult bacKan =
                exact().run(connection, "SELECT count(*) FROM dan_cu WHERE tinh = 'Bắc Kạn'", budget(10));
        assertThat(bacKan.rows()).hasSize(1);
        assertThat(count(bacKan, 0, 0)).isEqualTo(30);
        assertThat(bacKan.suppressedGroups()).isZero();
    }

    @Test
    void theQuerysEpsilonIsSplitAmongItsMeasures() {
        SandboxResult result = exact().run(
                        connection,
                        "SELECT gioi_tinh, count(*), count(tuoi), sum(thu_nhap), avg(thu_nhap) AS tb FROM dan_cu"
                                + " GROUP BY gioi_tinh",
                        budget(3));

        // six shares of ε = 1: selection, number of groups, and four aggregates
        assertThat(result.epsilonSpent()).isEqualByComparingTo("0.999996");
        assertThat(result.budget().spentMicroEpsilon()).isEqualTo(999_996);
        assertThat(result.remainingEpsilon()).isEqualByComparingTo("2.000004");
    }

    @Test
    void noisyAnswersAreCloseToTheBoundedAggregates() {
        // ε = 60 per answer (ten per measure) so accuracy can be asserted without false alarms
        SandboxPolicy generous = new SandboxPolicy(
                POLICY.table(), POLICY.subjectColumn(), 10, 1, 2, POLICY.bounds(), 0, BigDecimal.valueOf(60));
        SandboxRunner runner = new SandboxRunner(generous);
        SandboxResult result = runner.run(
                connection,
                "SELECT gioi_tinh, count(*), count(tuoi), sum(thu_nhap), avg(thu_nhap) AS tb FROM dan_cu"
                        + " GROUP BY gioi_tinh",
                budget(60));

        assertThat(result.columns()).containsExactly("gioi_tinh", "count", "count(tuoi)", "sum(thu_nhap)", "tb");
        assertThat(result.rows()).extracting(r -> r.get(0)).containsExactly("nam", "nu");
        List<Object> men = result.rows().get(0);
        // 2,500 men with two rows, the heavy person and the Cao Bằng five; noise of scale 0.2
        assertThat((Long) men.get(1)).isCloseTo(2L * 2500 + 2 + 10, within(20L));
        assertThat((Long) men.get(2)).isCloseTo(2L * 2500 + 2 + 10, within(20L));
        // incomes 5,000,000 + (i % 100)·100,000 for even i, two rows of the heavy one clamped to 5·10⁷
        double exactSum = 2 * (2500 * 9_900_000.0 + 50_000_000.0 + 5 * 7_000_000.0);
        double sum = ((BigDecimal) men.get(3)).doubleValue();
        double mean = ((BigDecimal) men.get(4)).doubleValue();
        // noise scales: 10⁷ on the sum, 2,000 on the mean
        assertThat(sum).isCloseTo(exactSum, within(5e8));
        assertThat(mean).isCloseTo(exactSum / (2 * 2500 + 12), within(100_000.0));
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
    void theWhereConditionKeepsItsMeaningThroughDuckDbsRendering() throws Exception {
        String condition = "tuoi BETWEEN 20 AND 29 AND tinh IN ('Huế', 'Hà Nội') AND NOT (gioi_tinh = 'nu')"
                + " AND thu_nhap >= 7500000.5 AND ma_dinh_danh IS NOT NULL";
        long persons = connection.query("SELECT count(DISTINCT ma_dinh_danh) FROM dan_cu WHERE " + condition, rs -> {
            rs.next();
            return rs.getLong(1);
        });
        SandboxResult result = exact().run(connection, "SELECT count(*) FROM dan_cu WHERE " + condition, budget(5));

        assertThat(persons).isGreaterThan(10);
        assertThat(count(result, 0, 0)).isEqualTo(2 * persons);
    }

    @Test
    void theSelectionThresholdIsTheSmallestThatKeepsDeltaAndAtLeastK() {
        for (long partitions : new long[] {1, 3}) {
            for (long micro : new long[] {100_000, 333_333, 2_000_000}) {
                long threshold = SandboxPlan.selectionThreshold(partitions, micro, 1e-6);
                double alpha = Math.exp(-micro / 1e6 / partitions);
                double delta = partitions * Math.pow(alpha, (double) (threshold - 1)) / (1 + alpha);
                double deltaOneLower = partitions * Math.pow(alpha, (double) (threshold - 2)) / (1 + alpha);
                assertThat(delta).isLessThanOrEqualTo(1e-6);
                assertThat(deltaOneLower).isGreaterThan(1e-6);
            }
        }
        // POLICY, GROUP BY with one aggregate: three shares of ε = 1
        assertThat(SandboxPlan.selectionThreshold(1, 333_333, SandboxPolicy.SELECTION_DELTA))
                .isEqualTo(41);
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
    void comparisonsThatWouldCastTheColumnAreRefusedBeforeRunning() {
        // "tinh = 5" makes DuckDB cast every province name to a number: it fails or not depending on
        // the data, an answer without noise. Refused whatever the data, and without quoting the query.
        for (String condition : List.of("tinh = 5", "tinh IN (1, 2)", "tuoi = 'bí mật'", "tinh = DATE '2020-01-01'")) {
            assertThatThrownBy(() -> new SandboxRunner(POLICY)
                            .run(connection, "SELECT count(*) FROM dan_cu WHERE " + condition, budget(5)))
                    .as(condition)
                    .isInstanceOfSatisfying(
                            SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.where"))
                    .message()
                    .doesNotContain("bí mật")
                    .doesNotContain("2020");
        }
        // numbers with numbers, text with text, NULL with anything
        SandboxResult ok = exact().run(
                        connection,
                        "SELECT count(*) FROM dan_cu WHERE tuoi IN (20, 21.5, 1e3) AND thu_nhap > 1.25 AND tinh <> 'x'"
                                + " AND gioi_tinh IS NOT NULL AND tinh <> NULL",
                        budget(5));
        assertThat(ok.rows()).isEmpty(); // "<> NULL" is never true: no persons
    }

    @Test
    void executionErrorsDoNotQuoteTheData() {
        SandboxPolicy broken = new SandboxPolicy("loi", "ma_dinh_danh", 10, 1, 1, Map.of(), 0, BigDecimal.ONE);
        assertThatThrownBy(() -> new SandboxRunner(broken).run(connection, "SELECT count(tuoi) FROM loi", budget(5)))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.execution"))
                .message()
                .doesNotContain("bí mật");
    }
}
