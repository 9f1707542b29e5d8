package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerVerifierTest {

    @TempDir
    Path tmp;

    Path dir;
    String vkey;

    @BeforeEach
    void build() throws IOException {
        dir = tmp.resolve("ledger");
        NoteSigner signer = NoteSigner.loadOrCreate(tmp.resolve("log.key"), "test-log");
        vkey = signer.verifierKey();
        try (Ledger l = Ledger.open(dir)) {
            List<byte[]> leaves = Reference.leaves(50);
            l.appendAll(leaves.subList(0, 20));
            l.publishCheckpoint(signer, "test/log");
            l.appendAll(leaves.subList(20, 37));
            l.publishCheckpoint(signer, "test/log");
            l.appendAll(leaves.subList(37, 50));
            l.publishCheckpoint(signer, "test/log");
        }
    }

    @Test
    void intactLedgerVerifies() {
        VerificationReport withKey = LedgerVerifier.verify(dir, Optional.of(vkey));
        assertThat(withKey.firstProblem()).isNull();
        assertThat(withKey).isEqualTo(new VerificationReport(true, 50, 3, null));
        assertThat(LedgerVerifier.verify(dir, Optional.empty()).ok()).isTrue();
    }

    @Test
    void aFlippedByteAnywhereInAnyFileIsReportedNamingTheFile() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> size(f) > 0).sorted().toList();
        }
        assertThat(files.stream().map(f -> f.getFileName().toString()))
                .contains(Ledger.ENTRIES, Ledger.INDEX, CheckpointLog.FILE, "level-00.hash", "level-05.hash");
        int flips = 0;
        for (Path f : files) {
            byte[] original = Files.readAllBytes(f);
            int n = original.length;
            for (int pos : new int[] {0, n / 3, n / 2, n - 1}) {
                byte[] damaged = original.clone();
                damaged[pos] ^= 0x01;
                Files.write(f, damaged);
                for (Optional<String> key : List.of(Optional.of(vkey), Optional.<String>empty())) {
                    VerificationReport r = LedgerVerifier.verify(dir, key);
                    assertThat(r.ok())
                            .as("flip %s@%d (key %s)", f.getFileName(), pos, key.isPresent())
                            .isFalse();
                    assertThat(r.firstProblem())
                            .as("flip %s@%d", f.getFileName(), pos)
                            .contains(f.getFileName().toString());
                }
                flips++;
            }
            Files.write(f, original);
        }
        assertThat(flips).isGreaterThanOrEqualTo(4 * 8);
        assertThat(LedgerVerifier.verify(dir, Optional.of(vkey)).ok()).isTrue();
    }

    @Test
    void aPayloadChangeWithARecomputedCrcIsStillCaught() throws IOException {
        Path entries = dir.resolve(Ledger.ENTRIES);
        byte[] data = Files.readAllBytes(entries);
        ByteBuffer b = ByteBuffer.wrap(data);
        int offset = 0;
        for (int i = 0; i < 30; i++) {
            offset += b.getInt(offset) + Records.OVERHEAD;
        }
        int len = b.getInt(offset);
        byte[] payload = new byte[len];
        b.get(offset + 4, payload);
        payload[0] ^= 0x40;
        b.put(offset + 4, payload);
        b.putInt(offset + 4 + len, Records.crc(payload));
        Files.write(entries, data);

        VerificationReport r = LedgerVerifier.verify(dir, Optional.of(vkey));
        assertThat(r.ok()).isFalse();
        assertThat(r.firstProblem())
                .contains("entry #30")
                .contains(Ledger.ENTRIES)
                .contains("level-00.hash");
    }

    @Test
    void checkpointsFromAnotherKeyAreRejectedWhenTheKeyIsGiven() throws IOException {
        String otherKey =
                NoteSigner.loadOrCreate(tmp.resolve("other.key"), "test-log").verifierKey();
        VerificationReport r = LedgerVerifier.verify(dir, Optional.of(otherKey));
        assertThat(r.ok()).isFalse();
        assertThat(r.firstProblem()).contains("checkpoints").contains("signature");
    }

    @Test
    void truncatedAndExtraFilesAreReported() throws IOException {
        Path level1 = dir.resolve("level-01.hash");
        byte[] original = Files.readAllBytes(level1);
        Files.write(level1, java.util.Arrays.copyOf(original, original.length - 32));
        assertThat(LedgerVerifier.verify(dir, Optional.empty()).firstProblem()).contains("level-01.hash");
        Files.write(level1, java.util.Arrays.copyOf(original, original.length + 32));
        assertThat(LedgerVerifier.verify(dir, Optional.empty()).firstProblem())
                .contains("level-01.hash")
                .contains("trailing");
        Files.write(level1, original);
        Files.writeString(dir.resolve("stray.txt"), "x");
        assertThat(LedgerVerifier.verify(dir, Optional.empty()).firstProblem()).contains("stray.txt");
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
