package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.PlatformTest;

/**
 * The outbox between the control database and the ledger: an entry follows its transaction's fate,
 * and what a crash leaves between commit and append is settled once, never twice.
 */
class AuditOutboxTest extends PlatformTest {

    @Autowired
    AuditLog audit;

    @Autowired
    AuditOutbox outbox;

    @Autowired
    LedgerService ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    private static AuditEvent event(String marker) {
        return new AuditEvent(
                EventType.SOURCE_REGISTERED,
                null,
                "Nguyễn Văn " + marker,
                null,
                AuditEvent.Outcome.SUCCESS,
                "192.0.2.7",
                "outbox " + marker,
                Map.of("marker", marker));
    }

    private long entriesWith(String marker) {
        long found = 0;
        for (long i = 0; i < ledger.size(); i++) {
            if (new String(ledger.entry(i), StandardCharsets.UTF_8).contains("\"marker\":\"" + marker + "\"")) {
                found++;
            }
        }
        return found;
    }

    @Test
    void aRolledBackTransactionLeavesNoEntryAndNoSalt() {
        long size = ledger.size();
        long commitments = jdbc.sql("select count(*) from ledger_commitment")
                .query(Long.class)
                .single();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
                    audit.record(event("rolled-back"));
                    throw new IllegalStateException("the caller's work failed");
                }))
                .hasMessageContaining("caller's work failed");
        assertThat(ledger.size()).isEqualTo(size);
        assertThat(entriesWith("rolled-back")).isZero();
        assertThat(jdbc.sql("select count(*) from ledger_commitment")
                        .query(Long.class)
                        .single())
                .isEqualTo(commitments);
        assertThat(outbox.waiting()).isZero();
    }

    @Test
    void insideATransactionTheEntryIsAppendedWhenItCommits() throws InterruptedException {
        long[] returned = new long[1];
        long[] sizeInside = new long[1];
        long size = ledger.size();
        transactions.executeWithoutResult(status -> {
            returned[0] = audit.record(event("committed"));
            sizeInside[0] = ledger.size();
        });
        assertThat(returned[0]).isEqualTo(AuditLog.NOT_YET_APPENDED);
        assertThat(sizeInside[0]).as("nothing appended before the commit").isEqualTo(size);
        assertThat(audit.awaitRelayed(java.time.Duration.ofSeconds(30))).isTrue();
        assertThat(entriesWith("committed")).isEqualTo(1);
        assertThat(outbox.waiting()).isZero();
        assertThat(jdbc.sql("select count(*) from audit_event where summary = 'outbox committed'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    /**
     * More committing transactions at once than the pool has connections: each still holds its
     * connection when its entry is handed over, so the append must not need a second one on the
     * committing thread (it stalled the server with 64 buyers on a pool of 10).
     */
    @Test
    void moreConcurrentCommitsThanPooledConnectionsDoNotStall() throws Exception {
        int threads = 40;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int n = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 5; i++) {
                    int k = i;
                    transactions.executeWithoutResult(status -> audit.record(event("crowd-" + n + "-" + k)));
                }
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> f : done) {
            f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(audit.awaitRelayed(java.time.Duration.ofSeconds(60))).isTrue();
        assertThat(outbox.waiting()).isZero();
        assertThat(jdbc.sql("select count(*) from audit_event where summary like 'outbox crowd-%'")
                        .query(Long.class)
                        .single())
                .isEqualTo(threads * 5L);
    }

    @Test
    void outsideATransactionTheIndexIsReturnedOnceDurable() {
        long index = audit.record(event("alone"));
        assertThat(index).isGreaterThanOrEqualTo(0);
        assertThat(new String(ledger.entry(index), StandardCharsets.UTF_8)).contains("\"marker\":\"alone\"");
    }

    @Test
    void aCommittedRowIsAppendedAtTheNextStartAndADurableOneIsNotAppendedAgain() {
        // Crashed after the commit, before the append: only the row exists.
        String late = UUID.randomUUID().toString();
        prepared(late, "late");
        // Crashed after the append, before the row was settled: both exist.
        String durable = UUID.randomUUID().toString();
        String durableEntry = prepared(durable, "durable");
        long durableIndex = ledger.append(durableEntry.getBytes(StandardCharsets.UTF_8));

        AuditOutbox.Recovered recovered = outbox.recoverAll();

        assertThat(recovered.appended()).isEqualTo(1);
        assertThat(recovered.alreadyDurable()).isEqualTo(1);
        assertThat(entriesWith("late")).isEqualTo(1);
        assertThat(entriesWith("durable")).isEqualTo(1);
        assertThat(jdbc.sql("select summary from audit_event where ledger_index = ?")
                        .param(durableIndex)
                        .query(String.class)
                        .single())
                .isEqualTo("outbox durable");
        assertThat(outbox.waiting()).isZero();
        // Twice is once.
        long size = ledger.size();
        assertThat(outbox.recoverAll()).isEqualTo(new AuditOutbox.Recovered(0, 0));
        assertThat(ledger.size()).isEqualTo(size);
    }

    @Test
    void aRowAnotherRelayHoldsIsNotAppendedTwice() {
        String id = UUID.randomUUID().toString();
        prepared(id, "claimed");
        jdbc.sql("update audit_outbox set claimed_at = ? where id = ?")
                .params(java.sql.Timestamp.from(clock.instant()), id)
                .update();
        assertThat(outbox.relay(id)).isEqualTo(AuditLog.NOT_YET_APPENDED);
        assertThat(entriesWith("claimed")).isZero();
        // Once the claim is stale (its relay died), the row is taken again.
        clock.advance(AuditOutbox.CLAIM_TIMEOUT.plus(1, ChronoUnit.SECONDS));
        assertThat(outbox.relay(id)).isGreaterThanOrEqualTo(0);
        assertThat(entriesWith("claimed")).isEqualTo(1);
    }

    @Test
    void aBatchTakesOnlyTheRowsNoOtherRelayHoldsAndAppendsThemInTheOrderGiven() {
        String a = UUID.randomUUID().toString();
        prepared(a, "batch-a");
        String held = UUID.randomUUID().toString();
        prepared(held, "batch-held");
        String c = UUID.randomUUID().toString();
        prepared(c, "batch-c");
        jdbc.sql("update audit_outbox set claimed_at = ?, claimed_by = 'another relay' where id = ?")
                .params(java.sql.Timestamp.from(clock.instant()), held)
                .update();

        outbox.relayAll(java.util.List.of(c, held, a));

        assertThat(entriesWith("batch-a")).isEqualTo(1);
        assertThat(entriesWith("batch-c")).isEqualTo(1);
        assertThat(entriesWith("batch-held")).isZero();
        java.util.List<Long> indexes = indexesOf("outbox batch-c", "outbox batch-a");
        assertThat(indexes.get(1)).isEqualTo(indexes.get(0) + 1);
        assertThat(outbox.waiting()).isEqualTo(1);
        // The other relay's claim is left as it was, for it (or the retry, once stale) to finish.
        assertThat(jdbc.sql("select claimed_by from audit_outbox where id = ?")
                        .param(held)
                        .query(String.class)
                        .single())
                .isEqualTo("another relay");
        clock.advance(AuditOutbox.CLAIM_TIMEOUT.plus(1, ChronoUnit.SECONDS));
        outbox.relayStale();
        assertThat(entriesWith("batch-held")).isEqualTo(1);
        assertThat(outbox.waiting()).isZero();
    }

    @Test
    void aLeafTheIndexRecoveryAlreadyIndexedGetsTheOutboxSummaryNotASecondRow() {
        String a = UUID.randomUUID().toString();
        prepared(a, "indexed-a");
        String b = UUID.randomUUID().toString();
        prepared(b, "indexed-b");
        long next = ledger.size();
        // What the start-up index recovery writes for a leaf it read from the ledger: a shorter summary.
        jdbc.sql("insert into audit_event(ledger_index, entry_id, event_type, occurred_at, outcome, summary) "
                        + "values (?,?,?,?,?,?)")
                .params(
                        next,
                        null,
                        "SOURCE_REGISTERED",
                        java.sql.Timestamp.from(clock.instant()),
                        "SUCCESS",
                        "recovered")
                .update();

        outbox.relayAll(java.util.List.of(a, b));

        assertThat(jdbc.sql("select count(*) from audit_event where ledger_index = ?")
                        .param(next)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(indexesOf("outbox indexed-a", "outbox indexed-b")).containsExactly(next, next + 1);
        assertThat(jdbc.sql("select entry_id from audit_event where ledger_index = ?")
                        .param(next)
                        .query(String.class)
                        .single())
                .isEqualTo(a);
        assertThat(outbox.waiting()).isZero();
    }

    @Test
    void recordAllPutsSeveralEventsOnTheLedgerAsOneConsecutiveRun() {
        audit.recordAll(java.util.List.of(event("all-1"), event("all-2"), event("all-3")));

        java.util.List<Long> indexes = indexesOf("outbox all-1", "outbox all-2", "outbox all-3");
        assertThat(indexes).hasSize(3);
        assertThat(indexes.get(1)).isEqualTo(indexes.get(0) + 1);
        assertThat(indexes.get(2)).isEqualTo(indexes.get(0) + 2);
        assertThat(new String(ledger.entry(indexes.get(2)), StandardCharsets.UTF_8))
                .contains("\"marker\":\"all-3\"");
        assertThat(outbox.waiting()).isZero();
    }

    @Test
    void recoveryAppendsTheRowsACrashLeftAsOneBatchInCommitOrder() {
        String first = UUID.randomUUID().toString();
        prepared(first, "late-a");
        clock.advance(java.time.Duration.ofMillis(5));
        String second = UUID.randomUUID().toString();
        prepared(second, "late-b");

        AuditOutbox.Recovered recovered = outbox.recoverAll();

        assertThat(recovered).isEqualTo(new AuditOutbox.Recovered(2, 0));
        java.util.List<Long> indexes = indexesOf("outbox late-a", "outbox late-b");
        assertThat(indexes.get(1)).isEqualTo(indexes.get(0) + 1);
        assertThat(new String(ledger.entry(indexes.get(0)), StandardCharsets.UTF_8))
                .contains(first);
        assertThat(outbox.waiting()).isZero();
    }

    @Test
    void staleRowsAreRetriedTogetherAndAnAlreadyDurableOneIsOnlyIndexed() {
        String a = UUID.randomUUID().toString();
        prepared(a, "stale-a");
        String b = UUID.randomUUID().toString();
        prepared(b, "stale-b");
        String c = UUID.randomUUID().toString();
        long durableIndex = ledger.append(prepared(c, "stale-c").getBytes(StandardCharsets.UTF_8));
        clock.advance(AuditOutbox.CLAIM_TIMEOUT.plus(1, ChronoUnit.SECONDS));

        outbox.relayStale();

        assertThat(outbox.waiting()).isZero();
        assertThat(entriesWith("stale-a")).isEqualTo(1);
        assertThat(entriesWith("stale-b")).isEqualTo(1);
        assertThat(entriesWith("stale-c")).isEqualTo(1);
        java.util.List<Long> indexes = indexesOf("outbox stale-a", "outbox stale-b", "outbox stale-c");
        assertThat(Math.abs(indexes.get(1) - indexes.get(0))).isEqualTo(1);
        assertThat(indexes.get(2)).isEqualTo(durableIndex);
    }

    /** The ledger index of each summary's audit row, in the order given. */
    private java.util.List<Long> indexesOf(String... summaries) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (String summary : summaries) {
            out.add(jdbc.sql("select ledger_index from audit_event where summary = ?")
                    .param(summary)
                    .query(Long.class)
                    .single());
        }
        return out;
    }

    /** A committed outbox row as {@link AuditLog} writes it; returns its entry text. */
    private String prepared(String id, String marker) {
        String entry = "{\"details\":{\"marker\":\"" + marker + "\"},\"id\":\"" + id
                + "\",\"outcome\":\"SUCCESS\",\"type\":" + "\"SOURCE_REGISTERED\",\"v\":1,\"at\":\""
                + clock.instant().truncatedTo(ChronoUnit.MILLIS) + "\"}";
        transactions.executeWithoutResult(status -> outbox.prepare(
                id, entry, event(marker), clock.instant().truncatedTo(ChronoUnit.MILLIS), "outbox " + marker));
        return entry;
    }
}
