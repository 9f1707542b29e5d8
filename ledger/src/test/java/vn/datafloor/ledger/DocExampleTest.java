package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the worked example in docs/ledger.md true: the code below is the doc's code, verbatim. */
class DocExampleTest {

    // BEGIN doc example
    /** Does the log whose verifier key is {@code vkey} hold {@code entry} at {@code index}? */
    static boolean entryIsLogged(
            String checkpointNote, String vkey, byte[] entry, long index, List<String> proofBase64) {
        // 1. Only a checkpoint signed by the log's key says anything about the log.
        if (!NoteVerifier.fromVerifierKey(vkey).verify(checkpointNote)) {
            return false;
        }
        Checkpoint checkpoint = Checkpoint.parse(checkpointNote);
        // 2. The proof ("hashes" from GET /ledger/proof/inclusion?index=I&size=<checkpoint size>)
        //    must lead from the entry's leaf hash to exactly that signed root.
        List<byte[]> proof =
                proofBase64.stream().map(Base64.getDecoder()::decode).toList();
        return MerkleProofs.verifyInclusion(
                index, checkpoint.size(), MerkleProofs.leafHash(entry), proof, checkpoint.rootHash());
    }
    // END doc example

    @TempDir
    Path tmp;

    @Test
    void theDocumentedExampleVerifiesARealProofAndRejectsForgeries() throws IOException {
        NoteSigner signer = NoteSigner.loadOrCreate(tmp.resolve("log.key"), "datafloor.example");
        String vkey = signer.verifierKey();
        try (Ledger ledger = Ledger.open(tmp.resolve("ledger"))) {
            ledger.appendAll(Reference.leaves(21));
            long index = ledger.append("dataset 42 published".getBytes(StandardCharsets.UTF_8));
            ledger.appendAll(Reference.leaves(9));
            SignedCheckpoint cp = ledger.publishCheckpoint(signer, "datafloor.example/ledger");
            List<String> proof = ledger.inclusionProof(index, cp.checkpoint().size()).stream()
                    .map(Base64.getEncoder()::encodeToString)
                    .toList();
            byte[] entry = "dataset 42 published".getBytes(StandardCharsets.UTF_8);

            assertThat(entryIsLogged(cp.note(), vkey, entry, index, proof)).isTrue();
            assertThat(entryIsLogged(
                            cp.note(), vkey, "dataset 43 published".getBytes(StandardCharsets.UTF_8), index, proof))
                    .isFalse();
            assertThat(entryIsLogged(cp.note(), vkey, entry, index + 1, proof)).isFalse();
            String otherKey = NoteSigner.loadOrCreate(tmp.resolve("other.key"), "datafloor.example")
                    .verifierKey();
            assertThat(entryIsLogged(cp.note(), otherKey, entry, index, proof)).isFalse();
            String forgedSize = cp.note().replaceFirst("\n31\n", "\n32\n");
            assertThat(entryIsLogged(forgedSize, vkey, entry, index, proof)).isFalse();
        }
    }

    @Test
    void docsLedgerMdShowsExactlyThisCode() throws IOException {
        Path doc = Path.of("").toAbsolutePath().getParent().resolve("docs/ledger.md");
        assertThat(doc).exists();
        String source = Files.readString(Path.of("src/test/java/vn/datafloor/ledger/DocExampleTest.java"));
        String example = source.substring(
                source.indexOf("// BEGIN doc example") + "// BEGIN doc example".length(),
                source.indexOf("    // END doc example"));
        assertThat(normalise(Files.readString(doc))).contains(normalise(example));
    }

    /** Indentation differs between a class body and a Markdown block; compare line content only. */
    private static String normalise(String s) {
        return s.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
