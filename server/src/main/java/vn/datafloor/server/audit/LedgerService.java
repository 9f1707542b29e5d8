package vn.datafloor.server.audit;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.ledger.Ledger;
import vn.datafloor.ledger.LedgerVerifier;
import vn.datafloor.ledger.NoteSigner;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.ledger.VerificationReport;
import vn.datafloor.server.platform.ClusterNode;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * The platform's one writer of the tamper-evident ledger under {@code data/ledger}. On an API replica
 * ({@link ClusterNode}) there is no ledger here: reads are the writer's (through {@link LedgerWriterClient})
 * and appends are refused, since a replica's entries reach the ledger through the outbox and the writer.
 */
@Service
public class LedgerService {

    private final DatafloorProperties properties;
    private final Ledger ledger;
    private final NoteSigner signer;
    private final LedgerWriterClient writer;
    private final ReadWriteLock appendGate = new ReentrantReadWriteLock();

    /** A replica's last known ledger size, and when it was read (see {@link #sizeLowerBound}). */
    private volatile long knownSize = -1;

    private volatile long knownAt;

    public LedgerService(DatafloorProperties properties, ClusterNode node, JsonMapper json) throws IOException {
        this.properties = properties;
        if (node.writes()) {
            Files.createDirectories(properties.keysDir());
            this.ledger = Ledger.open(properties.ledgerDir());
            this.signer = NoteSigner.loadOrCreate(
                    properties.keysDir().resolve("ledger-ed25519.key"),
                    properties.ledger().keyName());
            this.writer = null;
        } else {
            this.ledger = null;
            this.signer = null;
            this.writer = new LedgerWriterClient(node, json);
        }
    }

    /** Whether this process holds the ledger (not an API replica). */
    public boolean local() {
        return ledger != null;
    }

    /** Asks the writer to append a replica's committed outbox rows; their indexes (see {@link AuditOutbox}). */
    Map<String, Long> relayOnWriter(List<String> ids) {
        if (writer == null) {
            throw new IllegalStateException("the writer relays its own outbox rows");
        }
        return writer.relay(ids);
    }

    /**
     * At most the ledger's size now, cheaply: exact on the writer; on a replica the writer's size read
     * at most a second ago. Outbox rows record it so that recovery knows where to look for their entries,
     * and an older, smaller size only makes it look a little further back.
     */
    long sizeLowerBound() {
        if (ledger != null) {
            return ledger.size();
        }
        long now = System.nanoTime();
        if (knownSize < 0 || now - knownAt > 1_000_000_000L) {
            try {
                knownSize = writer.size();
            } catch (RuntimeException writerAway) {
                // The writer is away; the replica serves on. Any size it had is still a lower bound.
                knownSize = Math.max(knownSize, 0);
            }
            knownAt = now;
        }
        return knownSize;
    }

    private Ledger own(String what) {
        if (ledger == null) {
            throw new IllegalStateException("An API replica does not " + what + ": the ledger's writer does");
        }
        return ledger;
    }

    /** Appends and returns the entry's index once it is durable. */
    long append(byte[] entry) {
        appendGate.readLock().lock(); // shared: concurrent appends still share one fsync
        try {
            return own("append").append(entry);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not append to the ledger", e);
        } finally {
            appendGate.readLock().unlock();
        }
    }

    /** Appends entries as consecutive leaves sharing one fsync; returns the first one's index once all are durable. */
    long appendAll(List<byte[]> entries) {
        appendGate.readLock().lock();
        try {
            return own("append").appendAll(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not append to the ledger", e);
        } finally {
            appendGate.readLock().unlock();
        }
    }

    public long size() {
        return ledger != null ? ledger.size() : writer.size();
    }

    public byte[] entry(long index) {
        return ledger != null ? ledger.entry(index) : writer.entry(index);
    }

    public byte[] rootHash(long size) {
        return ledger != null ? ledger.rootHash(size) : writer.rootHash(size);
    }

    public List<byte[]> inclusionProof(long index, long size) {
        return ledger != null ? ledger.inclusionProof(index, size) : writer.inclusionProof(index, size);
    }

    public List<byte[]> consistencyProof(long from, long to) {
        return ledger != null ? ledger.consistencyProof(from, to) : writer.consistencyProof(from, to);
    }

    public Optional<SignedCheckpoint> latestCheckpoint() {
        return ledger != null ? ledger.latestCheckpoint() : writer.latestCheckpoint();
    }

    /**
     * Signs the current tree unless the latest checkpoint already covers it. On a replica, the writer's
     * latest (the writer signs one when asked for it and it has none).
     */
    synchronized SignedCheckpoint publishCheckpoint() {
        if (ledger == null) {
            return writer.latestCheckpoint().orElseThrow();
        }
        Optional<SignedCheckpoint> latest = ledger.latestCheckpoint();
        if (latest.isPresent() && latest.get().checkpoint().size() == ledger.size()) {
            return latest.get();
        }
        try {
            return ledger.publishCheckpoint(signer, properties.ledger().origin());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not publish a checkpoint", e);
        }
    }

    public String verifierKey() {
        return signer != null ? signer.verifierKey() : writer.verifierKey();
    }

    /** Recomputes the whole ledger from its files, as an outside auditor would. */
    public VerificationReport verifyAll() {
        own("verify the ledger's files");
        // Exclusive: the verifier reads the files directly and must not see an append half-written.
        appendGate.writeLock().lock();
        try {
            return LedgerVerifier.verify(properties.ledgerDir(), Optional.of(signer.verifierKey()));
        } finally {
            appendGate.writeLock().unlock();
        }
    }

    @PreDestroy
    void close() throws Exception {
        if (writer != null) {
            writer.close();
            return;
        }
        ledger.close();
    }
}
