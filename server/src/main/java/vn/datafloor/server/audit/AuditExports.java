package vn.datafloor.server.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Builds {@link AuditExport}s: the events a filter selects, oldest first, that the latest signed
 * checkpoint covers, each with its exact entry and inclusion proof. Events newer than the checkpoint are
 * counted, not exported, so that everything in an export can be proven (checkpoints are signed every
 * minute by default). Each export is itself recorded on the ledger.
 */
@Service
public class AuditExports {

    /** The most events one export holds; a longer period is exported in parts. */
    public static final int MAX_EVENTS = 100_000;

    private final JdbcClient jdbc;
    private final LedgerService ledger;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final Clock clock;

    AuditExports(JdbcClient jdbc, LedgerService ledger, AuditLog audit, AccessPolicy policy, Clock clock) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * @param from inclusive, or null
     * @param to exclusive, or null
     * @param type an {@link EventType} name, or null for all
     * @param format "json" or "csv", recorded on the ledger with the export
     */
    public AuditExport export(Actor actor, Instant from, Instant to, String type, String format) {
        policy.require(actor, Action.VIEW_AUDIT);
        if (type != null && !type.isBlank()) {
            try {
                EventType.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("audit.export.type", "No event type of that name");
            }
        } else {
            type = null;
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw ProblemException.badRequest("audit.export.range", "The period's start must be before its end");
        }
        SignedCheckpoint checkpoint = ledger.latestCheckpoint().orElseGet(ledger::publishCheckpoint);
        long size = checkpoint.checkpoint().size();
        StringBuilder where = new StringBuilder(" where 1=1");
        List<Object> params = new ArrayList<>();
        if (type != null) {
            where.append(" and event_type = ?");
            params.add(type);
        }
        if (from != null) {
            where.append(" and occurred_at >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            where.append(" and occurred_at < ?");
            params.add(Timestamp.from(to));
        }
        List<Object> covered = new ArrayList<>(params);
        covered.add(size);
        List<Object[]> rows = jdbc.sql("select ledger_index, summary from audit_event" + where
                        + " and ledger_index < ? order by ledger_index limit " + (MAX_EVENTS + 1))
                .params(covered)
                .query((rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)})
                .list();
        if (rows.size() > MAX_EVENTS) {
            throw ProblemException.badRequest(
                    "audit.export.tooMany", "More than " + MAX_EVENTS + " events: export a shorter period", MAX_EVENTS);
        }
        List<Object> newer = new ArrayList<>(params);
        newer.add(size);
        long awaiting = jdbc.sql("select count(*) from audit_event" + where + " and ledger_index >= ?")
                .params(newer)
                .query(Long.class)
                .single();
        List<AuditExport.Event> events = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            long index = (Long) row[0];
            String entry = new String(ledger.entry(index), java.nio.charset.StandardCharsets.UTF_8);
            Map<?, ?> parsed = ENTRY.readValue(entry, Map.class);
            events.add(new AuditExport.Event(
                    index,
                    String.valueOf(parsed.get("type")),
                    Instant.parse(String.valueOf(parsed.get("at"))),
                    String.valueOf(parsed.get("outcome")),
                    (String) row[1],
                    entry,
                    ledger.inclusionProof(index, size).stream()
                            .map(Base64.getEncoder()::encodeToString)
                            .toList()));
        }
        Instant now = clock.instant();
        audit.record(new AuditEvent(
                EventType.AUDIT_EXPORTED,
                actor.personId(),
                actor.personName(),
                actor.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "audit export (" + format + ") of " + events.size() + " events"
                        + (type == null ? "" : " of type " + type) + ", proven against checkpoint " + size,
                Map.of(
                        "events",
                        Integer.toString(events.size()),
                        "checkpoint",
                        Long.toString(size),
                        "format",
                        format,
                        "type",
                        type == null ? "" : type,
                        "from",
                        from == null ? "" : from.toString(),
                        "to",
                        to == null ? "" : to.toString())));
        return new AuditExport(
                AuditExport.FORMAT, now, checkpoint.note(), ledger.verifierKey(), from, to, type, awaiting, events);
    }

    private static final tools.jackson.databind.json.JsonMapper ENTRY =
            tools.jackson.databind.json.JsonMapper.builder().build();
}
