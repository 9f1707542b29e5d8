package vn.datafloor.server.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.integration.profile.PersonalCategory;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ChangeCounters;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Consent records, structured after ISO/IEC TS 27560: who (the data subject, by identity number),
 * to whom (the controller and the recipient organisation), for what (one purpose of the exchange's
 * ODRL vocabulary, personal-data categories), on which legal basis, for how long, and how it was
 * given — the channel, a SHA-256 of the exact notice text shown, and the subject's explicit
 * affirmative act. Silence, a pre-ticked box or an inferred "yes" is never consent (PDP Law 91/2025;
 * Decree 356/2025): a record without the affirmative act is refused, not stored.
 *
 * <p>{@link #hasValidConsent} reads the table on every call; {@link #consentedSubjects} keeps each
 * recipient's set until the next consent write or the next instant a row starts or stops counting, so
 * a withdrawal stops deliveries at the very next call either way. The identity number never reaches
 * the ledger: entries carry a salted commitment to it, whose salt stays with the record.
 */
@Service
public class ConsentService {

    public enum Status {
        GIVEN,
        WITHDRAWN,
        EXPIRED,
        REFUSED
    }

    /** How the subject gave (or refused) it. */
    public enum Channel {
        WEB,
        API,
        PAPER
    }

    /** What the subject decided when asked. */
    public enum Decision {
        GIVE,
        REFUSE
    }

    /** The legal basis of every consent record: the subject's consent. */
    public static final String LEGAL_BASIS = "df:consent";

    /** The purposes a consent may name: the exchange's ODRL purposes, so a contract's purpose matches a consent's. */
    public static final List<String> PURPOSES = OfferService.PURPOSES;

    /**
     * One consent record.
     *
     * @param subject the identity number, in clear only for the subject; masked for everyone else
     * @param status as stored, except that a GIVEN record past its validity reads EXPIRED
     */
    public record Consent(
            long id,
            String recordId,
            String subject,
            long controllerOrg,
            String controller,
            long recipientOrg,
            String recipient,
            String purpose,
            String legalBasis,
            List<String> dataCategories,
            Instant validFrom,
            Instant validUntil,
            Instant givenAt,
            Channel channel,
            String noticeSha256,
            String noticeLanguage,
            boolean affirmativeAct,
            Status status,
            Instant statusAt,
            Instant withdrawnAt) {

        public boolean active() {
            return status == Status.GIVEN;
        }
    }

    /** A change of a record's status, with when and why. */
    public record StatusChange(Status status, Instant at, String note) {}

    /**
     * What a subject decides. {@code affirmativeAct} must be true: the subject ticked the box
     * themselves, pressed the button, signed — anything less is silence.
     *
     * @param validUntil the last day the consent holds (null: until withdrawn)
     * @param noticeText the exact text shown to the subject before they decided
     */
    public record Grant(
            Long controllerOrg,
            Long recipientOrg,
            String purpose,
            List<String> dataCategories,
            LocalDate validUntil,
            String noticeText,
            String noticeLanguage,
            Channel channel,
            Boolean affirmativeAct,
            Decision decision) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final OrganisationService organisations;
    private final DataSubjects subjects;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ConsentService(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            OrganisationService organisations,
            DataSubjects subjects,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            ChangeCounters counters) {
        this.counters = counters;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.organisations = organisations;
        this.subjects = subjects;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ for the delivery pipeline

    /**
     * Whether the subject's consent lets {@code recipientOrg} receive their data for {@code purpose}
     * at {@code at}: given before it, valid then, not withdrawn by then. Reads the database each time.
     */
    public boolean hasValidConsent(String subjectId, long recipientOrg, String purpose, Instant at) {
        if (!DataSubjects.valid(subjectId) || purpose == null || at == null) {
            return false;
        }
        Timestamp when = Timestamp.from(at);
        return jdbc.sql(
                                "select count(*) from privacy_consent where recipient_org = ? and purpose = ? and subject_id = ? "
                                        + VALID_AT)
                        .params(recipientOrg, purpose, subjectId, when, when, when, when)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * Of {@code among}, the subjects whose consent lets {@code recipientOrg} receive their data for
     * {@code purpose} at {@code at}. One indexed query per 500 identity numbers; nothing cached.
     */
    public Set<String> consentedSubjects(long recipientOrg, String purpose, Instant at, Collection<String> among) {
        Set<String> found = new LinkedHashSet<>();
        if (purpose == null || at == null || among == null) {
            return found;
        }
        List<String> candidates =
                among.stream().filter(DataSubjects::valid).distinct().toList();
        Timestamp when = Timestamp.from(at);
        for (int start = 0; start < candidates.size(); start += 500) {
            List<String> batch = candidates.subList(start, Math.min(candidates.size(), start + 500));
            String marks = String.join(",", java.util.Collections.nCopies(batch.size(), "?"));
            List<Object> params = new ArrayList<>();
            params.add(recipientOrg);
            params.add(purpose);
            params.addAll(batch);
            params.addAll(List.of(when, when, when, when));
            found.addAll(
                    jdbc.sql("select distinct subject_id from privacy_consent where recipient_org = ? and purpose = ? "
                                    + "and subject_id in (" + marks + ") " + VALID_AT)
                            .params(params)
                            .query(String.class)
                            .list());
        }
        return found;
    }

    /**
     * Every subject holding a valid consent for this recipient and purpose at {@code at}: the delivery
     * pipeline's consent filter, asked on every request.
     *
     * <p>Kept between requests, because reading the set again on each one was a quarter of a delivery's
     * cost. It is as fresh as a read: every consent written here ends the kept sets once its transaction
     * ends ({@link #consentsChanged}), and a kept set also ends at the next instant one of its rows starts
     * or stops counting (a validity starting or ending, a withdrawal dated later). Where API replicas
     * share the database, each read first asks its change counter ({@link ChangeCounters}), so a
     * withdrawal answered to the citizen by any process is out of the set before their next request
     * or anyone else's, whichever process answers it.
     */
    public Set<String> consentedSubjects(long recipientOrg, String purpose, Instant at) {
        if (purpose == null || at == null) {
            return Set.of();
        }
        String key = recipientOrg + " " + purpose;
        ChangeCounters.Generation generation = counters.current(CONSENTS);
        ConsentSet kept = consentSets.get(key);
        if (kept != null && kept.holdsAt(generation, at)) {
            return kept.subjects();
        }
        Timestamp when = Timestamp.from(at);
        // Immutable as Set.copyOf makes it: the consent filter's own Set.copyOf then keeps it as is.
        Set<String> subjects = Set.copyOf(
                jdbc.sql("select distinct subject_id from privacy_consent where recipient_org = ? and purpose = ? "
                                + VALID_AT)
                        .params(recipientOrg, purpose, when, when, when, when)
                        .query(String.class)
                        .list());
        Instant until = jdbc.sql("""
                        select min(case when given_at > ? then given_at end),
                               min(case when valid_from > ? then valid_from end),
                               min(case when valid_until > ? then valid_until end),
                               min(case when withdrawn_at > ? then withdrawn_at end)
                        from privacy_consent where recipient_org = ? and purpose = ? and status <> 'REFUSED'""")
                .params(when, when, when, when, recipientOrg, purpose)
                .query((rs, n) -> {
                    Instant first = null;
                    for (int i = 1; i <= 4; i++) {
                        Timestamp t = rs.getTimestamp(i);
                        if (t != null && (first == null || t.toInstant().isBefore(first))) {
                            first = t.toInstant();
                        }
                    }
                    return Optional.ofNullable(first);
                })
                .single()
                .orElse(null);
        if (consentSets.size() >= KEPT_SETS) {
            consentSets.clear();
        }
        consentSets.put(key, new ConsentSet(generation, at, until, subjects));
        return subjects;
    }

    /** At most this many recipient and purpose pairs' sets are kept; past it, all are dropped and read again. */
    private static final int KEPT_SETS = 1024;

    /** The change counter of consents: a kept set read before the latest write is not used. */
    private static final String CONSENTS = "consent";

    private final ChangeCounters counters;

    private final ConcurrentHashMap<String, ConsentSet> consentSets = new ConcurrentHashMap<>();

    /** A set read at {@code from}, unchanged until {@code until} (null: no row changes later) unless written. */
    private record ConsentSet(ChangeCounters.Generation generation, Instant from, Instant until, Set<String> subjects) {
        boolean holdsAt(ChangeCounters.Generation currentGeneration, Instant at) {
            return generation.equals(currentGeneration) && !at.isBefore(from) && (until == null || at.isBefore(until));
        }
    }

    /**
     * Called by every write of a consent row, inside its transaction: the kept sets are dropped now and
     * again when the transaction ends, so no set read before the commit outlives it.
     */
    private void consentsChanged() {
        counters.changed(CONSENTS);
    }

    /** Given (never refused) by then, in its validity, not withdrawn by then. */
    private static final String VALID_AT = "and status <> 'REFUSED' and given_at <= ? and valid_from <= ? "
            + "and (valid_until is null or valid_until > ?) and (withdrawn_at is null or withdrawn_at > ?)";

    // ------------------------------------------------------------------ the subject's acts

    /**
     * The notice shown before the subject decides, in Vietnamese ({@code vi}) or English: what
     * consenting means, in plain words. Its SHA-256 goes in the record.
     */
    public String notice(
            long controllerOrg,
            long recipientOrg,
            String purpose,
            List<String> categories,
            LocalDate validUntil,
            String language) {
        boolean english = "en".equals(language);
        String controller = orgName(controllerOrg);
        String recipient = orgName(recipientOrg);
        List<String> labels = categories.stream()
                .map(c -> PersonalCategory.ofCode(c)
                        .map(p -> english ? p.labelEn() : p.labelVi())
                        .orElse(c))
                .toList();
        String until = validUntil == null ? null : validUntil.toString();
        if (english) {
            return "I agree that " + controller + " provides my personal data (" + String.join("; ", labels)
                    + ") to " + recipient + " through the Datafloor data exchange, only for the purpose "
                    + PrivacyLabels.purpose(purpose, true) + ", "
                    + (until == null ? "until I withdraw this consent" : "until " + until + " at the latest")
                    + ". I may withdraw it at any time on Datafloor; from then on no more of my data is provided, "
                    + "and the controller stops processing within 15 days. Withdrawing does not affect what was "
                    + "lawfully done before.";
        }
        return "Tôi đồng ý để " + controller + " cung cấp dữ liệu cá nhân của tôi (" + String.join("; ", labels)
                + ") cho " + recipient + " qua sàn dữ liệu Datafloor, chỉ cho mục đích "
                + PrivacyLabels.purpose(purpose, false) + ", "
                + (until == null ? "cho đến khi tôi rút lại sự đồng ý" : "chậm nhất đến hết ngày " + until)
                + ". Tôi có thể rút lại sự đồng ý bất cứ lúc nào trên Datafloor; từ lúc đó dữ liệu của tôi không "
                + "được cung cấp thêm, và bên kiểm soát dừng xử lý trong 15 ngày. Việc rút lại không ảnh hưởng "
                + "đến những gì đã được xử lý hợp pháp trước đó.";
    }

    /**
     * The subject gives (or refuses) consent.
     *
     * @throws ProblemException 400 without the explicit affirmative act ("silence is not consent"), for
     *     an unknown organisation, purpose or category, a past validity, or no notice text; 403 for
     *     anyone but a citizen
     */
    public Consent give(Actor actor, Grant grant) {
        policy.require(actor, Action.GIVE_CONSENT);
        String subject = subjects.subjectOf(actor);
        if (grant == null || !Boolean.TRUE.equals(grant.affirmativeAct())) {
            throw ProblemException.badRequest(
                    "consent.silence",
                    "Silence is not consent: a consent (or a refusal) is recorded only for an explicit act of the "
                            + "data subject, such as ticking an empty box themselves (affirmativeAct: true)");
        }
        long controller = organisation(grant.controllerOrg(), "controllerOrg");
        long recipient = organisation(grant.recipientOrg(), "recipientOrg");
        if (grant.purpose() == null || !PURPOSES.contains(grant.purpose())) {
            throw ProblemException.badRequest(
                    "consent.purposeUnknown", "Name one purpose of " + PURPOSES, String.join(", ", PURPOSES));
        }
        List<String> categories = categories(grant.dataCategories());
        Instant now = now();
        Instant until = null;
        if (grant.validUntil() != null) {
            until = WorkingDays.endOf(grant.validUntil());
            if (!until.isAfter(now)) {
                throw ProblemException.badRequest("consent.validUntilPast", "The last day of validity is in the past");
            }
        }
        String notice = grant.noticeText() == null ? "" : grant.noticeText().strip();
        if (notice.length() < 20 || notice.length() > 8000) {
            throw ProblemException.badRequest(
                    "consent.notice", "Send the exact notice text the subject read (20–8000 characters)");
        }
        String language = "en".equals(grant.noticeLanguage()) ? "en" : "vi";
        Channel channel = grant.channel() == null ? Channel.API : grant.channel();
        Status status = grant.decision() == Decision.REFUSE ? Status.REFUSED : Status.GIVEN;
        String recordId = UUID.randomUUID().toString();
        String salt = salt();
        Instant validUntil = until;
        long id = transactions.execute(tx -> {
            jdbc.sql("""
                            insert into privacy_consent(record_uuid, subject_id, subject_salt, user_id, controller_org,
                              recipient_org, purpose, legal_basis, data_categories, valid_from, valid_until, given_at,
                              channel, notice_text, notice_sha256, notice_language, affirmative_act, status, status_at)
                            values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
                    .params(
                            recordId,
                            subject,
                            salt,
                            actor.personId(),
                            controller,
                            recipient,
                            grant.purpose(),
                            LEGAL_BASIS,
                            String.join(",", categories),
                            Timestamp.from(now),
                            validUntil == null ? null : Timestamp.from(validUntil),
                            Timestamp.from(now),
                            channel.name(),
                            notice,
                            sha256(notice),
                            language,
                            true,
                            status.name(),
                            Timestamp.from(now))
                    .update();
            consentsChanged();
            long made = jdbc.sql("select id from privacy_consent where record_uuid = ?")
                    .param(recordId)
                    .query(Long.class)
                    .single();
            event(made, status, now, actor.personId(), null);
            Map<String, String> details = facts(recordId, subject, salt, controller, recipient, grant.purpose());
            details.put("categories", String.join(",", categories));
            details.put("notice", "sha256:" + sha256(notice));
            details.put("channel", channel.name());
            details.put("validUntil", validUntil == null ? "-" : validUntil.toString());
            audit.record(new AuditEvent(
                    status == Status.GIVEN ? EventType.CONSENT_GIVEN : EventType.CONSENT_REFUSED,
                    actor.personId(),
                    actor.personName(),
                    recipient,
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "consent " + recordId + (status == Status.GIVEN ? " given" : " refused") + " for " + grant.purpose()
                            + " to organisation " + recipient,
                    details));
            return made;
        });
        return read(id, subject).orElseThrow();
    }

    /**
     * The subject withdraws a consent they gave. From this moment {@link #hasValidConsent} answers
     * false for it.
     *
     * @throws ProblemException 404 when it is not the caller's, 409 when it is not in force
     */
    public Consent withdraw(Actor actor, long consentId, String reason) {
        policy.require(actor, Action.GIVE_CONSENT);
        String subject = subjects.subjectOf(actor);
        String note = reason == null || reason.isBlank() ? null : truncate(reason.strip(), 1000);
        Instant now = now();
        transactions.executeWithoutResult(tx -> {
            // the row is locked first, so two withdrawals one after the other find it withdrawn
            if (jdbc.sql("select id from privacy_consent where id = ? and subject_id = ? for update")
                    .params(consentId, subject)
                    .query(Long.class)
                    .optional()
                    .isEmpty()) {
                throw ProblemException.notFound("No consent " + consentId + " of yours");
            }
            Consent consent = read(consentId, subject).orElseThrow();
            if (consent.status() != Status.GIVEN) {
                throw ProblemException.conflict(
                        "consent.notInForce",
                        "This consent is not in force (" + consent.status() + "): nothing to withdraw",
                        consent.status());
            }
            jdbc.sql(
                            "update privacy_consent set status = ?, status_at = ?, withdrawn_at = ? where id = ? and status = ?")
                    .params(
                            Status.WITHDRAWN.name(),
                            Timestamp.from(now),
                            Timestamp.from(now),
                            consentId,
                            Status.GIVEN.name())
                    .update();
            consentsChanged();
            event(consentId, Status.WITHDRAWN, now, actor.personId(), note);
            String salt = jdbc.sql("select subject_salt from privacy_consent where id = ?")
                    .param(consentId)
                    .query(String.class)
                    .single();
            audit.record(new AuditEvent(
                    EventType.CONSENT_WITHDRAWN,
                    actor.personId(),
                    actor.personName(),
                    consent.recipientOrg(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "consent " + consent.recordId() + " withdrawn",
                    facts(
                            consent.recordId(),
                            subject,
                            salt,
                            consent.controllerOrg(),
                            consent.recipientOrg(),
                            consent.purpose())));
        });
        return read(consentId, subject).orElseThrow();
    }

    // ------------------------------------------------------------------ reading

    /**
     * The consents the actor may see: a citizen's own; those their organisation is controller or
     * recipient of; all of them for the operator and auditors. Newest first.
     */
    public List<Consent> list(Actor actor) {
        policy.require(actor, Action.VIEW_CONSENTS);
        Instant now = now();
        if (actor.orgId() == null && !actor.isSystem()) {
            String subject = subjects.subjectOf(actor);
            return jdbc.sql(SELECT + " where c.subject_id = ? order by c.given_at desc, c.id desc")
                    .param(subject)
                    .query((rs, n) -> row(rs, now, subject))
                    .list();
        }
        if (policy.seesAllTenants(actor, Action.VIEW_CONSENTS)) {
            return jdbc.sql(SELECT + " order by c.given_at desc, c.id desc fetch first 1000 rows only")
                    .query((rs, n) -> row(rs, now, null))
                    .list();
        }
        return jdbc.sql(SELECT
                        + " where c.controller_org = ? or c.recipient_org = ? order by c.given_at desc, c.id desc "
                        + "fetch first 1000 rows only")
                .params(actor.orgId(), actor.orgId())
                .query((rs, n) -> row(rs, now, null))
                .list();
    }

    /** One consent, if the actor may see it (else 404). */
    public Consent visible(Actor actor, long consentId) {
        policy.require(actor, Action.VIEW_CONSENTS);
        Instant now = now();
        ProblemException none = ProblemException.notFound("No consent " + consentId);
        if (actor.orgId() == null && !actor.isSystem()) {
            String subject = subjects.subjectOf(actor);
            return jdbc.sql(SELECT + " where c.id = ? and c.subject_id = ?")
                    .params(consentId, subject)
                    .query((rs, n) -> row(rs, now, subject))
                    .optional()
                    .orElseThrow(() -> none);
        }
        Consent consent = jdbc.sql(SELECT + " where c.id = ?")
                .param(consentId)
                .query((rs, n) -> row(rs, now, null))
                .optional()
                .orElseThrow(() -> none);
        if (!policy.seesAllTenants(actor, Action.VIEW_CONSENTS)
                && !actor.belongsTo(consent.controllerOrg())
                && !actor.belongsTo(consent.recipientOrg())) {
            throw none;
        }
        return consent;
    }

    /** A consent's status history, oldest first. */
    public List<StatusChange> history(Actor actor, long consentId) {
        Consent consent = visible(actor, consentId);
        return jdbc.sql(
                        "select status, changed_at, note from privacy_consent_event where consent_id = ? order by changed_at, id")
                .param(consent.id())
                .query((rs, n) -> new StatusChange(
                        Status.valueOf(rs.getString(1)), rs.getTimestamp(2).toInstant(), rs.getString(3)))
                .list();
    }

    /** The notice text the subject read, for the subject, the organisations concerned, the operator and auditors. */
    public String noticeText(Actor actor, long consentId) {
        Consent consent = visible(actor, consentId);
        return jdbc.sql("select notice_text from privacy_consent where id = ?")
                .param(consent.id())
                .query(String.class)
                .single();
    }

    /**
     * The record as ISO/IEC TS 27560-style JSON: the record and its subject, the controller and
     * recipient, the purpose with its legal basis and personal-data categories, validity, how the
     * consent was collected (notice hash, explicit affirmative act) and its events.
     */
    public Map<String, Object> receipt(Actor actor, long consentId) {
        Consent c = visible(actor, consentId);
        List<StatusChange> events = history(actor, consentId);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schemaVersion", "ISO/IEC TS 27560:2023");
        json.put("recordId", "urn:uuid:" + c.recordId());
        json.put("jurisdiction", "VN");
        json.put("applicableLaw", List.of("Law 91/2025/QH15 (Personal Data Protection)", "Decree 356/2025/NĐ-CP"));
        json.put("piiPrincipalId", c.subject());
        json.put("piiController", party(c.controllerOrg(), c.controller()));
        json.put("recipients", List.of(party(c.recipientOrg(), c.recipient())));
        Map<String, Object> purpose = new LinkedHashMap<>();
        purpose.put("purpose", c.purpose());
        purpose.put(
                "purposeDescription",
                Map.of(
                        "vi",
                        PrivacyLabels.purpose(c.purpose(), false),
                        "en",
                        PrivacyLabels.purpose(c.purpose(), true)));
        purpose.put("legalBasis", c.legalBasis());
        List<Map<String, Object>> categories = new ArrayList<>();
        for (String code : c.dataCategories()) {
            Map<String, Object> category = new LinkedHashMap<>();
            category.put("code", code);
            PersonalCategory.ofCode(code).ifPresent(p -> {
                category.put("label", Map.of("vi", p.labelVi(), "en", p.labelEn()));
                category.put("sensitive", p.sensitive());
            });
            categories.add(category);
        }
        purpose.put("piiCategories", categories);
        json.put("purposes", List.of(purpose));
        Map<String, Object> validity = new LinkedHashMap<>();
        validity.put("from", c.validFrom().toString());
        validity.put("until", c.validUntil() == null ? null : c.validUntil().toString());
        json.put("validity", validity);
        Map<String, Object> collection = new LinkedHashMap<>();
        collection.put("method", c.channel().name());
        collection.put("time", c.givenAt().toString());
        collection.put("explicit", true);
        collection.put("affirmativeAct", c.affirmativeAct());
        collection.put("noticeLanguage", c.noticeLanguage());
        collection.put("noticeSha256", c.noticeSha256());
        json.put("collection", collection);
        json.put("consentStatus", c.status().name());
        List<Map<String, Object>> history = new ArrayList<>();
        for (StatusChange e : events) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("eventTime", e.at().toString());
            event.put("eventState", e.status().name());
            if (e.note() != null) {
                event.put("note", e.note());
            }
            history.add(event);
        }
        json.put("events", history);
        return json;
    }

    private static Map<String, Object> party(long id, String name) {
        Map<String, Object> party = new LinkedHashMap<>();
        party.put("id", "urn:datafloor:organisation:" + id);
        party.put("name", name);
        return party;
    }

    // ------------------------------------------------------------------ the platform's clockwork

    /** Marks the consents past their validity EXPIRED, on the ledger too (the platform, on schedule). */
    public int expireDue(Actor actor) {
        policy.require(actor, Action.RUN_PRIVACY_DEADLINES);
        Instant now = now();
        List<Long> due = jdbc.sql("select id from privacy_consent where status = ? and valid_until <= ?")
                .params(Status.GIVEN.name(), Timestamp.from(now))
                .query(Long.class)
                .list();
        int expired = 0;
        for (long id : due) {
            Boolean changed = transactions.execute(tx -> {
                int rows = jdbc.sql("update privacy_consent set status = ?, status_at = ? where id = ? and status = ?")
                        .params(Status.EXPIRED.name(), Timestamp.from(now), id, Status.GIVEN.name())
                        .update();
                if (rows == 0) {
                    return false;
                }
                consentsChanged();
                event(id, Status.EXPIRED, now, null, null);
                Map<String, String> details = jdbc.sql(
                                "select record_uuid, subject_id, subject_salt, controller_org, recipient_org, purpose "
                                        + "from privacy_consent where id = ?")
                        .param(id)
                        .query((rs, n) -> facts(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                rs.getString(6)))
                        .single();
                audit.record(new AuditEvent(
                        EventType.CONSENT_EXPIRED,
                        null,
                        null,
                        Long.valueOf(details.get("recipient")),
                        AuditEvent.Outcome.SUCCESS,
                        null,
                        "consent " + details.get("consent") + " expired",
                        details));
                return true;
            });
            if (Boolean.TRUE.equals(changed)) {
                expired++;
            }
        }
        return expired;
    }

    // ------------------------------------------------------------------ helpers

    /** The organisations a citizen may name: every enabled one, by name. */
    public List<Organisation> organisations() {
        return organisations.directory();
    }

    private long organisation(Long id, String field) {
        if (id == null || organisations.find(id).filter(Organisation::enabled).isEmpty()) {
            throw ProblemException.badRequest(
                    "consent.organisation", "No organisation " + id + " (" + field + ")", String.valueOf(id));
        }
        return id;
    }

    static List<String> categories(List<String> codes) {
        if (codes == null || codes.isEmpty()) {
            throw ProblemException.badRequest(
                    "consent.categoriesMissing", "Name the categories of personal data the consent covers");
        }
        Set<String> known = new LinkedHashSet<>();
        for (String code : codes) {
            if (PersonalCategory.ofCode(code).isEmpty()) {
                throw ProblemException.badRequest(
                        "consent.categoryUnknown",
                        "Unknown personal-data category: " + code + "; one of "
                                + Arrays.stream(PersonalCategory.values())
                                        .map(PersonalCategory::code)
                                        .toList(),
                        String.valueOf(code));
            }
            known.add(code);
        }
        return List.copyOf(known);
    }

    /** Ledger facts of a record: never the identity number, only a salted commitment to it. */
    private static Map<String, String> facts(
            String recordId, String subject, String salt, long controller, long recipient, String purpose) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("consent", recordId);
        details.put("subject", "sha256:" + AuditLog.commitment(salt, subject));
        details.put("controller", Long.toString(controller));
        details.put("recipient", Long.toString(recipient));
        details.put("purpose", purpose);
        return details;
    }

    private void event(long consentId, Status status, Instant at, Long actorUser, String note) {
        jdbc.sql(
                        "insert into privacy_consent_event(consent_id, status, changed_at, actor_user, note) values (?,?,?,?,?)")
                .params(consentId, status.name(), Timestamp.from(at), actorUser, note)
                .update();
    }

    private java.util.Optional<Consent> read(long id, String viewer) {
        Instant now = now();
        return jdbc.sql(SELECT + " where c.id = ?")
                .param(id)
                .query((rs, n) -> row(rs, now, viewer))
                .optional();
    }

    private static final String SELECT = """
            select c.id, c.record_uuid, c.subject_id, c.controller_org, oc.name as controller_name, c.recipient_org,
              orc.name as recipient_name, c.purpose, c.legal_basis, c.data_categories, c.valid_from, c.valid_until,
              c.given_at, c.channel, c.notice_sha256, c.notice_language, c.affirmative_act, c.status, c.status_at,
              c.withdrawn_at
            from privacy_consent c
              join organisation oc on oc.id = c.controller_org
              join organisation orc on orc.id = c.recipient_org""";

    private static Consent row(ResultSet rs, Instant now, String viewer) throws SQLException {
        String subject = rs.getString("subject_id");
        Instant until = instant(rs.getTimestamp("valid_until"));
        Status status = Status.valueOf(rs.getString("status"));
        Instant statusAt = rs.getTimestamp("status_at").toInstant();
        if (status == Status.GIVEN && until != null && !until.isAfter(now)) {
            status = Status.EXPIRED;
            statusAt = until;
        }
        String categories = rs.getString("data_categories");
        return new Consent(
                rs.getLong("id"),
                rs.getString("record_uuid"),
                subject.equals(viewer) ? subject : mask(subject),
                rs.getLong("controller_org"),
                rs.getString("controller_name"),
                rs.getLong("recipient_org"),
                rs.getString("recipient_name"),
                rs.getString("purpose"),
                rs.getString("legal_basis"),
                categories.isEmpty() ? List.of() : List.of(categories.split(",")),
                rs.getTimestamp("valid_from").toInstant(),
                until,
                rs.getTimestamp("given_at").toInstant(),
                Channel.valueOf(rs.getString("channel")),
                rs.getString("notice_sha256"),
                rs.getString("notice_language"),
                rs.getBoolean("affirmative_act"),
                status,
                statusAt,
                instant(rs.getTimestamp("withdrawn_at")));
    }

    /** An identity number as others see it: the province code and the last two digits. */
    static String mask(String subject) {
        if (subject == null || subject.length() != 12) {
            return "************";
        }
        return subject.substring(0, 3) + "*******" + subject.substring(10);
    }

    private String orgName(long id) {
        return organisations.find(id).map(Organisation::name).orElse("#" + id);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    String salt() {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return HexFormat.of().formatHex(salt);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
