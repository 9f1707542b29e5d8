package vn.datafloor.server.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The money page: an organisation's administrator sees its balance and how to top up (the transfer
 * reference to write in the bank transfer); the operator and auditors see the journal's trial
 * balance; the operator uploads the bank's statement to credit top-ups.
 */
@Controller
class MoneyPages {

    private final MoneyService money;
    private final BankStatements statements;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    MoneyPages(MoneyService money, BankStatements statements, AccessPolicy policy, ProblemResponses problems) {
        this.money = money;
        this.statements = statements;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/exchange/money")
    @Permit(Action.VIEW_MONEY)
    String page(Actor actor, Model model) {
        if (actor.orgId() != null && actor.has(vn.datafloor.server.authz.Role.ORG_ADMIN)) {
            model.addAttribute("own", money.own(actor));
        }
        if (policy.decide(actor, Action.VIEW_JOURNAL).allowed()) {
            model.addAttribute("trial", money.trialBalance(actor));
        }
        model.addAttribute(
                "canReconcile", policy.decide(actor, Action.RECONCILE_PAYMENTS).allowed());
        return "exchange/money";
    }

    @PostMapping("/exchange/money/statement")
    @Permit(Action.RECONCILE_PAYMENTS)
    String statement(Actor actor, @RequestParam("file") MultipartFile file, RedirectAttributes flash, Locale locale) {
        BankStatements.Reconciliation[] result = new BankStatements.Reconciliation[1];
        String target = problems.redirectAfter(flash, locale, "money.statement.done", "/exchange/money", () -> {
            try {
                result[0] = statements.reconcile(actor, file.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (result[0] != null) {
            flash.addFlashAttribute("reconciliation", result[0]);
        }
        return target;
    }
}
