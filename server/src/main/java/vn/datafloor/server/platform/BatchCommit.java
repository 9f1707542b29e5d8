package vn.datafloor.server.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Like {@link GroupCommit}, one writer committing many callers' work together, but the work of a batch
 * is done by one function over all its items, so that each step is one statement for the whole batch
 * rather than one per item. Against a database across a network that is the difference that counts: the
 * writer waits for each statement's round trip, and a batch of twenty items then costs a few round trips
 * instead of a few hundred.
 *
 * <p>The batch function decides each item's outcome itself: it checks first (conditional updates whose
 * counts say which items may proceed) and writes only for the items that passed, so a refused item leaves
 * nothing behind and needs no savepoint. If the batch's transaction fails as a whole (a conflict the
 * function did not foresee, a lost connection), each of its items is run again alone, by the single-item
 * function in a transaction of its own, so that one item's trouble never decides another's outcome.
 *
 * @param <I> an item of work
 * @param <O> its result
 */
public final class BatchCommit<I, O> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchCommit.class);

    /** Items in one batch at most: enough to share round trips and a commit, few enough to keep waits short. */
    static final int MAX_BATCH = 128;

    /** An item's outcome: its result, or the exception its caller gets. */
    public record Outcome<O>(O result, RuntimeException failure) {
        public static <O> Outcome<O> of(O result) {
            return new Outcome<>(result, null);
        }

        public static <O> Outcome<O> refused(RuntimeException failure) {
            return new Outcome<>(null, failure);
        }
    }

    private record Item<I, O>(I work, CompletableFuture<O> done) {}

    private final TransactionTemplate transactions;
    private final String name;
    private final java.util.function.BiFunction<TransactionStatus, List<I>, List<Outcome<O>>> batch;
    private final Function<I, O> alone;
    private final BlockingQueue<Item<I, O>> waiting = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param batch does a batch's work inside its transaction and returns one outcome per item, in order
     * @param alone does one item's work inside a transaction of its own (the fallback)
     */
    public BatchCommit(
            TransactionTemplate transactions,
            String name,
            Function<List<I>, List<Outcome<O>>> batch,
            Function<I, O> alone) {
        this(transactions, name, (status, items) -> batch.apply(items), alone);
    }

    /** The same, with a batch function that is given its transaction (for savepoints: see {@link GroupCommit}). */
    BatchCommit(
            TransactionTemplate transactions,
            String name,
            java.util.function.BiFunction<TransactionStatus, List<I>, List<Outcome<O>>> batch,
            Function<I, O> alone) {
        this.transactions = transactions;
        this.name = name;
        this.batch = batch;
        this.alone = alone;
        this.writer = new Thread(this::write, name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Does {@code work} in a shared transaction and returns its result once that has committed. */
    public O run(I work) {
        if (closed || Thread.currentThread() == writer) {
            return transactions.execute(status -> alone.apply(work));
        }
        Item<I, O> item = new Item<>(work, new CompletableFuture<>());
        waiting.add(item);
        try {
            return item.done().get();
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
        List<Item<I, O>> items = new ArrayList<>(MAX_BATCH);
        while (!closed || !waiting.isEmpty()) {
            try {
                Item<I, O> first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                items.add(first);
                waiting.drainTo(items, MAX_BATCH - 1);
                commit(items);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error unexpected) {
                LOG.error("the writer {} failed a batch", name, unexpected);
                items.forEach(i -> i.done().completeExceptionally(unexpected));
            } finally {
                items.clear();
            }
        }
    }

    private void commit(List<Item<I, O>> items) {
        List<I> work = items.stream().map(Item::work).toList();
        List<Outcome<O>> outcomes;
        try {
            outcomes = transactions.execute(status -> {
                List<Outcome<O>> decided = batch.apply(status, work);
                if (decided.size() != work.size()) {
                    throw new IllegalStateException(
                            name + ": " + decided.size() + " outcomes for " + work.size() + " items");
                }
                return decided;
            });
        } catch (RuntimeException batchFailed) {
            LOG.warn(
                    "{}: a batch of {} items could not commit together ({}); each runs alone",
                    name,
                    items.size(),
                    batchFailed.getClass().getSimpleName());
            outcomes = new ArrayList<>(items.size());
            for (I one : work) {
                try {
                    outcomes.add(Outcome.of(transactions.execute(status -> alone.apply(one))));
                } catch (RuntimeException e) {
                    outcomes.add(Outcome.refused(e));
                }
            }
        }
        for (int i = 0; i < items.size(); i++) {
            Outcome<O> outcome = outcomes.get(i);
            if (outcome.failure() != null) {
                items.get(i).done().completeExceptionally(outcome.failure());
            } else {
                items.get(i).done().complete(outcome.result());
            }
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
