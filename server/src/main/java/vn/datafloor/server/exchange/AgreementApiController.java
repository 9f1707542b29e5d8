package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;

/**
 * Agreement documents for both parties (and the operator and auditors): the exact JSON that was
 * hashed onto the ledger, the same agreement as HTML or PDF in Vietnamese or English, and its
 * verification, of the platform's copy or of a copy someone holds.
 */
@RestController
@Permit(Action.VIEW_CONTRACTS)
@Tag(name = "Exchange: agreements", description = "Agreement documents (JSON, HTML, PDF) and their verification")
class AgreementApiController {

    private final ContractService contracts;
    private final AgreementDocuments documents;
    private final AgreementVerification verification;

    AgreementApiController(
            ContractService contracts, AgreementDocuments documents, AgreementVerification verification) {
        this.contracts = contracts;
        this.documents = documents;
        this.verification = verification;
    }

    @GetMapping("/api/exchange/agreements/{id}/document.json")
    @Operation(summary = "The agreement document, byte for byte what was hashed (SHA-256 on the ledger)")
    ResponseEntity<byte[]> json(Actor actor, @PathVariable long id) {
        ContractService.AgreementDocument agreement = contracts.agreement(actor, id);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, attachment("agreement-" + id + ".json"))
                // The ETag is the document's hash, which any holder can recompute.
                .eTag("\"" + agreement.hash() + "\"")
                .body(agreement.document().getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping("/api/exchange/agreements/{id}/document.html")
    @Operation(summary = "The agreement as a standalone HTML page, in Vietnamese (lang=vi, default) or English")
    ResponseEntity<String> html(Actor actor, @PathVariable long id, @RequestParam(defaultValue = "vi") String lang) {
        String page = documents.html(actor, id, AgreementDocuments.locale(lang));
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                .header("Content-Security-Policy", AgreementDocuments.CONTENT_SECURITY_POLICY)
                .body(page);
    }

    @GetMapping("/api/exchange/agreements/{id}/document.pdf")
    @Operation(summary = "The agreement as PDF (fonts embedded), in Vietnamese (lang=vi, default) or English")
    ResponseEntity<byte[]> pdf(Actor actor, @PathVariable long id, @RequestParam(defaultValue = "vi") String lang) {
        java.util.Locale locale = AgreementDocuments.locale(lang);
        byte[] pdf = documents.pdf(actor, id, locale);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        attachment("agreement-" + id + "-" + locale.getLanguage() + ".pdf"))
                .body(pdf);
    }

    @GetMapping("/api/exchange/agreements/{id}/verification")
    @Operation(
            summary = "Verify the platform's copy: its SHA-256 against the stored hash, the CONTRACT_AGREED ledger "
                    + "entry and that entry's inclusion proof")
    AgreementVerification.Verification verify(Actor actor, @PathVariable long id) {
        return verification.ofContract(actor, id);
    }

    @PostMapping("/api/exchange/agreements/verification")
    @Operation(summary = "Verify a copy you hold (multipart file 'document', the JSON as downloaded)")
    AgreementVerification.Verification verifyCopy(Actor actor, @RequestParam("document") MultipartFile document) {
        return verification.ofUpload(actor, read(document));
    }

    /** At most one byte more than an agreement may have, so a huge upload is refused without reading it all. */
    static byte[] read(MultipartFile file) {
        if (file.getSize() > AgreementVerification.MAX_UPLOAD_BYTES) {
            throw ProblemException.badRequest(
                    "agreement.tooLarge",
                    "An agreement document is at most 1 MB; this is not one",
                    AgreementVerification.MAX_UPLOAD_BYTES);
        }
        try (InputStream in = file.getInputStream()) {
            return in.readNBytes(AgreementVerification.MAX_UPLOAD_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String attachment(String name) {
        return ContentDisposition.attachment().filename(name).build().toString();
    }
}
