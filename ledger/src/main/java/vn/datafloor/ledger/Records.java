package vn.datafloor.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Framing shared by {@code entries.dat} and {@code checkpoints}: a 4-byte big-endian payload
 * length, the payload, and a CRC32C of length‖payload. The CRC is what lets recovery tell a torn
 * tail (a write interrupted by a crash) from a complete record; it is not a security measure — the
 * Merkle hashes and signatures are.
 */
final class Records {

    static final int OVERHEAD = 8;
    /** Far above anything a ledger entry should be; bounds what a corrupt length field can make us allocate. */
    static final int MAX_PAYLOAD = 64 << 20;

    private Records() {}

    static int crc(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(0, payload.length));
        crc.update(payload);
        return (int) crc.getValue();
    }

    static void put(ByteBuffer out, byte[] payload) {
        out.putInt(payload.length).put(payload).putInt(crc(payload));
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + pos);
            }
            pos += n;
        }
    }

    /** Why a record could not be read; {@code offset} is where the bad record starts. */
    static final class BadRecord extends Exception {
        final long offset;

        BadRecord(long offset, String reason) {
            super(reason + " at offset " + offset);
            this.offset = offset;
        }
    }

    /**
     * Sequential reader using positional reads, so it never moves (or closes) the channel's own
     * position and can run against a channel the writer also uses.
     */
    static final class Reader {
        private final FileChannel ch;
        private final long end;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        private long bufStart;
        private long next;

        Reader(FileChannel ch, long start) throws IOException {
            this.ch = ch;
            this.end = ch.size();
            this.next = start;
            this.bufStart = start;
            buf.limit(0);
        }

        /** Offset of the next record, i.e. the end of the last one returned. */
        long offset() {
            return next;
        }

        /** The next payload, or null at a clean end of file. */
        byte[] next() throws IOException, BadRecord {
            if (next == end) {
                return null;
            }
            long start = next;
            if (end - start < OVERHEAD) {
                throw new BadRecord(start, "truncated record header");
            }
            int len = readInt(start);
            if (len < 0 || len > MAX_PAYLOAD || len > end - start - OVERHEAD) {
                throw new BadRecord(start, "impossible record length " + len);
            }
            byte[] payload = new byte[len];
            read(start + 4, payload);
            int stored = readInt(start + 4 + len);
            if (stored != crc(payload)) {
                throw new BadRecord(start, "CRC32C mismatch");
            }
            next = start + OVERHEAD + len;
            return payload;
        }

        private int readInt(long at) throws IOException {
            byte[] b = new byte[4];
            read(at, b);
            return ByteBuffer.wrap(b).getInt();
        }

        private void read(long at, byte[] dst) throws IOException {
            int done = 0;
            while (done < dst.length) {
                long p = at + done;
                if (p < bufStart || p >= bufStart + buf.limit()) {
                    buf.clear();
                    bufStart = p;
                    while (buf.hasRemaining() && bufStart + buf.position() < end) {
                        if (ch.read(buf, bufStart + buf.position()) < 0) {
                            break;
                        }
                    }
                    buf.flip();
                    if (buf.limit() == 0) {
                        throw new IOException("unexpected end of file at offset " + p);
                    }
                }
                int off = (int) (p - bufStart);
                int n = Math.min(dst.length - done, buf.limit() - off);
                buf.get(off, dst, done, n);
                done += n;
            }
        }
    }
}
