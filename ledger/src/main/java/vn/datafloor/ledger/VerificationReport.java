package vn.datafloor.ledger;

/**
 * Outcome of {@link LedgerVerifier#verify}: counts of what was checked and, when not ok, the first
 * problem found, naming the file and the offset or index.
 */
public record VerificationReport(boolean ok, long entriesChecked, long checkpointsChecked, String firstProblem) {}
