package vn.datafloor.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import vn.datafloor.ledger.Ledger;
import vn.datafloor.ledger.NoteSigner;

/** {@code ./datafloor status} against a real ledger directory, with and without a server answering. */
class StatusCommandTest {

    @TempDir
    Path data;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int status(String... arguments) {
        CommandLine cli = new CommandLine(new DatafloorCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("status"));
        all.addAll(List.of(arguments));
        return cli.execute(all.toArray(String[]::new));
    }

    /** 7 entries, a checkpoint over the first 5, then 2 more; the ledger stays open, as a server holds it. */
    @Test
    void summarizesTheLedgerWhileItIsOpenAndSaysTheServerIsDown() throws Exception {
        Path ledgerDir = Files.createDirectories(data.resolve("ledger"));
        NoteSigner signer = NoteSigner.loadOrCreate(data.resolve("keys/ledger.key"), "status.test");
        try (Ledger ledger = Ledger.open(ledgerDir)) {
            for (int i = 0; i < 5; i++) {
                ledger.append(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            ledger.publishCheckpoint(signer, "status.test/ledger");
            ledger.appendAll(List.of(
                    "{\"n\":5}".getBytes(StandardCharsets.UTF_8), "{\"n\":6}".getBytes(StandardCharsets.UTF_8)));

            // Nothing listens on this port: it was free a moment ago.
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            int exit = status("--data", data.toString(), "--url", "http://127.0.0.1:" + port);

            assertThat(exit).as(err.toString()).isEqualTo(StatusCommand.NOT_RUNNING);
            assertThat(out.toString())
                    .contains("server:    not answering at http://127.0.0.1:" + port)
                    .contains("ledger:    7 entries")
                    .contains("checkpoint: tree size 5, origin status.test/ledger")
                    .contains("2 entries since")
                    .contains("ledger/");
            // Read only: the open ledger goes on as before.
            ledger.append("{\"n\":7}".getBytes(StandardCharsets.UTF_8));
            assertThat(ledger.size()).isEqualTo(8);
        }
    }

    @Test
    void aServerAnsweringUpExitsZero() throws Exception {
        Files.createDirectories(data.resolve("ledger"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/actuator/health", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(status("--data", data.toString(), "--url", url))
                    .as(err.toString())
                    .isZero();
            assertThat(out.toString())
                    .contains("server:    up at " + url)
                    .contains("ledger:    0 entries")
                    .contains("checkpoint: none signed yet");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aMissingDataDirectoryIsNamed() {
        assertThat(status("--data", data.resolve("nowhere").toString(), "--url", "http://127.0.0.1:9"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("No data directory at").contains("--data");
    }
}
