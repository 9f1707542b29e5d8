package vn.datafloor.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import vn.datafloor.ledger.Checkpoint;
import vn.datafloor.ledger.LedgerSummary;

/**
 * {@code ./datafloor status}: is the server up, where is its data, how big is the ledger and when
 * was it last signed. It only reads: the ledger's files are summarized without opening the ledger
 * (a running server holds it), and the server is asked for its public health check.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Whether the server answers, the data directory, the ledger's size and its last checkpoint.",
            "Reads only; safe while the server runs. Exit code 0 when the server answers UP, 3 when it"
                    + " does not, 2 when the data directory is missing.",
            "Example: ./datafloor status --data ./data --url http://localhost:8080"
        })
class StatusCommand implements Callable<Integer> {

    static final int NOT_RUNNING = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "./data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--url",
            defaultValue = "http://localhost:8080",
            description = "The server's address (default: ${DEFAULT-VALUE}).")
    URI url;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean up = serverAnswers(out);
        Path dir = data.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            err.println("No data directory at " + dir + ": give the server's with --data.");
            return 2;
        }
        FileStore store = Files.getFileStore(dir);
        out.printf(
                Locale.ROOT,
                "data:      %s (%s free of %s)%n",
                dir,
                bytes(store.getUsableSpace()),
                bytes(store.getTotalSpace()));
        for (String part : new String[] {"db", "lake", "ledger", "inbox"}) {
            Path path = dir.resolve(part);
            if (Files.isDirectory(path)) {
                out.printf(Locale.ROOT, "  %-7s  %s%n", part + "/", bytes(size(path)));
            }
        }
        LedgerSummary ledger = LedgerSummary.read(dir.resolve("ledger"));
        out.printf(Locale.ROOT, "ledger:    %,d entries, %s%n", ledger.entries(), bytes(ledger.entryBytes()));
        if (ledger.latestCheckpoint().isPresent()) {
            Checkpoint checkpoint = ledger.latestCheckpoint().get();
            Instant written = ledger.checkpointWritten().orElseThrow();
            out.printf(
                    Locale.ROOT,
                    "checkpoint: tree size %,d, origin %s, written %s; %,d entries since%n",
                    checkpoint.size(),
                    checkpoint.origin(),
                    written,
                    Math.max(0, ledger.entries() - checkpoint.size()));
        } else {
            out.println("checkpoint: none signed yet");
        }
        return up ? 0 : NOT_RUNNING;
    }

    private boolean serverAnswers(PrintWriter out) {
        URI health = url.resolve("/actuator/health");
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(health)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean up = response.statusCode() == 200 && response.body().contains("\"UP\"");
            out.printf(
                    Locale.ROOT,
                    "server:    %s at %s (health %d)%n",
                    up ? "up" : "answering but not healthy",
                    url,
                    response.statusCode());
            return up;
        } catch (IOException e) {
            out.printf(Locale.ROOT, "server:    not answering at %s%n", url);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (java.nio.file.NoSuchFileException gone) {
                            return 0; // a run's scratch file deleted while we walked: the server is working
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
