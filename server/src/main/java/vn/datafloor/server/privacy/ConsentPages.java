package vn.datafloor.server.privacy;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.integration.profile.PersonalCategory;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * A citizen's consents: the list with a withdraw button, and the two-step grant form — choose whom,
 * what and why; read the notice built from those choices; tick the empty box yourself and give (or
 * refuse). The notice's hash travels with the form, so the record holds the text actually shown.
 */
@Controller
class ConsentPages {

    private final ConsentService consents;
    private final SubjectRequestService requests;
    private final ProblemResponses problems;

    ConsentPages(ConsentService consents, SubjectRequestService requests, ProblemResponses problems) {
        this.consents = consents;
        this.requests = requests;
        this.problems = problems;
    }

    @GetMapping("/me/consents")
    @Permit(Action.GIVE_CONSENT)
    String consents(
            Actor actor,
            @RequestParam(value = "controllerOrg", required = false) Long controller,
            @RequestParam(value = "recipientOrg", required = false) Long recipient,
            @RequestParam(value = "purpose", required = false) String purpose,
            @RequestParam(value = "categories", required = false) List<String> categories,
            @RequestParam(value = "validUntil", required = false) String validUntil,
            Model model,
            Locale locale) {
        model.addAttribute("consents", consents.list(actor));
        model.addAttribute("organisations", consents.organisations());
        model.addAttribute("purposes", ConsentService.PURPOSES);
        model.addAttribute("categories", Arrays.asList(PersonalCategory.values()));
        boolean english = "en".equals(locale.getLanguage());
        model.addAttribute("english", english);
        Map<String, String> labels = new LinkedHashMap<>();
        for (PersonalCategory category : PersonalCategory.values()) {
            labels.put(category.code(), english ? category.labelEn() : category.labelVi());
        }
        model.addAttribute("categoryLabels", labels);
        if (controller != null && recipient != null && purpose != null) {
            // step two: the notice for these choices, and the box to tick
            try {
                List<String> chosen = ConsentService.categories(categories);
                LocalDate until = date(validUntil);
                String language = "en".equals(locale.getLanguage()) ? "en" : "vi";
                if (!ConsentService.PURPOSES.contains(purpose)) {
                    throw ProblemException.badRequest("consent.purposeUnknown", "Unknown purpose", purpose);
                }
                String notice = consents.notice(controller, recipient, purpose, chosen, until, language);
                model.addAttribute("notice", notice);
                model.addAttribute("noticeSha256", ConsentService.sha256(notice));
                model.addAttribute("language", language);
                model.addAttribute("chosen", new Choice(controller, recipient, purpose, chosen, validUntil));
            } catch (ProblemException e) {
                model.addAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
            }
        }
        return "privacy/consents";
    }

    /** What the citizen chose in step one, carried into step two. */
    record Choice(long controllerOrg, long recipientOrg, String purpose, List<String> categories, String validUntil) {}

    @PostMapping("/me/consents")
    @Permit(Action.GIVE_CONSENT)
    String give(
            Actor actor,
            @RequestParam("controllerOrg") long controller,
            @RequestParam("recipientOrg") long recipient,
            @RequestParam("purpose") String purpose,
            @RequestParam("categories") List<String> categories,
            @RequestParam(value = "validUntil", required = false) String validUntil,
            @RequestParam("language") String language,
            @RequestParam("noticeSha256") String noticeSha256,
            @RequestParam("decision") String decision,
            // an unticked checkbox sends nothing: silence, which the service refuses
            @RequestParam(value = "affirmativeAct", required = false) String affirmativeAct,
            RedirectAttributes flash,
            Locale locale) {
        boolean refuse = "REFUSE".equals(decision);
        return problems.redirectAfter(
                flash, locale, refuse ? "consent.refusedNow" : "consent.givenNow", "/me/consents", () -> {
                    LocalDate until = date(validUntil);
                    List<String> chosen = ConsentService.categories(categories);
                    String notice = consents.notice(controller, recipient, purpose, chosen, until, language);
                    if (!ConsentService.sha256(notice).equals(noticeSha256)) {
                        throw ProblemException.badRequest(
                                "consent.noticeChanged",
                                "The notice changed since it was shown: read it again before deciding");
                    }
                    consents.give(
                            actor,
                            new ConsentService.Grant(
                                    controller,
                                    recipient,
                                    purpose,
                                    chosen,
                                    until,
                                    notice,
                                    language,
                                    ConsentService.Channel.WEB,
                                    "yes".equals(affirmativeAct),
                                    refuse ? ConsentService.Decision.REFUSE : ConsentService.Decision.GIVE));
                });
    }

    @PostMapping("/me/consents/{id}/withdraw")
    @Permit(Action.GIVE_CONSENT)
    String withdraw(
            Actor actor,
            @PathVariable long id,
            @RequestParam("reason") String reason,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "consent.withdrawnNow",
                "/me/consents",
                () -> requests.file(
                        actor,
                        new SubjectRequestService.Filing(
                                SubjectRequestService.Kind.CONSENT_WITHDRAWAL, List.of(), reason, id)));
    }

    private static LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("consent.validUntilBad", "Not a date (yyyy-mm-dd): " + text);
        }
    }
}
