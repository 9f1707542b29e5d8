package vn.datafloor.server.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactional outbox between the control database and the ledger.
 *
 * <p>The order is: database first, ledger second. An entry is prepared as a row of {@code audit_outbox}
 * in the same transaction as the rows it speaks of (a user created, a key revoked, later a payment) and
 * the salts of its commitments; only after that transaction commits is it appended to the ledger, and
 * its row replaced by the search index row. The other order cannot work: the ledger is public and
 * append-only, so an entry appended before a transaction that then rolls back (or dies) would record
 * something that never happened, or commit to salts nobody can open, and nothing could take it back.
 * A row that is committed but not yet appended is only late: {@link #recoverAll} appends it at the
 * next start, and {@link #relayStale} retries one whose append failed.
 *
 * <p>Appending exactly once: each entry carries its row's id. A crash between the durable append and
 * the deletion of the row leaves both; recovery then finds the id among the entries appended since the
 * row was written ({@code ledger_size_before}) and only indexes it. A row is claimed before it is
 * appended, so the thread that committed it and the retry never append it both.
 */
@Component
public class AuditOutbox {

    private static final Logger log = LoggerFactory.getLogger(AuditOutbox.class);
    /** A claim older than this is a relay that died with its process or failed: the row may be taken again. */
    static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);
    /** Most entries appended together: one batch append (one fsync) and one settling transaction. */
    static final int BATCH = 256;

    private final LedgerService ledger;
    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    AuditOutbox(LedgerService ledger, JdbcClient jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.ledger = ledger;
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        // Relays run after the caller's commit, where its finished transaction is still bound to the thread.
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    /** Writes the entry's row, in the caller's transaction. */
    void prepare(String id, String entry, AuditEvent event, Instant at, String summary) {
        jdbc.sql("""
                insert into audit_outbox(id, entry, event_type, occurred_at, actor_user_id, org_id, outcome, summary,
                    ledger_size_before) values (?,?,?,?,?,?,?,?,?)""")
                .params(
                        id,
                        entry,
                        event.type().name(),
                        Timestamp.from(at),
                        event.actorUserId(),
                        event.orgId(),
                        event.outcome().name(),
                        summary,
                        ledger.sizeLowerBound())
                .update();
    }

    /** An entry's outbox row, for {@link #prepareAll}. */
    record Row(String id, String entry, AuditEvent event, Instant at, String summary) {}

    /** Writes several entries' rows in one statement, in the caller's transaction. */
    void prepareAll(List<Row> rows) {
        long sizeBefore = ledger.sizeLowerBound();
        List<Object> values = new java.util.ArrayList<>(rows.size() * 9);
        for (Row row : rows) {
            values.addAll(java.util.Arrays.asList(
                    row.id(),
                    row.entry(),
                    row.event().type().name(),
                    Timestamp.from(row.at()),
                    row.event().actorUserId(),
                    row.event().orgId(),
                    row.event().outcome().name(),
                    row.summary(),
                    sizeBefore));
        }
        jdbc.sql(
                        "insert into audit_outbox(id, entry, event_type, occurred_at, actor_user_id, org_id, outcome, summary, "
                                + "ledger_size_before) values "
                                + String.join(",", java.util.Collections.nCopies(rows.size(), "(?,?,?,?,?,?,?,?,?)")))
                .params(values)
                .update();
    }

    /**
     * Appends the committed row {@code id} to the ledger and indexes it; returns its ledger index, or
     * {@link AuditLog#NOT_YET_APPENDED} when another relay holds it.
     */
    long relay(String id) {
        if (!ledger.local()) {
            try {
                return ledger.relayOnWriter(List.of(id)).getOrDefault(id, AuditLog.NOT_YET_APPENDED);
            } catch (RuntimeException writerAway) {
                // An API replica serves on while the writer is away: the row is committed and the writer
                // appends it at its start, or by its retry (relayStale) once the claim-less row is stale.
                log.warn(
                        "The ledger's writer did not take entry {}; it stays in the outbox: {}",
                        id,
                        writerAway.getMessage());
                return AuditLog.NOT_YET_APPENDED;
            }
        }
        List<Pending> rows = claim(List.of(id));
        if (rows.isEmpty()) {
            return AuditLog.NOT_YET_APPENDED;
        }
        long index = ledger.append(rows.get(0).entry().getBytes(StandardCharsets.UTF_8));
        settle(rows.get(0), index);
        return index;
    }

    /**
     * Appends several committed rows at once: one claim, one fsync, one settling transaction for all
     * of them, each a few statements whatever the number of rows. Rows another relay holds are left to it.
     */
    void relayAll(List<String> ids) {
        if (!ledger.local()) {
            ledger.relayOnWriter(ids);
            return;
        }
        if (ids.size() == 1) {
            relay(ids.get(0));
            return;
        }
        List<Pending> rows = claim(ids);
        if (!rows.isEmpty()) {
            appendAndSettle(rows);
        }
    }

    /**
     * On the writer, for an API replica: appends the replica's committed rows as {@link #relayAll} does
     * and returns the index of each one appended now. A row another relay holds, or one already settled,
     * is absent from the answer; the replica's caller then has no index, as with a row held here.
     */
    Map<String, Long> relayForReplica(List<String> ids) {
        List<Pending> rows = claim(ids);
        Map<String, Long> indexes = new java.util.LinkedHashMap<>();
        if (rows.isEmpty()) {
            return indexes;
        }
        long first = appendAndSettle(rows);
        for (int i = 0; i < rows.size(); i++) {
            indexes.put(rows.get(i).id(), first + i);
        }
        return indexes;
    }

    /**
     * Claims those of {@code ids} no live relay holds and reads them, in one transaction of two
     * statements: the update marks them with a token of this claim, the select reads back exactly those.
     * Returned in the order of {@code ids}, which is their commit order.
     */
    private List<Pending> claim(List<String> ids) {
        Instant now = clock.instant();
        String token = java.util.UUID.randomUUID().toString();
        String in = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        List<Object> params = new java.util.ArrayList<>(ids.size() + 3);
        params.add(Timestamp.from(now));
        params.add(token);
        params.addAll(ids);
        params.add(Timestamp.from(now.minus(CLAIM_TIMEOUT)));
        List<Pending> claimed = ownTransaction.execute(status -> {
            int updated = jdbc.sql("update audit_outbox set claimed_at = ?, claimed_by = ? where id in (" + in
                            + ") and (claimed_at is null or claimed_at < ?)")
                    .params(params)
                    .update();
            if (updated == 0) {
                return List.<Pending>of();
            }
            List<Object> mine = new java.util.ArrayList<Object>(ids);
            mine.add(token);
            return pendingWhere("id in (" + in + ") and claimed_by = ?", mine);
        });
        if (claimed == null || claimed.size() < 2) {
            return claimed == null ? List.of() : claimed;
        }
        Map<String, Pending> byId = new java.util.HashMap<>();
        claimed.forEach(row -> byId.put(row.id(), row));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    /** One batch append for all the rows (consecutive leaves, one fsync), then one transaction settling them. */
    private long appendAndSettle(List<Pending> rows) {
        long first = ledger.appendAll(rows.stream()
                .map(r -> r.entry().getBytes(StandardCharsets.UTF_8))
                .toList());
        ownTransaction.executeWithoutResult(status -> settleAllIn(rows, first));
        return first;
    }

    /**
     * At start, before anything else writes: every row a crash left is appended, or indexed when its
     * entry had already become durable. Returns how many of each. Rows to append go in batches, in
     * their commit order, each batch one append and one fsync.
     */
    Recovered recoverAll() {
        int appended = 0;
        int found = 0;
        List<Pending> late = new java.util.ArrayList<>();
        for (String id : jdbc.sql("select id from audit_outbox order by occurred_at, id")
                .query(String.class)
                .list()) {
            Pending row = pending(id).orElseThrow();
            Optional<Long> durable = findOnLedger(row);
            if (durable.isPresent()) {
                settle(row, durable.get());
                found++;
            } else {
                late.add(row);
                if (late.size() == BATCH) {
                    appendAndSettle(late);
                    appended += late.size();
                    late = new java.util.ArrayList<>();
                }
            }
        }
        if (!late.isEmpty()) {
            appendAndSettle(late);
            appended += late.size();
        }
        return new Recovered(appended, found);
    }

    record Recovered(int appended, int alreadyDurable) {}

    /** Retries rows whose append failed after their commit (a full disk, say) once their claim has expired. */
    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    void relayStale() {
        Instant stale = clock.instant().minus(CLAIM_TIMEOUT);
        List<String> ids = jdbc.sql(
                        "select id from audit_outbox where occurred_at < ? and (claimed_at is null or claimed_at < ?)")
                .params(Timestamp.from(stale), Timestamp.from(stale))
                .query(String.class)
                .list();
        List<String> toAppend = new java.util.ArrayList<>();
        for (String id : ids) {
            try {
                Pending row = pending(id).orElse(null);
                if (row != null) {
                    // The ledger is scanned once: an entry already durable is settled, else appended.
                    Optional<Long> durable = findOnLedger(row);
                    if (durable.isPresent()) {
                        settle(row, durable.get());
                    } else {
                        toAppend.add(id);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Ledger entry {} is still waiting to be appended: {}", id, e.getMessage());
            }
        }
        // After an outage many rows are stale at once: they share batch appends, not an fsync each.
        for (int from = 0; from < toAppend.size(); from += BATCH) {
            List<String> batch = toAppend.subList(from, Math.min(toAppend.size(), from + BATCH));
            try {
                relayAll(batch);
            } catch (RuntimeException e) {
                log.warn("{} ledger entries are still waiting to be appended: {}", batch.size(), e.getMessage());
            }
        }
    }

    /** How many entries are committed but not yet on the ledger. */
    public long waiting() {
        return jdbc.sql("select count(*) from audit_outbox").query(Long.class).single();
    }

    private Optional<Pending> pending(String id) {
        return pendingWhere("id = ?", List.of(id)).stream().findFirst();
    }

    private List<Pending> pendingWhere(String condition, List<Object> values) {
        return jdbc.sql("""
                select id, entry, event_type, occurred_at, actor_user_id, org_id, outcome, summary, ledger_size_before
                from audit_outbox where """ + " " + condition)
                .params(values)
                .query((rs, n) -> new Pending(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4),
                        (Long) rs.getObject(5, Long.class),
                        (Long) rs.getObject(6, Long.class),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getLong(9)))
                .list();
    }

    /** The entry carrying this row's id, among those appended since the row was written. */
    private Optional<Long> findOnLedger(Pending row) {
        String marker = "\"id\":\"" + row.id() + "\"";
        for (long index = row.ledgerSizeBefore(); index < ledger.size(); index++) {
            if (new String(ledger.entry(index), StandardCharsets.UTF_8).contains(marker)) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    /** The index row replaces the outbox row in one step. */
    private void settle(Pending row, long index) {
        ownTransaction.executeWithoutResult(status -> settleIn(row, index));
    }

    private void settleIn(Pending row, long index) {
        {
            boolean indexed = jdbc.sql("select count(*) from audit_event where ledger_index = ?")
                            .param(index)
                            .query(Long.class)
                            .single()
                    > 0;
            if (indexed) {
                // The start-up index recovery got there first; the outbox's summary is the better one.
                jdbc.sql("update audit_event set summary = ?, entry_id = ? where ledger_index = ?")
                        .params(row.summary(), row.id(), index)
                        .update();
            } else {
                jdbc.sql("""
                        insert into audit_event(ledger_index, entry_id, event_type, occurred_at, actor_user_id, org_id,
                        outcome, summary) values (?,?,?,?,?,?,?,?)""")
                        .params(
                                index,
                                row.id(),
                                row.eventType(),
                                row.occurredAt(),
                                row.actorUserId(),
                                row.orgId(),
                                row.outcome(),
                                row.summary())
                        .update();
            }
            jdbc.sql("delete from audit_outbox where id = ?").param(row.id()).update();
        }
    }

    /**
     * Settles rows appended as consecutive leaves from {@code first}: their index rows written in one
     * statement and their outbox rows deleted in another. A leaf the start-up index recovery already
     * indexed (found by one range query) gets the outbox's better summary instead.
     */
    private void settleAllIn(List<Pending> rows, long first) {
        long last = first + rows.size() - 1;
        java.util.Set<Long> indexed = new java.util.HashSet<>(
                jdbc.sql("select ledger_index from audit_event where ledger_index between ? and ?")
                        .params(first, last)
                        .query(Long.class)
                        .list());
        List<Object> values = new java.util.ArrayList<>(rows.size() * 8);
        int inserts = 0;
        for (int i = 0; i < rows.size(); i++) {
            Pending row = rows.get(i);
            long index = first + i;
            if (indexed.contains(index)) {
                settleIn(row, index);
                continue;
            }
            values.addAll(java.util.Arrays.asList(
                    index,
                    row.id(),
                    row.eventType(),
                    row.occurredAt(),
                    row.actorUserId(),
                    row.orgId(),
                    row.outcome(),
                    row.summary()));
            inserts++;
        }
        if (inserts > 0) {
            jdbc.sql("insert into audit_event(ledger_index, entry_id, event_type, occurred_at, actor_user_id, org_id, "
                            + "outcome, summary) values "
                            + String.join(",", java.util.Collections.nCopies(inserts, "(?,?,?,?,?,?,?,?)")))
                    .params(values)
                    .update();
        }
        jdbc.sql("delete from audit_outbox where id in ("
                        + String.join(",", java.util.Collections.nCopies(rows.size(), "?")) + ")")
                .params(new java.util.ArrayList<Object>(
                        rows.stream().map(Pending::id).toList()))
                .update();
    }

    private record Pending(
            String id,
            String entry,
            String eventType,
            Timestamp occurredAt,
            Long actorUserId,
            Long orgId,
            String outcome,
            String summary,
            long ledgerSizeBefore) {}
}
