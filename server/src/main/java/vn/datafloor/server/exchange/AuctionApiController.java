package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** Auctions over HTTP: the open auctions, one auction as the caller may see it, opening, bidding and closing. */
@RestController
@Tag(name = "Exchange: auctions", description = "Sealed and ascending auctions of offers, bids backed by deposits")
class AuctionApiController {

    private final AuctionService auctions;

    AuctionApiController(AuctionService auctions) {
        this.auctions = auctions;
    }

    @GetMapping("/api/exchange/auctions")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(summary = "Open auctions, soonest deadline first")
    List<AuctionService.View> open(Actor actor) {
        return auctions.openAuctions(actor);
    }

    @GetMapping("/api/exchange/auctions/{id}")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(
            summary = "An auction: state, reserve with VAT, deadline, the bid count, the current highest (ascending; "
                    + "sealed: only once closed), the outcome and your organisation's bids")
    AuctionService.View auction(Actor actor, @PathVariable long id) {
        return auctions.view(actor, id);
    }

    @PostMapping("/api/exchange/offers/{id}/auctions")
    @Permit(Action.MANAGE_AUCTIONS)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Open an auction on your AUCTION-model offer: SEALED or ASCENDING, with a deadline")
    AuctionService.Auction openAuction(
            Actor actor, @PathVariable long id, @RequestBody AuctionService.NewAuction request) {
        return auctions.open(actor, id, request);
    }

    @PostMapping("/api/exchange/auctions/{id}/bids")
    @Permit(Action.BUY_DATA)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(
            summary = "Bid for your organisation with a declared purpose; a deposit of the bid plus VAT is held. "
                    + "The Idempotency-Key header makes a repeated bid return the same bid")
    AuctionService.Bid bid(
            Actor actor,
            @PathVariable long id,
            @RequestHeader(value = "Idempotency-Key", required = false) String key,
            @RequestBody AuctionService.NewBid bid) {
        return auctions.bid(actor, id, key, bid);
    }

    // No one action names both the provider and the operator: the handler admits the staff who may see
    // contracts, and the service decides (the provider's auction managers or the operator).
    @PostMapping("/api/exchange/auctions/{id}/close")
    @Permit(Action.VIEW_CONTRACTS)
    @Operation(
            summary = "Close an auction whose deadline passed (its provider or the operator; the platform also "
                    + "does it on schedule): the highest bid wins, the others' deposits are released")
    AuctionService.Auction close(Actor actor, @PathVariable long id) {
        return auctions.close(actor, id);
    }
}
