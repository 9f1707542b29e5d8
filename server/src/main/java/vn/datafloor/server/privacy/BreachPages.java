package vn.datafloor.server.privacy;

import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
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

/** The operator's breach pages: the list with the 72-hour countdowns, the declaration form, one breach. */
@Controller
class BreachPages {

    private final BreachService breaches;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    BreachPages(BreachService breaches, AccessPolicy policy, ProblemResponses problems) {
        this.breaches = breaches;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/privacy/breaches")
    @Permit(Action.VIEW_BREACHES)
    String list(Actor actor, Model model) {
        model.addAttribute("breaches", breaches.list(actor));
        model.addAttribute("indexAvailable", breaches.indexAvailable());
        model.addAttribute(
                "canDeclare", policy.decide(actor, Action.MANAGE_PRIVACY).allowed());
        return "privacy/breaches";
    }

    @PostMapping("/privacy/breaches")
    @Permit(Action.MANAGE_PRIVACY)
    String declare(
            Actor actor,
            @RequestParam("datasets") String datasets,
            @RequestParam("occurredFrom") String from,
            @RequestParam(value = "occurredTo", required = false) String to,
            @RequestParam("description") String description,
            @RequestParam(value = "consequences", required = false) String consequences,
            @RequestParam(value = "measures", required = false) String measures,
            @RequestParam("contact") String contact,
            RedirectAttributes flash,
            Locale locale) {
        long[] made = {0};
        String back = problems.redirectAfter(flash, locale, "breach.declaredNow", "/privacy/breaches", () -> {
            BreachService.Breach breach = breaches.declare(
                    actor,
                    new BreachService.Declaration(
                            Arrays.asList(datasets.split("[,;\\s]+")),
                            time(from),
                            to == null || to.isBlank() ? null : time(to),
                            description,
                            consequences,
                            measures,
                            contact));
            made[0] = breach.id();
        });
        return made[0] == 0 ? back : "redirect:/privacy/breaches/" + made[0];
    }

    @GetMapping("/privacy/breaches/{id}")
    @Permit(Action.VIEW_BREACHES)
    String breach(Actor actor, @PathVariable long id, Model model) {
        model.addAttribute("d", breaches.detail(actor, id));
        model.addAttribute(
                "canDeclare", policy.decide(actor, Action.MANAGE_PRIVACY).allowed());
        return "privacy/breach";
    }

    @PostMapping("/privacy/breaches/{id}/notification")
    @Permit(Action.MANAGE_PRIVACY)
    String notified(
            Actor actor,
            @PathVariable long id,
            @RequestParam("reference") String reference,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "breach.notifiedNow",
                "/privacy/breaches/" + id,
                () -> breaches.markNotified(actor, id, reference));
    }

    /** A time typed in a datetime-local field, in Vietnam's time. */
    private static java.time.Instant time(String text) {
        try {
            return LocalDateTime.parse(text.strip()).atZone(WorkingDays.VIETNAM).toInstant();
        } catch (DateTimeParseException | NullPointerException e) {
            throw ProblemException.badRequest("breach.period", "Not a date and time: " + text);
        }
    }
}
