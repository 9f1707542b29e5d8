package vn.datafloor.server.platform;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How much of a stretch of time this JVM's JIT compiler spent compiling. The benchmarks that start the
 * whole server warm it up in rounds until a round in which the compiler was nearly idle: a cold server's
 * compiler takes a large share of the two cores for a minute and more, and a figure measured then is the
 * compiler's, not the server's.
 */
public final class CompilerActivity {

    /** The compiler's share of a round, in percent, below which the server counts as warm. */
    public static final int WARM_PERCENT = 15;

    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

    private final long compiledAtStart;
    private final long startedAt;

    private CompilerActivity() {
        this.compiledAtStart = measurable() ? COMPILER.getTotalCompilationTime() : 0;
        this.startedAt = System.nanoTime();
    }

    /** Starts watching a round. */
    public static CompilerActivity watch() {
        return new CompilerActivity();
    }

    /** Whether this JVM reports how long its compiler worked. */
    public static boolean measurable() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported();
    }

    /** Milliseconds the compiler worked since the round started (summed over its threads). */
    public long compiledMillis() {
        return measurable() ? COMPILER.getTotalCompilationTime() - compiledAtStart : 0;
    }

    /**
     * Whether the compiler worked for less than {@link #WARM_PERCENT} of the round's time; always true where
     * the JVM does not report it (one round is then the whole warm-up).
     */
    public boolean quiet() {
        long elapsedMillis = Math.max(1, (System.nanoTime() - startedAt) / 1_000_000);
        return !measurable() || compiledMillis() * 100 < elapsedMillis * WARM_PERCENT;
    }
}
