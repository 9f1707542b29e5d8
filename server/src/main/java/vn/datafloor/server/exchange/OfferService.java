package vn.datafloor.server.exchange;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.policy.OdrlJson;
import vn.datafloor.policy.PlainLanguage;
import vn.datafloor.policy.Policy;
import vn.datafloor.policy.PolicyException;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * How a product is sold: offers, each with a price model and its terms of use as an ODRL Offer.
 * Prices are đồng before VAT; the VAT rate is the platform's (10% unless configured) and every price
 * is shown with it. State agencies do not set prices for state data: the operator's fee schedule does,
 * per data class and unit. A changed offer set sends the product back to inspection, since the terms
 * are part of what the inspector approved.
 */
@Service
public class OfferService {

    public enum PriceModel {
        FREE,
        ONE_TIME,
        SUBSCRIPTION,
        PAY_PER_USE,
        AUCTION
    }

    public enum Period {
        MONTH,
        YEAR
    }

    public enum UsageUnit {
        QUERY,
        THOUSAND_ROWS,
        MEGABYTE;

        /** The fee schedule's unit for a model that has none of its own. */
        static final String NONE = "NONE";
    }

    /** What a buyer may declare as the purpose of use (ODRL {@code purpose} values of the Datafloor profile). */
    public static final List<String> PURPOSES = List.of(
            "df:creditScoring",
            "df:research",
            "df:statistics",
            "df:public-task",
            "df:riskManagement",
            "df:productDevelopment",
            "df:marketing");

    /** A volume tier of a pay-per-use offer: units up to {@code upTo} in a month (null: all further) at {@code price}. */
    public record Tier(Long upTo, long price) {}

    public record Offer(
            long id,
            long productId,
            String title,
            PriceModel priceModel,
            long price,
            Period period,
            UsageUnit usageUnit,
            Long monthlyCap,
            List<Tier> tiers,
            int vatPercent,
            Integer quantity,
            int sold,
            int durationDays,
            boolean approvalRequired,
            List<Long> privateBuyers,
            String policy,
            Long feeId,
            Long inputCost,
            boolean active,
            Instant createdAt) {

        /** VAT on the price, rounded half up to the đồng. */
        public long vat() {
            return vatOn(price, vatPercent);
        }

        public long total() {
            return price + vat();
        }

        public boolean soldOut() {
            return quantity != null && sold >= quantity;
        }

        public Integer remaining() {
            return quantity == null ? null : Math.max(0, quantity - sold);
        }

        public boolean isPrivate() {
            return !privateBuyers.isEmpty();
        }
    }

    /**
     * The terms a provider fills in; the platform writes them as an ODRL Offer. {@code territory} is
     * {@code VN} or a province code ({@code VN-HN}); {@code buyerKinds} names organisation kinds;
     * {@code rows}, when not empty, sells only the rows meeting every condition (the offer's target
     * becomes the product refined by them, enforced on every delivery channel).
     */
    public record Terms(
            List<String> purposes,
            String territory,
            List<String> buyerKinds,
            boolean noResale,
            boolean deleteOnExpiry,
            List<RowCondition> rows) {

        public Terms {
            rows = rows == null ? List.of() : List.copyOf(rows);
        }

        /** Terms selling every row. */
        public Terms(
                List<String> purposes,
                String territory,
                List<String> buyerKinds,
                boolean noResale,
                boolean deleteOnExpiry) {
            this(purposes, territory, buyerKinds, noResale, deleteOnExpiry, List.of());
        }
    }

    /**
     * "Only the rows whose {@code column} ..." : {@code operator} an ODRL operator a row condition
     * allows ({@code eq}, {@code neq}, {@code lt}, {@code lteq}, {@code gt}, {@code gteq},
     * {@code isAnyOf}, {@code isNoneOf}); {@code values} as text, typed by the column's type.
     */
    public record RowCondition(String column, String operator, List<String> values) {
        public RowCondition {
            values = values == null ? List.of() : List.copyOf(values);
        }
    }

    /** Limits on an offer's row conditions: each becomes SQL on every delivery. */
    static final int MAX_ROW_CONDITIONS = 10;

    static final int MAX_ROW_VALUES = 100;
    static final int MAX_ROW_VALUE_CHARS = 200;

    public record NewOffer(
            String title,
            PriceModel priceModel,
            Long price,
            Period period,
            UsageUnit usageUnit,
            Long monthlyCap,
            List<Tier> tiers,
            Integer quantity,
            Integer durationDays,
            Boolean approvalRequired,
            List<Long> privateBuyers,
            Terms terms,
            /* An ODRL policy in JSON-LD written by hand, instead of {@code terms}. */
            String policy,
            Long inputCost) {}

    /** An offer with its terms in plain language, as buyers see it. */
    public record Shown(Offer offer, String termsVi, String termsEn, List<String> purposes) {
        /** The terms, one sentence a line, in English for an English locale and Vietnamese otherwise. */
        public List<String> lines(Locale locale) {
            String text = "en".equals(locale.getLanguage()) ? termsEn : termsVi;
            return text.isBlank() ? List.of() : List.of(text.split("\n"));
        }
    }

    /** A line of the State's fee schedule. */
    public record Fee(
            long id, String importance, PriceModel priceModel, String usageUnit, long amount, String legalBasis) {}

    public record NewFee(String importance, PriceModel priceModel, String usageUnit, Long amount, String legalBasis) {}

    /** Upper bound on any price: a trillion đồng; anything above is a typing error, not a price. */
    static final long MAX_PRICE = 1_000_000_000_000L;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ProductService products;
    private final CatalogService catalog;
    private final OrganisationService organisations;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;
    private final int vatPercent;
    private final String publicUrl;

    OfferService(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            ProductService products,
            CatalogService catalog,
            OrganisationService organisations,
            AccessPolicy policy,
            AuditLog audit,
            JsonMapper json,
            Clock clock,
            @Value("${datafloor.exchange.vat-percent:10}") int vatPercent,
            @Value("${datafloor.public-url:http://localhost:8080}") String publicUrl) {
        if (vatPercent < 0 || vatPercent > 100) {
            throw new IllegalArgumentException("datafloor.exchange.vat-percent must be 0-100, not " + vatPercent);
        }
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.products = products;
        this.catalog = catalog;
        this.organisations = organisations;
        this.policy = policy;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.vatPercent = vatPercent;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    static long vatOn(long net, int percent) {
        return Math.floorDiv(Math.multiplyExact(net, percent) + 50, 100);
    }

    public int vatPercent() {
        return vatPercent;
    }

    // ------------------------------------------------------------------ providers

    /** Adds an offer to one of the organisation's products; a listed product goes back to inspection. */
    public Offer create(Actor actor, long productId, NewOffer request) {
        ProductService.Product product =
                products.product(productId).orElseThrow(() -> ProblemException.notFound("No product " + productId));
        policy.require(actor, Action.MANAGE_PRODUCTS, product.orgId());
        CatalogEntry entry = catalog.find(Actor.SYSTEM, product.catalogSlug())
                .orElseThrow(() -> ProblemException.conflict("offer.noDataset", "The product's dataset is gone"));
        String title = text(request.title(), 3, 200, "offer.title", "a title of 3-200 characters");
        PriceModel model = request.priceModel();
        if (model == null) {
            throw ProblemException.badRequest(
                    "offer.priceModel", "Choose a price model: " + Arrays.toString(PriceModel.values()));
        }
        boolean stateData = organisations
                .find(product.orgId())
                .map(o -> o.kind() == OrganisationKind.STATE_AGENCY)
                .orElse(false);
        UsageUnit unit =
                model == PriceModel.PAY_PER_USE ? required(request.usageUnit(), "offer.unit", "a usage unit") : null;
        Period period =
                model == PriceModel.SUBSCRIPTION ? required(request.period(), "offer.period", "a period") : null;
        Long feeId = null;
        long price;
        if (model == PriceModel.FREE) {
            price = 0;
        } else if (stateData && model != PriceModel.AUCTION) {
            // State data is a public asset sold at the fee the schedule sets, not at the agency's choice.
            Fee fee = fee(entry.importance(), model, unit == null ? UsageUnit.NONE : unit.name())
                    .orElseThrow(() -> ProblemException.conflict(
                            "offer.noFee",
                            "The fee schedule has no fee for " + entry.importance() + " data sold " + model
                                    + "; ask the operator to add one",
                            entry.importance(),
                            model.name()));
            feeId = fee.id();
            price = fee.amount();
        } else {
            if (model == PriceModel.AUCTION && stateData && request.inputCost() == null) {
                throw ProblemException.badRequest(
                        "offer.inputCostRequired",
                        "State data is auctioned with its declared input cost: the reserve may not be below it");
            }
            price = price(request.price());
        }
        Long inputCost = request.inputCost();
        if (inputCost != null && (inputCost < 0 || inputCost > MAX_PRICE)) {
            throw ProblemException.badRequest("offer.inputCost", "The input cost is 0 to " + MAX_PRICE + " đồng");
        }
        if (model == PriceModel.AUCTION && inputCost != null && price < inputCost) {
            // For an auction the price is the reserve: state data is never sold below what it cost.
            throw ProblemException.badRequest(
                    "offer.reserveBelowCost",
                    "The reserve price " + price + " đồng is below the declared input cost " + inputCost + " đồng",
                    price,
                    inputCost);
        }
        Long cap = null;
        List<Tier> tiers = List.of();
        if (model == PriceModel.PAY_PER_USE) {
            cap = request.monthlyCap();
            if (cap != null && (cap <= 0 || cap > MAX_PRICE)) {
                throw ProblemException.badRequest("offer.cap", "A monthly cap is a positive amount of đồng");
            }
            tiers = tiers(request.tiers(), stateData);
        }
        Integer quantity = request.quantity();
        if (quantity != null && (quantity < 1 || quantity > 1_000_000)) {
            throw ProblemException.badRequest("offer.quantity", "A limited offer sells 1 to 1,000,000 contracts");
        }
        int days = request.durationDays() == null
                ? (period == Period.YEAR ? 365 : period == Period.MONTH ? 30 : 365)
                : request.durationDays();
        if (days < 1 || days > 3660) {
            throw ProblemException.badRequest("offer.duration", "An agreement lasts 1 to 3,660 days");
        }
        List<Long> buyers =
                request.privateBuyers() == null ? List.of() : List.copyOf(Set.copyOf(request.privateBuyers()));
        for (long buyer : buyers) {
            if (organisations.find(buyer).isEmpty() || buyer == product.orgId()) {
                throw ProblemException.badRequest("offer.privateBuyer", "No other organisation " + buyer);
            }
        }
        boolean important = "important".equals(entry.importance());
        Instant now = clock.instant();
        long price0 = price;
        Long fee0 = feeId;
        Long cap0 = cap;
        List<Tier> tiers0 = tiers;
        long id = transactions.execute(status -> {
            jdbc.sql("""
                            insert into exchange_offer(product_id, title, price_model, price, period, usage_unit, monthly_cap,
                              tiers, vat_percent, quantity, sold, duration_days, approval_required, private_buyers, policy,
                              fee_id, input_cost, active, created_by, created_at)
                            values (?,?,?,?,?,?,?,?,?,?,0,?,?,?,?,?,?,true,?,?)""")
                    .params(
                            productId,
                            title,
                            model.name(),
                            price0,
                            period == null ? null : period.name(),
                            unit == null ? null : unit.name(),
                            cap0,
                            tiers0.isEmpty() ? null : json.writeValueAsString(tiers0),
                            vatPercent,
                            quantity,
                            days,
                            request.approvalRequired() != null && request.approvalRequired() || important,
                            buyers.isEmpty()
                                    ? null
                                    : String.join(
                                            ",",
                                            buyers.stream().map(String::valueOf).toList()),
                            "{}",
                            fee0,
                            inputCost,
                            actor.personId(),
                            Timestamp.from(now))
                    .update();
            long offerId = jdbc.sql("select max(id) from exchange_offer where product_id = ?")
                    .param(productId)
                    .query(Long.class)
                    .single();
            Policy terms = terms(offerId, product, entry, request, days, important);
            jdbc.sql("update exchange_offer set policy = ? where id = ?")
                    .params(OdrlJson.write(terms), offerId)
                    .update();
            audit.record(new AuditEvent(
                    EventType.OFFER_CHANGED,
                    actor.personId(),
                    actor.personName(),
                    product.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "offer " + offerId + " on product " + productId + ": " + model + " " + price0 + " đồng",
                    Map.of(
                            "offer",
                            Long.toString(offerId),
                            "product",
                            Long.toString(productId),
                            "model",
                            model.name(),
                            "price",
                            Long.toString(price0))));
            return offerId;
        });
        products.backToInspection(product, "offer " + id + " added");
        catalog.refreshListing(product.catalogSlug());
        return offer(id).orElseThrow();
    }

    /** Withdraws an offer: no new contracts; agreements already made stand. */
    public Offer withdraw(Actor actor, long offerId) {
        Offer offer = offer(offerId).orElseThrow(() -> ProblemException.notFound("No offer " + offerId));
        ProductService.Product product = products.product(offer.productId()).orElseThrow();
        policy.require(actor, Action.MANAGE_PRODUCTS, product.orgId());
        transactions.executeWithoutResult(status -> {
            jdbc.sql("update exchange_offer set active = false where id = ?")
                    .param(offerId)
                    .update();
            audit.record(new AuditEvent(
                    EventType.OFFER_CHANGED,
                    actor.personId(),
                    actor.personName(),
                    product.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "offer " + offerId + " withdrawn",
                    Map.of("offer", Long.toString(offerId), "withdrawn", "true")));
        });
        catalog.refreshListing(product.catalogSlug());
        return offer(offerId).orElseThrow();
    }

    private Policy terms(
            long offerId,
            ProductService.Product product,
            CatalogEntry entry,
            NewOffer request,
            int days,
            boolean important) {
        if (request.policy() != null && !request.policy().isBlank()) {
            Policy written;
            try {
                written = OdrlJson.read(request.policy());
            } catch (PolicyException e) {
                throw ProblemException.badRequest("offer.policy", "The ODRL policy is not valid: " + e.getMessage());
            }
            List<String> unknown = OfferTerms.unknownTerms(written);
            if (!unknown.isEmpty()) {
                throw ProblemException.badRequest(
                        "offer.policyUnknown",
                        "The policy uses terms the platform cannot enforce: " + String.join(", ", unknown),
                        String.join(", ", unknown));
            }
            Policy offer =
                    OfferTerms.asOffer(written, offerUri(offerId), orgUri(product.orgId()), productUri(product.id()));
            // The row conditions written by hand meet the same checks as the form's: a column the dataset has, a
            // value of its type. Checked now, so the offer does not sell terms every delivery would refuse.
            for (vn.datafloor.policy.Constraint.Atomic condition : OfferTerms.rowConditions(offer)) {
                checkRowCondition(
                        entry,
                        vn.datafloor.policy.RowScope.column(condition.leftOperand())
                                .orElseThrow(),
                        condition.operator(),
                        condition.rightOperand().stream()
                                .map(vn.datafloor.policy.Value::text)
                                .toList());
            }
            return offer;
        }
        Terms terms = request.terms() == null ? new Terms(List.of(), "VN", List.of(), true, true) : request.terms();
        if (terms.rows().size() > MAX_ROW_CONDITIONS) {
            throw ProblemException.badRequest(
                    "offer.rows",
                    "At most " + MAX_ROW_CONDITIONS + " row conditions",
                    terms.rows().size());
        }
        for (String purpose : terms.purposes() == null ? List.<String>of() : terms.purposes()) {
            if (!PURPOSES.contains(purpose)) {
                throw ProblemException.badRequest(
                        "offer.purpose", "Unknown purpose " + purpose + "; one of " + PURPOSES, purpose);
            }
        }
        for (String kind : terms.buyerKinds() == null ? List.<String>of() : terms.buyerKinds()) {
            try {
                OrganisationKind.valueOf(kind);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("offer.buyerKind", "Unknown kind of organisation " + kind, kind);
            }
        }
        String territory = terms.territory() == null || terms.territory().isBlank() ? null : terms.territory();
        if (territory != null && !territory.matches("VN(-[A-Z0-9]{1,3})?")) {
            throw ProblemException.badRequest(
                    "offer.territory", "A territory is VN or a province code such as VN-HN", territory);
        }
        for (RowCondition condition : terms.rows()) {
            if (condition == null) {
                throw ProblemException.badRequest("offer.rows", "A row condition is missing", "null");
            }
            checkRowCondition(entry, condition.column(), condition.operator(), condition.values());
        }
        return OfferTerms.build(
                offerUri(offerId),
                orgUri(product.orgId()),
                productUri(product.id()),
                terms.purposes() == null ? List.of() : terms.purposes(),
                territory,
                terms.buyerKinds() == null ? List.of() : terms.buyerKinds(),
                terms.noResale(),
                terms.deleteOnExpiry(),
                days,
                important,
                entry.importance(),
                terms.rows());
    }

    /** A row condition the delivery can enforce on the product's dataset: else a 400 naming what is wrong. */
    private static void checkRowCondition(CatalogEntry entry, String column, String operator, List<String> values) {
        CatalogEntry.Column known = entry.columns().stream()
                .filter(c -> c.name().equals(column))
                .findFirst()
                .orElseThrow(() -> ProblemException.badRequest(
                        "offer.rowColumn",
                        "The dataset has no column " + column + "; one of "
                                + entry.columns().stream()
                                        .map(CatalogEntry.Column::name)
                                        .toList(),
                        String.valueOf(column)));
        if (operator == null || !vn.datafloor.policy.RowScope.OPERATORS.contains(operator)) {
            throw ProblemException.badRequest(
                    "offer.rowOperator",
                    "A row condition's operator is one of "
                            + new java.util.TreeSet<>(vn.datafloor.policy.RowScope.OPERATORS),
                    String.valueOf(operator));
        }
        boolean several = operator.equals("isAnyOf") || operator.equals("isNoneOf");
        if (values == null
                || values.isEmpty()
                || values.size() > MAX_ROW_VALUES
                || (!several && values.size() != 1)
                || values.stream().anyMatch(v -> v == null || v.isBlank() || v.length() > MAX_ROW_VALUE_CHARS)) {
            throw ProblemException.badRequest(
                    "offer.rowValues",
                    "The condition on " + column + " needs " + (several ? "1 to " + MAX_ROW_VALUES : "exactly one")
                            + " non-empty values of at most " + MAX_ROW_VALUE_CHARS + " characters",
                    column);
        }
        for (String value : values) {
            try {
                known.filterValue(value);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("offer.rowValues", e.getMessage(), column);
            }
        }
    }

    String offerUri(long offerId) {
        return publicUrl + "/api/exchange/offers/" + offerId + "/policy";
    }

    static String orgUri(long orgId) {
        return "urn:datafloor:org:" + orgId;
    }

    static String productUri(long productId) {
        return "urn:datafloor:product:" + productId;
    }

    private List<Tier> tiers(List<Tier> requested, boolean stateData) {
        if (requested == null || requested.isEmpty()) {
            return List.of();
        }
        if (stateData) {
            throw ProblemException.badRequest(
                    "offer.tiersState", "State data is priced by the fee schedule, without tiers");
        }
        if (requested.size() > 10) {
            throw ProblemException.badRequest("offer.tiers", "At most 10 tiers");
        }
        long previous = 0;
        for (int i = 0; i < requested.size(); i++) {
            Tier tier = requested.get(i);
            price(tier.price());
            boolean last = i == requested.size() - 1;
            if (tier.upTo() == null ? !last : tier.upTo() <= previous) {
                throw ProblemException.badRequest(
                        "offer.tiers", "Tiers rise: each ends above the one before, only the last is open-ended");
            }
            previous = tier.upTo() == null ? previous : tier.upTo();
        }
        return List.copyOf(requested);
    }

    private static long price(Long price) {
        if (price == null || price <= 0 || price > MAX_PRICE) {
            throw ProblemException.badRequest(
                    "offer.price",
                    "A price is a whole number of đồng from 1 to " + MAX_PRICE + " (use FREE for no price)");
        }
        return price;
    }

    private static <T> T required(T value, String key, String what) {
        if (value == null) {
            throw ProblemException.badRequest(key, "This price model needs " + what);
        }
        return value;
    }

    // ------------------------------------------------------------------ the fee schedule

    public List<Fee> fees() {
        return jdbc.sql("select id, importance, price_model, usage_unit, amount, legal_basis from exchange_fee "
                        + "order by importance, price_model, usage_unit")
                .query(OfferService::feeRow)
                .list();
    }

    Optional<Fee> fee(String importance, PriceModel model, String unit) {
        return jdbc.sql("select id, importance, price_model, usage_unit, amount, legal_basis from exchange_fee "
                        + "where importance = ? and price_model = ? and usage_unit = ?")
                .params(String.valueOf(importance), model.name(), unit)
                .query(OfferService::feeRow)
                .optional();
    }

    /** Sets (adds or replaces) a line of the fee schedule; offers made later use it. */
    public Fee setFee(Actor actor, NewFee request) {
        policy.require(actor, Action.MANAGE_FEES);
        String importance = request.importance();
        if (!"important".equals(importance) && !"other".equals(importance)) {
            throw ProblemException.badRequest(
                    "fee.importance", "Fees are set for important or other data (core data is never sold)");
        }
        if (request.priceModel() == null
                || request.priceModel() == PriceModel.FREE
                || request.priceModel() == PriceModel.AUCTION) {
            throw ProblemException.badRequest("fee.model", "A fee is for ONE_TIME, SUBSCRIPTION or PAY_PER_USE");
        }
        String unit = request.priceModel() == PriceModel.PAY_PER_USE ? request.usageUnit() : UsageUnit.NONE;
        if (request.priceModel() == PriceModel.PAY_PER_USE) {
            try {
                UsageUnit.valueOf(String.valueOf(unit));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("fee.unit", "A pay-per-use fee names its unit");
            }
        }
        long amount = price(request.amount());
        String basis = text(request.legalBasis(), 3, 300, "fee.basis", "the legal basis (3-300 characters)");
        Instant now = clock.instant();
        transactions.executeWithoutResult(status -> {
            jdbc.sql("delete from exchange_fee where importance = ? and price_model = ? and usage_unit = ?")
                    .params(importance, request.priceModel().name(), unit)
                    .update();
            jdbc.sql("insert into exchange_fee(importance, price_model, usage_unit, amount, legal_basis, created_by, "
                            + "created_at) values (?,?,?,?,?,?,?)")
                    .params(
                            importance,
                            request.priceModel().name(),
                            unit,
                            amount,
                            basis,
                            actor.personId(),
                            Timestamp.from(now))
                    .update();
            audit.record(new AuditEvent(
                    EventType.FEE_SCHEDULE_CHANGED,
                    actor.personId(),
                    actor.personName(),
                    null,
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "fee for " + importance + " data, " + request.priceModel() + " " + unit + ": " + amount + " đồng",
                    Map.of(
                            "importance",
                            importance,
                            "model",
                            request.priceModel().name(),
                            "unit",
                            unit,
                            "amount",
                            Long.toString(amount))));
        });
        return fee(importance, request.priceModel(), unit).orElseThrow();
    }

    // ------------------------------------------------------------------ reading

    public Optional<Offer> offer(long id) {
        List<Offer> found = offers("where id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** The product's offers this actor may see: private offers only to their buyers and the provider. */
    public List<Offer> ofProduct(Actor actor, ProductService.Product product) {
        boolean provider = actor != null
                && policy.decide(actor, Action.MANAGE_PRODUCTS, product.orgId()).allowed();
        boolean operator =
                actor != null && policy.decide(actor, Action.INSPECT_PRODUCTS).allowed();
        return offers("where product_id = ? order by id", product.id()).stream()
                .filter(o -> provider || operator || o.active() && visibleTo(actor, o))
                .toList();
    }

    /** An offer a buyer may see: public, or private and naming the buyer's organisation. */
    static boolean visibleTo(Actor actor, Offer offer) {
        return !offer.isPrivate()
                || actor != null
                        && actor.orgId() != null
                        && offer.privateBuyers().contains(actor.orgId());
    }

    /** The offer with its terms in plain language, for anyone who may see its product and it. */
    public Shown shown(Actor actor, long offerId) {
        Offer offer = offer(offerId).orElseThrow(() -> ProblemException.notFound("No offer " + offerId));
        ProductService.Product product = products.get(actor, offer.productId()).product();
        boolean provider = actor != null
                && policy.decide(actor, Action.MANAGE_PRODUCTS, product.orgId()).allowed();
        boolean operator =
                actor != null && policy.decide(actor, Action.INSPECT_PRODUCTS).allowed();
        if (!provider && !operator && !visibleTo(actor, offer)) {
            throw ProblemException.notFound("No offer " + offerId);
        }
        return shown(offer);
    }

    Shown shown(Offer offer) {
        Policy terms = OdrlJson.read(offer.policy());
        return new Shown(
                offer,
                OfferTerms.rulesOnly(PlainLanguage.render(terms, Locale.forLanguageTag("vi"))),
                OfferTerms.rulesOnly(PlainLanguage.render(terms, Locale.ENGLISH)),
                OfferTerms.purposes(terms));
    }

    /** Prices of other listed products' offers, for a provider pricing its own: what the market asks. */
    public List<Comparable> comparables(Actor actor, long productId) {
        ProductService.Product product =
                products.product(productId).orElseThrow(() -> ProblemException.notFound("No product " + productId));
        policy.require(actor, Action.MANAGE_PRODUCTS, product.orgId());
        String importance = catalog.stored(product.catalogSlug())
                .map(CatalogEntry::importance)
                .orElse(null);
        List<Comparable> found = new ArrayList<>();
        for (ProductService.Product other : products.listed()) {
            if (other.id() == productId) {
                continue;
            }
            Optional<CatalogEntry> entry = catalog.stored(other.catalogSlug());
            boolean sameClass = entry.map(e -> java.util.Objects.equals(e.importance(), importance))
                    .orElse(false);
            for (Offer offer :
                    offers("where product_id = ? and active = true and private_buyers is null", other.id())) {
                found.add(new Comparable(
                        other.id(),
                        other.title(),
                        entry.map(CatalogEntry::importance).orElse(null),
                        sameClass,
                        entry.map(e -> e.latest() == null ? 0L : e.latest().rows())
                                .orElse(0L),
                        offer.priceModel(),
                        offer.price(),
                        offer.period(),
                        offer.usageUnit()));
            }
        }
        found.sort(java.util.Comparator.comparing((Comparable c) -> !c.sameClass())
                .thenComparing(Comparable::priceModel)
                .thenComparingLong(Comparable::price));
        return found;
    }

    /** A listed offer another provider makes, beside which one prices one's own. */
    public record Comparable(
            long productId,
            String title,
            String importance,
            boolean sameClass,
            long rows,
            PriceModel priceModel,
            long price,
            Period period,
            UsageUnit usageUnit) {}

    List<Offer> offers(String where, Object... params) {
        return jdbc.sql("""
                        select id, product_id, title, price_model, price, period, usage_unit, monthly_cap, tiers, vat_percent,
                          quantity, sold, duration_days, approval_required, private_buyers, policy, fee_id, input_cost, active,
                          created_at from exchange_offer """ + " " + where).params(params).query(this::offerRow).list();
    }

    private Offer offerRow(ResultSet rs, int n) throws SQLException {
        String tiers = rs.getString(9);
        String buyers = rs.getString(15);
        return new Offer(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                PriceModel.valueOf(rs.getString(4)),
                rs.getLong(5),
                rs.getString(6) == null ? null : Period.valueOf(rs.getString(6)),
                rs.getString(7) == null ? null : UsageUnit.valueOf(rs.getString(7)),
                rs.getObject(8, Long.class),
                tiers == null ? List.of() : json.readValue(tiers, new TypeReference<List<Tier>>() {}),
                rs.getInt(10),
                rs.getObject(11, Integer.class),
                rs.getInt(12),
                rs.getInt(13),
                rs.getBoolean(14),
                buyers == null
                        ? List.of()
                        : Arrays.stream(buyers.split(",")).map(Long::valueOf).toList(),
                rs.getString(16),
                rs.getObject(17, Long.class),
                rs.getObject(18, Long.class),
                rs.getBoolean(19),
                rs.getTimestamp(20).toInstant());
    }

    private static Fee feeRow(ResultSet rs, int n) throws SQLException {
        return new Fee(
                rs.getLong(1),
                rs.getString(2),
                PriceModel.valueOf(rs.getString(3)),
                rs.getString(4),
                rs.getLong(5),
                rs.getString(6));
    }

    static String text(String value, int min, int max, String key, String what) {
        String clean = value == null ? "" : value.strip();
        if (clean.length() < min || clean.length() > max) {
            throw ProblemException.badRequest(key, "Give " + what);
        }
        return clean;
    }
}
