package vn.datafloor.server.exchange;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.policy.Decision;
import vn.datafloor.policy.OdrlJson;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.exchange.MoneyJournal.AccountKind;
import vn.datafloor.server.exchange.MoneyJournal.Posting;
import vn.datafloor.server.exchange.MoneyJournal.TransactionKind;
import vn.datafloor.server.exchange.OfferService.Offer;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Auctions of AUCTION-model offers (Decree 169/2025, art. 32: data auctions; state data from a
 * starting price not below its input cost). A provider opens one auction per offer, sealed (bids
 * hidden until the close) or ascending (the highest shown, each new bid above it by the minimum
 * increment), with the offer's price as the reserve and a deadline.
 *
 * <p>Every bid is backed by money: a deposit of the bid plus its VAT moves from the bidder's cash to
 * its held account in the bid's own database transaction, so a bidder cannot promise money it does
 * not have nor spend it while the auction runs; a raise tops the deposit up by the difference. Bids
 * on one auction queue on its row lock, so concurrent bidders see each other's bids and the journal
 * stays balanced. At the deadline the highest bid wins (ties go to the earliest): its agreement is
 * formed and paid from the deposit in the same transaction that releases every loser's deposit;
 * each release has its own idempotency key and the auction's state is checked under the lock, so a
 * retried or concurrent close changes nothing.
 */
@Service
public class AuctionService {

    private static final Logger LOG = LoggerFactory.getLogger(AuctionService.class);

    /** How far ahead a deadline may be: long enough for a public call for bids, short enough to hold deposits. */
    static final Duration LONGEST = Duration.ofDays(90);

    public enum Kind {
        /** Bids are hidden until the close; each bidder bids its price once (or raises it). */
        SEALED,
        /** The current highest bid is shown; each new bid is at least the highest plus the increment. */
        ASCENDING
    }

    public enum Status {
        OPEN,
        SOLD,
        NO_SALE
    }

    public record Auction(
            long id,
            long offerId,
            long productId,
            long providerOrg,
            Kind kind,
            long reserve,
            long minIncrement,
            int vatPercent,
            Instant closesAt,
            Status state,
            Long openedBy,
            Instant openedAt,
            Instant closedAt,
            Long winningBid,
            Long price,
            Long contractId) {

        public long reserveVat() {
            return OfferService.vatOn(reserve, vatPercent);
        }

        public long reserveTotal() {
            return reserve + reserveVat();
        }

        public boolean open() {
            return state == Status.OPEN;
        }
    }

    public record Bid(
            long id,
            long auctionId,
            long bidderOrg,
            long amount,
            long vat,
            long deposit,
            String purpose,
            String scenario,
            boolean superseded,
            Instant placedAt) {

        /** What the bidder pays if it wins: the bid and its VAT, which its deposit covers. */
        public long total() {
            return amount + vat;
        }
    }

    /** What a provider asks for: the kind, the deadline and, for ascending auctions, the minimum increment. */
    public record NewAuction(Kind kind, Instant closesAt, Long minIncrement) {}

    /** A bid: the price before VAT, the declared purpose and scenario, and where the data is used (default VN). */
    public record NewBid(Long amount, String purpose, String scenario, String territory) {}

    /**
     * An auction as the caller may see it. {@code highest} is shown for ascending auctions and, once
     * closed, for sealed ones; {@code own} are the caller's organisation's bids.
     */
    public record View(
            Auction auction,
            String product,
            String offer,
            String provider,
            long reserveVat,
            long reserveTotal,
            long bids,
            long bidders,
            Long highest,
            Long nextMinimum,
            String winner,
            List<Bid> own,
            long ownDeposit,
            boolean due,
            boolean canBid,
            boolean canClose) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final OfferService offers;
    private final ProductService products;
    private final ContractService contracts;
    private final CatalogService catalog;
    private final OrganisationService organisations;
    private final MoneyJournal journal;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;

    AuctionService(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            OfferService offers,
            ProductService products,
            ContractService contracts,
            CatalogService catalog,
            OrganisationService organisations,
            MoneyJournal journal,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.offers = offers;
        this.products = products;
        this.contracts = contracts;
        this.catalog = catalog;
        this.organisations = organisations;
        this.journal = journal;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ opening

    /**
     * Opens an auction on one of the organisation's AUCTION-model offers of a listed product.
     *
     * @throws ProblemException 400 for a bad kind, deadline or increment; 409 for an offer that is not
     *     sold by auction, withdrawn, unlisted, or already has an open auction
     */
    public Auction open(Actor actor, long offerId, NewAuction request) {
        Offer offer = offers.offer(offerId).orElseThrow(() -> ProblemException.notFound("No offer " + offerId));
        ProductService.Product product = products.product(offer.productId()).orElseThrow();
        policy.require(actor, Action.MANAGE_AUCTIONS, product.orgId());
        if (offer.priceModel() != PriceModel.AUCTION) {
            throw ProblemException.conflict(
                    "auction.notAuctionOffer", "Only an offer with the AUCTION price model is auctioned");
        }
        if (!offer.active()) {
            throw ProblemException.conflict("auction.offerWithdrawn", "This offer was withdrawn");
        }
        if (product.status() != ProductService.Status.APPROVED) {
            throw ProblemException.conflict(
                    "auction.notListed", "The product is not listed: it must pass inspection before it is auctioned");
        }
        if (request == null || request.kind() == null) {
            throw ProblemException.badRequest("auction.kindMissing", "Choose the kind of auction: SEALED or ASCENDING");
        }
        Instant now = now();
        Instant closes = request.closesAt() == null ? null : request.closesAt().truncatedTo(ChronoUnit.MILLIS);
        if (closes == null || !closes.isAfter(now) || closes.isAfter(now.plus(LONGEST))) {
            throw ProblemException.badRequest(
                    "auction.deadlineInvalid",
                    "The deadline is in the future and at most 90 days away",
                    LONGEST.toDays());
        }
        long reserve = offer.price();
        if (offer.inputCost() != null && reserve < offer.inputCost()) {
            // OfferService refuses such an offer already; state data is never auctioned below its cost.
            throw ProblemException.conflict(
                    "auction.reserveBelowCost",
                    "The reserve " + reserve + " đồng is below the declared input cost " + offer.inputCost() + " đồng",
                    reserve,
                    offer.inputCost());
        }
        long increment = 0;
        if (request.kind() == Kind.ASCENDING) {
            increment = request.minIncrement() == null ? Math.max(1, reserve / 100) : request.minIncrement();
            if (increment < 1 || increment > OfferService.MAX_PRICE) {
                throw ProblemException.badRequest(
                        "auction.incrementInvalid", "The minimum increment is a positive number of đồng");
            }
        }
        if (openAuctionOf(offerId).isPresent()) {
            throw alreadyOpen();
        }
        long increment0 = increment;
        try {
            long id = transactions.execute(status -> {
                jdbc.sql("""
                                insert into exchange_auction(offer_id, product_id, provider_org, kind, reserve, min_increment,
                                  vat_percent, closes_at, state, open_offer, opened_by, opened_at)
                                values (?,?,?,?,?,?,?,?,?,?,?,?)""")
                        .params(
                                offerId,
                                product.id(),
                                product.orgId(),
                                request.kind().name(),
                                reserve,
                                increment0,
                                offer.vatPercent(),
                                Timestamp.from(closes),
                                Status.OPEN.name(),
                                offerId,
                                actor.personId(),
                                Timestamp.from(now))
                        .update();
                long auctionId = jdbc.sql("select id from exchange_auction where open_offer = ?")
                        .param(offerId)
                        .query(Long.class)
                        .single();
                audit.record(new AuditEvent(
                        EventType.AUCTION_OPENED,
                        actor.personId(),
                        actor.personName(),
                        product.orgId(),
                        AuditEvent.Outcome.SUCCESS,
                        ClientAddress.current(),
                        "auction " + auctionId + " of offer " + offerId + ": " + request.kind() + ", reserve " + reserve
                                + " đồng, closes " + closes,
                        Map.of(
                                "auction",
                                Long.toString(auctionId),
                                "offer",
                                Long.toString(offerId),
                                "kind",
                                request.kind().name(),
                                "reserve",
                                Long.toString(reserve),
                                "closesAt",
                                closes.toString())));
                return auctionId;
            });
            return auction(id).orElseThrow();
        } catch (DuplicateKeyException concurrentlyOpened) {
            throw alreadyOpen();
        }
    }

    private static ProblemException alreadyOpen() {
        return ProblemException.conflict(
                "auction.alreadyOpen", "This offer already has an open auction; wait for it to close");
    }

    // ------------------------------------------------------------------ bidding

    /**
     * A bid for the bidder's organisation, backed by a deposit of the bid plus its VAT. The same key
     * from the same organisation returns the same bid, however often and concurrently it is sent.
     *
     * @throws ProblemException 400 below the reserve or for a bad purpose or scenario; 403 when the
     *     offer's terms do not permit the declared use; 409 for one's own offer, a late bid, a bid not
     *     above the current highest plus the increment or one's own previous bid, a key reused for
     *     another bid, or not enough money for the deposit
     */
    public Bid bid(Actor actor, long auctionId, String idempotencyKey, NewBid request) {
        if (actor.orgId() == null) {
            throw ProblemException.badRequest("auction.noOrganisation", "Organisations bid; you belong to none");
        }
        policy.require(actor, Action.BUY_DATA, actor.orgId());
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw ProblemException.badRequest(
                    "auction.keyMissing", "Send an Idempotency-Key header of 1-200 characters with every bid");
        }
        if (request == null) {
            throw ProblemException.badRequest("auction.amountInvalid", "Give the bid's amount in đồng before VAT");
        }
        String bidKey = actor.orgId() + ":" + idempotencyKey;
        Optional<Bid> earlier = byKey(bidKey);
        if (earlier.isPresent()) {
            return same(earlier.get(), auctionId, request);
        }
        Auction auction = visible(actor, auctionId);
        Offer offer = offers.offer(auction.offerId()).orElseThrow();
        ProductService.Product product = products.product(auction.productId()).orElseThrow();
        if (auction.providerOrg() == actor.orgId()) {
            throw ProblemException.conflict("auction.ownOffer", "An organisation cannot bid on its own offer");
        }
        Long amount = request.amount();
        if (amount == null || amount <= 0 || amount > OfferService.MAX_PRICE) {
            throw ProblemException.badRequest(
                    "auction.amountInvalid",
                    "A bid is a whole number of đồng before VAT, up to " + OfferService.MAX_PRICE);
        }
        String purpose = request.purpose() == null ? "" : request.purpose().strip();
        if (!OfferService.PURPOSES.contains(purpose)) {
            throw ProblemException.badRequest(
                    "auction.purposeInvalid", "Declare the purpose of use, one of " + OfferService.PURPOSES, purpose);
        }
        String scenario = OfferService.text(
                request.scenario(),
                10,
                2000,
                "auction.scenarioInvalid",
                "how the data will be used (10-2000 characters)");
        String territory = request.territory() == null || request.territory().isBlank()
                ? "VN"
                : request.territory().strip();
        if (!territory.matches("[A-Z]{2}(-[A-Z0-9]{1,3})?")) {
            throw ProblemException.badRequest(
                    "auction.territory", "Where the data is used: a country or province code such as VN or VN-HN");
        }
        // Refused before any money moves: a closed auction, a late bid, one below the reserve.
        check(auction, amount, now());
        if (!offer.active() || product.status() != ProductService.Status.APPROVED) {
            throw ProblemException.conflict(
                    "auction.notListed", "The offer is withdrawn or its product is no longer listed");
        }
        // The winner's agreement takes the winning bid's purpose: it must be one the terms permit.
        checkTerms(actor, offer, product, purpose, territory);
        contracts.prepareAccounts(actor.orgId(), auction.providerOrg());
        try {
            long id = transactions.execute(
                    status -> place(actor, auctionId, bidKey, amount, purpose, scenario, auction.kind()));
            return bid(id).orElseThrow();
        } catch (DuplicateKeyException doubleSubmit) {
            return same(byKey(bidKey).orElseThrow(), auctionId, request);
        } catch (ProblemException refused) {
            // A retry racing its first attempt sees the first attempt's outcome, not a later refusal.
            Optional<Bid> made = byKey(bidKey);
            if (made.isPresent()) {
                return same(made.get(), auctionId, request);
            }
            throw refused;
        }
    }

    private void check(Auction auction, long amount, Instant now) {
        if (!auction.open()) {
            throw ProblemException.conflict("auction.isClosed", "This auction is closed");
        }
        if (!now.isBefore(auction.closesAt())) {
            throw ProblemException.conflict(
                    "auction.late",
                    "The auction's deadline " + auction.closesAt() + " has passed: late bids refused",
                    auction.closesAt().toString());
        }
        if (amount < auction.reserve()) {
            throw ProblemException.badRequest(
                    "auction.belowReserve",
                    "A bid of " + amount + " đồng is below the reserve price of " + auction.reserve() + " đồng",
                    amount,
                    auction.reserve());
        }
    }

    /** In one transaction, under the auction's row lock: the bid checked against the others, stored, and its deposit. */
    private long place(
            Actor actor, long auctionId, String bidKey, long amount, String purpose, String scenario, Kind kind) {
        Auction auction = lock(auctionId);
        Optional<Bid> doubled = byKey(bidKey);
        if (doubled.isPresent()) {
            // The same bid sent twice at once: the first one, committed while this one waited for the lock.
            return doubled.get().id();
        }
        Instant now = now();
        check(auction, amount, now);
        List<Bid> current = currentBids(auctionId);
        long org = actor.orgId();
        Optional<Bid> mine = current.stream().filter(b -> b.bidderOrg() == org).findFirst();
        if (kind == Kind.ASCENDING && !current.isEmpty()) {
            long minimum = current.get(0).amount() + auction.minIncrement();
            if (amount < minimum) {
                throw ProblemException.conflict(
                        "auction.tooLow",
                        "A bid must be at least the current highest plus the increment: " + minimum + " đồng",
                        minimum);
            }
        }
        if (mine.isPresent() && amount <= mine.get().amount()) {
            throw ProblemException.conflict(
                    "auction.notRaised",
                    "A new bid replaces your previous bid of " + mine.get().amount() + " đồng and must be above it",
                    mine.get().amount());
        }
        long vat = OfferService.vatOn(amount, auction.vatPercent());
        long held = heldFor(auctionId, org);
        // The deposit always covers the standing bid and its VAT: a raise adds only the difference.
        long deposit = amount + vat - held;
        jdbc.sql("""
                        insert into exchange_bid(auction_id, bidder_org, amount, vat, deposit, purpose, scenario, bid_key,
                          superseded, placed_by, placed_at)
                        values (?,?,?,?,?,?,?,?,false,?,?)""")
                .params(
                        auctionId,
                        org,
                        amount,
                        vat,
                        deposit,
                        purpose,
                        scenario,
                        bidKey,
                        actor.personId(),
                        Timestamp.from(now))
                .update();
        long id = jdbc.sql("select id from exchange_bid where bid_key = ?")
                .param(bidKey)
                .query(Long.class)
                .single();
        jdbc.sql("update exchange_bid set superseded = true where auction_id = ? and bidder_org = ? and id <> ?")
                .params(auctionId, org, id)
                .update();
        if (deposit > 0) {
            journal.post(
                    TransactionKind.DEPOSIT,
                    "auction:" + auctionId + ":bid:" + id,
                    List.of(new Posting(cash(org), -deposit), new Posting(heldAccount(org), deposit)),
                    "Deposit for bid " + id + " in auction " + auctionId,
                    actor.personId(),
                    org);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("auction", Long.toString(auctionId));
        details.put("bid", Long.toString(id));
        details.put("bidder", Long.toString(org));
        if (kind == Kind.ASCENDING) {
            // A sealed bid's amount stays off the ledger until the close, when the winning price goes on it.
            details.put("amount", Long.toString(amount));
        }
        audit.record(new AuditEvent(
                EventType.BID_PLACED,
                actor.personId(),
                actor.personName(),
                org,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "bid " + id + " in auction " + auctionId + (kind == Kind.ASCENDING ? ": " + amount + " đồng" : ""),
                details));
        return id;
    }

    private void checkTerms(
            Actor actor, Offer offer, ProductService.Product product, String purpose, String territory) {
        Organisation bidder = organisations.find(actor.orgId()).orElseThrow();
        String importance = catalog.stored(product.catalogSlug())
                .map(CatalogEntry::importance)
                .orElse("other");
        Decision decision = OfferTerms.check(
                OdrlJson.read(offer.policy()),
                OfferService.orgUri(actor.orgId()),
                purpose,
                bidder.kind().name(),
                territory,
                importance,
                now());
        if (!decision.permitted()) {
            List<String> reasons = decision.reasons().stream()
                    .filter(r -> r.kind() != Decision.ReasonKind.PERMITTED)
                    .map(Decision.Reason::toString)
                    .toList();
            throw new ProblemException(
                    HttpStatus.FORBIDDEN,
                    "auction.notPermitted",
                    "The offer's terms do not permit this use: " + String.join("; ", reasons),
                    purpose);
        }
    }

    private static Bid same(Bid earlier, long auctionId, NewBid request) {
        if (earlier.auctionId() != auctionId || request.amount() == null || earlier.amount() != request.amount()) {
            throw ProblemException.conflict(
                    "auction.keyReused", "This Idempotency-Key was used for another bid; use a new key");
        }
        return earlier;
    }

    // ------------------------------------------------------------------ closing

    /** Closes every open auction whose deadline has passed. */
    @Scheduled(fixedDelayString = "${datafloor.exchange.auction-tick:PT30S}", initialDelayString = "PT20S")
    void tick() {
        int closed = closeDue();
        if (closed > 0) {
            LOG.info("Auctions: {} closed at their deadline", closed);
        }
    }

    /** Closes every auction whose deadline has passed; one that fails is retried at the next tick. */
    public int closeDue() {
        List<Long> due = jdbc.sql(
                        "select id from exchange_auction where state = 'OPEN' and closes_at <= ? order by closes_at, id")
                .param(Timestamp.from(now()))
                .query(Long.class)
                .list();
        int closed = 0;
        for (long id : due) {
            try {
                if (closeOnce(id, null)) {
                    closed++;
                }
            } catch (RuntimeException e) {
                LOG.warn("Auction {} could not be closed; retried at the next tick", id, e);
            }
        }
        return closed;
    }

    /**
     * Closes an auction whose deadline has passed, on its provider's or the operator's request (the
     * schedule does the same). Closing a closed auction changes nothing.
     */
    public Auction close(Actor actor, long auctionId) {
        Auction auction = visible(actor, auctionId);
        mayClose(actor, auction, true);
        if (auction.open() && now().isBefore(auction.closesAt())) {
            throw ProblemException.conflict(
                    "auction.notDue",
                    "The auction closes at its deadline " + auction.closesAt() + ", not before",
                    auction.closesAt().toString());
        }
        closeOnce(auctionId, actor.personId());
        return auction(auctionId).orElseThrow();
    }

    /**
     * The provider (its auction managers) or the operator, who runs the market's listing. With
     * {@code require}, anyone else is refused as the policy decides for the provider's organisation.
     */
    private boolean mayClose(Actor actor, Auction auction, boolean require) {
        if (actor == null) {
            if (require) {
                policy.require(null, Action.MANAGE_AUCTIONS, auction.providerOrg());
            }
            return false;
        }
        vn.datafloor.server.authz.Decision provider =
                policy.decide(actor, Action.MANAGE_AUCTIONS, auction.providerOrg());
        if (provider.allowed() || policy.decide(actor, Action.INSPECT_PRODUCTS).allowed()) {
            return true;
        }
        if (require) {
            throw new NotPermittedException(provider, Action.MANAGE_AUCTIONS);
        }
        return false;
    }

    /** @return whether this call closed it (false: it was closed already, or is not due) */
    private boolean closeOnce(long auctionId, Long by) {
        Auction before = auction(auctionId).orElseThrow();
        if (!before.open()) {
            return false;
        }
        // Accounts are created outside the closing transaction (creating one inside could abort it on PostgreSQL).
        List<Bid> standing = currentBids(auctionId);
        for (Bid bid : standing) {
            contracts.prepareAccounts(bid.bidderOrg(), before.providerOrg());
        }
        Boolean closed = transactions.execute(status -> {
            Auction auction = lock(auctionId);
            if (!auction.open() || now().isBefore(auction.closesAt())) {
                return false;
            }
            List<Bid> bids = currentBids(auctionId);
            // Every bidder's held account is locked up front, in id order: the charge and the releases below
            // each lock theirs as they post, and two auctions closing at once with bidders in common would
            // otherwise take them in different orders and deadlock.
            for (long accountId : bids.stream()
                    .map(b -> heldAccount(b.bidderOrg()))
                    .sorted()
                    .distinct()
                    .toList()) {
                jdbc.sql("select id from money_account where id = ? for update")
                        .param(accountId)
                        .query(Long.class)
                        .single();
            }
            Offer offer = offers.offer(auction.offerId()).orElseThrow();
            boolean sellable = offer.active()
                    && products.product(auction.productId())
                            .map(p -> p.status() == ProductService.Status.APPROVED)
                            .orElse(false);
            // The highest bid wins; among equal bids the earliest (currentBids orders them so).
            Bid winner = sellable && !bids.isEmpty() ? bids.get(0) : null;
            Long contractId = null;
            if (winner != null) {
                contractId = contracts
                        .award(
                                auctionId,
                                auction.offerId(),
                                winner.bidderOrg(),
                                winner.amount(),
                                winner.purpose(),
                                winner.scenario())
                        .id();
                long excess = heldFor(auctionId, winner.bidderOrg()) - winner.total();
                if (excess > 0) {
                    release(auctionId, winner.bidderOrg(), excess, "excess", "Excess deposit of the winner");
                }
            }
            Set<Long> losers = new TreeSet<>();
            for (Bid bid : bids) {
                if (winner == null || bid.bidderOrg() != winner.bidderOrg()) {
                    losers.add(bid.bidderOrg());
                }
            }
            for (long loser : losers) {
                long held = heldFor(auctionId, loser);
                if (held > 0) {
                    release(auctionId, loser, held, "release", "Deposit released: the bid did not win");
                }
            }
            Status outcome = winner == null ? Status.NO_SALE : Status.SOLD;
            Instant now = now();
            jdbc.sql("update exchange_auction set state = ?, open_offer = null, closed_at = ?, winning_bid = ?, "
                            + "price = ?, contract_id = ? where id = ? and state = 'OPEN'")
                    .params(
                            outcome.name(),
                            Timestamp.from(now),
                            winner == null ? null : winner.id(),
                            winner == null ? null : winner.amount(),
                            contractId,
                            auctionId)
                    .update();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("auction", Long.toString(auctionId));
            details.put("outcome", outcome.name());
            details.put("bids", Long.toString(bids.size()));
            if (winner != null) {
                details.put("winner", Long.toString(winner.bidderOrg()));
                details.put("price", Long.toString(winner.amount()));
                details.put("contract", Long.toString(contractId));
            }
            audit.record(new AuditEvent(
                    EventType.AUCTION_CLOSED,
                    by,
                    null,
                    auction.providerOrg(),
                    AuditEvent.Outcome.SUCCESS,
                    null,
                    "auction " + auctionId + " closed: "
                            + (winner == null
                                    ? "no sale"
                                    : "won by organisation " + winner.bidderOrg() + " at " + winner.amount()
                                            + " đồng, contract " + contractId),
                    details));
            return true;
        });
        return Boolean.TRUE.equals(closed);
    }

    /** Held back to cash, once per auction, bidder and reason (its key), however often the close is retried. */
    private void release(long auctionId, long org, long amount, String what, String description) {
        journal.post(
                TransactionKind.DEPOSIT_RELEASE,
                "auction:" + auctionId + ":" + what + ":" + org,
                List.of(new Posting(heldAccount(org), -amount), new Posting(cash(org), amount)),
                description + " (auction " + auctionId + ")",
                null,
                org);
    }

    // ------------------------------------------------------------------ reading

    /** Open auctions the caller may see, soonest deadline first. */
    public List<View> openAuctions(Actor actor) {
        return auctions("where state = 'OPEN' order by closes_at, id").stream()
                .filter(a -> maySee(actor, a))
                .map(a -> view(actor, a))
                .toList();
    }

    /** Closed auctions the caller may see, newest first (the last 50). */
    public List<View> closedAuctions(Actor actor) {
        return auctions("where state <> 'OPEN' order by closed_at desc, id desc fetch first 50 rows only").stream()
                .filter(a -> maySee(actor, a))
                .map(a -> view(actor, a))
                .toList();
    }

    public View view(Actor actor, long auctionId) {
        return view(actor, visible(actor, auctionId));
    }

    /** The organisation's AUCTION-model offers on listed products without an open auction, for the opening form. */
    public List<Offer> openable(Actor actor) {
        if (actor == null
                || actor.orgId() == null
                || !policy.decide(actor, Action.MANAGE_AUCTIONS, actor.orgId()).allowed()) {
            return List.of();
        }
        return offers.offers(
                "where active = true and price_model = 'AUCTION' and product_id in "
                        + "(select id from exchange_product where org_id = ? and status = 'APPROVED') "
                        + "and id not in (select offer_id from exchange_auction where state = 'OPEN') order by id",
                actor.orgId());
    }

    private View view(Actor actor, Auction auction) {
        List<Bid> all = bids(auction.id());
        List<Bid> current = currentBids(auction.id());
        long bidders = current.size();
        // A sealed auction shows no amount until it closes; then only the winning price.
        Long highest = !auction.open()
                ? auction.price()
                : auction.kind() == Kind.ASCENDING && !current.isEmpty()
                        ? Long.valueOf(current.get(0).amount())
                        : null;
        Long next = null;
        if (auction.open() && auction.kind() == Kind.ASCENDING) {
            next = current.isEmpty() ? auction.reserve() : current.get(0).amount() + auction.minIncrement();
        }
        List<Bid> own = actor == null || actor.orgId() == null
                ? List.of()
                : all.stream().filter(b -> b.bidderOrg() == actor.orgId()).toList();
        long ownDeposit =
                actor == null || actor.orgId() == null || !auction.open() ? 0 : heldFor(auction.id(), actor.orgId());
        String winner = null;
        if (auction.winningBid() != null) {
            winner = bid(auction.winningBid())
                    .flatMap(b -> organisations.find(b.bidderOrg()))
                    .map(Organisation::name)
                    .orElse(null);
        }
        Instant now = now();
        boolean canBid = auction.open()
                && now.isBefore(auction.closesAt())
                && actor != null
                && actor.orgId() != null
                && actor.orgId() != auction.providerOrg()
                && policy.decide(actor, Action.BUY_DATA, actor.orgId()).allowed();
        boolean due = auction.open() && !now.isBefore(auction.closesAt());
        return new View(
                auction,
                products.product(auction.productId())
                        .map(ProductService.Product::title)
                        .orElse(""),
                offers.offer(auction.offerId()).map(Offer::title).orElse(""),
                organisations
                        .find(auction.providerOrg())
                        .map(Organisation::name)
                        .orElse(""),
                auction.reserveVat(),
                auction.reserveTotal(),
                all.size(),
                bidders,
                highest,
                next,
                winner,
                own,
                ownDeposit,
                due,
                canBid,
                due && mayClose(actor, auction, false));
    }

    /** An auction is as visible as its offer: public, or private to its named buyers, its provider and the operator. */
    private Auction visible(Actor actor, long auctionId) {
        Auction auction = auction(auctionId).orElseThrow(() -> ProblemException.notFound("No auction " + auctionId));
        if (!maySee(actor, auction)) {
            throw ProblemException.notFound("No auction " + auctionId);
        }
        return auction;
    }

    private boolean maySee(Actor actor, Auction auction) {
        Optional<Offer> offer = offers.offer(auction.offerId());
        if (offer.isEmpty()) {
            return false;
        }
        if (OfferService.visibleTo(actor, offer.get())) {
            return true;
        }
        return actor != null
                && (policy.decide(actor, Action.MANAGE_AUCTIONS, auction.providerOrg())
                                .allowed()
                        || policy.decide(actor, Action.INSPECT_PRODUCTS).allowed());
    }

    public Optional<Auction> auction(long id) {
        List<Auction> found = auctions("where id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The offer's open auction, if any. */
    public Optional<Auction> openAuctionOf(long offerId) {
        List<Auction> found = auctions("where open_offer = ?", offerId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    Optional<Bid> bid(long id) {
        List<Bid> found = bidsWhere("where id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private Optional<Bid> byKey(String bidKey) {
        List<Bid> found = bidsWhere("where bid_key = ?", bidKey);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** Every bid of the auction, in the order placed. */
    List<Bid> bids(long auctionId) {
        return bidsWhere("where auction_id = ? order by id", auctionId);
    }

    /** Each bidder's standing bid, the winner first: highest, then earliest (a tie goes to the earlier bid). */
    List<Bid> currentBids(long auctionId) {
        return bidsWhere("where auction_id = ? and superseded = false order by amount desc, placed_at, id", auctionId);
    }

    /** What the organisation holds as deposit for this auction: the sum of its bids' deposits. */
    private long heldFor(long auctionId, long org) {
        return jdbc.sql("select coalesce(sum(deposit), 0) from exchange_bid where auction_id = ? and bidder_org = ?")
                .params(auctionId, org)
                .query(Long.class)
                .single();
    }

    private Auction lock(long auctionId) {
        jdbc.sql("select id from exchange_auction where id = ? for update")
                .param(auctionId)
                .query(Long.class)
                .single();
        return auction(auctionId).orElseThrow();
    }

    private List<Auction> auctions(String where, Object... params) {
        return jdbc.sql("""
                        select id, offer_id, product_id, provider_org, kind, reserve, min_increment, vat_percent, closes_at,
                          state, opened_by, opened_at, closed_at, winning_bid, price, contract_id
                        from exchange_auction""" + " " + where)
                .params(params)
                .query(AuctionService::auctionRow)
                .list();
    }

    private List<Bid> bidsWhere(String where, Object... params) {
        return jdbc.sql("""
                        select id, auction_id, bidder_org, amount, vat, deposit, purpose, scenario, superseded, placed_at
                        from exchange_bid""" + " " + where)
                .params(params)
                .query((rs, n) -> new Bid(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getBoolean(9),
                        rs.getTimestamp(10).toInstant()))
                .list();
    }

    private static Auction auctionRow(ResultSet rs, int n) throws SQLException {
        return new Auction(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                Kind.valueOf(rs.getString(5)),
                rs.getLong(6),
                rs.getLong(7),
                rs.getInt(8),
                rs.getTimestamp(9).toInstant(),
                Status.valueOf(rs.getString(10)),
                rs.getObject(11, Long.class),
                rs.getTimestamp(12).toInstant(),
                instant(rs.getTimestamp(13)),
                rs.getObject(14, Long.class),
                rs.getObject(15, Long.class),
                rs.getObject(16, Long.class));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** The time now to the millisecond, as stored (see ContractService.now). */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private long cash(long orgId) {
        return journal.account(orgId, AccountKind.CASH).id();
    }

    private long heldAccount(long orgId) {
        return journal.account(orgId, AccountKind.HELD).id();
    }
}
