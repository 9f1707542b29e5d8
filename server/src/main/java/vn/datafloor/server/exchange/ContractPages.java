package vn.datafloor.server.exchange;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * "My contracts": an organisation's contracts as buyer and as provider, the requests waiting for its
 * decision, and one contract's page with its history, money, entitlement, agreement documents and
 * their verification. Every change goes through {@link ContractService}, which decides who may.
 */
@Controller
class ContractPages {

    private final ContractService contracts;
    private final ProductService products;
    private final OrganisationService organisations;
    private final AgreementVerification verification;
    private final AccessPolicy policy;
    private final ProblemResponses problems;
    private final Clock clock;

    ContractPages(
            ContractService contracts,
            ProductService products,
            OrganisationService organisations,
            AgreementVerification verification,
            AccessPolicy policy,
            ProblemResponses problems,
            Clock clock) {
        this.contracts = contracts;
        this.products = products;
        this.organisations = organisations;
        this.verification = verification;
        this.policy = policy;
        this.problems = problems;
        this.clock = clock;
    }

    /**
     * A contract as a line of the list, seen from {@code orgId}'s side.
     *
     * @param buyer whether the organisation is the buyer (else the provider)
     */
    record Line(
            ContractService.Contract contract,
            String product,
            boolean buyer,
            String providerName,
            String buyerName,
            boolean inForce) {
        public long total() {
            return contract.price() + contract.vat();
        }

        /** The organisation on the other side. */
        public String otherParty() {
            return buyer ? providerName : buyerName;
        }
    }

    /** A verification shown on the contract page: of the platform's copy, or of a copy just uploaded. */
    record Check(String id, String titleKey, AgreementVerification.Verification result) {}

    @GetMapping("/exchange/contracts")
    @Permit(Action.VIEW_CONTRACTS)
    String list(Actor actor, Model model) {
        Instant now = clock.instant();
        Names names = new Names();
        if (actor.orgId() != null) {
            long org = actor.orgId();
            List<Line> mine = contracts.ofOrganisation(actor, org).stream()
                    .map(c -> line(c, org, names, now))
                    .toList();
            model.addAttribute("bought", mine.stream().filter(Line::buyer).toList());
            model.addAttribute("sold", mine.stream().filter(l -> !l.buyer()).toList());
            model.addAttribute(
                    "myRequests",
                    mine.stream()
                            .filter(l -> l.buyer() && l.contract().state() == ContractService.State.REQUESTED)
                            .toList());
            if (policy.decide(actor, Action.DECIDE_CONTRACTS, org).allowed()) {
                model.addAttribute(
                        "waiting",
                        contracts.waitingFor(actor, org).stream()
                                .map(c -> line(c, org, names, now))
                                .toList());
            }
            model.addAttribute(
                    "canWithdraw", policy.decide(actor, Action.BUY_DATA, org).allowed());
        }
        if (policy.seesAllTenants(actor, Action.VIEW_CONTRACTS)) {
            // The operator and auditors: every contract, each from its buyer's side.
            model.addAttribute(
                    "all",
                    contracts.all(actor, 200).stream()
                            .map(c -> line(c, c.buyerOrg(), names, now))
                            .toList());
        }
        return "exchange/contracts";
    }

    @GetMapping("/exchange/contracts/{id}")
    @Permit(Action.VIEW_CONTRACTS)
    String contract(Actor actor, @PathVariable long id, Model model) {
        ContractService.Detail detail = contracts.detail(actor, id);
        ContractService.Contract contract = detail.contract();
        Instant now = clock.instant();
        model.addAttribute("detail", detail);
        model.addAttribute("contract", contract);
        model.addAttribute("inForce", contract.activeAt(now));
        boolean buyerSide = actor.orgId() != null && actor.orgId() == contract.buyerOrg();
        boolean providerSide = actor.orgId() != null && actor.orgId() == contract.providerOrg();
        model.addAttribute("buyerSide", buyerSide);
        model.addAttribute("providerSide", providerSide);
        model.addAttribute(
                "canTerminate",
                contract.state() == ContractService.State.FINALIZED
                        && contract.terminatedAt() == null
                        && (policy.decide(actor, Action.BUY_DATA, contract.buyerOrg())
                                        .allowed()
                                || policy.decide(actor, Action.MEDIATE_DISPUTES).allowed()));
        model.addAttribute(
                "canDecide",
                contract.state() == ContractService.State.REQUESTED
                        && policy.decide(actor, Action.DECIDE_CONTRACTS, contract.providerOrg())
                                .allowed());
        model.addAttribute(
                "canWithdraw",
                contract.state() == ContractService.State.REQUESTED
                        && policy.decide(actor, Action.BUY_DATA, contract.buyerOrg())
                                .allowed());
        model.addAttribute("usage", contracts.usageThisMonth(actor, id));
        List<Check> checks = new java.util.ArrayList<>();
        if (detail.agreement() != null) {
            checks.add(new Check("verification", "agreement.verify.title", verification.ofContract(actor, id)));
        }
        // A copy checked by upload comes back through the redirect as a flash attribute.
        if (model.getAttribute("uploaded") instanceof AgreementVerification.Verification uploaded) {
            checks.add(new Check("uploaded", "agreement.verify.upload", uploaded));
        }
        model.addAttribute("checks", checks);
        return "exchange/contract";
    }

    @PostMapping("/exchange/contracts/{id}/decision")
    @Permit(Action.DECIDE_CONTRACTS)
    String decide(
            Actor actor,
            @PathVariable long id,
            @RequestParam boolean approve,
            @RequestParam String reason,
            RedirectAttributes flash,
            Locale locale) {
        return after(
                flash,
                locale,
                approve ? "contracts.approved" : "contracts.refused",
                "/exchange/contracts",
                () -> contracts.decide(actor, id, approve, reason));
    }

    @PostMapping("/exchange/contracts/{id}/withdrawal")
    @Permit(Action.BUY_DATA)
    String withdraw(
            Actor actor, @PathVariable long id, @RequestParam String reason, RedirectAttributes flash, Locale locale) {
        return after(
                flash,
                locale,
                "contracts.withdrawn",
                "/exchange/contracts",
                () -> contracts.withdraw(actor, id, reason));
    }

    @PostMapping("/exchange/contracts/{id}/termination")
    @Permit(Action.VIEW_CONTRACTS)
    String terminate(
            Actor actor, @PathVariable long id, @RequestParam String reason, RedirectAttributes flash, Locale locale) {
        return after(
                flash,
                locale,
                "contracts.terminated",
                "/exchange/contracts/" + id,
                () -> contracts.terminate(actor, id, reason));
    }

    @PostMapping("/exchange/contracts/{id}/verification")
    @Permit(Action.VIEW_CONTRACTS)
    String verifyCopy(
            Actor actor,
            @PathVariable long id,
            @RequestParam("document") MultipartFile document,
            RedirectAttributes flash,
            Locale locale) {
        AgreementVerification.Verification[] result = new AgreementVerification.Verification[1];
        String target = after(flash, locale, "contracts.checked", "/exchange/contracts/" + id, () -> {
            AgreementVerification.Verification checked =
                    verification.ofUpload(actor, AgreementApiController.read(document));
            if (checked.contractId() != id) {
                throw ProblemException.badRequest(
                        "contracts.otherAgreement",
                        "This document is the agreement of contract " + checked.contractId() + ", not " + id,
                        checked.contractId());
            }
            result[0] = checked;
        });
        if (result[0] != null) {
            flash.addFlashAttribute("uploaded", result[0]);
        }
        return target;
    }

    /**
     * {@link ProblemResponses#redirectAfter}, except that a refusal whose message key has no
     * translation yet shows the problem's own explanation rather than the bare key.
     */
    private String after(RedirectAttributes flash, Locale locale, String successKey, String target, Runnable change) {
        ProblemException[] refused = new ProblemException[1];
        String to = problems.redirectAfter(flash, locale, successKey, target, () -> {
            try {
                change.run();
            } catch (ProblemException e) {
                refused[0] = e;
                throw e;
            }
        });
        if (refused[0] != null
                && refused[0].messageKey().equals(flash.getFlashAttributes().get("error"))) {
            flash.addFlashAttribute("error", refused[0].getMessage());
        }
        return to;
    }

    private Line line(ContractService.Contract c, long org, Names names, Instant now) {
        boolean buyer = c.buyerOrg() == org;
        return new Line(
                c,
                names.product(c.productId()),
                buyer,
                names.organisation(c.providerOrg()),
                names.organisation(c.buyerOrg()),
                c.activeAt(now));
    }

    /** Names looked up once per page, however many contracts share them. */
    private final class Names {
        private final Map<Long, String> productTitles = new HashMap<>();
        private final Map<Long, String> organisationNames = new HashMap<>();

        String product(long id) {
            return productTitles.computeIfAbsent(
                    id,
                    k -> products.product(k).map(ProductService.Product::title).orElse("#" + k));
        }

        String organisation(long id) {
            return organisationNames.computeIfAbsent(
                    id, k -> organisations.find(k).map(Organisation::name).orElse("#" + k));
        }
    }
}
