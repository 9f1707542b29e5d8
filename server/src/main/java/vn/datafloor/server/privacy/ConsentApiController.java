package vn.datafloor.server.privacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** Consent records: a citizen gives, refuses and withdraws; organisations read those they are party to. */
@RestController
@Tag(name = "Privacy: consents", description = "Data subjects' consents, as ISO/IEC TS 27560 records")
class ConsentApiController {

    private final ConsentService consents;
    private final SubjectRequestService requests;

    ConsentApiController(ConsentService consents, SubjectRequestService requests) {
        this.consents = consents;
        this.requests = requests;
    }

    @GetMapping("/api/privacy/consents")
    @Permit(Action.VIEW_CONSENTS)
    @Operation(
            summary = "Consents: a citizen's own; those your organisation is controller or recipient of; all for the "
                    + "operator and auditors")
    List<ConsentService.Consent> list(Actor actor) {
        return consents.list(actor);
    }

    @PostMapping(value = "/api/privacy/consents", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Permit(Action.GIVE_CONSENT)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "A citizen gives (decision GIVE) or refuses (REFUSE) consent, with the exact notice text shown "
                    + "and affirmativeAct: true — without it nothing is recorded (silence is not consent)")
    ConsentService.Consent give(Actor actor, @RequestBody ConsentService.Grant grant) {
        return consents.give(actor, grant);
    }

    @GetMapping(value = "/api/privacy/consents/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Permit(Action.VIEW_CONSENTS)
    @Operation(summary = "A consent record as ISO/IEC TS 27560-style JSON, with its status history")
    Map<String, Object> receipt(Actor actor, @PathVariable long id) {
        return consents.receipt(actor, id);
    }

    record Withdrawal(String reason) {}

    record Withdrawn(ConsentService.Consent consent, List<SubjectRequestService.SubjectRequest> requests) {}

    @PostMapping("/api/privacy/consents/{id}/withdraw")
    @Permit(Action.GIVE_CONSENT)
    @Operation(
            summary = "A citizen withdraws a consent: deliveries stop at once, and its controller and recipient are "
                    + "asked to stop processing within 15 days (a CONSENT_WITHDRAWAL request to each)")
    Withdrawn withdraw(Actor actor, @PathVariable long id, @RequestBody Withdrawal withdrawal) {
        List<SubjectRequestService.SubjectRequest> filed = requests.file(
                actor,
                new SubjectRequestService.Filing(
                        SubjectRequestService.Kind.CONSENT_WITHDRAWAL, List.of(), withdrawal.reason(), id));
        return new Withdrawn(consents.visible(actor, id), filed);
    }
}
