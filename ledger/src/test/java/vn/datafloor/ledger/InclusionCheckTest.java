package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InclusionCheckTest {

    @TempDir
    Path dir;

    @Test
    void saysWhichRootItExpectedAndWhichItComputed() throws Exception {
        try (Ledger ledger = Ledger.open(dir)) {
            for (int i = 0; i < 7; i++) {
                ledger.append(("entry " + i).getBytes(StandardCharsets.UTF_8));
            }
            byte[] root = ledger.rootHash(7);
            byte[] leaf = MerkleProofs.leafHash("entry 3".getBytes(StandardCharsets.UTF_8));
            List<byte[]> proof = ledger.inclusionProof(3, 7);

            InclusionCheck good = InclusionCheck.of(3, 7, leaf, proof, root);
            assertThat(good.valid()).isTrue();
            assertThat(good.computedRoot())
                    .hasValueSatisfying(r -> assertThat(r).isEqualTo(root));
            assertThat(good.describe()).startsWith("verified against root ");

            byte[] otherRoot = ledger.rootHash(6);
            InclusionCheck bad = InclusionCheck.of(3, 7, leaf, proof, otherRoot);
            assertThat(bad.valid()).isFalse();
            assertThat(bad.expectedRoot()).isEqualTo(otherRoot);
            assertThat(bad.computedRoot()).hasValueSatisfying(r -> assertThat(r).isEqualTo(root));
            assertThat(bad.describe())
                    .contains("expected root " + java.util.HexFormat.of().formatHex(otherRoot))
                    .contains("computed root " + java.util.HexFormat.of().formatHex(root));

            InclusionCheck malformed = InclusionCheck.of(3, 7, leaf, proof.subList(0, 1), root);
            assertThat(malformed.valid()).isFalse();
            assertThat(malformed.computedRoot()).isEmpty();
            assertThat(malformed.problem())
                    .hasValueSatisfying(p -> assertThat(p).contains("shorter"));
            assertThat(MerkleProofs.verifyInclusion(3, 7, leaf, proof.subList(0, 1), root))
                    .isFalse();
        }
    }
}
