package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * transparency-dev/merkle known-answer vectors. subtreeinclusion/ and subtreeconsistency/ are
 * skipped: they exercise proofs over arbitrary subtrees [start, end) for draft Merkle Tree
 * Certificates, which is not an API this ledger offers.
 */
class KnownAnswerTest {

    static Path vectors() {
        // Tests run with cwd = ledger/; the repo root is its parent.
        Path dir = Path.of("")
                .toAbsolutePath()
                .getParent()
                .resolve("../shared/testdata/merkle")
                .normalize();
        Assumptions.assumeTrue(
                Files.isDirectory(dir), "../shared/testdata/merkle not found: known-answer vectors skipped");
        return dir;
    }

    @TestFactory
    Stream<DynamicTest> inclusionVectors() throws IOException {
        return cases(vectors().resolve("inclusion"))
                .map(f -> DynamicTest.dynamicTest(name(f), () -> {
                    Map<String, Object> v = json(f);
                    boolean ok = MerkleProofs.verifyInclusion(
                            num(v, "leafIdx"), num(v, "treeSize"), b64(v, "leafHash"), hashes(v), b64(v, "root"));
                    assertThat(ok).as("%s: %s", f, v.get("desc")).isEqualTo(!(Boolean) v.get("wantErr"));
                }));
    }

    @TestFactory
    Stream<DynamicTest> consistencyVectors() throws IOException {
        return cases(vectors().resolve("consistency"))
                .map(f -> DynamicTest.dynamicTest(name(f), () -> {
                    Map<String, Object> v = json(f);
                    boolean ok = MerkleProofs.verifyConsistency(
                            num(v, "size1"), num(v, "size2"), hashes(v), b64(v, "root1"), b64(v, "root2"));
                    assertThat(ok).as("%s: %s", f, v.get("desc")).isEqualTo(!(Boolean) v.get("wantErr"));
                }));
    }

    /** The vectors' reference tree: our own proofs for it must be exactly the happy-path proofs. */
    @Test
    void ourProofsEqualTheHappyPathVectors() throws IOException {
        List<byte[]> leaves = Reference.referenceLeaves();
        int checked = 0;
        for (Path f : cases(vectors())
                .filter(p -> p.getFileName().toString().equals("happy-path.json"))
                .toList()) {
            Map<String, Object> v = json(f);
            List<byte[]> got;
            if (v.containsKey("leafIdx")) {
                int size = (int) num(v, "treeSize");
                got = TreeMath.inclusionProof(Reference.perfect(leaves.subList(0, size)), num(v, "leafIdx"), size);
                assertThat(TreeMath.rangeHash(Reference.perfect(leaves.subList(0, size)), 0, size))
                        .isEqualTo(b64(v, "root"));
            } else if (v.containsKey("size1")) {
                int size2 = (int) num(v, "size2");
                got = TreeMath.consistencyProof(Reference.perfect(leaves.subList(0, size2)), num(v, "size1"), size2);
            } else {
                continue;
            }
            assertThat(got).as(f.toString()).containsExactlyElementsOf(hashes(v));
            checked++;
        }
        assertThat(checked).isGreaterThan(5);
    }

    @Test
    void referenceRootsFromSourceMd() {
        String[] want = {
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        };
        List<byte[]> leaves = Reference.referenceLeaves();
        for (int n = 0; n <= 8; n++) {
            assertThat(HexFormat.of().formatHex(TreeMath.rangeHash(Reference.perfect(leaves.subList(0, n)), 0, n)))
                    .as("size %d", n)
                    .isEqualTo(want[n]);
            assertThat(HexFormat.of().formatHex(Reference.mth(leaves.subList(0, n))))
                    .isEqualTo(want[n]);
        }
    }

    private static Stream<Path> cases(Path dir) throws IOException {
        return Files.walk(dir)
                .filter(p -> p.toString().endsWith(".json"))
                .filter(p -> !p.toString().contains("subtree"))
                .sorted();
    }

    private static String name(Path f) {
        return f.getParent().getParent().getFileName() + "/" + f.getParent().getFileName() + "/" + f.getFileName();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path f) throws IOException {
        return (Map<String, Object>) MiniJson.parse(Files.readString(f));
    }

    private static long num(Map<String, Object> v, String k) {
        return (Long) v.get(k);
    }

    private static byte[] b64(Map<String, Object> v, String k) {
        Object s = v.get(k);
        return s == null ? null : Base64.getDecoder().decode((String) s);
    }

    private static List<byte[]> hashes(Map<String, Object> v) {
        Object p = v.get("proof");
        return p == null
                ? List.of()
                : ((List<?>) p)
                        .stream()
                                .map(s -> Base64.getDecoder().decode((String) s))
                                .toList();
    }
}
