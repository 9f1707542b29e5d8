package vn.datafloor.server.exchange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The product page (offers with price, VAT and terms in plain language, the masked sample, the
 * checkout with a declared purpose), the provider's offers with what comparable products cost and
 * the fee schedule beside them, and the operator's fee schedule.
 */
@Controller
class MarketPages {

    private final ProductService products;
    private final OfferService offers;
    private final ContractService contracts;
    private final CatalogService catalog;
    private final AccessPolicy policy;
    private final ProblemResponses problems;

    MarketPages(
            ProductService products,
            OfferService offers,
            ContractService contracts,
            CatalogService catalog,
            AccessPolicy policy,
            ProblemResponses problems) {
        this.products = products;
        this.offers = offers;
        this.contracts = contracts;
        this.catalog = catalog;
        this.policy = policy;
        this.problems = problems;
    }

    @GetMapping("/exchange/products/{id}")
    @Permit(Action.VIEW_PUBLIC)
    String product(Actor actor, @PathVariable long id, Model model) {
        ProductService.Inspected inspected = products.get(actor, id);
        ProductService.Product product = inspected.product();
        model.addAttribute("inspected", inspected);
        model.addAttribute("product", product);
        model.addAttribute(
                "offers",
                offers.ofProduct(actor, product).stream().map(offers::shown).toList());
        model.addAttribute("purposes", OfferService.PURPOSES);
        model.addAttribute("vatPercent", offers.vatPercent());
        model.addAttribute("feePercent", contracts.platformFeePercent());
        // One key per rendered form: a doubled click or a resubmitted page orders once.
        model.addAttribute("orderKey", UUID.randomUUID().toString());
        try {
            // The sample everyone sees is the catalog's masked preview: personal columns never in clear.
            CatalogService.Preview preview = catalog.preview(null, product.catalogSlug());
            int rows = Math.min(10, preview.rows().size());
            model.addAttribute(
                    "sample",
                    new CatalogService.Preview(
                            preview.columns(), preview.masked(), preview.rows().subList(0, rows), preview.version()));
        } catch (ProblemException noSample) {
            model.addAttribute("sample", null);
        }
        boolean buyer = actor != null
                && actor.orgId() != null
                && actor.orgId() != product.orgId()
                && policy.decide(actor, Action.BUY_DATA, actor.orgId()).allowed();
        model.addAttribute("canBuy", buyer && product.status() == ProductService.Status.APPROVED);
        boolean provider = actor != null
                && policy.decide(actor, Action.MANAGE_PRODUCTS, product.orgId()).allowed();
        model.addAttribute("isProvider", provider);
        if (provider) {
            model.addAttribute("comparables", offers.comparables(actor, id));
            model.addAttribute("fees", offers.fees());
            model.addAttribute("priceModels", OfferService.PriceModel.values());
            model.addAttribute("units", OfferService.UsageUnit.values());
            model.addAttribute("kinds", OrganisationKind.values());
            model.addAttribute("rowConditions", FORM_ROW_CONDITIONS);
            // The columns an offer may keep rows by: the product's dataset's, as the offer is checked against.
            model.addAttribute(
                    "rowColumns",
                    catalog.stored(product.catalogSlug())
                            .map(e -> e.columns().stream()
                                    .map(vn.datafloor.server.catalog.CatalogEntry.Column::name)
                                    .toList())
                            .orElse(List.of()));
            model.addAttribute("rowOperators", ROW_OPERATORS);
        }
        return "exchange/product";
    }

    @PostMapping("/exchange/products/{id}/orders")
    @Permit(Action.BUY_DATA)
    String order(
            Actor actor,
            @PathVariable long id,
            @RequestParam long offerId,
            @RequestParam String purpose,
            @RequestParam String scenario,
            @RequestParam(required = false) String territory,
            @RequestParam String orderKey,
            RedirectAttributes flash,
            Locale locale) {
        ContractService.Contract[] made = new ContractService.Contract[1];
        String back = "/exchange/products/" + id;
        String target = problems.redirectAfter(flash, locale, "market.ordered", back, () -> {
            made[0] =
                    contracts.order(actor, orderKey, new ContractService.Order(offerId, purpose, scenario, territory));
        });
        return made[0] == null ? target : "redirect:/exchange/contracts/" + made[0].id();
    }

    @PostMapping("/exchange/products/{id}/offers")
    @Permit(Action.MANAGE_PRODUCTS)
    String createOffer(
            Actor actor,
            @PathVariable long id,
            @RequestParam String title,
            @RequestParam OfferService.PriceModel priceModel,
            @RequestParam(required = false) Long price,
            @RequestParam(required = false) OfferService.Period period,
            @RequestParam(required = false) OfferService.UsageUnit usageUnit,
            @RequestParam(required = false) Long monthlyCap,
            @RequestParam(required = false) Integer quantity,
            @RequestParam(required = false) Integer durationDays,
            @RequestParam(defaultValue = "false") boolean approvalRequired,
            @RequestParam(required = false) List<String> purposes,
            @RequestParam(required = false) String territory,
            @RequestParam(required = false) List<String> buyerKinds,
            @RequestParam(defaultValue = "false") boolean noResale,
            @RequestParam(defaultValue = "false") boolean deleteOnExpiry,
            @RequestParam(required = false) Long inputCost,
            @RequestParam(required = false) String privateBuyers,
            @RequestParam(required = false) List<String> rowColumn,
            @RequestParam(required = false) List<String> rowOperator,
            @RequestParam(required = false) List<String> rowValues,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "market.offerCreated",
                "/exchange/products/" + id,
                () -> offers.create(
                        actor,
                        id,
                        new OfferService.NewOffer(
                                title,
                                priceModel,
                                price,
                                priceModel == OfferService.PriceModel.SUBSCRIPTION ? period : null,
                                priceModel == OfferService.PriceModel.PAY_PER_USE ? usageUnit : null,
                                priceModel == OfferService.PriceModel.PAY_PER_USE ? monthlyCap : null,
                                null,
                                quantity,
                                durationDays,
                                approvalRequired,
                                ids(privateBuyers),
                                new OfferService.Terms(
                                        purposes == null ? List.of() : purposes,
                                        territory,
                                        buyerKinds == null ? List.of() : buyerKinds,
                                        noResale,
                                        deleteOnExpiry,
                                        rows(rowColumn, rowOperator, rowValues)),
                                null,
                                inputCost)));
    }

    /** The operators the form offers for "only these rows", in the order a provider reads them. */
    static final List<String> ROW_OPERATORS = List.of("eq", "isAnyOf", "neq", "isNoneOf", "lt", "lteq", "gt", "gteq");

    /** How many row conditions the form offers; all of them must hold (the API takes up to ten). */
    static final int FORM_ROW_CONDITIONS = 3;

    /**
     * The form's row conditions, its n-th column, operator and values taken together: a line without a
     * column is skipped (none at all: every row); values separated by commas ("01, 79"), each trimmed.
     * The offer checks the rest (the column, the operator, values of the column's type).
     */
    static List<OfferService.RowCondition> rows(List<String> columns, List<String> operators, List<String> values) {
        List<OfferService.RowCondition> conditions = new ArrayList<>();
        for (int i = 0; columns != null && i < columns.size(); i++) {
            String column = columns.get(i);
            if (column == null || column.isBlank()) {
                continue;
            }
            String operator = operators != null && i < operators.size() ? operators.get(i) : null;
            String text = values != null && i < values.size() ? values.get(i) : null;
            List<String> parts = text == null
                    ? List.of()
                    : Arrays.stream(text.split(","))
                            .map(String::strip)
                            .filter(v -> !v.isEmpty())
                            .toList();
            conditions.add(new OfferService.RowCondition(
                    column.strip(), operator == null || operator.isBlank() ? "eq" : operator.strip(), parts));
        }
        return conditions;
    }

    /** Organisation ids typed as "12, 15": anything else is refused as a bad id. */
    private static List<Long> ids(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<Long> ids = new ArrayList<>();
        for (String part :
                Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isBlank()).toList()) {
            try {
                ids.add(Long.parseLong(part));
            } catch (NumberFormatException e) {
                throw ProblemException.badRequest("offer.privateBuyer", "Not an organisation number: " + part, part);
            }
        }
        return ids;
    }

    @PostMapping("/exchange/offers/{id}/withdrawal")
    @Permit(Action.MANAGE_PRODUCTS)
    String withdrawOffer(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        long productId = offers.offer(id)
                .map(OfferService.Offer::productId)
                .orElseThrow(() -> ProblemException.notFound("No offer " + id));
        return problems.redirectAfter(
                flash,
                locale,
                "market.offerWithdrawn",
                "/exchange/products/" + productId,
                () -> offers.withdraw(actor, id));
    }

    @GetMapping("/exchange/fees")
    @Permit(Action.VIEW_PUBLIC)
    String fees(Actor actor, Model model) {
        model.addAttribute("fees", offers.fees());
        model.addAttribute(
                "canEdit",
                actor != null && policy.decide(actor, Action.MANAGE_FEES).allowed());
        model.addAttribute(
                "priceModels",
                List.of(
                        OfferService.PriceModel.ONE_TIME,
                        OfferService.PriceModel.SUBSCRIPTION,
                        OfferService.PriceModel.PAY_PER_USE));
        model.addAttribute("units", OfferService.UsageUnit.values());
        model.addAttribute("vatPercent", offers.vatPercent());
        return "exchange/fees";
    }

    @PostMapping("/exchange/fees")
    @Permit(Action.MANAGE_FEES)
    String setFee(
            Actor actor,
            @RequestParam String importance,
            @RequestParam OfferService.PriceModel priceModel,
            @RequestParam(required = false) String usageUnit,
            @RequestParam Long amount,
            @RequestParam String legalBasis,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "market.feeSet",
                "/exchange/fees",
                () -> offers.setFee(
                        actor, new OfferService.NewFee(importance, priceModel, usageUnit, amount, legalBasis)));
    }
}
