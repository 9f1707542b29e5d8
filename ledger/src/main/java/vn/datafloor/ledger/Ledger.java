package vn.datafloor.ledger;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * Append-only, tamper-evident log whose entries are the leaves of an RFC 9162 Merkle tree.
 *
 * <p>Durability: {@link #append} returns only after the entry is in {@code entries.dat} and that
 * file has been forced to stable storage. Appenders hash their own entries and queue them; a few
 * committer threads each take everything queued (group commit), write it (records and derived
 * hashes, one committer at a time), force {@code entries.dat} and wake that group's appenders. While
 * one committer forces, the next writes what arrived meanwhile and forces too: the disk merges
 * concurrent fsyncs, and a force covers every group written before it started. An append is
 * handed over twice (appender to committer, committer back to appender), never through a
 * separate writer, syncer or ack thread.
 *
 * <p>Everything else on disk ({@code entries.idx}, {@code level-KK.hash}) is derived from
 * {@code entries.dat}; it is forced only before a checkpoint is published, and on open it is
 * trusted up to the latest checkpoint and rebuilt from {@code entries.dat} beyond it.
 *
 * <p>Readers never take a lock: the tree size is published through a volatile field only after
 * every byte below that size is written (and forced), and those bytes are never rewritten.
 */
public final class Ledger implements AutoCloseable {

    static final String ENTRIES = "entries.dat";
    static final String INDEX = "entries.idx";
    static final String LOCK = "ledger.lock";

    private static final System.Logger LOG = System.getLogger(Ledger.class.getName());
    private static final int MAX_BATCH_ENTRIES = 1 << 16;
    private static final int DATA_BUFFER = 1 << 20;
    private static final int DERIVED_FLUSH_BYTES = 8 << 20;
    /**
     * Committers, i.e. forces that can be in flight at once. Measured on the project's virtual disk,
     * four concurrent fdatasyncs each return in about 1 ms where a lone one takes 2.5-4 ms; beyond
     * about four each force gets slower again, and with a fixed number of appenders a slower force
     * means fewer appends per second.
     */
    private static final int COMMITTERS = 4;

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel entries;
    private final FileChannel index;
    private final HashStore hashes;
    private final CheckpointLog checkpoints;

    private volatile long size;
    private volatile Throwable failure;
    private volatile boolean closed;
    private boolean released; // guarded by closeLock
    private final Object closeLock = new Object();
    private final Object publishLock = new Object();
    /** Appends accepted and not yet completed; close waits for it to reach zero. */
    private final AtomicLong inFlight = new AtomicLong();

    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    /** Committers parked for want of work; an appender wakes one. */
    private final ConcurrentLinkedQueue<Thread> idle = new ConcurrentLinkedQueue<>();

    private final List<Thread> committers = new ArrayList<>();
    private final ArrayDeque<Written> unsynced = new ArrayDeque<>(); // guarded by publishLock
    private long groupCommits; // guarded by publishLock

    // Writer state, guarded by writeLock: one committer writes at a time, in order.
    private final Object writeLock = new Object();
    private long dataEnd;
    private final ByteBuffer dataBuf = ByteBuffer.allocateDirect(DATA_BUFFER);
    private ByteBuffer idxBuf = ByteBuffer.allocateDirect(64 * 1024);
    private long idxFlushed;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer lenBuf = ByteBuffer.allocate(4);

    /**
     * One call's entries, their leaf hashes (computed by the appending thread, so hashing runs in
     * parallel and off the committers' path) and what the committer hands back.
     */
    private static final class Request {
        final List<byte[]> entries;
        final byte[][] leaves;
        final Thread waiter;
        long first; // written by the committer before done
        Throwable error; // written by the committer before done
        volatile boolean done;

        Request(List<byte[]> entries, byte[][] leaves, Thread waiter) {
            this.entries = entries;
            this.leaves = leaves;
            this.waiter = waiter;
        }

        void complete(long firstIndex, Throwable t) {
            first = firstIndex;
            error = t;
            done = true;
            LockSupport.unpark(waiter);
        }
    }

    /** A group written to the page cache, waiting for a force that makes it durable. */
    private record Written(long endCount, List<Request> requests) {}

    private Ledger(
            Path dir,
            FileChannel lockChannel,
            FileLock lock,
            FileChannel entries,
            FileChannel index,
            HashStore hashes,
            CheckpointLog checkpoints,
            long size,
            long dataEnd) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.entries = entries;
        this.index = index;
        this.hashes = hashes;
        this.checkpoints = checkpoints;
        this.size = size;
        this.dataEnd = dataEnd;
        this.idxFlushed = size;
        for (int i = 0; i < COMMITTERS; i++) {
            Thread t = new Thread(this::commitLoop, "ledger-commit-" + i + " " + dir.getFileName());
            t.setDaemon(true);
            committers.add(t);
        }
    }

    /**
     * Opens (creating if needed) the ledger in {@code dir}, taking an exclusive file lock and
     * recovering from a crash: a torn tail of {@code entries.dat} is truncated and the derived
     * files are rebuilt past the latest published checkpoint.
     *
     * @throws IOException if the directory is in use, or the files contradict a published checkpoint
     */
    public static Ledger open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel lockChannel =
                FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException(dir + " is already open by another ledger instance");
        }
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(lockChannel);
        try {
            CheckpointLog checkpoints = CheckpointLog.open(dir);
            opened.add(checkpoints);
            Optional<SignedCheckpoint> latest = checkpoints.latest();
            long published = latest.map(c -> c.checkpoint().size()).orElse(0L);
            FileChannel entries = FileChannel.open(
                    dir.resolve(ENTRIES), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            opened.add(entries);
            FileChannel index = FileChannel.open(
                    dir.resolve(INDEX), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            opened.add(index);

            // Derived files were forced before the latest checkpoint was signed, so that prefix is
            // safe to reuse; anything past it may be missing or stale after a crash.
            long trusted =
                    published > 0 && index.size() >= published * 8 && HashStore.covers(dir, published) ? published : 0;
            long dataStart = trusted == 0 ? 0 : readLong(index, (trusted - 1) * 8);
            if (dataStart > entries.size()) {
                throw new IOException(ENTRIES + " is shorter than its index says for the published checkpoint at size "
                        + published + "; run LedgerVerifier");
            }
            index.truncate(trusted * 8);
            HashStore hashes = HashStore.open(dir, trusted);
            opened.add(hashes);

            Ledger ledger = new Ledger(dir, lockChannel, lock, entries, index, hashes, checkpoints, trusted, dataStart);
            long recovered = ledger.replay(dataStart);
            if (recovered < published) {
                throw new IOException(ENTRIES + " holds " + recovered + " entries but checkpoint size " + published
                        + " was published; entries were lost or damaged, run LedgerVerifier");
            }
            if (published > 0
                    && !MessageDigest.isEqual(
                            ledger.rootHash(published),
                            latest.get().checkpoint().rootHash())) {
                throw new IOException("tree root at size " + published
                        + " does not match the latest published checkpoint; run LedgerVerifier");
            }
            ledger.committers.forEach(Thread::start);
            return ledger;
        } catch (IOException | RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Re-derives index and hashes for every complete record from {@code start}; truncates a torn tail. */
    private long replay(long start) throws IOException {
        Records.Reader reader = new Records.Reader(entries, start);
        long n = size;
        MessageDigest md = MerkleProofs.newSha256();
        try {
            for (byte[] payload; (payload = reader.next()) != null; ) {
                addDerived(MerkleProofs.leafHash(md, payload), reader.offset());
                n++;
                if (hashes.pendingBytes() >= DERIVED_FLUSH_BYTES) {
                    flushDerived();
                }
            }
        } catch (Records.BadRecord torn) {
            // Appends are acknowledged only after a force, so a bad record can only be the unacknowledged
            // tail of the last batch before a crash.
            LOG.log(
                    System.Logger.Level.WARNING,
                    ENTRIES + ": truncating torn tail of " + (entries.size() - torn.offset) + " bytes ("
                            + torn.getMessage() + ")");
            entries.truncate(torn.offset);
            entries.force(true);
        }
        flushDerived();
        dataEnd = reader.offset();
        size = n;
        return n;
    }

    private static long readLong(FileChannel ch, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8);
        Records.readFully(ch, b, at);
        return b.getLong(0);
    }

    /**
     * Appends one entry and returns its 0-based index once it is durable. Thread-safe. The array
     * must not be modified until this returns.
     */
    public long append(byte[] entry) throws IOException {
        return appendAll(List.of(entry));
    }

    /**
     * The batch append: appends entries as consecutive leaves and returns the index of the first
     * (entry i of the list is leaf {@code first + i}), once all are durable. Thread-safe; the whole
     * list is written with one write and made durable by one force, shared with whatever other
     * appends arrived meanwhile. If the process dies before this returns, a prefix of the list may
     * survive (each entry is either wholly there or not at all), as for separate appends.
     */
    public long appendAll(List<byte[]> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        byte[][] leaves = new byte[batch.size()][];
        int i = 0;
        for (byte[] e : batch) {
            Objects.requireNonNull(e, "entry");
            if (e.length > Records.MAX_PAYLOAD) {
                throw new IllegalArgumentException("entry of " + e.length + " bytes exceeds " + Records.MAX_PAYLOAD);
            }
            leaves[i++] = MerkleProofs.leafHash(e);
        }
        Request r = new Request(batch, leaves, Thread.currentThread());
        // Counted before the closed check, so close() waits for every append that got past it.
        inFlight.incrementAndGet();
        if (failure != null || closed) {
            inFlight.decrementAndGet();
            if (failure != null) {
                throw new IOException("ledger stopped after a write failure; reopen it", failure);
            }
            ensureOpen();
        }
        queue.add(r);
        Thread committer = idle.poll();
        if (committer != null) {
            LockSupport.unpark(committer);
        }
        while (!r.done) {
            LockSupport.park(this);
            if (Thread.interrupted() && !r.done) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the append to become durable; "
                        + "it may or may not have been written");
            }
        }
        Throwable c = r.error;
        if (c != null) {
            throw c instanceof IOException io
                    ? new IOException(io.getMessage(), io)
                    : new IOException("append failed", c);
        }
        return r.first;
    }

    /**
     * A committer: takes everything queued, writes it while holding the write lock (so groups are
     * written in order and each sees the previous one's tree), then forces without the lock, so the
     * next committer can write and force the next group meanwhile. A force makes durable everything
     * written before it was called, so when one returns, every group up to its own is published and
     * acknowledged, even groups another (slower) force was started for; the size only ever grows.
     */
    private void commitLoop() {
        Thread self = Thread.currentThread();
        while (true) {
            if (queue.isEmpty()) {
                if (closed && inFlight.get() == 0) {
                    return;
                }
                idle.add(self);
                if (queue.isEmpty()) {
                    // Closing: appenders that got past the check may still be adding; look again soon.
                    LockSupport.parkNanos(this, closed ? 1_000_000L : 1_000_000_000L);
                }
                idle.remove(self);
                continue;
            }
            List<Request> group = new ArrayList<>();
            long end;
            synchronized (writeLock) {
                int count = 0;
                for (Request r; count < MAX_BATCH_ENTRIES && (r = queue.poll()) != null; ) {
                    group.add(r);
                    count += r.entries.size();
                }
                if (group.isEmpty()) {
                    continue;
                }
                if (failure != null) {
                    completeAll(group, failure);
                    continue;
                }
                try {
                    end = writeGroup(group);
                } catch (Throwable t) {
                    // After a failed write we cannot know what reached the disk, so stop accepting
                    // appends; reopening recovers from what is actually there.
                    fail(t, group);
                    continue;
                }
                synchronized (publishLock) {
                    unsynced.add(new Written(end, group));
                }
            }
            try {
                entries.force(false);
            } catch (Throwable t) {
                fail(t, List.of());
                continue;
            }
            publish(end);
        }
    }

    private void publish(long durableEnd) {
        List<Written> durable = new ArrayList<>();
        synchronized (publishLock) {
            groupCommits++;
            // A failed force elsewhere may mean pages this one no longer sees were lost.
            if (failure != null || durableEnd <= size) {
                return;
            }
            size = durableEnd;
            while (!unsynced.isEmpty() && unsynced.peek().endCount <= durableEnd) {
                durable.add(unsynced.poll());
            }
        }
        for (Written w : durable) {
            completeAll(w.requests, null);
        }
    }

    private void completeAll(List<Request> requests, Throwable t) {
        for (Request r : requests) {
            r.complete(r.first, t);
        }
        inFlight.addAndGet(-requests.size());
    }

    private void fail(Throwable t, List<Request> current) {
        List<Request> failed = new ArrayList<>(current);
        synchronized (publishLock) {
            if (failure == null) {
                failure = t;
            }
            for (Written w; (w = unsynced.poll()) != null; ) {
                failed.addAll(w.requests);
            }
        }
        for (Request r; (r = queue.poll()) != null; ) {
            failed.add(r);
        }
        completeAll(failed, failure);
    }

    /**
     * Writes one group's records and all its derived data (none of it visible until a force
     * publishes the size; derived data past the published size is rebuilt on recovery, so writing
     * it before the force is harmless). Returns the tree size after the group.
     */
    private long writeGroup(List<Request> group) throws IOException {
        long n = hashes.count();
        long pos = dataEnd;
        dataBuf.clear();
        for (Request request : group) {
            request.first = n;
            List<byte[]> es = request.entries;
            for (int i = 0; i < es.size(); i++) {
                byte[] e = es.get(i);
                int recordSize = e.length + Records.OVERHEAD;
                if (dataBuf.remaining() < recordSize) {
                    pos += drain(dataBuf, pos);
                }
                ByteBuffer target = recordSize <= dataBuf.capacity() ? dataBuf : ByteBuffer.allocate(recordSize);
                crc.reset();
                crc.update(lenBuf.putInt(0, e.length).clear());
                crc.update(e);
                target.putInt(e.length).put(e).putInt((int) crc.getValue());
                if (target != dataBuf) {
                    pos += drain(target, pos);
                }
                addDerived(request.leaves[i], pos + (target == dataBuf ? dataBuf.position() : 0));
                n++;
            }
            if (hashes.pendingBytes() >= DERIVED_FLUSH_BYTES) {
                flushDerived();
            }
        }
        pos += drain(dataBuf, pos);
        flushDerived();
        dataEnd = pos;
        return n;
    }

    private long drain(ByteBuffer buf, long pos) throws IOException {
        buf.flip();
        int written = buf.remaining();
        Records.writeFully(entries, buf, pos);
        buf.clear();
        return written;
    }

    private void addDerived(byte[] leafHash, long endOffset) throws IOException {
        if (!idxBuf.hasRemaining()) {
            flushIndex();
        }
        idxBuf.putLong(endOffset);
        hashes.appendLeaf(leafHash);
    }

    private void flushIndex() throws IOException {
        idxBuf.flip();
        int entriesInBuf = idxBuf.remaining() / 8;
        Records.writeFully(index, idxBuf, idxFlushed * 8);
        idxFlushed += entriesInBuf;
        idxBuf.clear();
    }

    private void flushDerived() throws IOException {
        flushIndex();
        hashes.flush();
    }

    /** Number of durable entries (the current tree size). */
    public long size() {
        return size;
    }

    /** The entry at {@code index}, checked against its CRC. */
    public byte[] entry(long index) {
        long n = size;
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("index " + index + " out of range: ledger has " + n + " entries");
        }
        try {
            long start = 0;
            long end;
            if (index == 0) {
                end = readLong(this.index, 0);
            } else {
                ByteBuffer b = ByteBuffer.allocate(16);
                Records.readFully(this.index, b, (index - 1) * 8);
                start = b.getLong(0);
                end = b.getLong(8);
            }
            if (end - start < Records.OVERHEAD || end - start > Records.MAX_PAYLOAD + Records.OVERHEAD) {
                throw new IOException(INDEX + " is corrupt around entry " + index);
            }
            ByteBuffer rec = ByteBuffer.allocate((int) (end - start));
            Records.readFully(entries, rec, start);
            int len = rec.getInt(0);
            if (len != rec.capacity() - Records.OVERHEAD) {
                throw new IOException(
                        ENTRIES + ": entry " + index + " at offset " + start + " disagrees with " + INDEX);
            }
            byte[] payload = new byte[len];
            rec.get(4, payload);
            if (rec.getInt(4 + len) != Records.crc(payload)) {
                throw new IOException(ENTRIES + ": CRC mismatch in entry " + index + " at offset " + start);
            }
            return payload;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** RFC 9162 §2.1.1 MTH(D[0:treeSize]) for any size up to the current one. */
    public byte[] rootHash(long treeSize) {
        checkSize(treeSize, "size");
        return TreeMath.rangeHash(hashes, 0, treeSize);
    }

    /** RFC 9162 §2.1.3.1 PATH(index, D[0:treeSize]). */
    public List<byte[]> inclusionProof(long index, long treeSize) {
        checkSize(treeSize, "size");
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("index " + index + " out of range for tree size " + treeSize);
        }
        return TreeMath.inclusionProof(hashes, index, treeSize);
    }

    /**
     * RFC 9162 §2.1.4.1 PROOF(fromSize, D[0:toSize]); empty when the sizes are equal. The RFC
     * defines no proof from the empty tree (every tree extends it), so fromSize must be at least 1.
     */
    public List<byte[]> consistencyProof(long fromSize, long toSize) {
        checkSize(toSize, "to");
        if (fromSize < 1 || fromSize > toSize) {
            throw new IllegalArgumentException("need 1 <= from <= to, got from=" + fromSize + " to=" + toSize);
        }
        return TreeMath.consistencyProof(hashes, fromSize, toSize);
    }

    private void checkSize(long treeSize, String what) {
        ensureOpen();
        long n = size;
        if (treeSize < 0 || treeSize > n) {
            throw new IllegalArgumentException(what + " " + treeSize + " out of range: ledger has " + n + " entries");
        }
    }

    /**
     * Signs the current size and root and appends the signed note to {@code checkpoints}, durably.
     *
     * @throws LedgerConsistencyException if the tree does not extend the latest published checkpoint
     *     (smaller, or a root the consistency proof does not connect); nothing is signed then
     */
    public SignedCheckpoint publishCheckpoint(NoteSigner signer, String origin) throws IOException {
        Objects.requireNonNull(signer, "signer");
        synchronized (publishLock) {
            ensureOpen();
            long n = size;
            byte[] root = rootHash(n);
            Optional<SignedCheckpoint> prev = checkpoints.latest();
            if (prev.isPresent()) {
                Checkpoint p = prev.get().checkpoint();
                if (n < p.size()) {
                    throw new LedgerConsistencyException(
                            "tree size " + n + " is smaller than published checkpoint size " + p.size());
                }
                boolean consistent = p.size() == 0
                        ? MessageDigest.isEqual(p.rootHash(), MerkleProofs.emptyRoot())
                        : MerkleProofs.verifyConsistency(
                                p.size(), n, consistencyProof(p.size(), n), p.rootHash(), root);
                if (!consistent) {
                    throw new LedgerConsistencyException("tree at size " + n
                            + " is not consistent with the published checkpoint at size " + p.size());
                }
            }
            Checkpoint cp = new Checkpoint(origin, n, root);
            // Recovery trusts derived files up to the latest checkpoint, so they must be on disk first.
            index.force(false);
            hashes.force();
            SignedCheckpoint signed = new SignedCheckpoint(cp, signer.sign(cp.body()));
            checkpoints.append(signed);
            return signed;
        }
    }

    public Optional<SignedCheckpoint> latestCheckpoint() {
        return checkpoints.latest();
    }

    /** All published checkpoints, oldest first. */
    public List<SignedCheckpoint> checkpoints() {
        return checkpoints.all();
    }

    /**
     * Number of group commits (forces of {@code entries.dat} by the committers) since open: appends
     * divided by this is the average group size. For monitoring and benchmarks.
     */
    public long groupCommits() {
        synchronized (publishLock) {
            return groupCommits;
        }
    }

    /** For tests that need to plant a contradicting checkpoint. */
    CheckpointLog checkpointLog() {
        return checkpoints;
    }

    public Path directory() {
        return dir;
    }

    private void ensureOpen() {
        if (failure != null) {
            throw new IllegalStateException("ledger stopped after a write failure; reopen it", failure);
        }
        if (closed) {
            throw new IllegalStateException("ledger is closed");
        }
    }

    /** Waits for queued appends, forces the derived files and releases the directory lock. */
    @Override
    public void close() throws IOException {
        synchronized (closeLock) {
            if (released) {
                return;
            }
            released = true;
            closed = true;
        }
        committers.forEach(LockSupport::unpark);
        boolean interrupted = false;
        for (Thread t : committers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        try (lockChannel;
                checkpoints;
                entries;
                index;
                hashes) {
            if (failure == null) {
                index.force(false);
                hashes.force();
            }
            lock.release();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
