package vn.datafloor.ledger;

/**
 * Source of the hashes of complete ("perfect") subtrees: the node at {@code level} and
 * {@code index} covers leaves {@code [index·2^level, (index+1)·2^level)}. Everything a proof needs
 * can be assembled from these, which is why the ledger stores them instead of rehashing the log.
 */
@FunctionalInterface
interface PerfectHashes {
    byte[] perfect(int level, long index);
}
