package vn.datafloor.server.privacy;

import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/** A citizen's requests (file and follow) and an organisation's inbox (overdue first, with deadlines). */
@Controller
class SubjectRequestPages {

    private final SubjectRequestService requests;
    private final ConsentService consents;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    SubjectRequestPages(
            SubjectRequestService requests, ConsentService consents, AccessPolicy policy, ProblemResponses problems) {
        this.requests = requests;
        this.consents = consents;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/me/requests")
    @Permit(Action.FILE_SUBJECT_REQUESTS)
    String mine(Actor actor, Model model) {
        model.addAttribute("requests", requests.list(actor));
        model.addAttribute("holders", requests.holders());
        model.addAttribute("organisations", consents.organisations());
        model.addAttribute(
                "kinds",
                List.of(SubjectRequestService.Kind.values()).stream()
                        .filter(k -> k != SubjectRequestService.Kind.CONSENT_WITHDRAWAL)
                        .toList());
        return "privacy/my-requests";
    }

    @PostMapping("/me/requests")
    @Permit(Action.FILE_SUBJECT_REQUESTS)
    String file(
            Actor actor,
            @RequestParam("kind") String kind,
            @RequestParam(value = "organisations", required = false) List<Long> organisations,
            @RequestParam(value = "details", required = false) String details,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(flash, locale, "subjectRequest.filedNow", "/me/requests", () -> {
            SubjectRequestService.Kind chosen = kind(kind);
            if (chosen == SubjectRequestService.Kind.CONSENT_WITHDRAWAL) {
                throw ProblemException.badRequest(
                        "subjectRequest.withdrawHere", "Withdraw a consent on the consents page");
            }
            requests.file(
                    actor,
                    new SubjectRequestService.Filing(
                            chosen, organisations == null ? List.of() : organisations, details, null));
        });
    }

    @GetMapping("/privacy/requests")
    @Permit(Action.VIEW_SUBJECT_REQUESTS)
    String inbox(Actor actor, Model model) {
        model.addAttribute("requests", requests.list(actor));
        model.addAttribute(
                "handler", policy.decide(actor, Action.HANDLE_SUBJECT_REQUESTS).allowed());
        return "privacy/inbox";
    }

    @PostMapping("/privacy/requests/{id}/answer")
    @Permit(Action.HANDLE_SUBJECT_REQUESTS)
    String answer(
            Actor actor,
            @PathVariable long id,
            @RequestParam("step") String step,
            @RequestParam("note") String note,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(flash, locale, "subjectRequest.answered", "/privacy/requests", () -> {
            switch (step) {
                case "ACKNOWLEDGED" -> requests.acknowledge(actor, id, note);
                case "IN_PROGRESS" -> requests.progress(actor, id, note);
                case "DONE" -> requests.complete(actor, id, note);
                case "REFUSED" -> requests.refuse(actor, id, note);
                default ->
                    throw ProblemException.badRequest("subjectRequest.stepUnknown", "Unknown step " + step, step);
            }
        });
    }

    private static SubjectRequestService.Kind kind(String kind) {
        try {
            return SubjectRequestService.Kind.valueOf(kind);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.badRequest(
                    "subjectRequest.kindMissing",
                    "Say what you ask: one of " + List.of(SubjectRequestService.Kind.values()));
        }
    }
}
