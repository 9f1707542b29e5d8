package vn.datafloor.server.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.access.AccessException;
import vn.datafloor.integration.access.AccessSession;
import vn.datafloor.integration.access.AccessView;
import vn.datafloor.integration.access.ConsentFilter;
import vn.datafloor.integration.access.ExportResult;
import vn.datafloor.integration.access.Mask;
import vn.datafloor.integration.access.QueryResult;
import vn.datafloor.integration.access.RowFilter;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.sandbox.SandboxResult;
import vn.datafloor.policy.Decision;
import vn.datafloor.policy.Evaluator;
import vn.datafloor.policy.Policy;
import vn.datafloor.policy.Request;
import vn.datafloor.policy.WorldState;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.GroupCommit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.privacy.AccessIndex;
import vn.datafloor.server.privacy.ConsentService;

/**
 * Delivery of an agreement's data through every channel, by one enforcement pipeline: the consumer
 * (a member of the buying organisation, or an API key scoped to the agreement) → the agreement in
 * force → the ODRL decision on its terms → the permitted view (column masks from the dataset's
 * personal-data classification, the consent filter where consent is the legal basis) → the rate
 * limit → execution in a locked-down DuckDB session → metering → the ledger entry and the access
 * index naming the data subjects touched.
 */
@Service
public class DeliveryService {

    /** The channels, as the ledger and the usage meter name them. */
    public enum Channel {
        REST,
        SQL,
        EXPORT,
        SANDBOX
    }

    private final ContractService contracts;
    private final CatalogService catalog;
    private final DatasetService datasets;
    private final ConsentService consents;
    private final AccessIndex accessIndex;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final RateLimits rateLimits;
    private final byte[] hashSecret;
    private final AccessSessions sessions;
    private final SandboxChannel sandbox;
    private final ExportLinks exports;
    private final GroupCommit recorder;
    private final vn.datafloor.server.identity.OrganisationService organisations;

    DeliveryService(
            ContractService contracts,
            CatalogService catalog,
            DatasetService datasets,
            ConsentService consents,
            AccessIndex accessIndex,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            DatafloorProperties properties,
            SandboxChannel sandbox,
            ExportLinks exports,
            org.springframework.transaction.support.TransactionTemplate transactions,
            vn.datafloor.server.identity.OrganisationService organisations,
            vn.datafloor.server.platform.ClusterNode node,
            @Value("${datafloor.access.requests-per-second:200}") int requestsPerSecond) {
        this.organisations = organisations;
        this.recorder = new GroupCommit(transactions, "datafloor-access-records");
        this.contracts = contracts;
        this.catalog = catalog;
        this.datasets = datasets;
        this.consents = consents;
        this.accessIndex = accessIndex;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.rateLimits = new RateLimits(requestsPerSecond);
        this.sessions =
                new AccessSessions(properties.dataDir().resolve("access").resolve("sessions"), 16, datasets);
        this.sandbox = sandbox;
        this.exports = exports;
        // The same on every process: two replicas must hash a masked value alike for one agreement.
        this.hashSecret = AccessKeys.secret(node.sharedKey(properties.keysDir().resolve("access-hash.key")));
    }

    /** What an agreement lets its consumer see: the table, its visible columns and how each is shown. */
    public record Grant(
            ContractService.Entitlement entitlement,
            String table,
            List<String> columns,
            Map<String, Mask> masks,
            boolean consentFiltered,
            String subjectColumn,
            int version,
            List<CatalogEntry.Column> catalogColumns,
            AccessView view,
            ContractService.Contract contract) {}

    /** The page of rows a REST call returns, with what the meter counted. */
    public record Delivered(List<String> columns, List<Map<String, Object>> rows, boolean truncated, long accessId) {}

    // ------------------------------------------------------------------ the pipeline's first half

    /**
     * Authorizes {@code actor} on the agreement for {@code channel} and returns its permitted view, or
     * refuses (with the refusal on the ledger): 404 for an agreement that is not theirs, 403 for a key
     * scoped elsewhere or terms that deny, 409 for an agreement not in force, 429 over the rate limit.
     */
    public Grant grant(Actor actor, long agreementId, Channel channel) {
        // A key made for another agreement learns nothing, not even whether this one exists.
        if (actor.viaApiKey() && !actor.scopes().contains(AccessKeys.scope(agreementId))) {
            throw refused(
                    actor,
                    agreementId,
                    channel,
                    HttpStatus.FORBIDDEN,
                    "access.keyScope",
                    "This API key is not scoped to agreement " + agreementId + ": create one on its access page");
        }
        ContractService.Contract contract = contracts
                .contract(agreementId)
                .filter(c -> actor.orgId() != null && actor.orgId() == c.buyerOrg())
                .orElseThrow(() -> ProblemException.notFound("No agreement " + agreementId + " of yours"));
        policy.require(actor, Action.ACCESS_DATA, contract.buyerOrg());
        ContractService.Entitlement entitlement = contracts
                .entitlement(contract)
                .orElseThrow(() -> refused(
                        actor,
                        agreementId,
                        channel,
                        HttpStatus.CONFLICT,
                        "access.notInForce",
                        "Agreement " + agreementId + " is not in force (ended, terminated or not yet paid)"));
        Instant now = clock.instant();
        Policy terms = contracts.terms(entitlement.policy());
        CatalogEntry entry = catalog.stored(entitlement.dataset())
                .orElseThrow(() -> ProblemException.notFound("The agreement's dataset is no longer in the catalog"));
        // The same facts the order was checked on: terms that name the buyer's kind of organisation or the
        // data's classification were refused at every delivery when these were missing from the request.
        String buyerKind =
                organisations.kind(entitlement.buyerOrg()).map(Enum::name).orElse("UNKNOWN");
        Decision decision = Evaluator.evaluate(
                terms,
                Request.of(
                                "urn:datafloor:org:" + entitlement.buyerOrg(),
                                "use",
                                terms.targets().isEmpty()
                                        ? null
                                        : terms.targets().get(0))
                        .with("purpose", entitlement.purpose())
                        .with("spatial", "VN")
                        .with("df:crossBorder", "false")
                        .with("df:legalBasis", "df:contract")
                        .with("df:deliveryChannel", "df:" + channel.name().toLowerCase(java.util.Locale.ROOT))
                        .with("df:organisationKind", "df:" + buyerKind)
                        .with(
                                "df:dataClassification",
                                "df:" + (entry.importance() == null ? "other" : entry.importance())),
                WorldState.at(now).startedAt(entitlement.from()));
        if (!decision.permitted()) {
            List<String> reasons = decision.reasons().stream()
                    .filter(r -> r.kind() != Decision.ReasonKind.PERMITTED)
                    .map(Decision.Reason::toString)
                    .toList();
            throw refused(
                    actor,
                    agreementId,
                    channel,
                    HttpStatus.FORBIDDEN,
                    "access.notPermitted",
                    "The agreement's terms do not permit this access: " + String.join("; ", reasons));
        }
        if (!rateLimits.take(agreementId)) {
            throw ProblemException.tooManyRequests(
                    "access.rateLimited", "Too many requests on this agreement; wait a second and retry", 1);
        }
        try {
            return view(contract, entitlement, entry, decision.rowScope());
        } catch (RowScopes.Unenforceable e) {
            // The terms sold some rows only and the enforcer cannot tell which now: nothing is delivered.
            throw refused(
                    actor,
                    agreementId,
                    channel,
                    HttpStatus.FORBIDDEN,
                    "access.rowScope",
                    "The agreement's terms keep only some rows and they cannot be kept on the dataset as it is now: "
                            + e.getMessage());
        }
    }

    /**
     * The permitted view: the dataset's columns with their masks, the rows the terms' row scope keeps (typed by the
     * catalog's columns), the consent filter where consent is the basis.
     */
    private Grant view(
            ContractService.Contract contract,
            ContractService.Entitlement entitlement,
            CatalogEntry entry,
            List<vn.datafloor.policy.Constraint.Atomic> rowScope)
            throws RowScopes.Unenforceable {
        DatasetVersion version = (entitlement.version() == null
                        ? datasets.latestVersion(entry.dataset())
                        : datasets.version(entry.dataset(), entitlement.version()))
                .orElseThrow(() -> ProblemException.conflict(
                        "access.noVersion", "The agreement's dataset version is not in the lake"));
        Map<String, Mask> masks = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        String subjectColumn = null;
        boolean personal = false;
        for (CatalogEntry.Column column : entry.columns()) {
            columns.add(column.name());
            Mask mask = MaskRules.maskFor(column);
            if (mask != null) {
                masks.put(column.name(), mask);
            }
            if (column.personal() || column.unconfirmed()) {
                personal = true;
            }
            if (subjectColumn == null && MaskRules.identifies(column)) {
                subjectColumn = column.name();
            }
        }
        boolean consentFiltered = personal && subjectColumn != null;
        Optional<ConsentFilter> consent = consentFiltered
                ? Optional.of(new ConsentFilter(
                        subjectColumn,
                        consents.consentedSubjects(entitlement.buyerOrg(), entitlement.purpose(), clock.instant())))
                : Optional.empty();
        List<RowFilter> rowFilters = RowScopes.filters(rowScope, entry.columns());
        String table = tableName(entry.dataset());
        AccessView view = new AccessView(
                table,
                version.files(),
                columns,
                masks,
                rowFilters,
                consent,
                subjectColumn == null ? columns.get(0) : subjectColumn,
                hashKey(entitlement.contractId()));
        return new Grant(
                entitlement,
                table,
                columns,
                masks,
                consentFiltered,
                subjectColumn,
                version.version(),
                entry.columns(),
                view,
                contract);
    }

    /** The name buyers use for the dataset in SQL: its lake name, letters, digits and underscores. */
    static String tableName(String dataset) {
        String name = dataset.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return Character.isLetter(name.charAt(0)) ? name : "d_" + name;
    }

    /** The key of the agreement's keyed hashes: one per agreement, so two buyers' copies do not join. */
    private byte[] hashKey(long agreementId) {
        if (hashKeys.size() >= 4096) {
            hashKeys.clear(); // a bound, not a policy: the keys are derived again at will
        }
        byte[] key = hashKeys.computeIfAbsent(agreementId, id -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(hashSecret, "HmacSHA256"));
                return mac.doFinal(("agreement:" + id).getBytes(StandardCharsets.UTF_8));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        return key.clone();
    }

    /** Derived keys by agreement: deriving one (a MAC instance looked up and keyed) cost more than the rest of a view. */
    private final ConcurrentHashMap<Long, byte[]> hashKeys = new ConcurrentHashMap<>();

    // ------------------------------------------------------------------ channels

    /** REST: a page of the permitted rows, the named fields, rows passing the filters. */
    public Delivered rows(
            Actor actor, long agreementId, List<String> fields, List<RowFilter> filters, int offset, int limit) {
        Grant grant = grant(actor, agreementId, Channel.REST);
        QueryResult result =
                run(actor, grant, Channel.REST, session -> session.rows(grant.table(), fields, filters, offset, limit));
        long accessId = delivered(actor, grant, Channel.REST, result.fingerprint(), result);
        return new Delivered(result.columns(), asMaps(result), result.truncated(), accessId);
    }

    /** SQL: a read-only SELECT over the agreement's table, rewritten onto the permitted view. */
    public Delivered query(Actor actor, long agreementId, String sql, int maxRows) {
        Grant grant = grant(actor, agreementId, Channel.SQL);
        requireSql(sql);
        QueryResult result =
                run(actor, grant, Channel.SQL, session -> session.query(sql, Math.max(1, Math.min(maxRows, 10_000))));
        long accessId = delivered(actor, grant, Channel.SQL, result.fingerprint(), result);
        return new Delivered(result.columns(), asMaps(result), result.truncated(), accessId);
    }

    /** A CSV or Parquet file of the permitted rows, behind a single-use link that expires. */
    public ExportLinks.Link export(Actor actor, long agreementId, AccessSession.Format format) {
        Grant grant = grant(actor, agreementId, Channel.EXPORT);
        Path target = exports.newFile(format);
        ExportResult result;
        try {
            result = sessions.session(grant.view()).export(grant.table(), format, target);
        } catch (AccessException e) {
            throw problem(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ContractService.Entitlement entitlement = grant.entitlement();
        long accessId = record(
                actor,
                grant,
                Channel.EXPORT,
                "export:" + result.sha256(),
                result.rows(),
                result.bytes(),
                grant.subjectColumn() == null ? Set.of() : result.subjects().ids());
        return exports.issue(entitlement.contractId(), entitlement.buyerOrg(), format, result, accessId);
    }

    /**
     * The file behind an export link, once: its buyer (signed in or with the agreement's key) fetches it
     * before it expires and while the agreement is still in force; then the link is spent.
     */
    public ExportLinks.Download download(Actor actor, String token) {
        ExportLinks.Pending pending = exports.pending(token)
                .filter(p -> actor.orgId() != null && actor.orgId() == p.orgId())
                .orElse(null);
        if (pending == null) {
            // Spent, expired, unknown or another organisation's: the answer does not say which; the ledger
            // names the agreement the link was made for (a replay, or a link passed on).
            exports.contractOf(token)
                    .ifPresent(contract -> recordRefusal(actor, contract, Channel.EXPORT, "access.exportGone"));
            throw ExportLinks.gone();
        }
        grant(actor, pending.contractId(), Channel.EXPORT);
        return exports.take(token, pending);
    }

    /** The sandbox: an aggregate query answered with noise, spending the agreement's privacy budget. */
    public SandboxResult sandbox(Actor actor, long agreementId, String sql) {
        Grant grant = grant(actor, agreementId, Channel.SANDBOX);
        requireSql(sql);
        if (grant.subjectColumn() == null) {
            throw ProblemException.conflict(
                    "access.sandboxNoSubject",
                    "The sandbox protects persons: this dataset has no column identifying them; use the SQL channel");
        }
        SandboxResult result;
        try {
            result = sandbox.answer(agreementId, grant.view(), grant.catalogColumns(), sql);
        } catch (ProblemException e) {
            if ("access.sandbox".equals(e.messageKey())) {
                recordRefusal(actor, agreementId, Channel.SANDBOX, e.messageKey());
            }
            throw e;
        }
        record(
                actor,
                grant,
                Channel.SANDBOX,
                "sandbox:" + Integer.toHexString(sql.strip().hashCode()),
                result.rows().size(),
                0,
                Set.of());
        return result;
    }

    /** The agreement's remaining privacy budget. */
    public vn.datafloor.integration.sandbox.PrivacyBudget budget(Actor actor, long agreementId) {
        grant(actor, agreementId, Channel.SANDBOX);
        return sandbox.budget(agreementId);
    }

    private static void requireSql(String sql) {
        if (sql == null || sql.isBlank()) {
            throw ProblemException.badRequest("access.sqlMissing", "Send a JSON body whose sql field holds a SELECT");
        }
    }

    private interface SessionCall {
        QueryResult call(AccessSession session);
    }

    private QueryResult run(Actor actor, Grant grant, Channel channel, SessionCall call) {
        try {
            return call.call(sessions.session(grant.view()));
        } catch (AccessException e) {
            throw refused(actor, grant, channel, e);
        } catch (IllegalStateException closedMeanwhile) {
            // Its view changed (a withdrawal) and another request closed it: once more on the current view.
            sessions.discard(grant.view());
            try {
                return call.call(sessions.session(grant.view()));
            } catch (AccessException e) {
                throw refused(actor, grant, channel, e);
            }
        }
    }

    /**
     * The engine refused the request itself (a second statement, another table, a file, a column outside
     * the view, a query over its limits): an attempt on the agreement, on the ledger like the refusals of
     * the pipeline's first half.
     */
    private ProblemException refused(Actor actor, Grant grant, Channel channel, AccessException e) {
        recordRefusal(actor, grant.entitlement().contractId(), channel, "access.refused:" + e.code());
        return problem(e);
    }

    @jakarta.annotation.PreDestroy
    void close() {
        recorder.close();
        sessions.closeAll();
    }

    static ProblemException problem(AccessException e) {
        HttpStatus status = switch (e.code()) {
            case TIMEOUT, RESOURCE_LIMIT -> HttpStatus.UNPROCESSABLE_ENTITY;
            case EXECUTION_FAILED -> HttpStatus.UNPROCESSABLE_ENTITY;
            default -> HttpStatus.BAD_REQUEST;
        };
        return new ProblemException(status, "access.refused", e.getMessage(), e.getMessage());
    }

    private static List<Map<String, Object>> asMaps(QueryResult result) {
        List<Map<String, Object>> rows = new ArrayList<>(result.rows().size());
        for (List<Object> row : result.rows()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < result.columns().size(); i++) {
                Object value = row.get(i);
                map.put(
                        result.columns().get(i),
                        value instanceof java.time.temporal.Temporal ? value.toString() : value);
            }
            rows.add(map);
        }
        return rows;
    }

    /** Metering and the record of the access: the ledger entry and the index of the subjects it touched. */
    private long delivered(Actor actor, Grant grant, Channel channel, String fingerprint, QueryResult result) {
        return record(
                actor,
                grant,
                channel,
                fingerprint,
                result.rows().size(),
                result.bytes(),
                grant.subjectColumn() == null ? Set.of() : result.subjects().ids());
    }

    private long record(
            Actor actor,
            Grant grant,
            Channel channel,
            String fingerprint,
            long rows,
            long bytes,
            Set<String> subjects) {
        ContractService.Entitlement entitlement = grant.entitlement();
        AccessIndex.AccessRecord access = new AccessIndex.AccessRecord(
                entitlement.contractId(),
                entitlement.buyerOrg(),
                entitlement.providerOrg(),
                entitlement.dataset(),
                grant.version(),
                entitlement.purpose(),
                AccessIndex.Channel.valueOf(channel.name()),
                fingerprint,
                rows,
                bytes,
                clock.instant(),
                actor);
        var commitment = accessIndex.prepare(subjects);
        // The access, its ledger entry's outbox row and its usage commit together, and concurrent requests'
        // records share one commit (the single writer batches them): a commit per request would make the
        // database's commit the limit of every channel.
        return recorder.run(() -> {
            long id = accessIndex.recordAccess(access, commitment);
            contracts.meter(grant.contract(), rows, bytes, channel.name());
            return id;
        });
    }

    private ProblemException refused(
            Actor actor, long agreementId, Channel channel, HttpStatus status, String key, String detail) {
        recordRefusal(actor, agreementId, channel, key);
        return new ProblemException(status, key, detail, agreementId);
    }

    private void recordRefusal(Actor actor, long agreementId, Channel channel, String key) {
        audit.record(new AuditEvent(
                EventType.ACCESS_REFUSED,
                actor.personId(),
                actor.personName(),
                actor.orgId(),
                AuditEvent.Outcome.DENIED,
                null,
                "access to agreement " + agreementId + " via " + channel + " refused: " + key,
                Map.of("agreement", Long.toString(agreementId), "channel", channel.name(), "reason", key)));
    }
}
