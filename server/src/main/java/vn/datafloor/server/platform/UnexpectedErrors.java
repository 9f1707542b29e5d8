package vn.datafloor.server.platform;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * How an unexpected error (a 5xx) is logged, by every error handler alike: once, with its stack, under
 * a reference that the answer carries too; never the stack in the answer.
 */
public final class UnexpectedErrors {

    /** Frames kept when logging a stack overflow: past these the trace only repeats the recursion. */
    public static final int OVERFLOW_FRAMES = 40;

    private static final SecureRandom RANDOM = new SecureRandom();

    private UnexpectedErrors() {}

    /** 16 hex digits, unique enough across servers to find one request in merged logs. */
    public static String reference() {
        return String.format("%016x", RANDOM.nextLong());
    }

    /**
     * The exception as it is logged: unchanged, except that a stack overflow anywhere in its causes is
     * cut to its first {@value #OVERFLOW_FRAMES} frames, not a thousand repeats of the same recursion.
     */
    public static Throwable loggable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StackOverflowError) {
                Throwable cut = new Throwable(e.getClass().getName() + " caused by a stack overflow (first "
                        + OVERFLOW_FRAMES + " frames of the overflowing thread)");
                StackTraceElement[] frames = t.getStackTrace();
                cut.setStackTrace(Arrays.copyOf(frames, Math.min(frames.length, OVERFLOW_FRAMES)));
                return cut;
            }
        }
        return e;
    }
}
