package vn.datafloor.server.cli;

import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import vn.datafloor.server.audit.AuditExport;

/** Offline tools for auditors: they need the files and the ledger's public key, not the server. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Check audit exports offline.",
        subcommands = {AuditCommands.VerifyExport.class})
class AuditCommands implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "verify-export",
            mixinStandardHelpOptions = true,
            description = {
                "Check an audit export (JSON or CSV, from the audit page or GET /api/audit/export): the checkpoint's"
                        + " signature, each event's inclusion proof against it, and that each event's type, time and"
                        + " outcome are its ledger entry's.",
                "Exit code 0 when everything verifies, 3 when something does not, 2 when the file cannot be read as"
                        + " an export.",
                "Example: ./datafloor audit verify-export audit-export.json --public-key \"$(cat ledger.vkey)\""
            })
    static class VerifyExport implements Callable<Integer> {

        static final int FAILED = 3;
        static final int INVALID_INPUT = 2;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The export: .json or .csv.")
        Path file;

        @Option(
                names = {"--public-key", "--verifier-key"},
                paramLabel = "KEY",
                description = "The ledger's verifier key (name+keyID+base64, from /ledger/public-key, better obtained"
                        + " out of band). Default: from ./data/keys when it is there, else the key written in the"
                        + " file (which shows the export is consistent, not who signed it).")
        String key;

        @Option(
                names = "--data",
                defaultValue = "./data",
                description =
                        "Data directory whose keys/ holds the platform's signing key (default: ${DEFAULT-VALUE}).")
        Path data;

        @Option(names = "--quiet", description = "Print only the summary line and the failures.")
        boolean quiet;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            AuditExport export;
            try {
                if (!Files.isRegularFile(file)) {
                    err.println("No file at " + file.toAbsolutePath().normalize() + ".");
                    return INVALID_INPUT;
                }
                if (Files.size(file) > AuditExport.MAX_FILE_BYTES) {
                    err.println("The file is larger than " + AuditExport.MAX_FILE_BYTES / (1024 * 1024)
                            + " MiB: export a shorter period.");
                    return INVALID_INPUT;
                }
                String text = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                        .toString();
                export = AuditExport.parse(text);
            } catch (CharacterCodingException e) {
                err.println("The file is not UTF-8 text: not an audit export.");
                return INVALID_INPUT;
            } catch (RuntimeException e) {
                // The parser's message names the problem (a column, a field), never the file's content.
                err.println("Not a readable audit export (" + AuditExport.FORMAT + "): " + firstLine(e.getMessage()));
                return INVALID_INPUT;
            }
            Optional<String> trusted =
                    Optional.ofNullable(key).map(String::strip).or(() -> platformKey(data));
            String vkey;
            if (trusted.isPresent()) {
                vkey = trusted.get();
            } else if (export.verifierKey() != null && !export.verifierKey().isBlank()) {
                out.println("No --public-key given or found: using the key written in the export, which shows the"
                        + " export is consistent but not that the platform signed it.");
                vkey = export.verifierKey();
            } else {
                err.println("No verifier key: give one with --public-key.");
                return INVALID_INPUT;
            }
            if (export.events().isEmpty()) {
                out.println("The export holds no events: nothing to verify.");
                return 0;
            }
            AuditExport.Verification check = export.verify(vkey);
            if (!check.checkpointValid()) {
                out.println("FAILED: the checkpoint is malformed or not signed by " + vkey);
                return FAILED;
            }
            if (!quiet) {
                out.printf("checkpoint: tree size %,d, signature verified%n", check.checkpointSize());
                long first = export.events().stream()
                        .mapToLong(AuditExport.Event::ledgerIndex)
                        .min()
                        .orElse(0);
                long last = export.events().stream()
                        .mapToLong(AuditExport.Event::ledgerIndex)
                        .max()
                        .orElse(0);
                out.printf("events:     %,d (ledger entries %d to %d)%n", check.eventsChecked(), first, last);
                if (export.awaitingCheckpoint() > 0) {
                    out.printf(
                            "            %,d newer matching events were not exported: no signed checkpoint covered"
                                    + " them yet%n",
                            export.awaitingCheckpoint());
                }
            }
            for (AuditExport.Failure failure : check.failures()) {
                out.println("  entry " + failure.ledgerIndex() + ": " + failure.reason());
            }
            if (check.ok()) {
                out.printf("VERIFIED: %,d events, each proven against the signed checkpoint%n", check.eventsChecked());
                return 0;
            }
            out.printf(
                    "FAILED: %,d of %,d events do not verify%n",
                    check.failures().size(), check.eventsChecked());
            return FAILED;
        }

        private static Optional<String> platformKey(Path data) {
            try {
                return LedgerCommands.verifierKey(null, data.resolve("ledger"));
            } catch (Exception e) {
                return Optional.empty();
            }
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "malformed";
            }
            String line = message.lines().findFirst().orElse("malformed");
            return line.length() > 200 ? line.substring(0, 200) + "…" : line;
        }
    }
}
