package vn.datafloor.integration.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;

/**
 * After a crash the lake is the truth for run status. A run the records still show queued or
 * running either published a version (its manifest names the run) or published nothing; this
 * decides which and brings the records in line, in an order a second crash cannot spoil: the
 * ledger entry first, skipped when it is already there, and the run's status last. A recovery cut
 * short is simply done again, and one that finished finds nothing left to do.
 *
 * <p>It also removes what dead runs left on disk: their scratch folders (a DuckDB file with the
 * source's rows in clear), their half-written quarantine files, and the quarantine of a run that
 * published nothing. The lake's own staging folders are swept by {@link Lake#open}.
 */
public final class RunRecovery {

    /** The error a run interrupted before it published gets. */
    public static final String NOTHING_PUBLISHED =
            "Interrupted by a restart of the platform; nothing was published. Run it again.";

    private static final Pattern SAFE_RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
    private static final String QUARANTINE = "_quarantine";

    /** What recovery reads and writes besides the lake: the run records and the ledger. */
    public interface Records {
        /** Runs recorded as queued or running that no live process is executing. */
        List<String> interrupted();

        /** Whether the ledger already says that this run published {@code version}. */
        boolean publicationRecorded(String runId, DatasetVersion version);

        /** Appends the entry saying that this run published the version. */
        void recordPublication(String runId, Published published);

        /** The run succeeded with the version (and whatever follows from that: ownership, followers). */
        void markSucceeded(String runId, Published published);

        /** Whether the ledger already says that this run failed. */
        boolean failureRecorded(String runId);

        /** Appends the entry saying that this run failed. */
        void recordFailure(String runId);

        void markFailed(String runId, String message);
    }

    /**
     * A version an interrupted run published.
     *
     * @param report the version's quality report, when it has one
     * @param quarantine the run's quarantine file, when there is one
     */
    public record Published(DatasetVersion version, QualityReport report, Path quarantine) {
        public long rowsPublished() {
            return report != null ? report.rowsPublished() : version.manifest().rowCount();
        }

        public long rowsQuarantined() {
            return report != null ? report.rowsQuarantined() : 0;
        }

        public long rowsIn() {
            return report != null ? report.rowsIn() : rowsPublished();
        }
    }

    /** What a recovery did. */
    public record Outcome(List<String> succeeded, List<String> failed) {}

    private final Lake lake;

    public RunRecovery(Lake lake) {
        this.lake = lake;
    }

    /** Settles every interrupted run: succeeded with the version that names it, or failed. */
    public Outcome recover(Records records) {
        List<String> interrupted = records.interrupted();
        if (interrupted.isEmpty()) {
            return new Outcome(List.of(), List.of());
        }
        Map<String, DatasetVersion> published = versionsOf(new HashSet<>(interrupted));
        List<String> succeeded = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String runId : interrupted) {
            DatasetVersion version = published.get(runId);
            if (version != null) {
                Published p = new Published(version, qualityOf(version), quarantineOf(runId, version.dataset()));
                if (!records.publicationRecorded(runId, version)) {
                    records.recordPublication(runId, p);
                }
                records.markSucceeded(runId, p);
                succeeded.add(runId);
            } else {
                deleteQuarantineOf(runId);
                if (!records.failureRecorded(runId)) {
                    records.recordFailure(runId);
                }
                records.markFailed(runId, NOTHING_PUBLISHED);
                failed.add(runId);
            }
        }
        return new Outcome(succeeded, failed);
    }

    /**
     * Deletes the scratch folders ({@code run-<id>}) under {@code workRoot} and the half-written
     * quarantine files of every run that is not {@code live}; returns how many were deleted.
     */
    public int sweepScratch(Path workRoot, Predicate<String> live) {
        int removed = 0;
        if (Files.isDirectory(workRoot)) {
            for (Path child : list(workRoot)) {
                String name = child.getFileName().toString();
                if (name.startsWith("run-") && Files.isDirectory(child) && !live.test(name.substring(4))) {
                    deleteRecursively(child);
                    removed++;
                }
            }
        }
        for (Path directory : quarantineDirectories()) {
            for (Path file : list(directory)) {
                String name = file.getFileName().toString();
                // .<run>.<uuid>.tmp: a quarantine file being written
                if (name.startsWith(".")
                        && name.endsWith(".tmp")
                        && name.length() > 42
                        && !live.test(name.substring(1, name.length() - 41))) {
                    deleteRecursively(file);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** The versions whose manifests name one of these runs; a run publishes at most one. */
    private Map<String, DatasetVersion> versionsOf(Set<String> runIds) {
        Map<String, DatasetVersion> found = new HashMap<>();
        for (String dataset : lake.datasets()) {
            for (DatasetVersion version : lake.versions(dataset)) {
                String runId = version.manifest().runId();
                if (runId != null && runIds.contains(runId)) {
                    found.putIfAbsent(runId, version);
                }
            }
        }
        return found;
    }

    private static QualityReport qualityOf(DatasetVersion version) {
        Path file = version.directory().resolve("quality.json");
        try {
            return Files.isRegularFile(file)
                    ? QualityReports.fromJson(Files.readString(file, StandardCharsets.UTF_8))
                    : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path quarantineOf(String runId, String dataset) {
        if (!SAFE_RUN_ID.matcher(runId).matches()) {
            return null;
        }
        Path file = lake.root().resolve(QUARANTINE).resolve(dataset).resolve(runId + ".parquet");
        return Files.isRegularFile(file) ? file : null;
    }

    /** A run that published nothing keeps no quarantine: its rows were never accounted for. */
    private void deleteQuarantineOf(String runId) {
        if (!SAFE_RUN_ID.matcher(runId).matches()) {
            return;
        }
        for (Path directory : quarantineDirectories()) {
            for (Path file : list(directory)) {
                String name = file.getFileName().toString();
                if (name.equals(runId + ".parquet") || name.startsWith("." + runId + ".") && name.endsWith(".tmp")) {
                    deleteRecursively(file);
                }
            }
        }
    }

    private List<Path> quarantineDirectories() {
        Path root = lake.root().resolve(QUARANTINE);
        return Files.isDirectory(root)
                ? list(root).stream().filter(Files::isDirectory).toList()
                : List.of();
    }

    private static List<Path> list(Path directory) {
        try (Stream<Path> children = Files.list(directory)) {
            return children.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + path, e);
        }
    }
}
