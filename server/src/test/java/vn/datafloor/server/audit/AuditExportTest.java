package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import picocli.CommandLine;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.cli.DatafloorCli;

class AuditExportTest extends PlatformTest {

    @Autowired
    LedgerService ledger;

    @Autowired
    AuditLog auditLog;

    @Autowired
    AuditQueries queries;

    @TempDir
    Path dir;

    private AuditExport download(MockHttpSession session, String query) throws Exception {
        MvcResult result =
                mvc.perform(get("/api/audit/export?" + query).session(session)).andReturn();
        assertThat(result.getResponse().getStatus())
                .as(result.getResponse().getContentAsString())
                .isEqualTo(200);
        assertThat(result.getResponse().getHeader("Content-Disposition")).startsWith("attachment");
        return AuditExport.parse(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    private AuditExport freshExport(MockHttpSession session, String query) throws Exception {
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        ledger.publishCheckpoint();
        return download(session, query);
    }

    /** Runs the CLI and returns its exit code; {@code out} collects what it printed. */
    private static int cli(StringWriter out, String... args) {
        CommandLine command = DatafloorCli.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(out, true));
        return command.execute(args);
    }

    @Test
    void anAuditorsExportVerifiesOfflineAndATamperedEventDoesNot() throws Exception {
        MockHttpSession auditor = login("kiemtoan");
        AuditExport export = freshExport(auditor, "format=json");
        assertThat(export.events()).isNotEmpty();
        assertThat(export.events())
                .allSatisfy(e -> assertThat(e.inclusionProof()).isNotNull());
        long size = vn.datafloor.ledger.Checkpoint.parse(export.checkpoint()).size();
        assertThat(export.events()).allSatisfy(e -> assertThat(e.ledgerIndex()).isLessThan(size));
        String key = ledger.verifierKey();
        assertThat(export.verify(key).ok()).isTrue();
        assertThat(export.verify(key).eventsChecked()).isEqualTo(export.events().size());

        // One entry changed (the outcome of a login written differently): that event fails, the others stand.
        int victim = export.events().size() / 2;
        AuditExport.Event original = export.events().get(victim);
        AuditExport.Event forged = new AuditExport.Event(
                original.ledgerIndex(),
                original.type(),
                original.occurredAt(),
                original.outcome(),
                original.summary(),
                original.entry()
                        .replace(
                                "\"outcome\":\"" + original.outcome() + "\"",
                                "\"outcome\":\"" + ("SUCCESS".equals(original.outcome()) ? "FAILURE" : "SUCCESS")
                                        + "\""),
                original.inclusionProof());
        assertThat(forged.entry()).isNotEqualTo(original.entry());
        AuditExport tampered = withEvent(export, victim, forged);
        AuditExport.Verification check = tampered.verify(key);
        assertThat(check.ok()).isFalse();
        assertThat(check.failures())
                .extracting(AuditExport.Failure::ledgerIndex)
                .containsExactly(original.ledgerIndex());

        // The readable columns beside the entry must be the entry's own.
        AuditExport relabelled = withEvent(
                export,
                victim,
                new AuditExport.Event(
                        original.ledgerIndex(),
                        "LOGIN_FAILED".equals(original.type()) ? "LOGIN_SUCCEEDED" : "LOGIN_FAILED",
                        original.occurredAt(),
                        original.outcome(),
                        original.summary(),
                        original.entry(),
                        original.inclusionProof()));
        assertThat(relabelled.verify(key).failures()).hasSize(1);
        // An event moved to another index no longer proves.
        AuditExport moved = withEvent(
                export,
                victim,
                new AuditExport.Event(
                        original.ledgerIndex() == 0 ? 1 : original.ledgerIndex() - 1,
                        original.type(),
                        original.occurredAt(),
                        original.outcome(),
                        original.summary(),
                        original.entry(),
                        original.inclusionProof()));
        assertThat(moved.verify(key).ok()).isFalse();
        // Another key did not sign the checkpoint.
        String otherKey = vn.datafloor.ledger.NoteSigner.loadOrCreate(dir.resolve("other.key"), "datafloor.local")
                .verifierKey();
        assertThat(export.verify(otherKey).checkpointValid()).isFalse();

        // The CLI: 0 for the export, 3 for the tampered one, 2 for what is no export at all.
        Path good = dir.resolve("export.json");
        Files.writeString(good, export.toJson());
        Path bad = dir.resolve("tampered.json");
        Files.writeString(bad, tampered.toJson());
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"not\": \"an export\"");
        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify-export", good.toString(), "--public-key", key))
                .as(out.toString())
                .isZero();
        assertThat(out.toString()).contains("VERIFIED").contains("signature verified");
        out = new StringWriter();
        assertThat(cli(out, "audit", "verify-export", bad.toString(), "--public-key", key))
                .isEqualTo(3);
        assertThat(out.toString()).contains("FAILED").contains("entry " + original.ledgerIndex());
        out = new StringWriter();
        assertThat(cli(out, "audit", "verify-export", good.toString(), "--public-key", otherKey))
                .isEqualTo(3);
        assertThat(cli(new StringWriter(), "audit", "verify-export", garbage.toString(), "--public-key", key))
                .isEqualTo(2);
        assertThat(cli(
                        new StringWriter(),
                        "audit",
                        "verify-export",
                        dir.resolve("missing.json").toString()))
                .isEqualTo(2);
        Path binary = dir.resolve("binary.csv");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThat(cli(new StringWriter(), "audit", "verify-export", binary.toString(), "--public-key", key))
                .isEqualTo(2);
    }

    @Test
    void theCsvExportCarriesTheSameProofsAndTheFilterSelects() throws Exception {
        MockHttpSession operator = login("admin");
        freshExport(operator, "format=json");
        MvcResult result = mvc.perform(
                        get("/api/audit/export?format=csv&type=LOGIN_SUCCEEDED").session(operator))
                .andReturn();
        assertThat(result.getResponse().getContentType()).startsWith("text/csv");
        String csv = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        AuditExport export = AuditExport.parse(csv);
        assertThat(export.events())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.type()).isEqualTo("LOGIN_SUCCEEDED"));
        assertThat(export.verify(ledger.verifierKey()).ok()).isTrue();
        Path file = dir.resolve("export.csv");
        Files.writeString(file, csv);
        StringWriter out = new StringWriter();
        assertThat(cli(out, "audit", "verify-export", file.toString(), "--public-key", ledger.verifierKey()))
                .as(out.toString())
                .isZero();
        // A changed summary is not on the ledger (the docs say so); a changed entry is caught.
        String forged = csv.replaceFirst(
                java.util.regex.Pattern.quote("\"\"type\"\":\"\"LOGIN_SUCCEEDED\"\""), "\"\"type\"\":\"\"LOGOUT\"\"");
        assertThat(forged).isNotEqualTo(csv);
        Files.writeString(file, forged);
        assertThat(cli(
                        new StringWriter(),
                        "audit",
                        "verify-export",
                        file.toString(),
                        "--public-key",
                        ledger.verifierKey()))
                .isEqualTo(3);

        // A time range: nothing before the platform started, everything it holds after.
        Instant future = clock.instant().plus(Duration.ofDays(1));
        AuditExport none = download(operator, "format=json&from=" + future + "&to=" + future.plusSeconds(60));
        assertThat(none.events()).isEmpty();
        assertThat(none.from()).isEqualTo(future);
        // Bad filters are refused with a clear problem.
        assertThat(mvc.perform(get("/api/audit/export?format=xml").session(operator))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
        assertThat(mvc.perform(get("/api/audit/export?type=NO_SUCH_TYPE").session(operator))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
        // Each export is itself on the ledger.
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        assertThat(queries.search("AUDIT_EXPORTED", null, null, null, null, 10, 0))
                .isNotEmpty();
    }

    @Test
    void thePageFormDownloadsWholeDays() throws Exception {
        MockHttpSession auditor = login("kiemtoan");
        assertThat(mvc.perform(get("/audit").session(auditor))
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .contains("id=\"audit-export\"");
        MvcResult result = mvc.perform(get("/audit/export?format=csv&from=2020-01-01&to=2020-01-02")
                        .session(auditor))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        AuditExport export = AuditExport.parse(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
        assertThat(export.events()).isEmpty();
    }

    private static AuditExport withEvent(AuditExport export, int at, AuditExport.Event event) {
        List<AuditExport.Event> events = new ArrayList<>(export.events());
        events.set(at, event);
        return new AuditExport(
                export.format(),
                export.exportedAt(),
                export.checkpoint(),
                export.verifierKey(),
                export.from(),
                export.to(),
                export.type(),
                export.awaitingCheckpoint(),
                events);
    }
}
