package vn.datafloor.server.audit;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Base64;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;

/**
 * The public face of the ledger, at stable paths outside verifiers rely on. No login: the log is
 * public, and entries hold no personal data in clear.
 */
@RestController
@Permit(Action.VIEW_PUBLIC)
@Tag(name = "Ledger", description = "Public, verifiable audit log (RFC 9162, C2SP signed checkpoints)")
class LedgerController {

    private final LedgerService ledger;

    LedgerController(LedgerService ledger) {
        this.ledger = ledger;
    }

    @Operation(summary = "Latest signed checkpoint (C2SP tlog-checkpoint signed note)")
    @GetMapping(value = "/ledger/checkpoint", produces = "text/plain;charset=UTF-8")
    ResponseEntity<String> checkpoint() {
        SignedCheckpoint checkpoint = ledger.latestCheckpoint().orElseGet(ledger::publishCheckpoint);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noCache())
                .contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
                .body(checkpoint.note());
    }

    @Operation(summary = "Verifier key in signed-note vkey form: name+keyID+base64(alg‖key)")
    @GetMapping(value = "/ledger/public-key", produces = "text/plain;charset=UTF-8")
    String publicKey() {
        return ledger.verifierKey() + "\n";
    }

    @Operation(summary = "Inclusion proof of entry `index` in the tree of `size` entries (RFC 9162 §2.1.3)")
    @GetMapping("/ledger/proof/inclusion")
    InclusionProof inclusion(@RequestParam long index, @RequestParam long size) {
        if (size < 1 || size > ledger.size() || index < 0 || index >= size) {
            throw ProblemException.badRequest(
                    "ledger.proof.range", "Need 0 <= index < size <= " + ledger.size(), ledger.size());
        }
        return new InclusionProof(index, size, base64(ledger.inclusionProof(index, size)));
    }

    @Operation(summary = "Consistency proof between tree sizes `from` and `to` (RFC 9162 §2.1.4)")
    @GetMapping("/ledger/proof/consistency")
    ConsistencyProof consistency(@RequestParam long from, @RequestParam long to) {
        if (from < 1 || to > ledger.size() || from > to) {
            throw ProblemException.badRequest(
                    "ledger.proof.range", "Need 1 <= from <= to <= " + ledger.size(), ledger.size());
        }
        return new ConsistencyProof(from, to, base64(ledger.consistencyProof(from, to)));
    }

    @Operation(summary = "The entry's exact bytes (hash them with 0x00 prefix to get the leaf hash)")
    @GetMapping(value = "/ledger/entries/{index}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> entry(@PathVariable long index) {
        if (index < 0 || index >= ledger.size()) {
            throw ProblemException.notFound("No ledger entry " + index);
        }
        return ResponseEntity.ok()
                .cacheControl(
                        CacheControl.maxAge(java.time.Duration.ofDays(365)).immutable())
                .contentType(MediaType.APPLICATION_JSON)
                .body(ledger.entry(index));
    }

    @Operation(
            summary = "The tree's size now, and its root hash at `size` (the current size if absent), RFC 9162 §2.1.1")
    @GetMapping("/ledger/tree")
    TreeHead tree(@RequestParam(required = false) Long size) {
        long current = ledger.size();
        long at = size == null ? current : size;
        if (at < 0 || at > current) {
            throw ProblemException.badRequest("ledger.proof.range", "Need 0 <= size <= " + current, current);
        }
        return new TreeHead(at, Base64.getEncoder().encodeToString(ledger.rootHash(at)));
    }

    record TreeHead(long size, String rootHash) {}

    record InclusionProof(long index, long size, List<String> hashes) {}

    record ConsistencyProof(long from, long to, List<String> hashes) {}

    private static List<String> base64(List<byte[]> hashes) {
        return hashes.stream().map(Base64.getEncoder()::encodeToString).toList();
    }
}
