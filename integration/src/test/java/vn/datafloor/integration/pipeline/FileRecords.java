package vn.datafloor.integration.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import vn.datafloor.integration.lake.DatasetVersion;

/**
 * Run records and a ledger in plain files, standing in for the server's control database and ledger
 * in the crash test: one status file per run ({@code RUNNING}, {@code SUCCEEDED <dataset> <version>},
 * {@code FAILED <message>}) and one appended line per ledger entry. The crashing child writes them in
 * the server's order (version, then ledger entry, then status); the test recovers from them.
 */
class FileRecords implements RunRecovery.Records {

    private final Path runs;
    private final Path ledger;

    FileRecords(Path directory) {
        try {
            this.runs = Files.createDirectories(directory.resolve("runs"));
            this.ledger = directory.resolve("ledger.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void status(String runId, String status) {
        try {
            Path partial = runs.resolve("." + runId + ".tmp");
            Files.writeString(partial, status, StandardCharsets.UTF_8);
            Files.move(partial, runs.resolve(runId), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String status(String runId) {
        try {
            return Files.readString(runs.resolve(runId), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> runIds() {
        try (Stream<Path> files = Files.list(runs)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void append(String entry) {
        try {
            Files.writeString(
                    ledger, entry + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> ledger() {
        try {
            return Files.exists(ledger) ? Files.readAllLines(ledger, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String publishedEntry(String runId, DatasetVersion version) {
        return "DATASET_PUBLISHED " + runId + " " + version.dataset() + " " + version.version();
    }

    static String failedEntry(String runId) {
        return "PIPELINE_RUN_FAILED " + runId;
    }

    @Override
    public List<String> interrupted() {
        return runIds().stream().filter(id -> status(id).equals("RUNNING")).toList();
    }

    @Override
    public boolean publicationRecorded(String runId, DatasetVersion version) {
        return ledger().contains(publishedEntry(runId, version));
    }

    @Override
    public void recordPublication(String runId, RunRecovery.Published published) {
        append(publishedEntry(runId, published.version()));
    }

    @Override
    public void markSucceeded(String runId, RunRecovery.Published published) {
        status(
                runId,
                "SUCCEEDED " + published.version().dataset() + " "
                        + published.version().version());
    }

    @Override
    public boolean failureRecorded(String runId) {
        return ledger().contains(failedEntry(runId));
    }

    @Override
    public void recordFailure(String runId) {
        append(failedEntry(runId));
    }

    @Override
    public void markFailed(String runId, String message) {
        status(runId, "FAILED " + message);
    }
}
