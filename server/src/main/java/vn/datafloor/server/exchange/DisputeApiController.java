package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;

/** Disputes over contracts: opening, answering, the operator's mediation and decision, evidence files. */
@RestController
@Tag(name = "Exchange: disputes", description = "Disputes with the operator's mediation, decisions and refunds")
class DisputeApiController {

    private final DisputeService disputes;

    DisputeApiController(DisputeService disputes) {
        this.disputes = disputes;
    }

    /** A claim or response sent as JSON; files go with the multipart form of the same endpoint. */
    record Submission(String text, Long amountClaimed, List<Long> ledgerEntries, List<Long> usageRecords) {}

    @PostMapping(value = "/api/exchange/contracts/{id}/disputes", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Permit(Action.OPEN_DISPUTES)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Open a dispute on your organisation's contract (claim, amount, ledger and usage evidence)")
    DisputeService.Dispute open(Actor actor, @PathVariable long id, @RequestBody Submission claim) {
        return disputes.open(
                actor,
                id,
                new DisputeService.Submission(
                        claim.text(), claim.amountClaimed(), claim.ledgerEntries(), claim.usageRecords(), List.of()));
    }

    @PostMapping(value = "/api/exchange/contracts/{id}/disputes", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Permit(Action.OPEN_DISPUTES)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Open a dispute with up to 5 evidence files of at most 5 MB each (multipart)")
    DisputeService.Dispute openWithFiles(
            Actor actor,
            @PathVariable long id,
            @RequestParam("text") String text,
            @RequestParam(value = "amountClaimed", required = false) Long amount,
            @RequestParam(value = "ledgerEntries", required = false) List<Long> ledgerEntries,
            @RequestParam(value = "usageRecords", required = false) List<Long> usageRecords,
            @RequestParam(value = "files", required = false) List<MultipartFile> files) {
        return disputes.open(
                actor, id, new DisputeService.Submission(text, amount, ledgerEntries, usageRecords, uploads(files)));
    }

    @GetMapping("/api/exchange/disputes")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "Your organisation's disputes (the operator and auditors: all), overdue first")
    List<DisputeService.Dispute> list(Actor actor) {
        return disputes.list(actor);
    }

    @GetMapping("/api/exchange/disputes/{id}")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "A dispute with its evidence, files, messages and outcome")
    DisputeService.Detail dispute(Actor actor, @PathVariable long id) {
        return disputes.detail(actor, id);
    }

    @PostMapping(value = "/api/exchange/disputes/{id}/responses", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Permit(Action.OPEN_DISPUTES)
    @Operation(summary = "The other party answers the dispute before the response deadline")
    DisputeService.Dispute respond(Actor actor, @PathVariable long id, @RequestBody Submission answer) {
        return disputes.respond(
                actor,
                id,
                new DisputeService.Submission(
                        answer.text(), null, answer.ledgerEntries(), answer.usageRecords(), List.of()));
    }

    @PostMapping(value = "/api/exchange/disputes/{id}/responses", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Permit(Action.OPEN_DISPUTES)
    @Operation(summary = "The other party answers with evidence files (multipart)")
    DisputeService.Dispute respondWithFiles(
            Actor actor,
            @PathVariable long id,
            @RequestParam("text") String text,
            @RequestParam(value = "ledgerEntries", required = false) List<Long> ledgerEntries,
            @RequestParam(value = "usageRecords", required = false) List<Long> usageRecords,
            @RequestParam(value = "files", required = false) List<MultipartFile> files) {
        return disputes.respond(
                actor, id, new DisputeService.Submission(text, null, ledgerEntries, usageRecords, uploads(files)));
    }

    record Note(String text) {}

    @PostMapping("/api/exchange/disputes/{id}/messages")
    @Permit(Action.MEDIATE_DISPUTES)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "The operator's note or message to both parties")
    DisputeService.Message message(Actor actor, @PathVariable long id, @RequestBody Note note) {
        return disputes.message(actor, id, note.text());
    }

    @PostMapping("/api/exchange/disputes/{id}/decision")
    @Permit(Action.MEDIATE_DISPUTES)
    @Operation(
            summary = "The operator decides: DISMISSED, PARTIAL_REFUND, FULL_REFUND or TERMINATE (with an optional "
                    + "refund); the same decision sent again changes nothing")
    DisputeService.Dispute decide(Actor actor, @PathVariable long id, @RequestBody DisputeService.Decision decision) {
        return disputes.decide(actor, id, decision);
    }

    @GetMapping("/api/exchange/disputes/{id}/files/{fileId}")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "An evidence file, as an attachment (the parties, the operator and auditors)")
    ResponseEntity<byte[]> file(Actor actor, @PathVariable long id, @PathVariable long fileId) {
        return attachment(disputes.file(actor, id, fileId));
    }

    /** Always an attachment, never shown inline: the bytes come from a party and are not trusted. */
    static ResponseEntity<byte[]> attachment(DisputeService.FileContent content) {
        return ResponseEntity.ok()
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(content.file().fileName(), java.nio.charset.StandardCharsets.UTF_8)
                                .build()
                                .toString())
                .header("X-Content-Type-Options", "nosniff")
                // the hash recorded at upload, hex-encoded, so a downloader can check what it received
                .header("X-Content-SHA256", content.file().sha256())
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(content.bytes());
    }

    static List<DisputeService.Upload> uploads(List<MultipartFile> files) {
        List<DisputeService.Upload> uploads = new ArrayList<>();
        if (files == null) {
            return uploads;
        }
        for (MultipartFile file : files) {
            if (file == null || file.isEmpty()) {
                continue;
            }
            if (file.getSize() > DisputeService.MAX_FILE_BYTES) {
                // refused before the bytes are read into memory
                throw ProblemException.badRequest(
                        "dispute.fileTooLarge",
                        "A file has at most 5 MB",
                        DisputeService.displayName(file.getOriginalFilename()));
            }
            try {
                uploads.add(
                        new DisputeService.Upload(file.getOriginalFilename(), file.getContentType(), file.getBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (uploads.size() > DisputeService.MAX_FILES) {
            throw ProblemException.badRequest(
                    "dispute.tooManyFiles",
                    "Attach at most " + DisputeService.MAX_FILES + " files",
                    DisputeService.MAX_FILES);
        }
        return uploads;
    }
}
