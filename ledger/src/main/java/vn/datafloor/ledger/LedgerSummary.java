package vn.datafloor.ledger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * What a ledger directory holds, read without opening the ledger: a running server keeps the ledger
 * open for writing, and an operator asking "how big is it, when was it last signed" must neither wait
 * for it nor change a byte (no torn tail is truncated here, unlike {@link Ledger#open}).
 *
 * @param entries           entries recorded in {@code entries.idx} (what was last made durable and indexed)
 * @param entryBytes        size of {@code entries.dat}, framing included
 * @param latestCheckpoint  the newest complete signed checkpoint, if any
 * @param checkpointWritten when the {@code checkpoints} file last changed
 */
public record LedgerSummary(
        long entries, long entryBytes, Optional<Checkpoint> latestCheckpoint, Optional<Instant> checkpointWritten) {

    /** Reads {@code dir}; a directory without ledger files reads as empty. */
    public static LedgerSummary read(Path dir) throws IOException {
        Path index = dir.resolve(Ledger.INDEX);
        Path data = dir.resolve(Ledger.ENTRIES);
        long entries = Files.isRegularFile(index) ? Files.size(index) / Long.BYTES : 0;
        long bytes = Files.isRegularFile(data) ? Files.size(data) : 0;
        Path checkpoints = dir.resolve(CheckpointLog.FILE);
        if (!Files.isRegularFile(checkpoints)) {
            return new LedgerSummary(entries, bytes, Optional.empty(), Optional.empty());
        }
        Checkpoint latest = null;
        try (FileChannel ch = FileChannel.open(checkpoints, StandardOpenOption.READ)) {
            Records.Reader reader = new Records.Reader(ch, 0);
            try {
                for (byte[] p; (p = reader.next()) != null; ) {
                    latest = Checkpoint.parse(new String(p, StandardCharsets.UTF_8));
                }
            } catch (Records.BadRecord torn) {
                // A publish in progress (or torn by a crash): the checkpoints before it stand.
            } catch (IllegalArgumentException e) {
                throw new IOException("checkpoints: a record is not a checkpoint: " + e.getMessage(), e);
            }
        }
        return new LedgerSummary(
                entries,
                bytes,
                Optional.ofNullable(latest),
                Optional.of(Files.getLastModifiedTime(checkpoints).toInstant()));
    }
}
