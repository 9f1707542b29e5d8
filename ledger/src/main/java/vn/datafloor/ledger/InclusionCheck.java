package vn.datafloor.ledger;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of checking an inclusion proof, with what a caller needs to say why it failed: the root
 * the checkpoint commits to, the root the proof actually leads to (absent when the proof could not
 * belong to a tree of that size at all) and, then, what was wrong with it.
 */
public record InclusionCheck(
        boolean valid, byte[] expectedRoot, Optional<byte[]> computedRoot, Optional<String> problem) {

    /** RFC 9162 §2.1.3.2 with the roots kept; never throws on malformed input. */
    public static InclusionCheck of(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] expectedRoot) {
        if (expectedRoot == null || expectedRoot.length != MerkleProofs.HASH_SIZE) {
            return new InclusionCheck(
                    false,
                    expectedRoot,
                    Optional.empty(),
                    Optional.of("the expected root is not a " + MerkleProofs.HASH_SIZE + "-byte hash"));
        }
        try {
            byte[] computed = MerkleProofs.rootFromInclusionProof(index, size, leafHash, proof);
            boolean valid = java.security.MessageDigest.isEqual(computed, expectedRoot);
            return new InclusionCheck(
                    valid,
                    expectedRoot,
                    Optional.of(computed),
                    valid ? Optional.empty() : Optional.of("the proof leads to another root"));
        } catch (IllegalArgumentException malformed) {
            return new InclusionCheck(false, expectedRoot, Optional.empty(), Optional.of(malformed.getMessage()));
        }
    }

    /** One line for people: "verified" or what failed, with both roots in hex. */
    public String describe() {
        HexFormat hex = HexFormat.of();
        if (valid) {
            return "verified against root " + hex.formatHex(expectedRoot);
        }
        return problem.orElse("not verified") + ": expected root "
                + (expectedRoot == null ? "(none)" : hex.formatHex(expectedRoot))
                + computedRoot.map(r -> ", computed root " + hex.formatHex(r)).orElse("");
    }
}
