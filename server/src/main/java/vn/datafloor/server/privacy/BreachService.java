package vn.datafloor.server.privacy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Personal-data breaches. The operator declares one (which datasets, which period, what happened);
 * the platform asks {@link AffectedSubjects} whose data was accessed in those datasets then, drafts
 * the notification to the authority in Vietnamese and English (what happened, which data, likely
 * consequences, measures, contact) and counts down the 72 hours within which the authority must be
 * notified (PDP Law 91/2025). Declaring and notifying go on the ledger. When no component implements
 * {@link AffectedSubjects}, the breach says the access index is not available: no list is made up.
 */
@Service
public class BreachService {

    /** The authority is notified within 72 hours of the breach being found (declared here). */
    public static final Duration NOTIFY_WITHIN = Duration.ofHours(72);

    private static final Pattern DATASET = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");

    /**
     * A declared breach.
     *
     * @param remaining time left to notify the authority (zero when overdue or notified)
     * @param overdue not notified and past {@code notifyDue}
     */
    public record Breach(
            long id,
            Instant declaredAt,
            List<String> datasets,
            Instant occurredFrom,
            Instant occurredTo,
            String description,
            String consequences,
            String measures,
            String contact,
            Instant notifyDue,
            Instant notifiedAt,
            String authorityReference,
            boolean overdue,
            Duration remaining) {

        public boolean notified() {
            return notifiedAt != null;
        }

        public boolean notifiedLate() {
            return notifiedAt != null && !notifiedAt.isBefore(notifyDue);
        }

        /** Whole hours left to notify, for the countdown. */
        public long hoursLeft() {
            return remaining.toHours();
        }

        /** Minutes past the last whole hour left, for the countdown. */
        public long minutesLeft() {
            return remaining.toMinutesPart();
        }
    }

    /**
     * Whose data was touched, as far as the access index knows.
     *
     * @param available false when no access index is installed: then nothing is listed
     * @param subjects the identity numbers, masked (the province code and the last two digits)
     */
    public record Affected(boolean available, int count, List<String> subjects) {}

    /** The draft notification to the authority, in both languages. */
    public record Notification(String vi, String en) {}

    public record Detail(Breach breach, Affected affected, Notification draft) {}

    /** What the operator declares. */
    public record Declaration(
            List<String> datasets,
            Instant occurredFrom,
            Instant occurredTo,
            String description,
            String consequences,
            String measures,
            String contact) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectProvider<AffectedSubjects> index;

    BreachService(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            ObjectProvider<AffectedSubjects> index) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.index = index;
    }

    /**
     * The operator declares a breach; the 72 hours start now.
     *
     * @throws ProblemException 400 for no dataset, a bad name, a period that ends before it starts or
     *     in the future, or a missing description or contact
     */
    public Breach declare(Actor actor, Declaration declaration) {
        policy.require(actor, Action.MANAGE_PRIVACY);
        if (declaration == null) {
            throw ProblemException.badRequest("breach.datasetsMissing", "Name the datasets the breach concerns");
        }
        Set<String> datasets = new LinkedHashSet<>();
        for (String name : declaration.datasets() == null ? List.<String>of() : declaration.datasets()) {
            if (name == null || name.isBlank()) {
                continue;
            }
            if (!DATASET.matcher(name.strip()).matches()) {
                throw ProblemException.badRequest(
                        "breach.datasetName", "Not a dataset name: " + name.strip(), name.strip());
            }
            datasets.add(name.strip());
        }
        if (datasets.isEmpty() || datasets.size() > 50) {
            throw ProblemException.badRequest("breach.datasetsMissing", "Name the datasets the breach concerns (1–50)");
        }
        Instant now = now();
        Instant from = declaration.occurredFrom();
        Instant to = declaration.occurredTo() == null ? now : declaration.occurredTo();
        if (from == null || !from.isBefore(to) || to.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw ProblemException.badRequest(
                    "breach.period", "The period starts before it ends, and ends no later than now");
        }
        String description = text(declaration.description(), 8000, "breach.descriptionMissing", "what happened");
        String contact = text(declaration.contact(), 500, "breach.contactMissing", "whom to contact");
        String consequences = optional(declaration.consequences(), 4000);
        String measures = optional(declaration.measures(), 4000);
        Instant due = now.plus(NOTIFY_WITHIN);
        long id = transactions.execute(tx -> {
            jdbc.sql("""
                            insert into privacy_breach(declared_by, declared_at, datasets, occurred_from, occurred_to,
                              description, consequences, measures, contact, notify_due)
                            values (?,?,?,?,?,?,?,?,?,?)""")
                    .params(
                            actor.personId(),
                            Timestamp.from(now),
                            String.join(",", datasets),
                            Timestamp.from(from),
                            Timestamp.from(to),
                            description,
                            consequences,
                            measures,
                            contact,
                            Timestamp.from(due))
                    .update();
            long made = jdbc.sql("select max(id) from privacy_breach where declared_at = ? and datasets = ?")
                    .params(Timestamp.from(now), String.join(",", datasets))
                    .query(Long.class)
                    .single();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("breach", Long.toString(made));
            details.put("datasets", String.join(",", datasets));
            details.put("from", from.toString());
            details.put("to", to.toString());
            details.put("notifyDue", due.toString());
            audit.record(new AuditEvent(
                    EventType.BREACH_DECLARED,
                    actor.personId(),
                    actor.personName(),
                    actor.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "personal-data breach " + made + " declared on " + datasets.size() + " dataset(s)",
                    details));
            return made;
        });
        return breach(id).orElseThrow();
    }

    /**
     * The operator records that the authority was notified (with its reference); once. Late
     * notifications are recorded as late.
     */
    public Breach markNotified(Actor actor, long breachId, String reference) {
        policy.require(actor, Action.MANAGE_PRIVACY);
        Breach breach = visible(actor, breachId);
        String ref =
                text(reference, 200, "breach.referenceMissing", "the authority's reference or how it was notified");
        if (breach.notified()) {
            throw ProblemException.conflict(
                    "breach.alreadyNotified", "The authority was notified already, at " + breach.notifiedAt());
        }
        Instant now = now();
        transactions.executeWithoutResult(tx -> {
            int rows = jdbc.sql("update privacy_breach set notified_at = ?, notified_by = ?, authority_reference = ? "
                            + "where id = ? and notified_at is null")
                    .params(Timestamp.from(now), actor.personId(), ref, breachId)
                    .update();
            if (rows == 0) {
                throw ProblemException.conflict("breach.alreadyNotified", "The authority was notified already");
            }
            audit.record(new AuditEvent(
                    EventType.BREACH_NOTIFIED,
                    actor.personId(),
                    actor.personName(),
                    actor.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "authority notified of personal-data breach " + breachId,
                    Map.of(
                            "breach",
                            Long.toString(breachId),
                            "notifyDue",
                            breach.notifyDue().toString(),
                            "late",
                            Boolean.toString(!now.isBefore(breach.notifyDue())))));
        });
        return breach(breachId).orElseThrow();
    }

    /** Every breach: not yet notified first (overdue at the top, then the closest deadline), then the rest, newest first. */
    public List<Breach> list(Actor actor) {
        policy.require(actor, Action.VIEW_BREACHES);
        Instant now = now();
        return jdbc
                .sql(SELECT + " order by id desc fetch first 500 rows only")
                .query((rs, n) -> row(rs, now))
                .list()
                .stream()
                .sorted(Comparator.comparing(Breach::notified)
                        .thenComparing(b -> !b.overdue())
                        .thenComparing(b -> b.notified() ? Instant.MAX : b.notifyDue())
                        .thenComparing(Breach::declaredAt, Comparator.reverseOrder()))
                .toList();
    }

    public Breach visible(Actor actor, long breachId) {
        policy.require(actor, Action.VIEW_BREACHES);
        return breach(breachId).orElseThrow(() -> ProblemException.notFound("No breach " + breachId));
    }

    /** A breach with the subjects the access index names and the draft notification. */
    public Detail detail(Actor actor, long breachId) {
        Breach breach = visible(actor, breachId);
        Affected affected = affected(breach);
        return new Detail(breach, affected, draft(breach, affected));
    }

    /** Whether an access index is installed to name the affected subjects. */
    public boolean indexAvailable() {
        return index.getIfAvailable() != null;
    }

    /** Asks the access index, each time (no copy of identity numbers is kept with the breach). */
    Affected affected(Breach breach) {
        AffectedSubjects subjects = index.getIfAvailable();
        if (subjects == null) {
            return new Affected(false, 0, List.of());
        }
        Set<String> found = subjects.subjectsAccessed(breach.datasets(), breach.occurredFrom(), breach.occurredTo());
        List<String> masked = found.stream().sorted().map(ConsentService::mask).toList();
        return new Affected(true, found.size(), masked);
    }

    /** The notification to the authority, drafted from the declaration: the operator reads and completes it. */
    static Notification draft(Breach b, Affected affected) {
        DateTimeFormatter format = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
        String from =
                ZonedDateTime.ofInstant(b.occurredFrom(), WorkingDays.VIETNAM).format(format);
        String to = ZonedDateTime.ofInstant(b.occurredTo(), WorkingDays.VIETNAM).format(format);
        String found =
                ZonedDateTime.ofInstant(b.declaredAt(), WorkingDays.VIETNAM).format(format);
        String datasets = String.join(", ", b.datasets());
        String countVi = affected.available()
                ? affected.count() + " chủ thể dữ liệu có dữ liệu đã bị truy cập trong thời gian này"
                : "chưa xác định được (chỉ mục truy cập chưa sẵn sàng)";
        String countEn = affected.available()
                ? affected.count() + " data subjects whose data was accessed in that period"
                : "not yet known (the access index is not available)";
        String vi = "THÔNG BÁO VI PHẠM QUY ĐỊNH BẢO VỆ DỮ LIỆU CÁ NHÂN\n"
                + "Kính gửi: Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an.\n\n"
                + "1. Sự việc: " + b.description() + "\n"
                + "   Thời gian xảy ra: từ " + from + " đến " + to + " (giờ Việt Nam); phát hiện lúc " + found + ".\n"
                + "2. Dữ liệu liên quan: các bộ dữ liệu " + datasets + "; số chủ thể bị ảnh hưởng: " + countVi + ".\n"
                + "3. Hậu quả có thể xảy ra: "
                + (b.consequences() == null ? "(đang đánh giá)" : b.consequences()) + "\n"
                + "4. Biện pháp đã và sẽ thực hiện: " + (b.measures() == null ? "(đang triển khai)" : b.measures())
                + "\n"
                + "5. Đầu mối liên hệ: " + b.contact() + "\n";
        String en = "NOTIFICATION OF A PERSONAL DATA BREACH\n"
                + "To: the Department of Cybersecurity and High-Tech Crime Prevention (A05), Ministry of Public Security.\n\n"
                + "1. What happened: " + b.description() + "\n"
                + "   When: from " + from + " to " + to + " (Vietnam time); found at " + found + ".\n"
                + "2. Data concerned: the datasets " + datasets + "; subjects affected: " + countEn + ".\n"
                + "3. Likely consequences: " + (b.consequences() == null ? "(being assessed)" : b.consequences())
                + "\n"
                + "4. Measures taken and planned: " + (b.measures() == null ? "(under way)" : b.measures()) + "\n"
                + "5. Contact: " + b.contact() + "\n";
        return new Notification(vi, en);
    }

    // ------------------------------------------------------------------ helpers

    private java.util.Optional<Breach> breach(long id) {
        Instant now = now();
        return jdbc.sql(SELECT + " where id = ?")
                .param(id)
                .query((rs, n) -> row(rs, now))
                .optional();
    }

    private static final String SELECT =
            "select id, declared_at, datasets, occurred_from, occurred_to, description, consequences, measures, "
                    + "contact, notify_due, notified_at, authority_reference from privacy_breach";

    private static Breach row(ResultSet rs, Instant now) throws SQLException {
        Instant due = rs.getTimestamp("notify_due").toInstant();
        Timestamp notified = rs.getTimestamp("notified_at");
        boolean overdue = notified == null && !now.isBefore(due);
        Duration remaining = notified != null || overdue ? Duration.ZERO : Duration.between(now, due);
        return new Breach(
                rs.getLong("id"),
                rs.getTimestamp("declared_at").toInstant(),
                List.of(rs.getString("datasets").split(",")),
                rs.getTimestamp("occurred_from").toInstant(),
                rs.getTimestamp("occurred_to").toInstant(),
                rs.getString("description"),
                rs.getString("consequences"),
                rs.getString("measures"),
                rs.getString("contact"),
                due,
                notified == null ? null : notified.toInstant(),
                rs.getString("authority_reference"),
                overdue,
                remaining);
    }

    private static String text(String text, int max, String key, String what) {
        String value = optional(text, max);
        if (value == null) {
            throw ProblemException.badRequest(key, "Say " + what + " (1–" + max + " characters)");
        }
        return value;
    }

    private static String optional(String text, int max) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip();
        if (value.length() > max) {
            throw ProblemException.badRequest("breach.tooLong", "A text has at most " + max + " characters", max);
        }
        return value;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
