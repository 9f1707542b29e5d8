package vn.datafloor.server.privacy;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** Data-subject requests: citizens file and follow them; organisations answer theirs within the deadlines. */
@RestController
@Tag(
        name = "Privacy: data-subject requests",
        description = "Access, export, correction, deletion, restriction, "
                + "objection and consent withdrawal, with deadlines in Vietnamese working days")
class SubjectRequestApiController {

    private final SubjectRequestService requests;

    SubjectRequestApiController(SubjectRequestService requests) {
        this.requests = requests;
    }

    @GetMapping("/api/privacy/requests")
    @Permit(Action.VIEW_SUBJECT_REQUESTS)
    @Operation(
            summary = "Requests: a citizen's own; your organisation's inbox; all for the operator and auditors. Open "
                    + "ones first, overdue at the top")
    List<SubjectRequestService.SubjectRequest> list(Actor actor) {
        return requests.list(actor);
    }

    @PostMapping("/api/privacy/requests")
    @Permit(Action.FILE_SUBJECT_REQUESTS)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "A citizen files a request to the organisations named (none: every one publishing personal "
                    + "data); one request per organisation, acknowledged within 2 working days, done within 15 days")
    List<SubjectRequestService.SubjectRequest> file(Actor actor, @RequestBody SubjectRequestService.Filing filing) {
        return requests.file(actor, filing);
    }

    @GetMapping("/api/privacy/requests/{id}")
    @Permit(Action.VIEW_SUBJECT_REQUESTS)
    @Operation(summary = "A request with its steps")
    SubjectRequestService.Detail request(Actor actor, @PathVariable long id) {
        return requests.detail(actor, id);
    }

    record Answer(String note) {}

    @PostMapping("/api/privacy/requests/{id}/acknowledgement")
    @Permit(Action.HANDLE_SUBJECT_REQUESTS)
    @Operation(summary = "The organisation acknowledges the request (within 2 working days)")
    SubjectRequestService.SubjectRequest acknowledge(Actor actor, @PathVariable long id, @RequestBody Answer answer) {
        return requests.acknowledge(actor, id, answer.note());
    }

    @PostMapping("/api/privacy/requests/{id}/progress")
    @Permit(Action.HANDLE_SUBJECT_REQUESTS)
    @Operation(summary = "The organisation is working on the request")
    SubjectRequestService.SubjectRequest progress(Actor actor, @PathVariable long id, @RequestBody Answer answer) {
        return requests.progress(actor, id, answer.note());
    }

    @PostMapping("/api/privacy/requests/{id}/completion")
    @Permit(Action.HANDLE_SUBJECT_REQUESTS)
    @Operation(summary = "The organisation carried the request out (note: what was done)")
    SubjectRequestService.SubjectRequest complete(Actor actor, @PathVariable long id, @RequestBody Answer answer) {
        return requests.complete(actor, id, answer.note());
    }

    @PostMapping("/api/privacy/requests/{id}/refusal")
    @Permit(Action.HANDLE_SUBJECT_REQUESTS)
    @Operation(summary = "The organisation refuses the request (note: the reason, which the citizen reads)")
    SubjectRequestService.SubjectRequest refuse(Actor actor, @PathVariable long id, @RequestBody Answer answer) {
        return requests.refuse(actor, id, answer.note());
    }
}
