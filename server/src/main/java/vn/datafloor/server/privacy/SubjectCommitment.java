package vn.datafloor.server.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import vn.datafloor.ledger.MerkleProofs;

/**
 * A commitment to the set of data subjects one access touched: an RFC 9162 Merkle tree over one
 * salted leaf per subject. The ledger entry carries only the root and the count; each subject can be
 * shown their own opening (salt, leaf index, tree size, audit path), which proves that the access
 * named them without revealing anyone else. Salts are 16 random bytes, fresh for every subject of
 * every access, so the root says nothing about who is in the set, and two accesses to the same
 * people have unrelated roots.
 *
 * <ul>
 *   <li>leaf = SHA-256(0x00 ‖ "datafloor-subject-v1" ‖ salt ‖ subject id UTF-8) — RFC 9162 §2.1.1's
 *       leaf hash of the bytes {@code "datafloor-subject-v1" ‖ salt ‖ id}, computed with the ledger
 *       module's {@link MerkleProofs#leafHash};
 *   <li>leaves sorted by their hash (so a leaf's position depends on nothing but randomness);
 *   <li>root = RFC 9162 §2.1.1 Merkle tree hash over the sorted leaves (node = SHA-256(0x01 ‖ l ‖ r));
 *       the empty set's root is SHA-256("");
 *   <li>an opening verifies with the ledger module's {@link MerkleProofs#verifyInclusion} (§2.1.3.2).
 * </ul>
 */
public final class SubjectCommitment {

    /** Domain separation: a subject leaf can never be mistaken for a ledger entry or another kind of leaf. */
    static final byte[] DOMAIN = "datafloor-subject-v1".getBytes(StandardCharsets.US_ASCII);

    public static final int SALT_BYTES = 16;

    /** Salts drawn at once. */
    private static final int SALT_BLOCK = 1024;

    private SubjectCommitment() {}

    /** What proves that {@code subjectId} is a member of the committed set, and nothing about the others. */
    public record Opening(byte[] salt, int leafIndex, int treeSize, List<byte[]> auditPath) {
        public Opening {
            salt = salt.clone();
            auditPath = List.copyOf(auditPath);
        }

        @Override
        public byte[] salt() {
            return salt.clone();
        }

        public String saltHex() {
            return HexFormat.of().formatHex(salt);
        }
    }

    /**
     * The commitment of one set, in memory: its root and everything needed to open it for each
     * member. The audit paths are computed on request from the tree's levels, so a set of a million
     * subjects needs about 100 MB here, not a path per subject.
     */
    public static final class Prepared {
        private final String[] subjects; // in leaf order
        private final byte[][] salts; // in leaf order
        private final List<byte[][]> levels; // levels.get(0) = leaves, last = {root}; empty set: no levels
        private final byte[] root;

        private Prepared(String[] subjects, byte[][] salts, List<byte[][]> levels, byte[] root) {
            this.subjects = subjects;
            this.salts = salts;
            this.levels = levels;
            this.root = root;
        }

        public byte[] root() {
            return root.clone();
        }

        public String rootHex() {
            return HexFormat.of().formatHex(root);
        }

        public int size() {
            return subjects.length;
        }

        /** The subject at a leaf index (leaf order), for storing the index rows. */
        public String subject(int leafIndex) {
            return subjects[leafIndex];
        }

        public byte[] salt(int leafIndex) {
            return salts[leafIndex].clone();
        }

        /** The opening of the leaf at {@code leafIndex}: its salt and its RFC 9162 audit path, leaf side first. */
        public Opening opening(int leafIndex) {
            if (leafIndex < 0 || leafIndex >= subjects.length) {
                throw new IllegalArgumentException("no leaf " + leafIndex + " in a set of " + subjects.length);
            }
            return new Opening(salts[leafIndex], leafIndex, subjects.length, auditPath(levels, leafIndex));
        }

        /** The opening for a subject, if the set holds it (a linear search; the index rows hold the leaf index). */
        public Optional<Opening> openingOf(String subjectId) {
            for (int i = 0; i < subjects.length; i++) {
                if (subjects[i].equals(subjectId)) {
                    return Optional.of(opening(i));
                }
            }
            return Optional.empty();
        }
    }

    /** Commits to a set of subject ids (duplicates count once) with fresh salts from {@code random}. */
    public static Prepared prepare(Collection<String> subjectIds, SecureRandom random) {
        Set<String> distinct = new LinkedHashSet<>(subjectIds);
        int n = distinct.size();
        String[] ids = new String[n];
        byte[][] salts = new byte[n][];
        byte[][] leaves = new byte[n][];
        // Salts drawn a block at a time: the default generator reads the system's entropy device under a
        // lock on each draw, and a page of twenty subjects made twenty reads on every delivery.
        byte[] fresh = new byte[SALT_BYTES * Math.min(n, SALT_BLOCK)];
        int i = 0;
        for (String id : distinct) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a subject id is empty");
            }
            int inBlock = i % SALT_BLOCK;
            if (inBlock == 0) {
                random.nextBytes(fresh);
            }
            byte[] salt = Arrays.copyOfRange(fresh, inBlock * SALT_BYTES, (inBlock + 1) * SALT_BYTES);
            ids[i] = id;
            salts[i] = salt;
            leaves[i] = leafHash(salt, id);
            i++;
        }
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.comparing(k -> leaves[k], Arrays::compareUnsigned));
        String[] sortedIds = new String[n];
        byte[][] sortedSalts = new byte[n][];
        byte[][] sortedLeaves = new byte[n][];
        for (int k = 0; k < n; k++) {
            sortedIds[k] = ids[order[k]];
            sortedSalts[k] = salts[order[k]];
            sortedLeaves[k] = leaves[order[k]];
        }
        List<byte[][]> levels = levels(sortedLeaves);
        byte[] root = n == 0 ? MerkleProofs.emptyRoot() : levels.get(levels.size() - 1)[0];
        return new Prepared(sortedIds, sortedSalts, levels, root);
    }

    /**
     * The same commitment again from its stored leaves (subjects and salts in leaf order), to open it
     * later: the stored rows are the truth, and the root this gives must equal the one on the ledger.
     */
    public static Prepared restore(List<String> subjectsInLeafOrder, List<byte[]> saltsInLeafOrder) {
        int n = subjectsInLeafOrder.size();
        if (saltsInLeafOrder.size() != n) {
            throw new IllegalArgumentException("one salt per subject");
        }
        String[] ids = subjectsInLeafOrder.toArray(new String[0]);
        byte[][] salts = new byte[n][];
        byte[][] leaves = new byte[n][];
        for (int i = 0; i < n; i++) {
            salts[i] = saltsInLeafOrder.get(i).clone();
            leaves[i] = leafHash(salts[i], ids[i]);
        }
        List<byte[][]> levels = levels(leaves);
        byte[] root = n == 0 ? MerkleProofs.emptyRoot() : levels.get(levels.size() - 1)[0];
        return new Prepared(ids, salts, levels, root);
    }

    /** The leaf of one subject: SHA-256(0x00 ‖ "datafloor-subject-v1" ‖ salt ‖ id). */
    public static byte[] leafHash(byte[] salt, String subjectId) {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("a salt has " + SALT_BYTES + " bytes");
        }
        byte[] id = subjectId.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[DOMAIN.length + SALT_BYTES + id.length];
        System.arraycopy(DOMAIN, 0, input, 0, DOMAIN.length);
        System.arraycopy(salt, 0, input, DOMAIN.length, SALT_BYTES);
        System.arraycopy(id, 0, input, DOMAIN.length + SALT_BYTES, id.length);
        return MerkleProofs.leafHash(input);
    }

    /**
     * Does {@code opening} prove that {@code subjectId} is in the set whose root is {@code root}? Pure:
     * no database, no clock; never throws on malformed input, answers false.
     */
    public static boolean verify(String subjectId, Opening opening, byte[] root) {
        if (subjectId == null || opening == null || root == null || opening.salt.length != SALT_BYTES) {
            return false;
        }
        return MerkleProofs.verifyInclusion(
                opening.leafIndex(), opening.treeSize(), leafHash(opening.salt, subjectId), opening.auditPath(), root);
    }

    /**
     * The tree bottom-up: each level pairs neighbours and carries an odd last node up unchanged. For n
     * leaves this is exactly RFC 9162's recursive split at the largest power of two below n (the left
     * subtree is always perfect), so roots and paths equal the ledger's.
     */
    static List<byte[][]> levels(byte[][] leaves) {
        List<byte[][]> levels = new ArrayList<>();
        if (leaves.length == 0) {
            return levels;
        }
        MessageDigest sha = sha256();
        byte[][] level = leaves;
        levels.add(level);
        while (level.length > 1) {
            byte[][] up = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < level.length / 2; i++) {
                up[i] = nodeHash(sha, level[2 * i], level[2 * i + 1]);
            }
            if (level.length % 2 == 1) {
                up[up.length - 1] = level[level.length - 1];
            }
            levels.add(up);
            level = up;
        }
        return levels;
    }

    /** RFC 9162 §2.1.3.1's audit path, read off the levels: the sibling at each level that has one. */
    static List<byte[]> auditPath(List<byte[][]> levels, int leafIndex) {
        List<byte[]> path = new ArrayList<>();
        int index = leafIndex;
        for (int k = 0; k < levels.size() - 1; k++) {
            byte[][] level = levels.get(k);
            int sibling = index ^ 1;
            if (sibling < level.length) {
                path.add(level[sibling].clone());
            }
            index >>= 1;
        }
        return path;
    }

    private static byte[] nodeHash(MessageDigest sha, byte[] left, byte[] right) {
        sha.reset();
        sha.update((byte) 0x01);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
