package vn.datafloor.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The append-only {@code checkpoints} file: every signed note the ledger ever published, framed
 * like entries (length, UTF-8 note, CRC32C). Keeping them is what lets the ledger refuse to sign a
 * tree that contradicts its own history.
 */
final class CheckpointLog implements AutoCloseable {

    static final String FILE = "checkpoints";
    private static final System.Logger LOG = System.getLogger(CheckpointLog.class.getName());

    private final FileChannel ch;
    private final List<SignedCheckpoint> all;
    private volatile SignedCheckpoint latest;
    private long end;

    private CheckpointLog(FileChannel ch, List<SignedCheckpoint> all, long end) {
        this.ch = ch;
        this.all = all;
        this.end = end;
        this.latest = all.isEmpty() ? null : all.get(all.size() - 1);
    }

    static CheckpointLog open(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(
                dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            List<SignedCheckpoint> all = new ArrayList<>();
            Records.Reader r = new Records.Reader(ch, 0);
            try {
                for (byte[] p; (p = r.next()) != null; ) {
                    String note = new String(p, StandardCharsets.UTF_8);
                    all.add(new SignedCheckpoint(Checkpoint.parse(note), note));
                }
            } catch (Records.BadRecord torn) {
                // Only the final publish can have been interrupted; it was never returned to anyone.
                LOG.log(System.Logger.Level.WARNING, "checkpoints: dropping torn tail: " + torn.getMessage());
                ch.truncate(torn.offset);
                ch.force(true);
            } catch (IllegalArgumentException e) {
                throw new IOException(
                        "checkpoints: record " + all.size() + " is not a checkpoint: " + e.getMessage(), e);
            }
            return new CheckpointLog(ch, all, r.offset());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Optional<SignedCheckpoint> latest() {
        return Optional.ofNullable(latest);
    }

    synchronized void append(SignedCheckpoint cp) throws IOException {
        byte[] payload = cp.note().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(payload.length + Records.OVERHEAD);
        Records.put(buf, payload);
        buf.flip();
        Records.writeFully(ch, buf, end);
        ch.force(false);
        end += payload.length + Records.OVERHEAD;
        all.add(cp);
        latest = cp;
    }

    synchronized List<SignedCheckpoint> all() {
        return List.copyOf(all);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
