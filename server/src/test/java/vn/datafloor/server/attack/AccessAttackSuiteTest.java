package vn.datafloor.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.server.attack.HttpAttacker.Response;
import vn.datafloor.server.attack.HttpAttacker.Session;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.demo.DemoData;

/**
 * Attacks on the delivery channels of an agreement (docs/access.md, docs/sandbox.md) over real HTTP,
 * on a real demo server: the buyer is Sao Mai (a credit company holding an agreement on the civil
 * registry) with the agreement-scoped API key its administrator makes, and the second buyer is the
 * research institute holding its own agreement on the same registry. The test also reads the
 * registry's Parquet files on disk, as the operator could, to know the clear values the masks must
 * hide and the rows the consent filter must hold back.
 *
 * <p>Each refused attack must be a clear client error (4xx, a problem whose detail says what is
 * wrong, no stack trace, no clear personal value) and an {@code ACCESS_REFUSED} entry on the ledger
 * naming the attacker. Each test collects every variant that got through and reports them together.
 *
 * <p>One server for the whole class, its own data directory, a fixed order: the sandbox tests spend
 * the research institute's privacy budget, and the last test terminates an agreement. The budget is
 * raised to 100 ε so that the differencing test can ask enough pairs to tell noise from an exact answer:
 * the view is small, so a noisy count often falls under the release threshold and is suppressed, and at
 * 20 ε a run could end with only two pairs answered in full.
 * One class, no nested classes (surefire counts a nested class's tests as zero).
 */
@Tag("attack")
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "datafloor.demo=true",
            "datafloor.demo.people=2000",
            "datafloor.ledger.checkpoint-interval=PT12H",
            "datafloor.access.sandbox.epsilon-total=100"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessAttackSuiteTest {

    /** How long a bomb may take before the attacker's client gives up: well above the 30 s statement limit. */
    private static final Duration BOMB_PATIENCE = Duration.ofSeconds(120);

    private static Path dataDir;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) throws IOException {
        Path parent = Files.createDirectories(Path.of("target", "test-data"));
        dataDir = Files.createTempDirectory(parent, "access-attack-").toAbsolutePath();
        registry.add("datafloor.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    /** Only to wait until refusals recorded so far are on the ledger; what is on it is read over HTTP. */
    @Autowired
    AuditLog auditLog;

    /** Only to decrypt the registry's files (the lake is encrypted at rest), as the operator can. */
    @Autowired
    vn.datafloor.server.integration.DatasetService datasets;

    /** The registry's files in clear, read by the checks below; deleted when the suite ends. */
    vn.datafloor.integration.lake.ClearVersion clearLake;

    HttpAttacker http;
    String operatorKey;

    Session bankAdmin;
    long bankUserId;
    long bankAgreement;
    /** Sao Mai's key, made for its agreement: the attacker's credential. */
    String bankKey;

    Session instituteAnalyst;
    long instituteUserId;
    long instituteAgreement;
    String instituteKey;

    /** The agreement's table, its columns and masks, as {@code GET /api/access/{id}} tells the buyer. */
    String table;

    List<String> columns = new ArrayList<>();
    Map<String, String> masks = new LinkedHashMap<>();
    /** The rows the terms sell, {@code column:op:value} (the demo's offer: adults only). */
    List<String> rowFilters = new ArrayList<>();
    /** The column holding the identity number, delivered as a keyed hash. */
    String subjectColumn;

    /** The registry's files in the lake, and clear values of its masked columns (what must never reach a buyer). */
    List<Path> lakeFiles;

    List<String> clearIds = new ArrayList<>();
    Set<String> personal = new LinkedHashSet<>();
    long lakeRows;

    @BeforeAll
    void buyers() throws Exception {
        http = new HttpAttacker("http://127.0.0.1:" + port);
        Session operator = http.signIn("admin", DemoData.PASSWORD);
        operatorKey = http.mintKey(operator, "access-attack-operator", "audit:read", "users:read");
        Map<String, Long> users = new HashMap<>();
        for (JsonNode user : http.bearer(operatorKey, "GET", "/api/users", null).json()) {
            users.put(HttpAttacker.text(user, "username"), user.get("id").asLong());
        }
        bankAdmin = http.signIn("saomai.admin", DemoData.PASSWORD);
        bankUserId = users.get("saomai.admin");
        bankAgreement = agreementOf(bankAdmin);
        bankKey = agreementKey(bankAdmin, bankAgreement, "access-attack-bank");
        instituteAnalyst = http.signIn("vien.phantich", DemoData.PASSWORD);
        instituteUserId = users.get("vien.phantich");
        instituteAgreement = agreementOf(instituteAnalyst);
        instituteKey = agreementKey(instituteAnalyst, instituteAgreement, "access-attack-institute");

        Response described = http.bearer(bankKey, "GET", "/api/access/" + bankAgreement, null);
        assertThat(described.status())
                .as("the buyer reads what its agreement delivers")
                .isEqualTo(200);
        JsonNode description = described.json();
        table = HttpAttacker.text(description, "table");
        description.get("columns").forEach(c -> columns.add(c.asString()));
        description
                .get("masks")
                .properties()
                .forEach(m -> masks.put(m.getKey(), m.getValue().asString()));
        description.get("rowFilters").forEach(f -> rowFilters.add(f.asString()));
        assertThat(rowFilters)
                .as("the demo's agreement sells some rows only (its terms' row condition)")
                .isNotEmpty();
        readTheLake();
    }

    /** The signed-in buyer's organisation's agreement in force on the civil registry (DemoDelivery's). */
    private long agreementOf(Session buyer) {
        Response entitlements = http.sessionJson(buyer, "GET", "/api/exchange/entitlements", null, true);
        assertThat(entitlements.status())
                .as("%s lists its entitlements", buyer.username)
                .isEqualTo(200);
        for (JsonNode entitlement : entitlements.json()) {
            if (HttpAttacker.text(entitlement, "dataset").startsWith("ho-tich")) {
                return entitlement.get("contractId").asLong();
            }
        }
        throw new IllegalStateException(
                buyer.username + " holds no agreement on the civil registry: " + entitlements.body());
    }

    private String agreementKey(Session buyer, long agreement, String name) {
        Response created = http.sessionJson(
                buyer,
                "POST",
                "/api/access/" + agreement + "/keys",
                "{\"name\":" + HttpAttacker.quote(name) + ",\"days\":1}",
                true);
        assertThat(created.ok())
                .as("%s makes a key for agreement %s: %s", buyer.username, agreement, created.body())
                .isTrue();
        return created.json().get("token").asString();
    }

    /** The registry's Parquet files and the clear values of its masked columns, as the operator reads them on disk. */
    private void readTheLake() throws Exception {
        try (Stream<Path> walk = Files.walk(dataDir.resolve("lake"))) {
            lakeFiles = walk.filter(p -> p.toString().endsWith(".parquet"))
                    .filter(p ->
                            p.toString().contains("ho-tich") || p.toString().contains("ho_tich"))
                    .sorted()
                    .toList();
        }
        assertThat(lakeFiles).as("the civil registry's files in the lake").isNotEmpty();
        // The latest version, the one the agreements deliver.
        String dataset = lakeFiles.get(0).getParent().getParent().getFileName().toString();
        clearLake = datasets.clear(
                datasets.latestVersion(dataset).orElseThrow(),
                Files.createTempDirectory(dataDir.getParent(), "access-attack-clear-")
                        .toAbsolutePath());
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement()) {
            // The subject: of the keyed-hash columns, the one holding 12-digit identity numbers (CCCD).
            long most = 0;
            for (Map.Entry<String, String> mask : masks.entrySet()) {
                if (!mask.getValue().equals("KEYED_HASH")) {
                    continue;
                }
                try (ResultSet rs =
                        statement.executeQuery("SELECT count(*) FROM " + lake() + " WHERE regexp_full_match(CAST("
                                + DuckDbConnections.identifier(mask.getKey()) + " AS VARCHAR), '[0-9]{12}')")) {
                    rs.next();
                    if (rs.getLong(1) > most) {
                        most = rs.getLong(1);
                        subjectColumn = mask.getKey();
                    }
                }
            }
            assertThat(subjectColumn)
                    .as("a keyed-hash column of identity numbers among %s", masks)
                    .isNotNull();
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + lake())) {
                rs.next();
                lakeRows = rs.getLong(1);
            }
            try (ResultSet rs = statement.executeQuery("SELECT DISTINCT CAST("
                    + DuckDbConnections.identifier(subjectColumn) + " AS VARCHAR) FROM " + lake() + " WHERE "
                    + DuckDbConnections.identifier(subjectColumn) + " IS NOT NULL ORDER BY 1")) {
                while (rs.next()) {
                    clearIds.add(rs.getString(1));
                }
            }
            for (Map.Entry<String, String> mask : masks.entrySet()) {
                if (!List.of("KEYED_HASH", "REDACT", "LAST4", "NULL").contains(mask.getValue())) {
                    continue;
                }
                String column = DuckDbConnections.identifier(mask.getKey());
                try (ResultSet rs = statement.executeQuery("SELECT DISTINCT CAST(" + column + " AS VARCHAR) FROM "
                        + lake() + " WHERE length(CAST(" + column + " AS VARCHAR)) >= 8 LIMIT 5000")) {
                    while (rs.next()) {
                        personal.add(rs.getString(1));
                    }
                }
            }
        }
        assertThat(clearIds).as("identity numbers in the registry").hasSizeGreaterThan(20);
    }

    private String lake() {
        return "read_parquet(["
                + clearLake.files().stream()
                        .map(p -> DuckDbConnections.literal(p.toString()))
                        .collect(Collectors.joining(", "))
                + "])";
    }

    @org.junit.jupiter.api.AfterAll
    void deleteTheClearCopy() {
        if (clearLake != null) {
            clearLake.close();
        }
    }

    // =================================================================================== 1

    @Test
    @Order(1)
    @DisplayName("1. SQL injection: stacked statements, other tables, files, network, settings, DDL")
    void injectionThroughTheSqlChannelIsRefusedAndRecorded() {
        String id = DuckDbConnections.identifier(subjectColumn);
        String raw = DuckDbConnections.literal(lakeFiles.get(0).toString());
        Response control = sql(bankKey, bankAgreement, "SELECT count(*) AS n FROM " + table);
        assertThat(control.status())
                .as("a plain count on the agreement's table: %s", control.body())
                .isEqualTo(200);

        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("stacked DROP", "SELECT count(*) FROM " + table + "; DROP TABLE " + table);
        attacks.put("stacked COPY", "SELECT 1; COPY " + table + " TO '/tmp/access-attack.csv'");
        attacks.put(
                "a second statement after a block comment",
                "SELECT count(*) FROM " + table + " /* harmless */; ATTACH ':memory:' AS other");
        attacks.put(
                "a second statement after a line comment",
                "SELECT count(*) FROM " + table + " -- harmless\n; SELECT * FROM duckdb_tables()");
        attacks.put(
                "a statement inside a comment that a naive splitter would run",
                "SELECT count(*) FROM " + table + " /*; */ ; SET enable_external_access = true");
        attacks.put(
                "UNION into duckdb_tables()",
                "SELECT " + id + " FROM " + table + " UNION ALL SELECT table_name FROM duckdb_tables()");
        attacks.put(
                "UNION into duckdb_columns()",
                "SELECT " + id + " FROM " + table + " UNION ALL SELECT column_name FROM duckdb_columns()");
        attacks.put(
                "UNION into information_schema",
                "SELECT " + id + " FROM " + table + " UNION ALL SELECT table_name FROM information_schema.tables");
        attacks.put(
                "UNION into pg_catalog",
                "SELECT " + id + " FROM " + table + " UNION ALL SELECT relname FROM pg_catalog.pg_class");
        attacks.put("sqlite_master", "SELECT * FROM sqlite_master");
        attacks.put("another dataset of the lake", "SELECT * FROM thue_nguoi_nop_thue");
        attacks.put("the session's hidden table", "SELECT * FROM __df_permitted_0");
        attacks.put("the session's hidden table, qualified", "SELECT * FROM memory.main.__df_permitted_0");
        attacks.put("the hidden clear-subject column", "SELECT __df_subject FROM " + table);
        attacks.put(
                "the hidden clear-subject column through a subquery",
                "SELECT (SELECT max(__df_subject) FROM " + table + ") AS v");
        attacks.put("the registry's raw file by its path", "SELECT * FROM " + raw);
        attacks.put("read_parquet of the raw file", "SELECT * FROM read_parquet(" + raw + ")");
        attacks.put("read_csv of /etc/passwd", "SELECT * FROM read_csv('/etc/passwd')");
        attacks.put("read_text of /etc/hostname", "SELECT content FROM read_text('/etc/hostname')");
        attacks.put("read_text as a quoted function name", "SELECT \"read_text\"('/etc/hostname')");
        attacks.put("glob over /etc", "SELECT * FROM glob('/etc/*')");
        attacks.put("read_parquet over http", "SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')");
        attacks.put("read_json over https", "SELECT * FROM read_json_auto('https://example.com/x.json')");
        attacks.put("query() of a text", "SELECT * FROM query('SELECT * FROM duckdb_settings()')");
        attacks.put(
                "a recursive CTE bomb",
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r");
        attacks.put(
                "a recursive CTE bomb with USING KEY",
                "WITH RECURSIVE r(n) USING KEY (n) AS (SELECT 1 UNION SELECT n + 1 FROM r) SELECT count(*) FROM r");
        attacks.put("SET", "SET enable_external_access = true");
        attacks.put("RESET", "RESET memory_limit");
        attacks.put("PRAGMA", "PRAGMA database_list");
        attacks.put("current_setting()", "SELECT current_setting('temp_directory') AS v");
        attacks.put("getenv()", "SELECT getenv('HOME') AS v");
        attacks.put("duckdb_settings()", "SELECT * FROM duckdb_settings()");
        attacks.put("a lambda calling getenv", "SELECT list_transform([1], x -> getenv('HOME')) AS v");
        attacks.put("COPY to a file", "COPY " + table + " TO '/tmp/access-attack.csv'");
        attacks.put("COPY from a file", "COPY " + table + " FROM '/etc/passwd'");
        attacks.put("EXPORT DATABASE", "EXPORT DATABASE '/tmp/access-attack'");
        attacks.put("ATTACH", "ATTACH '/tmp/access-attack.duckdb' AS other");
        attacks.put("INSTALL", "INSTALL httpfs");
        attacks.put("LOAD", "LOAD httpfs");
        attacks.put("CREATE TABLE AS", "CREATE TABLE copy AS SELECT * FROM " + table);
        attacks.put("CREATE MACRO", "CREATE MACRO leak() AS getenv('HOME')");
        attacks.put("DROP VIEW", "DROP VIEW " + table);
        attacks.put("INSERT", "INSERT INTO " + table + " SELECT * FROM " + table);
        attacks.put("UPDATE", "UPDATE " + table + " SET " + id + " = 'x'");
        attacks.put("DELETE", "DELETE FROM " + table);
        attacks.put("CALL", "CALL pragma_database_list()");
        attacks.put(
                "a clear identity number in a refused query",
                "SELECT * FROM " + table + " WHERE " + id + " = " + DuckDbConnections.literal(clearIds.get(0))
                        + " UNION ALL SELECT * FROM duckdb_tables()");

        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            expectRefusedAndRecorded(
                    violations,
                    "SQL: " + attack.getKey(),
                    bankUserId,
                    bankAgreement,
                    () -> sql(bankKey, bankAgreement, attack.getValue()));
        }
        // A non-recursive bomb: a cross join too large to finish must end by the statement limit, refused.
        String cross = Stream.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
                .map(alias -> table + " " + alias)
                .collect(Collectors.joining(", "));
        expectRefusedAndRecorded(
                violations,
                "SQL: a cross-join bomb",
                bankUserId,
                bankAgreement,
                () -> sql(bankKey, bankAgreement, "SELECT count(*) FROM " + cross));
        assertThat(violations)
                .as("attacks through the SQL channel that got through")
                .isEmpty();
    }

    // =================================================================================== 2

    @Test
    @Order(2)
    @DisplayName("2. Sandbox injection: only one aggregate SELECT on the one table, and refusals spend nothing")
    void injectionThroughTheSandboxIsRefusedAndRecordedAndSpendsNoBudget() {
        String id = DuckDbConnections.identifier(subjectColumn);
        String raw = DuckDbConnections.literal(lakeFiles.get(0).toString());
        BigDecimal spentBefore = spent(bankKey, bankAgreement);

        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("stacked DROP", "SELECT count(*) FROM " + table + "; DROP TABLE " + table);
        attacks.put(
                "a second statement after a comment",
                "SELECT count(*) FROM " + table + " /* ; */ ; SET enable_external_access = true");
        attacks.put(
                "a second statement after a line comment",
                "SELECT count(*) FROM " + table + " -- x\n; COPY " + table + " TO '/tmp/access-attack.csv'");
        attacks.put("duckdb_tables()", "SELECT count(*) FROM duckdb_tables()");
        attacks.put("information_schema", "SELECT count(*) FROM information_schema.tables");
        attacks.put("pg_catalog", "SELECT count(*) FROM pg_catalog.pg_class");
        attacks.put("another dataset", "SELECT count(*) FROM thue_nguoi_nop_thue");
        attacks.put(
                "UNION into duckdb_tables()",
                "SELECT count(*) FROM " + table + " UNION ALL SELECT count(*) FROM duckdb_tables()");
        attacks.put("the raw file by its path", "SELECT count(*) FROM " + raw);
        attacks.put("read_parquet of the raw file", "SELECT count(*) FROM read_parquet(" + raw + ")");
        attacks.put("read_csv of /etc/passwd", "SELECT count(*) FROM read_csv('/etc/passwd')");
        attacks.put("glob", "SELECT count(*) FROM glob('/etc/*')");
        attacks.put("read_text over http", "SELECT count(*) FROM read_text('http://127.0.0.1:9/x')");
        attacks.put("getenv in WHERE", "SELECT count(*) FROM " + table + " WHERE getenv('HOME') = '/root'");
        attacks.put(
                "current_setting in WHERE",
                "SELECT count(*) FROM " + table + " WHERE current_setting('threads') = '2'");
        attacks.put(
                "a subquery in WHERE",
                "SELECT count(*) FROM " + table + " WHERE " + id + " IN (SELECT " + id + " FROM " + table + ")");
        attacks.put(
                "a recursive CTE bomb",
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r");
        attacks.put("a self join", "SELECT count(*) FROM " + table + " a, " + table + " b");
        attacks.put("SET", "SET threads = 8");
        attacks.put("PRAGMA", "PRAGMA database_list");
        attacks.put("COPY", "COPY " + table + " TO '/tmp/access-attack.csv'");
        attacks.put("ATTACH", "ATTACH ':memory:' AS other");
        attacks.put("INSTALL", "INSTALL httpfs");
        attacks.put("LOAD", "LOAD httpfs");
        attacks.put("CREATE TABLE", "CREATE TABLE copy AS SELECT * FROM " + table);
        attacks.put("DELETE", "DELETE FROM " + table);
        attacks.put("rows instead of aggregates", "SELECT " + id + " FROM " + table);
        attacks.put("SELECT *", "SELECT * FROM " + table);
        attacks.put("max() of the identity number", "SELECT max(" + id + ") FROM " + table);
        attacks.put("string_agg of the identity numbers", "SELECT string_agg(" + id + ", ',') FROM " + table);
        attacks.put(
                "a clear identity number in a refused query",
                "SELECT count(*) FROM " + table + " WHERE " + id + " = " + DuckDbConnections.literal(clearIds.get(0))
                        + "; DROP TABLE " + table);

        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            expectRefusedAndRecorded(
                    violations,
                    "sandbox: " + attack.getKey(),
                    bankUserId,
                    bankAgreement,
                    () -> sandbox(bankKey, bankAgreement, attack.getValue()));
        }
        BigDecimal spentAfter = spent(bankKey, bankAgreement);
        if (spentAfter.compareTo(spentBefore) != 0) {
            violations.add("refused sandbox queries spent the budget: " + spentBefore + " ε before, " + spentAfter
                    + " ε after");
        }
        assertThat(violations)
                .as("attacks through the sandbox that got through")
                .isEmpty();
    }

    // =================================================================================== 3

    @Test
    @Order(3)
    @DisplayName("3. Columns and rows outside the contract: unknown columns, clear values, rows without consent")
    void columnsAndRowsOutsideTheContractAreNotDelivered() throws Exception {
        String id = DuckDbConnections.identifier(subjectColumn);
        List<String> violations = new ArrayList<>();

        expectRefusedAndRecorded(
                violations,
                "REST: a field not in the permitted view",
                bankUserId,
                bankAgreement,
                () -> http.bearer(bankKey, "GET", rowsPath(bankAgreement, "fields=__df_subject"), null));
        expectRefusedAndRecorded(
                violations,
                "REST: a filter on a column not in the permitted view",
                bankUserId,
                bankAgreement,
                () -> http.bearer(
                        bankKey,
                        "GET",
                        rowsPath(bankAgreement, "filter=" + HttpAttacker.encode("__df_subject:eq:" + clearIds.get(0))),
                        null));
        expectRefusedAndRecorded(
                violations,
                "SQL: a column not in the permitted view",
                bankUserId,
                bankAgreement,
                () -> sql(bankKey, bankAgreement, "SELECT record_id_clear FROM " + table));

        // Filters on the masked column with clear identity numbers: the view holds keyed hashes only.
        for (String clear : List.of(clearIds.get(0), clearIds.get(1), clearIds.get(clearIds.size() - 1))) {
            Response rest = http.bearer(
                    bankKey,
                    "GET",
                    rowsPath(bankAgreement, "filter=" + HttpAttacker.encode(subjectColumn + ":eq:" + clear)),
                    null);
            expectNoRows(violations, "REST: a filter on the masked identity number with a clear value", rest);
            for (String query : List.of(
                    "SELECT * FROM " + table + " WHERE " + id + " = " + DuckDbConnections.literal(clear),
                    "SELECT count(*) AS n FROM " + table + " WHERE " + id + " = " + DuckDbConnections.literal(clear)
                            + " HAVING count(*) > 0",
                    "SELECT * FROM " + table + " WHERE " + id + " LIKE " + DuckDbConnections.literal(clear + "%"))) {
                expectNoRows(
                        violations,
                        "SQL: a filter on the masked identity number with a clear value",
                        sql(bankKey, bankAgreement, query));
            }
        }

        // Every row delivered: keyed hashes only, no clear value, and only persons who consented.
        Response all = sql(bankKey, bankAgreement, "SELECT * FROM " + table);
        assertThat(all.status()).as("the buyer reads its view: %s", all.body()).isEqualTo(200);
        JsonNode rows = all.json().get("rows");
        assertThat(rows).as("the view holds the consenting persons' rows").isNotEmpty();
        if (containsAny(all.body(), personal)) {
            violations.add("SQL: SELECT * delivers a clear value of a masked column");
        }
        Set<String> hashes = new HashSet<>();
        for (JsonNode row : rows) {
            String hash = HttpAttacker.text(row, subjectColumn);
            if (hash != null && !hash.matches("[0-9a-f]{64}")) {
                violations.add("SQL: an identity number is delivered in another form than a keyed hash");
            }
            hashes.add(hash);
        }
        Response export =
                http.bearer(bankKey, "POST", "/api/access/" + bankAgreement + "/exports", "{\"format\":\"csv\"}");
        assertThat(export.status())
                .as("the buyer exports its view: %s", export.body())
                .isEqualTo(200);
        Response file = http.bearer(bankKey, "GET", HttpAttacker.text(export.json(), "url"), null);
        assertThat(file.status()).as("the buyer downloads its export").isEqualTo(200);
        if (containsAny(file.body(), personal)) {
            violations.add("export: the file holds a clear value of a masked column");
        }
        long consentingRows = rowsOfConsentingPersons();
        if (rows.size() != consentingRows) {
            violations.add("SQL: the view has " + rows.size() + " rows, the consenting persons have " + consentingRows
                    + " in the lake (of " + lakeRows + ")");
        }
        if (hashes.size() > consentingPersons().size()) {
            violations.add("SQL: the view names " + hashes.size() + " persons, only "
                    + consentingPersons().size() + " consented");
        }
        Response beyond = http.bearer(bankKey, "GET", rowsPath(bankAgreement, "offset=" + consentingRows), null);
        expectNoRows(violations, "REST: a page past the consenting persons' rows", beyond);
        assertThat(violations)
                .as("columns, clear values or rows outside the contract that got through")
                .isEmpty();
    }

    // =================================================================================== 4

    @Test
    @Order(4)
    @DisplayName("4. Two buyers' masked keys do not join, and neither reads the other's agreement")
    void maskedKeysOfTwoAgreementsAreDisjointAndAgreementsAreSeparate() {
        List<String> violations = new ArrayList<>();
        Map<String, Set<String>> bank = columnValues(bankKey, bankAgreement);
        Map<String, Set<String>> institute = columnValues(instituteKey, instituteAgreement);
        assertThat(bank.get(subjectColumn))
                .as("Sao Mai's masked identity numbers")
                .isNotEmpty();
        assertThat(institute.get(subjectColumn))
                .as("the institute's masked identity numbers")
                .isNotEmpty();
        Set<String> shared = new HashSet<>(bank.get(subjectColumn));
        shared.retainAll(institute.get(subjectColumn));
        if (!shared.isEmpty()) {
            violations.add(shared.size() + " keyed hashes of the identity number are the same in both agreements");
        }
        // Any other column with a value per person that both copies share is a join key between them.
        for (String column : columns) {
            Set<String> a = bank.getOrDefault(column, Set.of());
            Set<String> b = institute.getOrDefault(column, Set.of());
            Set<String> common = new HashSet<>(a);
            common.retainAll(b);
            if (a.size() >= bank.get(subjectColumn).size() && common.size() > 1 && !column.equals(subjectColumn)) {
                violations.add("column " + column + " (" + masks.getOrDefault(column, "NONE") + ") has " + common.size()
                        + " distinct per-row values common to both buyers' copies: a join key across agreements");
            }
        }

        expectRefusedAndRecorded(
                violations,
                "the institute's key on Sao Mai's agreement",
                instituteUserId,
                bankAgreement,
                () -> http.bearer(instituteKey, "GET", rowsPath(bankAgreement, "limit=5"), null));
        expectRefusedAndRecorded(
                violations,
                "Sao Mai's key on the institute's agreement (SQL)",
                bankUserId,
                instituteAgreement,
                () -> sql(bankKey, instituteAgreement, "SELECT * FROM " + table));
        Response signedIn =
                http.sessionJson(instituteAnalyst, "GET", "/api/access/" + bankAgreement + "/rows?limit=5", null, true);
        if (!signedIn.clientError() || containsAny(signedIn.body(), bank.get(subjectColumn))) {
            violations.add("the institute's analyst, signed in, reading Sao Mai's agreement: " + signedIn);
        }
        assertThat(violations).as("ways to join or cross two agreements").isEmpty();
    }

    // =================================================================================== 5

    @Test
    @Order(5)
    @DisplayName("5. Sandbox re-identification: groups of few persons are suppressed")
    void smallGroupsInTheSandboxAreSuppressed() {
        List<String> violations = new ArrayList<>();
        List<String> groupings = new ArrayList<>();
        groupings.add(subjectColumn);
        for (Map.Entry<String, String> mask : masks.entrySet()) {
            if (mask.getValue().equals("REDACT") || mask.getValue().equals("YEAR_ONLY")) {
                groupings.add(mask.getKey());
            }
        }
        for (String column : groupings.subList(0, Math.min(4, groupings.size()))) {
            String c = DuckDbConnections.identifier(column);
            Response answer = sandbox(
                    instituteKey, instituteAgreement, "SELECT " + c + ", count(*) FROM " + table + " GROUP BY " + c);
            if (!answer.ok()) {
                violations.add("grouping by " + column + " answered " + answer + " " + answer.body());
                continue;
            }
            // The institute's view holds a dozen consenting persons: far below the release threshold.
            JsonNode released = answer.json().get("rows");
            if (!released.isEmpty()) {
                violations.add("grouping by near-unique " + column + " released " + released.size() + " groups");
            }
            if (answer.json().get("epsilonSpent").decimalValue().signum() <= 0) {
                violations.add("grouping by " + column + " spent no budget");
            }
        }
        assertThat(violations).as("small groups the sandbox released").isEmpty();
    }

    // =================================================================================== 6

    @Test
    @Order(6)
    @DisplayName("6. Sandbox differencing: answers are noisy, each pays, and the budget runs out")
    void differencingAttacksAreNoisyAndTheBudgetRefusesOnceSpent() {
        String id = DuckDbConnections.identifier(subjectColumn);
        List<String> violations = new ArrayList<>();
        // The victim: one person of the institute's view, named by the institute's own keyed hash.
        Response victim = sql(instituteKey, instituteAgreement, "SELECT " + id + " AS v FROM " + table + " LIMIT 1");
        assertThat(victim.status())
                .as("the institute reads one keyed hash: %s", victim.body())
                .isEqualTo(200);
        String hash = HttpAttacker.text(victim.json().get("rows").get(0), "v");
        String all = "SELECT count(*) FROM " + table;
        String allButOne = all + " WHERE " + id + " <> " + DuckDbConnections.literal(hash);
        long exactDifference =
                count(instituteKey, instituteAgreement, all) - count(instituteKey, instituteAgreement, allButOne);
        assertThat(exactDifference).as("the victim has rows in the view").isPositive();

        List<Long> differences = new ArrayList<>();
        Set<Long> answers = new HashSet<>();
        BigDecimal left = remaining(instituteKey, instituteAgreement);
        Response refusal = null;
        for (int pair = 0; pair < 200 && refusal == null; pair++) {
            Long[] pairAnswers = new Long[2];
            for (int i = 0; i < 2 && refusal == null; i++) {
                Response answer = sandbox(instituteKey, instituteAgreement, i == 0 ? all : allButOne);
                if (answer.status() == 409) {
                    refusal = answer;
                    break;
                }
                if (!answer.ok()) {
                    violations.add("a differencing query answered " + answer + " " + answer.body());
                    refusal = answer;
                    break;
                }
                JsonNode json = answer.json();
                BigDecimal nowLeft = json.get("epsilonLeft").decimalValue();
                if (json.get("epsilonSpent").decimalValue().signum() <= 0 || nowLeft.compareTo(left) >= 0) {
                    violations.add("an answer did not spend the budget: " + left + " ε before, " + nowLeft + " after");
                }
                left = nowLeft;
                JsonNode rows = json.get("rows");
                if (!rows.isEmpty()) {
                    pairAnswers[i] = rows.get(0).get(0).asLong();
                    answers.add(pairAnswers[i]);
                }
            }
            if (pairAnswers[0] != null && pairAnswers[1] != null) {
                differences.add(pairAnswers[0] - pairAnswers[1]);
            }
        }
        if (refusal == null) {
            violations.add("the budget never ran out");
        } else {
            // The refusal that ended the loop was 409; the next one is checked in full, ledger entry included.
            expectRefusedAndRecorded(
                    violations,
                    "another query once the budget is spent",
                    instituteUserId,
                    instituteAgreement,
                    () -> sandbox(instituteKey, instituteAgreement, all));
        }
        assertThat(differences).as("differencing pairs that were answered").hasSizeGreaterThanOrEqualTo(3);
        if (differences.stream().allMatch(d -> d == exactDifference)) {
            violations.add("every one of " + differences.size()
                    + " differencing pairs revealed the victim's exact count " + exactDifference);
        }
        if (answers.size() < 2) {
            violations.add("all answers to the same counts were the same: no noise");
        }
        assertThat(violations).as("what a differencing attacker learned").isEmpty();
    }

    // =================================================================================== 7

    @Test
    @Order(7)
    @DisplayName("7. Export links: another organisation cannot use one, and one serves one download")
    void exportLinksServeTheirBuyerOnceAndNoOneElse() {
        List<String> violations = new ArrayList<>();
        Response export =
                http.bearer(bankKey, "POST", "/api/access/" + bankAgreement + "/exports", "{\"format\":\"csv\"}");
        assertThat(export.status()).as("Sao Mai exports: %s", export.body()).isEqualTo(200);
        String url = HttpAttacker.text(export.json(), "url");

        Response stolen = expectRefusedAndRecorded(
                violations,
                "Sao Mai's export link with the institute's key",
                instituteUserId,
                bankAgreement,
                () -> http.bearer(instituteKey, "GET", url, null));
        if (stolen.ok() || containsAny(stolen.body(), personal)) {
            violations.add("the institute downloaded Sao Mai's export");
        }
        Response stolenBySession = http.sessionJson(instituteAnalyst, "GET", url, null, true);
        if (!stolenBySession.clientError()) {
            violations.add("the institute's analyst, signed in, downloading Sao Mai's export: " + stolenBySession);
        }
        Response first = http.bearer(bankKey, "GET", url, null);
        if (first.status() != 200) {
            violations.add("after another organisation tried the link, its buyer's download answered " + first);
        }
        Response replayed = expectRefusedAndRecorded(
                violations,
                "the export link replayed",
                bankUserId,
                bankAgreement,
                () -> http.bearer(bankKey, "GET", url, null));
        if (replayed.status() != 410) {
            violations.add("the replayed export link answered " + replayed + ", not 410");
        }
        Response guessed = http.bearer(bankKey, "GET", "/api/access/exports/" + "A".repeat(43), null);
        if (!guessed.clientError()) {
            violations.add("a made-up export token answered " + guessed);
        }
        assertThat(violations)
                .as("export links that served the wrong person or twice")
                .isEmpty();
    }

    // =================================================================================== 8

    @Test
    @Order(8)
    @DisplayName("8. A terminated agreement is refused at once on every channel, its export links too")
    void aTerminatedAgreementIsRefusedOnEveryChannel() {
        long offer = http.sessionJson(bankAdmin, "GET", "/api/exchange/contracts/" + bankAgreement, null, true)
                .json()
                .path("contract")
                .path("offerId")
                .asLong();
        Response ordered = http.send(http.request("/api/exchange/orders")
                .header("Cookie", bankAdmin.cookieHeader())
                .header(bankAdmin.csrfHeader, bankAdmin.csrfToken)
                .header("Idempotency-Key", "access-attack-terminated")
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"offerId\":" + offer
                        + ",\"purpose\":\"df:creditScoring\",\"scenario\":\"Chấm điểm thử, sẽ chấm dứt\","
                        + "\"territory\":\"VN\"}")));
        assertThat(ordered.status())
                .as("Sao Mai orders a second agreement: %s", ordered.body())
                .isEqualTo(201);
        long agreement = ordered.json().get("id").asLong();
        if (!"FINALIZED".equals(HttpAttacker.text(ordered.json(), "state"))) {
            Session provider = http.signIn("hotich.dulieu", DemoData.PASSWORD);
            Response decided = http.sessionJson(
                    provider,
                    "POST",
                    "/api/exchange/contracts/" + agreement + "/decision",
                    "{\"approve\":true,\"reason\":\"Đồng ý để thử chấm dứt\"}",
                    true);
            assertThat(HttpAttacker.text(decided.json(), "state"))
                    .as("the provider approves: %s", decided.body())
                    .isEqualTo("FINALIZED");
        }
        String key = agreementKey(bankAdmin, agreement, "access-attack-terminated");
        Response before = http.bearer(key, "GET", rowsPath(agreement, "limit=5"), null);
        assertThat(before.status())
                .as("the new agreement delivers: %s", before.body())
                .isEqualTo(200);
        Response export = http.bearer(key, "POST", "/api/access/" + agreement + "/exports", "{\"format\":\"csv\"}");
        assertThat(export.status())
                .as("an export before termination: %s", export.body())
                .isEqualTo(200);
        String url = HttpAttacker.text(export.json(), "url");

        Response terminated = http.sessionJson(
                bankAdmin,
                "POST",
                "/api/exchange/contracts/" + agreement + "/termination",
                "{\"reason\":\"Kết thúc thử nghiệm tấn công\"}",
                true);
        assertThat(terminated.status())
                .as("Sao Mai terminates: %s", terminated.body())
                .isEqualTo(200);

        Map<String, Supplier<Response>> channels = new LinkedHashMap<>();
        channels.put("describe", () -> http.bearer(key, "GET", "/api/access/" + agreement, null));
        channels.put("REST rows", () -> http.bearer(key, "GET", rowsPath(agreement, "limit=5"), null));
        channels.put("SQL", () -> sql(key, agreement, "SELECT count(*) FROM " + table));
        channels.put(
                "export",
                () -> http.bearer(key, "POST", "/api/access/" + agreement + "/exports", "{\"format\":\"csv\"}"));
        channels.put("the export link handed out before", () -> http.bearer(key, "GET", url, null));
        channels.put("sandbox", () -> sandbox(key, agreement, "SELECT count(*) FROM " + table));
        channels.put(
                "sandbox budget", () -> http.bearer(key, "GET", "/api/access/" + agreement + "/sandbox/budget", null));
        channels.put(
                "a new key",
                () -> http.sessionJson(
                        bankAdmin, "POST", "/api/access/" + agreement + "/keys", "{\"name\":\"after the end\"}", true));
        channels.put(
                "the signed-in buyer's SQL",
                () -> http.sessionJson(
                        bankAdmin,
                        "POST",
                        "/api/access/" + agreement + "/query",
                        "{\"sql\":" + HttpAttacker.quote("SELECT count(*) FROM " + table) + "}",
                        true));
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Supplier<Response>> channel : channels.entrySet()) {
            Response answer = expectRefusedAndRecorded(
                    violations, "terminated agreement, " + channel.getKey(), bankUserId, agreement, channel.getValue());
            if (answer.status() != 409) {
                violations.add("terminated agreement, " + channel.getKey() + ": answered " + answer + ", not 409");
            }
        }
        Response stillOwn = http.bearer(bankKey, "GET", rowsPath(bankAgreement, "limit=1"), null);
        assertThat(stillOwn.status())
                .as("Sao Mai's other agreement still delivers")
                .isEqualTo(200);
        assertThat(violations)
                .as("channels of a terminated agreement that still answered")
                .isEmpty();
    }

    // =================================================================================== 9

    @Test
    @Order(9)
    @DisplayName("9. A query cannot hide from a citizen's \"who saw me\" that it read their row")
    void aQueryCannotHideFromTheAccessIndexWhomItRead() {
        String victim = consentingPersons().iterator().next();
        Session citizen = http.signIn(victim, DemoData.PASSWORD);
        String id = DuckDbConnections.identifier(subjectColumn);
        long all = count(bankKey, bankAgreement, "SELECT count(*) AS n FROM " + table);
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("a plain filter (the control)", "SELECT * FROM " + table + " WHERE " + id + " IS NOT NULL");
        // The view's whole row holds no clear identity number, so these filters keep every row, the victim's
        // too; evaluated where the clear id is at hand, they would leave the victim out of the access index.
        queries.put(
                "a filter on the whole row as text",
                "SELECT * FROM " + table + " WHERE CAST(" + table + " AS VARCHAR) NOT LIKE "
                        + DuckDbConnections.literal("%" + victim + "%"));
        queries.put(
                "a filter on the whole row under an alias, in a subquery",
                "SELECT * FROM " + table + " AS x WHERE NOT EXISTS (SELECT 1 WHERE contains(CAST(x AS VARCHAR), "
                        + DuckDbConnections.literal(victim) + "))");
        List<String> violations = new ArrayList<>();
        Map<String, Long> accessIds = new LinkedHashMap<>();
        for (Map.Entry<String, String> query : queries.entrySet()) {
            Response answer = sql(bankKey, bankAgreement, query.getValue());
            if (!answer.ok()) {
                continue; // refused outright: nothing was read
            }
            if (answer.json().get("rows").size() != all) {
                violations.add(query.getKey() + ": the filter did not keep every row, the premise fails");
            }
            accessIds.put(query.getKey(), answer.json().get("accessId").asLong());
        }
        awaitRelay();
        Response seen = http.sessionJson(citizen, "GET", "/api/me/accesses?size=100", null, true);
        assertThat(seen.status())
                .as("the citizen reads who saw them: %s", seen.body())
                .isEqualTo(200);
        // A delivery answers with the id of its access, the id the citizen's list shows.
        Set<Long> listed = new HashSet<>();
        seen.json().get("accesses").forEach(a -> listed.add(a.get("accessId").asLong()));
        assertThat(accessIds).as("the control query ran").containsKey("a plain filter (the control)");
        accessIds.forEach((label, accessId) -> {
            if (!listed.contains(accessId)) {
                violations.add(label + ": the victim's row was delivered, but their access list does not show it");
            }
        });
        assertThat(violations)
                .as("queries that read a person without the access index naming them")
                .isEmpty();
    }

    // =================================================================================== helpers

    private Response sql(String key, long agreement, String query) {
        return send(key, "POST", "/api/access/" + agreement + "/query", "{\"sql\":" + HttpAttacker.quote(query) + "}");
    }

    private Response sandbox(String key, long agreement, String query) {
        return send(
                key, "POST", "/api/access/" + agreement + "/sandbox", "{\"sql\":" + HttpAttacker.quote(query) + "}");
    }

    /** A bearer call the attacker gives up on after {@link #BOMB_PATIENCE}: a query that hangs is a finding. */
    private Response send(String key, String method, String path, String json) {
        HttpRequest.Builder request = http.request(path)
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
        try {
            return http.send(request, BOMB_PATIENCE);
        } catch (UncheckedIOException e) {
            return new Response(599, null, "no answer within " + BOMB_PATIENCE);
        }
    }

    private static String rowsPath(long agreement, String query) {
        return "/api/access/" + agreement + "/rows?" + query;
    }

    private long count(String key, long agreement, String query) {
        Response answer = sql(key, agreement, query);
        assertThat(answer.status()).as("%s: %s", query, answer.body()).isEqualTo(200);
        JsonNode row = answer.json().get("rows").get(0);
        return row.properties().iterator().next().getValue().asLong();
    }

    private BigDecimal spent(String key, long agreement) {
        Response budget = http.bearer(key, "GET", "/api/access/" + agreement + "/sandbox/budget", null);
        assertThat(budget.status()).as("the budget: %s", budget.body()).isEqualTo(200);
        return budget.json().get("spent").decimalValue();
    }

    private BigDecimal remaining(String key, long agreement) {
        Response budget = http.bearer(key, "GET", "/api/access/" + agreement + "/sandbox/budget", null);
        assertThat(budget.status()).as("the budget: %s", budget.body()).isEqualTo(200);
        return budget.json().get("remaining").decimalValue();
    }

    /** Every value of every column of the agreement's view, by column. */
    private Map<String, Set<String>> columnValues(String key, long agreement) {
        Response all = sql(key, agreement, "SELECT * FROM " + table);
        assertThat(all.status())
                .as("agreement %s's view: %s", agreement, all.body())
                .isEqualTo(200);
        Map<String, Set<String>> values = new LinkedHashMap<>();
        for (JsonNode row : all.json().get("rows")) {
            row.properties().forEach(field -> {
                if (!field.getValue().isNull()) {
                    values.computeIfAbsent(field.getKey(), k -> new HashSet<>())
                            .add(field.getValue().asString());
                }
            });
        }
        return values;
    }

    /**
     * The persons who consented to Sao Mai for credit scoring, as the demo made them: the registry's first
     * twelve identity numbers and the demo citizen (DemoDelivery).
     */
    private Set<String> consentingPersons() {
        Set<String> consenting = new LinkedHashSet<>();
        clearIds.stream().limit(12).filter(i -> i.matches("\\d{12}")).forEach(consenting::add);
        consenting.add(DemoData.CITIZEN);
        return consenting;
    }

    /**
     * The terms' row conditions as SQL over the clear lake ({@code AND …}), the values cast by DuckDB
     * to each column's type: the rows the buyer may receive at all.
     */
    private String soldRows() {
        Map<String, String> operators = Map.of("eq", "=", "ne", "<>", "lt", "<", "le", "<=", "gt", ">", "ge", ">=");
        StringBuilder sql = new StringBuilder();
        for (String filter : rowFilters) {
            String[] parts = filter.split(":", 3);
            String column = DuckDbConnections.identifier(parts[0]);
            sql.append(" AND ").append(column);
            if (parts[1].equals("in")) {
                sql.append(" IN (")
                        .append(Stream.of(parts[2].split("\\|"))
                                .map(DuckDbConnections::literal)
                                .collect(Collectors.joining(", ")))
                        .append(')');
            } else {
                sql.append(' ').append(operators.get(parts[1])).append(' ').append(DuckDbConnections.literal(parts[2]));
            }
        }
        return sql.toString();
    }

    private long rowsOfConsentingPersons() throws Exception {
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + lake() + " WHERE CAST("
                        + DuckDbConnections.identifier(subjectColumn) + " AS VARCHAR) IN ("
                        + consentingPersons().stream()
                                .map(DuckDbConnections::literal)
                                .collect(Collectors.joining(", "))
                        + ")" + soldRows())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void expectNoRows(List<String> violations, String label, Response answer) {
        if (answer.status() >= 500 || answer.status() == 599) {
            violations.add(label + ": answered " + answer);
        } else if (answer.ok()) {
            JsonNode rows = answer.json().get("rows");
            if (rows != null && !rows.isEmpty()) {
                violations.add(label + ": " + rows.size() + " rows delivered");
            }
            if (containsAny(answer.body(), personal)) {
                violations.add(label + ": a clear value reached the buyer");
            }
        }
    }

    /**
     * Runs the attack and checks its refusal: a client error whose problem says what is wrong, with no
     * stack trace and no clear personal value, and an {@code ACCESS_REFUSED} ledger entry by the attacker
     * on that agreement recorded after the attack started.
     */
    private Response expectRefusedAndRecorded(
            List<String> violations, String label, long attacker, long agreement, Supplier<Response> attack) {
        long before = latestLedgerIndex();
        Response answer = attack.get();
        if (answer.status() == 599) {
            violations.add(label + ": " + answer.body());
            return answer;
        }
        if (!answer.clientError()) {
            violations.add(label + ": answered " + answer + " " + abbreviated(answer.body()));
            return answer;
        }
        String detail = "";
        try {
            detail = HttpAttacker.text(answer.json(), "detail");
        } catch (RuntimeException notJson) {
            violations.add(label + ": the refusal is not a JSON problem");
        }
        if (detail == null || detail.strip().length() < 15) {
            violations.add(label + ": the refusal does not say what is wrong: " + abbreviated(answer.body()));
        }
        if (hasStackTrace(answer.body())) {
            violations.add(label + ": the refusal carries a stack trace");
        }
        if (containsAny(answer.body(), personal)) {
            violations.add(label + ": the refusal echoes a clear personal value");
        }
        if (!refusalRecorded(attacker, agreement, before)) {
            violations.add(label + ": no ACCESS_REFUSED entry names the attacker and agreement " + agreement);
        }
        return answer;
    }

    /** Whether an ACCESS_REFUSED event of {@code userId} on {@code agreement} is on the ledger after {@code after}. */
    private boolean refusalRecorded(long userId, long agreement, long after) {
        awaitRelay();
        for (JsonNode event : http.bearer(
                        operatorKey,
                        "GET",
                        "/api/audit/events?type=ACCESS_REFUSED&actorUserId=" + userId + "&limit=50",
                        null)
                .json()) {
            if (event.get("ledgerIndex").asLong() > after
                    && HttpAttacker.text(event, "summary").contains("agreement " + agreement + " ")) {
                return true;
            }
        }
        return false;
    }

    private long latestLedgerIndex() {
        awaitRelay();
        JsonNode events = http.bearer(operatorKey, "GET", "/api/audit/events?limit=1", null)
                .json();
        return events.isEmpty() ? -1 : events.get(0).get("ledgerIndex").asLong();
    }

    /** Waits for the audit relay: entries of refusals committed so far are then on the ledger and its index. */
    private void awaitRelay() {
        try {
            assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30)))
                    .as("the audit relay catches up")
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean containsAny(String text, Collection<String> needles) {
        return text != null && needles.stream().anyMatch(text::contains);
    }

    static boolean hasStackTrace(String body) {
        return AttackSuiteTest.hasStackTrace(body) || body.contains("SQLException") || body.contains("duckdb.");
    }

    private static String abbreviated(String body) {
        String oneLine = body.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "…" : oneLine;
    }
}
