package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private static byte[] root(int b) {
        byte[] r = new byte[32];
        Arrays.fill(r, (byte) b);
        return r;
    }

    @Test
    void bodyIsTheC2spCheckpointFormatAndParsesBack() {
        Checkpoint cp = new Checkpoint("example.com/log", 42, root(7));
        assertThat(cp.body())
                .isEqualTo("example.com/log\n42\n" + Base64.getEncoder().encodeToString(root(7)) + "\n");
        assertThat(Checkpoint.parse(cp.body())).isEqualTo(cp);
    }

    @Test
    void malformedCheckpointsAreRejectedWithAReason() {
        String r = Base64.getEncoder().encodeToString(root(1));
        assertThatThrownBy(() -> Checkpoint.parse("origin\n42\n" + r)).hasMessageContaining("newline");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n042\n" + r + "\n")).hasMessageContaining("decimal");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n-1\n" + r + "\n")).hasMessageContaining("decimal");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n1\nnot base64!\n")).hasMessageContaining("base64");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n1\nAAAA\n")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Checkpoint.parse("origin\n1\n" + r + "\nextra\n"))
                .hasMessageContaining("3 body lines");
        assertThatThrownBy(() -> Checkpoint.parse("\n1\n" + r + "\n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Checkpoint.parse("origin\n99999999999999999999\n" + r + "\n"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signedNoteHasTheC2spShapeAndKeyId() throws Exception {
        NoteSigner signer = NoteSigner.loadOrCreate(dir.resolve("keys/log.key"), "example.com/log");
        String body = new Checkpoint("example.com/log", 3, root(9)).body();
        String note = signer.sign(body);
        assertThat(note).startsWith(body + "\n\u2014 example.com/log ").endsWith("\n");

        String vkey = signer.verifierKey();
        String[] parts = vkey.split("\\+", 3);
        assertThat(parts[0]).isEqualTo("example.com/log");
        byte[] typedKey = Base64.getDecoder().decode(parts[2]);
        assertThat(typedKey).hasSize(33);
        assertThat(typedKey[0]).isEqualTo((byte) 1);
        // Key ID = SHA-256(name || 0x0A || 0x01 || key)[:4], computed here independently.
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update("example.com/log\n".getBytes(StandardCharsets.UTF_8));
        md.update(typedKey);
        byte[] id = Arrays.copyOf(md.digest(), 4);
        assertThat(parts[1]).isEqualTo(HexFormat.of().formatHex(id));
        String sigLine = note.substring(note.lastIndexOf('\u2014'));
        byte[] keyAndSig = Base64.getDecoder()
                .decode(sigLine.substring(sigLine.lastIndexOf(' ') + 1).strip());
        assertThat(keyAndSig).hasSize(68);
        assertThat(Arrays.copyOf(keyAndSig, 4)).isEqualTo(id);

        NoteVerifier v = NoteVerifier.fromVerifierKey(vkey);
        assertThat(v.verify(note)).isTrue();
        assertThat(v.verify(note.replace("\n3\n", "\n4\n"))).isFalse();
        assertThat(v.verify(body)).isFalse();
        assertThat(v.verify(note.replace("example.com/log ", "other "))).isFalse();
        NoteSigner other = NoteSigner.loadOrCreate(dir.resolve("other.key"), "example.com/log");
        assertThat(v.verify(other.sign(body))).isFalse();
        // A co-signature by an unknown key does not hide ours.
        String cosigned = note + other.sign(body).substring(body.length() + 1).replace("example.com/log", "witness");
        assertThat(v.verify(cosigned)).isTrue();
    }

    @Test
    void keyFileIsOwnerOnlyAndReloadsTheSameKey() throws IOException {
        Path keyFile = dir.resolve("log.key");
        NoteSigner a = NoteSigner.loadOrCreate(keyFile, "log");
        if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(keyFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        assertThat(Files.readString(keyFile)).contains("BEGIN PRIVATE KEY");
        NoteSigner b = NoteSigner.loadOrCreate(keyFile, "log");
        assertThat(b.verifierKey()).isEqualTo(a.verifierKey());
        assertThat(b.keyName()).isEqualTo("log");
        assertThatThrownBy(() -> NoteSigner.loadOrCreate(dir.resolve("x.key"), "bad name"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedVerifierKeysAreRejected() throws IOException {
        String good = NoteSigner.loadOrCreate(dir.resolve("k"), "log").verifierKey();
        assertThatThrownBy(() -> NoteVerifier.fromVerifierKey("log+abc")).isInstanceOf(IllegalArgumentException.class);
        String wrongId = good.replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+");
        assertThatThrownBy(() -> NoteVerifier.fromVerifierKey(wrongId)).hasMessageContaining("key ID");
        assertThatThrownBy(() -> NoteVerifier.fromVerifierKey(good.replace("log+", "other+")))
                .hasMessageContaining("key ID");
    }

    @Test
    void publishedCheckpointsPersistAndExtendEachOther() throws IOException {
        NoteSigner signer = NoteSigner.loadOrCreate(dir.resolve("log.key"), "log");
        NoteVerifier verifier = NoteVerifier.fromVerifierKey(signer.verifierKey());
        Path ledgerDir = dir.resolve("ledger");
        SignedCheckpoint second;
        try (Ledger l = Ledger.open(ledgerDir)) {
            SignedCheckpoint empty = l.publishCheckpoint(signer, "example/log");
            assertThat(empty.checkpoint().size()).isZero();
            l.appendAll(Reference.leaves(10));
            SignedCheckpoint first = l.publishCheckpoint(signer, "example/log");
            l.appendAll(Reference.leaves(7));
            second = l.publishCheckpoint(signer, "example/log");
            assertThat(verifier.verify(first.note())).isTrue();
            assertThat(second.checkpoint().size()).isEqualTo(17);
            assertThat(second.checkpoint().rootHash()).isEqualTo(l.rootHash(17));
            assertThat(MerkleProofs.verifyConsistency(
                            10,
                            17,
                            l.consistencyProof(10, 17),
                            first.checkpoint().rootHash(),
                            second.checkpoint().rootHash()))
                    .isTrue();
        }
        try (Ledger l = Ledger.open(ledgerDir)) {
            assertThat(l.latestCheckpoint()).contains(second);
            assertThat(l.checkpoints()).hasSize(3);
        }
    }

    @Test
    void refusesToSignATreeThatContradictsTheLatestCheckpoint() throws IOException {
        NoteSigner signer = NoteSigner.loadOrCreate(dir.resolve("log.key"), "log");
        try (Ledger l = Ledger.open(dir.resolve("ledger"))) {
            l.appendAll(Reference.leaves(5));
            l.publishCheckpoint(signer, "o");
            // Forked history: same size, different root.
            Checkpoint forked = new Checkpoint("o", 5, root(3));
            l.checkpointLog().append(new SignedCheckpoint(forked, signer.sign(forked.body())));
            assertThatThrownBy(() -> l.publishCheckpoint(signer, "o"))
                    .isInstanceOf(LedgerConsistencyException.class)
                    .hasMessageContaining("not consistent");
            // A checkpoint claiming more than the tree holds: the tree would appear to shrink.
            Checkpoint ahead = new Checkpoint("o", 9, l.rootHash(5));
            l.checkpointLog().append(new SignedCheckpoint(ahead, signer.sign(ahead.body())));
            assertThatThrownBy(() -> l.publishCheckpoint(signer, "o"))
                    .isInstanceOf(LedgerConsistencyException.class)
                    .hasMessageContaining("smaller");
            assertThat(l.checkpoints()).hasSize(3);
        }
        // The planted contradiction is also caught on reopen.
        assertThatThrownBy(() -> Ledger.open(dir.resolve("ledger"))).isInstanceOf(IOException.class);
    }

    @Test
    void signedCheckpointMustCarryItsBody() {
        Checkpoint cp = new Checkpoint("o", 1, root(1));
        assertThatThrownBy(() -> new SignedCheckpoint(cp, "o\n2\nAAAA\n\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Set.of(cp)).contains(new Checkpoint("o", 1, root(1)));
    }
}
