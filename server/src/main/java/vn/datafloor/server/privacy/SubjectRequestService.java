package vn.datafloor.server.privacy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Data-subject requests: a citizen asks the organisations holding their data for access, an export,
 * a correction, deletion, restriction, an objection, or to stop processing after a withdrawn consent.
 * Each organisation named (or, when none is named, each whose published datasets the catalog marks as
 * personal data) gets its own request with its own deadlines: acknowledged within 2 working days and
 * carried out within 15 days (PDP Law 91/2025, Decree 356/2025; see {@link WorkingDays} for the
 * counting). Requests past a deadline go to the operator (ESCALATED) on the platform's schedule.
 * Every step goes on the ledger, with the subject only as a salted commitment.
 */
@Service
public class SubjectRequestService {

    public enum Kind {
        ACCESS,
        EXPORT,
        CORRECTION,
        DELETION,
        RESTRICTION,
        OBJECTION,
        CONSENT_WITHDRAWAL
    }

    public enum State {
        SUBMITTED,
        ACKNOWLEDGED,
        IN_PROGRESS,
        DONE,
        REFUSED,
        ESCALATED;

        public boolean closed() {
            return this == DONE || this == REFUSED;
        }
    }

    /** Working days to acknowledge a request (Decree 356/2025). */
    public static final int ACKNOWLEDGE_WORKING_DAYS = 2;

    /** Days to carry a request out (PDP Law 91/2025; days, moved past a last day off: Civil Code art. 148). */
    public static final int COMPLETE_DAYS = 15;

    /**
     * One request to one organisation.
     *
     * @param subject the identity number, in clear only for the subject; masked for the organisation and the operator
     * @param acknowledgeOverdue still SUBMITTED after its acknowledgement deadline
     * @param completeOverdue still open after its completion deadline
     * @param dueSoon open, not overdue, with a deadline within a day: the organisation's reminder
     */
    public record SubjectRequest(
            long id,
            String filingId,
            String subject,
            long orgId,
            String organisation,
            Kind kind,
            String details,
            Long consentId,
            State state,
            String stateNote,
            Instant submittedAt,
            Instant acknowledgeDue,
            Instant completeDue,
            Instant acknowledgedAt,
            Instant closedAt,
            Instant escalatedAt,
            boolean acknowledgeOverdue,
            boolean completeOverdue,
            boolean dueSoon) {

        public boolean overdue() {
            return acknowledgeOverdue || completeOverdue;
        }

        public boolean open() {
            return !state.closed();
        }

        /** The deadline that counts now: acknowledgement until acknowledged, then completion. */
        public Instant nextDeadline() {
            return acknowledgedAt == null && state != State.IN_PROGRESS ? acknowledgeDue : completeDue;
        }
    }

    public record Step(State state, Instant at, Long orgId, String note) {}

    public record Detail(SubjectRequest request, List<Step> steps) {}

    /**
     * What a citizen files.
     *
     * @param organisations the organisations asked; empty: every one holding published personal data
     * @param consentId for CONSENT_WITHDRAWAL: the consent withdrawn (its controller and recipient are asked)
     */
    public record Filing(Kind kind, List<Long> organisations, String details, Long consentId) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ConsentService consents;
    private final CatalogService catalog;
    private final OrganisationService organisations;
    private final DataSubjects subjects;
    private final WorkingDays workingDays;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;

    SubjectRequestService(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            ConsentService consents,
            CatalogService catalog,
            OrganisationService organisations,
            DataSubjects subjects,
            WorkingDays workingDays,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.consents = consents;
        this.catalog = catalog;
        this.organisations = organisations;
        this.subjects = subjects;
        this.workingDays = workingDays;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ filing

    /**
     * A citizen files a request: one per organisation asked, each with its deadlines. A consent
     * withdrawal withdraws the consent on the platform at once (deliveries stop) and asks its
     * controller and recipient to stop processing within the deadline.
     *
     * @throws ProblemException 400 for a missing kind, an unknown organisation, no organisation holding
     *     personal data, or too long details; 404 for a consent not the caller's; 409 for a consent not in force
     */
    public List<SubjectRequest> file(Actor actor, Filing filing) {
        policy.require(actor, Action.FILE_SUBJECT_REQUESTS);
        String subject = subjects.subjectOf(actor);
        if (filing == null || filing.kind() == null) {
            throw ProblemException.badRequest(
                    "subjectRequest.kindMissing", "Say what you ask: one of " + List.of(Kind.values()));
        }
        String details = filing.details() == null ? null : filing.details().strip();
        if (details != null && details.length() > 4000) {
            throw ProblemException.badRequest("subjectRequest.detailsTooLong", "Details have at most 4000 characters");
        }
        if ((filing.kind() == Kind.CORRECTION) && (details == null || details.isEmpty())) {
            throw ProblemException.badRequest(
                    "subjectRequest.correction", "Say what is wrong and what is right, so it can be corrected");
        }
        Set<Long> targets = new LinkedHashSet<>();
        Long consentId = null;
        if (filing.kind() == Kind.CONSENT_WITHDRAWAL) {
            if (filing.consentId() == null) {
                throw ProblemException.badRequest(
                        "subjectRequest.consent", "Name the consent you withdraw (consentId)");
            }
            ConsentService.Consent withdrawn = consents.withdraw(actor, filing.consentId(), details);
            consentId = withdrawn.id();
            targets.add(withdrawn.controllerOrg());
            targets.add(withdrawn.recipientOrg());
        } else if (filing.organisations() != null && !filing.organisations().isEmpty()) {
            for (Long org : filing.organisations()) {
                if (org == null
                        || organisations.find(org).filter(Organisation::enabled).isEmpty()) {
                    throw ProblemException.badRequest(
                            "subjectRequest.organisationUnknown", "No organisation " + org, String.valueOf(org));
                }
                targets.add(org);
            }
        } else {
            holders().forEach(o -> targets.add(o.id()));
            if (targets.isEmpty()) {
                throw ProblemException.badRequest(
                        "subjectRequest.noHolder", "No organisation publishes personal data yet: name one");
            }
        }
        Instant now = now();
        Instant acknowledgeDue = workingDays.workingDaysAfter(now, ACKNOWLEDGE_WORKING_DAYS);
        Instant completeDue = workingDays.daysAfter(now, COMPLETE_DAYS);
        String filingId = UUID.randomUUID().toString();
        Long consent = consentId;
        List<Long> ids = transactions.execute(tx -> {
            List<Long> made = new ArrayList<>();
            for (long org : targets) {
                String salt = consents.salt();
                jdbc.sql("""
                                insert into privacy_request(filing_id, subject_id, subject_salt, user_id, org_id, kind,
                                  details, consent_id, state, submitted_at, acknowledge_due, complete_due)
                                values (?,?,?,?,?,?,?,?,?,?,?,?)""")
                        .params(
                                filingId,
                                subject,
                                salt,
                                actor.personId(),
                                org,
                                filing.kind().name(),
                                details,
                                consent,
                                State.SUBMITTED.name(),
                                Timestamp.from(now),
                                Timestamp.from(acknowledgeDue),
                                Timestamp.from(completeDue))
                        .update();
                long id = jdbc.sql("select id from privacy_request where filing_id = ? and org_id = ?")
                        .params(filingId, org)
                        .query(Long.class)
                        .single();
                step(id, State.SUBMITTED, now, actor.personId(), null, null);
                Map<String, String> facts = facts(id, org, filing.kind());
                facts.put("filing", filingId);
                facts.put("subject", "sha256:" + AuditLog.commitment(salt, subject));
                facts.put("acknowledgeDue", acknowledgeDue.toString());
                facts.put("completeDue", completeDue.toString());
                audit.record(new AuditEvent(
                        EventType.SUBJECT_REQUEST_FILED,
                        actor.personId(),
                        actor.personName(),
                        org,
                        AuditEvent.Outcome.SUCCESS,
                        ClientAddress.current(),
                        "data-subject request " + id + " (" + filing.kind() + ") filed to organisation " + org,
                        facts));
                made.add(id);
            }
            return made;
        });
        List<SubjectRequest> filed = new ArrayList<>();
        for (long id : ids) {
            filed.add(read(id, subject).orElseThrow());
        }
        return filed;
    }

    /**
     * The organisations holding personal data: those with a published catalog entry marked as personal
     * data (a column confirmed or detected as personal). Asked of the catalog as the platform.
     */
    public List<Organisation> holders() {
        Set<Long> ids = new LinkedHashSet<>();
        int offset = 0;
        while (offset < 10_000) {
            CatalogService.Results page = catalog.search(
                    Actor.SYSTEM, null, Map.of("personal", List.of("yes")), CatalogQuery.Sort.TITLE, offset, 1000);
            for (CatalogEntry entry : page.entries()) {
                if (entry.published() && entry.personalData()) {
                    ids.add(entry.orgId());
                }
            }
            offset += 1000;
            if (offset >= page.total()) {
                break;
            }
        }
        return ids.stream()
                .map(organisations::find)
                .flatMap(Optional::stream)
                .filter(Organisation::enabled)
                .sorted(Comparator.comparing(Organisation::name))
                .toList();
    }

    // ------------------------------------------------------------------ the organisation's answers

    /** The organisation acknowledges the request (within 2 working days). */
    public SubjectRequest acknowledge(Actor actor, long requestId, String note) {
        return move(actor, requestId, State.ACKNOWLEDGED, optional(note), Set.of(State.SUBMITTED, State.ESCALATED));
    }

    /** The organisation says it is working on the request. */
    public SubjectRequest progress(Actor actor, long requestId, String note) {
        return move(
                actor,
                requestId,
                State.IN_PROGRESS,
                optional(note),
                Set.of(State.SUBMITTED, State.ACKNOWLEDGED, State.ESCALATED));
    }

    /** The organisation carried the request out, saying what it did. */
    public SubjectRequest complete(Actor actor, long requestId, String note) {
        return move(
                actor,
                requestId,
                State.DONE,
                required(note, "subjectRequest.doneNote", "Say what was done (1–4000 characters)"),
                Set.of(State.SUBMITTED, State.ACKNOWLEDGED, State.IN_PROGRESS, State.ESCALATED));
    }

    /** The organisation refuses, with the reason the law allows it to (the subject reads it). */
    public SubjectRequest refuse(Actor actor, long requestId, String reason) {
        return move(
                actor,
                requestId,
                State.REFUSED,
                required(reason, "subjectRequest.reason", "Give the reason for refusing (1–4000 characters)"),
                Set.of(State.SUBMITTED, State.ACKNOWLEDGED, State.IN_PROGRESS, State.ESCALATED));
    }

    private SubjectRequest move(Actor actor, long requestId, State to, String note, Set<State> from) {
        policy.require(actor, Action.HANDLE_SUBJECT_REQUESTS);
        SubjectRequest request = visible(actor, requestId);
        policy.require(actor, Action.HANDLE_SUBJECT_REQUESTS, request.orgId());
        Instant now = now();
        transactions.executeWithoutResult(tx -> {
            State state = State.valueOf(jdbc.sql("select state from privacy_request where id = ? for update")
                    .param(requestId)
                    .query(String.class)
                    .single());
            if (state == to && to.closed()) {
                throw ProblemException.conflict(
                        "subjectRequest.closed", "This request is closed already (" + state + ")", state);
            }
            if (!from.contains(state)) {
                throw ProblemException.conflict(
                        "subjectRequest.badStep", "A request " + state + " cannot become " + to, state, to);
            }
            jdbc.sql("update privacy_request set state = ?, state_note = coalesce(?, state_note), "
                            + "acknowledged_at = case when acknowledged_at is null and ? then ? else acknowledged_at end, "
                            + "closed_at = case when ? then ? else closed_at end where id = ?")
                    .params(
                            to.name(),
                            note,
                            to != State.REFUSED,
                            Timestamp.from(now),
                            to.closed(),
                            Timestamp.from(now),
                            requestId)
                    .update();
            step(requestId, to, now, actor.personId(), actor.orgId(), note);
            Map<String, String> facts = facts(requestId, request.orgId(), request.kind());
            facts.put("state", to.name());
            facts.put(
                    "onTime",
                    Boolean.toString(
                            now.isBefore(to == State.ACKNOWLEDGED ? request.acknowledgeDue() : request.completeDue())));
            audit.record(new AuditEvent(
                    EventType.SUBJECT_REQUEST_CHANGED,
                    actor.personId(),
                    actor.personName(),
                    request.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "data-subject request " + requestId + " " + to,
                    facts));
        });
        return read(requestId, null).orElseThrow();
    }

    // ------------------------------------------------------------------ escalation

    /**
     * Marks ESCALATED, for the operator, every open request past a deadline it has not met: not
     * acknowledged in time, or not carried out in time. Each once per deadline; on the ledger.
     * The platform runs it on schedule ({@link PrivacySchedule}); the time is the injected clock's.
     */
    public int escalateOverdue(Actor actor) {
        policy.require(actor, Action.RUN_PRIVACY_DEADLINES);
        Instant now = now();
        Timestamp at = Timestamp.from(now);
        List<Long> due = jdbc.sql(
                        "select id from privacy_request where state not in ('DONE', 'REFUSED') and "
                                + "((acknowledged_at is null and state <> 'ESCALATED' and acknowledge_due <= ?) "
                                + "or (complete_due <= ? and (escalated_at is null or escalated_at < complete_due))) order by id")
                .params(at, at)
                .query(Long.class)
                .list();
        int escalated = 0;
        for (long id : due) {
            Boolean changed = transactions.execute(tx -> {
                long locked = jdbc.sql("select id from privacy_request where id = ? for update")
                        .param(id)
                        .query(Long.class)
                        .single();
                SubjectRequest request = read(locked, null).orElseThrow();
                String missed = missedDeadline(request);
                if (missed == null) {
                    return false; // answered or escalated meanwhile
                }
                jdbc.sql("update privacy_request set state = ?, escalated_at = ? where id = ?")
                        .params(State.ESCALATED.name(), at, id)
                        .update();
                step(id, State.ESCALATED, now, null, null, "deadline missed: " + missed);
                Map<String, String> facts = facts(id, request.orgId(), request.kind());
                facts.put("missed", missed);
                facts.put(
                        "due",
                        ("completion".equals(missed) ? request.completeDue() : request.acknowledgeDue()).toString());
                audit.record(new AuditEvent(
                        EventType.SUBJECT_REQUEST_ESCALATED,
                        null,
                        null,
                        request.orgId(),
                        AuditEvent.Outcome.SUCCESS,
                        null,
                        "data-subject request " + id + " escalated to the operator: " + missed + " deadline missed",
                        facts));
                return true;
            });
            if (Boolean.TRUE.equals(changed)) {
                escalated++;
            }
        }
        return escalated;
    }

    /** Which deadline an open request missed that was not escalated yet: "completion", "acknowledgement" or null. */
    static String missedDeadline(SubjectRequest request) {
        if (!request.open()) {
            return null;
        }
        if (request.completeOverdue()
                && (request.escalatedAt() == null || request.escalatedAt().isBefore(request.completeDue()))) {
            return "completion";
        }
        if (request.acknowledgeOverdue() && request.state() != State.ESCALATED) {
            return "acknowledgement";
        }
        return null;
    }

    // ------------------------------------------------------------------ reading

    /**
     * The requests the actor may see — a citizen's own, an organisation's inbox, every one for the
     * operator and auditors — open ones first (overdue at the top, then by the deadline that counts),
     * then closed ones, newest first.
     */
    public List<SubjectRequest> list(Actor actor) {
        policy.require(actor, Action.VIEW_SUBJECT_REQUESTS);
        Instant now = now();
        List<SubjectRequest> found;
        if (actor.orgId() == null && !actor.isSystem()) {
            String subject = subjects.subjectOf(actor);
            found = jdbc.sql(SELECT + " where r.subject_id = ?")
                    .param(subject)
                    .query((rs, n) -> row(rs, now, subject))
                    .list();
        } else if (policy.seesAllTenants(actor, Action.VIEW_SUBJECT_REQUESTS)) {
            found = jdbc.sql(SELECT + " order by r.id desc fetch first 2000 rows only")
                    .query((rs, n) -> row(rs, now, null))
                    .list();
        } else {
            found = jdbc.sql(SELECT + " where r.org_id = ? order by r.id desc fetch first 2000 rows only")
                    .param(actor.orgId())
                    .query((rs, n) -> row(rs, now, null))
                    .list();
        }
        return found.stream().sorted(INBOX_ORDER).toList();
    }

    static final Comparator<SubjectRequest> INBOX_ORDER = Comparator.comparing((SubjectRequest r) -> !r.open())
            .thenComparing(r -> !r.overdue())
            .thenComparing(r -> r.open() ? r.nextDeadline() : Instant.MAX)
            .thenComparing(SubjectRequest::submittedAt, Comparator.reverseOrder());

    /** One request, if the actor may see it (else 404): the subject, the organisation asked, the operator, auditors. */
    public SubjectRequest visible(Actor actor, long requestId) {
        policy.require(actor, Action.VIEW_SUBJECT_REQUESTS);
        Instant now = now();
        ProblemException none = ProblemException.notFound("No data-subject request " + requestId);
        if (actor.orgId() == null && !actor.isSystem()) {
            String subject = subjects.subjectOf(actor);
            return jdbc.sql(SELECT + " where r.id = ? and r.subject_id = ?")
                    .params(requestId, subject)
                    .query((rs, n) -> row(rs, now, subject))
                    .optional()
                    .orElseThrow(() -> none);
        }
        SubjectRequest request = read(requestId, null).orElseThrow(() -> none);
        if (!policy.decide(actor, Action.VIEW_SUBJECT_REQUESTS, request.orgId()).allowed()) {
            throw none;
        }
        return request;
    }

    /** A request with its steps, oldest first. */
    public Detail detail(Actor actor, long requestId) {
        SubjectRequest request = visible(actor, requestId);
        List<Step> steps = jdbc.sql(
                        "select state, changed_at, actor_org, note from privacy_request_step where request_id = ? order by changed_at, id")
                .param(requestId)
                .query((rs, n) -> new Step(
                        State.valueOf(rs.getString(1)),
                        rs.getTimestamp(2).toInstant(),
                        (Long) rs.getObject(3, Long.class),
                        rs.getString(4)))
                .list();
        return new Detail(request, steps);
    }

    // ------------------------------------------------------------------ helpers

    private Optional<SubjectRequest> read(long id, String viewer) {
        Instant now = now();
        return jdbc.sql(SELECT + " where r.id = ?")
                .param(id)
                .query((rs, n) -> row(rs, now, viewer))
                .optional();
    }

    private static final String SELECT = """
            select r.id, r.filing_id, r.subject_id, r.org_id, o.name as org_name, r.kind, r.details, r.consent_id,
              r.state, r.state_note, r.submitted_at, r.acknowledge_due, r.complete_due, r.acknowledged_at,
              r.closed_at, r.escalated_at
            from privacy_request r join organisation o on o.id = r.org_id""";

    private static SubjectRequest row(ResultSet rs, Instant now, String viewer) throws SQLException {
        String subject = rs.getString("subject_id");
        State state = State.valueOf(rs.getString("state"));
        Instant acknowledgeDue = rs.getTimestamp("acknowledge_due").toInstant();
        Instant completeDue = rs.getTimestamp("complete_due").toInstant();
        Instant acknowledgedAt = instant(rs.getTimestamp("acknowledged_at"));
        boolean open = !state.closed();
        boolean acknowledgeOverdue = open && acknowledgedAt == null && !now.isBefore(acknowledgeDue);
        boolean completeOverdue = open && !now.isBefore(completeDue);
        Instant next = acknowledgedAt == null && state != State.IN_PROGRESS ? acknowledgeDue : completeDue;
        boolean dueSoon = open
                && !acknowledgeOverdue
                && !completeOverdue
                && now.plus(Duration.ofDays(1)).isAfter(next);
        return new SubjectRequest(
                rs.getLong("id"),
                rs.getString("filing_id"),
                subject.equals(viewer) ? subject : ConsentService.mask(subject),
                rs.getLong("org_id"),
                rs.getString("org_name"),
                Kind.valueOf(rs.getString("kind")),
                rs.getString("details"),
                (Long) rs.getObject("consent_id", Long.class),
                state,
                rs.getString("state_note"),
                rs.getTimestamp("submitted_at").toInstant(),
                acknowledgeDue,
                completeDue,
                acknowledgedAt,
                instant(rs.getTimestamp("closed_at")),
                instant(rs.getTimestamp("escalated_at")),
                acknowledgeOverdue,
                completeOverdue,
                dueSoon);
    }

    private void step(long requestId, State state, Instant at, Long actorUser, Long actorOrg, String note) {
        jdbc.sql("insert into privacy_request_step(request_id, state, changed_at, actor_user, actor_org, note) "
                        + "values (?,?,?,?,?,?)")
                .params(requestId, state.name(), Timestamp.from(at), actorUser, actorOrg, note)
                .update();
    }

    private static Map<String, String> facts(long requestId, long org, Kind kind) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("request", Long.toString(requestId));
        facts.put("organisation", Long.toString(org));
        facts.put("kind", kind.name());
        return facts;
    }

    private static String optional(String note) {
        if (note == null || note.isBlank()) {
            return null;
        }
        if (note.strip().length() > 4000) {
            throw ProblemException.badRequest("subjectRequest.noteTooLong", "A note has at most 4000 characters");
        }
        return note.strip();
    }

    private static String required(String text, String key, String detail) {
        String note = optional(text);
        if (note == null) {
            throw ProblemException.badRequest(key, detail);
        }
        return note;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
