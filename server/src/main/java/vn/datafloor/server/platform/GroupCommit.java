package vn.datafloor.server.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Small units of work from many threads, run one after another by a single writer in shared
 * transactions: one commit for every unit waiting, as the ledger shares one fsync among its appends.
 *
 * <p>Used by purchases and by data deliveries' access records. Why: a purchase is a dozen short statements and one commit, and many buyers of one offer or one
 * seller queue on the same rows (the offer's units, the seller's invoice counter). Run concurrently,
 * each holds those locks across its own commit, so the market moves at one commit per purchase and
 * waiters pile up. Run by one writer, no unit waits for a lock another unit holds, and a batch of
 * purchases shares one commit.
 *
 * <p>Each unit runs under its own savepoint: a unit that fails (sold out, not enough money, a doubled
 * key) is rolled back alone and its caller gets its exception once the others have committed. If the
 * batch itself cannot commit, every unit in it is run again in a transaction of its own, so one unit's
 * trouble never decides another's outcome. A unit must therefore be repeatable: it
 * reads what it needs inside its transaction and decides from that.
 */
public final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** Units in one transaction at most: enough to share a commit, few enough to keep each wait short. */
    static final int MAX_BATCH = 128;

    private record Unit<T>(Supplier<T> work, CompletableFuture<T> done) {}

    private final TransactionTemplate transactions;
    private final String name;
    private final BlockingQueue<Unit<?>> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    public GroupCommit(TransactionTemplate transactions, String name) {
        this.transactions = transactions;
        this.name = name;
        this.writer = new Thread(this::write, name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Runs {@code work} in a shared transaction and returns its result once that has committed. */
    public <T> T run(Supplier<T> work) {
        if (closed || Thread.currentThread() == writer) {
            // Shutting down, or a unit asking for another: run it in the caller's own transaction.
            return transactions.execute(status -> work.get());
        }
        Unit<T> unit = new Unit<>(work, new CompletableFuture<>());
        waiting.add(unit);
        try {
            return unit.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the work was being committed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void write() {
        List<Unit<?>> batch = new ArrayList<>(MAX_BATCH);
        while (!closed || !waiting.isEmpty()) {
            try {
                Unit<?> first = waiting.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error unexpected) {
                LOG.error("the writer {} failed a batch", name, unexpected);
                batch.forEach(u -> u.done().completeExceptionally(unexpected));
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Unit<?>> batch) {
        Object[] results = new Object[batch.size()];
        RuntimeException[] failures = new RuntimeException[batch.size()];
        try {
            transactions.executeWithoutResult(status -> {
                for (int i = 0; i < batch.size(); i++) {
                    runUnder(status, batch.get(i), i, results, failures);
                }
            });
        } catch (RuntimeException batchFailed) {
            LOG.warn("{}: a batch of {} units could not commit together; each runs alone", name, batch.size());
            // All of them: a unit refused inside the batch may have been refused for what another unit did.
            for (int i = 0; i < batch.size(); i++) {
                Unit<?> unit = batch.get(i);
                failures[i] = null;
                try {
                    results[i] = transactions.execute(status -> unit.work().get());
                } catch (RuntimeException e) {
                    failures[i] = e;
                }
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
    }

    private static void runUnder(
            TransactionStatus status, Unit<?> unit, int i, Object[] results, RuntimeException[] failures) {
        Object savepoint = status.createSavepoint();
        try {
            results[i] = unit.work().get();
            status.releaseSavepoint(savepoint);
        } catch (RuntimeException e) {
            // Resets the rollback-only mark a participating transaction set: the others still commit.
            status.rollbackToSavepoint(savepoint);
            failures[i] = e;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Unit<T> unit, Object result, RuntimeException failure) {
        if (failure != null) {
            unit.done().completeExceptionally(failure);
        } else {
            unit.done().complete((T) result);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
