package vn.datafloor.server.audit;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.springframework.stereotype.Service;
import vn.datafloor.ledger.Ledger;
import vn.datafloor.ledger.LedgerVerifier;
import vn.datafloor.ledger.NoteSigner;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.ledger.VerificationReport;
import vn.datafloor.server.platform.DatafloorProperties;

/** The platform's one writer of the tamper-evident ledger under {@code data/ledger}. */
@Service
public class LedgerService {

    private final DatafloorProperties properties;
    private final Ledger ledger;
    private final NoteSigner signer;
    private final ReadWriteLock appendGate = new ReentrantReadWriteLock();

    public LedgerService(DatafloorProperties properties) throws IOException {
        this.properties = properties;
        Files.createDirectories(properties.keysDir());
        this.ledger = Ledger.open(properties.ledgerDir());
        this.signer = NoteSigner.loadOrCreate(
                properties.keysDir().resolve("ledger-ed25519.key"),
                properties.ledger().keyName());
    }

    /** Appends and returns the entry's index once it is durable. */
    long append(byte[] entry) {
        appendGate.readLock().lock(); // shared: concurrent appends still share one fsync
        try {
            return ledger.append(entry);
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
            return ledger.appendAll(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not append to the ledger", e);
        } finally {
            appendGate.readLock().unlock();
        }
    }

    public long size() {
        return ledger.size();
    }

    public byte[] entry(long index) {
        return ledger.entry(index);
    }

    public byte[] rootHash(long size) {
        return ledger.rootHash(size);
    }

    public List<byte[]> inclusionProof(long index, long size) {
        return ledger.inclusionProof(index, size);
    }

    public List<byte[]> consistencyProof(long from, long to) {
        return ledger.consistencyProof(from, to);
    }

    public Optional<SignedCheckpoint> latestCheckpoint() {
        return ledger.latestCheckpoint();
    }

    /** Signs the current tree unless the latest checkpoint already covers it. */
    synchronized SignedCheckpoint publishCheckpoint() {
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
        return signer.verifierKey();
    }

    /** Recomputes the whole ledger from its files, as an outside auditor would. */
    public VerificationReport verifyAll() {
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
        ledger.close();
    }
}
