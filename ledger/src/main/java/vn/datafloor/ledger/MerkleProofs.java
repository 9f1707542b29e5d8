package vn.datafloor.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree hashing and proof verification.
 *
 * <p>Verification is deliberately strict: every hash must be exactly 32 bytes and a proof must
 * have exactly the length the algorithm consumes, because a lenient verifier is the classic way a
 * log gets to "prove" something that is not in it.
 */
public final class MerkleProofs {

    /** SHA-256 output size; every leaf, node and root hash has this length. */
    public static final int HASH_SIZE = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    // MessageDigest is not thread-safe and getInstance is comparatively slow on hot proof paths.
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(MerkleProofs::newSha256);

    private MerkleProofs() {}

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** RFC 9162 §2.1.1: MTH({}) = HASH(), the hash of the empty string. */
    public static byte[] emptyRoot() {
        return SHA256.get().digest(new byte[0]);
    }

    /** RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0)). */
    public static byte[] leafHash(byte[] entry) {
        return leafHash(SHA256.get(), entry);
    }

    static byte[] leafHash(MessageDigest md, byte[] entry) {
        md.update(LEAF_PREFIX);
        md.update(entry);
        return md.digest();
    }

    /** RFC 9162 §2.1.1: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])). */
    static byte[] nodeHash(byte[] left, byte[] right) {
        return nodeHash(SHA256.get(), left, right);
    }

    static byte[] nodeHash(MessageDigest md, byte[] left, byte[] right) {
        md.update(NODE_PREFIX);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /**
     * RFC 9162 §2.1.3.2: verifies that {@code leafHash} is the leaf at {@code index} of the tree of
     * {@code size} leaves whose root is {@code root}.
     *
     * @return false for any malformed input (wrong hash length, index out of range, proof too long
     *     or too short) as well as for a proof that does not lead to {@code root}
     */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        return InclusionCheck.of(index, size, leafHash, proof, root).valid();
    }

    /**
     * RFC 9162 §2.1.3.2 steps 1-4: the root implied by an inclusion proof; step 5 (the comparison)
     * is left to the caller so that it can report which root the proof actually commits to.
     *
     * @throws IllegalArgumentException if the proof cannot belong to a tree of this size
     */
    static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || size < 0 || index >= size) {
            throw new IllegalArgumentException("index " + index + " is not inside a tree of size " + size);
        }
        if (!isHash(leafHash)) {
            throw new IllegalArgumentException("leaf hash must be " + HASH_SIZE + " bytes");
        }
        MessageDigest md = SHA256.get();
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new IllegalArgumentException("inclusion proof is longer than the tree is deep");
            }
            if (!isHash(p)) {
                throw new IllegalArgumentException("proof hash must be " + HASH_SIZE + " bytes");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(md, p, r);
                // Skip the levels where this node has no right sibling (right edge of the tree).
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = nodeHash(md, r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new IllegalArgumentException("inclusion proof is shorter than the tree is deep");
        }
        return r;
    }

    /**
     * RFC 9162 §2.1.4.2: verifies that the tree of {@code size1} leaves with root {@code root1} is a
     * prefix of the tree of {@code size2} leaves with root {@code root2}.
     *
     * <p>RFC 9162 §2.1.4 only defines proofs for {@code 0 < size1}, so {@code size1 == 0} is rejected
     * (as the transparency-dev known-answer vectors expect); equal sizes need an empty proof and equal
     * roots.
     */
    public static boolean verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2) {
        if (size1 <= 0 || size2 < size1 || proof == null || root1 == null || root2 == null) {
            return false;
        }
        if (size1 == size2) {
            return proof.isEmpty() && MessageDigest.isEqual(root1, root2);
        }
        if (proof.isEmpty() || !isHash(root1) || !isHash(root2)) {
            return false;
        }
        for (byte[] c : proof) {
            if (!isHash(c)) {
                return false;
            }
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        // Step 2: a power-of-two old tree is itself a node of the new tree, so the proof omits it.
        if (Long.bitCount(size1) == 1) {
            path.add(root1);
        }
        path.addAll(proof);
        MessageDigest md = SHA256.get();
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(md, c, fr);
                sr = nodeHash(md, c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = nodeHash(md, sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, root1) && MessageDigest.isEqual(sr, root2);
    }

    private static boolean isHash(byte[] h) {
        return h != null && h.length == HASH_SIZE;
    }
}
