package vn.datafloor.server.platform;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Generations of data that a process keeps derived state of (consent sets, say): what it kept is good
 * while the generation it was read at is still the current one.
 *
 * <p>A change counts in this process at once and again when its transaction ends, so nothing read
 * before the commit outlives it. Where API replicas share the database ({@link ClusterNode#shared}), a
 * change also moves its row of {@code change_counter} in the writing transaction, and the current
 * generation includes that row as read now: a replica's change reaches every process's next read.
 * Readers take the generation before they read the data, so a set read across a commit is never kept
 * under the generation after it.
 */
@Component
public class ChangeCounters {

    /** A generation: this process's count, and the database's where it is shared (else 0). */
    public record Generation(long local, long shared) {}

    private final JdbcClient jdbc;
    private final ClusterNode node;
    private final ConcurrentHashMap<String, AtomicLong> local = new ConcurrentHashMap<>();

    public ChangeCounters(JdbcClient jdbc, ClusterNode node) {
        this.jdbc = jdbc;
        this.node = node;
    }

    /** The generation of {@code name} now; read it before reading what is to be kept. */
    public Generation current(String name) {
        long here = counter(name).get();
        if (!node.shared()) {
            return new Generation(here, 0);
        }
        long shared = jdbc.sql("select generation from change_counter where name = ?")
                .param(name)
                .query(Long.class)
                .optional()
                .orElseThrow(() -> unknown(name));
        return new Generation(here, shared);
    }

    /** {@code name} changes in the caller's transaction, which every change of it must be written in. */
    public void changed(String name) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("a change of " + name + " is counted inside its transaction");
        }
        AtomicLong counter = counter(name);
        counter.incrementAndGet();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                counter.incrementAndGet();
            }
        });
        if (node.shared()) {
            int moved = jdbc.sql("update change_counter set generation = generation + 1 where name = ?")
                    .param(name)
                    .update();
            if (moved != 1) {
                throw unknown(name);
            }
        }
    }

    private AtomicLong counter(String name) {
        return local.computeIfAbsent(name, n -> new AtomicLong());
    }

    private static IllegalStateException unknown(String name) {
        return new IllegalStateException("no change counter " + name + ": a migration adds its row");
    }
}
