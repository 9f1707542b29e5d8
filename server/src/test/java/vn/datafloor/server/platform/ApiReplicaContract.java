package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.ledger.MerkleProofs;
import vn.datafloor.ledger.NoteVerifier;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.server.DatafloorApplication;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.privacy.ConsentService;

/**
 * A writer and an API replica in one JVM, over one database (the embedded H2, which shares a file
 * database between the connections of one process, in {@link ApiReplicaTest}; PostgreSQL, as in
 * production, in {@code PostgresApiReplicaTest}): the replica's ledger entries are
 * appended by the writer, its ledger reads are the writer's and checked, it refuses the writer's paths,
 * the internal relay answers only the writer's token, and a consent written on one process reaches the
 * other's next read.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiReplicaContract {

    private static final String TOKEN = "replica-test-node-token-" + UUID.randomUUID();

    private ConfigurableApplicationContext writer;
    private List<String> writerSettings;
    private ConfigurableApplicationContext replica;
    private int writerPort;
    private int replicaPort;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** The settings that put both processes on the one database under test. */
    protected abstract List<String> database(Path writerDir);

    @BeforeAll
    void start() throws Exception {
        Path writerDir = Files.createTempDirectory("datafloor-writer-");
        // A fixed port, so that a restarted writer is where the replica looks for it.
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            writerPort = socket.getLocalPort();
        }
        writerSettings = new ArrayList<>(database(writerDir));
        writerSettings.addAll(List.of(
                "--datafloor.data-dir=" + writerDir,
                "--datafloor.node.role=writer",
                "--datafloor.node.token=" + TOKEN,
                "--server.port=" + writerPort));
        writer = run(writerSettings);
        Path replicaDir = Files.createTempDirectory("datafloor-replica-");
        // The keys every process shares, as the deployment mounts them; never the ledger's signing key.
        Files.createDirectories(replicaDir.resolve("keys"));
        for (String key : List.of("secrets.keyset.json", "lake.keyset.json", "access-hash.key")) {
            Files.copy(
                    writerDir.resolve("keys").resolve(key),
                    replicaDir.resolve("keys").resolve(key));
        }
        // The lake on a volume both mount (in production usually object storage, docs/object-storage.md).
        Files.createSymbolicLink(replicaDir.resolve("lake"), writerDir.resolve("lake"));
        replica = run(replicaArguments(writerDir, replicaDir));
        replicaPort = port(replica);
    }

    private List<String> replicaArguments(Path writerDir, Path replicaDir) {
        List<String> settings = new ArrayList<>(database(writerDir));
        settings.addAll(List.of(
                "--datafloor.data-dir=" + replicaDir,
                "--datafloor.node.role=api",
                "--datafloor.node.writer-url=http://127.0.0.1:" + writerPort,
                "--datafloor.node.token=" + TOKEN,
                "--datafloor.lake.shared-volume=true"));
        return settings;
    }

    private static ConfigurableApplicationContext run(List<String> settings) {
        List<String> arguments = new ArrayList<>(settings);
        if (arguments.stream().noneMatch(a -> a.startsWith("--server.port="))) {
            arguments.add("--server.port=0");
        }
        arguments.add("--datafloor.demo=false");
        arguments.add("--datafloor.ledger.checkpoint-interval=PT1H");
        return new SpringApplicationBuilder(DatafloorApplication.class).run(arguments.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /** Stops both processes (once); a subclass dropping its database calls it first. */
    @AfterAll
    protected void stopProcesses() {
        if (replica != null) {
            replica.close();
            replica = null;
        }
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }

    @Test
    void aReplicasEntryIsAppendedByTheWriterAndProvedThroughTheReplica() {
        LedgerService onReplica = replica.getBean(LedgerService.class);
        LedgerService onWriter = writer.getBean(LedgerService.class);
        assertThat(onReplica.local()).isFalse();
        assertThat(onWriter.local()).isTrue();
        String marker = "replica-entry-" + UUID.randomUUID();

        long index = replica.getBean(AuditLog.class).record(event(marker));

        assertThat(index).isGreaterThanOrEqualTo(0);
        byte[] entry = onWriter.entry(index);
        assertThat(new String(entry, StandardCharsets.UTF_8)).contains(marker);
        assertThat(onReplica.entry(index)).isEqualTo(entry);
        assertThat(onReplica.verifierKey()).isEqualTo(onWriter.verifierKey());
        // Inside a transaction, as most entries are written: appended after the commit, by the writer.
        String inTransaction = "replica-batch-" + UUID.randomUUID();
        replica.getBean(TransactionTemplate.class)
                .executeWithoutResult(status -> replica.getBean(AuditLog.class)
                        .recordAll(List.of(event(inTransaction + "-1"), event(inTransaction + "-2"))));
        assertThat(awaitRelayed(replica)).isTrue();
        long size = onReplica.size();
        assertThat(size).isEqualTo(onWriter.size()).isGreaterThan(index + 2);
        assertThat(new String(onWriter.entry(size - 1), StandardCharsets.UTF_8)).contains(inTransaction);

        SignedCheckpoint checkpoint = onReplica.latestCheckpoint().orElseThrow();
        assertThat(NoteVerifier.fromVerifierKey(onWriter.verifierKey()).verify(checkpoint.note()))
                .isTrue();
        long covered = checkpoint.checkpoint().size();
        if (index < covered) {
            assertThat(MerkleProofs.verifyInclusion(
                            index,
                            covered,
                            MerkleProofs.leafHash(entry),
                            onReplica.inclusionProof(index, covered),
                            checkpoint.checkpoint().rootHash()))
                    .isTrue();
        }
        assertThat(MerkleProofs.verifyInclusion(
                        index,
                        size,
                        MerkleProofs.leafHash(entry),
                        onReplica.inclusionProof(index, size),
                        onReplica.rootHash(size)))
                .isTrue();
        assertThat(replica.getBean(JdbcClient.class)
                        .sql("select count(*) from audit_outbox")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private boolean awaitRelayed(ConfigurableApplicationContext context) {
        try {
            return context.getBean(AuditLog.class).awaitRelayed(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An event whose entry carries {@code marker} (in its details: the summary stays in the index). */
    private static AuditEvent event(String marker) {
        return new AuditEvent(
                EventType.PLATFORM_STARTED,
                null,
                null,
                null,
                AuditEvent.Outcome.SUCCESS,
                null,
                "replica test",
                Map.of("marker", marker));
    }

    @Test
    void whileTheWriterIsAwayTheReplicaServesAndItsEntriesWaitForTheWritersReturn() {
        writer.close();
        writer = null;
        String marker = "while-away-" + UUID.randomUUID();
        long index;
        JdbcClient database = replica.getBean(JdbcClient.class);
        long waiting;
        try {
            index = replica.getBean(AuditLog.class).record(event(marker));
            waiting = database.sql("select count(*) from audit_outbox")
                    .query(Long.class)
                    .single();
        } finally {
            // Back: at its start the writer appends what the outbox holds, the replica's entry with the rest.
            writer = run(writerSettings);
        }

        assertThat(index).isEqualTo(AuditLog.NOT_YET_APPENDED);
        assertThat(waiting).isGreaterThanOrEqualTo(1);
        assertThat(database.sql("select count(*) from audit_outbox")
                        .query(Long.class)
                        .single())
                .isZero();
        LedgerService onReplica = replica.getBean(LedgerService.class);
        long size = onReplica.size();
        boolean found = false;
        for (long i = size - 1; i >= Math.max(0, size - 20) && !found; i--) {
            found = new String(onReplica.entry(i), StandardCharsets.UTF_8).contains(marker);
        }
        assertThat(found)
                .as("the replica's entry on the ledger after the writer's return")
                .isTrue();
    }

    @Test
    void theReplicaRefusesTheWritersPathsAndServesTheRest() throws Exception {
        HttpResponse<String> runs = get(replicaPort, "/api/runs");
        assertThat(runs.statusCode()).isEqualTo(421);
        assertThat(runs.body()).contains("writer");
        assertThat(get(replicaPort, "/integration/pipelines").statusCode()).isEqualTo(421);
        assertThat(get(replicaPort, "/api/access/7/exports").statusCode()).isEqualTo(421);
        // The same paths on the writer go on to its usual checks (here: nobody signed in).
        assertThat(get(writerPort, "/api/runs").statusCode()).isEqualTo(401);
        assertThat(get(replicaPort, "/api/catalog/datasets").statusCode()).isEqualTo(200);
        assertThat(get(replicaPort, "/ledger/tree").body()).contains("\"size\"");
    }

    @Test
    void onlyTheWriterAnswersTheRelayAndOnlyToTheNodeToken() throws Exception {
        String body = "{\"ids\":[\"" + UUID.randomUUID() + "\"]}";
        assertThat(relay(writerPort, null, body).statusCode()).isEqualTo(404);
        assertThat(relay(writerPort, TOKEN + "x", body).statusCode()).isEqualTo(404);
        assertThat(relay(replicaPort, TOKEN, body).statusCode()).isEqualTo(404);
        HttpResponse<String> answered = relay(writerPort, TOKEN, body);
        assertThat(answered.statusCode()).isEqualTo(200);
        // No such committed row: nothing is appended, whatever the caller sends.
        assertThat(answered.body()).contains("\"indexes\":{}");
        assertThat(relay(writerPort, TOKEN, "{\"ids\":[]}").statusCode()).isEqualTo(400);
    }

    @Test
    void aConsentGivenOnTheWriterReachesTheReplicasNextRead() {
        OrganisationService organisations = writer.getBean(OrganisationService.class);
        long controller = organisations
                .bootstrap("Cơ quan kiểm soát " + UUID.randomUUID(), OrganisationKind.STATE_AGENCY)
                .id();
        long recipient = organisations
                .bootstrap("Bên nhận " + UUID.randomUUID(), OrganisationKind.ENTERPRISE)
                .id();
        ConsentService onReplica = replica.getBean(ConsentService.class);
        Instant now = Instant.now();
        assertThat(onReplica.consentedSubjects(recipient, "df:research", now)).isEmpty();

        // As ConsentService writes one: the row and its change counter in one transaction.
        writer.getBean(TransactionTemplate.class).executeWithoutResult(status -> {
            writer.getBean(JdbcClient.class)
                    .sql("""
                            insert into privacy_consent(record_uuid, subject_id, subject_salt, controller_org,
                              recipient_org, purpose, legal_basis, data_categories, valid_from, given_at, channel,
                              notice_text, notice_sha256, notice_language, affirmative_act, status, status_at)
                            values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,true,'GIVEN',?)""")
                    .params(
                            UUID.randomUUID().toString(),
                            "VN1234567890",
                            "00",
                            controller,
                            recipient,
                            "df:research",
                            "consent",
                            "identity",
                            Timestamp.from(now.minusSeconds(60)),
                            Timestamp.from(now.minusSeconds(60)),
                            "API",
                            "Tôi đồng ý cho bên nhận dùng dữ liệu để nghiên cứu.",
                            "0".repeat(64),
                            "vi",
                            Timestamp.from(now.minusSeconds(60)))
                    .update();
            writer.getBean(ChangeCounters.class).changed("consent");
        });

        assertThat(onReplica.consentedSubjects(recipient, "df:research", Instant.now()))
                .containsExactly("VN1234567890");
    }

    @Test
    void aPersonSignedInThroughAReplicaIsSignedInOnTheWritersPages() throws Exception {
        String username = "replica-admin-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "Mật-khẩu-thử-" + UUID.randomUUID();
        long operator = writer.getBean(OrganisationService.class).operatorId().orElseThrow();
        writer.getBean(vn.datafloor.server.identity.UserService.class)
                .bootstrapStaff(
                        operator,
                        username,
                        "Quản trị thử",
                        null,
                        java.util.EnumSet.of(vn.datafloor.server.authz.Role.OPERATOR_ADMIN),
                        password);
        URI pipelines = URI.create("http://127.0.0.1:" + writerPort + "/integration/pipelines");
        assertThat(HTTP.send(HttpRequest.newBuilder(pipelines).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .as("the writer's page, before signing in")
                .isEqualTo(302);
        // One browser: its cookies go with it to whichever process the load balancer picks (same host).
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ALL))
                .build();
        String loginPage = browser.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicaPort + "/login"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(loginPage);
        assertThat(csrf.find()).as("the sign-in form's CSRF token").isTrue();
        String form =
                "username=" + encode(username) + "&password=" + encode(password) + "&_csrf=" + encode(csrf.group(1));
        HttpResponse<String> signedIn = browser.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replicaPort + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("error");

        HttpResponse<String> onWriter =
                browser.send(HttpRequest.newBuilder(pipelines).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onWriter.statusCode()).isEqualTo(200);
        assertThat(onWriter.body()).doesNotContain("current-password");
        assertThat(writer.getBean(JdbcClient.class)
                        .sql("select count(*) from spring_session where principal_name = ?")
                        .param(username)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void aReplicaWithoutTheWritersKeysRefusesToStart() throws Exception {
        Path bare = Files.createTempDirectory("datafloor-replica-bare-");
        Path writerDir = writer.getBean(DatafloorProperties.class).dataDir();
        assertThatThrownBy(() -> run(replicaArguments(writerDir, bare)))
                .hasStackTraceContaining("needs the writer's key file");
        assertThat(bare.resolve("keys").resolve("secrets.keyset.json")).doesNotExist();
    }

    @Test
    void aReplicaRefusesALakeOnlyItsOwnDiskHolds() throws Exception {
        Path own = Files.createTempDirectory("datafloor-replica-own-lake-");
        Path writerDir = writer.getBean(DatafloorProperties.class).dataDir();
        Files.createDirectories(own.resolve("keys"));
        for (String key : List.of("secrets.keyset.json", "lake.keyset.json", "access-hash.key")) {
            Files.copy(
                    writerDir.resolve("keys").resolve(key), own.resolve("keys").resolve(key));
        }
        List<String> arguments = new ArrayList<>(replicaArguments(writerDir, own));
        arguments.remove("--datafloor.lake.shared-volume=true");
        assertThatThrownBy(() -> run(arguments)).hasStackTraceContaining("reads the lake the writer writes");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Accept", "application/json")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> relay(int port, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/internal/ledger/relay"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header(ClusterNode.TOKEN_HEADER, token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
