package vn.datafloor.server.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ledger is the record and the audit table only an index of it. A crash between a durable
 * append and its index row would leave the event unsearchable, so at start every ledger entry that
 * has no {@code audit_event} row gets one, wherever it sits: past the highest indexed entry or in a
 * gap below one that survived.
 *
 * <p>First the {@link AuditOutbox} settles what a crash interrupted between a commit and its append.
 * The salts and clear values behind an entry's commitments ({@code actorName}, {@code client}) are
 * written before the entry is appended, so a recovered entry normally still has them. If one has none,
 * the recovery cannot make it up: nobody can open that commitment any more. It says so at WARN, naming
 * the ledger index and the field, never a value.
 */
@Component
@Order(0)
class AuditIndexRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AuditIndexRecovery.class);

    /** Ledger indexes are compared with the index table this many at a time. */
    static final int WINDOW = 10_000;

    /** The entry fields that hold salted commitments (see {@link AuditLog}). */
    private static final List<String> COMMITTED_FIELDS = List.of("actorName", "client");

    private final LedgerService ledger;
    private final AuditOutbox outbox;
    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditIndexRecovery(LedgerService ledger, AuditOutbox outbox, JdbcClient jdbc, JsonMapper json) {
        this.ledger = ledger;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!ledger.local()) {
            return; // an API replica: the writer recovers the outbox and the index at its own start
        }
        // Entries committed but not appended first: they are what a crash most likely interrupted.
        AuditOutbox.Recovered outboxed = outbox.recoverAll();
        if (outboxed.appended() + outboxed.alreadyDurable() > 0) {
            log.warn(
                    "Settled {} ledger entries a restart interrupted: {} appended now, {} were already durable",
                    outboxed.appended() + outboxed.alreadyDurable(),
                    outboxed.appended(),
                    outboxed.alreadyDurable());
        }
        Report report = recover();
        if (report.reindexed() > 0) {
            log.warn("Re-indexed {} ledger entries that were durable but not indexed", report.reindexed());
        }
        for (Unopenable u : report.unopenable()) {
            log.warn(
                    "Ledger entry {} commits to {} but the control database has no salt and value for it (lost before it "
                            + "was durable, or erased): that commitment can no longer be opened",
                    u.ledgerIndex(),
                    u.fields());
        }
    }

    /** Indexes every ledger entry missing from {@code audit_event}; returns what it did and what it could not restore. */
    Report recover() {
        long size = ledger.size();
        if (countIndexed(0, size) == size) {
            return new Report(0, List.of());
        }
        long reindexed = 0;
        List<Unopenable> unopenable = new ArrayList<>();
        for (long from = 0; from < size; from += WINDOW) {
            long to = Math.min(size, from + WINDOW);
            if (countIndexed(from, to) == to - from) {
                continue;
            }
            BitSet indexed = new BitSet((int) (to - from));
            long base = from;
            jdbc.sql("select ledger_index from audit_event where ledger_index >= ? and ledger_index < ?")
                    .params(from, to)
                    .query((rs, n) -> rs.getLong(1))
                    .list()
                    .forEach(i -> indexed.set((int) (i - base)));
            for (int k = indexed.nextClearBit(0); k < to - from; k = indexed.nextClearBit(k + 1)) {
                long index = from + k;
                List<String> lost = reindex(index);
                reindexed++;
                if (!lost.isEmpty()) {
                    unopenable.add(new Unopenable(index, lost));
                }
            }
        }
        return new Report(reindexed, List.copyOf(unopenable));
    }

    private long countIndexed(long from, long to) {
        return jdbc.sql("select count(*) from audit_event where ledger_index >= ? and ledger_index < ?")
                .params(from, to)
                .query(Long.class)
                .single();
    }

    /** Writes the index row of entry {@code index}; returns the committed fields whose commitment row is missing. */
    private List<String> reindex(long index) {
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = json.readValue(new String(ledger.entry(index), StandardCharsets.UTF_8), Map.class);
        jdbc.sql("""
                insert into audit_event(ledger_index, entry_id, event_type, occurred_at, actor_user_id, org_id, outcome,
                summary) values (?,?,?,?,?,?,?,?)""")
                .params(
                        index,
                        entry.get("id") instanceof String id ? id : null,
                        entry.get("type"),
                        Timestamp.from(Instant.parse((String) entry.get("at"))),
                        asLong(entry.get("actor")),
                        asLong(entry.get("org")),
                        entry.get("outcome"),
                        "recovered from ledger")
                .update();
        List<String> lost = new ArrayList<>();
        for (String field : COMMITTED_FIELDS) {
            if (entry.get(field) instanceof String value
                    && value.startsWith("sha256:")
                    && jdbc.sql("select count(*) from ledger_commitment where commitment = ?")
                                    .param(value.substring(7))
                                    .query(Long.class)
                                    .single()
                            == 0) {
                lost.add(field);
            }
        }
        return lost;
    }

    private static Long asLong(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    /** What one recovery run did. */
    record Report(long reindexed, List<Unopenable> unopenable) {}

    /** A re-indexed entry whose commitments in {@code fields} have no salt and clear value left. */
    record Unopenable(long ledgerIndex, List<String> fields) {}
}
