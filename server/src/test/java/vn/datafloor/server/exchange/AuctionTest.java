package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.exchange.AuctionService.Kind;
import vn.datafloor.server.exchange.AuctionService.NewBid;
import vn.datafloor.server.exchange.AuctionService.Status;
import vn.datafloor.server.exchange.ContractService.State;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.platform.ProblemException;

/**
 * Auctions end to end: sealed and ascending, bids at or above the reserve before the deadline, each
 * backed by a deposit in the journal; the highest (then earliest) bid wins an agreement paid from its
 * deposit, the others get theirs back, once, however often the close runs; concurrent bidders leave
 * the journal balanced.
 */
class AuctionTest extends ExchangeTest {

    static final long RESERVE = 1_000_000;

    @Autowired
    AuctionService auctions;

    /** An AUCTION-model offer on the demo's listed state data (reserve 1,000,000 đồng, input cost 800,000), relisted. */
    private OfferService.Offer auctionOffer(String title) {
        ProductService.Product product = listedProduct();
        OfferService.Offer offer = offers.create(
                actor("qltt.dulieu"),
                product.id(),
                new OfferService.NewOffer(
                        title,
                        PriceModel.AUCTION,
                        RESERVE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        new OfferService.Terms(List.of("df:research", "df:statistics"), "VN", List.of(), true, true),
                        null,
                        800_000L));
        products.inspect(actor("admin"), product.id(), true, "Điều khoản đấu giá đã được thẩm định");
        return offer;
    }

    private AuctionService.Auction open(OfferService.Offer offer, Kind kind, Long increment) {
        return auctions.open(
                actor("qltt.dulieu"),
                offer.id(),
                new AuctionService.NewAuction(kind, clock.instant().plus(Duration.ofDays(2)), increment));
    }

    private static NewBid research(long amount) {
        return new NewBid(amount, "df:research", "Nghiên cứu thị trường hàng tiêu dùng", "VN");
    }

    /**
     * Closes the auctions other tests left open (their deadlines are at most two days away), so the
     * deposits this test measures are its own whatever order the tests run in.
     */
    private void closeEarlierAuctions() {
        clock.advance(Duration.ofDays(3));
        auctions.closeDue();
    }

    private long events(EventType type, String auction) {
        awaitLedger();
        return jdbc.sql("select count(*) from audit_event where event_type = ? and summary like ?")
                .params(type.name(), "auction " + auction + "%")
                .query(Long.class)
                .single();
    }

    @Test
    void aSealedAuctionGoesToTheHighestBidTiesToTheEarliestAndReleasesTheOthers() {
        closeEarlierAuctions();
        OfferService.Offer offer = auctionOffer("Đấu giá kín danh mục sản phẩm");
        AuctionService.Auction auction = open(offer, Kind.SEALED, null);
        assertThat(auction.reserve()).isEqualTo(RESERVE);
        assertThat(auction.reserveTotal()).isEqualTo(1_100_000);
        assertThat(auctions.openAuctions(null))
                .extracting(v -> v.auction().id())
                .contains(auction.id());
        // One open auction per offer.
        assertThatThrownBy(() -> open(offer, Kind.ASCENDING, null)).hasMessageContaining("already has an open");

        Actor first = actor("saomai.phantich");
        Actor second = actor("vien.phantich");
        Actor third = actor("yte.admin");
        Map<Long, Long> cashBefore = new LinkedHashMap<>();
        Map<Long, Long> heldBefore = new LinkedHashMap<>();
        int i = 0;
        for (Actor bidder : List.of(first, second, third)) {
            topUp(bidder.orgId(), 5_000_000, "T-AUCTION-S" + i++);
            cashBefore.put(bidder.orgId(), cash(bidder.orgId()));
            heldBefore.put(bidder.orgId(), held(bidder.orgId()));
        }
        long providerOrg = listedProduct().orgId();
        long providerBefore = cash(providerOrg);

        // Below the reserve: refused, nothing held.
        assertThatThrownBy(() -> auctions.bid(first, auction.id(), "s-low", research(RESERVE - 1)))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("below the reserve");
        assertThat(held(first.orgId())).isEqualTo(heldBefore.get(first.orgId()));
        // A purpose the terms do not permit: refused before any money moves.
        assertThatThrownBy(() -> auctions.bid(
                        first,
                        auction.id(),
                        "s-marketing",
                        new NewBid(RESERVE, "df:marketing", "Quảng cáo sản phẩm mới", "VN")))
                .hasMessageContaining("terms do not permit");

        AuctionService.Bid early = auctions.bid(first, auction.id(), "s-1", research(1_500_000));
        assertThat(held(first.orgId())).isEqualTo(heldBefore.get(first.orgId()) + 1_650_000);
        assertThat(cash(first.orgId())).isEqualTo(cashBefore.get(first.orgId()) - 1_650_000);
        // The same bid submitted twice is one bid, one deposit.
        assertThat(auctions.bid(first, auction.id(), "s-1", research(1_500_000)).id())
                .isEqualTo(early.id());
        assertThat(held(first.orgId())).isEqualTo(heldBefore.get(first.orgId()) + 1_650_000);
        assertThatThrownBy(() -> auctions.bid(first, auction.id(), "s-1", research(1_600_000)))
                .hasMessageContaining("Idempotency-Key");

        clock.advance(Duration.ofMinutes(5));
        AuctionService.Bid tie = auctions.bid(second, auction.id(), "s-2", research(1_500_000));
        auctions.bid(third, auction.id(), "s-3", research(1_200_000));
        clock.advance(Duration.ofMinutes(5));
        // A raise supersedes the bidder's previous bid and tops its deposit up by the difference.
        auctions.bid(third, auction.id(), "s-4", research(1_300_000));
        assertThat(held(third.orgId())).isEqualTo(heldBefore.get(third.orgId()) + 1_430_000);
        assertThatThrownBy(() -> auctions.bid(third, auction.id(), "s-5", research(1_250_000)))
                .hasMessageContaining("must be above");

        // Sealed: the public sees how many bids, never an amount; each bidder sees its own.
        AuctionService.View publicView = auctions.view(null, auction.id());
        assertThat(publicView.bids()).isEqualTo(4);
        assertThat(publicView.bidders()).isEqualTo(3);
        assertThat(publicView.highest()).isNull();
        assertThat(publicView.own()).isEmpty();
        assertThat(auctions.view(third, auction.id()).own()).hasSize(2);

        // Not before the deadline; and after it, no more bids.
        Actor provider = actor("qltt.dulieu");
        assertThatThrownBy(() -> auctions.close(provider, auction.id())).hasMessageContaining("not before");
        clock.advance(Duration.ofDays(2));
        assertThatThrownBy(() -> auctions.bid(second, auction.id(), "s-late", research(3_000_000)))
                .hasMessageContaining("late bids refused");
        // Others may not close it.
        assertThatThrownBy(() -> auctions.close(second, auction.id())).isInstanceOf(RuntimeException.class);

        AuctionService.Auction closed = auctions.close(provider, auction.id());
        assertThat(closed.state()).isEqualTo(Status.SOLD);
        // The tie at 1,500,000 goes to the earlier bid.
        assertThat(closed.winningBid()).isEqualTo(early.id());
        assertThat(closed.winningBid()).isNotEqualTo(tie.id());
        assertThat(closed.price()).isEqualTo(1_500_000);
        ContractService.Contract contract =
                contracts.contract(closed.contractId()).orElseThrow();
        assertThat(contract.state()).isEqualTo(State.FINALIZED);
        assertThat(contract.buyerOrg()).isEqualTo(first.orgId());
        assertThat(contract.auctionId()).isEqualTo(auction.id());
        assertThat(contract.purpose()).isEqualTo("df:research");
        assertThat(contract.price() + contract.vat()).isEqualTo(1_650_000);
        // The winner paid from its deposit: nothing more left its cash, nothing stays held.
        assertThat(cash(first.orgId())).isEqualTo(cashBefore.get(first.orgId()) - 1_650_000);
        assertThat(held(first.orgId())).isEqualTo(heldBefore.get(first.orgId()));
        assertThat(cash(providerOrg)).isEqualTo(providerBefore + 1_500_000 - contracts.platformFee(1_500_000));
        // The losers have their deposits back.
        for (Actor loser : List.of(second, third)) {
            assertThat(cash(loser.orgId())).isEqualTo(cashBefore.get(loser.orgId()));
            assertThat(held(loser.orgId())).isEqualTo(heldBefore.get(loser.orgId()));
        }
        assertThat(trialTotal()).isZero();
        assertThat(events(EventType.AUCTION_CLOSED, Long.toString(auction.id())))
                .isEqualTo(1);
        AuctionService.View after = auctions.view(null, auction.id());
        assertThat(after.highest()).isEqualTo(1_500_000);
        assertThat(after.winner()).isNotBlank();

        // A retried close (by hand or by the schedule) changes nothing.
        long transactions = journal.trialBalance().transactions();
        assertThat(auctions.close(actor("admin"), auction.id()).state()).isEqualTo(Status.SOLD);
        assertThat(auctions.closeDue()).isZero();
        assertThat(journal.trialBalance().transactions()).isEqualTo(transactions);
        assertThat(cash(second.orgId())).isEqualTo(cashBefore.get(second.orgId()));
        assertThat(events(EventType.AUCTION_CLOSED, Long.toString(auction.id())))
                .isEqualTo(1);

        // The offer may be auctioned again; an auction without bids closes without a sale.
        AuctionService.Auction again = open(offer, Kind.SEALED, null);
        clock.advance(Duration.ofDays(3));
        auctions.closeDue();
        assertThat(auctions.auction(again.id()).orElseThrow().state()).isEqualTo(Status.NO_SALE);
        assertThat(auctions.auction(again.id()).orElseThrow().contractId()).isNull();
    }

    @Test
    void anAscendingAuctionShowsTheHighestAndEachBidMustBeatItByTheIncrement() {
        closeEarlierAuctions();
        OfferService.Offer offer = auctionOffer("Đấu giá công khai danh mục");
        AuctionService.Auction auction = open(offer, Kind.ASCENDING, 100_000L);
        Actor a = actor("saomai.admin");
        Actor b = actor("vien.phantich");
        topUp(a.orgId(), 10_000_000, "T-AUCTION-A1");
        topUp(b.orgId(), 10_000_000, "T-AUCTION-A2");
        long cashA = cash(a.orgId());
        long heldA = held(a.orgId());
        long cashB = cash(b.orgId());
        long heldB = held(b.orgId());

        auctions.bid(a, auction.id(), "a-1", research(RESERVE));
        assertThat(auctions.view(null, auction.id()).highest()).isEqualTo(RESERVE);
        assertThat(auctions.view(null, auction.id()).nextMinimum()).isEqualTo(1_100_000);
        assertThatThrownBy(() -> auctions.bid(b, auction.id(), "b-1", research(1_050_000)))
                .hasMessageContaining("at least the current highest");
        auctions.bid(b, auction.id(), "b-2", research(1_100_000));
        // A's raise: its deposit grows by the difference (bid and VAT), from 1,100,000 to 1,320,000.
        auctions.bid(a, auction.id(), "a-2", research(1_200_000));
        assertThat(held(a.orgId())).isEqualTo(heldA + 1_320_000);
        assertThat(cash(a.orgId())).isEqualTo(cashA - 1_320_000);
        AuctionService.View view = auctions.view(b, auction.id());
        assertThat(view.highest()).isEqualTo(1_200_000);
        assertThat(view.bids()).isEqualTo(3);
        assertThat(view.own())
                .singleElement()
                .satisfies(bid -> assertThat(bid.amount()).isEqualTo(1_100_000));
        assertThat(trialTotal()).isZero();

        clock.advance(Duration.ofDays(2).plusSeconds(1));
        assertThat(auctions.closeDue()).isGreaterThanOrEqualTo(0);
        AuctionService.Auction closed = auctions.close(actor("admin"), auction.id());
        assertThat(closed.state()).isEqualTo(Status.SOLD);
        assertThat(closed.price()).isEqualTo(1_200_000);
        ContractService.Contract contract =
                contracts.contract(closed.contractId()).orElseThrow();
        assertThat(contract.state()).isEqualTo(State.FINALIZED);
        assertThat(contract.buyerOrg()).isEqualTo(a.orgId());
        assertThat(cash(a.orgId())).isEqualTo(cashA - 1_320_000);
        assertThat(held(a.orgId())).isEqualTo(heldA);
        assertThat(cash(b.orgId())).isEqualTo(cashB);
        assertThat(held(b.orgId())).isEqualTo(heldB);
        assertThat(trialTotal()).isZero();
    }

    @Test
    void noOneBidsOnItsOwnOfferAndOnlyTheProviderOpensAnAuction() {
        OfferService.Offer offer = auctionOffer("Đấu giá của chính mình");
        UserAccount steward = users.findByUsername("qltt.dulieu").orElseThrow();
        Actor providerAdmin = new Actor(steward.id(), "qltt", steward.orgId(), Set.of(Role.ORG_ADMIN), null, Set.of());
        assertThatThrownBy(() -> auctions.open(
                        actor("saomai.admin"),
                        offer.id(),
                        new AuctionService.NewAuction(
                                Kind.SEALED, clock.instant().plus(Duration.ofDays(1)), null)))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> auctions.open(
                        providerAdmin,
                        offer.id(),
                        new AuctionService.NewAuction(
                                Kind.SEALED, clock.instant().plus(Duration.ofDays(91)), null)))
                .hasMessageContaining("90 days");
        assertThatThrownBy(() -> auctions.open(
                        providerAdmin,
                        offer.id(),
                        new AuctionService.NewAuction(
                                Kind.SEALED, clock.instant().minusSeconds(1), null)))
                .hasMessageContaining("future");
        AuctionService.Auction auction = open(offer, Kind.SEALED, null);
        topUp(providerAdmin.orgId(), 5_000_000, "T-AUCTION-OWN");
        assertThatThrownBy(() -> auctions.bid(providerAdmin, auction.id(), "own-1", research(RESERVE)))
                .hasMessageContaining("own offer");
        // Without the money for the deposit: 409, nothing placed.
        Actor poor = actor("thue.admin");
        assertThatThrownBy(() -> auctions.bid(poor, auction.id(), "poor-1", research(RESERVE)))
                .isInstanceOf(MoneyJournal.InsufficientFundsException.class);
        assertThat(auctions.view(null, auction.id()).bids()).isZero();
    }

    @Test
    void concurrentBiddersLeaveTheJournalBalancedAndEveryDepositCoveringItsStandingBid() throws Exception {
        closeEarlierAuctions();
        OfferService.Offer offer = auctionOffer("Đấu giá đồng thời");
        AuctionService.Auction auction = open(offer, Kind.SEALED, null);
        List<Actor> bidders =
                List.of(actor("saomai.admin"), actor("vien.phantich"), actor("yte.admin"), actor("thue.admin"));
        Map<Long, Long> cashBefore = new LinkedHashMap<>();
        Map<Long, Long> heldBefore = new LinkedHashMap<>();
        int n = 0;
        for (Actor bidder : bidders) {
            // The last bidder can afford only its first two bids' deposits.
            topUp(bidder.orgId(), n == 3 ? 1_400_000 : 20_000_000, "T-AUCTION-C" + n);
            n++;
            cashBefore.put(bidder.orgId(), cash(bidder.orgId()));
            heldBefore.put(bidder.orgId(), held(bidder.orgId()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<String>> calls = new ArrayList<>();
        for (int b = 0; b < bidders.size(); b++) {
            Actor bidder = bidders.get(b);
            for (int k = 0; k < 6; k++) {
                long amount = RESERVE + 10_000L * (k + 1) + b;
                String key = "c-" + b + "-" + k;
                Callable<String> call = () -> {
                    try {
                        return "ok "
                                + auctions.bid(bidder, auction.id(), key, research(amount))
                                        .id();
                    } catch (ProblemException e) {
                        return "refused " + e.getMessage();
                    }
                };
                calls.add(call);
                calls.add(call); // every bid submitted twice
            }
        }
        List<String> results = new ArrayList<>();
        for (Future<String> f : pool.invokeAll(calls)) {
            results.add(f.get());
        }
        pool.shutdown();
        assertThat(results).anyMatch(r -> r.startsWith("ok"));
        assertThat(trialTotal()).isZero();
        for (MoneyJournal.Balance balance : journal.trialBalance().balances()) {
            if (balance.account().kind().ofOrganisation()) {
                assertThat(balance.balance()).as(balance.toString()).isNotNegative();
            }
        }
        // Each bidder's deposit is exactly its standing bid plus VAT: no raise paid twice, none lost.
        List<AuctionService.Bid> standing = auctions.currentBids(auction.id());
        for (AuctionService.Bid bid : standing) {
            assertThat(held(bid.bidderOrg()) - heldBefore.get(bid.bidderOrg()))
                    .as("deposit of organisation " + bid.bidderOrg())
                    .isEqualTo(bid.total());
            assertThat(cash(bid.bidderOrg())).isEqualTo(cashBefore.get(bid.bidderOrg()) - bid.total());
        }
        // A doubled key made one bid.
        assertThat(jdbc.sql("select count(*) from exchange_bid where auction_id = ?")
                        .param(auction.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(results.stream()
                        .filter(r -> r.startsWith("ok"))
                        .distinct()
                        .count());

        clock.advance(Duration.ofDays(3));
        // The schedule and the provider close at once: one close.
        ExecutorService closers = Executors.newFixedThreadPool(2);
        Actor provider = actor("qltt.dulieu");
        List<Future<Object>> done = closers.invokeAll(
                List.<Callable<Object>>of(() -> auctions.closeDue(), () -> auctions.close(provider, auction.id())));
        for (Future<Object> f : done) {
            f.get();
        }
        closers.shutdown();
        AuctionService.Auction closed = auctions.auction(auction.id()).orElseThrow();
        assertThat(closed.state()).isEqualTo(Status.SOLD);
        assertThat(closed.price()).isEqualTo(standing.get(0).amount());
        for (Actor bidder : bidders) {
            assertThat(held(bidder.orgId())).isEqualTo(heldBefore.get(bidder.orgId()));
        }
        assertThat(jdbc.sql("select count(*) from exchange_contract where auction_id = ?")
                        .param(auction.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(trialTotal()).isZero();
    }

    @Test
    void theApiTakesBidsWithAnIdempotencyKeyAndKeepsSealedAmountsHidden() throws Exception {
        OfferService.Offer offer = auctionOffer("Đấu giá qua API");
        AuctionService.Auction auction = open(offer, Kind.SEALED, null);
        Actor bidder = actor("saomai.phantich");
        topUp(bidder.orgId(), 5_000_000, "T-AUCTION-API");
        MockHttpSession session = login("saomai.phantich");
        String body = """
                {"amount": 1234000, "purpose": "df:statistics", "scenario": "Thống kê giá cả thị trường"}""";
        String first = mvc.perform(post("/api/exchange/auctions/" + auction.id() + "/bids")
                        .session(session)
                        .with(csrf())
                        .header("Idempotency-Key", "api-bid-1")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString();
        String second = mvc.perform(post("/api/exchange/auctions/" + auction.id() + "/bids")
                        .session(session)
                        .with(csrf())
                        .header("Idempotency-Key", "api-bid-1")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isCreated())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(second).isEqualTo(first);
        mvc.perform(post("/api/exchange/auctions/" + auction.id() + "/bids")
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isBadRequest());
        mvc.perform(get("/api/exchange/auctions/" + auction.id()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.bids").value(1))
                .andExpect(jsonPath("$.highest").doesNotExist())
                .andExpect(jsonPath("$.auction.reserve").value(RESERVE));
        mvc.perform(get("/api/exchange/auctions/" + auction.id()).session(session))
                .andExpect(jsonPath("$.own[0].amount").value(1_234_000));
        mvc.perform(get("/exchange/auctions/" + auction.id()))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content()
                        .string(org.hamcrest.Matchers.containsString("1.100.000 ₫")));
        mvc.perform(get("/exchange/auctions")).andExpect(status().isOk());
        mvc.perform(post("/api/exchange/auctions/" + auction.id() + "/close")
                        .session(login("qltt.dulieu"))
                        .with(csrf()))
                .andExpect(status().isConflict());
    }
}
