package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void emptyLedgerHasTheEmptyRoot() throws IOException {
        try (Ledger l = Ledger.open(dir.resolve("new/nested"))) {
            assertThat(l.size()).isZero();
            assertThat(l.rootHash(0)).isEqualTo(MerkleProofs.emptyRoot());
            assertThat(l.latestCheckpoint()).isEmpty();
        }
    }

    @Test
    void appendReturnsConsecutiveIndicesAndEntriesSurviveReopen() throws IOException {
        List<byte[]> leaves = new ArrayList<>();
        try (Ledger l = Ledger.open(dir)) {
            for (int i = 0; i < 300; i++) {
                byte[] e = bytes("entry " + i + " " + "x".repeat(i % 17));
                leaves.add(e);
                assertThat(l.append(e)).isEqualTo(i);
            }
            leaves.add(new byte[0]);
            assertThat(l.append(new byte[0])).isEqualTo(300);
        }
        try (Ledger l = Ledger.open(dir)) {
            assertThat(l.size()).isEqualTo(301);
            for (int i = 0; i < 301; i++) {
                assertThat(l.entry(i)).isEqualTo(leaves.get(i));
            }
            // Sizes across the in-memory cache boundary (2^6 leaves) and beyond.
            for (int n : new int[] {1, 63, 64, 65, 127, 128, 129, 255, 256, 300, 301}) {
                assertThat(l.rootHash(n)).as("size %d", n).isEqualTo(Reference.mth(leaves.subList(0, n)));
            }
            assertThat(l.append(bytes("after reopen"))).isEqualTo(301);
            leaves.add(bytes("after reopen"));
            assertThat(l.rootHash(302)).isEqualTo(Reference.mth(leaves));
            assertThat(l.inclusionProof(299, 302)).containsExactlyElementsOf(Reference.path(299, leaves));
        }
    }

    @Test
    void appendAllKeepsABatchContiguous() throws IOException {
        try (Ledger l = Ledger.open(dir)) {
            l.append(bytes("first"));
            long first = l.appendAll(List.of(bytes("a"), bytes("b"), bytes("c")));
            assertThat(first).isEqualTo(1);
            assertThat(l.entry(3)).isEqualTo(bytes("c"));
            assertThatThrownBy(() -> l.appendAll(List.of())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void concurrentAppendersGetDistinctIndicesHoldingTheirEntries() throws Exception {
        int threads = 16;
        int perThread = 200;
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        try (Ledger l = Ledger.open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<List<long[]>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                results.add(pool.submit(() -> {
                    List<long[]> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        long idx = l.append(bytes(tt + ":" + i));
                        mine.add(new long[] {tt, i, idx});
                    }
                    return mine;
                }));
            }
            for (Future<List<long[]>> f : results) {
                for (long[] r : f.get()) {
                    assertThat(seen.add(r[2])).isTrue();
                    assertThat(new String(l.entry(r[2]), StandardCharsets.UTF_8))
                            .isEqualTo(r[0] + ":" + r[1]);
                }
            }
            pool.shutdown();
            assertThat(l.size()).isEqualTo((long) threads * perThread);
            assertThat(seen).hasSize(threads * perThread);
            List<byte[]> all = new ArrayList<>();
            for (long i = 0; i < l.size(); i++) {
                all.add(l.entry(i));
            }
            assertThat(l.rootHash(l.size())).isEqualTo(Reference.mth(all));
        }
    }

    @Test
    void readersSeeConsistentProofsWhileAppendsRun() throws Exception {
        try (Ledger l = Ledger.open(dir)) {
            l.append(bytes("seed"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> readerError = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                started.countDown();
                try {
                    while (!stop.get()) {
                        long n = l.size();
                        long i = n / 2;
                        byte[] root = l.rootHash(n);
                        byte[] leaf = MerkleProofs.leafHash(l.entry(i));
                        if (!MerkleProofs.verifyInclusion(i, n, leaf, l.inclusionProof(i, n), root)) {
                            throw new AssertionError("proof failed at " + i + "/" + n);
                        }
                    }
                } catch (Throwable t) {
                    readerError.set(t);
                }
            });
            reader.start();
            started.await();
            for (int i = 0; i < 2000; i++) {
                l.append(bytes("e" + i));
            }
            stop.set(true);
            reader.join();
            assertThat(readerError.get()).isNull();
        }
    }

    @Test
    void badArgumentsAreRejectedClearly() throws IOException {
        try (Ledger l = Ledger.open(dir)) {
            for (int i = 0; i < 5; i++) {
                l.append(bytes("e" + i));
            }
            assertThatThrownBy(() -> l.entry(5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("out of range");
            assertThatThrownBy(() -> l.entry(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> l.rootHash(6))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("5 entries");
            assertThatThrownBy(() -> l.inclusionProof(5, 5)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> l.inclusionProof(0, 6)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> l.consistencyProof(4, 3))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("from <= to");
            assertThatThrownBy(() -> l.consistencyProof(0, 3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> l.consistencyProof(2, 6)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> l.append(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() throws IOException {
        try (Ledger l = Ledger.open(dir)) {
            assertThatThrownBy(() -> Ledger.open(dir))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("already open");
        }
        Ledger.open(dir).close();
    }

    /**
     * close() while appenders run: every append either returns an index that holds its entry after
     * reopening, or is refused because the ledger closed; none is left hanging.
     */
    @Test
    void closeWaitsForAppendsInFlightAndRefusesLaterOnes() throws Exception {
        int threads = 8;
        Ledger l = Ledger.open(dir);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<long[]>>> results = new ArrayList<>();
        CountDownLatch running = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int tt = t;
            results.add(pool.submit(() -> {
                List<long[]> mine = new ArrayList<>();
                running.countDown();
                try {
                    for (int i = 0; ; i++) {
                        mine.add(new long[] {tt, i, l.append(bytes(tt + ":" + i))});
                    }
                } catch (IllegalStateException closed) {
                    assertThat(closed).hasMessageContaining("closed");
                }
                return mine;
            }));
        }
        running.await();
        while (l.size() < 100) {
            Thread.onSpinWait();
        }
        l.close();
        List<long[]> acknowledged = new ArrayList<>();
        for (Future<List<long[]>> f : results) {
            acknowledged.addAll(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(100);
        try (Ledger reopened = Ledger.open(dir)) {
            for (long[] a : acknowledged) {
                assertThat(new String(reopened.entry(a[2]), StandardCharsets.UTF_8))
                        .isEqualTo(a[0] + ":" + a[1]);
            }
        }
    }

    /**
     * An interrupted appender stops waiting (its entry may still be written), but the interrupt
     * never reaches the file channels: the ledger keeps working and the entry lands in order.
     */
    @Test
    void anInterruptedAppenderLeavesTheLedgerWorking() throws Exception {
        try (Ledger l = Ledger.open(dir)) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread appender = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    l.append(bytes("interrupted"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            appender.start();
            appender.join();
            if (outcome.get() != null) {
                assertThat(outcome.get()).isInstanceOf(java.io.InterruptedIOException.class);
                assertThat(stillInterrupted).isTrue();
            }
            // Queued after the interrupted one, so durable only once that one is too.
            assertThat(l.append(bytes("next"))).isEqualTo(1);
            assertThat(l.entry(0)).isEqualTo(bytes("interrupted"));
            assertThat(l.size()).isEqualTo(2);
        }
    }

    @Test
    void closedLedgerRefusesWork() throws IOException {
        Ledger l = Ledger.open(dir);
        l.append(bytes("x"));
        l.close();
        l.close();
        assertThatThrownBy(() -> l.append(bytes("y"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> l.rootHash(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tornTailIsTruncatedAndDerivedFilesRebuilt() throws IOException {
        List<byte[]> leaves = Reference.leaves(100);
        try (Ledger l = Ledger.open(dir)) {
            l.appendAll(leaves.subList(0, 70));
        }
        // A crash mid-write leaves half a record; a crash before the derived writes leaves them short.
        Files.write(dir.resolve(Ledger.ENTRIES), new byte[] {0, 0, 0, 50, 1, 2, 3}, StandardOpenOption.APPEND);
        try (var ch =
                java.nio.channels.FileChannel.open(dir.resolve(HashStore.fileName(0)), StandardOpenOption.WRITE)) {
            ch.truncate(10 * 32);
        }
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve(Ledger.INDEX), StandardOpenOption.WRITE)) {
            ch.truncate(3 * 8);
        }
        try (Ledger l = Ledger.open(dir)) {
            assertThat(l.size()).isEqualTo(70);
            assertThat(l.rootHash(70)).isEqualTo(Reference.mth(leaves.subList(0, 70)));
            l.appendAll(leaves.subList(70, 100));
            assertThat(l.rootHash(100)).isEqualTo(Reference.mth(leaves));
            assertThat(l.entry(69)).isEqualTo(leaves.get(69));
        }
        assertThat(LedgerVerifier.verify(dir, java.util.Optional.empty()).ok()).isTrue();
    }

    @Test
    void indicesAreUniqueAcrossManyBatches() throws IOException {
        try (Ledger l = Ledger.open(dir)) {
            Set<Long> got = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                got.add(l.appendAll(Reference.leaves(3)));
            }
            assertThat(got).hasSize(50);
            assertThat(l.size()).isEqualTo(150);
        }
    }

    @Test
    void proofsStayCorrectPastTheMemoryMappedSegments() throws IOException {
        // 140k leaves: level 0 spans two whole 2^16-hash mapped segments plus a tail read with pread.
        List<byte[]> leaves = Reference.leaves(140_000);
        byte[] root = Reference.mth(leaves);
        for (int round = 0; round < 2; round++) {
            try (Ledger l = Ledger.open(dir)) {
                if (round == 0) {
                    for (int i = 0; i < leaves.size(); i += 10_000) {
                        l.appendAll(leaves.subList(i, Math.min(leaves.size(), i + 10_000)));
                    }
                }
                long n = l.size();
                assertThat(l.rootHash(n)).isEqualTo(root);
                assertThat(l.rootHash(131_072)).isEqualTo(Reference.mth(leaves.subList(0, 131_072)));
                java.util.Random rnd = new java.util.Random(round);
                for (int k = 0; k < 2000; k++) {
                    long i = rnd.nextInt((int) n);
                    long size = i + 1 + rnd.nextInt((int) (n - i));
                    assertThat(MerkleProofs.verifyInclusion(
                                    i,
                                    size,
                                    MerkleProofs.leafHash(leaves.get((int) i)),
                                    l.inclusionProof(i, size),
                                    l.rootHash(size)))
                            .as("%d in %d", i, size)
                            .isTrue();
                }
            }
        }
    }
}
