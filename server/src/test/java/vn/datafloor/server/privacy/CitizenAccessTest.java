package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/**
 * The access index end to end on the real platform: recording, who-saw-me, breach lookups, proofs
 * against signed checkpoints, and the citizen's pages and API, each citizen reaching only their own.
 */
class CitizenAccessTest extends PlatformTest {

    private static final String PASSWORD = "Cong-dan-kiem-thu-2026";

    /** Identity numbers no other test uses, one per test, so shared demo data never leaks into assertions. */
    private static final AtomicInteger NEXT = new AtomicInteger(1);

    @Autowired
    AccessIndex index;

    @Autowired
    CitizenHome home;

    @Autowired
    UserService users;

    @Autowired
    OrganisationService organisations;

    @Autowired
    LedgerService ledger;

    @Autowired
    AuditLog audit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JdbcTemplate template;

    @Autowired
    TransactionTemplate transactions;

    private static String newCitizenId() {
        return String.format("0791%02d%06d", 90, 700_000 + NEXT.getAndIncrement());
    }

    private long org(String username) {
        return users.findByUsername(username).orElseThrow().orgId();
    }

    private Actor actorOf(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private AccessIndex.AccessRecord access(String dataset, Instant at, long rows) {
        return new AccessIndex.AccessRecord(
                4242,
                org("saomai.admin"),
                org("yte.admin"),
                dataset,
                3,
                "df:credit-scoring",
                AccessIndex.Channel.REST,
                "sha256:0f00ba",
                rows,
                rows * 100,
                at,
                actorOf("saomai.phantich"));
    }

    /** Records an access and waits until the relay has put its entry on the ledger. */
    private long record(String dataset, List<String> subjects) {
        long accessId = index.recordAccess(access(dataset, clock.instant(), subjects.size()), index.prepare(subjects));
        awaitLedger();
        return accessId;
    }

    private void awaitLedger() {
        try {
            assertThat(audit.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The ledger index of an access's entry, as its subjects see it. */
    private long ledgerIndexOf(String subject, long accessId) {
        return index.accessesOf(subject, 100, 0).stream()
                .filter(a -> a.accessId() == accessId)
                .findFirst()
                .orElseThrow()
                .ledgerIndex();
    }

    private void publishCheckpoint() throws Exception {
        mvc.perform(post("/api/ledger/checkpoints").session(login("admin")).with(csrf()))
                .andExpect(status().is2xxSuccessful());
    }

    private MockHttpSession citizen(String citizenId) throws Exception {
        users.bootstrapCitizen(citizenId, "Công dân kiểm thử", PASSWORD);
        return login(citizenId, PASSWORD);
    }

    @Test
    void theDemoCitizenIsAPersonOfTheRegistryTheBankReadAndSeesThoseAccesses() throws Exception {
        String citizen = vn.datafloor.server.demo.DemoData.CITIZEN;
        UserAccount account = users.findByUsername(citizen).orElseThrow();
        Actor actor = new Actor(account.id(), account.username(), null, account.roles(), null, Set.of());
        // The register holds them (which sources it links them to depends on what it was last rebuilt
        // from, which other tests of this context change).
        CitizenHome.HeldData held = home.data(actor).get(0);
        assertThat(held.values()).anySatisfy(v -> assertThat(v.value()).isEqualTo(citizen));
        // The demo's deliveries to the bank touched them, for credit scoring, under Sao Mai's agreement.
        // (Other tests of this context may record more accesses to them; the demo's are among them.)
        List<AccessIndex.SubjectAccess> byBank = home.accesses(actor, 0, 100).accesses().stream()
                .filter(a -> a.consumerOrgId() == org("saomai.admin")
                        && a.purpose().equals("df:creditScoring")
                        && a.providerOrgId() == org("hotich.dulieu"))
                .toList();
        assertThat(byBank)
                .extracting(AccessIndex.SubjectAccess::channel)
                .contains(AccessIndex.Channel.REST, AccessIndex.Channel.SQL, AccessIndex.Channel.EXPORT);
        awaitAndCheckpoint();
        AccessProof proof = home.proof(actor, byBank.get(0).accessId());
        assertThat(proof.verify(ledger.verifierKey()).ok()).isTrue();
    }

    private void awaitAndCheckpoint() throws Exception {
        assertThat(audit.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        publishCheckpoint();
    }

    @Test
    void aRecordedAccessAppearsForEachTouchedSubjectAndForNobodyElse() {
        String a = newCitizenId();
        String b = newCitizenId();
        String untouched = newCitizenId();
        long before = ledger.size();
        long accessId = record("yte.nguoi", List.of(a, b));
        long entry = ledgerIndexOf(a, accessId);
        assertThat(entry).isGreaterThanOrEqualTo(before);

        for (String subject : List.of(a, b)) {
            List<AccessIndex.SubjectAccess> seen = index.accessesOf(subject, 10, 0);
            assertThat(seen).hasSize(1);
            AccessIndex.SubjectAccess access = seen.get(0);
            assertThat(access.ledgerIndex()).isEqualTo(entry);
            assertThat(access.consumerName())
                    .isEqualTo(organisations
                            .find(org("saomai.admin"))
                            .orElseThrow()
                            .name());
            assertThat(access.providerName())
                    .isEqualTo(
                            organisations.find(org("yte.admin")).orElseThrow().name());
            assertThat(access.purpose()).isEqualTo("df:credit-scoring");
            assertThat(access.channel()).isEqualTo(AccessIndex.Channel.REST);
            assertThat(access.contractId()).isEqualTo(4242);
            assertThat(access.subjects()).isEqualTo(2);
        }
        assertThat(index.accessesOf(untouched, 10, 0)).isEmpty();
        assertThat(index.countAccessesOf(List.of(a, untouched))).isEqualTo(1);
    }

    @Test
    void anAccessIsFoundByItsSubjectsBeforeAndAfterTheirIndexStep() {
        String a = newCitizenId();
        String b = newCitizenId();
        String untouched = newCitizenId();
        long first = record("yte.nguoi", List.of(a, b));
        // Still pending (the scheduled step has not run, or not since this commit): found all the same.
        assertThat(index.accessesOf(a, 10, 0))
                .extracting(AccessIndex.SubjectAccess::accessId)
                .contains(first);

        index.indexPending();
        assertThat(jdbc.sql("select count(*) from access_index_pending where access_id = ?")
                        .param(first)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select subject_id from access_subject_index where access_id = ? order by subject_id")
                        .param(first)
                        .query(String.class)
                        .list())
                .containsExactlyElementsOf(
                        java.util.stream.Stream.of(a, b).sorted().toList());

        long second = record("yte.nguoi", List.of(b));
        for (int step = 0; step < 2; step++) {
            assertThat(index.accessesOf(a, 10, 0))
                    .extracting(AccessIndex.SubjectAccess::accessId)
                    .containsExactly(first);
            assertThat(index.accessesOf(b, 10, 0))
                    .extracting(AccessIndex.SubjectAccess::accessId)
                    .containsExactlyInAnyOrder(first, second);
            assertThat(index.countAccessesOf(List.of(a, b))).isEqualTo(2);
            assertThat(index.countAccessesOf(List.of(untouched))).isZero();
            index.indexPending(); // the same answers once the second access is indexed too
        }
    }

    @Test
    void theLedgerEntryCommitsToTheSubjectsWithoutNamingThem() {
        String a = newCitizenId();
        String b = newCitizenId();
        SubjectCommitment.Prepared commitment = index.prepare(List.of(a, b));
        long accessId = index.recordAccess(access("yte.nguoi", clock.instant(), 2), commitment);
        awaitLedger();
        String text = new String(ledger.entry(ledgerIndexOf(a, accessId)), StandardCharsets.UTF_8);
        assertThat(text)
                .contains("\"type\":\"DATA_ACCESSED\"")
                .contains("\"subjectsRoot\":\"" + commitment.rootHex() + "\"")
                .contains("\"subjects\":\"2\"")
                .contains("\"purpose\":\"df:credit-scoring\"")
                .contains("\"channel\":\"REST\"")
                .doesNotContain(a)
                .doesNotContain(b)
                .doesNotContain("saomai.phantich");
    }

    @Test
    void aBreachFindsTheSubjectsOfTheDatasetsInTheWindowOnly() {
        String inWindow = newCitizenId();
        String otherDataset = newCitizenId();
        String tooEarly = newCitizenId();
        Instant now = clock.instant();
        String dataset = "breach.test" + NEXT.get();
        index.recordAccess(access(dataset, now, 1), index.prepare(List.of(inWindow)));
        index.recordAccess(access("other.dataset", now, 1), index.prepare(List.of(otherDataset)));
        index.recordAccess(access(dataset, now.minus(Duration.ofDays(10)), 1), index.prepare(List.of(tooEarly)));

        assertThat(index.subjectsAccessed(List.of(dataset), now.minus(Duration.ofDays(1)), now.plusSeconds(1)))
                .containsExactly(inWindow);
        assertThat(index.subjectsAccessed(List.of(dataset), now.minus(Duration.ofDays(30)), now.plusSeconds(1)))
                .containsExactlyInAnyOrder(inWindow, tooEarly);
        assertThat(index.subjectsAccessed(List.of(), now.minus(Duration.ofDays(30)), now))
                .isEmpty();
    }

    @Test
    void theProofVerifiesAgainstALaterCheckpointAndNotForAnythingElse() throws Exception {
        String subject = newCitizenId();
        String other = newCitizenId();
        long accessId = record("yte.nguoi", List.of(subject, other, newCitizenId()));

        AccessProof early = index.proofFor(accessId, subject);
        if (early.status() == AccessProof.Status.AWAITING_CHECKPOINT) {
            assertThat(early.verify(ledger.verifierKey()).ok()).isFalse();
            assertThat(early.verify(ledger.verifierKey()).subjectNamed()).isTrue();
        }

        publishCheckpoint();
        // The ledger grows after the access, and a later checkpoint still proves it.
        record("yte.nguoi", List.of(newCitizenId()));
        publishCheckpoint();
        AccessProof proof = index.proofFor(accessId, subject);
        assertThat(proof.status()).isEqualTo(AccessProof.Status.VERIFIABLE);
        assertThat(vn.datafloor.ledger.Checkpoint.parse(proof.checkpoint()).size())
                .isGreaterThan(proof.ledgerIndex() + 1);
        AccessProof.Verification check = proof.verify(ledger.verifierKey());
        assertThat(check.ok()).as(check.toString()).isTrue();

        // The same proof through JSON, as a citizen downloads it.
        assertThat(AccessProof.fromJson(proof.toJson())
                        .verify(ledger.verifierKey())
                        .ok())
                .isTrue();
        // Another subject's id with this opening, an edited entry, another key: each fails.
        assertThat(withSubject(proof, other).verify(ledger.verifierKey()).subjectNamed())
                .isFalse();
        AccessProof edited = withEntry(proof, proof.entry().replace("df:credit-scoring", "df:research"));
        assertThat(edited.verify(ledger.verifierKey()).entryOnLedger()).isFalse();
        String otherKey = vn.datafloor.ledger.NoteSigner.loadOrCreate(
                        java.nio.file.Files.createTempDirectory("other-key").resolve("k.pem"), "other")
                .verifierKey();
        assertThat(proof.verify(otherKey).checkpointSigned()).isFalse();
        // The offline command line gives the same answers from the downloaded file.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("access-proof");
        java.nio.file.Path good = dir.resolve("good.json");
        java.nio.file.Files.writeString(good, proof.toJson());
        java.nio.file.Path forged = dir.resolve("forged.json");
        java.nio.file.Files.writeString(forged, withSubject(proof, other).toJson());
        assertThat(new picocli.CommandLine(new vn.datafloor.server.cli.DatafloorCli())
                        .execute(
                                "ledger",
                                "verify-access-proof",
                                good.toString(),
                                "--verifier-key",
                                ledger.verifierKey()))
                .isZero();
        assertThat(new picocli.CommandLine(new vn.datafloor.server.cli.DatafloorCli())
                        .execute(
                                "ledger",
                                "verify-access-proof",
                                forged.toString(),
                                "--verifier-key",
                                ledger.verifierKey()))
                .isEqualTo(1);
        // Only the subjects the access touched have a proof.
        assertThatThrownBy(() -> index.proofFor(accessId, newCitizenId()))
                .isInstanceOf(vn.datafloor.server.platform.ProblemException.class);
    }

    @Test
    void aSetAboveTheCapIsRefusedAndAnAccessRolledBackLeavesNeitherRowsNorEntry() throws Exception {
        AccessIndex capped = new AccessIndex(
                jdbc, template, transactions, audit, ledger, organisations, new SecureRandom(), clock, 3);
        assertThatThrownBy(() -> capped.prepare(List.of("1", "2", "3", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 3");
        assertThat(capped.prepare(List.of("1", "2", "3", "3")).size()).isEqualTo(3);
        // Recorded in a caller's transaction that then fails: the access and its entry go together.
        String subject = newCitizenId();
        long entries = ledger.size();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                    index.recordAccess(access("yte.nguoi", clock.instant(), 1), index.prepare(List.of(subject)));
                    throw new IllegalStateException("the caller's work failed after recording");
                }))
                .isInstanceOf(IllegalStateException.class);
        awaitLedger();
        assertThat(index.accessesOf(subject, 10, 0)).isEmpty();
        assertThat(ledger.size()).isEqualTo(entries);
    }

    @Test
    void aCitizenLandsOnTheirHomeAndSeesWhoSawThem() throws Exception {
        String me = newCitizenId();
        users.bootstrapCitizen(me, "Công dân kiểm thử", PASSWORD);
        String target = mvc.perform(post("/login")
                        .param("username", me)
                        .param("password", PASSWORD)
                        .with(csrf()))
                .andReturn()
                .getResponse()
                .getRedirectedUrl();
        assertThat(target).endsWith("/me");
        MockHttpSession session = login(me, PASSWORD);

        String empty = mvc.perform(get("/me").session(session))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(empty)
                .contains("Ai đã xem dữ liệu của tôi")
                .contains("id=\"no-accesses\"")
                .contains("href=\"/me/consents\"")
                .contains("href=\"/me/requests\"")
                .contains("href=\"/me/data\"");

        long accessId = record("yte.nguoi", List.of(me, newCitizenId()));
        publishCheckpoint();
        String consumer = organisations.find(org("saomai.admin")).orElseThrow().name();
        String home = mvc.perform(get("/me").session(session))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(home)
                .contains("id=\"access-" + accessId + "\"")
                .contains(consumer)
                .contains("df:credit-scoring")
                .contains("href=\"/me/accesses/" + accessId + "\"");

        String page = mvc.perform(get("/me/accesses/" + accessId).session(session))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("id=\"verdict\" class=\"alert success\"").contains("Đã kiểm chứng");

        mvc.perform(get("/me/accesses").session(session))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content()
                        .string(org.hamcrest.Matchers.containsString("id=\"access-" + accessId + "\"")));
        mvc.perform(get("/api/me/accesses").session(session))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(1))
                .andExpect(jsonPath("$.accesses[0].accessId").value(accessId))
                .andExpect(jsonPath("$.accesses[0].consumerName").value(consumer))
                .andExpect(jsonPath("$.accesses[0].channel").value("REST"));
        String json = mvc.perform(get("/api/me/accesses/" + accessId + "/proof").session(session))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        AccessProof downloaded = AccessProof.fromJson(json);
        assertThat(downloaded.subjectId()).isEqualTo(me);
        assertThat(downloaded.verify(ledger.verifierKey()).ok()).isTrue();
    }

    @Test
    void aCitizenCannotReachAnotherCitizensAccessesOrProofs() throws Exception {
        String alice = newCitizenId();
        String bob = newCitizenId();
        long alicesAccess = record("yte.nguoi", List.of(alice));
        MockHttpSession bobSession = citizen(bob);

        mvc.perform(get("/api/me/accesses/" + alicesAccess + "/proof").session(bobSession))
                .andExpect(status().isNotFound());
        mvc.perform(get("/me/accesses/" + alicesAccess).session(bobSession)).andExpect(status().isNotFound());
        mvc.perform(get("/api/me/accesses").session(bobSession))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(0));
        // Staff, even the operator, have no "me" of a data subject: 403.
        mvc.perform(get("/api/me/accesses").session(login("admin"))).andExpect(status().isForbidden());
        mvc.perform(get("/api/me/accesses/" + alicesAccess + "/proof").session(login("admin")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/me").session(login("saomai.phantich"))).andExpect(status().isForbidden());
        // Signed out: to the sign-in page.
        mvc.perform(get("/me")).andExpect(status().is3xxRedirection());
    }

    @Test
    void aCitizenSeesTheRegistersValuesWithTheirAgenciesAndCanAskForACorrection() throws Exception {
        List<String> found = jdbc.sql("select personal_id from register_entity where personal_id is not null and "
                        + "retired_into is null and personal_id not in (select username from app_user) order by id")
                .query(String.class)
                .list();
        assertThat(found)
                .as("the demo register holds people with identity numbers")
                .isNotEmpty();
        String personalId = found.get(0);
        String entityId = jdbc.sql("select id from register_entity where personal_id = ? and retired_into is null")
                .param(personalId)
                .query(String.class)
                .list()
                .get(0);
        String fullName = jdbc.sql("select full_name from register_entity where id = ?")
                .param(entityId)
                .query(String.class)
                .single();
        MockHttpSession session = citizen(personalId);

        String page = mvc.perform(get("/me/data").session(session))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .contains("id=\"record-" + entityId + "\"")
                .contains(fullName)
                .contains("/me/requests?kind=CORRECTION&amp;entity=" + entityId + "&amp;field=full_name");
        mvc.perform(get("/api/me/data").session(session))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].entityId").value(entityId))
                .andExpect(jsonPath("$[0].values[0].attribute").value("full_name"))
                .andExpect(jsonPath("$[0].values[0].value").value(fullName))
                .andExpect(jsonPath("$[0].values[0].agency").isNotEmpty())
                .andExpect(jsonPath("$[0].sources[0].dataset").isNotEmpty());

        // An access recorded under the register id (as the delivery pipeline knows people) reaches the citizen too.
        long accessId = record("register.nguoi", List.of(entityId));
        mvc.perform(get("/api/me/accesses").session(session))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accesses[0].accessId").value(accessId));
        mvc.perform(get("/api/me/accesses/" + accessId + "/proof").session(session))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.subjectId").value(entityId));
    }

    private static AccessProof withSubject(AccessProof p, String subjectId) {
        return new AccessProof(
                p.accessId(),
                p.status(),
                p.ledgerIndex(),
                p.entry(),
                p.checkpoint(),
                p.verifierKey(),
                p.inclusionProof(),
                subjectId,
                p.subjectSalt(),
                p.subjectLeafIndex(),
                p.subjectCount(),
                p.subjectPath(),
                p.subjectsRoot());
    }

    private static AccessProof withEntry(AccessProof p, String entry) {
        return new AccessProof(
                p.accessId(),
                p.status(),
                p.ledgerIndex(),
                entry,
                p.checkpoint(),
                p.verifierKey(),
                new ArrayList<>(p.inclusionProof()),
                p.subjectId(),
                p.subjectSalt(),
                p.subjectLeafIndex(),
                p.subjectCount(),
                p.subjectPath(),
                p.subjectsRoot());
    }
}
