package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.exchange.MarketSupervision.Alert;
import vn.datafloor.server.exchange.MarketSupervision.AlertKind;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemException;

/**
 * The supervision dashboard's figures and alerts on contracts made the way buyers make them, each
 * alert firing on data built to trigger it and not before; the CSV export; providers' sales; who may
 * see what.
 */
class MarketSupervisionTest extends ExchangeTest {

    @Autowired
    MarketSupervision supervision;

    @Autowired
    ProviderSales sales;

    @Autowired
    OrganisationService organisations;

    private static final AtomicInteger BUYERS = new AtomicInteger();

    /** A buyer organisation of its own, with money, so other tests' contracts never mix into its figures. */
    private Actor newBuyer(String name) {
        int n = BUYERS.incrementAndGet();
        long org = organisations
                .bootstrap(name + " " + n, OrganisationKind.ENTERPRISE)
                .id();
        users.bootstrapStaff(
                org, "giamsat.mua" + n, "Người mua " + n, null, EnumSet.of(Role.ANALYST), "Giam-sat-mua-2026");
        statements.credit(journal.account(org, MoneyJournal.AccountKind.CASH), 50_000_000, "T-SUPERVISION-" + n, null);
        return actor("giamsat.mua" + n);
    }

    /** An offer on the demo's listed product (state data: priced by the fee schedule), re-inspected. */
    private OfferService.Offer offer(String title, PriceModel model, Integer days, List<String> purposes) {
        return offer(title, model, days, purposes, false);
    }

    private OfferService.Offer offer(
            String title, PriceModel model, Integer days, List<String> purposes, boolean approval) {
        Actor operator = actor("admin");
        offers.setFee(
                operator, new OfferService.NewFee("other", PriceModel.ONE_TIME, null, 2_000_000L, "Biểu phí thử"));
        offers.setFee(
                operator, new OfferService.NewFee("other", PriceModel.PAY_PER_USE, "QUERY", 1_000L, "Biểu phí thử"));
        ProductService.Product product = listedProduct();
        OfferService.Offer offer = offers.create(
                actor("qltt.dulieu"),
                product.id(),
                new OfferService.NewOffer(
                        title,
                        model,
                        123L,
                        null,
                        model == PriceModel.PAY_PER_USE ? OfferService.UsageUnit.QUERY : null,
                        null,
                        null,
                        null,
                        days,
                        approval,
                        null,
                        new OfferService.Terms(purposes, "VN", List.of(), true, true),
                        null,
                        null));
        products.inspect(operator, product.id(), true, "Điều khoản mới đã được thẩm định");
        return offer;
    }

    private ContractService.Contract order(Actor buyer, OfferService.Offer offer, String purpose, String key) {
        return contracts.order(
                buyer,
                key,
                new ContractService.Order(offer.id(), purpose, "Phân tích thị trường hàng tiêu dùng", "VN"));
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ContractService.VIETNAM);
    }

    private MarketSupervision.Filter todayOf(Long provider, String model) {
        return supervision.filter(today(), today(), provider, model, null);
    }

    private List<Alert> alertsOf(AlertKind kind) {
        return supervision.alerts(actor("admin")).stream()
                .filter(a -> a.kind() == kind)
                .toList();
    }

    @Test
    void figuresCountTheAgreementsTheirValueAndTheTopProductOfThePeriod() throws Exception {
        clock.advance(Duration.ofDays(3)); // a day of its own
        long provider = listedProduct().orgId();
        Actor operator = actor("admin");
        MarketSupervision.Overview before = supervision.overview(operator, todayOf(provider, null));
        assertThat(before.agreements()).isZero();
        assertThat(before.value()).isZero();

        OfferService.Offer once = offer("Giám sát: mua một lần", PriceModel.ONE_TIME, null, List.of("df:research"));
        OfferService.Offer metered =
                offer("Giám sát: theo truy vấn", PriceModel.PAY_PER_USE, null, List.of("df:research"));
        Actor first = newBuyer("Công ty Giám sát Một");
        Actor second = newBuyer("Công ty Giám sát Hai");
        List<ContractService.Contract> made = List.of(
                order(first, once, "df:research", "sup-fig-1"),
                order(second, once, "df:research", "sup-fig-2"),
                order(second, metered, "df:research", "sup-fig-3"));
        long invoiced = made.stream()
                .flatMap(c -> invoices.ofContract(c.id()).stream())
                .mapToLong(InvoiceBook.Invoice::total)
                .sum();
        assertThat(invoiced).isEqualTo(2 * 2_200_000);

        MarketSupervision.Overview after = supervision.overview(operator, todayOf(provider, null));
        assertThat(after.agreements()).isEqualTo(3);
        assertThat(after.contracts()).isEqualTo(3);
        assertThat(after.contractsByState().get(ContractService.State.FINALIZED))
                .isEqualTo(3);
        assertThat(after.value()).isEqualTo(invoiced);
        assertThat(after.credits()).isZero();
        assertThat(after.activeContracts()).isGreaterThanOrEqualTo(3);
        assertThat(after.series()).singleElement().satisfies(p -> {
            assertThat(p.label()).isEqualTo(today().toString());
            assertThat(p.contracts()).isEqualTo(3);
            assertThat(p.value()).isEqualTo(invoiced);
        });
        assertThat(after.topByValue()).first().satisfies(r -> {
            assertThat(r.productId()).isEqualTo(listedProduct().id());
            assertThat(r.value()).isEqualTo(invoiced);
            assertThat(r.contracts()).isEqualTo(2);
        });
        assertThat(after.topByContracts())
                .first()
                .satisfies(r -> assertThat(r.contracts()).isEqualTo(3));
        assertThat(after.listings().get(ProductService.Status.APPROVED)).isPositive();
        // The tables other parts of the exchange add later are counted when they exist, skipped when not.
        assertThat(after.auctions() == null).isEqualTo(!tableExists("exchange_auction"));

        // The price model filter: only the metered agreement, which has no invoice until its month ends.
        MarketSupervision.Overview metering = supervision.overview(operator, todayOf(provider, "pay_per_use"));
        assertThat(metering.agreements()).isEqualTo(1);
        assertThat(metering.value()).isZero();
        // Another provider sold nothing today.
        long other = actor("saomai.phantich").orgId();
        assertThat(supervision.overview(operator, todayOf(other, null)).agreements())
                .isZero();

        // Month by month over the year: the same figures in this month's bucket.
        MarketSupervision.Overview monthly = supervision.overview(
                operator, supervision.filter(today().minusDays(200), today(), provider, null, null));
        assertThat(monthly.filter().by()).isEqualTo(MarketSupervision.Granularity.MONTH);
        assertThat(monthly.series())
                .last()
                .satisfies(
                        p -> assertThat(p.label()).isEqualTo(today().toString().substring(0, 7)));

        // The provider's sales: by product, by buyer, revenue with VAT and the platform's fee.
        ProviderSales.Sales sold =
                sales.of(actor("qltt.dulieu"), provider, supervision.filter(today(), today(), null, null, null));
        assertThat(sold.totals().total()).isEqualTo(invoiced);
        assertThat(sold.totals().vat()).isEqualTo(2 * 200_000);
        assertThat(sold.totals().net()).isEqualTo(2 * 2_000_000);
        assertThat(sold.totals().platformFee())
                .isEqualTo(made.stream()
                        .mapToLong(ContractService.Contract::platformFee)
                        .sum());
        assertThat(sold.byBuyer()).extracting(ProviderSales.Tally::id).contains(first.orgId(), second.orgId());
        assertThat(sold.byBuyer().stream()
                        .filter(t -> t.id() == second.orgId())
                        .findFirst()
                        .orElseThrow()
                        .contracts())
                .isEqualTo(2);
        assertThat(sold.byProduct())
                .singleElement()
                .satisfies(t -> assertThat(t.contracts()).isEqualTo(3));
        assertThat(sold.offers()).extracting(ProviderSales.OfferLine::id).contains(once.id(), metered.id());

        // The CSV export: BOM, header, one line per contract of the filter.
        String csv = supervision.contractsCsv(operator, todayOf(provider, null));
        assertThat(csv).startsWith("\uFEFFcontract,requested_at,agreed_at,state,product,provider,buyer,");
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).startsWith(made.get(0).id() + ",").contains("FINALIZED", "ONE_TIME", "2200000");
        assertThat(lines.get(3)).contains("PAY_PER_USE", "df:research");

        // Over HTTP: the CSV as a download, the dashboard and the sales page.
        MockHttpSession admin = login("admin");
        MockHttpServletResponse download = mvc.perform(get("/api/exchange/supervision/contracts.csv")
                        .param("from", today().toString())
                        .param("to", today().toString())
                        .param("provider", Long.toString(provider))
                        .session(admin))
                .andReturn()
                .getResponse();
        assertThat(download.getStatus()).isEqualTo(200);
        assertThat(download.getContentType()).startsWith("text/csv");
        assertThat(download.getHeader("Content-Disposition")).contains("attachment");
        byte[] body = download.getContentAsByteArray();
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(csv);
        assertThat(body[0]).isEqualTo((byte) 0xEF);
        String page = mvc.perform(get("/exchange/supervision")
                        .param("provider", Long.toString(provider))
                        .session(admin))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("id=\"fig-value\"", "<svg class=\"columns\"", "id=\"alerts\"");
        MockHttpServletResponse salesPage = mvc.perform(get("/exchange/sales").session(login("qltt.dulieu")))
                .andReturn()
                .getResponse();
        assertThat(salesPage.getStatus()).isEqualTo(200);
        assertThat(salesPage.getContentAsString()).contains("Công ty Giám sát Hai", "id=\"fig-fee\"");
    }

    private boolean tableExists(String table) {
        return supervision.countIfPresent(table) != null;
    }

    @Test
    void aUsageSpikeIsAlertedAboveFiveTimesTheDailyAverageAndTheMinimum() {
        clock.advance(Duration.ofDays(3));
        OfferService.Offer metered = offer("Giám sát: đột biến", PriceModel.PAY_PER_USE, null, List.of("df:research"));
        ContractService.Contract contract =
                order(newBuyer("Công ty Giám sát Đột biến"), metered, "df:research", "sup-spike");
        String link = "/api/exchange/contracts/" + contract.id();
        contracts.recordUsage(Actor.SYSTEM, contract.id(), 300, "sql"); // 10 a day over the next 30 days
        clock.advance(Duration.ofDays(5));
        contracts.recordUsage(Actor.SYSTEM, contract.id(), 50, "sql");
        // 50 in a day is exactly 5× the average of 10 (and below the minimum of 100): no alert.
        assertThat(alertsOf(AlertKind.USAGE_SPIKE)).noneMatch(a -> a.link().equals(link));
        contracts.recordUsage(Actor.SYSTEM, contract.id(), 100, "rest");
        assertThat(alertsOf(AlertKind.USAGE_SPIKE))
                .filteredOn(a -> a.link().equals(link))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.figure()).isEqualTo(150);
                    assertThat(a.reference()).isEqualTo(10);
                    assertThat(a.detail()).contains("#" + contract.id());
                });
        // A day later the spike is behind: it is part of the average now.
        clock.advance(Duration.ofHours(25));
        assertThat(alertsOf(AlertKind.USAGE_SPIKE)).noneMatch(a -> a.link().equals(link));
    }

    @Test
    void threeRefusedOrdersInADayAreAlerted() {
        clock.advance(Duration.ofDays(3));
        OfferService.Offer research = offer("Giám sát: từ chối", PriceModel.ONE_TIME, null, List.of("df:research"));
        Actor buyer = newBuyer("Công ty Giám sát Từ chối");
        String name = organisations.find(buyer.orgId()).orElseThrow().name();
        for (int i = 1; i <= 3; i++) {
            int n = i;
            assertThatThrownBy(() -> order(buyer, research, "df:marketing", "sup-deny-" + n))
                    .isInstanceOf(ProblemException.class);
            if (i < 3) {
                assertThat(alertsOf(AlertKind.REPEATED_DENIALS))
                        .noneMatch(a -> a.subject().equals(name));
            }
        }
        assertThat(alertsOf(AlertKind.REPEATED_DENIALS))
                .filteredOn(a -> a.subject().equals(name))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.figure()).isEqualTo(3);
                    assertThat(a.link()).startsWith("/audit?type=EXCHANGE_REQUEST_DENIED");
                });
        clock.advance(Duration.ofHours(25));
        assertThat(alertsOf(AlertKind.REPEATED_DENIALS))
                .noneMatch(a -> a.subject().equals(name));
    }

    @Test
    void aBuyerDeclaringDifferentPurposesIsAlerted() {
        clock.advance(Duration.ofDays(3));
        List<String> many = List.of("df:research", "df:statistics", "df:riskManagement", "df:productDevelopment");
        OfferService.Offer open = offer("Giám sát: nhiều mục đích", PriceModel.ONE_TIME, null, many);
        Actor buyer = newBuyer("Công ty Giám sát Mục đích");
        String name = organisations.find(buyer.orgId()).orElseThrow().name();
        order(buyer, open, "df:research", "sup-purpose-1");
        order(buyer, open, "df:research", "sup-purpose-2");
        assertThat(alertsOf(AlertKind.INCONSISTENT_PURPOSES))
                .noneMatch(a -> a.subject().startsWith(name));

        order(buyer, open, "df:statistics", "sup-purpose-3");
        List<Alert> alerts = alertsOf(AlertKind.INCONSISTENT_PURPOSES).stream()
                .filter(a -> a.subject().startsWith(name))
                .toList();
        // The same product, two purposes: alerted; three purposes overall is not yet too many.
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.subject()).isEqualTo(name + " · " + listedProduct().title());
            assertThat(a.figure()).isEqualTo(2);
        });

        order(buyer, open, "df:riskManagement", "sup-purpose-4");
        order(buyer, open, "df:productDevelopment", "sup-purpose-5");
        assertThat(alertsOf(AlertKind.INCONSISTENT_PURPOSES))
                .filteredOn(a -> a.subject().equals(name))
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.figure()).isEqualTo(4);
                    assertThat(a.reference()).isEqualTo(3);
                });
    }

    @Test
    void anAgreementEndingWithinFourteenDaysIsAlerted() throws Exception {
        clock.advance(Duration.ofDays(3));
        OfferService.Offer short20 = offer("Giám sát: 20 ngày", PriceModel.ONE_TIME, 20, List.of("df:research"));
        ContractService.Contract contract =
                order(newBuyer("Công ty Giám sát Hết hạn"), short20, "df:research", "sup-expiry");
        String link = "/api/exchange/contracts/" + contract.id();
        assertThat(alertsOf(AlertKind.EXPIRING)).noneMatch(a -> a.link().equals(link));
        clock.advance(Duration.ofDays(7));
        assertThat(alertsOf(AlertKind.EXPIRING))
                .filteredOn(a -> a.link().equals(link))
                .singleElement()
                .satisfies(a -> assertThat(a.figure()).isEqualTo(13));
        // The dashboard says it in words, with the link.
        String page = mvc.perform(get("/exchange/supervision").session(login("kiemtoan")))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("Hợp đồng #" + contract.id(), "hết hạn sau 13 ngày", "href=\"" + link + "\"");
        // Ended: no longer about to.
        clock.advance(Duration.ofDays(14));
        assertThat(alertsOf(AlertKind.EXPIRING)).noneMatch(a -> a.link().equals(link));
    }

    @Test
    void onlyTheOperatorAndAuditorsSuperviseAndProvidersSeeOnlyTheirOwnSales() throws Exception {
        long provider = listedProduct().orgId();
        assertThat(mvc.perform(get("/api/exchange/supervision").session(login("saomai.phantich")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        assertThat(mvc.perform(get("/api/exchange/supervision/alerts").session(login("qltt.dulieu")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        assertThat(mvc.perform(get("/api/exchange/supervision").session(login("kiemtoan")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
        // A steward of another organisation: the provider's sales do not exist for it.
        assertThat(mvc.perform(get("/api/exchange/sales")
                                .param("org", Long.toString(provider))
                                .session(login("yte.dulieu")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        assertThat(mvc.perform(get("/api/exchange/sales").session(login("saomai.phantich")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        MockHttpServletResponse own = mvc.perform(get("/api/exchange/sales").session(login("qltt.dulieu")))
                .andReturn()
                .getResponse();
        assertThat(own.getStatus()).isEqualTo(200);
        assertThat(own.getContentAsString()).contains("\"orgId\":" + provider);
        // The auditor may look at any provider.
        assertThat(mvc.perform(get("/api/exchange/sales")
                                .param("org", Long.toString(provider))
                                .session(login("kiemtoan")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
        assertThatThrownBy(() -> supervision.alerts(actor("qltt.dulieu"))).isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> sales.of(actor("saomai.phantich"), provider, todayOf(null, null)))
                .isInstanceOf(NotPermittedException.class);
    }

    @Test
    void theProviderDecidesAWaitingRequestFromItsSalesPage() throws Exception {
        clock.advance(Duration.ofDays(3));
        OfferService.Offer approval =
                offer("Giám sát: cần phê duyệt", PriceModel.ONE_TIME, null, List.of("df:research"), true);
        ContractService.Contract requested =
                order(newBuyer("Công ty Giám sát Chờ duyệt"), approval, "df:research", "sup-wait");
        assertThat(requested.state()).isEqualTo(ContractService.State.REQUESTED);
        long provider = listedProduct().orgId();
        assertThat(sales.of(actor("qltt.dulieu"), provider, todayOf(null, null)).waiting())
                .extracting(ProviderSales.Waiting::contractId)
                .contains(requested.id());
        MockHttpSession steward = login("qltt.dulieu");
        assertThat(mvc.perform(get("/exchange/sales").session(steward))
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .contains("id=\"request-" + requested.id() + "\"", "/exchange/sales/requests/" + requested.id());
        mvc.perform(post("/exchange/sales/requests/" + requested.id() + "/decision")
                        .param("approve", "true")
                        .param("reason", "Mục đích nghiên cứu phù hợp")
                        .with(csrf())
                        .session(steward))
                .andReturn();
        assertThat(contracts.contract(requested.id()).orElseThrow().state()).isEqualTo(ContractService.State.FINALIZED);
        assertThat(sales.of(actor("qltt.dulieu"), provider, todayOf(null, null)).waiting())
                .extracting(ProviderSales.Waiting::contractId)
                .doesNotContain(requested.id());
    }

    @Test
    void csvCellsAreQuotedAndFormulasDisarmed() {
        assertThat(MarketSupervision.csvCell("Công ty A, B")).isEqualTo("\"Công ty A, B\"");
        assertThat(MarketSupervision.csvCell("nói \"không\"")).isEqualTo("\"nói \"\"không\"\"\"");
        assertThat(MarketSupervision.csvCell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(MarketSupervision.csvCell("-5")).isEqualTo("-5");
        assertThat(MarketSupervision.csvCell(null)).isEmpty();
    }
}
