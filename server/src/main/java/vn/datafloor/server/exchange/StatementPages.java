package vn.datafloor.server.exchange;

import java.time.YearMonth;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The statement page (an organisation's administrator reads its own month; the operator and auditors
 * pick an organisation) and the operator's payout page, where each payout made at the bank is
 * recorded with the bank's reference.
 */
@Controller
class StatementPages {

    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");

    private final MoneyStatements statements;
    private final OrganisationService organisations;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    StatementPages(
            MoneyStatements statements,
            OrganisationService organisations,
            AccessPolicy policy,
            ProblemResponses problems) {
        this.statements = statements;
        this.organisations = organisations;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/exchange/statements")
    @Permit(Action.VIEW_MONEY)
    String statement(
            Actor actor,
            @RequestParam(value = "org", required = false) Long org,
            @RequestParam(value = "month", required = false) String month,
            Model model,
            Locale locale) {
        boolean picksOrganisation = policy.seesAllTenants(actor, Action.VIEW_MONEY);
        if (picksOrganisation) {
            model.addAttribute("organisations", organisations.visibleTo(actor));
        }
        Long orgId = org != null ? org : actor.orgId();
        model.addAttribute("org", orgId);
        model.addAttribute("month", month == null || month.isBlank() ? statements.currentMonth() : month.strip());
        model.addAttribute("currentMonth", statements.currentMonth().toString());
        YearMonth chosen = chosenMonth(month, model, locale);
        if (chosen != null && orgId != null) {
            // Another organisation's statement is hidden from an administrator (404), as on the API.
            model.addAttribute("statement", statements.of(actor, orgId, chosen));
        }
        return "exchange/statements";
    }

    @GetMapping("/exchange/payouts")
    @Permit(Action.PAY_OUT)
    String payouts(
            Actor actor, @RequestParam(value = "month", required = false) String month, Model model, Locale locale) {
        model.addAttribute("month", month == null || month.isBlank() ? statements.currentMonth() : month.strip());
        model.addAttribute("currentMonth", statements.currentMonth().toString());
        YearMonth chosen = chosenMonth(month, model, locale);
        if (chosen != null) {
            model.addAttribute("report", statements.payouts(actor, chosen));
        }
        return "exchange/payouts";
    }

    @PostMapping("/exchange/payouts")
    @Permit(Action.PAY_OUT)
    String payOut(
            Actor actor,
            @RequestParam("orgId") long orgId,
            @RequestParam("amount") String amount,
            @RequestParam("bankRef") String bankRef,
            @RequestParam(value = "month", required = false) String month,
            RedirectAttributes flash,
            Locale locale) {
        // Back to the month the operator was looking at; anything else is not a month and is dropped.
        String target = month != null && MONTH.matcher(month).matches()
                ? "/exchange/payouts?month=" + month
                : "/exchange/payouts";
        MoneyStatements.Payout[] made = new MoneyStatements.Payout[1];
        String redirect = problems.redirectAfter(flash, locale, "payout.done", target, () -> {
            made[0] = statements.payOut(actor, orgId, parseAmount(amount), bankRef);
        });
        if (made[0] != null) {
            flash.addFlashAttribute(
                    "success",
                    problems.message(
                            made[0].alreadyRecorded() ? "payout.already" : "payout.recorded",
                            new Object[] {made[0].amount(), made[0].bankRef(), made[0].balanceAfter()},
                            locale));
        }
        return redirect;
    }

    /** The month asked for, or null with the reason shown on the page. */
    private YearMonth chosenMonth(String month, Model model, Locale locale) {
        try {
            return statements.month(month);
        } catch (ProblemException e) {
            model.addAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
            return null;
        }
    }

    /** People type amounts with thousands separators ("1.500.000"); the journal takes whole đồng. */
    static long parseAmount(String text) {
        String digits = text == null
                ? ""
                : text.strip().replace(".", "").replace(",", "").replace(" ", "");
        if (!digits.matches("-?\\d{1,15}")) {
            throw ProblemException.badRequest(
                    "payout.invalidAmount", "A payout is a positive whole number of đồng", text == null ? "" : text);
        }
        return Long.parseLong(digits);
    }
}
