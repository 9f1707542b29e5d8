package vn.datafloor.server.exchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.policy.Decision;
import vn.datafloor.policy.OdrlJson;
import vn.datafloor.policy.Policy;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.exchange.MoneyJournal.AccountKind;
import vn.datafloor.server.exchange.MoneyJournal.Posting;
import vn.datafloor.server.exchange.MoneyJournal.TransactionKind;
import vn.datafloor.server.exchange.OfferService.Offer;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.BatchCommit;
import vn.datafloor.server.platform.BatchCommit.Outcome;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.GroupCommit;
import vn.datafloor.server.platform.ProblemException;

/**
 * Contracts: a buyer's order for an offer, negotiated in the Eclipse Dataspace Protocol's states and
 * only along its transitions, so a DSP endpoint can sit in front of it. The declared purpose is checked
 * against the offer's ODRL terms before anything else; where the offer asks for it the provider
 * approves or refuses (the buyer's money is held meanwhile). An agreement records the exact policy,
 * price, parties, datasets and versions; its SHA-256 goes on the ledger. Money moves through the
 * journal in the same database transaction as the contract's state, with an invoice numbered without
 * gaps; a limited offer is never oversold and a doubled order never charges twice.
 */
@Service
public class ContractService {

    /** The Dataspace Protocol 2025-1 contract negotiation states. */
    public enum State {
        REQUESTED,
        OFFERED,
        ACCEPTED,
        AGREED,
        VERIFIED,
        FINALIZED,
        TERMINATED;

        /** The protocol's transitions: nothing else is ever written. */
        public Set<State> next() {
            return switch (this) {
                case REQUESTED -> EnumSet.of(OFFERED, AGREED, TERMINATED);
                case OFFERED -> EnumSet.of(REQUESTED, ACCEPTED, TERMINATED);
                case ACCEPTED -> EnumSet.of(AGREED, TERMINATED);
                case AGREED -> EnumSet.of(VERIFIED, TERMINATED);
                case VERIFIED -> EnumSet.of(FINALIZED, TERMINATED);
                case FINALIZED, TERMINATED -> EnumSet.noneOf(State.class);
            };
        }
    }

    public record Contract(
            long id,
            long offerId,
            long productId,
            long providerOrg,
            long buyerOrg,
            State state,
            String purpose,
            String scenario,
            long price,
            long vat,
            long platformFee,
            String agreementHash,
            Instant requestedAt,
            Instant agreedAt,
            Instant startsAt,
            Instant endsAt,
            Instant terminatedAt,
            String terminationReason,
            Long auctionId) {

        /** An agreement in force: finalized, started, not ended, not terminated. */
        public boolean activeAt(Instant now) {
            return state == State.FINALIZED
                    && terminatedAt == null
                    && startsAt != null
                    && !now.isBefore(startsAt)
                    && (endsAt == null || now.isBefore(endsAt));
        }
    }

    public record Order(Long offerId, String purpose, String scenario, String territory) {}

    public record StateChange(State from, State to, Long actor, String reason, Instant at) {}

    /** A contract with its history, its agreement document (once agreed) and its invoices. */
    public record Detail(
            Contract contract,
            String product,
            String provider,
            String buyer,
            List<StateChange> history,
            String agreement,
            List<InvoiceBook.Invoice> invoices) {}

    /** What an active agreement entitles its buyer to: the delivery channels enforce it. */
    public record Entitlement(
            long contractId,
            long buyerOrg,
            long providerOrg,
            long productId,
            String dataset,
            Integer version,
            String purpose,
            String policy,
            Instant from,
            Instant until) {}

    static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final OfferService offers;
    private final ProductService products;
    private final CatalogService catalog;
    private final OrganisationService organisations;
    private final MoneyJournal journal;
    private final InvoiceBook invoices;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;
    private final int platformFeePercent;
    private final GroupCommit purchases;
    /** Orders that need no approval: the market's hot path, written a batch at a time (see placeAll). */
    private final BatchCommit<Purchase, Long> instantPurchases;
    /** For statements run as one JDBC batch, whose counts say which of them changed a row. */
    private final org.springframework.jdbc.core.JdbcTemplate batch;

    private final org.springframework.context.ApplicationEventPublisher events;

    /**
     * A request that waited for the provider is settled: approved (the contract is now {@code FINALIZED}),
     * refused by the provider or withdrawn by the buyer ({@code TERMINATED}, the held money back). Published
     * inside the deciding transaction, so listeners of its commit (the Dataspace Protocol's provider side,
     * which answers a connector waiting for this decision) see only decisions that stand.
     */
    public record RequestSettled(long contractId, State state, String reason) {}

    ContractService(
            JdbcClient jdbc,
            org.springframework.jdbc.core.JdbcTemplate batch,
            TransactionTemplate transactions,
            OfferService offers,
            ProductService products,
            CatalogService catalog,
            OrganisationService organisations,
            MoneyJournal journal,
            InvoiceBook invoices,
            AccessPolicy policy,
            AuditLog audit,
            JsonMapper json,
            Clock clock,
            org.springframework.context.ApplicationEventPublisher events,
            @Value("${datafloor.exchange.platform-fee-percent:5}") int platformFeePercent) {
        if (platformFeePercent < 0 || platformFeePercent > 50) {
            throw new IllegalArgumentException("datafloor.exchange.platform-fee-percent must be 0-50");
        }
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.offers = offers;
        this.products = products;
        this.catalog = catalog;
        this.organisations = organisations;
        this.journal = journal;
        this.invoices = invoices;
        this.policy = policy;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.events = events;
        this.platformFeePercent = platformFeePercent;
        this.purchases = new GroupCommit(transactions, "datafloor-purchases");
        this.batch = batch;
        this.instantPurchases = new BatchCommit<>(
                transactions,
                "datafloor-instant-purchases",
                this::placeAll,
                p -> place(
                        p.actor(),
                        p.orderKey(),
                        p.offer(),
                        p.product(),
                        p.purpose(),
                        p.scenario(),
                        p.now(),
                        p.agreement()));
    }

    /** Purchases still waiting are committed before the database goes away. */
    @jakarta.annotation.PreDestroy
    void close() {
        instantPurchases.close();
        purchases.close();
    }

    public int platformFeePercent() {
        return platformFeePercent;
    }

    // ------------------------------------------------------------------ ordering

    /**
     * A buyer's order. The same key from the same organisation returns the same contract, however
     * often and however concurrently it is sent.
     *
     * @throws ProblemException 403 when the terms do not permit the declared use (with the reasons),
     *     409 for a sold-out or withdrawn offer, one's own offer, a key reused for another order, or
     *     not enough money
     */
    public Contract order(Actor actor, String idempotencyKey, Order order) {
        if (actor.orgId() == null) {
            throw ProblemException.badRequest("contract.noOrganisation", "Organisations buy data; you belong to none");
        }
        policy.require(actor, Action.BUY_DATA, actor.orgId());
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw ProblemException.badRequest(
                    "contract.keyMissing", "Send an Idempotency-Key header of 1-200 characters with every order");
        }
        String orderKey = actor.orgId() + ":" + idempotencyKey;
        Optional<Contract> earlier = byOrderKey(orderKey);
        if (earlier.isPresent()) {
            return same(earlier.get(), order);
        }
        try {
            return placeOnce(actor, orderKey, order);
        } catch (ProblemException refused) {
            // A retry racing its first attempt sees the first attempt's outcome, not a later refusal
            // (the first may have taken the last unit this retry would find sold out).
            Optional<Contract> made = byOrderKey(orderKey);
            if (made.isPresent()) {
                return same(made.get(), order);
            }
            throw refused;
        }
    }

    private Contract placeOnce(Actor actor, String orderKey, Order order) {
        Offer offer = offers.offer(order.offerId() == null ? -1 : order.offerId())
                .orElseThrow(() -> ProblemException.notFound("No offer " + order.offerId()));
        ProductService.Product product = products.product(offer.productId()).orElseThrow();
        if (!OfferService.visibleTo(actor, offer) || product.status() != ProductService.Status.APPROVED) {
            throw ProblemException.notFound("No offer " + order.offerId());
        }
        if (!offer.active()) {
            throw ProblemException.conflict("contract.offerWithdrawn", "This offer was withdrawn");
        }
        if (product.orgId() == actor.orgId()) {
            throw ProblemException.conflict("contract.ownOffer", "An organisation cannot buy its own offer");
        }
        if (offer.priceModel() == PriceModel.AUCTION) {
            throw ProblemException.conflict(
                    "contract.auctionOnly", "This offer is sold by auction: bid in its auction room");
        }
        String purpose = order.purpose() == null ? "" : order.purpose().strip();
        if (!OfferService.PURPOSES.contains(purpose)) {
            throw ProblemException.badRequest(
                    "contract.purpose", "Declare the purpose of use, one of " + OfferService.PURPOSES, purpose);
        }
        String scenario = OfferService.text(
                order.scenario(), 10, 2000, "contract.scenario", "how the data will be used (10-2000 characters)");
        String territory = order.territory() == null || order.territory().isBlank()
                ? "VN"
                : order.territory().strip();
        if (!territory.matches("[A-Z]{2}(-[A-Z0-9]{1,3})?")) {
            throw ProblemException.badRequest(
                    "contract.territory", "Where the data is used: a country or province code such as VN or VN-HN");
        }
        checkTerms(actor, offer, product, purpose, territory);
        if (offer.soldOut()) {
            throw soldOut();
        }
        prepareAccounts(actor.orgId(), product.orgId());
        // The agreement's document is made here, on the buyer's own thread, not in the single writer that
        // every purchase queues on: only the contract's number is left for the writer to fill in.
        Instant now = now();
        Agreement agreement = offer.approvalRequired()
                ? null
                : agreement(
                        product.orgId(),
                        actor.orgId(),
                        offer,
                        product,
                        net(offer),
                        OfferService.vatOn(net(offer), offer.vatPercent()),
                        purpose,
                        scenario,
                        now,
                        now);
        try {
            long id = agreement == null
                    ? purchases.run(() -> place(actor, orderKey, offer, product, purpose, scenario, now, null))
                    : instantPurchases.run(
                            new Purchase(actor, orderKey, offer, product, purpose, scenario, now, agreement));
            return contract(id).orElseThrow();
        } catch (DuplicateKeyException doubleSubmit) {
            // The same order sent twice at once: the first one made the contract.
            return same(byOrderKey(orderKey).orElseThrow(), order);
        }
    }

    /**
     * Places orders that need no approval in one batch of the writer, as if they had arrived together:
     * for tests of what the batch decides between orders (the writer's batches otherwise depend on timing).
     * Each entry is an actor, its idempotency key and its order; returns per order the contract's id or
     * the refusal.
     */
    List<Outcome<Long>> placeTogether(List<Map.Entry<Actor, Map.Entry<String, Order>>> orders) {
        List<Purchase> items = new ArrayList<>();
        for (Map.Entry<Actor, Map.Entry<String, Order>> o : orders) {
            Actor actor = o.getKey();
            Order order = o.getValue().getValue();
            Offer offer = offers.offer(order.offerId()).orElseThrow();
            ProductService.Product product = products.product(offer.productId()).orElseThrow();
            prepareAccounts(actor.orgId(), product.orgId());
            Instant now = now();
            items.add(new Purchase(
                    actor,
                    actor.orgId() + ":" + o.getValue().getKey(),
                    offer,
                    product,
                    order.purpose(),
                    order.scenario(),
                    now,
                    agreement(
                            product.orgId(),
                            actor.orgId(),
                            offer,
                            product,
                            net(offer),
                            OfferService.vatOn(net(offer), offer.vatPercent()),
                            order.purpose(),
                            order.scenario(),
                            now,
                            now)));
        }
        return transactions.execute(status -> placeAll(items));
    }

    private void checkTerms(
            Actor actor, Offer offer, ProductService.Product product, String purpose, String territory) {
        String buyerKind = organisations.kind(actor.orgId()).orElseThrow().name();
        // The entry as stored: its importance is all this needs, not its publisher's name or latest version.
        String importance = catalog.stored(product.catalogSlug())
                .map(CatalogEntry::importance)
                .orElse("other");
        Policy terms = terms(offer.policy());
        Decision decision = OfferTerms.check(
                terms, OfferService.orgUri(actor.orgId()), purpose, buyerKind, territory, importance, now());
        if (!decision.permitted()) {
            List<String> reasons = decision.reasons().stream()
                    .filter(r -> r.kind() != Decision.ReasonKind.PERMITTED)
                    .map(Decision.Reason::toString)
                    .toList();
            audit.record(new AuditEvent(
                    EventType.EXCHANGE_REQUEST_DENIED,
                    actor.personId(),
                    actor.personName(),
                    actor.orgId(),
                    AuditEvent.Outcome.DENIED,
                    ClientAddress.current(),
                    "order for offer " + offer.id() + " refused by its terms (purpose " + purpose + ", " + territory
                            + ")",
                    Map.of(
                            "offer",
                            Long.toString(offer.id()),
                            "purpose",
                            purpose,
                            "territory",
                            territory,
                            "reasons",
                            truncate(String.join("; ", reasons), 1000))));
            throw new ProblemException(
                    HttpStatus.FORBIDDEN,
                    "contract.notPermitted",
                    "The offer's terms do not permit this use: " + String.join("; ", reasons),
                    purpose);
        }
    }

    /** In one transaction: the contract, the unit it takes from a limited offer, and its money. */
    private long place(
            Actor actor,
            String orderKey,
            Offer offer,
            ProductService.Product product,
            String purpose,
            String scenario,
            Instant now,
            Agreement agreement) {
        long net = net(offer);
        long vat = OfferService.vatOn(net, offer.vatPercent());
        long fee = platformFee(net);
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                        insert into exchange_contract(offer_id, product_id, provider_org, buyer_org, state, purpose, scenario,
                          order_key, price, vat, platform_fee, requested_by, requested_at, periods_charged)
                        values (?,?,?,?,?,?,?,?,?,?,?,?,?,0)""")
                .params(
                        offer.id(),
                        product.id(),
                        product.orgId(),
                        actor.orgId(),
                        State.REQUESTED.name(),
                        purpose,
                        scenario,
                        orderKey,
                        net,
                        vat,
                        fee,
                        actor.personId(),
                        Timestamp.from(now))
                .update(keys, "id");
        long id = keys.getKeyAs(Number.class).longValue();
        if (!offer.approvalRequired()) {
            Contract requested = new Contract(
                    id,
                    offer.id(),
                    product.id(),
                    product.orgId(),
                    actor.orgId(),
                    State.REQUESTED,
                    purpose,
                    scenario,
                    net,
                    vat,
                    fee,
                    null,
                    now,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
            // Its request is a row of its history like the steps that follow; the agreement's entry tells the ledger.
            conclude(
                    requested,
                    offer,
                    product,
                    new StateChange(null, State.REQUESTED, actor.personId(), "purpose " + purpose, now),
                    actor.personId(),
                    "the offer needs no approval",
                    cash(actor.orgId()),
                    offer,
                    agreement);
            return id;
        }
        // On the ledger now, since it waits for the provider.
        event(id, null, State.REQUESTED, actor.personId(), "purpose " + purpose, actor.orgId(), now, true);
        takeUnit(offer);
        if (net + vat > 0) {
            // Held until the provider decides: the buyer cannot spend it twice meanwhile.
            journal.post(
                    TransactionKind.DEPOSIT,
                    "contract:" + id + ":hold",
                    List.of(
                            new Posting(cash(actor.orgId()), -(net + vat)),
                            new Posting(held(actor.orgId()), net + vat)),
                    "Held for order " + id + " awaiting the provider's approval",
                    actor.personId(),
                    actor.orgId());
        }
        return id;
    }

    /** An order that needs no approval, checked and with its agreement drafted, waiting for the writer. */
    private record Purchase(
            Actor actor,
            String orderKey,
            Offer offer,
            ProductService.Product product,
            String purpose,
            String scenario,
            Instant now,
            Agreement agreement) {}

    /**
     * A batch of orders that need no approval, in the writer's transaction, each step one statement (or one
     * JDBC batch) for all of them: what {@link #place} does for one, with the same rows, history, money,
     * invoices and ledger entries. First everything that can refuse an order is decided (an order already
     * made, a sold-out offer, too little money); only the orders that passed are then written, so a refused
     * one leaves nothing behind.
     */
    private List<Outcome<Long>> placeAll(List<Purchase> items) {
        int n = items.size();
        RuntimeException[] refused = new RuntimeException[n];
        int[] sameAs = new int[n];
        java.util.Arrays.fill(sameAs, -1);
        Map<String, Integer> firstOf = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            Integer first = firstOf.putIfAbsent(items.get(i).orderKey(), i);
            if (first != null) {
                sameAs[i] = first;
            }
        }
        Set<String> placed = new java.util.HashSet<>(
                jdbc.sql("select order_key from exchange_contract where order_key in (" + marks(firstOf.size()) + ")")
                        .params(new ArrayList<Object>(firstOf.keySet()))
                        .query(String.class)
                        .list());
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (sameAs[i] >= 0) {
                continue;
            }
            if (placed.contains(items.get(i).orderKey())) {
                refused[i] = new DuplicateKeyException("this order was placed before");
            } else {
                live.add(i);
            }
        }
        // The rows are locked in the order a purchase alone takes them: the accounts, then the offers' units.
        List<Long> accounts = new ArrayList<>();
        Set<Long> limited = new java.util.TreeSet<>();
        for (int i : live) {
            Purchase p = items.get(i);
            if (total(p.offer()) > 0) {
                accounts.add(cash(p.actor().orgId()));
                accounts.add(cash(p.product().orgId()));
            }
            if (p.offer().quantity() != null) {
                limited.add(p.offer().id());
            }
        }
        journal.lockAccounts(accounts);
        if (!limited.isEmpty()) {
            jdbc.sql("select id from exchange_offer where id in (" + marks(limited.size()) + ") order by id for update")
                    .params(new ArrayList<Object>(limited))
                    .query(Long.class)
                    .list();
        }
        // Units first, then money. An order refused for money gives its unit back, and orders refused as sold
        // out in this batch then try again for it: no order is told "sold out" while a unit is left.
        List<Integer> pending = live;
        while (!pending.isEmpty()) {
            List<Integer> takingUnits = pending.stream()
                    .filter(i -> items.get(i).offer().quantity() != null)
                    .toList();
            if (!takingUnits.isEmpty()) {
                int[] taken = batch.batchUpdate(
                        "update exchange_offer set sold = sold + 1 where id = ? and sold < quantity",
                        takingUnits.stream()
                                .map(i -> new Object[] {items.get(i).offer().id()})
                                .toList());
                for (int k = 0; k < taken.length; k++) {
                    refused[takingUnits.get(k)] = taken[k] == 1 ? null : soldOut();
                }
            }
            List<Integer> paying = pending.stream()
                    .filter(i -> refused[i] == null && total(items.get(i).offer()) > 0)
                    .toList();
            Set<Long> unitsFreed = new java.util.HashSet<>();
            if (!paying.isEmpty()) {
                List<Posting> debits = paying.stream()
                        .map(i -> new Posting(
                                cash(items.get(i).actor().orgId()),
                                -total(items.get(i).offer())))
                        .toList();
                boolean[] paid = journal.debitAll(debits);
                List<Object[]> unitsBack = new ArrayList<>();
                for (int k = 0; k < paid.length; k++) {
                    if (!paid[k]) {
                        int i = paying.get(k);
                        refused[i] = journal.insufficient(debits.get(k));
                        if (items.get(i).offer().quantity() != null) {
                            unitsBack.add(new Object[] {items.get(i).offer().id()});
                            unitsFreed.add(items.get(i).offer().id());
                        }
                    }
                }
                if (!unitsBack.isEmpty()) {
                    batch.batchUpdate("update exchange_offer set sold = sold - 1 where id = ?", unitsBack);
                }
            }
            pending = live.stream()
                    .filter(i -> refused[i] instanceof ProblemException refusal
                            && "contract.soldOut".equals(refusal.messageKey())
                            && unitsFreed.contains(items.get(i).offer().id()))
                    .toList();
        }
        List<Integer> made = live.stream().filter(i -> refused[i] == null).toList();
        Map<String, Long> ids = made.isEmpty()
                ? Map.of()
                : insertRequested(made.stream().map(items::get).toList());
        long[] contractIds = new long[n];
        List<Object[]> finals = new ArrayList<>(made.size());
        List<Object> history = new ArrayList<>(made.size() * 24);
        List<AuditEvent> agreed = new ArrayList<>(made.size());
        List<MoneyJournal.NewTransaction> payments = new ArrayList<>();
        List<Purchase> paid = new ArrayList<>();
        for (int i : made) {
            Purchase p = items.get(i);
            long id = ids.get(p.orderKey());
            contractIds[i] = id;
            String document = agreementDocument(p.agreement(), id);
            String hash = sha256(document);
            Instant at = p.agreement().from();
            finals.add(new Object[] {
                State.FINALIZED.name(),
                document,
                hash,
                Timestamp.from(at),
                Timestamp.from(at),
                Timestamp.from(p.agreement().until()),
                id,
                State.REQUESTED.name()
            });
            Long buyer = p.actor().personId();
            for (StateChange step : List.of(
                    new StateChange(null, State.REQUESTED, buyer, "purpose " + p.purpose(), p.now()),
                    new StateChange(State.REQUESTED, State.AGREED, buyer, "the offer needs no approval", at),
                    new StateChange(
                            State.AGREED, State.VERIFIED, null, "the buyer's order commits it to the terms", at),
                    new StateChange(State.VERIFIED, State.FINALIZED, null, "paid; the entitlement starts", at))) {
                history.addAll(historyRow(id, step));
            }
            agreed.add(agreedEvent(id, buyer, p.product().orgId(), p.actor().orgId(), hash));
            if (total(p.offer()) > 0) {
                paid.add(p);
                payments.add(new MoneyJournal.NewTransaction(
                        TransactionKind.PURCHASE,
                        "contract:" + id + ":purchase",
                        salePostings(
                                p.offer(), cash(p.actor().orgId()), p.product().orgId()),
                        "Contract " + id + ": " + p.offer().title(),
                        null,
                        p.actor().orgId()));
            }
        }
        if (!made.isEmpty()) {
            int[] moved = batch.batchUpdate(
                    "update exchange_contract set state = ?, agreement = ?, agreement_hash = ?, agreed_at = ?, "
                            + "starts_at = ?, ends_at = ?, periods_charged = 1 where id = ? and state = ?",
                    finals);
            for (int count : moved) {
                if (count != 1) {
                    throw new IllegalStateException("a contract just made changed in the writer's own transaction");
                }
            }
            jdbc.sql("insert into exchange_contract_event(contract_id, from_state, to_state, actor, reason, at) values "
                            + String.join(",", java.util.Collections.nCopies(history.size() / 6, "(?,?,?,?,?,?)")))
                    .params(history)
                    .update();
            audit.recordAll(agreed);
            List<MoneyJournal.Transaction> transactions = journal.recordAllNew(payments);
            List<InvoiceBook.NewInvoice> bills = new ArrayList<>(paid.size());
            for (int k = 0; k < paid.size(); k++) {
                Purchase p = paid.get(k);
                MoneyJournal.Transaction t = transactions.get(k);
                long net = net(p.offer());
                bills.add(new InvoiceBook.NewInvoice(
                        p.product().orgId(),
                        p.actor().orgId(),
                        ids.get(p.orderKey()),
                        t.id(),
                        invoiceKind(p.offer()),
                        t.description(),
                        net,
                        p.offer().vatPercent(),
                        OfferService.vatOn(net, p.offer().vatPercent())));
            }
            invoices.issueAll(bills);
        }
        List<Outcome<Long>> outcomes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int first = sameAs[i] >= 0 ? sameAs[i] : i;
            if (refused[first] != null) {
                outcomes.add(Outcome.refused(refused[first]));
            } else if (first != i) {
                // The same order twice in one batch: the second is answered as a double submit is.
                outcomes.add(Outcome.refused(new DuplicateKeyException("this order was placed twice at once")));
            } else {
                outcomes.add(Outcome.of(contractIds[i]));
            }
        }
        return outcomes;
    }

    /** The contracts' rows as {@link #place} inserts one; their ids by order key. */
    private Map<String, Long> insertRequested(List<Purchase> purchases) {
        List<Object> values = new ArrayList<>(purchases.size() * 13);
        for (Purchase p : purchases) {
            long net = net(p.offer());
            values.addAll(java.util.Arrays.asList(
                    p.offer().id(),
                    p.product().id(),
                    p.product().orgId(),
                    p.actor().orgId(),
                    State.REQUESTED.name(),
                    p.purpose(),
                    p.scenario(),
                    p.orderKey(),
                    net,
                    OfferService.vatOn(net, p.offer().vatPercent()),
                    platformFee(net),
                    p.actor().personId(),
                    Timestamp.from(p.now())));
        }
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql(
                        "insert into exchange_contract(offer_id, product_id, provider_org, buyer_org, state, purpose, scenario, "
                                + "order_key, price, vat, platform_fee, requested_by, requested_at, periods_charged) values "
                                + String.join(
                                        ",",
                                        java.util.Collections.nCopies(
                                                purchases.size(), "(?,?,?,?,?,?,?,?,?,?,?,?,?,0)")))
                .params(values)
                .update(keys, "id", "order_key");
        Map<String, Long> ids = new java.util.HashMap<>();
        for (Map<String, Object> key : keys.getKeyList()) {
            Object id = null;
            Object orderKey = null;
            for (Map.Entry<String, Object> column : key.entrySet()) {
                if (column.getKey().equalsIgnoreCase("id")) {
                    id = column.getValue();
                } else if (column.getKey().equalsIgnoreCase("order_key")) {
                    orderKey = column.getValue();
                }
            }
            ids.put(String.valueOf(orderKey), ((Number) id).longValue());
        }
        if (ids.size() != purchases.size()) {
            throw new IllegalStateException(
                    "the database returned " + ids.size() + " keys for " + purchases.size() + " contracts");
        }
        return ids;
    }

    /** What a purchase of the offer costs the buyer: net and VAT. */
    private static long total(Offer offer) {
        long net = net(offer);
        return net + OfferService.vatOn(net, offer.vatPercent());
    }

    private static String marks(int count) {
        return String.join(",", java.util.Collections.nCopies(count, "?"));
    }

    /**
     * Takes a unit of a limited offer by a conditional update: two buyers of the last unit cannot both
     * succeed. Its row stays locked until the purchase commits, so it is taken as late as possible.
     */
    private void takeUnit(Offer offer) {
        if (offer.quantity() != null) {
            int taken = jdbc.sql("update exchange_offer set sold = sold + 1 where id = ? and sold < quantity")
                    .param(offer.id())
                    .update();
            if (taken != 1) {
                throw soldOut();
            }
        }
    }

    /**
     * From REQUESTED to FINALIZED: the provider's agreement (automatic or decided), the buyer's
     * verification (its order was its commitment) and the payment, from {@code payFrom}.
     */
    private void conclude(long contractId, Long decidedBy, String why, long payFrom, Offer unitOf) {
        Contract contract = contract(contractId).orElseThrow();
        Offer offer = offers.offer(contract.offerId()).orElseThrow();
        ProductService.Product product = products.product(contract.productId()).orElseThrow();
        Instant now = now();
        conclude(
                contract,
                offer,
                product,
                null,
                decidedBy,
                why,
                payFrom,
                unitOf,
                agreement(
                        contract.providerOrg(),
                        contract.buyerOrg(),
                        offer,
                        product,
                        contract.price(),
                        contract.vat(),
                        contract.purpose(),
                        contract.scenario(),
                        contract.requestedAt(),
                        now));
    }

    /**
     * The same with what the caller has already read, in as few statements as the steps allow: a purchase
     * is the market's hot path. The contract moves in one conditional update, its history rows are
     * written together, and {@code requested} (when given) is the history row of its request.
     */
    private void conclude(
            Contract contract,
            Offer offer,
            ProductService.Product product,
            StateChange requested,
            Long decidedBy,
            String why,
            long payFrom,
            Offer unitOf,
            Agreement agreement) {
        long contractId = contract.id();
        if (!contract.state().next().contains(State.AGREED)) {
            throw ProblemException.conflict(
                    "contract.transition",
                    "A contract cannot go from " + contract.state() + " to " + State.AGREED,
                    contract.state().name(),
                    State.AGREED.name());
        }
        Instant now = agreement.from();
        Instant ends = agreement.until();
        String document = agreementDocument(agreement, contractId);
        String hash = sha256(document);
        // Agreed, verified, paid and finalized in one transaction: the contract's row takes its final state
        // at once (a concurrent change of its state makes this fail), its history keeps every step.
        int moved = jdbc.sql(
                        "update exchange_contract set state = ?, agreement = ?, agreement_hash = ?, agreed_at = ?, "
                                + "starts_at = ?, ends_at = ?, periods_charged = 1 where id = ? and state = ?")
                .params(
                        State.FINALIZED.name(),
                        document,
                        hash,
                        Timestamp.from(now),
                        Timestamp.from(now),
                        Timestamp.from(ends),
                        contractId,
                        contract.state().name())
                .update();
        if (moved != 1) {
            throw ProblemException.conflict("contract.changedMeanwhile", "The contract changed meanwhile; reload it");
        }
        List<StateChange> steps = new ArrayList<>();
        if (requested != null) {
            steps.add(requested);
        }
        steps.add(new StateChange(contract.state(), State.AGREED, decidedBy, why, now));
        steps.add(
                new StateChange(State.AGREED, State.VERIFIED, null, "the buyer's order commits it to the terms", now));
        steps.add(new StateChange(State.VERIFIED, State.FINALIZED, null, "paid; the entitlement starts", now));
        history(contractId, steps);
        audit.record(agreedEvent(contractId, decidedBy, contract.providerOrg(), contract.buyerOrg(), hash));
        long total = contract.price() + contract.vat();
        if (total > 0) {
            InvoiceBook.Kind kind = invoiceKind(offer);
            MoneyJournal.Transaction paid = post(
                    contract,
                    "contract:" + contractId + ":purchase",
                    payFrom,
                    contract.price(),
                    contract.vat(),
                    kind,
                    "Contract " + contractId + ": " + offer.title());
            // The rows every buyer of this offer and seller queues on are taken last, held only to the commit.
            if (unitOf != null) {
                takeUnit(unitOf);
            }
            invoices.issue(
                    contract.providerOrg(),
                    contract.buyerOrg(),
                    contractId,
                    paid.id(),
                    kind,
                    "Contract " + contractId + ": " + offer.title(),
                    contract.price(),
                    offer.vatPercent(),
                    contract.vat());
        } else if (unitOf != null) {
            takeUnit(unitOf);
        }
    }

    /** Rows of a contract's history, written together. */
    private void history(long contractId, List<StateChange> steps) {
        List<Object> values = new ArrayList<>(steps.size() * 6);
        for (StateChange step : steps) {
            values.addAll(historyRow(contractId, step));
        }
        jdbc.sql("insert into exchange_contract_event(contract_id, from_state, to_state, actor, reason, at) values "
                        + String.join(",", java.util.Collections.nCopies(steps.size(), "(?,?,?,?,?,?)")))
                .params(values)
                .update();
    }

    /** The values of a history row, in the columns' order. */
    private static List<Object> historyRow(long contractId, StateChange step) {
        return java.util.Arrays.asList(
                contractId,
                step.from() == null ? null : step.from().name(),
                step.to().name(),
                step.actor(),
                truncate(step.reason(), 2000),
                Timestamp.from(step.at()));
    }

    /** The ledger entry of an agreement concluded. */
    private static AuditEvent agreedEvent(
            long contractId, Long decidedBy, long providerOrg, long buyerOrg, String hash) {
        return new AuditEvent(
                EventType.CONTRACT_AGREED,
                decidedBy,
                null,
                buyerOrg,
                AuditEvent.Outcome.SUCCESS,
                null,
                "agreement " + contractId + " between organisations " + providerOrg + " and " + buyerOrg
                        + " (agreed, verified, finalized), document SHA-256 " + hash,
                Map.of(
                        "contract",
                        Long.toString(contractId),
                        "hash",
                        hash,
                        "provider",
                        Long.toString(providerOrg),
                        "buyer",
                        Long.toString(buyerOrg)));
    }

    /** The kind of invoice a sale under this offer gets. */
    private static InvoiceBook.Kind invoiceKind(Offer offer) {
        return switch (offer.priceModel()) {
            case SUBSCRIPTION -> InvoiceBook.Kind.SUBSCRIPTION;
            case AUCTION -> InvoiceBook.Kind.AUCTION;
            default -> InvoiceBook.Kind.PURCHASE;
        };
    }

    /** A sale's postings and its invoice. */
    private MoneyJournal.Transaction charge(
            Contract contract,
            String key,
            long payFrom,
            long net,
            long vat,
            int vatPercent,
            InvoiceBook.Kind kind,
            String description) {
        MoneyJournal.Transaction transaction = post(contract, key, payFrom, net, vat, kind, description);
        invoices.issue(
                contract.providerOrg(),
                contract.buyerOrg(),
                contract.id(),
                transaction.id(),
                kind,
                description,
                net,
                vatPercent,
                vat);
        return transaction;
    }

    /** The postings of a sale: the buyer pays net + VAT, the provider gets net less the platform's fee. */
    private MoneyJournal.Transaction post(
            Contract contract,
            String key,
            long payFrom,
            long net,
            long vat,
            InvoiceBook.Kind kind,
            String description) {
        List<Posting> postings = salePostings(payFrom, contract.providerOrg(), net, vat);
        TransactionKind transactionKind =
                kind == InvoiceBook.Kind.USAGE ? TransactionKind.USAGE_CHARGE : TransactionKind.PURCHASE;
        if (key.endsWith(":purchase")) {
            // Posted only by conclude, once per contract, in the transaction that moves it out of REQUESTED.
            return journal.postNew(transactionKind, key, postings, description, null, contract.buyerOrg());
        }
        return journal.post(transactionKind, key, postings, description, null, contract.buyerOrg());
    }

    /** A purchase's postings under the offer: what {@link #post} posts for it. */
    private List<Posting> salePostings(Offer offer, long payFrom, long providerOrg) {
        long net = net(offer);
        return salePostings(payFrom, providerOrg, net, OfferService.vatOn(net, offer.vatPercent()));
    }

    /** The buyer pays net + VAT; the provider gets net less the platform's fee; the fee and the VAT go to the platform. */
    private List<Posting> salePostings(long payFrom, long providerOrg, long net, long vat) {
        long fee = platformFee(net);
        List<Posting> postings = new ArrayList<>();
        postings.add(new Posting(payFrom, -(net + vat)));
        if (net - fee != 0) {
            postings.add(new Posting(cash(providerOrg), net - fee));
        }
        if (fee != 0) {
            postings.add(new Posting(
                    journal.platformAccount(AccountKind.PLATFORM_FEES).id(), fee));
        }
        if (vat != 0) {
            postings.add(
                    new Posting(journal.platformAccount(AccountKind.VAT_PAYABLE).id(), vat));
        }
        return postings;
    }

    long platformFee(long net) {
        return Math.floorDiv(Math.multiplyExact(net, platformFeePercent), 100);
    }

    private Instant end(Offer offer, Instant start) {
        ZonedDateTime from = start.atZone(VIETNAM);
        if (offer.priceModel() == PriceModel.SUBSCRIPTION && offer.period() != null) {
            return (offer.period() == OfferService.Period.YEAR ? from.plusYears(1) : from.plusMonths(1)).toInstant();
        }
        return from.plusDays(offer.durationDays()).toInstant();
    }

    private static ProblemException soldOut() {
        return ProblemException.conflict("contract.soldOut", "This offer is sold out");
    }

    private Contract same(Contract earlier, Order order) {
        if (order.offerId() == null || earlier.offerId() != order.offerId()) {
            throw ProblemException.conflict(
                    "contract.keyReused", "This Idempotency-Key was used for another order; use a new key");
        }
        return earlier;
    }

    // ------------------------------------------------------------------ the provider's decision

    /** The provider approves (the agreement is formed and paid from the held money) or refuses with a reason. */
    public Contract decide(Actor actor, long contractId, boolean approve, String reason) {
        Contract contract = visible(actor, contractId);
        policy.require(actor, Action.DECIDE_CONTRACTS, contract.providerOrg());
        String why = OfferService.text(reason, 3, 2000, "contract.reason", "the decision's reason (3-2000 characters)");
        if (contract.state() != State.REQUESTED) {
            throw ProblemException.conflict(
                    "contract.notRequested", "Only a requested contract is decided; this one is " + contract.state());
        }
        prepareAccounts(contract.buyerOrg(), contract.providerOrg());
        transactions.executeWithoutResult(status -> {
            Contract locked = lock(contractId);
            if (locked.state() != State.REQUESTED) {
                throw ProblemException.conflict("contract.notRequested", "This contract was decided meanwhile");
            }
            if (approve) {
                conclude(contractId, actor.personId(), why, held(contract.buyerOrg()), null);
            } else {
                release(locked, "refused by the provider: " + why);
                transition(locked, State.TERMINATED, actor.personId(), why);
            }
            events.publishEvent(new RequestSettled(
                    contractId,
                    approve ? State.FINALIZED : State.TERMINATED,
                    approve ? null : "refused by the provider: " + why));
        });
        return contract(contractId).orElseThrow();
    }

    /** The buyer withdraws a request the provider has not decided: its held money comes back. */
    public Contract withdraw(Actor actor, long contractId, String reason) {
        Contract contract = visible(actor, contractId);
        policy.require(actor, Action.BUY_DATA, contract.buyerOrg());
        String why = OfferService.text(reason, 3, 2000, "contract.reason", "a reason (3-2000 characters)");
        transactions.executeWithoutResult(status -> {
            Contract locked = lock(contractId);
            if (locked.state() != State.REQUESTED) {
                throw ProblemException.conflict(
                        "contract.notRequested", "Only a request not yet decided can be withdrawn");
            }
            release(locked, "withdrawn by the buyer: " + why);
            transition(locked, State.TERMINATED, actor.personId(), why);
            events.publishEvent(new RequestSettled(contractId, State.TERMINATED, "withdrawn by the buyer: " + why));
        });
        return contract(contractId).orElseThrow();
    }

    private void release(Contract contract, String why) {
        long total = contract.price() + contract.vat();
        if (total > 0) {
            journal.post(
                    TransactionKind.DEPOSIT_RELEASE,
                    "contract:" + contract.id() + ":release",
                    List.of(
                            new Posting(held(contract.buyerOrg()), -total),
                            new Posting(cash(contract.buyerOrg()), total)),
                    "Released for order " + contract.id() + ": " + truncate(why, 200),
                    null,
                    contract.buyerOrg());
        }
        jdbc.sql("update exchange_offer set sold = sold - 1 where id = ? and quantity is not null and sold > 0")
                .param(contract.offerId())
                .update();
    }

    /**
     * Ends an agreement in force: the buyer cancelling (a subscription is not renewed) or the operator
     * deciding a dispute. The entitlement ends at once; what was paid stays paid unless refunded.
     */
    public Contract terminate(Actor actor, long contractId, String reason) {
        Contract contract = visible(actor, contractId);
        boolean buyer =
                policy.decide(actor, Action.BUY_DATA, contract.buyerOrg()).allowed();
        boolean mediator = policy.decide(actor, Action.MEDIATE_DISPUTES).allowed();
        if (!buyer && !mediator) {
            policy.require(actor, Action.MEDIATE_DISPUTES);
        }
        String why = OfferService.text(reason, 3, 2000, "contract.reason", "a reason (3-2000 characters)");
        if (contract.state() != State.FINALIZED || contract.terminatedAt() != null) {
            throw ProblemException.conflict(
                    "contract.notInForce",
                    "Only an agreement in force can be terminated; this one is " + contract.state());
        }
        transactions.executeWithoutResult(status -> endAgreement(lock(contractId), actor.personId(), why));
        return contract(contractId).orElseThrow();
    }

    private void endAgreement(Contract contract, Long by, String why) {
        Instant now = now();
        jdbc.sql("update exchange_contract set terminated_at = ?, termination_reason = ? where id = ? "
                        + "and terminated_at is null")
                .params(Timestamp.from(now), truncate(why, 2000), contract.id())
                .update();
        jdbc.sql("insert into exchange_contract_event(contract_id, from_state, to_state, actor, reason, at) "
                        + "values (?,?,?,?,?,?)")
                .params(
                        contract.id(),
                        contract.state().name(),
                        contract.state().name(),
                        by,
                        "ended: " + why,
                        Timestamp.from(now))
                .update();
        audit.record(new AuditEvent(
                EventType.CONTRACT_CHANGED,
                by,
                null,
                contract.buyerOrg(),
                AuditEvent.Outcome.SUCCESS,
                null,
                "agreement " + contract.id() + " ended: " + truncate(why, 200),
                Map.of("contract", Long.toString(contract.id()), "ended", "true")));
    }

    // ------------------------------------------------------------------ auctions

    /**
     * The agreement an auction's winner gets, paid from the deposit it holds (which covers the price
     * and its VAT), in the caller's transaction. For the auction service only.
     */
    public Contract award(long auctionId, long offerId, long buyerOrg, long price, String purpose, String scenario) {
        Offer offer = offers.offer(offerId).orElseThrow();
        ProductService.Product product = products.product(offer.productId()).orElseThrow();
        Instant now = now();
        long vat = OfferService.vatOn(price, offer.vatPercent());
        String orderKey = buyerOrg + ":auction:" + auctionId;
        jdbc.sql("""
                        insert into exchange_contract(offer_id, product_id, provider_org, buyer_org, state, purpose, scenario,
                          order_key, price, vat, platform_fee, requested_at, periods_charged, auction_id)
                        values (?,?,?,?,?,?,?,?,?,?,?,?,0,?)""")
                .params(
                        offerId,
                        product.id(),
                        product.orgId(),
                        buyerOrg,
                        State.REQUESTED.name(),
                        purpose,
                        scenario,
                        orderKey,
                        price,
                        vat,
                        platformFee(price),
                        Timestamp.from(now),
                        auctionId)
                .update();
        long id = jdbc.sql("select id from exchange_contract where order_key = ?")
                .param(orderKey)
                .query(Long.class)
                .single();
        event(id, null, State.REQUESTED, null, "winning bid of auction " + auctionId, buyerOrg, now, false);
        conclude(id, null, "the auction's highest bid", held(buyerOrg), null);
        return contract(id).orElseThrow();
    }

    /**
     * Creates, outside any transaction, the accounts and the invoice counter a sale between these two
     * organisations touches: creating them inside the sale's transaction could collide with a
     * concurrent creation and, on PostgreSQL, abort it. Call before {@link #award}.
     */
    public void prepareAccounts(long buyerOrg, long providerOrg) {
        String pair = buyerOrg + ":" + providerOrg;
        if (preparedPairs.contains(pair)) {
            return;
        }
        cash(buyerOrg);
        held(buyerOrg);
        cash(providerOrg);
        journal.platformAccount(AccountKind.PLATFORM_FEES);
        journal.platformAccount(AccountKind.VAT_PAYABLE);
        invoices.prepare(providerOrg);
        if (!org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            preparedPairs.add(pair); // committed, and accounts and counters are never deleted
        }
    }

    private final java.util.Set<String> preparedPairs = java.util.concurrent.ConcurrentHashMap.newKeySet();

    // ------------------------------------------------------------------ subscriptions and usage

    /**
     * Renews subscriptions whose period has ended: the next period is charged (once, by its key) and
     * the agreement extended; a buyer who cannot pay loses the entitlement, with the reason.
     */
    public int renewDue() {
        Instant now = now();
        int renewed = 0;
        for (Contract contract : contracts(
                "where c.state = 'FINALIZED' and c.terminated_at is null and c.ends_at <= ? and o.price_model = 'SUBSCRIPTION'",
                Timestamp.from(now))) {
            Offer offer = offers.offer(contract.offerId()).orElseThrow();
            prepareAccounts(contract.buyerOrg(), contract.providerOrg());
            try {
                transactions.executeWithoutResult(status -> {
                    Contract locked = lock(contract.id());
                    int period = jdbc.sql("select periods_charged from exchange_contract where id = ?")
                                    .param(contract.id())
                                    .query(Integer.class)
                                    .single()
                            + 1;
                    charge(
                            locked,
                            "contract:" + contract.id() + ":period:" + period,
                            cash(contract.buyerOrg()),
                            offer.price(),
                            OfferService.vatOn(offer.price(), offer.vatPercent()),
                            offer.vatPercent(),
                            InvoiceBook.Kind.SUBSCRIPTION,
                            "Contract " + contract.id() + ", period " + period + ": " + offer.title());
                    jdbc.sql("update exchange_contract set periods_charged = ?, ends_at = ? where id = ?")
                            .params(period, Timestamp.from(end(offer, locked.endsAt())), contract.id())
                            .update();
                });
                renewed++;
            } catch (MoneyJournal.InsufficientFundsException unpaid) {
                transactions.executeWithoutResult(status -> endAgreement(
                        lock(contract.id()), null, "subscription not renewed: not enough money for the next period"));
            }
        }
        return renewed;
    }

    /** Records what a pay-per-use buyer used (queries, rows or bytes, in the offer's unit). */
    public void recordUsage(Actor actor, long contractId, long quantity, String channel) {
        policy.require(actor, Action.RECORD_USAGE);
        Contract contract =
                contract(contractId).orElseThrow(() -> ProblemException.notFound("No contract " + contractId));
        Offer offer = offers.offer(contract.offerId()).orElseThrow();
        if (offer.priceModel() != PriceModel.PAY_PER_USE) {
            throw ProblemException.conflict("usage.notMetered", "Contract " + contractId + " is not pay per use");
        }
        if (!contract.activeAt(now())) {
            throw ProblemException.conflict("usage.notInForce", "Contract " + contractId + " is not in force");
        }
        if (quantity <= 0 || quantity > 1_000_000_000_000L) {
            throw ProblemException.badRequest("usage.quantity", "Usage is a positive quantity");
        }
        String via = channel == null || channel.isBlank() ? "api" : channel.strip();
        if (via.length() > 20) {
            throw ProblemException.badRequest("usage.channel", "A channel name has at most 20 characters");
        }
        Instant now = now();
        transactions.executeWithoutResult(status -> {
            jdbc.sql("insert into exchange_usage(contract_id, units, channel, recorded_at) values (?,?,?,?)")
                    .params(contractId, quantity, via, Timestamp.from(now))
                    .update();
            audit.record(new AuditEvent(
                    EventType.USAGE_RECORDED,
                    actor.personId(),
                    actor.personName(),
                    contract.buyerOrg(),
                    AuditEvent.Outcome.SUCCESS,
                    null,
                    "usage of contract " + contractId + ": " + quantity + " " + offer.usageUnit() + " via " + via,
                    Map.of(
                            "contract",
                            Long.toString(contractId),
                            "quantity",
                            Long.toString(quantity),
                            "channel",
                            via)));
        });
    }

    /**
     * Meters one delivery of a pay-per-use agreement in the offer's unit (one query, the rows, or the
     * bytes); other price models are not metered. The delivery's own ledger entry records it, so this
     * adds the usage row only.
     */
    public void meter(long contractId, long rows, long bytes, String channel) {
        meter(contract(contractId).orElseThrow(), rows, bytes, channel);
    }

    /** As above, for a contract the caller has just read. */
    public void meter(Contract contract, long rows, long bytes, String channel) {
        long contractId = contract.id();
        Offer offer = offers.offer(contract.offerId()).orElseThrow();
        if (offer.priceModel() != PriceModel.PAY_PER_USE) {
            return;
        }
        long quantity = switch (offer.usageUnit()) {
            case QUERY -> 1;
            case THOUSAND_ROWS -> rows;
            case MEGABYTE -> bytes;
        };
        if (quantity <= 0) {
            return;
        }
        jdbc.sql("insert into exchange_usage(contract_id, units, channel, recorded_at) values (?,?,?,?)")
                .params(
                        contractId,
                        quantity,
                        truncate(channel.toLowerCase(java.util.Locale.ROOT), 20),
                        Timestamp.from(now()))
                .update();
    }

    /** Billable units of a month's usage: queries as counted, rows per started thousand, bytes per started MB. */
    static long billable(OfferService.UsageUnit unit, long quantity) {
        return switch (unit) {
            case QUERY -> quantity;
            case THOUSAND_ROWS -> -Math.floorDiv(-quantity, 1000);
            case MEGABYTE -> -Math.floorDiv(-quantity, 1_048_576);
        };
    }

    /** The price of a month's billable units: graduated tiers (or the unit price), then the monthly cap. */
    static long usagePrice(Offer offer, long units) {
        long net;
        if (offer.tiers().isEmpty()) {
            net = Math.multiplyExact(units, offer.price());
        } else {
            net = 0;
            long below = 0;
            for (OfferService.Tier tier : offer.tiers()) {
                long upTo = tier.upTo() == null ? Long.MAX_VALUE : tier.upTo();
                long inTier = Math.max(0, Math.min(units, upTo) - below);
                net = Math.addExact(net, Math.multiplyExact(inTier, tier.price()));
                below = upTo;
                if (units <= upTo) {
                    break;
                }
            }
        }
        return offer.monthlyCap() == null ? net : Math.min(net, offer.monthlyCap());
    }

    /**
     * Charges every pay-per-use contract's usage of each finished month not charged yet (Vietnam time),
     * once per contract and month; a buyer who cannot pay loses the entitlement and the charge is kept
     * as owed.
     */
    public int chargeUsage() {
        ZonedDateTime now = now().atZone(VIETNAM);
        Instant monthStart =
                now.withDayOfMonth(1).toLocalDate().atStartOfDay(VIETNAM).toInstant();
        record Span(long contractId, Instant first, Instant last) {}
        List<Span> spans = jdbc.sql("select contract_id, min(recorded_at), max(recorded_at) from exchange_usage "
                        + "where recorded_at < ? group by contract_id order by contract_id")
                .param(Timestamp.from(monthStart))
                .query((rs, n) -> new Span(
                        rs.getLong(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3).toInstant()))
                .list();
        int charged = 0;
        for (Span span : spans) {
            java.time.YearMonth last = java.time.YearMonth.from(span.last().atZone(VIETNAM));
            for (java.time.YearMonth month =
                            java.time.YearMonth.from(span.first().atZone(VIETNAM));
                    !month.isAfter(last);
                    month = month.plusMonths(1)) {
                boolean done =
                        jdbc.sql("select count(*) from exchange_usage_charge where contract_id = ? and usage_month = ?")
                                        .params(span.contractId(), month.toString())
                                        .query(Long.class)
                                        .single()
                                > 0;
                if (!done && chargeMonth(span.contractId(), month.toString())) {
                    charged++;
                }
            }
        }
        return charged;
    }

    private boolean chargeMonth(long contractId, String month) {
        Contract contract = contract(contractId).orElseThrow();
        Offer offer = offers.offer(contract.offerId()).orElseThrow();
        java.time.YearMonth ym = java.time.YearMonth.parse(month);
        Instant from = ym.atDay(1).atStartOfDay(VIETNAM).toInstant();
        Instant to = ym.plusMonths(1).atDay(1).atStartOfDay(VIETNAM).toInstant();
        long quantity = jdbc.sql("select coalesce(sum(units), 0) from exchange_usage where contract_id = ? "
                        + "and recorded_at >= ? and recorded_at < ?")
                .params(contractId, Timestamp.from(from), Timestamp.from(to))
                .query(Long.class)
                .single();
        long units = billable(offer.usageUnit(), quantity);
        long net = usagePrice(offer, units);
        long vat = OfferService.vatOn(net, offer.vatPercent());
        prepareAccounts(contract.buyerOrg(), contract.providerOrg());
        try {
            transactions.executeWithoutResult(status -> {
                MoneyJournal.Transaction paid = net == 0
                        ? null
                        : charge(
                                contract,
                                "contract:" + contractId + ":usage:" + month,
                                cash(contract.buyerOrg()),
                                net,
                                vat,
                                offer.vatPercent(),
                                InvoiceBook.Kind.USAGE,
                                "Contract " + contractId + ", usage " + month + ": " + units + " "
                                        + offer.usageUnit().name().toLowerCase(Locale.ROOT));
                jdbc.sql("insert into exchange_usage_charge(contract_id, usage_month, units, net, transaction_id) "
                                + "values (?,?,?,?,?)")
                        .params(contractId, month, units, net, paid == null ? null : paid.id())
                        .update();
            });
            return true;
        } catch (MoneyJournal.InsufficientFundsException unpaid) {
            transactions.executeWithoutResult(status -> {
                jdbc.sql("insert into exchange_usage_charge(contract_id, usage_month, units, net, transaction_id) "
                                + "values (?,?,?,?,null)")
                        .params(contractId, month, units, net)
                        .update();
                Contract locked = lock(contractId);
                if (locked.terminatedAt() == null) {
                    endAgreement(
                            locked, null, "usage charge for " + month + " unpaid: top up and contact the provider");
                }
            });
            return false;
        } catch (DuplicateKeyException chargedMeanwhile) {
            return false;
        }
    }

    /** A contract's usage: the month so far and what it will cost, for the buyer's page. */
    public record UsageSoFar(String month, long quantity, long units, long net, Long cap) {}

    public UsageSoFar usageThisMonth(Actor actor, long contractId) {
        Contract contract = visible(actor, contractId);
        Offer offer = offers.offer(contract.offerId()).orElseThrow();
        if (offer.priceModel() != PriceModel.PAY_PER_USE) {
            return null;
        }
        java.time.YearMonth ym = java.time.YearMonth.from(now().atZone(VIETNAM));
        Instant from = ym.atDay(1).atStartOfDay(VIETNAM).toInstant();
        long quantity = jdbc.sql("select coalesce(sum(units), 0) from exchange_usage where contract_id = ? "
                        + "and recorded_at >= ?")
                .params(contractId, Timestamp.from(from))
                .query(Long.class)
                .single();
        long units = billable(offer.usageUnit(), quantity);
        return new UsageSoFar(ym.toString(), quantity, units, usagePrice(offer, units), offer.monthlyCap());
    }

    // ------------------------------------------------------------------ reading

    /** The agreement as a document: exactly what was agreed, in the words and numbers both parties see. */
    /**
     * An agreement's document ready but for its contract's number, and the time it runs from and until.
     * A purchase makes it before it queues for the single writer, which only fills in the number.
     */
    private record Agreement(String draft, Instant from, Instant until) {}

    /** What a purchase of the offer costs before VAT: pay-per-use offers charge for use, not at purchase. */
    private static long net(Offer offer) {
        return offer.priceModel() == PriceModel.PAY_PER_USE ? 0 : offer.price();
    }

    private Agreement agreement(
            long providerOrg,
            long buyerOrg,
            Offer offer,
            ProductService.Product product,
            long net,
            long vat,
            String purpose,
            String scenario,
            Instant requestedAt,
            Instant from) {
        Instant until = end(offer, from);
        Integer version = product.fixedVersion();
        ObjectNode doc = json.createObjectNode();
        // Placeholders keep the fields' places: the writer sets them once the contract has its number.
        doc.put("agreement", 0L);
        doc.put("uid", PENDING_AGREEMENT);
        ObjectNode provider = doc.putObject("provider");
        provider.put("id", providerOrg);
        provider.put("name", organisations.name(providerOrg).orElse(""));
        ObjectNode buyer = doc.putObject("buyer");
        buyer.put("id", buyerOrg);
        buyer.put("name", organisations.name(buyerOrg).orElse(""));
        ObjectNode productNode = doc.putObject("product");
        productNode.put("id", product.id());
        productNode.put("title", product.title());
        ObjectNode dataset = doc.putArray("datasets").addObject();
        dataset.put("slug", product.catalogSlug());
        if (version == null) {
            dataset.put("version", "latest");
        } else {
            dataset.put("version", version);
        }
        ObjectNode offerNode = doc.putObject("offer");
        offerNode.put("id", offer.id());
        offerNode.put("title", offer.title());
        offerNode.put("priceModel", offer.priceModel().name());
        ObjectNode price = doc.putObject("price");
        price.put("currency", "VND");
        price.put("net", net);
        price.put("vatPercent", offer.vatPercent());
        price.put("vat", vat);
        price.put("total", net + vat);
        if (offer.period() != null) {
            price.put("period", offer.period().name());
        }
        if (offer.usageUnit() != null) {
            price.put("unitPrice", offer.price());
            price.put("unit", offer.usageUnit().name());
            if (offer.monthlyCap() != null) {
                price.put("monthlyCap", offer.monthlyCap());
            }
        }
        price.put("platformFeePercent", platformFeePercent);
        doc.put("purpose", purpose);
        doc.put("scenario", scenario);
        doc.put("requestedAt", requestedAt.toString());
        doc.put("agreedAt", from.toString());
        doc.put("startsAt", from.toString());
        doc.put("endsAt", until.toString());
        Policy agreement =
                OfferTerms.asAgreement(terms(offer.policy()), PENDING_AGREEMENT, OfferService.orgUri(buyerOrg));
        doc.set("policy", json.readTree(OdrlJson.write(agreement)));
        String draft = json.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        if (occurrences(draft, PENDING_NUMBER) != 1 || occurrences(draft, PENDING_UID) != 2) {
            throw new IllegalStateException("the agreement's draft does not have its placeholders in their places");
        }
        return new Agreement(draft, from, until);
    }

    /**
     * The placeholder of the agreement's identifier, unknown outside this process: no offer's terms can
     * carry it, so only the places this class puts it in are replaced.
     */
    private static final String PENDING_AGREEMENT = "urn:datafloor:agreement:pending-" + java.util.UUID.randomUUID();

    /**
     * The placeholders as the pretty printer writes them. Only the document's own structure can contain
     * them: in every text a user wrote (titles, the scenario) a quotation mark is escaped as {@code \"}.
     */
    private static final String PENDING_NUMBER = "\"agreement\" : 0,";

    private static final String PENDING_UID = "\"uid\" : \"" + PENDING_AGREEMENT + "\"";

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    /** The agreement's document as signed: its draft with the contract's number in its three places. */
    private static String agreementDocument(Agreement agreement, long contractId) {
        String uid = "urn:datafloor:agreement:" + contractId;
        return agreement
                .draft()
                .replace(PENDING_NUMBER, "\"agreement\" : " + contractId + ",")
                .replace(PENDING_UID, "\"uid\" : \"" + uid + "\"");
    }

    /**
     * An offer's or agreement's terms, parsed once: every order of an offer checks them and writes them
     * into its agreement, and every delivery on an agreement checks its own. Policies are immutable records, so the parsed form is shared; the text is the key, so
     * changed terms are parsed afresh.
     */
    public Policy terms(String policyText) {
        if (parsedTerms.size() > 1_000) {
            parsedTerms.clear();
        }
        return parsedTerms.computeIfAbsent(policyText, OdrlJson::read);
    }

    private final java.util.concurrent.ConcurrentMap<String, Policy> parsedTerms =
            new java.util.concurrent.ConcurrentHashMap<>();

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A contract for its buyer, its provider, the operator and auditors; others get 404. */
    public Contract visible(Actor actor, long contractId) {
        Contract contract =
                contract(contractId).orElseThrow(() -> ProblemException.notFound("No contract " + contractId));
        boolean allowed =
                policy.decide(actor, Action.VIEW_CONTRACTS, contract.buyerOrg()).allowed()
                        || policy.decide(actor, Action.VIEW_CONTRACTS, contract.providerOrg())
                                .allowed();
        if (!allowed) {
            throw ProblemException.notFound("No contract " + contractId);
        }
        return contract;
    }

    public Detail detail(Actor actor, long contractId) {
        Contract contract = visible(actor, contractId);
        List<StateChange> history = jdbc.sql(
                        "select from_state, to_state, actor, reason, at from exchange_contract_event "
                                + "where contract_id = ? order by id")
                .param(contractId)
                .query((rs, n) -> new StateChange(
                        rs.getString(1) == null ? null : State.valueOf(rs.getString(1)),
                        State.valueOf(rs.getString(2)),
                        rs.getObject(3, Long.class),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant()))
                .list();
        String agreement = jdbc.sql("select agreement from exchange_contract where id = ?")
                .param(contractId)
                .query(String.class)
                .optional()
                .orElse(null);
        return new Detail(
                contract,
                products.product(contract.productId())
                        .map(ProductService.Product::title)
                        .orElse(""),
                organisations
                        .find(contract.providerOrg())
                        .map(Organisation::name)
                        .orElse(""),
                organisations.find(contract.buyerOrg()).map(Organisation::name).orElse(""),
                history,
                agreement,
                invoices.ofContract(contractId));
    }

    /** The organisation's contracts as buyer and as provider, newest first. */
    public List<Contract> ofOrganisation(Actor actor, long orgId) {
        policy.require(actor, Action.VIEW_CONTRACTS, orgId);
        return contracts("where c.buyer_org = ? or c.provider_org = ? order by c.id desc", orgId, orgId);
    }

    /** Every contract, for the operator and auditors. */
    public List<Contract> all(Actor actor, int limit) {
        policy.require(actor, Action.VIEW_CONTRACTS);
        if (!policy.seesAllTenants(actor, Action.VIEW_CONTRACTS)) {
            throw ProblemException.notFound("No such list");
        }
        return contracts("order by c.id desc fetch first " + Math.max(1, Math.min(limit, 10_000)) + " rows only");
    }

    /** Requests waiting for the provider's decision. */
    public List<Contract> waitingFor(Actor actor, long providerOrg) {
        policy.require(actor, Action.DECIDE_CONTRACTS, providerOrg);
        return contracts("where c.provider_org = ? and c.state = 'REQUESTED' order by c.id", providerOrg);
    }

    /** The organisation's entitlements now: its agreements in force. */
    public List<Entitlement> entitlements(Actor actor, long orgId) {
        policy.require(actor, Action.VIEW_CONTRACTS, orgId);
        Instant now = now();
        return contracts(
                        "where c.buyer_org = ? and c.state = 'FINALIZED' and c.terminated_at is null order by c.id",
                        orgId)
                .stream()
                .filter(c -> c.activeAt(now))
                .map(this::entitlementOf)
                .toList();
    }

    /** The entitlement of one contract if it is in force now: what the delivery channels check. */
    public Optional<Entitlement> entitlement(long contractId) {
        return contract(contractId).flatMap(this::entitlement);
    }

    /** The entitlement of a contract already read, if it is in force now. */
    public Optional<Entitlement> entitlement(Contract contract) {
        Instant now = now();
        return Optional.of(contract).filter(c -> c.activeAt(now)).map(this::entitlementOf);
    }

    /**
     * The policy of each agreement, read once: an agreement document never changes after it is signed
     * (its hash is on the ledger), so a delivery need not read and parse it on every request.
     */
    private final java.util.Map<Long, String> agreementPolicies =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Long, String> eldest) {
                    return size() > 10_000;
                }
            });

    private Entitlement entitlementOf(Contract contract) {
        ProductService.Product product = products.product(contract.productId()).orElseThrow();
        String policyJson = agreementPolicies.get(contract.id());
        if (policyJson == null) {
            String agreement = jdbc.sql("select agreement from exchange_contract where id = ?")
                    .param(contract.id())
                    .query(String.class)
                    .single();
            policyJson = json.readTree(agreement).get("policy").toString();
            agreementPolicies.put(contract.id(), policyJson);
        }
        return new Entitlement(
                contract.id(),
                contract.buyerOrg(),
                contract.providerOrg(),
                product.id(),
                product.catalogSlug(),
                product.fixedVersion(),
                contract.purpose(),
                policyJson,
                contract.startsAt(),
                contract.endsAt());
    }

    /** The stored agreement document and its hash, to check against the ledger. */
    public record AgreementDocument(long contractId, String document, String hash, boolean intact) {}

    public AgreementDocument agreement(Actor actor, long contractId) {
        Contract contract = visible(actor, contractId);
        String document = jdbc.sql("select agreement from exchange_contract where id = ?")
                .param(contractId)
                .query(String.class)
                .optional()
                .orElse(null);
        if (document == null) {
            throw ProblemException.conflict(
                    "contract.noAgreement", "No agreement yet: the contract is " + contract.state());
        }
        return new AgreementDocument(
                contractId, document, contract.agreementHash(), sha256(document).equals(contract.agreementHash()));
    }

    public Optional<Contract> contract(long id) {
        List<Contract> found = contracts("where c.id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    Optional<Contract> byOrderKey(String orderKey) {
        List<Contract> found = contracts("where c.order_key = ?", orderKey);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private Contract lock(long contractId) {
        jdbc.sql("select id from exchange_contract where id = ? for update")
                .param(contractId)
                .query(Long.class)
                .single();
        return contract(contractId).orElseThrow();
    }

    List<Contract> contracts(String where, Object... params) {
        return jdbc.sql("""
                        select c.id, c.offer_id, c.product_id, c.provider_org, c.buyer_org, c.state, c.purpose, c.scenario,
                          c.price, c.vat, c.platform_fee, c.agreement_hash, c.requested_at, c.agreed_at, c.starts_at,
                          c.ends_at, c.terminated_at, c.termination_reason, c.auction_id
                        from exchange_contract c join exchange_offer o on o.id = c.offer_id """ + " " + where)
                .params(params)
                .query(ContractService::contractRow)
                .list();
    }

    private static Contract contractRow(ResultSet rs, int n) throws SQLException {
        return new Contract(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5),
                State.valueOf(rs.getString(6)),
                rs.getString(7),
                rs.getString(8),
                rs.getLong(9),
                rs.getLong(10),
                rs.getLong(11),
                rs.getString(12),
                rs.getTimestamp(13).toInstant(),
                instant(rs.getTimestamp(14)),
                instant(rs.getTimestamp(15)),
                instant(rs.getTimestamp(16)),
                instant(rs.getTimestamp(17)),
                rs.getString(18),
                rs.getObject(19, Long.class));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    // ------------------------------------------------------------------ state changes

    /** Moves a contract along one of the protocol's transitions, on the ledger; any other move is refused. */
    void transition(Contract contract, State to, Long by, String reason) {
        transition(contract, to, by, reason, true);
    }

    private void transition(Contract contract, State to, Long by, String reason, boolean onLedger) {
        if (!contract.state().next().contains(to)) {
            throw ProblemException.conflict(
                    "contract.transition",
                    "A contract cannot go from " + contract.state() + " to " + to,
                    contract.state().name(),
                    to.name());
        }
        int moved = jdbc.sql("update exchange_contract set state = ? where id = ? and state = ?")
                .params(to.name(), contract.id(), contract.state().name())
                .update();
        if (moved != 1) {
            throw ProblemException.conflict("contract.changedMeanwhile", "The contract changed meanwhile; reload it");
        }
        if (to == State.TERMINATED) {
            jdbc.sql("update exchange_contract set terminated_at = ?, termination_reason = ? where id = ?")
                    .params(Timestamp.from(now()), truncate(reason, 2000), contract.id())
                    .update();
        }
        event(contract.id(), contract.state(), to, by, reason, contract.buyerOrg(), now(), onLedger);
    }

    private void event(
            long contractId, State from, State to, Long by, String reason, long orgId, Instant at, boolean onLedger) {
        jdbc.sql("insert into exchange_contract_event(contract_id, from_state, to_state, actor, reason, at) "
                        + "values (?,?,?,?,?,?)")
                .params(
                        contractId,
                        from == null ? null : from.name(),
                        to.name(),
                        by,
                        truncate(reason, 2000),
                        Timestamp.from(at))
                .update();
        if (!onLedger) {
            return;
        }
        audit.record(new AuditEvent(
                EventType.CONTRACT_CHANGED,
                by,
                null,
                orgId,
                AuditEvent.Outcome.SUCCESS,
                null,
                "contract " + contractId + ": " + (from == null ? "" : from + " → ") + to,
                Map.of("contract", Long.toString(contractId), "state", to.name())));
    }

    /**
     * The time now to the millisecond: what the database stores without rounding (H2 rounds to the
     * microsecond, up as well as down), so a contract starting "now" has started when read back.
     */
    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    private long cash(long orgId) {
        return journal.account(orgId, AccountKind.CASH).id();
    }

    private long held(long orgId) {
        return journal.account(orgId, AccountKind.HELD).id();
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
