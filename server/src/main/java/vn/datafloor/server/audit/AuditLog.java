package vn.datafloor.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts security-relevant events on the ledger. The ledger is public forever, so personal details
 * (names, client addresses) go in only as salted SHA-256 commitments; their salts and clear values
 * stay in the control database, shown only to the subject and to auditors. Deleting a salt erases
 * the detail without breaking the tree.
 */
@Service
public class AuditLog {

    private final AuditOutbox outbox;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final SecureRandom random;
    private final JsonMapper json;

    /**
     * Appends the entries of committed transactions. The committing thread may not do it: it still
     * holds its database connection until the commit's callbacks return, and the append needs a
     * connection of its own; with every pooled connection held by a committing thread waiting for a
     * second one, the server would stall (seen with 64 concurrent buyers on a pool of 10). The
     * entry is durable in the outbox before this starts, so a crash loses nothing: recovery appends it.
     */
    private final java.util.concurrent.ExecutorService relays =
            java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "audit-relay");
                thread.setDaemon(true);
                return thread;
            });

    private final java.util.concurrent.atomic.AtomicLong waiting = new java.util.concurrent.atomic.AtomicLong();

    private final Object relayed = new Object();

    public AuditLog(
            AuditOutbox outbox,
            JdbcClient jdbc,
            TransactionTemplate transactions,
            Clock clock,
            SecureRandom random,
            JsonMapper json) {
        this.outbox = outbox;
        this.transactions = transactions;
        this.jdbc = jdbc;
        this.clock = clock;
        this.random = random;
        this.json = json;
    }

    /**
     * Records the event durably on the ledger and indexes it for search; returns its ledger index.
     * Inside a transaction the entry is prepared with the caller's rows and appended after they
     * commit (see {@link AuditOutbox}); then {@link #NOT_YET_APPENDED} is returned.
     */
    public long record(AuditEvent event) {
        return record(event, event.actorName(), event.actorUserId());
    }

    /**
     * Records several events, as {@link #record} would one by one, but sharing the work: outside a
     * transaction their rows commit together and their entries go on the ledger through batch
     * appends (consecutive leaves, one fsync per {@value AuditOutbox#BATCH} entries) before this
     * returns. Inside the caller's transaction each is prepared with the caller's rows and appended
     * after the commit, by the relay, in batches too.
     */
    public void recordAll(java.util.List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // Their outbox rows in one statement, handed to the relay together once the caller commits.
            Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            java.util.List<AuditOutbox.Row> rows = new java.util.ArrayList<>(events.size());
            for (AuditEvent event : events) {
                String id = newEntryId();
                rows.add(new AuditOutbox.Row(
                        id,
                        entry(id, at, event, event.actorName(), event.actorUserId()),
                        event,
                        at,
                        truncate(event.summary())));
            }
            outbox.prepareAll(rows);
            java.util.List<String> ids = rows.stream().map(AuditOutbox.Row::id).toList();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    ids.forEach(AuditLog.this::handOver);
                }
            });
            return;
        }
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        java.util.List<String> ids = new java.util.ArrayList<>();
        transactions.executeWithoutResult(status -> {
            for (AuditEvent event : events) {
                String id = newEntryId();
                prepare(id, at, event, event.actorName(), event.actorUserId());
                ids.add(id);
            }
        });
        for (int from = 0; from < ids.size(); from += AuditOutbox.BATCH) {
            outbox.relayAll(ids.subList(from, Math.min(ids.size(), from + AuditOutbox.BATCH)));
        }
    }

    /**
     * Records a sign-in attempt, failed or refused, so that its public entry looks the same whether or
     * not the typed name belongs to an account: no actor, no organisation, and a salted commitment
     * under {@code actorName} either way. For an account the commitment is to its login name, kept
     * with the account as subject so that the person and auditors can open it; for a name that matches
     * no account it is to {@link #NO_ACCOUNT}, because such names are often mistyped passwords and are
     * not kept in any form.
     *
     * @param event the event, with no actor, actor name or organisation of its own
     * @param account the account the typed name belongs to, or null
     */
    public long recordSignInAttempt(AuditEvent event, UserRef account) {
        if (event.actorUserId() != null || event.actorName() != null || event.orgId() != null) {
            throw new IllegalArgumentException("a sign-in attempt names no actor or organisation on the ledger");
        }
        return account == null ? record(event, NO_ACCOUNT, null) : record(event, account.username(), account.id());
    }

    /** An account's id and login name, for {@link #recordSignInAttempt}. */
    public record UserRef(long id, String username) {}

    /** What a sign-in attempt's name commitment opens to when the typed name matches no account. */
    public static final String NO_ACCOUNT = "(no such account)";

    /**
     * A fresh id for an entry to be prepared with {@link #recordInTransaction}: a UUID laid out as RFC 9562's
     * version 7, the time in milliseconds first, then 74 random bits. Entry ids are indexed (the outbox, the
     * audit index); ids that grow with time are appended at the end of those indexes instead of rewriting a
     * random page of them at every commit.
     */
    public static String newEntryId() {
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (ENTRY_IDS.nextInt() & 0x0FFFL);
        long low = (ENTRY_IDS.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static final java.security.SecureRandom ENTRY_IDS = new java.security.SecureRandom();

    /**
     * Prepares {@code event} in the caller's transaction under {@code entryId} (from {@link #newEntryId}),
     * to be appended once that commits (by the relay, in batches that share one fsync);
     * {@link #ledgerIndexes} finds the entry's index by that id once appended. For writes whose own rows
     * must name their entry, such as an access and the subjects it touched: both commit together or not
     * at all, and the rows can carry the id from their first insert.
     */
    public void recordInTransaction(String entryId, AuditEvent event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("recordInTransaction needs the caller's transaction");
        }
        record(entryId, event, event.actorName(), event.actorUserId());
    }

    /** The ledger indexes of the entries appended so far among {@code entryIds} (see {@link #recordInTransaction}). */
    public java.util.Map<String, Long> ledgerIndexes(java.util.Collection<String> entryIds) {
        java.util.Map<String, Long> found = new java.util.HashMap<>();
        java.util.List<String> ids = entryIds.stream().distinct().toList();
        for (int from = 0; from < ids.size(); from += 500) {
            java.util.List<String> batch = ids.subList(from, Math.min(ids.size(), from + 500));
            jdbc.sql("select entry_id, ledger_index from audit_event where entry_id in ("
                            + String.join(",", java.util.Collections.nCopies(batch.size(), "?")) + ")")
                    .params(new java.util.ArrayList<Object>(batch))
                    .query((rs, n) -> java.util.Map.entry(rs.getString(1), rs.getLong(2)))
                    .list()
                    .forEach(e -> found.put(e.getKey(), e.getValue()));
        }
        return found;
    }

    private long record(AuditEvent event, String committedName, Long nameSubject) {
        return record(newEntryId(), event, committedName, nameSubject);
    }

    private long record(String id, AuditEvent event, String committedName, Long nameSubject) {
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        boolean inCallersTransaction = TransactionSynchronizationManager.isActualTransactionActive();
        if (inCallersTransaction) {
            prepare(id, at, event, committedName, nameSubject);
            // The entry follows the caller's rows: appended once they commit, never if they roll back.
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    handOver(id);
                }
            });
            return NOT_YET_APPENDED;
        }
        // Commitments and outbox row commit together, then the entry is appended.
        transactions.executeWithoutResult(status -> prepare(id, at, event, committedName, nameSubject));
        return outbox.relay(id);
    }

    /** Committed entries waiting for the relay, appended in batches that share one fsync. */
    private final java.util.concurrent.ConcurrentLinkedQueue<String> handedOver =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

    private void handOver(String id) {
        waiting.incrementAndGet();
        handedOver.add(id);
        drainSoon();
    }

    private void drainSoon() {
        if (draining.compareAndSet(false, true)) {
            try {
                relays.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // Shutting down: the rows stay in the outbox and are appended at the next start.
                draining.set(false);
            }
        }
    }

    /** One relay at a time takes what is waiting, up to a batch of entries, and appends them together. */
    private void drain() {
        try {
            while (true) {
                java.util.List<String> batch = new java.util.ArrayList<>();
                String id;
                while (batch.size() < AuditOutbox.BATCH && (id = handedOver.poll()) != null) {
                    batch.add(id);
                }
                if (batch.isEmpty()) {
                    return;
                }
                try {
                    outbox.relayAll(batch);
                } catch (RuntimeException e) {
                    // Committed rows stay in the outbox; the scheduled retry appends them.
                    org.slf4j.LoggerFactory.getLogger(AuditLog.class)
                            .warn("{} ledger entries wait for the retry: {}", batch.size(), e.getMessage());
                } finally {
                    done(batch.size());
                }
            }
        } finally {
            draining.set(false);
            if (!handedOver.isEmpty()) {
                drainSoon();
            }
        }
    }

    private void done(int count) {
        synchronized (relayed) {
            waiting.addAndGet(-count);
            relayed.notifyAll();
        }
    }

    /**
     * Waits until the entries of transactions committed so far are appended (or their append failed
     * and was left to the retry), at most {@code timeout}; true when none is waiting any more.
     */
    public boolean awaitRelayed(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (relayed) {
            while (waiting.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(relayed, left);
            }
        }
        return true;
    }

    /** A graceful stop appends what was committed before it returns. */
    @jakarta.annotation.PreDestroy
    void stop() throws InterruptedException {
        relays.shutdown();
        relays.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void prepare(String id, Instant at, AuditEvent event, String committedName, Long nameSubject) {
        outbox.prepare(id, entry(id, at, event, committedName, nameSubject), event, at, truncate(event.summary()));
    }

    /** The entry's text, its commitments' salts written in the caller's transaction. */
    private String entry(String id, Instant at, AuditEvent event, String committedName, Long nameSubject) {
        Map<String, Object> entry = new TreeMap<>();
        entry.put("v", 1);
        // Lets recovery recognise an entry that became durable just before a crash, so it is never appended twice.
        entry.put("id", id);
        entry.put("type", event.type().name());
        entry.put("at", at.toString());
        entry.put("outcome", event.outcome().name());
        if (event.orgId() != null) {
            entry.put("org", event.orgId());
        }
        if (event.actorUserId() != null) {
            entry.put("actor", event.actorUserId());
        }
        if (committedName != null) {
            entry.put("actorName", commit(committedName, nameSubject, at));
        }
        if (event.clientAddress() != null) {
            entry.put("client", commit(event.clientAddress(), nameSubject, at));
        }
        if (!event.details().isEmpty()) {
            entry.put("details", new TreeMap<>(event.details()));
        }
        return json.writeValueAsString(entry);
    }

    /**
     * What {@link #record} returns when called inside a transaction: the entry is appended when that
     * transaction commits, so its index is not known yet. Callers that keep an entry's index call
     * {@code record} outside transactions.
     */
    public static final long NOT_YET_APPENDED = -1;

    /**
     * Writes the salt and clear value with the outbox row of the entry that commits to them (in the
     * same transaction), so an appended entry never points at a commitment nobody can open.
     */
    private String commit(String clearValue, Long subjectUserId, Instant at) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        String saltHex = HexFormat.of().formatHex(salt);
        String commitment = commitment(saltHex, clearValue);
        jdbc.sql(
                        "insert into ledger_commitment(commitment, salt, clear_value, subject_user_id, created_at) values (?,?,?,?,?)")
                .params(commitment, saltHex, clearValue, subjectUserId, Timestamp.from(at))
                .update();
        return "sha256:" + commitment;
    }

    /** SHA-256(salt hex ‖ 0x00 ‖ value UTF-8), hex; anyone holding salt and value can check it. */
    public static String commitment(String saltHex, String clearValue) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(saltHex.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(clearValue.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String summary) {
        String text = summary == null ? "" : summary;
        return text.length() <= 500 ? text : text.substring(0, 500);
    }
}
