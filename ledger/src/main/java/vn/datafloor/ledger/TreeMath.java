package vn.datafloor.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 §2.1 tree definitions evaluated over stored perfect-subtree hashes. Ranges are absolute
 * leaf ranges {@code [lo, hi)}; every range the RFC recursion visits starts at a multiple of a
 * power of two that is at least its length, which is what lets {@link #rangeHash} split it into
 * stored perfect subtrees.
 */
final class TreeMath {

    private TreeMath() {}

    /** The largest power of two strictly less than n (n ≥ 2): the RFC's split point k. */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /**
     * RFC 9162 §2.1.1 MTH(D[lo:hi]): the binary decomposition of the length gives perfect subtrees
     * from left (largest) to right, and the RFC's left-heavy split means they fold right to left.
     */
    static byte[] rangeHash(PerfectHashes h, long lo, long hi) {
        if (hi <= lo) {
            return MerkleProofs.emptyRoot();
        }
        byte[][] pieces = new byte[64][];
        int count = 0;
        long pos = lo;
        long remaining = hi - lo;
        while (remaining > 0) {
            long piece = Long.highestOneBit(remaining);
            int level = Long.numberOfTrailingZeros(piece);
            pieces[count++] = h.perfect(level, pos >>> level);
            pos += piece;
            remaining -= piece;
        }
        byte[] acc = pieces[count - 1];
        for (int i = count - 2; i >= 0; i--) {
            acc = MerkleProofs.nodeHash(pieces[i], acc);
        }
        return acc;
    }

    /** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
    static List<byte[]> inclusionProof(PerfectHashes h, long index, long size) {
        List<byte[]> out = new ArrayList<>(64);
        path(h, index, 0, size, out);
        return out;
    }

    private static void path(PerfectHashes h, long m, long lo, long hi, List<byte[]> out) {
        if (hi - lo <= 1) {
            return;
        }
        long k = split(hi - lo);
        if (m < lo + k) {
            path(h, m, lo, lo + k, out);
            out.add(rangeHash(h, lo + k, hi));
        } else {
            path(h, m, lo + k, hi, out);
            out.add(rangeHash(h, lo, lo + k));
        }
    }

    /** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
    static List<byte[]> consistencyProof(PerfectHashes h, long m, long n) {
        List<byte[]> out = new ArrayList<>(64);
        if (m > 0 && m < n) {
            subproof(h, m, 0, n, true, out);
        }
        return out;
    }

    /** RFC 9162 §2.1.4.1 SUBPROOF(m, D[lo:hi], b), with m as an absolute leaf count. */
    private static void subproof(PerfectHashes h, long m, long lo, long hi, boolean b, List<byte[]> out) {
        if (m == hi) {
            // b is true only while the old tree's root is still on the path; the verifier has it.
            if (!b) {
                out.add(rangeHash(h, lo, hi));
            }
            return;
        }
        long k = split(hi - lo);
        if (m <= lo + k) {
            subproof(h, m, lo, lo + k, b, out);
            out.add(rangeHash(h, lo + k, hi));
        } else {
            subproof(h, m, lo + k, hi, false, out);
            out.add(rangeHash(h, lo, lo + k));
        }
    }
}
