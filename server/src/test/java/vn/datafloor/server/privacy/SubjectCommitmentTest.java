package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.ledger.Ledger;
import vn.datafloor.ledger.MerkleProofs;

class SubjectCommitmentTest {

    /** Seeded, so a failure can be replayed; the scheme itself uses SecureRandom. */
    private static SecureRandom seeded(long seed) throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }

    private static List<String> subjects(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(String.format("P%08d", i * 7919L % 100_000_000));
        }
        return ids;
    }

    @Test
    void everySubjectsOpeningVerifiesForSizesAroundPowersOfTwo() throws Exception {
        for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 100}) {
            List<String> ids = subjects(n);
            SubjectCommitment.Prepared prepared = SubjectCommitment.prepare(ids, seeded(n));
            assertThat(prepared.size()).isEqualTo(n);
            for (String id : ids) {
                SubjectCommitment.Opening opening = prepared.openingOf(id).orElseThrow();
                assertThat(SubjectCommitment.verify(id, opening, prepared.root()))
                        .as("n=%d id=%s", n, id)
                        .isTrue();
            }
        }
    }

    @Test
    void rootsAndPathsAreTheLedgersOwnForTheSameLeaves(@TempDir Path dir) throws Exception {
        SubjectCommitment.Prepared prepared = SubjectCommitment.prepare(subjects(37), seeded(1));
        try (Ledger ledger = Ledger.open(dir)) {
            for (int i = 0; i < prepared.size(); i++) {
                ledger.append(leafInput(prepared.salt(i), prepared.subject(i)));
            }
            for (int size = 1; size <= prepared.size(); size++) {
                List<String> prefix = new ArrayList<>();
                List<byte[]> salts = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    prefix.add(prepared.subject(i));
                    salts.add(prepared.salt(i));
                }
                SubjectCommitment.Prepared restored = SubjectCommitment.restore(prefix, salts);
                assertThat(restored.root()).as("root of %d", size).isEqualTo(ledger.rootHash(size));
                for (int i = 0; i < size; i++) {
                    assertThat(restored.opening(i).auditPath())
                            .as("path of %d in %d", i, size)
                            .containsExactlyElementsOf(ledger.inclusionProof(i, size));
                }
            }
        }
    }

    @Test
    void leavesAreSortedByHashNotByInputOrder() throws Exception {
        SubjectCommitment.Prepared prepared = SubjectCommitment.prepare(subjects(50), seeded(2));
        for (int i = 1; i < prepared.size(); i++) {
            byte[] before = SubjectCommitment.leafHash(prepared.salt(i - 1), prepared.subject(i - 1));
            byte[] after = SubjectCommitment.leafHash(prepared.salt(i), prepared.subject(i));
            assertThat(java.util.Arrays.compareUnsigned(before, after)).isNegative();
        }
    }

    @Test
    void anOpeningFailsForAnotherSubjectSaltPathIndexOrRoot() throws Exception {
        SubjectCommitment.Prepared prepared = SubjectCommitment.prepare(subjects(20), seeded(3));
        String id = prepared.subject(5);
        SubjectCommitment.Opening opening = prepared.opening(5);
        assertThat(SubjectCommitment.verify(id, opening, prepared.root())).isTrue();
        // another subject, even one in the same set, with this opening
        assertThat(SubjectCommitment.verify(prepared.subject(6), opening, prepared.root()))
                .isFalse();
        assertThat(SubjectCommitment.verify("001085012345", opening, prepared.root()))
                .isFalse();
        // another salt
        byte[] salt = opening.salt();
        salt[0] ^= 1;
        assertThat(SubjectCommitment.verify(
                        id,
                        new SubjectCommitment.Opening(salt, 5, opening.treeSize(), opening.auditPath()),
                        prepared.root()))
                .isFalse();
        // a changed path
        List<byte[]> path = new ArrayList<>(opening.auditPath());
        byte[] first = path.get(0).clone();
        first[31] ^= 1;
        path.set(0, first);
        assertThat(SubjectCommitment.verify(
                        id,
                        new SubjectCommitment.Opening(opening.salt(), 5, opening.treeSize(), path),
                        prepared.root()))
                .isFalse();
        // another index, a size of another shape (a size of the same shape leads to the same root: the count is
        // bound by the ledger entry, which AccessProof checks), a malformed path
        assertThat(SubjectCommitment.verify(
                        id,
                        new SubjectCommitment.Opening(opening.salt(), 4, opening.treeSize(), opening.auditPath()),
                        prepared.root()))
                .isFalse();
        assertThat(SubjectCommitment.verify(
                        id, new SubjectCommitment.Opening(opening.salt(), 5, 6, opening.auditPath()), prepared.root()))
                .isFalse();
        assertThat(SubjectCommitment.verify(
                        id,
                        new SubjectCommitment.Opening(opening.salt(), 5, opening.treeSize(), List.of(new byte[3])),
                        prepared.root()))
                .isFalse();
        // another root
        SubjectCommitment.Prepared other = SubjectCommitment.prepare(subjects(20), seeded(4));
        assertThat(SubjectCommitment.verify(id, opening, other.root())).isFalse();
    }

    @Test
    void theSameSetHasUnrelatedRootsUnderFreshSalts() throws Exception {
        List<String> ids = subjects(10);
        SecureRandom random = new SecureRandom();
        SubjectCommitment.Prepared one = SubjectCommitment.prepare(ids, random);
        SubjectCommitment.Prepared two = SubjectCommitment.prepare(ids, random);
        assertThat(one.root()).isNotEqualTo(two.root());
        // and no leaf of the one appears in the other: nothing links the two accesses
        for (int i = 0; i < one.size(); i++) {
            byte[] leaf = SubjectCommitment.leafHash(one.salt(i), one.subject(i));
            for (int j = 0; j < two.size(); j++) {
                assertThat(SubjectCommitment.leafHash(two.salt(j), two.subject(j)))
                        .isNotEqualTo(leaf);
            }
        }
        // a single subject: the root is a salted leaf, not the subject's id hashed
        SubjectCommitment.Prepared single = SubjectCommitment.prepare(List.of("001085012345"), random);
        assertThat(single.root()).isNotEqualTo(MerkleProofs.leafHash("001085012345".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void duplicatesCountOnceAndTheEmptySetHasTheEmptyRoot() throws Exception {
        SubjectCommitment.Prepared prepared = SubjectCommitment.prepare(List.of("a", "b", "a"), seeded(5));
        assertThat(prepared.size()).isEqualTo(2);
        SubjectCommitment.Prepared empty = SubjectCommitment.prepare(List.of(), seeded(6));
        assertThat(empty.size()).isZero();
        assertThat(empty.root()).isEqualTo(MerkleProofs.emptyRoot());
        assertThat(empty.openingOf("a")).isEmpty();
    }

    @Test
    void restoringFromTheStoredLeavesGivesTheSameRootAndOpenings() throws Exception {
        SubjectCommitment.Prepared prepared = SubjectCommitment.prepare(subjects(13), seeded(7));
        List<String> ids = new ArrayList<>();
        List<byte[]> salts = new ArrayList<>();
        for (int i = 0; i < prepared.size(); i++) {
            ids.add(prepared.subject(i));
            salts.add(prepared.salt(i));
        }
        SubjectCommitment.Prepared restored = SubjectCommitment.restore(ids, salts);
        assertThat(restored.root()).isEqualTo(prepared.root());
        assertThat(restored.opening(9).auditPath())
                .containsExactlyElementsOf(prepared.opening(9).auditPath());
        // a large set still opens, without a path per subject held in memory
        List<String> many = new ArrayList<>();
        Random names = new Random(8);
        for (int i = 0; i < 100_000; i++) {
            many.add(Long.toString(100_000_000_000L + names.nextInt(900_000_000)) + i);
        }
        SubjectCommitment.Prepared large = SubjectCommitment.prepare(many, seeded(9));
        assertThat(SubjectCommitment.verify(
                        many.get(777), large.openingOf(many.get(777)).orElseThrow(), large.root()))
                .isTrue();
    }

    private static byte[] leafInput(byte[] salt, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[SubjectCommitment.DOMAIN.length + salt.length + idBytes.length];
        System.arraycopy(SubjectCommitment.DOMAIN, 0, input, 0, SubjectCommitment.DOMAIN.length);
        System.arraycopy(salt, 0, input, SubjectCommitment.DOMAIN.length, salt.length);
        System.arraycopy(idBytes, 0, input, SubjectCommitment.DOMAIN.length + salt.length, idBytes.length);
        return input;
    }
}
