package vn.datafloor.server.demo;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.BankStatements;
import vn.datafloor.server.exchange.MoneyJournal;
import vn.datafloor.server.exchange.ProductService;
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

    DemoExchange(MoneyJournal journal, BankStatements statements, UserService users, ProductService products) {
        this.journal = journal;
        this.statements = statements;
        this.users = users;
        this.products = products;
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
        products.submit(Actor.SYSTEM, listed.id());
        products.inspect(
                Actor.SYSTEM,
                listed.id(),
                true,
                "Đạt mọi tiêu chí: dữ liệu công khai, đã mô tả, chất lượng đạt ngưỡng.");
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

    private String reference(String username) {
        long orgId = users.findByUsername(username).orElseThrow().orgId();
        return journal.account(orgId, MoneyJournal.AccountKind.CASH).reference();
    }
}
