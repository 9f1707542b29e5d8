package vn.datafloor.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The stored perfect-subtree hashes, one file per level ({@code level-KK.hash}, 32 bytes per node,
 * node i of level k covering leaves [i·2^k, (i+1)·2^k)). Level 0 holds the RFC 9162 leaf hashes.
 *
 * <p>Only the committer holding the ledger's write lock calls the mutating methods (one at a time,
 * in order). Readers call {@link #perfect} for nodes below the ledger's published size; those bytes
 * were written before the size was published (volatile), and writes only ever go past them, so
 * reads need no lock.
 *
 * <p>Levels from {@link #CACHE_LEVEL} up are also held in memory: they are 1/32 of the tree's nodes,
 * and keeping them means a proof touches the disk (page cache) at most ~2·CACHE_LEVEL times.
 */
final class HashStore implements PerfectHashes, AutoCloseable {

    static final int CACHE_LEVEL = 6;
    private static final int HASH = MerkleProofs.HASH_SIZE;
    /** Completed 2 MiB stretches of the lower levels are memory-mapped so proofs avoid a syscall per hash. */
    private static final int SEGMENT_SHIFT = 16;

    private static final long SEGMENT_BYTES = (long) HASH << SEGMENT_SHIFT;

    private final Path dir;
    private volatile FileChannel[] files = new FileChannel[0];
    private volatile MemLevel[] mem = new MemLevel[0];
    // Per level below CACHE_LEVEL: read-only maps of whole segments already written; only ever grows.
    private volatile MappedByteBuffer[][] maps = new MappedByteBuffer[CACHE_LEVEL][0];
    private final ThreadLocal<ByteBuffer> readBuf = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(HASH));

    // Writer state, used only under the ledger's write lock.
    private final MessageDigest md = MerkleProofs.newSha256();
    private final byte[][] frontier = new byte[64][];
    private final ByteArrayBuilder[] pending = new ByteArrayBuilder[64];
    private long count;
    private long flushedCount;
    private long pendingBytes;

    private HashStore(Path dir) {
        this.dir = dir;
    }

    static String fileName(int level) {
        return String.format("level-%02d.hash", level);
    }

    /** Whether every level file holds at least the nodes of a tree of n leaves. */
    static boolean covers(Path dir, long n) throws IOException {
        for (int k = 0; (n >>> k) > 0; k++) {
            Path f = dir.resolve(fileName(k));
            if (!Files.exists(f) || Files.size(f) < (n >>> k) * HASH) {
                return false;
            }
        }
        return true;
    }

    /** Opens the level files, keeping only the nodes of the first {@code trusted} leaves. */
    static HashStore open(Path dir, long trusted) throws IOException {
        HashStore s = new HashStore(dir);
        try {
            for (int k = 0; k < 64; k++) {
                Path f = dir.resolve(fileName(k));
                long nodes = trusted >>> k;
                if (nodes == 0) {
                    Files.deleteIfExists(f);
                    continue;
                }
                FileChannel ch = s.channel(k);
                ch.truncate(nodes * HASH);
                s.mapCompleted(k, nodes);
                if (k >= CACHE_LEVEL) {
                    MemLevel m = s.memLevel(k);
                    ByteBuffer all = ByteBuffer.allocate((int) (nodes * HASH));
                    Records.readFully(ch, all, 0);
                    for (long i = 0; i < nodes; i++) {
                        m.add(all.array(), (int) (i * HASH));
                    }
                }
            }
            s.count = trusted;
            s.flushedCount = trusted;
            for (int k = 0; k < 64; k++) {
                if ((trusted >>> k & 1) == 1) {
                    s.frontier[k] = s.perfect(k, (trusted >>> k) - 1);
                }
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    long count() {
        return count;
    }

    long pendingBytes() {
        return pendingBytes;
    }

    /** Adds the next leaf and every perfect subtree it completes (RFC 9162 §2.1.1 applied incrementally). */
    void appendLeaf(byte[] leafHash) {
        byte[] node = leafHash;
        int level = 0;
        long idx = count;
        addPending(0, node);
        // An odd index is a right child: its left sibling is waiting in the frontier.
        while ((idx & 1) == 1) {
            node = MerkleProofs.nodeHash(md, frontier[level], node);
            level++;
            idx >>>= 1;
            addPending(level, node);
        }
        frontier[level] = node;
        count++;
    }

    private void addPending(int level, byte[] hash) {
        if (pending[level] == null) {
            pending[level] = new ByteArrayBuilder();
        }
        pending[level].add(hash);
        pendingBytes += HASH;
    }

    /** Writes everything appended so far; afterwards {@link #perfect} can serve it. */
    void flush() throws IOException {
        for (int k = 0; k < 64; k++) {
            ByteArrayBuilder p = pending[k];
            if (p == null || p.size == 0) {
                continue;
            }
            long at = (flushedCount >>> k) * HASH;
            Records.writeFully(channel(k), ByteBuffer.wrap(p.bytes, 0, p.size), at);
            if (k >= CACHE_LEVEL) {
                MemLevel m = memLevel(k);
                for (int off = 0; off < p.size; off += HASH) {
                    m.add(p.bytes, off);
                }
            } else {
                mapCompleted(k, (count >>> k));
            }
            p.size = 0;
        }
        flushedCount = count;
        pendingBytes = 0;
    }

    /** Maps every whole segment of level k's first {@code nodes} hashes that is not mapped yet. */
    private void mapCompleted(int level, long nodes) throws IOException {
        if (level >= CACHE_LEVEL) {
            return;
        }
        MappedByteBuffer[] have = maps[level];
        long full = nodes >>> SEGMENT_SHIFT;
        if (full <= have.length) {
            return;
        }
        MappedByteBuffer[] grown = Arrays.copyOf(have, (int) full);
        for (int i = have.length; i < full; i++) {
            grown[i] = channel(level).map(FileChannel.MapMode.READ_ONLY, i * SEGMENT_BYTES, SEGMENT_BYTES);
        }
        MappedByteBuffer[][] all = maps.clone();
        all[level] = grown;
        maps = all;
    }

    void force() throws IOException {
        for (FileChannel ch : files) {
            if (ch != null) {
                ch.force(false);
            }
        }
    }

    @Override
    public byte[] perfect(int level, long index) {
        if (level >= CACHE_LEVEL) {
            return mem[level].get(index);
        }
        MappedByteBuffer[] segs = maps[level];
        long seg = index >>> SEGMENT_SHIFT;
        if (seg < segs.length) {
            byte[] out = new byte[HASH];
            // Absolute get: no shared position, so concurrent readers need no lock.
            segs[(int) seg].get((int) ((index & ((1 << SEGMENT_SHIFT) - 1)) * HASH), out);
            return out;
        }
        ByteBuffer b = readBuf.get();
        b.clear();
        try {
            Records.readFully(files[level], b, index * HASH);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + fileName(level) + " node " + index, e);
        }
        byte[] out = new byte[HASH];
        b.flip();
        b.get(out);
        return out;
    }

    private FileChannel channel(int level) throws IOException {
        FileChannel[] fs = files;
        if (level < fs.length && fs[level] != null) {
            return fs[level];
        }
        FileChannel ch = FileChannel.open(
                dir.resolve(fileName(level)),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileChannel[] grown = Arrays.copyOf(fs, Math.max(fs.length, level + 1));
        grown[level] = ch;
        files = grown;
        return ch;
    }

    private MemLevel memLevel(int level) {
        MemLevel[] ms = mem;
        if (level < ms.length && ms[level] != null) {
            return ms[level];
        }
        MemLevel m = new MemLevel();
        MemLevel[] grown = Arrays.copyOf(ms, Math.max(ms.length, level + 1));
        grown[level] = m;
        mem = grown;
        return m;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileChannel ch : files) {
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Append-only chunked array: growing never moves bytes a reader may be copying. */
    private static final class MemLevel {
        private static final int SHIFT = 10;
        private static final int PER_CHUNK = 1 << SHIFT;
        private volatile byte[][] chunks = new byte[0][];
        private long size;

        void add(byte[] src, int off) {
            int c = (int) (size >>> SHIFT);
            byte[][] cs = chunks;
            if (c == cs.length) {
                cs = Arrays.copyOf(cs, c + 1);
                cs[c] = new byte[PER_CHUNK * HASH];
            }
            System.arraycopy(src, off, cs[c], (int) (size & (PER_CHUNK - 1)) * HASH, HASH);
            chunks = cs;
            size++;
        }

        byte[] get(long index) {
            byte[] chunk = chunks[(int) (index >>> SHIFT)];
            int off = (int) (index & (PER_CHUNK - 1)) * HASH;
            return Arrays.copyOfRange(chunk, off, off + HASH);
        }
    }

    private static final class ByteArrayBuilder {
        byte[] bytes = new byte[HASH * 64];
        int size;

        void add(byte[] hash) {
            if (size + hash.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            System.arraycopy(hash, 0, bytes, size, hash.length);
            size += hash.length;
        }
    }
}
