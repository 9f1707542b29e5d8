package vn.datafloor.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static vn.datafloor.server.attack.PipelineAttempts.inline;
import static vn.datafloor.server.attack.PipelineAttempts.ref;
import static vn.datafloor.server.attack.PipelineAttempts.settings;
import static vn.datafloor.server.attack.PipelineAttempts.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import vn.datafloor.server.attack.HttpAttacker.Response;
import vn.datafloor.server.attack.HttpAttacker.Session;
import vn.datafloor.server.attack.PipelineAttempts.Attempt;
import vn.datafloor.server.attack.PipelineAttempts.NewSource;
import vn.datafloor.server.demo.DemoData;

/**
 * Attacks on a real running platform over real HTTP, one test per finding. The attacker is an
 * ordinary data steward of a demo agency (Sở Y tế Hà Nội's {@code yte.dulieu}) unless a test says
 * otherwise; it signs in through the real form, mints API keys through the API, and sees only what
 * an HTTP client sees — plus, where a test must know whether a file was read or written, the data
 * directory on disk, as the operator would.
 *
 * <p>Each test asserts the secure behaviour: a test fails when the attack reaches anything. A test
 * that tries several variants collects every variant that got through and reports them together,
 * without echoing secrets or personal values in its messages.
 *
 * <p>One server for the whole suite (one Spring context, all sessions and keys opened before the
 * first test); the tests run in a fixed order because two of them leave the client address throttled
 * for a minute (sign-in and downloads) and the last one sends decompression bombs. One class, no
 * nested classes: surefire's report counts the tests of a class with nested classes as zero, and CI
 * refuses a suite that reports no test.
 */
@Tag("attack")
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"datafloor.demo=true", "datafloor.demo.people=2000", "datafloor.ledger.checkpoint-interval=PT12H"
        })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackSuiteTest {

    private static Path dataDir;
    private static Path scratch;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) throws IOException {
        Path parent = Files.createDirectories(Path.of("target", "test-data"));
        dataDir = Files.createTempDirectory(parent, "attack-").toAbsolutePath();
        scratch = Files.createTempDirectory(parent, "attack-scratch-").toAbsolutePath();
        registry.add("datafloor.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    HttpAttacker http;
    PipelineAttempts pipelines;
    /** The attacker: a data steward of Sở Y tế Hà Nội. */
    Session steward;

    String stewardKey;
    /** A second attacker for the ledger test: a data steward of Cục Thuế tỉnh Bắc Ninh. */
    Session taxSteward;

    String taxStewardKey;
    /** Cục Thuế's administrator, whose password the weak-password test tries to change. */
    Session taxAdmin;

    String operatorKey;
    String auditorKey;
    /** A steward of another agency (Sở Tư pháp Hà Nội). */
    String otherStewardKey;

    final Map<String, JsonNode> users = new HashMap<>();

    @BeforeAll
    void attackers() {
        http = new HttpAttacker("http://127.0.0.1:" + port);
        pipelines = new PipelineAttempts(http, dataDir);
        // Every session is opened here, before any test throttles sign-ins from this address.
        Session operator = http.signIn("admin", DemoData.PASSWORD);
        operatorKey = http.mintKey(operator, "attack-suite-operator", "audit:read", "users:read");
        steward = http.signIn("yte.dulieu", DemoData.PASSWORD);
        stewardKey =
                http.mintKey(steward, "attack-suite-steward", "pipelines:read", "pipelines:write", "catalog:write");
        taxSteward = http.signIn("thue.dulieu", DemoData.PASSWORD);
        taxStewardKey = http.mintKey(taxSteward, "attack-suite-tax-steward", "pipelines:read", "pipelines:write");
        taxAdmin = http.signIn("thue.admin", DemoData.PASSWORD);
        auditorKey = http.mintKey(http.signIn("kiemtoan", DemoData.PASSWORD), "attack-suite-auditor", "pipelines:read");
        otherStewardKey =
                http.mintKey(http.signIn("hotich.dulieu", DemoData.PASSWORD), "attack-suite-other", "pipelines:read");
        Response list = http.bearer(operatorKey, "GET", "/api/users", null);
        assertThat(list.status()).as("the operator lists users").isEqualTo(200);
        for (JsonNode user : list.json()) {
            users.put(HttpAttacker.text(user, "username"), user);
        }
    }

    // =================================================================================== A

    @Test
    @Order(1)
    @DisplayName("A. A DuckDB source reads its own file and nothing else")
    void aDuckDbSourceQueryCannotReadOrWriteOutsideItsOwnFile() throws Exception {
        Path agencyDb = inboxOf("yte.dulieu").resolve("attack").resolve("agency.duckdb");
        createAgencyDatabase(agencyDb);

        // The channel works: a query on the agency's own table runs and publishes.
        Attempt control = pipelines.attempt(
                stewardKey,
                "benign query",
                duckDbSource("attack-a-control", "SELECT * FROM people"),
                spec("attack-a-control", ref("attack-a-control"), "attack-a-control", Map.of("v", "v")));
        assertThat(control.refused())
                .as("a benign query on the agency's own table is accepted: %s", control.outcome())
                .isFalse();
        assertThat(control.runStatus())
                .as("a benign query on the agency's own table runs: %s", control.outcome())
                .isEqualTo("SUCCEEDED");
        assertThat(pipelines.published("attack-a-control")).isTrue();

        Path keyFile = dataDir.resolve("keys").resolve("secrets.keyset.json");
        List<String> keyText = distinctiveTokens(Files.readString(keyFile));
        assertThat(keyText)
                .as("the secrets keyset has key material to look for")
                .isNotEmpty();
        List<String> passwd = Files.readAllLines(Path.of("/etc/passwd")).stream()
                .filter(line -> line.length() >= 10)
                .toList();
        Path otherAgencysParquet = anotherOrganisationsParquet();
        Path copyTarget = scratch.resolve("a-copy-" + UUID.randomUUID() + ".csv");

        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put(
                "read_text of the platform's secrets keyset",
                "SELECT content AS v FROM read_text(" + sql(keyFile) + ")");
        attacks.put(
                "read_parquet of another organisation's dataset",
                "SELECT CAST(count(*) AS VARCHAR) AS v FROM read_parquet(" + sql(otherAgencysParquet) + ")");
        attacks.put(
                "read_csv_auto of /etc/passwd",
                "SELECT column0 AS v FROM read_csv_auto('/etc/passwd', header = false)");
        attacks.put("glob over the file system", "SELECT file AS v FROM glob('/etc/*')");
        attacks.put("COPY to a file outside", "COPY (SELECT 42 AS v) TO " + sql(copyTarget));

        List<String> violations = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, String> attack : attacks.entrySet()) {
            String name = "attack-a-" + ++n;
            Attempt attempt = pipelines.attempt(
                    stewardKey,
                    attack.getKey(),
                    duckDbSource(name, attack.getValue()),
                    spec(name, ref(name), name, Map.of("v", "v")));
            expectNothingReached(violations, attempt, name);
            String published = pipelines.publishedText(name);
            if (containsAny(attempt.everything(), keyText) || containsAny(published, keyText)) {
                violations.add(attack.getKey() + ": text of keys/secrets.keyset.json reached the attacker");
            }
            if (containsAny(attempt.everything(), passwd) || containsAny(published, passwd)) {
                violations.add(attack.getKey() + ": lines of /etc/passwd reached the attacker");
            }
            if (published.contains("/etc/")) {
                violations.add(attack.getKey() + ": the published dataset lists files of /etc");
            }
        }
        if (Files.exists(copyTarget)) {
            violations.add("COPY to a file outside: " + copyTarget + " was written");
        }
        assertThat(violations)
                .as("attacks through a DuckDB source's query that got through")
                .isEmpty();
    }

    // =================================================================================== B

    @Test
    @Order(2)
    @DisplayName("B. Pipelines and sources cannot name embedded or code-loading databases")
    void embeddedAndCodeLoadingDatabaseUrlsAreRefusedWhereverTheyAppear() {
        List<String> violations = new ArrayList<>();
        String userHome = System.getProperty("user.home");
        Path controlDb = dataDir.resolve("db").resolve("datafloor");
        Map<String, Map<String, String>> inlineSources = new LinkedHashMap<>();
        inlineSources.put(
                "H2 in memory whose INIT makes a Java method callable",
                settings(
                        "type",
                        "jdbc",
                        "url",
                        "jdbc:h2:mem:attack;INIT=CREATE ALIAS P FOR 'java.lang.System.getProperty'",
                        "query",
                        "SELECT P('user.home') AS v"));
        inlineSources.put(
                "the platform's own control database",
                settings(
                        "type",
                        "jdbc",
                        "url",
                        "jdbc:h2:file:" + controlDb,
                        "user",
                        "datafloor",
                        "query",
                        "SELECT username AS v FROM app_user"));
        inlineSources.put(
                "the platform's own control database, with the server's own settings",
                settings(
                        "type",
                        "jdbc",
                        "url",
                        "jdbc:h2:file:" + controlDb
                                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE",
                        "user",
                        "datafloor",
                        "query",
                        "SELECT username AS v FROM app_user"));

        int n = 0;
        for (Map.Entry<String, Map<String, String>> source : inlineSources.entrySet()) {
            String label = source.getKey();
            String name = "attack-b-" + ++n;
            String spec = spec(name, inline(source.getValue()), name, Map.of("v", "v"));
            expectValidationNamesTheUrl(violations, label, spec);
            Attempt attempt = pipelines.attempt(stewardKey, label, null, spec);
            if (!attempt.refused()) {
                violations.add(label + ": the pipeline was saved and run");
            } else if (attempt.refusedCleanly()
                    && !attempt.refusal().body().toLowerCase(Locale.ROOT).contains("url")) {
                violations.add(label + ": the refusal does not name the source url");
            }
            expectNothingReached(violations, attempt, name);
            String published = pipelines.publishedText(name);
            if (attempt.everything().contains(userHome) || published.contains(userHome)) {
                violations.add(label + ": a Java system property (user.home) reached the attacker");
            }
            if (published.contains("yte.dulieu") || attempt.everything().contains("kiemtoan")) {
                violations.add(label + ": login names from the control database reached the attacker");
            }
            Response registered = http.bearer(
                    stewardKey,
                    "POST",
                    "/api/sources",
                    PipelineAttempts.registration(new NewSource(
                            name + "-registered",
                            "jdbc",
                            settings(
                                    "url",
                                    source.getValue().get("url"),
                                    "query",
                                    source.getValue().get("query")))));
            if (!registered.clientError()) {
                violations.add(label + ": registering a source with this url answered " + registered);
            }
        }

        List<String> codeLoadingUrls = List.of(
                "jdbc:postgresql://127.0.0.1:5432/datafloor?socketFactory=org.springframework.context.support."
                        + "ClassPathXmlApplicationContext&socketFactoryArg=http://127.0.0.1:9/evil.xml",
                "jdbc:postgresql://127.0.0.1:5432/datafloor?sslfactory=org.springframework.context.support."
                        + "FileSystemXmlApplicationContext&sslfactoryarg=/tmp/evil.xml",
                "jdbc:postgresql://127.0.0.1:5432/datafloor?loggerLevel=DEBUG&loggerFile=" + scratch.resolve("pg.log"));
        for (String url : codeLoadingUrls) {
            String parameter = url.substring(url.indexOf('?') + 1).split("=")[0];
            String name = "attack-b-" + ++n;
            Response registered = http.bearer(
                    stewardKey,
                    "POST",
                    "/api/sources",
                    PipelineAttempts.registration(
                            new NewSource(name, "jdbc", settings("url", url, "query", "SELECT 1 AS v"))));
            if (!registered.clientError()) {
                violations.add("PostgreSQL url with " + parameter + "=: registering the source answered " + registered);
            }
            // Saved only, never run: the check belongs at the door.
            Response saved = http.bearer(
                    stewardKey,
                    "POST",
                    "/api/pipelines",
                    "{\"spec\":"
                            + HttpAttacker.quote(spec(
                                    name,
                                    inline(settings("type", "jdbc", "url", url, "query", "SELECT 1 AS v")),
                                    name,
                                    Map.of("v", "v")))
                            + "}");
            if (!saved.clientError()) {
                violations.add("PostgreSQL url with " + parameter + "= inline in a spec: saving answered " + saved);
            }
        }
        assertThat(violations).as("database urls that got through").isEmpty();
    }

    private void expectValidationNamesTheUrl(List<String> violations, String label, String spec) {
        Response checked = http.bearer(
                stewardKey, "POST", "/api/pipelines/validation", "{\"spec\":" + HttpAttacker.quote(spec) + "}");
        if (checked.status() >= 500) {
            violations.add(label + ": validation failed with " + checked);
        } else if (checked.ok()) {
            List<String> problems = new ArrayList<>();
            checked.json().forEach(problem -> problems.add(problem.toString()));
            if (problems.isEmpty()) {
                violations.add(label + ": validation found nothing wrong with the spec");
            } else if (problems.stream()
                    .noneMatch(p -> p.toLowerCase(Locale.ROOT).contains("url"))) {
                violations.add(label + ": validation's problems do not name the source url");
            }
        }
    }

    // =================================================================================== C

    @Test
    @Order(3)
    @DisplayName("C. Pipeline expressions cannot escape into statements, files or settings")
    void expressionsThatSmuggleQueriesFilesOrSettingsAreRefused() throws Exception {
        NewSource csv = new NewSource("attack-c-src", "csv", settings("encoding", "utf-8"));
        uploadSourceFile(csv, "nguoi.csv", "ma,ho_ten\n1,An\n2,Bình\n".getBytes(StandardCharsets.UTF_8));
        Path copyTarget = scratch.resolve("c-copy-" + UUID.randomUUID() + ".csv");
        String hostname = hostname();

        Map<String, String> variants = new LinkedHashMap<>();
        // A naive tokenizer reads E'\'' as the start of a literal that runs on; DuckDB reads a one-quote string.
        variants.put(
                "escape-string literal hiding a subquery",
                "E'\\'' || (SELECT content FROM read_text('/etc/hostname')) || ''");
        variants.put(
                "escape-string literal, dollar-quoted path, quotes re-balanced in a comment",
                "E'\\'' || (SELECT $$LEAK<$$ || content || $$>$$ FROM read_text($$/etc/hostname$$)) /*'*/");
        variants.put(
                "escape-string literal, re-balanced in a line comment",
                "E'\\'' || (SELECT $$LEAK<$$ || content || $$>$$ FROM read_text($$/etc/hostname$$)) --'\n || ''");
        variants.put(
                "escape-string literal hiding a COPY statement",
                "E'\\'' AS x; COPY (SELECT 42) TO $$" + copyTarget + "$$; SELECT 1 /*'*/");
        variants.put(
                "escape-string literal hiding a table function",
                "E'\\'' || (SELECT $$LEAK<$$ || string_agg(file, $$,$$) || $$>$$ FROM glob($$/etc/*$$)) /*'*/");
        variants.put(
                "a subquery beside a comment",
                "ma || /* a comment */ (SELECT content FROM read_text('/etc/hostname'))");
        variants.put("read_text called directly", "read_text('/etc/hostname')");
        variants.put("read_text by its quoted name", "\"read_text\"('/etc/hostname')");
        variants.put("getenv", "getenv('HOME')");
        variants.put("getenv by its quoted name", "\"getenv\"('HOME')");
        variants.put("current_setting by its quoted name", "\"current_setting\"('temp_directory')");
        variants.put("a subquery", "(SELECT 1)");
        variants.put("a table function in a subquery", "(SELECT count(*) FROM glob('/etc/*'))");

        List<String> violations = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, String> variant : variants.entrySet()) {
            String label = variant.getKey();
            String name = "attack-c-" + ++n;
            String spec = spec(name, ref(csv.name()), name, linked("id", "ma", "v", variant.getValue()));
            Response checked = http.bearer(
                    stewardKey, "POST", "/api/pipelines/validation", "{\"spec\":" + HttpAttacker.quote(spec) + "}");
            if (checked.status() >= 500) {
                violations.add(label + ": validation failed with " + checked);
            } else if (checked.ok() && checked.json().isEmpty()) {
                violations.add(label + ": validation found nothing wrong");
            }
            Attempt attempt = pipelines.attempt(stewardKey, label, null, spec);
            if (!attempt.refusedCleanly()) {
                violations.add(label + ": saving answered "
                        + (attempt.refused() ? attempt.refusal() : "2xx, and it ran: " + attempt.runStatus()));
            }
            expectNothingReached(violations, attempt, name);
            String published = pipelines.publishedText(name);
            String seen = attempt.everything();
            if (seen.contains("LEAK<")
                    || published.contains("LEAK<")
                    || (hostname.length() >= 2 && published.contains(hostname))
                    || (hostname.length() >= 6 && seen.contains(hostname))) {
                violations.add(label + ": the server's host name (/etc/hostname) reached the attacker");
            }
            if (published.contains(dataDir.toString()) || published.contains("/etc/")) {
                violations.add(label + ": server paths reached the published dataset");
            }
        }
        if (Files.exists(copyTarget)) {
            violations.add("escape-string literal hiding a COPY statement: " + copyTarget + " was written");
        }
        assertThat(violations).as("expressions that got through the allow-list").isEmpty();
    }

    // =================================================================================== D

    @Test
    @Order(4)
    @DisplayName("D. HTTP sources cannot reach the platform's own network")
    void httpSourcesCannotReachLoopbackLinkLocalOrInternalAddresses() throws Exception {
        try (Canary canary = new Canary()) {
            int port = canary.port();
            int closed = Canary.closedPort();
            Map<String, String> urls = new LinkedHashMap<>();
            urls.put("loopback", "http://127.0.0.1:" + port + "/x");
            urls.put("localhost", "http://localhost:" + port + "/x");
            urls.put("IPv6 loopback", "http://[::1]:" + port + "/x");
            urls.put("cloud metadata (link-local)", "http://169.254.169.254/latest/meta-data/");
            urls.put("the unspecified address", "http://0.0.0.0:" + port + "/");
            urls.put("loopback written as one decimal number", "http://2130706433:" + port + "/");
            urls.put("loopback, a closed port", "http://127.0.0.1:" + closed + "/x");

            List<String> violations = new ArrayList<>();
            Map<String, Attempt> attempts = new LinkedHashMap<>();
            int n = 0;
            for (Map.Entry<String, String> url : urls.entrySet()) {
                String name = "attack-d-" + ++n;
                Attempt attempt = pipelines.attempt(
                        stewardKey,
                        url.getKey(),
                        new NewSource(name, "http", settings("url", url.getValue(), "timeout_seconds", "3")),
                        spec(name, ref(name), name, Map.of("canary", "canary")));
                attempts.put(url.getKey(), attempt);
                expectNothingReached(violations, attempt, name);
            }
            String inlineName = "attack-d-inline";
            Attempt inlineAttempt = pipelines.attempt(
                    stewardKey,
                    "loopback, inline in the spec",
                    null,
                    spec(
                            inlineName,
                            inline(settings(
                                    "type",
                                    "http",
                                    "url",
                                    "http://127.0.0.1:" + port + "/inline",
                                    "timeout_seconds",
                                    "3")),
                            inlineName,
                            Map.of("canary", "canary")));
            expectNothingReached(violations, inlineAttempt, inlineName);

            if (!canary.requests().isEmpty()) {
                violations.add("the canary on the loopback interface received "
                        + canary.requests().size() + " request(s): " + canary.requests());
            }
            String open = normalise(attempts.get("loopback").outcome(), port, closed);
            String shut = normalise(attempts.get("loopback, a closed port").outcome(), port, closed);
            if (!open.equals(shut)) {
                violations.add("an open and a closed port answer differently (a port scanner): open → [" + open
                        + "], closed → [" + shut + "]");
            }
            assertThat(violations)
                    .as("requests to internal addresses that got through")
                    .isEmpty();
        }
    }

    private String normalise(String outcome, int open, int closed) {
        return outcome.replace(Integer.toString(open), "PORT")
                .replace(Integer.toString(closed), "PORT")
                .replaceAll("attack-d-\\d+", "SOURCE")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "RUN")
                .replaceAll("reference [0-9a-f]+", "reference REF");
    }

    // =================================================================================== E

    @Test
    @Order(5)
    @DisplayName("E. A failed run tells nobody the values of the rows it failed on")
    void aRunFailingOnAValueNeverEchoesItAndOutsidersCannotReadTheError() {
        List<String> personal = List.of("001203004567", "001090023456", "Nguyễn Thị Minh Khai", "Trần Văn Bình");
        NewSource csv = new NewSource("attack-e-src", "csv", settings("encoding", "utf-8"));
        uploadSourceFile(
                csv,
                "cong-dan.csv",
                ("ma,ho_ten,so_cccd\n1," + personal.get(2) + "," + personal.get(0) + "\n2," + personal.get(3) + ","
                                + personal.get(1) + "\n")
                        .getBytes(StandardCharsets.UTF_8));

        Map<String, Map<String, String>> castings = new LinkedHashMap<>();
        castings.put("an identity number cast to a date", linked("id", "ma", "born", "CAST(so_cccd AS DATE)"));
        castings.put("a name cast to a number", linked("id", "ma", "n", "CAST(ho_ten AS INTEGER)"));

        List<String> violations = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, Map<String, String>> casting : castings.entrySet()) {
            String label = casting.getKey();
            String name = "attack-e-" + ++n;
            Attempt attempt =
                    pipelines.attempt(stewardKey, label, null, spec(name, ref(csv.name()), name, casting.getValue()));
            assertThat(attempt.refused())
                    .as(
                            "%s: a legitimate cast is accepted and runs (%s)",
                            label, attempt.refused() ? attempt.refusedAt() + " " + attempt.refusal() : "ran")
                    .isFalse();
            if (!"FAILED".equals(attempt.runStatus())) {
                violations.add(label + ": the run did not fail but ended " + attempt.runStatus());
            }
            if (pipelines.published(name)) {
                violations.add(label + ": a version was published");
            }
            if (containsAny(attempt.runError(), personal) || containsAny(attempt.log(), personal)) {
                violations.add(label + ": the run's error or log repeats a value of the file");
            }
            String runId = HttpAttacker.text(attempt.run(), "id");
            long pipelineId = attempt.run().get("pipelineId").asLong();
            for (Map.Entry<String, String> outsider : Map.of(
                            "the operator's auditor", auditorKey, "another agency's steward", otherStewardKey)
                    .entrySet()) {
                for (String path : List.of(
                        "/api/runs/" + runId, "/api/runs/" + runId + "/log", "/api/runs?pipelineId=" + pipelineId)) {
                    Response seen = http.bearer(outsider.getValue(), "GET", path, null);
                    if (seen.status() >= 500) {
                        violations.add(label + ": " + outsider.getKey() + " reading " + path + " got " + seen);
                    } else if (seen.ok() && containsAny(seen.body(), personal)) {
                        violations.add(label + ": " + outsider.getKey() + " reads a value of the file at " + path);
                    }
                }
            }
        }
        assertThat(violations)
                .as("personal values that reached a run's error, log or outsiders")
                .isEmpty();
    }

    // =================================================================================== I

    @Test
    @Order(6)
    @DisplayName("I. Deeply nested searches are refused, not a crash")
    void deeplyNestedQueriesAnswerAClientErrorWithoutAStackTrace() {
        String huge = nested(20_000);
        // Deep enough to hurt a recursive parser, short enough to pass the server's 8 KB request-line limit.
        String fitting = nested(3_000);
        List<String> violations = new ArrayList<>();

        for (String parameter : List.of("q", "fq")) {
            expectCkanClientError(
                    violations,
                    "GET package_search " + parameter + " nested 20,000 deep",
                    http.get("/api/3/action/package_search?" + parameter + "=" + huge),
                    false);
            expectCkanClientError(
                    violations,
                    "GET package_search " + parameter + " nested 3,000 deep",
                    http.get("/api/3/action/package_search?" + parameter + "=" + fitting),
                    true);
            expectCkanClientError(
                    violations,
                    "POST package_search " + parameter + " nested 20,000 deep",
                    http.postJson(
                            "/api/3/action/package_search", "{\"" + parameter + "\":" + HttpAttacker.quote(huge) + "}"),
                    true);
        }
        Response page = http.get("/catalog?q=" + huge);
        if (!page.clientError() || hasStackTrace(page.body())) {
            violations.add("GET /catalog?q= nested 20,000 deep answered " + page
                    + (hasStackTrace(page.body()) ? " with a stack trace" : ""));
        }
        Response fittingPage = http.get("/catalog?q=" + fitting);
        if (fittingPage.status() >= 500 || hasStackTrace(fittingPage.body())) {
            violations.add("GET /catalog?q= nested 3,000 deep answered " + fittingPage
                    + (hasStackTrace(fittingPage.body()) ? " with a stack trace" : ""));
        }
        assertThat(violations).as("nested searches that broke the server").isEmpty();
    }

    private String nested(int depth) {
        return "(".repeat(depth) + "x" + ")".repeat(depth);
    }

    private void expectCkanClientError(List<String> violations, String label, Response answer, boolean envelope) {
        if (!answer.clientError()) {
            violations.add(label + ": answered " + answer);
        }
        if (hasStackTrace(answer.body())) {
            violations.add(label + ": the answer holds a stack trace");
        }
        if (envelope && answer.clientError()) {
            try {
                JsonNode json = answer.json();
                if (!json.has("success") || json.get("success").asBoolean()) {
                    violations.add(label + ": the answer is not CKAN's error envelope");
                }
            } catch (RuntimeException notJson) {
                violations.add(label + ": the answer is not CKAN's JSON error envelope");
            }
        }
    }

    // =================================================================================== J

    @Test
    @Order(7)
    @DisplayName("J. The CSRF token counts only in the header, never in the query string")
    void aCsrfTokenInTheQueryStringIsRefused() {
        String body = "{\"name\":\"attack-j\",\"scopes\":[\"pipelines:read\"],\"days\":1}";
        Response viaQuery = http.sessionJson(
                steward, "POST", "/api/api-keys?_csrf=" + HttpAttacker.encode(steward.csrfToken), body, false);
        Response viaHeader = http.sessionJson(steward, "POST", "/api/api-keys", body, true);
        assertThat(viaHeader.status())
                .as("positive control: the token in the header is accepted")
                .isEqualTo(201);
        assertThat(viaQuery.status())
                .as("the token in the query string of a JSON call")
                .isEqualTo(403);
    }

    // =================================================================================== K

    @Test
    @Order(8)
    @DisplayName("K. Weak passwords are refused; anonymous calls get 401 problem details")
    void weakOrUnchangedPasswordsAreRefusedAndAnonymousWritesAnswer401() {
        List<String> violations = new ArrayList<>();
        Response weak = changePassword(DemoData.PASSWORD, "qwertyuiopasdf");
        if (!weak.clientError()) {
            violations.add("changing the password to qwertyuiopasdf answered " + weak);
            changePassword("qwertyuiopasdf", DemoData.PASSWORD); // put it back for whoever comes next
        }
        Response same = changePassword(DemoData.PASSWORD, DemoData.PASSWORD);
        if (!same.clientError()) {
            violations.add("changing the password to the current one answered " + same);
        }
        for (String path : List.of("/api/api-keys", "/api/sources")) {
            Response anonymous =
                    http.postJson(path, "{\"name\":\"x\",\"type\":\"csv\",\"scopes\":[\"pipelines:read\"]}");
            if (anonymous.status() != 401 || !anonymous.contentType().startsWith("application/problem+json")) {
                violations.add("anonymous POST " + path + " answered " + anonymous + " (" + anonymous.contentType()
                        + "), not 401 problem+json");
            }
        }
        assertThat(violations).isEmpty();
    }

    private Response changePassword(String current, String next) {
        return http.sessionJson(
                taxAdmin,
                "POST",
                "/api/me/password",
                "{\"currentPassword\":" + HttpAttacker.quote(current) + ",\"newPassword\":" + HttpAttacker.quote(next)
                        + "}",
                true);
    }

    // =================================================================================== L

    @Test
    @Order(9)
    @DisplayName("L. Refused attacks by a signed-in person leave security events on the ledger")
    void eachRefusedAttackLeavesASecurityEventForItsAuthor() throws Exception {
        long attacker = users.get("thue.dulieu").get("id").asLong();
        Path agencyDb = inboxOf("thue.dulieu").resolve("attack").resolve("agency.duckdb");
        createAgencyDatabase(agencyDb);
        List<String> violations = new ArrayList<>();
        try (Canary canary = new Canary()) {
            // Each attack says whether a run ended: refusals inside a run may reach the ledger just after it ends.
            Map<String, java.util.function.BooleanSupplier> attacks = new LinkedHashMap<>();
            attacks.put(
                    "A. a DuckDB source reading /etc/passwd",
                    () -> ran(pipelines.attempt(
                            taxStewardKey,
                            "A",
                            duckDbSource("attack-l-a", "SELECT content AS v FROM read_text('/etc/passwd')"),
                            spec("attack-l-a", ref("attack-l-a"), "attack-l-a", Map.of("v", "v")))));
            attacks.put(
                    "B. an inline H2 database",
                    () -> ran(pipelines.attempt(
                            taxStewardKey,
                            "B",
                            null,
                            spec(
                                    "attack-l-b",
                                    inline(settings(
                                            "type",
                                            "jdbc",
                                            "url",
                                            "jdbc:h2:mem:attack;INIT=CREATE ALIAS P FOR 'java.lang.System.getProperty'",
                                            "query",
                                            "SELECT P('user.home') AS v")),
                                    "attack-l-b",
                                    Map.of("v", "v")))));
            // The agency's own demo source, with an expression that smuggles a subquery.
            attacks.put(
                    "C. an expression smuggling a subquery",
                    () -> ran(pipelines.attempt(
                            taxStewardKey,
                            "C",
                            null,
                            spec(
                                    "attack-l-c",
                                    ref("thue.nguoi-nop-thue"),
                                    "attack-l-c",
                                    Map.of(
                                            "v",
                                            "E'\\'' || (SELECT content FROM read_text($$/etc/hostname$$)) /*'*/")))));
            attacks.put(
                    "D. an HTTP source on the loopback interface",
                    () -> ran(pipelines.attempt(
                            taxStewardKey,
                            "D",
                            new NewSource(
                                    "attack-l-d",
                                    "http",
                                    settings(
                                            "url", "http://127.0.0.1:" + canary.port() + "/x", "timeout_seconds", "3")),
                            spec("attack-l-d", ref("attack-l-d"), "attack-l-d", Map.of("canary", "canary")))));
            attacks.put("J. a JSON call with its CSRF token in the query string", () -> {
                http.sessionJson(
                        taxSteward,
                        "POST",
                        "/api/api-keys?_csrf=" + HttpAttacker.encode(taxSteward.csrfToken),
                        "{\"name\":\"attack-l-j\",\"scopes\":[\"pipelines:read\"],\"days\":1}",
                        false);
                return false;
            });

            for (Map.Entry<String, java.util.function.BooleanSupplier> attack : attacks.entrySet()) {
                long before = latestLedgerIndex();
                boolean ran = attack.getValue().getAsBoolean();
                List<String> events = refusalEventsSince(attacker, before, ran ? Duration.ofSeconds(3) : Duration.ZERO);
                if (events.isEmpty()) {
                    violations.add(attack.getKey()
                            + ": no refusal event (type *REFUSED* or ACCESS_DENIED) names the attacker");
                }
            }
        }
        assertThat(violations).as("attacks that left no trace on the ledger").isEmpty();
    }

    private boolean ran(Attempt attempt) {
        return !attempt.refused();
    }

    /** Refusal events of the user after ledger index {@code after}, waiting a little for ones recorded when a run ends. */
    private List<String> refusalEventsSince(long userId, long after, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            List<String> found = new ArrayList<>();
            for (JsonNode event : http.bearer(
                            operatorKey, "GET", "/api/audit/events?actorUserId=" + userId + "&limit=200", null)
                    .json()) {
                String type = HttpAttacker.text(event, "type");
                if (event.get("ledgerIndex").asLong() > after
                        && (type.contains("REFUSED") || type.equals("ACCESS_DENIED"))) {
                    found.add(type);
                }
            }
            if (!found.isEmpty() || System.nanoTime() > deadline) {
                return found;
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    // =================================================================================== G

    @Test
    @Order(10)
    @DisplayName("G. Failed sign-ins do not tell whether an account exists")
    void failedSignInsForUnknownAndRealNamesLookTheSameOnTheWireAndOnTheLedger() {
        String wrongPassword = "Mat-khau-sai-hoan-toan-2026";
        long before = latestLedgerIndex("LOGIN_FAILED");
        List<String> answers = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            answers.add(failedSignIn("khong.co.ai.ten.nay", wrongPassword));
            labels.add("unknown name, attempt " + i);
        }
        for (int i = 1; i <= 6; i++) {
            answers.add(failedSignIn("vien.phantich", wrongPassword));
            labels.add("real name, attempt " + i);
        }
        List<String> violations = new ArrayList<>();
        for (int i = 1; i < answers.size(); i++) {
            if (!answers.get(i).equals(answers.get(0))) {
                violations.add(labels.get(i) + " was answered differently from " + labels.get(0) + ": "
                        + firstLine(answers.get(i)) + " vs " + firstLine(answers.get(0)));
            }
        }

        List<Long> failures = new ArrayList<>();
        for (JsonNode event : http.bearer(operatorKey, "GET", "/api/audit/events?type=LOGIN_FAILED&limit=200", null)
                .json()) {
            if (event.get("ledgerIndex").asLong() > before) {
                failures.add(event.get("ledgerIndex").asLong());
            }
        }
        assertThat(failures).as("every failed sign-in is on the ledger").hasSizeGreaterThanOrEqualTo(12);
        Set<String> shapes = new LinkedHashSet<>();
        for (long index : failures) {
            Response entry = http.get("/ledger/entries/" + index);
            assertThat(entry.status()).as("the public ledger entry %s", index).isEqualTo(200);
            JsonNode json = entry.json();
            if (json.has("actor") || json.has("org")) {
                violations.add("public ledger entry " + index + " of a failed sign-in names "
                        + (json.has("actor") ? "a user" : "") + (json.has("org") ? " an organisation" : ""));
            }
            shapes.add(shape(json));
        }
        if (shapes.size() > 1) {
            violations.add(
                    "the public ledger entries of failed sign-ins come in " + shapes.size() + " shapes: " + shapes);
        }
        assertThat(violations)
                .as("ways to tell a real account from an unknown name")
                .isEmpty();
    }

    /** The answer to one failed sign-in: the redirect, and the page it leads to with CSRF tokens blanked. */
    private String failedSignIn(String username, String password) {
        Session browser = http.openLoginPage();
        Response answer = http.submitLogin(browser, username, password);
        String location = answer.header("Location").map(HttpAttacker::path).orElse("");
        String page = "";
        if (!location.isEmpty()) {
            Response followed = http.get(location, "Cookie", browser.cookieHeader());
            page = followed.status() + " "
                    + followed.body().replaceAll("(value|content)=\"[A-Za-z0-9_\\-]{20,}={0,2}\"", "$1=\"TOKEN\"");
        }
        return answer.status() + " → " + location + "\n" + page;
    }

    /** An entry's fields and details, without its time: what tells entries apart. */
    private String shape(JsonNode entry) {
        Map<String, String> fields = new TreeMap<>();
        entry.properties()
                .forEach(field -> fields.put(
                        field.getKey(),
                        switch (field.getKey()) {
                            case "details", "type", "outcome", "v" ->
                                field.getValue().toString();
                            default -> "…";
                        }));
        fields.remove("at");
        return fields.toString();
    }

    private String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    // =================================================================================== F

    @Test
    @Order(11)
    @DisplayName("F. Limits hold per real client address, whatever X-Forwarded-For says")
    void forwardedForHeadersDoNotResetDownloadOrSignInLimits() {
        List<String> violations = new ArrayList<>();

        Response first = null;
        Response limited = null;
        for (int i = 1; i <= 40 && limited == null; i++) {
            Response download = http.get(
                    "/catalog/datasets/qltt-san-pham/download?format=csv", "X-Forwarded-For", "203.0.113." + i);
            if (first == null) {
                first = download;
            }
            if (download.status() == 429) {
                limited = download;
            }
        }
        assertThat(first.status())
                .as("positive control: the open dataset downloads")
                .isEqualTo(200);
        if (limited == null) {
            violations.add(
                    "40 downloads in a row, each with another X-Forwarded-For, were never limited (the limit is 30 a minute)");
        } else if (limited.header("Retry-After")
                .filter(v -> v.matches("\\d+") && Long.parseLong(v) > 0)
                .isEmpty()) {
            violations.add("the 429 carries no Retry-After header");
        }

        for (int i = 1; i <= 35; i++) {
            String spoofed = "198.51.100." + i;
            Session browser = http.openLoginPage("X-Forwarded-For", spoofed);
            http.submitLogin(browser, "khong-ton-tai-" + i, "Mat-khau-sai-hoan-toan-2026", "X-Forwarded-For", spoofed);
        }
        Session victim = http.openLoginPage("X-Forwarded-For", "198.51.100.250");
        Response rightPassword =
                http.submitLogin(victim, "saomai.admin", DemoData.PASSWORD, "X-Forwarded-For", "198.51.100.250");
        // Signed in or not, whatever the answer looks like: does the session now reach a signed-in API?
        Response me = http.get("/api/me", "Cookie", victim.cookieHeader(), "Accept", "application/json");
        if (me.status() == 200) {
            violations.add(
                    "after 35 failed sign-ins from one address under changing X-Forwarded-For, that address still signs in "
                            + "(the sign-in answered " + rightPassword + ")");
        }
        assertThat(violations)
                .as("limits that a forged X-Forwarded-For got around")
                .isEmpty();
    }

    // =================================================================================== H

    /**
     * How long an answer or a run may take before the test calls the bomb swallowed. Generous: a refusal comes
     * long before; an unrefused bomb keeps the server (and its one run executor) busy far longer.
     */
    private static final Duration BOMB_PATIENCE = Duration.ofSeconds(120);

    @Test
    @Order(12)
    @DisplayName("H. Decompression bombs are refused")
    void xlsxBombsAreRefusedByTheSourceAndCatalogUploads() throws Exception {
        Map<String, Path> bombs = new LinkedHashMap<>();
        // About 106 MB of sheet XML in about 1 MB.
        bombs.put("rows", Workbooks.manyRows(scratch.resolve("bomb-rows.xlsx"), 100_000, 1_000));
        // One cell of 100 MiB in about 100 KB. Last: a server that swallows it may be busy for minutes.
        bombs.put("cell", Workbooks.oneHugeCell(scratch.resolve("bomb-cell.xlsx"), 100L << 20));
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Path> bomb : bombs.entrySet()) {
            String kind = bomb.getKey();
            byte[] content = Files.readAllBytes(bomb.getValue());

            String dataset = "attack-h-" + kind + "-catalog";
            Response catalogued;
            try {
                catalogued = http.bearerMultipart(
                        stewardKey,
                        "/api/catalog/uploads",
                        Map.of("dataset", dataset),
                        "file",
                        "bomb-" + kind + ".xlsx",
                        content,
                        BOMB_PATIENCE);
            } catch (java.io.UncheckedIOException noAnswer) {
                violations.add(kind + " bomb: the catalog upload was still being processed after "
                        + BOMB_PATIENCE.toSeconds() + " s ("
                        + noAnswer.getCause().getClass().getSimpleName() + "); the source upload was not tried");
                continue;
            }
            if (catalogued.status() != 413 && catalogued.status() != 422) {
                violations.add(kind + " bomb: the catalog upload answered " + catalogued + ", not 413 or 422");
            }
            if (pipelines.published(dataset)) {
                violations.add(kind + " bomb: the catalog upload published " + dataset);
            }

            String sourceName = "attack-h-" + kind;
            Response registered = http.bearer(
                    stewardKey,
                    "POST",
                    "/api/sources",
                    PipelineAttempts.registration(new NewSource(sourceName, "xlsx", Map.of())));
            assertThat(registered.status())
                    .as("an xlsx source can be registered")
                    .isEqualTo(201);
            long sourceId = registered.json().get("id").asLong();
            Response uploaded = http.bearerMultipart(
                    stewardKey,
                    "/api/sources/" + sourceId + "/file",
                    Map.of(),
                    "file",
                    "bomb-" + kind + ".xlsx",
                    content,
                    BOMB_PATIENCE);
            if (uploaded.ok()) {
                Attempt attempt = pipelines.attempt(
                        stewardKey,
                        kind + " bomb through a source",
                        null,
                        spec(sourceName, ref(sourceName), sourceName, Map.of("v", "v")),
                        BOMB_PATIENCE);
                expectNothingReached(violations, attempt, sourceName);
            } else if (uploaded.status() != 413 && uploaded.status() != 422) {
                violations.add(kind + " bomb: the source upload answered " + uploaded + ", not 413 or 422");
            }
        }
        assertThat(violations).as("decompression bombs that were swallowed").isEmpty();
    }

    // =================================================================================== shared

    /** Refused with a 4xx, or a run that FAILED; and no version of the dataset in the lake. */
    void expectNothingReached(List<String> violations, Attempt attempt, String dataset) {
        if (attempt.overran() != null) {
            violations.add(attempt.label() + ": the run was still working after "
                    + attempt.overran().toSeconds() + " s and had to be cancelled (it ended " + attempt.runStatus()
                    + "): nothing refused it");
        } else if (attempt.refused()) {
            if (!attempt.refusedCleanly()) {
                violations.add(attempt.label() + ": " + attempt.refusedAt() + " failed with " + attempt.refusal()
                        + " instead of a clear 4xx refusal");
            }
        } else if (!"FAILED".equals(attempt.runStatus())) {
            violations.add(attempt.label() + ": the run ended " + attempt.runStatus() + ", so the attack went through");
        }
        if (pipelines.published(dataset)) {
            violations.add(attempt.label() + ": a version of " + dataset + " was published");
        }
    }

    /** Registers a source of the steward's organisation and uploads its file; the harness needs both to work. */
    void uploadSourceFile(NewSource source, String filename, byte[] content) {
        Response registered = http.bearer(stewardKey, "POST", "/api/sources", PipelineAttempts.registration(source));
        assertThat(registered.status()).as("registering %s", source.name()).isEqualTo(201);
        Response uploaded = http.bearerMultipart(
                stewardKey,
                "/api/sources/" + registered.json().get("id").asLong() + "/file",
                Map.of(),
                "file",
                filename,
                content);
        assertThat(uploaded.status())
                .as("uploading the file of %s", source.name())
                .isEqualTo(200);
    }

    NewSource duckDbSource(String name, String query) {
        return new NewSource(name, "jdbc", settings("url", "jdbc:duckdb:attack/agency.duckdb", "query", query));
    }

    Path inboxOf(String username) {
        return dataDir.resolve("inbox")
                .resolve(Long.toString(users.get(username).get("orgId").asLong()));
    }

    /** An agency's own DuckDB file with a small table, as an agency would upload it to its inbox. */
    static void createAgencyDatabase(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + file);
                Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE people (v VARCHAR, ho_ten VARCHAR)");
            statement.execute("INSERT INTO people VALUES ('1', 'Lê Văn Một'), ('2', 'Phạm Thị Hai')");
        }
    }

    /** A published Parquet file of a dataset another organisation (Sở Tư pháp Hà Nội) owns. */
    static Path anotherOrganisationsParquet() throws IOException {
        Path dataset = dataDir.resolve("lake").resolve("ho-tich.cong-dan");
        try (Stream<Path> files = Files.walk(dataset)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")
                            && p.getParent().getFileName().toString().matches("v\\d+"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("the demo published no ho-tich.cong-dan version"));
        }
    }

    /** The newest ledger index of the audit index, or of one event type; -1 when there is none. */
    long latestLedgerIndex(String... type) {
        String query = type.length == 0 ? "" : "&type=" + type[0];
        JsonNode events = http.bearer(operatorKey, "GET", "/api/audit/events?limit=1" + query, null)
                .json();
        return events.isEmpty() ? -1 : events.get(0).get("ledgerIndex").asLong();
    }

    static String sql(Path path) {
        return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    static String hostname() throws IOException {
        Path file = Path.of("/etc/hostname");
        return Files.isReadable(file) ? Files.readString(file).strip() : "";
    }

    static Map<String, String> linked(String... keysAndValues) {
        return settings(keysAndValues);
    }

    static boolean containsAny(String text, Collection<String> needles) {
        return text != null && needles.stream().anyMatch(text::contains);
    }

    static boolean hasStackTrace(String body) {
        return body.contains("\tat ")
                || body.contains("at java.")
                || body.contains("StackOverflowError")
                || body.matches("(?s).*\\bat vn\\.datafloor\\..*")
                || body.contains("Exception:");
    }

    /** Long base64-like runs of a key file: text that could only come from the key itself. */
    static List<String> distinctiveTokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = Pattern.compile("[A-Za-z0-9+/=_-]{16,}").matcher(text);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }
}
