package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every inclusion and consistency proof of a 64-leaf on-disk ledger, against the literal RFC definitions. */
class ProofBruteForceTest {

    static final int N = 64;

    @TempDir
    static Path dir;

    static Ledger ledger;
    static List<byte[]> leaves = Reference.leaves(N);

    @BeforeAll
    static void build() throws IOException {
        ledger = Ledger.open(dir);
        for (byte[] leaf : leaves) {
            ledger.append(leaf);
        }
    }

    @AfterAll
    static void close() throws IOException {
        ledger.close();
    }

    @Test
    void everyRootMatchesMth() {
        for (int n = 0; n <= N; n++) {
            assertThat(ledger.rootHash(n)).as("size %d", n).isEqualTo(Reference.mth(leaves.subList(0, n)));
        }
    }

    @Test
    void everyInclusionProofIsTheRfcPathAndVerifies() {
        for (int n = 1; n <= N; n++) {
            byte[] root = ledger.rootHash(n);
            for (int i = 0; i < n; i++) {
                List<byte[]> proof = ledger.inclusionProof(i, n);
                assertThat(proof)
                        .as("PATH(%d, D[%d])", i, n)
                        .containsExactlyElementsOf(Reference.path(i, leaves.subList(0, n)));
                byte[] leafHash = MerkleProofs.leafHash(leaves.get(i));
                assertThat(MerkleProofs.verifyInclusion(i, n, leafHash, proof, root))
                        .isTrue();
                // The same proof must not vouch for a neighbouring index or a different leaf.
                if (n > 1) {
                    assertThat(MerkleProofs.verifyInclusion((i + 1) % n, n, leafHash, proof, root))
                            .isFalse();
                }
                assertThat(MerkleProofs.verifyInclusion(i, n, MerkleProofs.leafHash(("x" + i).getBytes()), proof, root))
                        .isFalse();
                for (int c = 0; c < proof.size(); c++) {
                    List<byte[]> bad = flipped(proof, c);
                    assertThat(MerkleProofs.verifyInclusion(i, n, leafHash, bad, root))
                            .isFalse();
                }
            }
        }
    }

    @Test
    void everyConsistencyProofIsTheRfcProofAndVerifies() {
        for (int n = 1; n <= N; n++) {
            byte[] root2 = ledger.rootHash(n);
            for (int m = 1; m <= n; m++) {
                byte[] root1 = ledger.rootHash(m);
                List<byte[]> proof = ledger.consistencyProof(m, n);
                if (m < n) {
                    assertThat(proof)
                            .as("PROOF(%d, D[%d])", m, n)
                            .containsExactlyElementsOf(Reference.proof(m, leaves.subList(0, n)));
                } else {
                    assertThat(proof).isEmpty();
                }
                assertThat(MerkleProofs.verifyConsistency(m, n, proof, root1, root2))
                        .as("%d->%d", m, n)
                        .isTrue();
                for (int c = 0; c < proof.size(); c++) {
                    assertThat(MerkleProofs.verifyConsistency(m, n, flipped(proof, c), root1, root2))
                            .isFalse();
                }
                if (m < n) {
                    assertThat(MerkleProofs.verifyConsistency(m, n, proof, root2, root1))
                            .isFalse();
                    assertThat(MerkleProofs.verifyConsistency(m, n, proof.subList(0, proof.size() - 1), root1, root2))
                            .isFalse();
                }
            }
        }
    }

    private static List<byte[]> flipped(List<byte[]> proof, int which) {
        List<byte[]> out = new ArrayList<>();
        for (int c = 0; c < proof.size(); c++) {
            byte[] h = proof.get(c).clone();
            if (c == which) {
                h[7] ^= 0x20;
            }
            out.add(h);
        }
        return out;
    }
}
