package vn.datafloor.server.privacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** The citizen's own data over HTTP: who saw it (with proofs) and what the agencies hold. */
@RestController
@Tag(name = "Citizen", description = "A data subject's accesses, their ledger proofs and the data held about them")
class CitizenApiController {

    private final CitizenHome home;

    CitizenApiController(CitizenHome home) {
        this.home = home;
    }

    @Operation(summary = "Who accessed my data: accesses that touched me, newest first")
    @GetMapping("/api/me/accesses")
    @Permit(Action.VIEW_OWN_ACCESSES)
    CitizenHome.AccessPage accesses(
            Actor actor, @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        return home.accesses(actor, page, size);
    }

    @Operation(
            summary = "The proof that an access to my data is on the ledger and names me",
            description = "Ledger entry, signed checkpoint, inclusion proof and the opening of the entry's "
                    + "commitment to its data subjects for me; see docs/citizen.md to check it offline")
    @GetMapping(value = "/api/me/accesses/{id}/proof", produces = MediaType.APPLICATION_JSON_VALUE)
    @Permit(Action.VIEW_OWN_ACCESSES)
    ResponseEntity<String> proof(Actor actor, @PathVariable long id) {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"access-proof-" + id + ".json\"")
                .body(home.proof(actor, id).toJson());
    }

    @Operation(summary = "The data the register holds about me, each value with the agency it came from")
    @GetMapping("/api/me/data")
    @Permit(Action.VIEW_OWN_DATA)
    List<CitizenHome.HeldData> data(Actor actor) {
        return home.data(actor);
    }
}
