package vn.datafloor.server.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import vn.datafloor.integration.access.AccessSession;
import vn.datafloor.integration.access.Mask;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.privacy.AccessIndex;
import vn.datafloor.server.privacy.ConsentService;

/**
 * Delivery end to end on the demo's civil registry: an enterprise's agreement, the masked view, only
 * persons who consented, a withdrawal effective on the next request, keys scoped to one agreement,
 * single-use exports, the sandbox's budget, and every access indexed for the persons it touched.
 */
class DeliveryTest extends PlatformTest {

    @Autowired
    ProductService products;

    @Autowired
    OfferService offers;

    @Autowired
    ContractService contracts;

    @Autowired
    DeliveryService delivery;

    @Autowired
    ConsentService consents;

    @Autowired
    AccessIndex accessIndex;

    @Autowired
    UserService users;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    DatasetService datasets;

    @Autowired
    AuditLog auditLog;

    private static Long agreementId;
    private static List<String> people;

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    @BeforeEach
    void agreement() throws Exception {
        if (agreementId != null) {
            return;
        }
        Actor provider = actor("hotich.dulieu");
        ProductService.Product product = products.create(
                provider,
                new ProductService.NewProduct(
                        "ho-tich-cong-dan",
                        "Hộ tịch công dân Hà Nội (giao có che)",
                        "Trích xuất hộ tịch có che dữ liệu cá nhân, giao theo thỏa thuận cho thống kê",
                        ProductService.Delivery.LATEST,
                        null));
        OfferService.Offer offer = offers.create(
                provider,
                product.id(),
                new OfferService.NewOffer(
                        "Truy cập thống kê",
                        OfferService.PriceModel.FREE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        new OfferService.Terms(List.of("df:statistics"), "VN", List.of(), true, true),
                        null,
                        null));
        products.submit(provider, product.id());
        products.inspect(actor("admin"), product.id(), true, "Đã thẩm định cho thử kênh giao");
        Actor buyer = actor("saomai.admin");
        ContractService.Contract contract = contracts.order(
                buyer,
                "delivery-test",
                new ContractService.Order(offer.id(), "df:statistics", "Thống kê dân số theo năm sinh", "VN"));
        if (contract.state() == ContractService.State.REQUESTED) {
            contract = contracts.decide(provider, contract.id(), true, "Đồng ý cho thống kê");
        }
        assertThat(contract.state()).isEqualTo(ContractService.State.FINALIZED);
        agreementId = contract.id();
        people = identityNumbers();
    }

    /** The first identity numbers in the registry, read from the lake directly (what the provider holds). */
    private List<String> identityNumbers() throws Exception {
        DeliveryService.Grant grant = delivery.grant(actor("saomai.admin"), agreementId, DeliveryService.Channel.REST);
        assertThat(grant.subjectColumn()).isNotNull();
        List<String> found = new ArrayList<>();
        // The lake encrypts its versions: the provider's values are read from a clear copy.
        assertThat(grant.view().files().get(0).resolveSibling("keys.json")).isRegularFile();
        try (var clear = datasets.clear(
                        grant.view().files(), java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT DISTINCT CAST("
                        + DuckDbConnections.identifier(grant.subjectColumn()) + " AS VARCHAR) FROM "
                        + clear.readExpression() + " WHERE "
                        + DuckDbConnections.identifier(grant.subjectColumn())
                        + " IS NOT NULL ORDER BY 1 LIMIT 3 OFFSET 40")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        assertThat(found).hasSize(3);
        return found;
    }

    private ConsentService.Consent consentOf(String identityNumber) {
        UserAccount citizen = users.findByUsername(identityNumber)
                .orElseGet(
                        () -> users.bootstrapCitizen(identityNumber, "Công dân " + identityNumber, "Mat-khau-thu-9x!"));
        Actor actor = new Actor(citizen.id(), citizen.username(), null, citizen.roles(), null, Set.of());
        long controller = actor("hotich.dulieu").orgId();
        long recipient = actor("saomai.admin").orgId();
        LocalDate until = LocalDate.of(2030, 12, 31);
        String notice =
                consents.notice(controller, recipient, "df:statistics", List.of("identity_number"), until, "vi");
        return consents.give(
                actor,
                new ConsentService.Grant(
                        controller,
                        recipient,
                        "df:statistics",
                        List.of("identity_number"),
                        until,
                        notice,
                        "vi",
                        ConsentService.Channel.WEB,
                        true,
                        ConsentService.Decision.GIVE));
    }

    @Test
    void onlyConsentingPersonsAreDeliveredMaskedAndAWithdrawalTakesEffectOnTheNextRequest() throws Exception {
        Actor buyer = actor("saomai.admin");
        DeliveryService.Grant grant = delivery.grant(buyer, agreementId, DeliveryService.Channel.REST);
        assertThat(grant.consentFiltered()).isTrue();
        assertThat(grant.masks()).containsEntry(grant.subjectColumn(), Mask.KEYED_HASH);

        ConsentService.Consent first = consentOf(people.get(0));
        consentOf(people.get(1));
        DeliveryService.Delivered rows = delivery.rows(buyer, agreementId, List.of(), List.of(), 0, 100);
        assertThat(rows.rows()).isNotEmpty();
        List<Object> shown =
                rows.rows().stream().map(r -> r.get(grant.subjectColumn())).toList();
        // Keyed hashes, never the clear identity numbers.
        assertThat(shown).doesNotContainAnyElementsOf(List.copyOf(people));
        assertThat(shown).allSatisfy(v -> assertThat(v.toString()).matches("[0-9a-f]{64}"));
        assertThat(accessIndex.accessesOf(people.get(0), 10, 0)).isNotEmpty();
        assertThat(accessIndex.accessesOf(people.get(2), 10, 0)).isEmpty();

        UserAccount citizen = users.findByUsername(people.get(0)).orElseThrow();
        consents.withdraw(
                new Actor(citizen.id(), citizen.username(), null, citizen.roles(), null, Set.of()),
                first.id(),
                "Tôi rút lại");
        DeliveryService.Delivered after = delivery.rows(buyer, agreementId, List.of(), List.of(), 0, 100);
        assertThat(after.rows().size()).isLessThan(rows.rows().size()).isPositive();
        int accessesBefore = accessIndex.accessesOf(people.get(0), 100, 0).size();
        delivery.query(buyer, agreementId, "SELECT count(*) AS n FROM " + grant.table(), 10);
        assertThat(accessIndex.accessesOf(people.get(0), 100, 0)).hasSize(accessesBefore);
        assertThat(accessIndex.accessesOf(people.get(1), 100, 0).size()).isGreaterThan(1);
    }

    @Test
    void theSqlChannelRunsOnlyOnThePermittedViewAndRefusesEverythingElse() {
        Actor buyer = actor("saomai.admin");
        consentOf(people.get(1));
        DeliveryService.Grant grant = delivery.grant(buyer, agreementId, DeliveryService.Channel.SQL);
        DeliveryService.Delivered counted =
                delivery.query(buyer, agreementId, "SELECT count(*) AS n FROM " + grant.table(), 10);
        assertThat(((Number) counted.rows().get(0).get("n")).longValue()).isPositive();
        for (String attack : List.of(
                "SELECT * FROM read_parquet('" + grant.view().files().get(0) + "')",
                "SELECT * FROM duckdb_tables()",
                "SELECT 1; DROP TABLE " + grant.table(),
                "COPY " + grant.table() + " TO '/tmp/x.csv'",
                "SELECT getenv('HOME')")) {
            assertThatThrownBy(() -> delivery.query(buyer, agreementId, attack, 10))
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e ->
                            assertThat(((ProblemException) e).status().value()).isEqualTo(400));
        }
    }

    @Test
    void aKeyReadsOnlyItsOwnAgreementAndAnotherOrganisationSeesNothing() throws Exception {
        Actor buyer = actor("saomai.admin");
        ApiKeyService.CreatedKey key =
                apiKeys.createForAgreement(buyer, "thử", AccessKeys.scope(agreementId), Duration.ofDays(1));
        mvc.perform(get("/api/access/" + agreementId).header("Authorization", "Bearer " + key.token()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.consentFiltered").value(true));
        mvc.perform(get("/api/access/" + (agreementId + 1000)).header("Authorization", "Bearer " + key.token()))
                .andExpect(status().isForbidden());
        assertThatThrownBy(() -> delivery.grant(actor("vien.phantich"), agreementId, DeliveryService.Channel.REST))
                .isInstanceOf(ProblemException.class)
                .satisfies(
                        e -> assertThat(((ProblemException) e).status().value()).isEqualTo(404));
    }

    @Test
    void anExportLinkServesOneDownloadOnly() throws Exception {
        Actor buyer = actor("saomai.admin");
        consentOf(people.get(1));
        ExportLinks.Link link = delivery.export(buyer, agreementId, AccessSession.Format.CSV);
        assertThat(link.rows()).isPositive();
        ApiKeyService.CreatedKey key =
                apiKeys.createForAgreement(buyer, "xuất", AccessKeys.scope(agreementId), Duration.ofDays(1));
        String csv = mvc.perform(get(link.url()).header("Authorization", "Bearer " + key.token()))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(csv).doesNotContain(people.get(1));
        mvc.perform(get(link.url()).header("Authorization", "Bearer " + key.token()))
                .andExpect(status().isGone());
    }

    @Test
    void theSandboxAnswersAggregatesWithNoiseUntilTheBudgetIsSpent() throws Exception {
        Actor buyer = actor("saomai.admin");
        DeliveryService.Grant grant = delivery.grant(buyer, agreementId, DeliveryService.Channel.SANDBOX);
        ApiKeyService.CreatedKey key =
                apiKeys.createForAgreement(buyer, "hộp cát", AccessKeys.scope(agreementId), Duration.ofDays(1));
        String body = "{\"sql\": \"SELECT count(*) FROM " + grant.table() + "\"}";
        for (int i = 0; i < 10; i++) {
            mvc.perform(post("/api/access/" + agreementId + "/sandbox")
                            .header("Authorization", "Bearer " + key.token())
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(body))
                    .andExpect(status().isOk());
        }
        mvc.perform(post("/api/access/" + agreementId + "/sandbox")
                        .header("Authorization", "Bearer " + key.token())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isConflict());
        assertThat(delivery.budget(buyer, agreementId).remainingMicroEpsilon()).isLessThan(1_000_000);
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void theAccessPageShowsTheMasksAndAnswersAQueryAndTheSandbox() throws Exception {
        Actor buyer = actor("saomai.admin");
        DeliveryService.Grant grant = delivery.grant(buyer, agreementId, DeliveryService.Channel.REST);
        var session = login("saomai.admin");
        String page = mvc.perform(get("/access/" + agreementId).session(session))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .contains(grant.table())
                .contains("mã băm riêng của thỏa thuận")
                .contains("id=\"budget\"");
        String answered = mvc.perform(
                        post("/access/" + agreementId + "/query")
                                .session(session)
                                .with(org.springframework.security.test.web.servlet.request
                                        .SecurityMockMvcRequestPostProcessors.csrf())
                                .param("sql", "SELECT count(*) AS n FROM " + grant.table()))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(answered).contains("id=\"query-result\"");
        String refused = mvc.perform(
                        post("/access/" + agreementId + "/query")
                                .session(session)
                                .with(org.springframework.security.test.web.servlet.request
                                        .SecurityMockMvcRequestPostProcessors.csrf())
                                .param("sql", "SELECT * FROM duckdb_tables()"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(refused).contains("id=\"access-error\"").doesNotContain("id=\"query-result\"");
        mvc.perform(get("/access/" + agreementId).session(login("vien.phantich")))
                .andExpect(status().isNotFound());
    }

    // ------------------------------------------------------------------ row conditions of the terms

    /** What the products catalogue offer sells: only these categories (the rest of the catalogue is not sold). */
    private static final List<String> SOLD = List.of("Dược phẩm", "Đồ uống");

    private static Long rowsAgreementId;
    private static Long rowsProductId;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** An offer on the (non-personal) products catalogue selling only some categories, and Sao Mai's agreement. */
    private long rowsAgreement() {
        if (rowsAgreementId != null) {
            return rowsAgreementId;
        }
        Actor provider = actor("qltt.dulieu");
        ProductService.Product product = products.create(
                provider,
                new ProductService.NewProduct(
                        "qltt-san-pham",
                        "Sản phẩm dược và đồ uống đã công bố",
                        "Chỉ các sản phẩm thuộc nhóm dược phẩm và đồ uống",
                        ProductService.Delivery.LATEST,
                        null));
        OfferService.Offer offer = offers.create(provider, product.id(), offerWith(List.of(condition("category"))));
        products.submit(provider, product.id());
        products.inspect(actor("admin"), product.id(), true, "Điều kiện về dòng hợp lệ");
        rowsProductId = product.id();
        rowsAgreementId = order(offer, "saomai.admin", "row-filters-test");
        return rowsAgreementId;
    }

    private static OfferService.RowCondition condition(String column) {
        return new OfferService.RowCondition(column, "isAnyOf", SOLD);
    }

    private static OfferService.NewOffer offerWith(List<OfferService.RowCondition> rows) {
        return new OfferService.NewOffer(
                "Chỉ dược phẩm và đồ uống",
                OfferService.PriceModel.FREE,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null,
                new OfferService.Terms(List.of("df:statistics"), "VN", List.of(), true, true, rows),
                null,
                null);
    }

    private long order(OfferService.Offer offer, String buyer, String key) {
        ContractService.Contract contract = contracts.order(
                actor(buyer),
                key,
                new ContractService.Order(offer.id(), "df:statistics", "Thống kê sản phẩm theo nhóm hàng", "VN"));
        if (contract.state() == ContractService.State.REQUESTED) {
            contract = contracts.decide(actor("qltt.dulieu"), contract.id(), true, "Đồng ý");
        }
        assertThat(contract.state()).isEqualTo(ContractService.State.FINALIZED);
        return contract.id();
    }

    /** Rows of the agreement's dataset in the lake (the provider's whole data), matching {@code where}. */
    private long lakeCount(DeliveryService.Grant grant, String where) throws Exception {
        try (var clear = datasets.clear(
                        grant.view().files(), java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT count(*) FROM " + clear.readExpression() + " WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String soldList() {
        return String.join(", ", SOLD.stream().map(DuckDbConnections::literal).toList());
    }

    @Test
    void theOffersRowConditionIsTheAgreementsTargetRefinementAndItsPageSaysSo() throws Exception {
        long agreement = rowsAgreement();
        ContractService.Entitlement entitlement =
                contracts.entitlement(agreement).orElseThrow();
        assertThat(entitlement.policy())
                .contains("AssetCollection")
                .contains("df:column/category")
                .contains("isAnyOf");
        String page = mvc.perform(get("/exchange/products/" + rowsProductId))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("chỉ các dòng có category là Dược phẩm hoặc Đồ uống");
        String provider = mvc.perform(get("/exchange/products/" + rowsProductId).session(login("qltt.dulieu")))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(provider).contains("Chỉ bán các dòng").contains(">category<");
        // Three lines of conditions, all of which must hold.
        assertThat(provider.split("name=\"rowColumn\"", -1)).hasSize(3 + 1);
    }

    @Test
    void restSqlAndExportDeliverOnlyTheRowsSoldAndSqlReachesNoOther() throws Exception {
        long agreement = rowsAgreement();
        Actor buyer = actor("saomai.admin");
        DeliveryService.Grant grant = delivery.grant(buyer, agreement, DeliveryService.Channel.REST);
        assertThat(grant.view().rowFilters())
                .containsExactly(vn.datafloor.integration.access.RowFilter.in("category", List.copyOf(SOLD)));
        long sold = lakeCount(grant, "category IN (" + soldList() + ")");
        long others = lakeCount(grant, "category NOT IN (" + soldList() + ") OR category IS NULL");
        assertThat(sold).isPositive();
        assertThat(others).as("the catalogue has rows that were not sold").isPositive();
        ApiKeyService.CreatedKey key =
                apiKeys.createForAgreement(buyer, "dòng", AccessKeys.scope(agreement), Duration.ofDays(1));

        mvc.perform(get("/api/access/" + agreement).header("Authorization", "Bearer " + key.token()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.rowFilters[0]").value("category:in:Dược phẩm|Đồ uống"));
        // REST: every row delivered is of a category sold, and all of them are.
        String rest = mvc.perform(get("/api/access/" + agreement + "/rows")
                        .param("limit", "1000")
                        .header("Authorization", "Bearer " + key.token()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.rows.length()").value((int) sold))
                .andReturn()
                .getResponse()
                .getContentAsString();
        var rows = new tools.jackson.databind.ObjectMapper().readTree(rest).get("rows");
        rows.forEach(r -> assertThat(SOLD).contains(r.get("category").asString()));
        // A buyer's own filter narrows further; it never widens.
        mvc.perform(get("/api/access/" + agreement + "/rows")
                        .param("filter", "category:eq:Hàng tiêu dùng")
                        .header("Authorization", "Bearer " + key.token()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.rows.length()").value(0));

        // SQL: the table holds the rows sold only; asking for the others finds none.
        mvc.perform(post("/api/access/" + agreement + "/query")
                        .header("Authorization", "Bearer " + key.token())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sql\": \"SELECT count(*) AS n FROM " + grant.table() + "\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.rows[0].n").value((int) sold));
        mvc.perform(post("/api/access/" + agreement + "/query")
                        .header("Authorization", "Bearer " + key.token())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"sql\": \"SELECT * FROM " + grant.table()
                                + " WHERE category NOT IN ('Dược phẩm', 'Đồ uống') OR category IS NULL\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.rows.length()").value(0));

        // Export: the file holds the rows sold, no other.
        String link = mvc.perform(post("/api/access/" + agreement + "/exports")
                        .header("Authorization", "Bearer " + key.token())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"format\": \"csv\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.rows").value((int) sold))
                .andReturn()
                .getResponse()
                .getContentAsString();
        String url = new tools.jackson.databind.ObjectMapper()
                .readTree(link)
                .get("url")
                .asString();
        // The file is streamed: the body is written by the asynchronous dispatch.
        var started = mvc.perform(get(url).header("Authorization", "Bearer " + key.token()))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.request()
                        .asyncStarted())
                .andReturn();
        String csv = mvc.perform(
                        org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch(started))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(csv.lines().skip(1)).hasSize((int) sold);
        assertThat(csv).contains(SOLD.get(0)).doesNotContain("Hàng tiêu dùng");
    }

    @Test
    void aRowConditionOnAColumnTheDatasetNoLongerHasIsRefusedOnTheLedger() throws Exception {
        rowsAgreement();
        OfferService.Offer offer = offers.ofProduct(
                        actor("qltt.dulieu"), products.product(rowsProductId).orElseThrow())
                .get(0);
        long agreement = order(offer, "vien.phantich", "row-filters-gone");
        // The agreement names a column the dataset does not have (dropped since the agreement was signed).
        jdbc.sql("update exchange_contract set agreement = replace(agreement, 'df:column/category',"
                        + " 'df:column/retired_category') where id = ?")
                .param(agreement)
                .update();
        Actor buyer = actor("vien.phantich");
        for (DeliveryService.Channel channel : DeliveryService.Channel.values()) {
            assertThatThrownBy(() -> delivery.grant(buyer, agreement, channel))
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e -> {
                        ProblemException p = (ProblemException) e;
                        assertThat(p.status().value()).isEqualTo(403);
                        assertThat(p.messageKey()).isEqualTo("access.rowScope");
                        assertThat(p.getMessage()).contains("retired_category");
                    });
        }
        assertThatThrownBy(() -> delivery.rows(buyer, agreement, List.of(), List.of(), 0, 10))
                .isInstanceOf(ProblemException.class);
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        assertThat(jdbc.sql("select count(*) from audit_event where event_type = 'ACCESS_REFUSED' and summary = ?")
                        .param("access to agreement " + agreement + " via REST refused: access.rowScope")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void anOfferCannotSellRowsByAColumnTheDatasetLacksOrWithValuesNotOfItsType() {
        Actor provider = actor("qltt.dulieu");
        // A product of its own: adding an offer sends a product back to inspection.
        long productId = products.create(
                        provider,
                        new ProductService.NewProduct(
                                "qltt-san-pham",
                                "Thử điều kiện về dòng",
                                "Đề nghị thử các điều kiện về dòng",
                                ProductService.Delivery.LATEST,
                                null))
                .id();
        for (OfferService.RowCondition bad : List.of(
                new OfferService.RowCondition("no_such_column", "eq", List.of("x")),
                new OfferService.RowCondition("category", "isPartOf", List.of("x")),
                new OfferService.RowCondition("category", "eq", List.of("a", "b")),
                new OfferService.RowCondition("category", "isAnyOf", List.of()))) {
            assertThatThrownBy(() -> offers.create(provider, productId, offerWith(List.of(bad))))
                    .as(bad.toString())
                    .isInstanceOf(ProblemException.class)
                    .satisfies(e ->
                            assertThat(((ProblemException) e).status().value()).isEqualTo(400));
        }
        // Written by hand: the same refinement is accepted, and a refinement on a missing column is not.
        String written = """
                {"@context": ["http://www.w3.org/ns/odrl.jsonld", {"df": "https://datafloor.vn/odrl/profile#"}],
                 "@type": "Offer", "uid": "urn:x",
                 "target": {"@type": "AssetCollection", "source": "urn:x:product",
                   "refinement": [{"leftOperand": "df:column/%s", "operator": "eq", "rightOperand": "Đồ uống"}]},
                 "permission": [{"action": "use"}]}""";
        OfferService.Offer accepted = offers.create(provider, productId, handWritten(written.formatted("category")));
        assertThat(offers.shown(provider, accepted.id()).termsVi()).contains("chỉ các dòng có category là Đồ uống");
        assertThatThrownBy(() -> offers.create(provider, productId, handWritten(written.formatted("no_such_column"))))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).messageKey()).isEqualTo("offer.rowColumn"));
    }

    /** A free offer whose terms are the given ODRL policy, written by hand. */
    private static OfferService.NewOffer handWritten(String policy) {
        return new OfferService.NewOffer(
                "Viết tay",
                OfferService.PriceModel.FREE,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null,
                null,
                policy,
                null);
    }
}
