package vn.datafloor.integration.pipeline;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lets another thread follow and stop a run: progress goes to the listener, and {@link #cancel()}
 * interrupts even a long DuckDB statement in flight.
 */
public final class RunControl {

    /** Receives progress and log lines as the run goes. */
    public interface Listener {
        void progress(String stage, int percent);

        void log(String level, String message);
    }

    private final Listener listener;
    private final AtomicReference<Statement> running = new AtomicReference<>();
    private volatile boolean cancelled;

    public RunControl(Listener listener) {
        this.listener = listener;
    }

    public static RunControl quiet() {
        return new RunControl(new Listener() {
            @Override
            public void progress(String stage, int percent) {}

            @Override
            public void log(String level, String message) {}
        });
    }

    public void cancel() {
        cancelled = true;
        Statement statement = running.get();
        if (statement != null) {
            try {
                statement.cancel();
            } catch (SQLException ignored) {
                // already finished: the flag stops the run at the next stage
            }
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Reports a stage and how far the run is (0-100); runners on other engines report through it too. */
    public void progress(String stage, int percent) {
        listener.progress(stage, percent);
    }

    public void log(String level, String message) {
        listener.log(level, message);
    }

    void running(Statement statement) {
        running.set(statement);
    }

    void checkCancelled() {
        if (cancelled) {
            throw new RunCancelledException();
        }
    }

    /** The run was stopped on request; nothing was published. */
    public static final class RunCancelledException extends RuntimeException {
        public RunCancelledException() {
            super("The run was cancelled; nothing was published");
        }
    }
}
