package vn.datafloor.server.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.ledger.VerificationReport;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/** Audit search and ledger operations for auditors and the operator. */
@RestController
@Tag(name = "Audit", description = "Search security events; publish and verify ledger checkpoints")
class AuditApiController {

    private final AuditQueries queries;
    private final AuditLog audit;
    private final LedgerService ledger;
    private final AuditExports exports;

    AuditApiController(AuditQueries queries, AuditLog audit, LedgerService ledger, AuditExports exports) {
        this.queries = queries;
        this.audit = audit;
        this.ledger = ledger;
        this.exports = exports;
    }

    record EventView(
            long ledgerIndex,
            String type,
            Instant occurredAt,
            Long actorUserId,
            Long orgId,
            String outcome,
            String summary,
            ProofStatus proof) {}

    @Operation(summary = "Search audit events, newest first, each with its inclusion proof status")
    @GetMapping("/api/audit/events")
    @Permit(Action.VIEW_AUDIT)
    List<EventView> events(
            @RequestParam(required = false) String type,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(required = false) Long orgId,
            @RequestParam(required = false) Long actorUserId,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        return queries.search(type, from, to, orgId, actorUserId, limit, offset).stream()
                .map(r -> new EventView(
                        r.ledgerIndex(),
                        r.type(),
                        r.occurredAt(),
                        r.actorUserId(),
                        r.orgId(),
                        r.outcome(),
                        r.summary(),
                        queries.proofStatus(r.ledgerIndex())))
                .toList();
    }

    record EventDetail(
            long ledgerIndex, String entry, ProofStatus proof, List<AuditQueries.OpenedCommitment> commitments) {}

    @Operation(summary = "One event: the exact ledger entry, its proof status and the opened commitments")
    @GetMapping("/api/audit/events/{index}")
    @Permit(Action.VIEW_AUDIT)
    EventDetail event(@PathVariable long index) {
        if (index < 0 || index >= ledger.size()) {
            throw ProblemException.notFound("No ledger entry " + index);
        }
        return new EventDetail(
                index, queries.entryText(index), queries.proofStatus(index), queries.openCommitments(index));
    }

    @Operation(
            summary = "Export audit events with their inclusion proofs and the signed checkpoint they lead to "
                    + "(JSON or CSV; check offline with ./datafloor audit verify-export)")
    @GetMapping("/api/audit/export")
    @Permit(Action.VIEW_AUDIT)
    org.springframework.http.ResponseEntity<String> export(
            Actor actor,
            @RequestParam(defaultValue = "json") String format,
            @RequestParam(required = false) String type,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to) {
        boolean csv = switch (format) {
            case "json" -> false;
            case "csv" -> true;
            default -> throw ProblemException.badRequest("audit.export.format.invalid", "Format: json or csv");
        };
        AuditExport export = exports.export(actor, from, to, type, format);
        String name = "audit-export-" + export.exportedAt().toString().replace(":", "") + (csv ? ".csv" : ".json");
        return org.springframework.http.ResponseEntity.ok()
                .header(
                        org.springframework.http.HttpHeaders.CONTENT_DISPOSITION,
                        org.springframework.http.ContentDisposition.attachment()
                                .filename(name)
                                .build()
                                .toString())
                .contentType(
                        csv
                                ? new org.springframework.http.MediaType(
                                        "text", "csv", java.nio.charset.StandardCharsets.UTF_8)
                                : org.springframework.http.MediaType.APPLICATION_JSON)
                .body(csv ? export.toCsv() : export.toJson());
    }

    record CheckpointView(String origin, long size, String rootHash, String note) {
        static CheckpointView of(SignedCheckpoint c) {
            return new CheckpointView(
                    c.checkpoint().origin(),
                    c.checkpoint().size(),
                    java.util.Base64.getEncoder().encodeToString(c.checkpoint().rootHash()),
                    c.note());
        }
    }

    @Operation(summary = "Sign and publish a checkpoint of the current tree now")
    @PostMapping("/api/ledger/checkpoints")
    @Permit(Action.PUBLISH_CHECKPOINT)
    CheckpointView publish(Actor actor, HttpServletRequest request) {
        SignedCheckpoint checkpoint = ledger.publishCheckpoint();
        audit.record(new AuditEvent(
                EventType.CHECKPOINT_PUBLISHED,
                actor.userId(),
                actor.username(),
                actor.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.of(request),
                "checkpoint at size " + checkpoint.checkpoint().size(),
                Map.of("size", Long.toString(checkpoint.checkpoint().size()))));
        return CheckpointView.of(checkpoint);
    }

    @Operation(summary = "Recompute the whole ledger from its files and report the first problem")
    @PostMapping("/api/ledger/verify")
    @Permit(Action.VIEW_AUDIT)
    VerificationReport verify(Actor actor, HttpServletRequest request) {
        VerificationReport report = ledger.verifyAll();
        audit.record(new AuditEvent(
                EventType.LEDGER_VERIFIED,
                actor.userId(),
                actor.username(),
                actor.orgId(),
                report.ok() ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE,
                ClientAddress.of(request),
                report.ok() ? "ledger verified: " + report.entriesChecked() + " entries" : "ledger verification failed",
                Map.of("entries", Long.toString(report.entriesChecked()), "ok", Boolean.toString(report.ok()))));
        return report;
    }
}
