package vn.datafloor.integration.access;

import java.time.Duration;
import java.util.Objects;

/**
 * The resources one access session may use: DuckDB's memory and threads, how long one statement
 * may run, how many rows one page or query may return, and how many distinct data subjects a
 * result reports before the set is marked as capped.
 */
public record AccessLimits(String memoryLimit, int threads, Duration statementTimeout, int maxRows, int maxSubjects) {

    public AccessLimits {
        Objects.requireNonNull(memoryLimit, "memoryLimit");
        if (!memoryLimit.matches("[0-9]{1,6}(\\.[0-9]+)?\\s?[KMGT]i?B")) {
            throw new IllegalArgumentException("memory limit must look like 512MB or 2GB");
        }
        if (threads < 1 || maxRows < 1 || maxSubjects < 1) {
            throw new IllegalArgumentException("threads, maxRows and maxSubjects must be positive");
        }
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statement timeout must be positive");
        }
    }

    public static AccessLimits defaults() {
        return new AccessLimits("1GB", 2, Duration.ofSeconds(30), 10_000, 100_000);
    }

    public AccessLimits withStatementTimeout(Duration timeout) {
        return new AccessLimits(memoryLimit, threads, timeout, maxRows, maxSubjects);
    }
}
