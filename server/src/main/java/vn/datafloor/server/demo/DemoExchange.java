package vn.datafloor.server.demo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.BankStatements;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.exchange.MoneyJournal;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/**
 * The demo's exchange. Money: buyers have topped up by bank transfer, and the platform reconciled the
 * bank's statement as the operator would upload it (one line without a reference stays unmatched);
 * bank references are fixed, so a restart credits nothing twice. Products: one listed, one waiting
 * for inspection, the core register refused.
 */
@Component
@Order(40)
@ConditionalOnProperty(name = "datafloor.demo", havingValue = "true")
class DemoExchange implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoExchange.class);

    private final MoneyJournal journal;
    private final BankStatements statements;
    private final UserService users;
    private final ProductService products;
    private final OfferService offers;
    private final ContractService contracts;
    private final vn.datafloor.server.exchange.AuctionService auctions;
    private final vn.datafloor.server.exchange.DisputeService disputes;
    private final java.time.Clock clock;

    DemoExchange(
            MoneyJournal journal,
            BankStatements statements,
            UserService users,
            ProductService products,
            OfferService offers,
            ContractService contracts,
            vn.datafloor.server.exchange.AuctionService auctions,
            vn.datafloor.server.exchange.DisputeService disputes,
            java.time.Clock clock) {
        this.auctions = auctions;
        this.disputes = disputes;
        this.clock = clock;
        this.journal = journal;
        this.statements = statements;
        this.users = users;
        this.products = products;
        this.offers = offers;
        this.contracts = contracts;
    }

    @Override
    public void run(ApplicationArguments args) {
        String saoMai = reference("saomai.admin");
        String institute = reference("vien.phantich");
        String health = reference("yte.admin");
        String statement = "date,amount,description,bank_ref\n"
                + "2026-11-28,50.000.000,CONG TY SAO MAI NAP TIEN " + saoMai + ",VCB-DEMO-0001\n"
                + "2026-11-29,12.000.000,VIEN NC KINH TE SO " + institute + " NAP TIEN,VCB-DEMO-0002\n"
                + "2026-11-30,3.000.000,SO Y TE HN " + health + ",VCB-DEMO-0003\n"
                + "2026-11-30,1.500.000,chuyen khoan khong ghi ma,VCB-DEMO-0004\n";
        BankStatements.Reconciliation result = statements.reconcile(
                Actor.SYSTEM, new ByteArrayInputStream(statement.getBytes(StandardCharsets.UTF_8)));
        log.info("Demo exchange: {} top-up(s) credited, {} đồng", result.creditedLines(), result.credited());
        if (products.listed().isEmpty()) {
            market();
        }
    }

    /**
     * Products as providers built and the operator inspected them: the market surveillance's product
     * list approved and listed; the business register (important data) waiting in the inspection
     * queue; the register of people (core data) refused with its reason.
     */
    private void market() {
        ProductService.Product listed = products.create(
                Actor.SYSTEM,
                new ProductService.NewProduct(
                        "qltt-san-pham",
                        "Danh mục sản phẩm hàng hoá đã công bố chất lượng",
                        "Sản phẩm, nhà sản xuất và số công bố chất lượng theo quy định, cập nhật hằng tháng; không chứa dữ liệu cá nhân.",
                        ProductService.Delivery.LATEST,
                        null));
        fees();
        offers(listed);
        products.submit(Actor.SYSTEM, listed.id());
        products.inspect(
                Actor.SYSTEM,
                listed.id(),
                true,
                "Đạt mọi tiêu chí: dữ liệu công khai, đã mô tả, chất lượng đạt ngưỡng; điều khoản hợp lệ.");
        contracts(listed);
        ProductService.Product waiting = products.create(
                Actor.SYSTEM,
                new ProductService.NewProduct(
                        "dkkd-doanh-nghiep",
                        "Đăng ký doanh nghiệp tỉnh Bắc Ninh",
                        "Doanh nghiệp đăng ký, ngành nghề, địa chỉ và người đại diện; cập nhật hằng ngày.",
                        ProductService.Delivery.LATEST,
                        null));
        products.submit(Actor.SYSTEM, waiting.id());
        ProductService.Product core = products.create(
                Actor.SYSTEM,
                new ProductService.NewProduct(
                        "register-nguoi",
                        "Sổ đăng ký dân cư hợp nhất",
                        "Bản ghi hợp nhất về người dân từ hộ tịch, thuế, bảo hiểm xã hội và y tế.",
                        ProductService.Delivery.LATEST,
                        null));
        products.submit(Actor.SYSTEM, core.id());
        products.inspect(
                Actor.SYSTEM,
                core.id(),
                false,
                "Dữ liệu cốt lõi về dân cư: Luật Dữ liệu không cho phép giao dịch trên sàn.");
    }

    /** The State's fee schedule as the operator set it: state agencies' prices come from here. */
    private void fees() {
        String basis = "Biểu phí khai thác dữ liệu (dữ liệu mẫu)";
        offers.setFee(Actor.SYSTEM, new OfferService.NewFee("other", PriceModel.ONE_TIME, null, 2_000_000L, basis));
        offers.setFee(Actor.SYSTEM, new OfferService.NewFee("other", PriceModel.SUBSCRIPTION, null, 500_000L, basis));
        offers.setFee(Actor.SYSTEM, new OfferService.NewFee("other", PriceModel.PAY_PER_USE, "QUERY", 1_000L, basis));
        offers.setFee(
                Actor.SYSTEM, new OfferService.NewFee("important", PriceModel.ONE_TIME, null, 20_000_000L, basis));
        offers.setFee(
                Actor.SYSTEM, new OfferService.NewFee("important", PriceModel.SUBSCRIPTION, null, 5_000_000L, basis));
    }

    /** The listed product's offers, one per price model, each with its terms. */
    private void offers(ProductService.Product product) {
        OfferService.Terms research = new OfferService.Terms(
                List.of("df:research", "df:statistics", "df:productDevelopment"), "VN", List.of(), true, true);
        offer(product, "Trọn bộ danh mục, mua một lần", PriceModel.ONE_TIME, null, null, null, research, null);
        offer(
                product,
                "Thuê bao cập nhật hằng tháng",
                PriceModel.SUBSCRIPTION,
                OfferService.Period.MONTH,
                null,
                null,
                research,
                null);
        offer(
                product,
                "Tra cứu theo lượt qua API",
                PriceModel.PAY_PER_USE,
                null,
                OfferService.UsageUnit.QUERY,
                200_000L,
                new OfferService.Terms(
                        List.of("df:riskManagement", "df:statistics", "df:productDevelopment"),
                        "VN",
                        List.of(),
                        true,
                        true),
                null);
        offer(
                product,
                "Bản mẫu miễn phí cho viện nghiên cứu",
                PriceModel.FREE,
                null,
                null,
                null,
                // Only the consumer goods are given away (the institute studies them): a row condition of the
                // terms, enforced on every channel. Not on the bank's civil registry agreement, whose exact rows
                // the access attack suite checks person by person.
                new OfferService.Terms(
                        List.of("df:research"),
                        "VN",
                        List.of("RESEARCH_INSTITUTE"),
                        true,
                        true,
                        List.of(new OfferService.RowCondition("category", "eq", List.of("Hàng tiêu dùng")))),
                null);
        offer(
                product,
                "Quyền khai thác độc quyền năm 2027 (đấu giá)",
                PriceModel.AUCTION,
                null,
                null,
                null,
                research,
                30_000_000L);
    }

    private void offer(
            ProductService.Product product,
            String title,
            PriceModel model,
            OfferService.Period period,
            OfferService.UsageUnit unit,
            Long cap,
            OfferService.Terms terms,
            Long reserve) {
        offers.create(
                Actor.SYSTEM,
                product.id(),
                new OfferService.NewOffer(
                        title,
                        model,
                        reserve,
                        period,
                        unit,
                        cap,
                        null,
                        model == PriceModel.AUCTION ? 1 : null,
                        model == PriceModel.SUBSCRIPTION ? null : 365,
                        false,
                        null,
                        terms,
                        null,
                        model == PriceModel.AUCTION ? 15_000_000L : null));
    }

    /** Buyers who bought: a research institute for free, an enterprise once and by the query, a department monthly. */
    private void contracts(ProductService.Product product) {
        List<OfferService.Offer> all = offers.ofProduct(Actor.SYSTEM, product);
        OfferService.Offer free = byModel(all, PriceModel.FREE);
        OfferService.Offer once = byModel(all, PriceModel.ONE_TIME);
        OfferService.Offer perUse = byModel(all, PriceModel.PAY_PER_USE);
        OfferService.Offer monthly = byModel(all, PriceModel.SUBSCRIPTION);
        contracts.order(
                actor("vien.phantich"),
                "demo-vien-free",
                new ContractService.Order(
                        free.id(), "df:research", "Nghiên cứu cơ cấu hàng tiêu dùng sản xuất trong nước", "VN-HN"));
        contracts.order(
                actor("saomai.phantich"),
                "demo-saomai-once",
                new ContractService.Order(
                        once.id(), "df:productDevelopment", "Xây dựng dịch vụ tra cứu nguồn gốc sản phẩm", "VN"));
        ContractService.Contract metered = contracts.order(
                actor("saomai.phantich"),
                "demo-saomai-api",
                new ContractService.Order(
                        perUse.id(), "df:riskManagement", "Kiểm tra nhà cung cấp trước khi ký hợp đồng", "VN"));
        contracts.recordUsage(Actor.SYSTEM, metered.id(), 37, "rest");
        contracts.recordUsage(Actor.SYSTEM, metered.id(), 12, "sql");
        ContractService.Contract subscription = contracts.order(
                actor("saomai.admin"),
                "demo-saomai-monthly",
                new ContractService.Order(
                        monthly.id(), "df:statistics", "Thống kê giá trị hàng hoá theo nhóm hàng hằng tháng", "VN"));
        auctionAndDispute(product, subscription);
    }

    /** An ascending auction open for five more days, with a first bid; a dispute answered and waiting for the operator. */
    private void auctionAndDispute(ProductService.Product product, ContractService.Contract subscription) {
        OfferService.Offer licence = byModel(offers.ofProduct(Actor.SYSTEM, product), PriceModel.AUCTION);
        vn.datafloor.server.exchange.AuctionService.Auction auction = auctions.open(
                Actor.SYSTEM,
                licence.id(),
                new vn.datafloor.server.exchange.AuctionService.NewAuction(
                        vn.datafloor.server.exchange.AuctionService.Kind.ASCENDING,
                        clock.instant().plus(java.time.Duration.ofDays(5)),
                        500_000L));
        auctions.bid(
                actor("saomai.admin"),
                auction.id(),
                "demo-saomai-bid-1",
                new vn.datafloor.server.exchange.AuctionService.NewBid(
                        31_000_000L, "df:productDevelopment", "Dịch vụ tra cứu nguồn gốc hàng hoá độc quyền", "VN"));
        vn.datafloor.server.exchange.DisputeService.Dispute dispute = disputes.open(
                actor("saomai.admin"),
                subscription.id(),
                new vn.datafloor.server.exchange.DisputeService.Submission(
                        "Bản cập nhật tháng này thiếu khoảng 1.200 sản phẩm so với mô tả của đề nghị; "
                                + "đề nghị hoàn một nửa phí tháng.",
                        275_000L,
                        List.of(),
                        List.of(),
                        List.of()));
        disputes.respond(
                actor("qltt.dulieu"),
                dispute.id(),
                new vn.datafloor.server.exchange.DisputeService.Submission(
                        "Các sản phẩm đó bị thu hồi số công bố trong tháng nên không còn trong danh mục; "
                                + "đề nghị nhà vận hành xem xét.",
                        null,
                        List.of(),
                        List.of(),
                        List.of()));
    }

    private static OfferService.Offer byModel(List<OfferService.Offer> all, PriceModel model) {
        return all.stream().filter(o -> o.priceModel() == model).findFirst().orElseThrow();
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private String reference(String username) {
        long orgId = users.findByUsername(username).orElseThrow().orgId();
        return journal.account(orgId, MoneyJournal.AccountKind.CASH).reference();
    }
}
