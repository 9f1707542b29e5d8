package vn.datafloor.server.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.access.AccessSession;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.server.access.DeliveryService;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.privacy.ConsentService;
import vn.datafloor.server.privacy.SubjectRequestService;

/**
 * Delivery in the demo, as its users would have left it: the civil registry sold for credit scoring and
 * research (masked, and only for persons who consented); Sao Mai has read rows, run a query and taken an
 * export; the research institute has spent part of its sandbox budget; the demo citizen, a person of the
 * registry, has been accessed by the bank, holds a consent to withdraw and has one request open.
 */
@Component
@Order(50)
@ConditionalOnProperty(name = "datafloor.demo", havingValue = "true")
class DemoDelivery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoDelivery.class);
    private static final String SLUG = "ho-tich-cong-dan";

    /** The registry's date of birth column: the offer sells adults' rows only (lending is for adults). */
    private static final String BIRTH_DATE = "birth_date";

    private final java.time.Clock clock;
    private static final String PASSWORD = DemoData.PASSWORD;

    private final UserService users;
    private final ProductService products;
    private final OfferService offers;
    private final ContractService contracts;
    private final DeliveryService delivery;
    private final ConsentService consents;
    private final SubjectRequestService requests;
    private final vn.datafloor.server.integration.DatasetService datasets;

    DemoDelivery(
            UserService users,
            ProductService products,
            OfferService offers,
            ContractService contracts,
            DeliveryService delivery,
            ConsentService consents,
            SubjectRequestService requests,
            vn.datafloor.server.integration.DatasetService datasets,
            java.time.Clock clock) {
        this.datasets = datasets;
        this.clock = clock;
        this.users = users;
        this.products = products;
        this.offers = offers;
        this.contracts = contracts;
        this.delivery = delivery;
        this.consents = consents;
        this.requests = requests;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (products.listed().stream().anyMatch(p -> SLUG.equals(p.catalogSlug()))) {
            return; // loaded before
        }
        Actor provider = actor("hotich.dulieu");
        ProductService.Product product = products.create(
                provider,
                new ProductService.NewProduct(
                        SLUG,
                        "Hộ tịch công dân Hà Nội — bản che dữ liệu cá nhân",
                        "Trích xuất hộ tịch đã che: số định danh thành mã băm riêng cho từng thỏa thuận, họ tên che giữ "
                                + "hình dạng, ngày sinh chỉ còn năm; chỉ gồm người đã đủ 18 tuổi và đã đồng ý cho bên "
                                + "mua và mục đích.",
                        ProductService.Delivery.LATEST,
                        null));
        OfferService.Offer offer = offers.create(
                provider,
                product.id(),
                new OfferService.NewOffer(
                        "Truy cập theo thỏa thuận (chấm điểm tín dụng, nghiên cứu)",
                        OfferService.PriceModel.FREE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        365,
                        false,
                        null,
                        new OfferService.Terms(
                                List.of("df:creditScoring", "df:research"),
                                "VN",
                                List.of(),
                                true,
                                true,
                                // A row condition of the terms, enforced on every channel: adults only.
                                List.of(new OfferService.RowCondition(
                                        BIRTH_DATE,
                                        "lteq",
                                        List.of(adultsBornBy().toString())))),
                        null,
                        null));
        products.submit(provider, product.id());
        products.inspect(
                Actor.SYSTEM,
                product.id(),
                true,
                "Dữ liệu cá nhân được che theo phân loại và chỉ giao cho người đã đồng ý; điều khoản hợp lệ.");
        ContractService.Contract bank = agreement(
                provider, offer, "saomai.admin", "df:creditScoring", "Chấm điểm tín dụng khách hàng vay tiêu dùng");
        ContractService.Contract research =
                agreement(provider, offer, "vien.phantich", "df:research", "Nghiên cứu cơ cấu dân số theo năm sinh");

        // Persons of the registry who consented, through their own accounts (silence is never consent).
        long controller = provider.orgId();
        List<String> people = firstPeople(actor("saomai.admin"), bank.id(), 12);
        for (String person : people) {
            if (person.equals(DemoData.CITIZEN)) {
                continue; // the demo's citizen consents to the bank only, below
            }
            Actor citizen = citizen(person);
            give(citizen, controller, bank.buyerOrg(), "df:creditScoring");
            give(citizen, controller, research.buyerOrg(), "df:research");
        }
        // The demo's citizen is a person of the registry: the bank's accesses below touch them.
        Actor demoCitizen = citizen(DemoData.CITIZEN);
        give(demoCitizen, controller, bank.buyerOrg(), "df:creditScoring");
        requests.file(
                demoCitizen,
                new SubjectRequestService.Filing(
                        SubjectRequestService.Kind.ACCESS,
                        List.of(controller),
                        "Tôi muốn biết Sở Tư pháp đang lưu những dữ liệu nào về tôi và đã chia sẻ cho ai.",
                        null));

        Actor bankAnalyst = actor("saomai.phantich");
        delivery.rows(bankAnalyst, bank.id(), List.of(), List.of(), 0, 50);
        DeliveryService.Grant grant = delivery.grant(bankAnalyst, bank.id(), DeliveryService.Channel.SQL);
        delivery.query(bankAnalyst, bank.id(), "SELECT count(*) AS nguoi FROM " + grant.table(), 10);
        delivery.export(bankAnalyst, bank.id(), AccessSession.Format.CSV);
        Actor researcher = actor("vien.phantich");
        for (int i = 0; i < 3; i++) {
            delivery.sandbox(researcher, research.id(), "SELECT count(*) FROM " + grant.table());
        }
        log.info(
                "Demo delivery: agreements {} (Sao Mai) and {} (research institute), {} persons consented",
                bank.id(),
                research.id(),
                people.size());
    }

    private ContractService.Contract agreement(
            Actor provider, OfferService.Offer offer, String buyer, String purpose, String scenario) {
        ContractService.Contract contract = contracts.order(
                actor(buyer), "demo-delivery-" + buyer, new ContractService.Order(offer.id(), purpose, scenario, "VN"));
        if (contract.state() == ContractService.State.REQUESTED) {
            contract = contracts.decide(provider, contract.id(), true, "Đồng ý theo điều khoản");
        }
        return contract;
    }

    /** The last birth date of someone 18 years old today. */
    private java.time.LocalDate adultsBornBy() {
        return java.time.LocalDate.now(clock.withZone(java.time.ZoneId.of("Asia/Ho_Chi_Minh")))
                .minusYears(18);
    }

    /** The first identity numbers of the registry the offer sells (adults), as the provider holds them. */
    private List<String> firstPeople(Actor buyer, long agreement, int count) throws Exception {
        DeliveryService.Grant grant = delivery.grant(buyer, agreement, DeliveryService.Channel.REST);
        List<String> found = new ArrayList<>();
        if (grant.subjectColumn() == null) {
            return found;
        }
        String column = DuckDbConnections.identifier(grant.subjectColumn());
        // The lake encrypts its versions: a clear copy in a private temporary directory, deleted on close.
        try (var clear = datasets.clear(grant.view().files(), Path.of(System.getProperty("java.io.tmpdir")));
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT DISTINCT CAST(" + column
                        + " AS VARCHAR) FROM " + clear.readExpression() + " WHERE " + column
                        + " IS NOT NULL AND " + BIRTH_DATE + " <= DATE '" + adultsBornBy() + "' ORDER BY 1 LIMIT "
                        + count)) {
            while (rs.next()) {
                if (rs.getString(1).matches("\\d{12}")) {
                    found.add(rs.getString(1));
                }
            }
        }
        return found;
    }

    private Actor citizen(String identityNumber) {
        UserAccount account = users.findByUsername(identityNumber)
                .orElseGet(() -> users.bootstrapCitizen(identityNumber, "Công dân " + identityNumber, PASSWORD));
        return new Actor(account.id(), account.username(), null, account.roles(), null, Set.of());
    }

    private void give(Actor citizen, long controller, long recipient, String purpose) {
        LocalDate until = LocalDate.of(2027, 12, 31);
        List<String> categories = List.of("identity_number", "name", "date_of_birth");
        consents.give(
                citizen,
                new ConsentService.Grant(
                        controller,
                        recipient,
                        purpose,
                        categories,
                        until,
                        consents.notice(controller, recipient, purpose, categories, until, "vi"),
                        "vi",
                        ConsentService.Channel.WEB,
                        true,
                        ConsentService.Decision.GIVE));
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }
}
