package vn.datafloor.synth;

/** Told how far generation has come, so a caller can draw a progress bar; called from the generating thread. */
@FunctionalInterface
public interface ProgressListener {

    /** {@code done} of {@code total} people have been written (businesses follow the last call quickly). */
    void progress(long done, long total);

    ProgressListener NONE = (done, total) -> {};
}
