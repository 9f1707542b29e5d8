package vn.datafloor.ledger;

import java.io.IOException;

/** Thrown instead of signing a checkpoint that would contradict one already published. */
public final class LedgerConsistencyException extends IOException {

    public LedgerConsistencyException(String message) {
        super(message);
    }
}
