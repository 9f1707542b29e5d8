package vn.datafloor.ledger;

import java.util.Objects;

/** A checkpoint together with the full signed-note text that was published for it. */
public record SignedCheckpoint(Checkpoint checkpoint, String note) {

    public SignedCheckpoint {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(note, "note");
        if (!note.startsWith(checkpoint.body() + "\n")) {
            throw new IllegalArgumentException("note does not carry this checkpoint's body");
        }
    }
}
