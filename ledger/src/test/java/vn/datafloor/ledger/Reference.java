package vn.datafloor.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** RFC 9162 §2.1 definitions written as literally as possible, to check the optimised code against. */
final class Reference {

    private Reference() {}

    static List<byte[]> referenceLeaves() {
        List<byte[]> out = new ArrayList<>();
        for (String h : new String[] {
            "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"
        }) {
            out.add(HexFormat.of().parseHex(h));
        }
        return out;
    }

    static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(("leaf " + i).getBytes());
        }
        return out;
    }

    /** RFC 9162 §2.1.1 MTH(D[n]). */
    static byte[] mth(List<byte[]> d) {
        int n = d.size();
        if (n == 0) {
            return MerkleProofs.emptyRoot();
        }
        if (n == 1) {
            return MerkleProofs.leafHash(d.get(0));
        }
        int k = Integer.highestOneBit(n - 1);
        return MerkleProofs.nodeHash(mth(d.subList(0, k)), mth(d.subList(k, n)));
    }

    /** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
    static List<byte[]> path(int m, List<byte[]> d) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (n <= 1) {
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m < k) {
            out.addAll(path(m, d.subList(0, k)));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(path(m - k, d.subList(k, n)));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    /** RFC 9162 §2.1.4.1 PROOF(m, D[n]). */
    static List<byte[]> proof(int m, List<byte[]> d) {
        return subproof(m, d, true);
    }

    private static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
        int n = d.size();
        List<byte[]> out = new ArrayList<>();
        if (m == n) {
            if (!b) {
                out.add(mth(d));
            }
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        if (m <= k) {
            out.addAll(subproof(m, d.subList(0, k), b));
            out.add(mth(d.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, d.subList(k, n), false));
            out.add(mth(d.subList(0, k)));
        }
        return out;
    }

    /** In-memory perfect-subtree hashes for a list of leaves, computed straight from MTH. */
    static PerfectHashes perfect(List<byte[]> d) {
        Map<String, byte[]> cache = new HashMap<>();
        return (level, index) -> {
            long lo = index << level;
            long hi = lo + (1L << level);
            if (hi > d.size()) {
                throw new IllegalArgumentException(
                        "no perfect subtree " + level + "/" + index + " in " + d.size() + " leaves");
            }
            return cache.computeIfAbsent(level + "/" + index, k -> mth(d.subList((int) lo, (int) hi)));
        };
    }
}
