package vn.datafloor.server.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The dispute pages: the list (the operator's queue, overdue first), one dispute with its claim,
 * evidence, the other party's response form, the operator's messages and decision form, and the form
 * that opens a dispute on a contract.
 */
@Controller
class DisputePages {

    private final DisputeService disputes;
    private final ContractService contracts;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    DisputePages(DisputeService disputes, ContractService contracts, AccessPolicy policy, ProblemResponses problems) {
        this.disputes = disputes;
        this.contracts = contracts;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/exchange/disputes")
    @Permit(Action.VIEW_CONTRACTS)
    String list(Actor actor, Model model) {
        model.addAttribute("disputes", disputes.list(actor));
        model.addAttribute(
                "mediator", policy.decide(actor, Action.MEDIATE_DISPUTES).allowed());
        return "exchange/disputes";
    }

    @GetMapping("/exchange/disputes/{id}")
    @Permit(Action.VIEW_CONTRACTS)
    String dispute(Actor actor, @PathVariable long id, Model model) {
        DisputeService.Detail detail = disputes.detail(actor, id);
        DisputeService.Dispute dispute = detail.dispute();
        model.addAttribute("d", detail);
        model.addAttribute(
                "canRespond",
                dispute.state() == DisputeService.State.OPEN
                        && !dispute.responseOverdue()
                        && actor.belongsTo(dispute.respondentOrg())
                        && policy.decide(actor, Action.OPEN_DISPUTES, dispute.respondentOrg())
                                .allowed());
        boolean mediator = policy.decide(actor, Action.MEDIATE_DISPUTES).allowed();
        model.addAttribute("canMediate", mediator && !dispute.decided());
        model.addAttribute("outcomes", DisputeService.Outcome.values());
        model.addAttribute(
                "canDecide",
                mediator
                        && !dispute.decided()
                        && (dispute.state() == DisputeService.State.RESPONDED || dispute.responseOverdue()));
        return "exchange/dispute";
    }

    @GetMapping("/exchange/contracts/{id}/dispute")
    @Permit(Action.OPEN_DISPUTES)
    String form(Actor actor, @PathVariable long id, Model model) {
        ContractService.Contract contract = contracts.visible(actor, id);
        if (!actor.belongsTo(contract.buyerOrg()) && !actor.belongsTo(contract.providerOrg())) {
            throw ProblemException.notFound("No contract " + id + " of your organisation");
        }
        model.addAttribute("contract", contract);
        model.addAttribute("paid", disputes.paid(contract));
        model.addAttribute(
                "open",
                disputes.ofContract(actor, id).stream()
                        .filter(d -> !d.decided())
                        .findFirst()
                        .orElse(null));
        model.addAttribute("maxFiles", DisputeService.MAX_FILES);
        return "exchange/dispute-form";
    }

    @PostMapping("/exchange/contracts/{id}/dispute")
    @Permit(Action.OPEN_DISPUTES)
    String open(
            Actor actor,
            @PathVariable long id,
            @RequestParam("text") String text,
            @RequestParam(value = "amountClaimed", required = false) String amount,
            @RequestParam(value = "ledgerEntries", required = false) String ledgerEntries,
            @RequestParam(value = "usageRecords", required = false) String usageRecords,
            @RequestParam(value = "files", required = false) List<MultipartFile> files,
            RedirectAttributes flash,
            Locale locale) {
        long[] opened = {0};
        String back = problems.redirectAfter(
                flash, locale, "dispute.opened", "/exchange/contracts/" + id + "/dispute", () -> {
                    DisputeService.Dispute dispute = disputes.open(
                            actor,
                            id,
                            new DisputeService.Submission(
                                    text,
                                    amount == null || amount.isBlank() ? 0L : number(amount),
                                    numbers(ledgerEntries),
                                    numbers(usageRecords),
                                    DisputeApiController.uploads(files)));
                    opened[0] = dispute.id();
                });
        return opened[0] == 0 ? back : "redirect:/exchange/disputes/" + opened[0];
    }

    @PostMapping("/exchange/disputes/{id}/responses")
    @Permit(Action.OPEN_DISPUTES)
    String respond(
            Actor actor,
            @PathVariable long id,
            @RequestParam("text") String text,
            @RequestParam(value = "ledgerEntries", required = false) String ledgerEntries,
            @RequestParam(value = "usageRecords", required = false) String usageRecords,
            @RequestParam(value = "files", required = false) List<MultipartFile> files,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "dispute.responded",
                "/exchange/disputes/" + id,
                () -> disputes.respond(
                        actor,
                        id,
                        new DisputeService.Submission(
                                text,
                                null,
                                numbers(ledgerEntries),
                                numbers(usageRecords),
                                DisputeApiController.uploads(files))));
    }

    @PostMapping("/exchange/disputes/{id}/messages")
    @Permit(Action.MEDIATE_DISPUTES)
    String message(
            Actor actor,
            @PathVariable long id,
            @RequestParam("text") String text,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "dispute.messageSent",
                "/exchange/disputes/" + id,
                () -> disputes.message(actor, id, text));
    }

    @PostMapping("/exchange/disputes/{id}/decision")
    @Permit(Action.MEDIATE_DISPUTES)
    String decide(
            Actor actor,
            @PathVariable long id,
            @RequestParam("outcome") String outcome,
            @RequestParam(value = "refund", required = false) String refund,
            @RequestParam("reason") String reason,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(flash, locale, "dispute.decidedNow", "/exchange/disputes/" + id, () -> {
            DisputeService.Outcome chosen;
            try {
                chosen = DisputeService.Outcome.valueOf(outcome);
            } catch (IllegalArgumentException unknown) {
                throw ProblemException.badRequest(
                        "dispute.outcomeMissing",
                        "Decide one of " + List.of(DisputeService.Outcome.values()),
                        List.of(DisputeService.Outcome.values()));
            }
            disputes.decide(
                    actor,
                    id,
                    new DisputeService.Decision(
                            chosen, refund == null || refund.isBlank() ? null : number(refund), reason));
        });
    }

    /** An amount or id typed in a form: digits, with or without the thousands separators people type. */
    private static long number(String text) {
        String digits = text.strip().replace(".", "").replace(",", "").replace(" ", "");
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("dispute.number", "Not a whole number: " + text, text);
        }
    }

    /** Ids or ledger indexes typed in a form, separated by commas or spaces. */
    private static List<Long> numbers(String text) {
        List<Long> found = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return found;
        }
        for (String part : text.strip().split("[,;\\s]+")) {
            try {
                found.add(Long.parseLong(part));
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("dispute.number", "Not a whole number: " + part, part);
            }
        }
        return found;
    }
}
