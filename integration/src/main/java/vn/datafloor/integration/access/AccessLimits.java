package vn.datafloor.integration.access;

import java.time.Duration;
import java.util.Objects;

/**
 * The resources one access session may use: DuckDB's memory and threads, how long one statement
 * may run, how many rows one page or query may return, how many distinct data subjects a
 * result reports before the set is marked as capped, and how many connections serve its requests
 * side by side.
 */
public record AccessLimits(
        String memoryLimit, int threads, Duration statementTimeout, int maxRows, int maxSubjects, int connections) {

    /** Connections per session when not given: enough that a busy agreement's requests seldom queue. */
    public static final int DEFAULT_CONNECTIONS = 8;

    public AccessLimits(String memoryLimit, int threads, Duration statementTimeout, int maxRows, int maxSubjects) {
        this(memoryLimit, threads, statementTimeout, maxRows, maxSubjects, DEFAULT_CONNECTIONS);
    }

    public AccessLimits {
        Objects.requireNonNull(memoryLimit, "memoryLimit");
        if (!memoryLimit.matches("[0-9]{1,6}(\\.[0-9]+)?\\s?[KMGT]i?B")) {
            throw new IllegalArgumentException("memory limit must look like 512MB or 2GB");
        }
        if (threads < 1 || maxRows < 1 || maxSubjects < 1 || connections < 1) {
            throw new IllegalArgumentException("threads, maxRows, maxSubjects and connections must be positive");
        }
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statement timeout must be positive");
        }
    }

    public static AccessLimits defaults() {
        return new AccessLimits("1GB", 2, Duration.ofSeconds(30), 10_000, 100_000);
    }

    public AccessLimits withStatementTimeout(Duration timeout) {
        return new AccessLimits(memoryLimit, threads, timeout, maxRows, maxSubjects, connections);
    }
}
