package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a locked DuckDB connection may still touch once user-written SQL can reach it: the
 * directories it may read and write (a run's own scratch output), the single files it may read (a
 * previous version of the same dataset), and how long one statement may run. Everything else on
 * the machine, the network, extensions and the configuration are out of reach.
 */
public record Lockdown(List<Path> directories, List<Path> files, Duration statementTimeout) {

    public Lockdown {
        directories =
                directories.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        files = files.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        if (statementTimeout.isNegative() || statementTimeout.isZero()) {
            throw new IllegalArgumentException("statement timeout must be positive");
        }
    }

    /** Nothing outside the database itself. */
    public static Lockdown sealed(Duration statementTimeout) {
        return new Lockdown(List.of(), List.of(), statementTimeout);
    }
}
