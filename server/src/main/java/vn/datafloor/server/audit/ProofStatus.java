package vn.datafloor.server.audit;

/** Whether an event's inclusion in the latest signed checkpoint was verified. */
public enum ProofStatus {
    /** The inclusion proof checks out against the latest signed checkpoint. */
    VERIFIED,
    /** Appended after the latest checkpoint; it will be covered by the next one. */
    PENDING,
    /** The proof does not check out: the ledger or the index was tampered with. */
    FAILED
}
