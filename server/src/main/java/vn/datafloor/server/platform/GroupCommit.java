package vn.datafloor.server.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Small units of work from many threads, run one after another by a single writer in shared
 * transactions: one commit for every unit waiting, as the ledger shares one fsync among its appends.
 *
 * <p>Used by data deliveries' access records and by purchases that need the provider's approval (the
 * others go through {@link BatchCommit} with a function written for whole batches). Why: a purchase is a
 * dozen short statements and one commit, and many buyers of one offer or one
 * seller queue on the same rows (the offer's units, the seller's invoice counter). Run concurrently,
 * each holds those locks across its own commit, so the market moves at one commit per purchase and
 * waiters pile up. Run by one writer, no unit waits for a lock another unit holds, and a batch of
 * purchases shares one commit.
 *
 * <p>Each unit runs under its own savepoint: a unit that fails (sold out, not enough money, a doubled
 * key) is rolled back alone and its caller gets its exception once the others have committed. If the
 * batch itself cannot commit, every unit in it is run again in a transaction of its own, so one unit's
 * trouble never decides another's outcome. A unit must therefore be repeatable: it
 * reads what it needs inside its transaction and decides from that. The writer is a {@link BatchCommit}
 * whose batch function runs the units one by one, each under its savepoint.
 */
public final class GroupCommit implements AutoCloseable {

    /** The writer: a batch of units, each under its savepoint; alone, a unit in its own transaction. */
    private final BatchCommit<Supplier<?>, Object> writer;

    public GroupCommit(TransactionTemplate transactions, String name) {
        this.writer = new BatchCommit<>(transactions, name, GroupCommit::runEach, Supplier::get);
    }

    /** Runs {@code work} in a shared transaction and returns its result once that has committed. */
    @SuppressWarnings("unchecked")
    public <T> T run(Supplier<T> work) {
        return (T) writer.run(work);
    }

    private static List<BatchCommit.Outcome<Object>> runEach(TransactionStatus status, List<Supplier<?>> units) {
        List<BatchCommit.Outcome<Object>> outcomes = new ArrayList<>(units.size());
        for (Supplier<?> unit : units) {
            Object savepoint = status.createSavepoint();
            try {
                Object result = unit.get();
                status.releaseSavepoint(savepoint);
                outcomes.add(BatchCommit.Outcome.of(result));
            } catch (RuntimeException e) {
                // Resets the rollback-only mark a participating transaction set: the others still commit.
                status.rollbackToSavepoint(savepoint);
                outcomes.add(BatchCommit.Outcome.refused(e));
            }
        }
        return outcomes;
    }

    @Override
    public void close() {
        writer.close();
    }
}
