package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;

/** Offers, the fee schedule, orders, contracts, agreements, entitlements and metering over HTTP. */
@RestController
@Tag(name = "Exchange: market", description = "Offers and their ODRL terms, orders, contracts and agreements")
class MarketApiController {

    /** JSON-LD, as ODRL policies are served. */
    static final MediaType JSON_LD = MediaType.parseMediaType("application/ld+json");

    private final OfferService offers;
    private final ContractService contracts;
    private final InvoiceBook invoices;

    MarketApiController(OfferService offers, ContractService contracts, InvoiceBook invoices) {
        this.offers = offers;
        this.contracts = contracts;
        this.invoices = invoices;
    }

    @PostMapping("/api/exchange/products/{id}/offers")
    @Permit(Action.MANAGE_PRODUCTS)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add an offer to your product (a listed product goes back to inspection)")
    OfferService.Offer createOffer(Actor actor, @PathVariable long id, @RequestBody OfferService.NewOffer request) {
        return offers.create(actor, id, request);
    }

    @GetMapping("/api/exchange/offers/{id}")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(summary = "An offer with its price, VAT and terms in plain Vietnamese and English")
    OfferService.Shown offer(Actor actor, @PathVariable long id) {
        return offers.shown(actor, id);
    }

    @GetMapping(value = "/api/exchange/offers/{id}/policy", produces = "application/ld+json")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(summary = "An offer's terms as an ODRL 2.2 Offer (JSON-LD)")
    ResponseEntity<String> policy(Actor actor, @PathVariable long id) {
        return ResponseEntity.ok()
                .contentType(JSON_LD)
                .body(offers.shown(actor, id).offer().policy());
    }

    @PostMapping("/api/exchange/offers/{id}/withdrawal")
    @Permit(Action.MANAGE_PRODUCTS)
    @Operation(summary = "Withdraw an offer: no new contracts; agreements made stand")
    OfferService.Offer withdrawOffer(Actor actor, @PathVariable long id) {
        return offers.withdraw(actor, id);
    }

    @GetMapping("/api/exchange/products/{id}/comparables")
    @Permit(Action.MANAGE_PRODUCTS)
    @Operation(summary = "Listed offers of other products, for pricing your own (same data class first)")
    List<OfferService.Comparable> comparables(Actor actor, @PathVariable long id) {
        return offers.comparables(actor, id);
    }

    @GetMapping("/api/exchange/fees")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(summary = "The State's fee schedule for state data")
    List<OfferService.Fee> fees() {
        return offers.fees();
    }

    @PutMapping("/api/exchange/fees")
    @Permit(Action.MANAGE_FEES)
    @Operation(summary = "Set a line of the fee schedule (operator)")
    OfferService.Fee setFee(Actor actor, @RequestBody OfferService.NewFee request) {
        return offers.setFee(actor, request);
    }

    @PostMapping("/api/exchange/orders")
    @Permit(Action.BUY_DATA)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Order an offer with a declared purpose; the Idempotency-Key header makes a repeated order "
                    + "return the same contract")
    ContractService.Contract order(
            Actor actor,
            @RequestHeader(value = "Idempotency-Key", required = false) String key,
            @RequestBody ContractService.Order order) {
        return contracts.order(actor, key, order);
    }

    @GetMapping("/api/exchange/contracts")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "Your organisation's contracts as buyer and provider (the operator and auditors: all)")
    List<ContractService.Contract> contracts(Actor actor) {
        if (actor.orgId() == null) {
            return contracts.all(actor, 1000);
        }
        return contracts.ofOrganisation(actor, actor.orgId());
    }

    @GetMapping("/api/exchange/contracts/{id}")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "A contract with its state history and invoices")
    ContractService.Detail contract(Actor actor, @PathVariable long id) {
        return contracts.detail(actor, id);
    }

    @GetMapping("/api/exchange/agreements/{id}")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "The agreement document, its SHA-256 (also on the ledger) and whether it is intact")
    ContractService.AgreementDocument agreement(Actor actor, @PathVariable long id) {
        return contracts.agreement(actor, id);
    }

    record Decision(boolean approve, String reason) {}

    @PostMapping("/api/exchange/contracts/{id}/decision")
    @Permit(Action.DECIDE_CONTRACTS)
    @Operation(summary = "The provider approves or refuses a requested contract, with a reason")
    ContractService.Contract decide(Actor actor, @PathVariable long id, @RequestBody Decision decision) {
        return contracts.decide(actor, id, decision.approve(), decision.reason());
    }

    record Reason(String reason) {}

    @PostMapping("/api/exchange/contracts/{id}/withdrawal")
    @Permit(Action.BUY_DATA)
    @Operation(summary = "The buyer withdraws a request the provider has not decided (held money comes back)")
    ContractService.Contract withdraw(Actor actor, @PathVariable long id, @RequestBody Reason reason) {
        return contracts.withdraw(actor, id, reason.reason());
    }

    @PostMapping("/api/exchange/contracts/{id}/termination")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "End an agreement in force (its buyer, or the operator deciding a dispute)")
    ContractService.Contract terminate(Actor actor, @PathVariable long id, @RequestBody Reason reason) {
        return contracts.terminate(actor, id, reason.reason());
    }

    @GetMapping("/api/exchange/entitlements")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(summary = "Your organisation's entitlements: its agreements in force, with their ODRL policies")
    List<ContractService.Entitlement> entitlements(Actor actor) {
        if (actor.orgId() == null) {
            throw ProblemException.badRequest("contract.noOrganisation", "Entitlements belong to organisations");
        }
        return contracts.entitlements(actor, actor.orgId());
    }

    record Usage(long quantity, String channel) {}

    @PostMapping("/api/exchange/contracts/{id}/usage")
    @Permit(Action.RECORD_USAGE)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(summary = "Record metered usage of a pay-per-use contract (delivery channels, the platform)")
    void usage(Actor actor, @PathVariable long id, @RequestBody Usage usage) {
        contracts.recordUsage(actor, id, usage.quantity(), usage.channel());
    }

    @GetMapping("/api/exchange/invoices")
    @Permit(Action.VIEW_MONEY)
    @Operation(summary = "Your organisation's invoices as seller and buyer, newest first")
    List<InvoiceBook.Invoice> invoices(Actor actor) {
        if (actor.orgId() == null) {
            throw ProblemException.badRequest("money.noOrganisation", "Invoices belong to organisations");
        }
        return invoices.of(actor, actor.orgId(), 500);
    }
}
