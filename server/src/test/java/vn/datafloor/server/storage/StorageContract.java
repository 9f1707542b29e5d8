package vn.datafloor.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.AuditRecord;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.platform.ProblemException;

/**
 * The control database's behaviour that the application relies on, run against each supported
 * database: the embedded H2 ({@code H2StorageTest}) and PostgreSQL ({@code PostgresStorageTest}).
 * Everything goes through the real services and the real Flyway schema. The database outlives a
 * single test, so every test makes its own uniquely named organisations and users.
 *
 * <p>Every connection runs in the Asia/Ho_Chi_Minh session time zone (UTC+7, the platform's home)
 * so that a column or conversion that silently depends on the session zone shows up as a shift.
 */
@SpringBootTest(
        properties = {
            "spring.datasource.hikari.connection-init-sql=SET TIME ZONE 'Asia/Ho_Chi_Minh'",
            // No scheduled checkpoints while the tests run: they would only add noise to the ledger.
            "datafloor.ledger.checkpoint-interval=PT12H"
        })
@AutoConfigureMockMvc
public abstract class StorageContract {

    /** A strong password that passes the password policy and contains none of the test usernames. */
    protected static final String PASSWORD = "mây trắng bay trên đỉnh Fansipan 2026";

    private static final SecureRandom RANDOM = new SecureRandom();

    @Autowired
    protected OrganisationService organisations;

    @Autowired
    protected UserService users;

    @Autowired
    protected ApiKeyService apiKeys;

    @Autowired
    protected AuditLog auditLog;

    @Autowired
    protected AuditQueries auditQueries;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected MockMvc mvc;

    @Autowired
    protected JsonMapper json;

    /** A fresh data directory (ledger, keys and, for H2, the database) under {@code target/}. */
    protected static Path newDataDir(String prefix) {
        try {
            Path parent = Files.createDirectories(Path.of("target", "test-data"));
            return Files.createTempDirectory(parent, prefix).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Eight lowercase hex characters, so names and usernames never collide between tests or runs. */
    protected static String suffix() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** An operator organisation with an OPERATOR_ADMIN in it, and that administrator as an actor. */
    protected record Tenant(Organisation organisation, UserAccount admin, Actor actor) {}

    protected Tenant newOperatorTenant() {
        String s = suffix();
        Organisation org = organisations.bootstrap("Trung tâm vận hành " + s, OrganisationKind.OPERATOR);
        UserAccount admin = users.bootstrapStaff(
                org.id(), "op-" + s, "Quản trị " + s, null, EnumSet.of(Role.OPERATOR_ADMIN), PASSWORD);
        Actor actor = new Actor(admin.id(), admin.username(), org.id(), Set.of(Role.OPERATOR_ADMIN), null, Set.of());
        return new Tenant(org, admin, actor);
    }

    @Test
    void flywayAppliedTheFirstMigration() {
        List<Map<String, Object>> rows = jdbc.sql(
                        "select version, success from flyway_schema_history where version = '1'")
                .query()
                .listOfRows();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("success", true);
        for (String table :
                List.of("organisation", "app_user", "user_role", "api_key", "audit_event", "ledger_commitment")) {
            assertThat(jdbc.sql("select count(*) from " + table)
                            .query(Long.class)
                            .single())
                    .as("table %s exists", table)
                    .isNotNegative();
        }
    }

    @Test
    void organisationsAndUsersRoundTripWithTheirRoles() {
        String s = suffix();
        Organisation org = organisations.bootstrap("Cơ quan thử nghiệm " + s, OrganisationKind.STATE_AGENCY);
        assertThat(org.id()).isPositive();
        assertThat(org.kind()).isEqualTo(OrganisationKind.STATE_AGENCY);
        assertThat(org.verified()).isTrue();
        assertThat(org.enabled()).isTrue();
        assertThat(organisations
                        .bootstrap("Cơ quan thử nghiệm " + s, OrganisationKind.STATE_AGENCY)
                        .id())
                .as("bootstrap is idempotent by name")
                .isEqualTo(org.id());

        UserAccount user = users.bootstrapStaff(
                org.id(),
                "staff-" + s,
                "Cán bộ " + s,
                "canbo." + s + "@example.vn",
                EnumSet.of(Role.ORG_ADMIN, Role.DATA_STEWARD),
                PASSWORD);
        UserAccount loaded = users.findByUsername("STAFF-" + s).orElseThrow();
        assertThat(loaded.id()).isEqualTo(user.id());
        assertThat(loaded.orgId()).isEqualTo(org.id());
        assertThat(loaded.email()).isEqualTo("canbo." + s + "@example.vn");
        assertThat(loaded.kind()).isEqualTo(UserAccount.AccountKind.STAFF);
        assertThat(loaded.enabled()).isTrue();
        assertThat(loaded.roles()).containsExactlyInAnyOrder(Role.ORG_ADMIN, Role.DATA_STEWARD);
        assertThat(loaded.lockedUntil()).isNull();
        assertThat(loaded.lastLoginAt()).isNull();

        Tenant operator = newOperatorTenant();
        UserAccount changed = users.setRoles(operator.actor(), user.id(), EnumSet.of(Role.ANALYST));
        assertThat(changed.roles()).containsExactly(Role.ANALYST);
        assertThat(users.findByUsername("staff-" + s).orElseThrow().roles()).containsExactly(Role.ANALYST);
        assertThat(users.list(operator.actor(), org.id()))
                .extracting(UserAccount::username)
                .containsExactly("staff-" + s);
    }

    @Test
    void aTakenUsernameIsAConflict() {
        Tenant operator = newOperatorTenant();
        String username = "dup-" + suffix();
        UserAccount first = users.create(
                operator.actor(),
                operator.organisation().id(),
                new UserService.NewUser(username, "Người thứ nhất", null, EnumSet.of(Role.AUDITOR), PASSWORD));
        assertThat(first.roles()).containsExactly(Role.AUDITOR);

        assertThatThrownBy(() -> users.create(
                        operator.actor(),
                        operator.organisation().id(),
                        new UserService.NewUser(
                                username.toUpperCase(java.util.Locale.ROOT),
                                "Người thứ hai",
                                null,
                                EnumSet.of(Role.ANALYST),
                                PASSWORD)))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.messageKey()).isEqualTo("user.usernameTaken");
                });

        // Past the service's check (two requests racing), the database's unique constraint still holds.
        assertThatThrownBy(() -> jdbc.sql("""
                insert into app_user(org_id, username, display_name, kind, enabled, failed_attempts, created_at)
                values (?, ?, 'Bản sao', 'STAFF', true, 0, ?)""")
                        .params(operator.organisation().id(), username, Timestamp.from(Instant.now()))
                        .update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(users.list(operator.actor(), operator.organisation().id()))
                .filteredOn(u -> u.username().equals(username))
                .hasSize(1);
    }

    @Test
    void apiKeysAreCreatedMatchedAndRevoked() throws Exception {
        Tenant operator = newOperatorTenant();
        Duration lifetime = Duration.ofDays(30);
        ApiKeyService.CreatedKey created = apiKeys.create(
                operator.actor(), "khóa kiểm thử " + suffix(), Set.of("audit:read", "users:read"), lifetime);
        String id = created.key().id();
        assertThat(created.token()).startsWith("dfk_" + id + "_");

        ApiKeyService.ApiKey stored = keyVisibleTo(operator.actor(), id);
        assertThat(stored.orgId()).isEqualTo(operator.organisation().id());
        assertThat(stored.userId()).isEqualTo(operator.admin().id());
        assertThat(stored.scopes()).containsExactly("audit:read", "users:read");
        assertThat(stored.expiresAt()).isEqualTo(stored.createdAt().plus(lifetime));
        assertThat(stored.revokedAt()).isNull();
        assertThat(stored.lastUsedAt()).isNull();

        // The token is matched against the stored hash by the real authentication filter.
        awaitLedger();
        mvc.perform(get("/api/audit/events")
                        .param("type", "API_KEY_CREATED")
                        .param("orgId", Long.toString(operator.organisation().id()))
                        .header("Authorization", "Bearer " + created.token()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[0].summary").value(org.hamcrest.Matchers.containsString(id)));
        assertThat(keyVisibleTo(operator.actor(), id).lastUsedAt()).isNotNull();

        String wrongSecret = created.token().substring(0, created.token().length() - 4) + "AAAA";
        mvc.perform(get("/api/audit/events").header("Authorization", "Bearer " + wrongSecret))
                .andExpect(status().isUnauthorized());

        ApiKeyService.ApiKey revoked = apiKeys.revoke(operator.actor(), id);
        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(keyVisibleTo(operator.actor(), id).revokedAt()).isEqualTo(revoked.revokedAt());
        mvc.perform(get("/api/audit/events").header("Authorization", "Bearer " + created.token()))
                .andExpect(status().isUnauthorized());

        awaitLedger();
        List<AuditRecord> revocations = auditQueries.search(
                "API_KEY_REVOKED",
                null,
                null,
                operator.organisation().id(),
                operator.admin().id(),
                10,
                0);
        assertThat(revocations)
                .extracting(AuditRecord::summary)
                .anySatisfy(s -> assertThat(s).contains(id));
    }

    private ApiKeyService.ApiKey keyVisibleTo(Actor actor, String id) {
        return apiKeys.visibleTo(actor).stream()
                .filter(k -> k.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("API key " + id + " not listed"));
    }

    @Test
    void auditEventsAreRecordedAndSearchable() {
        Tenant operator = newOperatorTenant();
        long orgId = operator.organisation().id();
        UserAccount created = users.create(
                operator.actor(),
                orgId,
                new UserService.NewUser(
                        "audited-" + suffix(), "Người được ghi nhận", null, EnumSet.of(Role.ANALYST), PASSWORD));
        awaitLedger();

        List<AuditRecord> byType = auditQueries.search(
                "USER_CREATED", null, null, orgId, operator.admin().id(), 10, 0);
        assertThat(byType).hasSize(1);
        AuditRecord record = byType.get(0);
        assertThat(record.type()).isEqualTo("USER_CREATED");
        assertThat(record.outcome()).isEqualTo("SUCCESS");
        assertThat(record.orgId()).isEqualTo(orgId);
        assertThat(record.actorUserId()).isEqualTo(operator.admin().id());
        assertThat(record.summary()).contains("user " + created.id() + " created");
        assertThat(auditQueries.entryText(record.ledgerIndex())).contains("\"USER_CREATED\"");

        // Filters: organisation alone finds the bootstrap events too, newest first; a time window excludes.
        List<AuditRecord> ofOrg = auditQueries.search(null, null, null, orgId, null, 50, 0);
        assertThat(ofOrg).extracting(AuditRecord::type).contains("ORGANISATION_CREATED", "USER_CREATED");
        assertThat(ofOrg).extracting(AuditRecord::ledgerIndex).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(auditQueries.search(
                        "USER_CREATED", record.occurredAt(), record.occurredAt().plusMillis(1), orgId, null, 10, 0))
                .extracting(AuditRecord::ledgerIndex)
                .contains(record.ledgerIndex());
        assertThat(auditQueries.search("USER_CREATED", record.occurredAt().plusMillis(1), null, orgId, null, 10, 0))
                .extracting(AuditRecord::ledgerIndex)
                .doesNotContain(record.ledgerIndex());
        assertThat(auditQueries.search("USER_CREATED", null, record.occurredAt(), orgId, null, 10, 0))
                .extracting(AuditRecord::ledgerIndex)
                .doesNotContain(record.ledgerIndex());
        assertThat(auditQueries.countsByType(record.occurredAt()))
                .anySatisfy(c -> assertThat(c.type()).isEqualTo("USER_CREATED"));
    }

    @Test
    void timestampsRoundTripWithoutATimeZoneShift() {
        Tenant operator = newOperatorTenant();
        long index = auditLog.record(new AuditEvent(
                EventType.PASSWORD_CHANGED,
                operator.admin().id(),
                null,
                operator.organisation().id(),
                AuditEvent.Outcome.SUCCESS,
                null,
                "timestamp probe",
                Map.of()));

        // The ledger entry carries the instant as UTC text; the index row must hold exactly the same instant.
        String entry = auditQueries.entryText(index);
        JsonNode parsed = json.readTree(entry);
        Instant written = Instant.parse(parsed.get("at").asString());
        AuditRecord indexed = auditQueries
                .search(
                        "PASSWORD_CHANGED",
                        null,
                        null,
                        operator.organisation().id(),
                        operator.admin().id(),
                        1,
                        0)
                .get(0);
        assertThat(indexed.ledgerIndex()).isEqualTo(index);
        assertThat(indexed.occurredAt()).isEqualTo(written);

        // Independently of JDBC conversions: the database's own epoch value is the same instant.
        BigDecimal epoch = jdbc.sql("select extract(epoch from occurred_at) from audit_event where ledger_index = ?")
                .param(index)
                .query(BigDecimal.class)
                .single();
        assertThat(epoch.movePointRight(3).longValueExact()).isEqualTo(written.toEpochMilli());

        // Rows written through the services: creation times fall between the moments around the call.
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Organisation org = organisations.bootstrap("Tổ chức thời gian " + suffix(), OrganisationKind.ENTERPRISE);
        Instant after = Instant.now().plusMillis(1).truncatedTo(ChronoUnit.MILLIS);
        assertThat(org.createdAt()).isBetween(before, after);
        Instant reloaded = organisations.get(operator.actor(), org.id()).createdAt();
        assertThat(reloaded).isEqualTo(org.createdAt());
    }

    @Test
    void vietnameseTextRoundTrips() {
        String s = suffix();
        String orgName = "Sở Y tế Hà Nội " + s;
        String personName = "Nguyễn Thị Minh Khai";
        assertThat(Normalizer.isNormalized(orgName, Normalizer.Form.NFC)).isTrue();
        assertThat(Normalizer.isNormalized(personName, Normalizer.Form.NFC)).isTrue();

        Organisation org = organisations.bootstrap(orgName, OrganisationKind.STATE_AGENCY);
        UserAccount user =
                users.bootstrapStaff(org.id(), "minhkhai-" + s, personName, null, EnumSet.of(Role.ANALYST), PASSWORD);

        Tenant operator = newOperatorTenant();
        assertThat(organisations.get(operator.actor(), org.id()).name()).isEqualTo(orgName);
        assertThat(organisations.visibleTo(operator.actor()))
                .extracting(Organisation::name)
                .contains(orgName);
        assertThat(users.findByUsername("minhkhai-" + s).orElseThrow().displayName())
                .isEqualTo(personName);
        // Case-insensitive lookup works on Vietnamese letters too (lower('SỞ') = 'sở').
        assertThat(organisations
                        .bootstrap("SỞ Y TẾ HÀ NỘI " + s, OrganisationKind.STATE_AGENCY)
                        .id())
                .isEqualTo(org.id());

        // Stored as characters, not bytes: the database agrees on the length of the text.
        assertThat(jdbc.sql("select length(display_name) from app_user where id = ?")
                        .param(user.id())
                        .query(Integer.class)
                        .single())
                .isEqualTo(personName.length());
        assertThat(jdbc.sql("select count(*) from organisation where name = ?")
                        .param(orgName)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);

        // Decomposed input (as some keyboards send it) is stored composed.
        String decomposed = Normalizer.normalize("Trần Thị Ngọc Ánh", Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo("Trần Thị Ngọc Ánh");
        UserAccount created = users.create(
                operator.actor(),
                org.id(),
                new UserService.NewUser("ngocanh-" + s, decomposed, null, EnumSet.of(Role.DATA_STEWARD), PASSWORD));
        assertThat(users.findByUsername("ngocanh-" + s).orElseThrow().displayName())
                .isEqualTo("Trần Thị Ngọc Ánh");
        assertThat(created.displayName()).isEqualTo("Trần Thị Ngọc Ánh");
    }

    @Autowired
    protected vn.datafloor.server.exchange.MoneyJournal journal;

    @Autowired
    protected org.springframework.transaction.support.TransactionTemplate transactions;

    /** Many buyers at once, half of them double submits: exactly what is there is spent, each key once. */
    @Test
    void moneyIsNeitherOverspentNorChargedTwiceUnderConcurrentBuyers() throws Exception {
        Organisation buyerOrg = organisations.bootstrap("Bên mua " + suffix(), OrganisationKind.ENTERPRISE);
        Organisation sellerOrg = organisations.bootstrap("Bên bán " + suffix(), OrganisationKind.STATE_AGENCY);
        var bank = journal.platformAccount(vn.datafloor.server.exchange.MoneyJournal.AccountKind.PLATFORM_BANK);
        var buyer = journal.account(buyerOrg.id(), vn.datafloor.server.exchange.MoneyJournal.AccountKind.CASH);
        var seller = journal.account(sellerOrg.id(), vn.datafloor.server.exchange.MoneyJournal.AccountKind.CASH);
        String run = suffix();
        journal.post(
                vn.datafloor.server.exchange.MoneyJournal.TransactionKind.TOP_UP,
                "topup-" + run,
                List.of(
                        new vn.datafloor.server.exchange.MoneyJournal.Posting(bank.id(), -50_000),
                        new vn.datafloor.server.exchange.MoneyJournal.Posting(buyer.id(), 50_000)),
                "top-up",
                null,
                buyerOrg.id());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String key = "buy-" + run + "-" + (i - i % 2);
                done.add(pool.submit(() -> {
                    try {
                        journal.post(
                                vn.datafloor.server.exchange.MoneyJournal.TransactionKind.PURCHASE,
                                key,
                                List.of(
                                        new vn.datafloor.server.exchange.MoneyJournal.Posting(buyer.id(), -3_000),
                                        new vn.datafloor.server.exchange.MoneyJournal.Posting(seller.id(), 3_000)),
                                "purchase",
                                null,
                                buyerOrg.id());
                    } catch (vn.datafloor.server.exchange.MoneyJournal.InsufficientFundsException refused) {
                        // expected once the money is spent
                    }
                    return null;
                }));
            }
            for (var future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        long purchases = jdbc.sql("select count(*) from money_transaction where idempotency_key like ?")
                .param("buy-" + run + "-%")
                .query(Long.class)
                .single();
        assertThat(purchases).as("16 purchases of 3,000 fit in 50,000").isEqualTo(16);
        assertThat(journal.balance(buyer.id())).isEqualTo(50_000 - 16 * 3_000);
        assertThat(journal.balance(seller.id())).isEqualTo(16 * 3_000);
        assertThat(journal.trialBalance().total()).isZero();
    }

    /**
     * The statements a batch of purchases relies on, on this database: a JDBC batch of conditional debits
     * says which took, and one insert of several transactions returns each one's id with its key.
     */
    @Test
    void aBatchOfDebitsTakesWhatIsThereAndEachTransactionIsRecordedOnce() {
        Organisation buyerOrg = organisations.bootstrap("Bên mua theo lô " + suffix(), OrganisationKind.ENTERPRISE);
        Organisation sellerOrg = organisations.bootstrap("Bên bán theo lô " + suffix(), OrganisationKind.STATE_AGENCY);
        var bank = journal.platformAccount(vn.datafloor.server.exchange.MoneyJournal.AccountKind.PLATFORM_BANK);
        var buyer = journal.account(buyerOrg.id(), vn.datafloor.server.exchange.MoneyJournal.AccountKind.CASH);
        var seller = journal.account(sellerOrg.id(), vn.datafloor.server.exchange.MoneyJournal.AccountKind.CASH);
        String run = suffix();
        journal.post(
                vn.datafloor.server.exchange.MoneyJournal.TransactionKind.TOP_UP,
                "lot-topup-" + run,
                List.of(
                        new vn.datafloor.server.exchange.MoneyJournal.Posting(bank.id(), -10_000),
                        new vn.datafloor.server.exchange.MoneyJournal.Posting(buyer.id(), 10_000)),
                "top-up",
                null,
                buyerOrg.id());
        var debit = new vn.datafloor.server.exchange.MoneyJournal.Posting(buyer.id(), -4_000);

        List<vn.datafloor.server.exchange.MoneyJournal.Transaction> made = transactions.execute(status -> {
            journal.lockAccounts(List.of(seller.id(), buyer.id()));
            boolean[] taken = journal.debitAll(List.of(debit, debit, debit));
            assertThat(taken).containsExactly(true, true, false);
            List<vn.datafloor.server.exchange.MoneyJournal.NewTransaction> news = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                news.add(new vn.datafloor.server.exchange.MoneyJournal.NewTransaction(
                        vn.datafloor.server.exchange.MoneyJournal.TransactionKind.PURCHASE,
                        "lot-" + run + "-" + i,
                        List.of(debit, new vn.datafloor.server.exchange.MoneyJournal.Posting(seller.id(), 4_000)),
                        "purchase " + i,
                        null,
                        buyerOrg.id()));
            }
            return journal.recordAllNew(news);
        });

        assertThat(made)
                .extracting(vn.datafloor.server.exchange.MoneyJournal.Transaction::idempotencyKey)
                .containsExactly("lot-" + run + "-0", "lot-" + run + "-1");
        for (var transaction : made) {
            assertThat(jdbc.sql("select idempotency_key from money_transaction where id = ?")
                            .param(transaction.id())
                            .query(String.class)
                            .single())
                    .isEqualTo(transaction.idempotencyKey());
            assertThat(jdbc.sql("select sum(amount) from money_posting where transaction_id = ? and account_id = ?")
                            .params(transaction.id(), seller.id())
                            .query(Long.class)
                            .single())
                    .isEqualTo(4_000);
        }
        assertThat(journal.balance(buyer.id())).isEqualTo(2_000);
        assertThat(journal.balance(seller.id())).isEqualTo(8_000);
        var trial = journal.trialBalance();
        assertThat(trial.total()).isZero();
        assertThat(trial.drifted()).isEmpty();
    }

    /** An entry recorded in a transaction that rolls back never reaches the ledger; a committed one does. */
    @Test
    void ledgerEntriesFollowTheirTransaction() {
        String marker = "outbox-" + suffix();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                    auditLog.record(new AuditEvent(
                            EventType.SOURCE_REGISTERED,
                            null,
                            null,
                            null,
                            AuditEvent.Outcome.SUCCESS,
                            null,
                            marker + " rolled back",
                            Map.of("marker", marker)));
                    throw new IllegalStateException("rolled back");
                }))
                .hasMessage("rolled back");
        transactions.executeWithoutResult(status -> auditLog.record(new AuditEvent(
                EventType.SOURCE_REGISTERED,
                null,
                null,
                null,
                AuditEvent.Outcome.SUCCESS,
                null,
                marker + " committed",
                Map.of("marker", marker))));
        awaitLedger();
        assertThat(jdbc.sql("select summary from audit_event where summary like ?")
                        .param(marker + "%")
                        .query(String.class)
                        .list())
                .containsExactly(marker + " committed");
        assertThat(jdbc.sql("select count(*) from audit_outbox")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /** Entries of committed transactions are appended by the audit relay: wait until it has caught up. */
    protected void awaitLedger() {
        try {
            assertThat(auditLog.awaitRelayed(java.time.Duration.ofSeconds(30))).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
