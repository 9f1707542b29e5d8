package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.platform.ProblemException;

/** Nothing is listed before the operator inspects it, and core data never is. */
class ProductInspectionTest extends PlatformTest {

    @Autowired
    ProductService products;

    @Autowired
    UserService users;

    @Autowired
    vn.datafloor.server.catalog.CatalogService catalog;

    @Autowired
    org.springframework.context.MessageSource messages;

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    @Test
    void aProductIsListedOnlyAfterInspectionAndCoreDataNever() throws Exception {
        Actor steward = actor("qltt.dulieu");
        Actor operator = actor("admin");
        ProductService.Product draft = products.create(
                steward,
                new ProductService.NewProduct(
                        "qltt-san-pham",
                        "Danh mục sản phẩm hàng hoá",
                        "Danh mục sản phẩm đã công bố chất lượng, cập nhật hằng tháng.",
                        ProductService.Delivery.LATEST,
                        null));
        assertThat(draft.status()).isEqualTo(ProductService.Status.DRAFT);
        assertThat(products.listed()).extracting(ProductService.Product::id).doesNotContain(draft.id());
        // Not listed: hidden from anyone but its organisation and the operator.
        assertThat(mvc.perform(get("/api/exchange/products/" + draft.id()))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);

        ProductService.Inspected inspected = products.get(steward, draft.id());
        assertThat(inspected.checklist())
                .extracting(ProductService.CheckItem::code)
                .contains(
                        "catalog.published",
                        "classification.notCore",
                        "personalData.deIdentified",
                        "quality",
                        "documentation");
        assertThatThrownBy(() -> products.inspect(operator, draft.id(), true, "ok"))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("submitted");

        products.submit(steward, draft.id());
        assertThat(products.queue(operator)).extracting(i -> i.product().id()).contains(draft.id());
        ProductService.Inspected waiting = products.get(operator, draft.id());
        // Open, published, classified, without personal data, measured and documented: it passes every check.
        assertThat(waiting.checklist())
                .allSatisfy(c -> assertThat(c.passed() || !c.blocking())
                        .as("%s: %s", c.code(), c.detail())
                        .isTrue());
        assertThat(waiting.approvable()).isTrue();
        // Scores are percentages: a measured version reads as at most 100%, against the 90% minimum.
        assertThat(waiting.checklist())
                .filteredOn(c -> c.code().equals("quality"))
                .singleElement()
                .satisfies(
                        c -> assertThat(c.detail()).matches("quality (100\\.0|[1-9]?\\d\\.\\d)% \\(at least 90%\\)"));
        products.inspect(operator, draft.id(), true, "Đạt mọi tiêu chí");
        assertThat(products.listed()).extracting(ProductService.Product::id).contains(draft.id());
        assertThat(mvc.perform(get("/api/exchange/products/" + draft.id()))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);

        // A new classification takes it off the listing and back to inspection.
        catalog.classify(
                steward,
                "qltt-san-pham",
                new vn.datafloor.server.catalog.CatalogService.Classification(
                        "other", "shared", "Chỉ chia sẻ có điều kiện từ nay"));
        assertThat(products.listed()).extracting(ProductService.Product::id).doesNotContain(draft.id());
        assertThat(products.queue(operator)).extracting(i -> i.product().id()).contains(draft.id());

        // The register of people is core data: its product can only be refused.
        Actor operatorSteward = operator;
        ProductService.Product register = products.create(
                Actor.SYSTEM,
                new ProductService.NewProduct(
                        "register-nguoi",
                        "Sổ đăng ký dân cư",
                        "Bản ghi hợp nhất về người dân từ các cơ quan.",
                        ProductService.Delivery.LATEST,
                        null));
        products.submit(Actor.SYSTEM, register.id());
        ProductService.Inspected core = products.get(operatorSteward, register.id());
        assertThat(core.approvable()).isFalse();
        assertThat(core.checklist())
                .filteredOn(c -> c.code().equals("classification.notCore"))
                .singleElement()
                .satisfies(c -> assertThat(c.passed()).isFalse());
        assertThatThrownBy(() -> products.inspect(operator, register.id(), true, "thử duyệt"))
                .hasMessageContaining("classification.notCore");
        // Every item the pages show has its text in both languages (a missing key would throw).
        for (ProductService.CheckItem item : core.checklist()) {
            for (java.util.Locale locale :
                    java.util.List.of(java.util.Locale.forLanguageTag("vi"), java.util.Locale.ENGLISH)) {
                assertThat(messages.getMessage(
                                item.messageKey(), item.messageArgs().toArray(), locale))
                        .isNotBlank();
            }
        }
        ProductService.Inspected refused =
                products.inspect(operator, register.id(), false, "Dữ liệu cốt lõi không được giao dịch");
        assertThat(refused.product().status()).isEqualTo(ProductService.Status.REJECTED);
        assertThat(refused.inspections())
                .singleElement()
                .satisfies(i -> assertThat(i.reason()).contains("cốt lõi"));

        // Another organisation's steward can neither see the draft nor build from its entry.
        Actor otherSteward = actor("yte.dulieu");
        // Hidden (404) whether or not it is listed by now.
        assertThatThrownBy(() -> products.submit(otherSteward, draft.id()))
                .isInstanceOfAny(ProblemException.class, vn.datafloor.server.authz.NotPermittedException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("No product", "HIDDEN"));
        assertThatThrownBy(() -> products.create(
                        otherSteward,
                        new ProductService.NewProduct(
                                "qltt-san-pham", "Sao chép", "Một sản phẩm từ dữ liệu của người khác.", null, null)))
                .isInstanceOf(vn.datafloor.server.authz.NotPermittedException.class);
        assertThatThrownBy(() -> products.create(
                        steward, new ProductService.NewProduct("qltt-san-pham", "x", "ngắn", null, null)))
                .hasMessageContaining("title");
    }
}
