package vn.datafloor.integration.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import vn.datafloor.integration.access.AccessException.Code;

/**
 * The SQL channel: a buyer's SELECT runs over the permitted views only, as DuckDB's rendering of a
 * checked and rewritten tree; everything else is refused with a code and a message that does not
 * repeat the query's values.
 */
class AccessSqlTest {

    @TempDir
    static Path dir;

    static Path file;

    AccessSession session;

    @BeforeEach
    void open() throws Exception {
        if (file == null) {
            file = People.write(dir);
        }
        session = AccessSession.open(
                List.of(People.view(
                        file,
                        Map.of("citizen_id", Mask.LAST4, "full_name", Mask.REDACT),
                        List.of(),
                        Optional.empty(),
                        People.key(1))),
                AccessLimits.defaults().withStatementTimeout(Duration.ofSeconds(2)),
                dir.resolve("work"));
    }

    @AfterEach
    void close() throws Exception {
        session.close();
    }

    static Stream<Arguments> attacks() {
        String raw = "'" + dir.resolve("persons.parquet") + "'";
        return Stream.of(
                Arguments.of("SELECT * FROM persons; SELECT * FROM duckdb_settings()", Code.MULTIPLE_STATEMENTS),
                Arguments.of("SELECT 1 FROM persons; DROP TABLE persons", Code.NOT_SELECT),
                Arguments.of(
                        "SELECT id FROM persons UNION SELECT table_name FROM duckdb_tables()", Code.TABLE_NOT_ALLOWED),
                Arguments.of(
                        "SELECT id FROM persons UNION ALL SELECT table_name FROM duckdb_tables",
                        Code.TABLE_NOT_ALLOWED),
                Arguments.of(
                        "SELECT id FROM persons UNION SELECT table_name FROM information_schema.tables",
                        Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM pg_catalog.pg_class", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM main.persons", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM memory.main.persons", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM __df_permitted_0", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM read_csv('/etc/passwd')", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM '/etc/passwd'", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM read_parquet(" + raw + ")", Code.TABLE_NOT_ALLOWED),
                Arguments.of(
                        "SELECT p.citizen_id FROM persons p JOIN " + raw + " r ON r.id = p.id", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM glob('/*')", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM query('SELECT 1')", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT * FROM query_table('persons')", Code.TABLE_NOT_ALLOWED),
                Arguments.of(
                        "SELECT (SELECT count(*) FROM read_text('/etc/passwd')) FROM persons", Code.TABLE_NOT_ALLOWED),
                Arguments.of(
                        "SELECT id FROM persons WHERE id IN (SELECT name FROM duckdb_settings())",
                        Code.TABLE_NOT_ALLOWED),
                Arguments.of("COPY persons TO '/tmp/out.csv'", Code.NOT_SELECT),
                Arguments.of("ATTACH '/tmp/x.db' AS x", Code.NOT_SELECT),
                Arguments.of("SET enable_external_access = true", Code.NOT_SELECT),
                Arguments.of("PRAGMA show_tables", Code.NOT_SELECT),
                Arguments.of("INSTALL httpfs", Code.NOT_SELECT),
                Arguments.of("CREATE TABLE x AS SELECT * FROM persons", Code.NOT_SELECT),
                Arguments.of("DELETE FROM persons", Code.NOT_SELECT),
                Arguments.of("SELECT getenv('HOME')", Code.FUNCTION_NOT_ALLOWED),
                Arguments.of("SELECT current_setting('memory_limit')", Code.FUNCTION_NOT_ALLOWED),
                Arguments.of(
                        "SELECT id FROM persons WHERE current_setting('threads') IS NULL", Code.FUNCTION_NOT_ALLOWED),
                Arguments.of("SELECT pg_catalog.lower(id) FROM persons", Code.FUNCTION_NOT_ALLOWED),
                Arguments.of("SELECT read_blob FROM persons, read_blob('/etc/passwd')", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT list_transform([1], x -> x) FROM persons", Code.FUNCTION_NOT_ALLOWED),
                Arguments.of(
                        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r",
                        Code.RECURSIVE_CTE),
                Arguments.of(
                        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r, persons) SELECT count(*) FROM r",
                        Code.RECURSIVE_CTE),
                Arguments.of(
                        "WITH duckdb_tables AS (SELECT 1) SELECT * FROM duckdb_tables", Code.CONSTRUCT_NOT_ALLOWED),
                Arguments.of("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x), x", Code.TABLE_NOT_ALLOWED),
                Arguments.of("SELECT __df_subject FROM persons", Code.UNKNOWN_COLUMN),
                Arguments.of("SELECT $1", Code.CONSTRUCT_NOT_ALLOWED),
                Arguments.of("SELECT * FROM persons AT (VERSION => 1)", Code.CONSTRUCT_NOT_ALLOWED),
                Arguments.of("SELEC id FROM persons", Code.SYNTAX),
                Arguments.of("   ", Code.EMPTY));
    }

    @ParameterizedTest
    @MethodSource("attacks")
    void refusesWhatTheContractDoesNotAllow(String sql, Code code) {
        assertThatThrownBy(() -> session.query(sql, 10))
                .isInstanceOfSatisfying(
                        AccessException.class, e -> assertThat(e.code()).isEqualTo(code))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("/etc/passwd")
                        .doesNotContain("HOME")
                        .doesNotContain("persons.parquet"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "FROM persons",
                "SELECT id, id FROM persons",
                "SELECT * EXCLUDE (citizen_id) FROM persons",
                "SELECT COLUMNS('inc.*') FROM persons",
                "SELECT * FROM persons p, (SELECT id AS other FROM persons) q WHERE p.id = q.other",
                "SELECT * FROM (VALUES (1, 'a')) v(n, s)",
                "SELECT persons.id FROM persons",
                "SELECT year(birth_date), date_trunc('year', birth_date) FROM persons",
                "SELECT upper(id) || '-' || lpad(CAST(age AS VARCHAR), 3, '0') FROM persons",
                "SELECT province_code, count(*) FILTER (WHERE age > 30) FROM persons GROUP BY ALL",
                "SELECT id, lag(income) OVER (PARTITION BY province_code ORDER BY id) FROM persons QUALIFY row_number() OVER () < 5",
                "SELECT id FROM persons WHERE EXISTS (SELECT 1 FROM persons q WHERE q.age > persons.age)",
                "SELECT id FROM persons EXCEPT SELECT id FROM persons WHERE age > 40",
                "SELECT CASE WHEN age BETWEEN 20 AND 30 THEN 'young' ELSE 'older' END FROM persons",
                "SELECT * FROM persons USING SAMPLE 10 ROWS"
            })
    void acceptsOrdinaryAnalysis(String sql) {
        QueryResult result = session.query(sql, 100);
        assertThat(result.columns()).isNotEmpty();
        assertThat(result.rows()).isNotEmpty();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"DESCRIBE persons", "SUMMARIZE persons", "SHOW TABLES", "SHOW ALL TABLES", "PIVOT persons ON age"
            })
    void refusesMetadataStatements(String sql) {
        assertThatThrownBy(() -> session.query(sql, 10)).isInstanceOf(AccessException.class);
    }

    @Test
    void aCommentCannotHideASecondStatement() {
        assertThatThrownBy(() -> session.query("SELECT id FROM persons -- harmless\n; ATTACH '/tmp/x.db'", 10))
                .isInstanceOfSatisfying(
                        AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.NOT_SELECT));
        assertThatThrownBy(() -> session.query("SELECT id /* ; */ FROM persons; /* */ SELECT 1", 10))
                .isInstanceOfSatisfying(
                        AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.MULTIPLE_STATEMENTS));
    }

    @Test
    void aColumnOutsideTheContractDoesNotExistInTheView() throws Exception {
        try (AccessSession narrow = AccessSession.open(
                List.of(new AccessView(
                        "persons",
                        List.of(file),
                        List.of("id", "province_code"),
                        Map.of(),
                        List.of(),
                        Optional.empty(),
                        "id",
                        People.key(1))),
                AccessLimits.defaults(),
                dir.resolve("work"))) {
            assertThat(narrow.columns("persons")).containsExactly("id", "province_code");
            assertThatThrownBy(() -> narrow.query("SELECT citizen_id FROM persons", 10))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_COLUMN));
            assertThat(narrow.query("SELECT * FROM persons LIMIT 1", 10).columns())
                    .containsExactly("id", "province_code");
        }
    }

    @Test
    void evenPastTheChecksTheLockedConnectionCannotReadTheRawFile() {
        // What the guard would refuse, sent straight to the session's connection: the lockdown refuses it too.
        assertThatThrownBy(() -> session.connection()
                        .query("SELECT citizen_id FROM read_parquet('" + file + "')", rs -> rs.next()))
                .isInstanceOfSatisfying(
                        java.sql.SQLException.class,
                        e -> assertThat(vn.datafloor.integration.lake.LockedConnection.refusedByLockdown(e))
                                .isTrue());
        assertThatThrownBy(() -> session.connection().execute("SET enable_external_access = true"))
                .isInstanceOf(java.sql.SQLException.class);
    }

    @Test
    void everyConnectionOfTheSessionIsLockedNotOnlyTheFirst() {
        assertThat(session.connections()).hasSize(AccessLimits.DEFAULT_CONNECTIONS);
        for (vn.datafloor.integration.lake.LockedConnection each : session.connections()) {
            assertThatThrownBy(() -> each.query("SELECT count(*) FROM read_parquet('" + file + "')", rs -> rs.next()))
                    .isInstanceOfSatisfying(
                            java.sql.SQLException.class,
                            e -> assertThat(vn.datafloor.integration.lake.LockedConnection.refusedByLockdown(e))
                                    .isTrue());
            assertThatThrownBy(() -> each.execute("SET lock_configuration = false"))
                    .isInstanceOf(java.sql.SQLException.class);
        }
    }

    @Test
    void requestsFromManyThreadsEachGetTheirOwnCorrectPage() throws Exception {
        List<String> all = session.rows("persons", List.of("id"), List.of(), 0, 1000).rows().stream()
                .map(row -> row.get(0).toString())
                .toList();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<Boolean>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int offset = i % Math.max(1, all.size() - 3);
                answers.add(pool.submit(() -> {
                    List<String> page = session.rows("persons", List.of("id"), List.of(), offset, 3).rows().stream()
                            .map(row -> row.get(0).toString())
                            .toList();
                    return page.equals(all.subList(offset, Math.min(all.size(), offset + 3)));
                }));
            }
            for (var answer : answers) {
                assertThat(answer.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedSessionRefusesTheNextRequest() throws Exception {
        session.close();
        assertThatThrownBy(() -> session.rows("persons", List.of(), List.of(), 0, 1))
                .isInstanceOf(IllegalStateException.class);
        session.close(); // a second close is harmless
    }

    @Test
    void theDatabaseHoldsNoClearValueOfAMaskedColumn() throws Exception {
        // Even the hidden table behind the view holds masked values only.
        long clear = session.connection()
                .query(
                        "SELECT count(*) FROM __df_permitted_0 WHERE citizen_id LIKE '0790%' OR full_name LIKE 'Nguy%'",
                        rs -> {
                            rs.next();
                            return rs.getLong(1);
                        });
        assertThat(clear).isZero();
    }

    @Test
    void readsThePermittedViewWithJoinsAggregatesWindowsAndCtes() {
        QueryResult result = session.query(
                "WITH rich AS (SELECT id, income FROM persons WHERE income > 20000000)\n"
                        + "SELECT p.province_code, count(*) AS n, sum(r.income) AS total,\n"
                        + "       rank() OVER (ORDER BY sum(r.income) DESC) AS place\n"
                        + "FROM persons p JOIN rich r USING (id)\n"
                        + "GROUP BY p.province_code ORDER BY place",
                10);
        assertThat(result.columns()).containsExactly("province_code", "n", "total", "place");
        // persons 21..30: 79 has 22, 25, 28; 48 has 23, 26, 29; 01 has 21, 24, 27, 30
        assertThat(result.rows()).extracting(r -> r.get(0)).containsExactly("01", "48", "79");
        assertThat(result.rows().get(0).get(1)).isEqualTo(4L);
        assertThat(result.subjects().overApproximated()).isTrue();
    }

    @Test
    void keepsTheBuyersOrderAndReportsTruncation() {
        QueryResult result = session.query("SELECT id, income FROM persons ORDER BY income DESC", 5);
        assertThat(result.rows()).extracting(r -> r.get(0)).containsExactly("P30", "P29", "P28", "P27", "P26");
        assertThat(result.truncated()).isTrue();
        assertThat(result.bytes()).isPositive();
        QueryResult all = session.query("SELECT id FROM persons", 100);
        assertThat(all.rows()).hasSize(People.COUNT);
        assertThat(all.truncated()).isFalse();
        assertThat(session.query("SELECT id FROM persons LIMIT 3", 100).rows()).hasSize(3);
    }

    @Test
    void theFingerprintIgnoresWhitespaceAndComments() {
        String a = session.query("SELECT id FROM persons WHERE income > 5", 1).fingerprint();
        String b = session.query("select   id\n  from persons -- mine\n where /* x */ income>5", 1)
                .fingerprint();
        String c = session.query("SELECT id FROM persons WHERE income > 6", 1).fingerprint();
        assertThat(a).hasSize(64).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void aCrossJoinBombIsStoppedByTheStatementTimeout() {
        assertThatThrownBy(() -> session.query(
                        "SELECT sum(a.income * b.age + c.age * d.age + e.age - f.age) FROM persons a, persons b,"
                                + " persons c, persons d, persons e, persons f, persons g, persons h",
                        10))
                .isInstanceOfSatisfying(
                        AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.TIMEOUT));
        // the session is still usable afterwards
        assertThat(session.query("SELECT count(*) FROM persons", 1)
                        .rows()
                        .get(0)
                        .get(0))
                .isEqualTo(30L);
    }

    @Test
    void aQueryNeedingMoreMemoryThanAllowedIsStopped() throws Exception {
        try (AccessSession small = AccessSession.open(
                List.of(People.plain(file)),
                new AccessLimits("32MB", 1, Duration.ofSeconds(20), 100, 100),
                dir.resolve("work"))) {
            assertThatThrownBy(() -> small.query(
                            "SELECT length(string_agg(repeat(a.full_name, 20000), ',')) FROM persons a, persons b, persons c",
                            10))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.RESOURCE_LIMIT));
        }
    }

    @Test
    void veryDeepNestingIsRefused() {
        String deep = "SELECT " + "(".repeat(400) + "1" + ")".repeat(400) + " FROM persons";
        String deepSum = "SELECT " + "1 + ".repeat(600) + "1 FROM persons";
        String deepSubqueries = "SELECT * FROM " + "(SELECT * FROM ".repeat(200) + "persons" + ")".repeat(200);
        for (String sql : List.of(deepSum, deepSubqueries)) {
            assertThatThrownBy(() -> session.query(sql, 1))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.TOO_DEEP));
        }
        // parentheses alone do not nest the tree
        assertThat(session.query(deep, 1).rows()).hasSize(1);
        assertThatThrownBy(() -> session.query("SELECT id FROM persons WHERE id = '" + "x".repeat(30_000) + "'", 1))
                .isInstanceOfSatisfying(
                        AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.TOO_LONG));
    }

    @Test
    void aQueryOnOneTableReportsTheSubjectsItsWhereSelects() {
        QueryResult result = session.query("SELECT count(*) FROM persons WHERE income <= 3000000", 10);
        assertThat(result.subjects().ids()).containsExactlyInAnyOrder("P1", "P2", "P3");
        assertThat(result.subjects().overApproximated()).isFalse();
        assertThat(result.subjects().capped()).isFalse();
        QueryResult aliased = session.query("SELECT count(*) FROM persons AS x WHERE x.id IN ('P4', 'P5')", 10);
        assertThat(aliased.subjects().ids()).containsExactlyInAnyOrder("P4", "P5");
        QueryResult byAlias = session.query("SELECT age + 1 AS older FROM persons WHERE older < 23", 10);
        assertThat(byAlias.rows()).hasSize(1);
        assertThat(byAlias.subjects().ids())
                .as("the WHERE names a select alias: the whole view")
                .hasSize(People.COUNT);
        assertThat(byAlias.subjects().overApproximated()).isTrue();
        QueryResult star = session.query("SELECT id FROM persons WHERE COLUMNS('^income$') < 2000000", 10);
        assertThat(star.rows()).hasSize(1);
        assertThat(star.subjects().ids()).hasSize(People.COUNT);
        assertThat(star.subjects().overApproximated()).isTrue();
        QueryResult none = session.query("SELECT 1", 10);
        assertThat(none.subjects().ids()).isEmpty();
    }

    @Test
    void subjectsWithManyRowsAreCountedOnceBeforeTheCap() throws Exception {
        AccessView byProvince = new AccessView(
                "persons",
                List.of(file),
                People.COLUMNS,
                Map.of(),
                List.of(),
                Optional.empty(),
                "province_code",
                People.key(1));
        try (AccessSession exact = AccessSession.open(
                        List.of(byProvince),
                        new AccessLimits("256MB", 1, Duration.ofSeconds(10), 100, 3),
                        dir.resolve("work"));
                AccessSession tight = AccessSession.open(
                        List.of(byProvince),
                        new AccessLimits("256MB", 1, Duration.ofSeconds(10), 100, 2),
                        dir.resolve("work"))) {
            SubjectsTouched all = exact.query("SELECT count(*) FROM persons", 1).subjects();
            assertThat(all.ids()).containsExactlyInAnyOrder("01", "48", "79");
            assertThat(all.capped()).isFalse();
            SubjectsTouched some = exact.query("SELECT count(*) FROM persons WHERE age > 40", 1)
                    .subjects();
            assertThat(some.ids()).containsExactlyInAnyOrder("01", "48", "79");
            assertThat(some.capped()).isFalse();
            assertThat(tight.query("SELECT count(*) FROM persons", 1).subjects().capped())
                    .isTrue();
            assertThat(tight.query("SELECT count(*) FROM persons WHERE age > 40", 1)
                            .subjects()
                            .capped())
                    .isTrue();
        }
    }

    @Test
    void theSubjectSetIsCapped() throws Exception {
        try (AccessSession small = AccessSession.open(
                List.of(People.plain(file)),
                new AccessLimits("256MB", 1, Duration.ofSeconds(10), 100, 5),
                dir.resolve("work"))) {
            QueryResult result = small.query("SELECT avg(income) FROM persons", 10);
            assertThat(result.subjects().ids()).hasSize(5);
            assertThat(result.subjects().capped()).isTrue();
        }
    }
}
