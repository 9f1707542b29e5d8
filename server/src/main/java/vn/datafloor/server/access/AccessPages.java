package vn.datafloor.server.access;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import vn.datafloor.integration.access.AccessSession;
import vn.datafloor.integration.sandbox.PrivacyBudget;
import vn.datafloor.integration.sandbox.SandboxResult;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The buyer's access page of an agreement: what it delivers and how each column is masked, a key for
 * programs, a query to try, an export, and the sandbox with its remaining budget. Each action is the
 * API's, through the same pipeline; its answer (or the reason it was refused) shows on the page.
 */
@Controller
class AccessPages {

    private final DeliveryService delivery;
    private final ApiKeyService apiKeys;
    private final ProblemResponses problems;

    AccessPages(DeliveryService delivery, ApiKeyService apiKeys, ProblemResponses problems) {
        this.delivery = delivery;
        this.apiKeys = apiKeys;
        this.problems = problems;
    }

    @GetMapping("/access/{agreementId}")
    @Permit(Action.ACCESS_DATA)
    String page(Actor actor, @PathVariable("agreementId") long agreementId, Model model) {
        return show(actor, agreementId, model);
    }

    @PostMapping("/access/{agreementId}/keys")
    @Permit(Action.ACCESS_DATA)
    String key(
            Actor actor,
            @PathVariable("agreementId") long agreementId,
            @RequestParam(name = "name", defaultValue = "") String name,
            Model model,
            Locale locale) {
        delivery.grant(actor, agreementId, DeliveryService.Channel.REST);
        attempt(model, "error", locale, () -> {
            ApiKeyService.CreatedKey created = apiKeys.createForAgreement(
                    actor,
                    name.isBlank() ? "agreement " + agreementId : name,
                    AccessKeys.scope(agreementId),
                    Duration.ofDays(30));
            model.addAttribute("token", created.token());
        });
        return show(actor, agreementId, model);
    }

    @PostMapping("/access/{agreementId}/query")
    @Permit(Action.ACCESS_DATA)
    String query(
            Actor actor,
            @PathVariable("agreementId") long agreementId,
            @RequestParam(name = "sql", defaultValue = "") String sql,
            Model model,
            Locale locale) {
        model.addAttribute("sql", sql);
        attempt(model, "error", locale, () -> {
            model.addAttribute("result", delivery.query(actor, agreementId, sql, 200));
        });
        return show(actor, agreementId, model);
    }

    @PostMapping("/access/{agreementId}/exports")
    @Permit(Action.ACCESS_DATA)
    String export(
            Actor actor,
            @PathVariable("agreementId") long agreementId,
            @RequestParam(name = "format", defaultValue = "csv") String format,
            Model model,
            Locale locale) {
        attempt(model, "error", locale, () -> {
            model.addAttribute(
                    "export",
                    delivery.export(
                            actor,
                            agreementId,
                            "parquet".equals(format) ? AccessSession.Format.PARQUET : AccessSession.Format.CSV));
        });
        return show(actor, agreementId, model);
    }

    @PostMapping("/access/{agreementId}/sandbox")
    @Permit(Action.ACCESS_DATA)
    String sandbox(
            Actor actor,
            @PathVariable("agreementId") long agreementId,
            @RequestParam(name = "sql", defaultValue = "") String sql,
            Model model,
            Locale locale) {
        model.addAttribute("sandboxSql", sql);
        attempt(model, "sandboxError", locale, () -> {
            SandboxResult result = delivery.sandbox(actor, agreementId, sql);
            model.addAttribute("sandboxResult", result);
        });
        return show(actor, agreementId, model);
    }

    private String show(Actor actor, long agreementId, Model model) {
        DeliveryService.Grant grant = delivery.grant(actor, agreementId, DeliveryService.Channel.REST);
        model.addAttribute("agreementId", agreementId);
        model.addAttribute("grant", grant);
        model.addAttribute(
                "columns",
                grant.columns().stream()
                        .map(c -> new Column(
                                c,
                                grant.masks().containsKey(c)
                                        ? grant.masks().get(c).name()
                                        : null))
                        .toList());
        if (!model.containsAttribute("sql")) {
            model.addAttribute("sql", "SELECT * FROM " + grant.table() + " LIMIT 20");
        }
        if (!model.containsAttribute("sandboxSql")) {
            model.addAttribute("sandboxSql", "SELECT COUNT(*) FROM " + grant.table());
        }
        if (grant.subjectColumn() != null) {
            PrivacyBudget budget = delivery.budget(actor, agreementId);
            model.addAttribute("budget", budget);
            model.addAttribute(
                    "budgetPercent",
                    budget.totalMicroEpsilon() == 0
                            ? 0
                            : 100 * budget.spentMicroEpsilon() / budget.totalMicroEpsilon());
        }
        return "access/agreement";
    }

    /** A column and the name of its mask, or null when delivered as is. */
    record Column(String name, String mask) {}

    /** Runs a page action; its refusal is shown on the page under {@code errorAttribute}, in the reader's language. */
    private void attempt(Model model, String errorAttribute, Locale locale, Runnable action) {
        try {
            action.run();
        } catch (ProblemException e) {
            model.addAttribute(errorAttribute, message(e, locale));
        }
    }

    private String message(ProblemException e, Locale locale) {
        return problems.message(e.messageKey(), e.messageArgs(), locale);
    }

    static List<String> formats() {
        return List.of("csv", "parquet");
    }
}
