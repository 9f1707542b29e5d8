package vn.datafloor.server.dsp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.BankStatements;
import vn.datafloor.server.exchange.MoneyJournal;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/**
 * The provider side of the protocol on the exchange: a paid offer agreed over DSP is the exchange's purchase
 * (contract, money through the journal, ledger entries), processes are the caller's organisation's only,
 * messages are read with limits and only along the protocol's transitions. The counterparty's callback here
 * is a loopback address the outbound guard refuses (no allowance in this application), so the state moves
 * and nothing leaves.
 */
class DspProtocolTest extends PlatformTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    UserService users;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    OfferService offers;

    @Autowired
    ProductService products;

    @Autowired
    MoneyJournal journal;

    @Autowired
    BankStatements statements;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditLog audit;

    @Autowired
    vn.datafloor.server.exchange.ContractService contracts;

    @Autowired
    ProviderProtocol provider;

    @Autowired
    DspMessenger messenger;

    @Test
    void aPaidOfferAgreedOverTheProtocolIsTheExchangesPurchase() throws Exception {
        Actor operator = actor("admin");
        offers.setFee(
                operator,
                new OfferService.NewFee("other", OfferService.PriceModel.ONE_TIME, null, 300_000L, "Biểu phí thử DSP"));
        long productId = listedProduct();
        OfferService.Offer offer = offers.create(
                actor("qltt.dulieu"),
                productId,
                new OfferService.NewOffer(
                        "Bán qua giao thức Dataspace",
                        OfferService.PriceModel.ONE_TIME,
                        300_000L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        new OfferService.Terms(List.of("df:research"), "VN", List.of(), true, false),
                        null,
                        null));
        products.inspect(operator, productId, true, "Ưu đãi bán qua giao thức DSP đã được thẩm định");
        Actor buyer = actor("saomai.admin");
        String token = key(buyer);
        statements.credit(journal.account(buyer.orgId(), MoneyJournal.AccountKind.CASH), 1_000_000, "T-DSP-1", null);
        long cashBefore = cash(buyer.orgId());

        // The catalog lists the offer with its ODRL rules, the Datafloor profile's terms as IRIs.
        JsonNode catalog = json(call(token, post("/dsp/catalog/request"), message("CatalogRequestMessage", "")), 200);
        String offerId = "urn:datafloor:offer:" + offer.id();
        assertThat(catalog.toString())
                .contains(offerId)
                .contains("https://datafloor.vn/odrl/profile#research")
                .contains("\"format\":\"HttpData-PULL\"");

        String request = message(
                "ContractRequestMessage",
                "\"consumerPid\": \"urn:uuid:consumer-1\", \"callbackAddress\": \"http://127.0.0.1:9/callback\","
                        + "\"offer\": {\"@id\": \"" + offerId + "\", \"@type\": \"Offer\", \"target\": "
                        + "\"urn:datafloor:product:" + productId + "\", \"permission\": [{\"action\": \"use\"}]}");
        JsonNode negotiation = json(call(token, post("/dsp/negotiations/request"), request), 201);
        assertThat(negotiation.get("state").asString()).isEqualTo("REQUESTED");
        String pid = negotiation.get("providerPid").asString();

        // The exchange's rules agree at once: the contract is the web's purchase, paid through the journal.
        await(() -> state(token, pid).equals("AGREED"));
        long contractId = jdbc.sql("select id from exchange_contract where order_key = ?")
                .param(buyer.orgId() + ":dsp:" + pid)
                .query(Long.class)
                .single();
        assertThat(jdbc.sql("select state from exchange_contract where id = ?")
                        .param(contractId)
                        .query(String.class)
                        .single())
                .isEqualTo("FINALIZED");
        assertThat(cashBefore - cash(buyer.orgId())).isEqualTo(offer.total());
        assertThat(journal.trialBalance().total()).isZero();
        assertThat(audit.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        assertThat(jdbc.sql("select count(*) from audit_event where event_type = 'CONTRACT_AGREED' and summary like ?")
                        .param("agreement " + contractId + " %")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql(
                                "select count(*) from audit_event where event_type = 'DSP_PROCESS_CHANGED' and summary like ?")
                        .param("%REQUESTED -> AGREED%")
                        .query(Long.class)
                        .single())
                .isPositive();

        // Another organisation's connector does not find the negotiation.
        String other = key(actor("yte.admin"));
        MvcResult hidden = call(other, get("/dsp/negotiations/" + pid), null);
        assertThat(hidden.getResponse().getStatus()).isEqualTo(404);
        assertThat(hidden.getResponse().getContentAsString()).contains("ContractNegotiationError");

        // Only along the protocol's transitions: a second agreement-stage message is refused, verification moves it.
        String verification = message(
                "ContractAgreementVerificationMessage",
                "\"providerPid\": \"" + pid + "\", \"consumerPid\": \"urn:uuid:consumer-1\"");
        call(token, post("/dsp/negotiations/" + pid + "/agreement/verification"), verification);
        await(() -> state(token, pid).equals("FINALIZED"));
        MvcResult again = call(token, post("/dsp/negotiations/" + pid + "/agreement/verification"), verification);
        assertThat(again.getResponse().getStatus()).isEqualTo(409);
        MvcResult late = call(
                token,
                post("/dsp/negotiations/" + pid + "/termination"),
                message(
                        "ContractNegotiationTerminationMessage",
                        "\"providerPid\": \"" + pid + "\", \"consumerPid\": \"urn:uuid:consumer-1\", \"code\": \"x\""));
        assertThat(late.getResponse().getStatus()).isEqualTo(409);

        // The same order key never charges twice: the money moved once.
        assertThat(cashBefore - cash(buyer.orgId())).isEqualTo(offer.total());
    }

    @Test
    void anOfferNeedingApprovalWaitsForTheProvidersDecisionOnTheExchange() throws Exception {
        Actor operator = actor("admin");
        offers.setFee(
                operator,
                new OfferService.NewFee("other", OfferService.PriceModel.ONE_TIME, null, 300_000L, "Biểu phí thử DSP"));
        long productId = listedProduct();
        Actor seller = actor("qltt.dulieu");
        OfferService.Offer offer = offers.create(
                seller,
                productId,
                new OfferService.NewOffer(
                        "Bán qua DSP, người bán duyệt từng người mua",
                        OfferService.PriceModel.ONE_TIME,
                        300_000L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        true,
                        null,
                        new OfferService.Terms(List.of("df:research"), "VN", List.of(), true, false),
                        null,
                        null));
        products.inspect(operator, productId, true, "Ưu đãi cần duyệt qua giao thức DSP đã được thẩm định");
        Actor buyer = actor("saomai.admin");
        String token = key(buyer);
        statements.credit(journal.account(buyer.orgId(), MoneyJournal.AccountKind.CASH), 3_000_000, "T-DSP-2", null);
        long cashBefore = cash(buyer.orgId());

        // Approved: the negotiation waits with the order held, and the provider's approval on the exchange agrees it.
        String approvedPid = requestOffer(token, offer.id(), productId, "urn:uuid:consumer-approve");
        long approved = awaitWaitingContract(approvedPid);
        assertThat(contractState(approved)).isEqualTo("REQUESTED");
        assertThat(state(token, approvedPid)).isEqualTo("REQUESTED");
        assertThat(cashBefore - cash(buyer.orgId())).as("held while waiting").isEqualTo(offer.total());
        contracts.decide(seller, approved, true, "Đồng ý bán cho ngân hàng");
        await(() -> state(token, approvedPid).equals("AGREED"));
        assertThat(contractState(approved)).isEqualTo("FINALIZED");
        assertThat(jdbc.sql("select agreement_id from dsp_negotiation where provider_pid = ?")
                        .param(approvedPid)
                        .query(String.class)
                        .single())
                .isEqualTo("urn:datafloor:agreement:" + approved);
        assertThat(cashBefore - cash(buyer.orgId())).isEqualTo(offer.total());

        // Refused: the negotiation ends and the held money comes back.
        long beforeRefusal = cash(buyer.orgId());
        String refusedPid = requestOffer(token, offer.id(), productId, "urn:uuid:consumer-refuse");
        long refused = awaitWaitingContract(refusedPid);
        assertThat(beforeRefusal - cash(buyer.orgId())).isEqualTo(offer.total());
        contracts.decide(seller, refused, false, "Mục đích nghiên cứu chưa rõ");
        await(() -> state(token, refusedPid).equals("TERMINATED"));
        assertThat(cash(buyer.orgId())).isEqualTo(beforeRefusal);

        // The consumer ends the negotiation while it waits: the request is withdrawn, its money back.
        String withdrawnPid = requestOffer(token, offer.id(), productId, "urn:uuid:consumer-withdraw");
        long withdrawn = awaitWaitingContract(withdrawnPid);
        MvcResult ended = call(
                token,
                post("/dsp/negotiations/" + withdrawnPid + "/termination"),
                message(
                        "ContractNegotiationTerminationMessage",
                        "\"providerPid\": \"" + withdrawnPid + "\", \"consumerPid\": \"urn:uuid:consumer-withdraw\", "
                                + "\"code\": \"no-longer-needed\""));
        assertThat(ended.getResponse().getStatus()).isEqualTo(200);
        assertThat(contractState(withdrawn)).isEqualTo("TERMINATED");
        assertThat(cash(buyer.orgId())).isEqualTo(beforeRefusal);

        // A decision whose answer was never sent (as after a crash between the two) is answered by the sweep.
        String lostPid = requestOffer(token, offer.id(), productId, "urn:uuid:consumer-lost");
        long lost = awaitWaitingContract(lostPid);
        jdbc.sql("update dsp_negotiation set contract_id = null where provider_pid = ?")
                .param(lostPid)
                .update();
        contracts.decide(seller, lost, true, "Đồng ý, câu trả lời bị mất");
        assertThat(contractState(lost)).isEqualTo("FINALIZED");
        // The decision's own answer runs on the messenger's one thread, queued before this step: once this step has
        // run, that answer has looked for the negotiation and not found it.
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        messenger.soon(List.of(answered::countDown));
        assertThat(answered.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        jdbc.sql("update dsp_negotiation set contract_id = ? where provider_pid = ?")
                .params(lost, lostPid)
                .update();
        assertThat(state(token, lostPid)).isEqualTo("REQUESTED");
        provider.answerSettledRequests();
        assertThat(state(token, lostPid)).isEqualTo("AGREED");
        assertThat(journal.trialBalance().total()).isZero();
    }

    private String requestOffer(String token, long offerId, long productId, String consumerPid) throws Exception {
        String request = message(
                "ContractRequestMessage",
                "\"consumerPid\": \"" + consumerPid + "\", \"callbackAddress\": \"http://127.0.0.1:9/callback\","
                        + "\"offer\": {\"@id\": \"urn:datafloor:offer:" + offerId + "\", \"@type\": \"Offer\", "
                        + "\"target\": \"urn:datafloor:product:" + productId + "\", \"permission\": [{\"action\": "
                        + "\"use\"}]}");
        JsonNode negotiation = json(call(token, post("/dsp/negotiations/request"), request), 201);
        return negotiation.get("providerPid").asString();
    }

    /** The contract request a negotiation waits on, once the provider side has ordered it. */
    private long awaitWaitingContract(String providerPid) {
        await(() -> jdbc.sql("select contract_id from dsp_negotiation where provider_pid = ?")
                .param(providerPid)
                .query(Long.class)
                .optional()
                .isPresent());
        return jdbc.sql("select contract_id from dsp_negotiation where provider_pid = ?")
                .param(providerPid)
                .query(Long.class)
                .single();
    }

    private String contractState(long contractId) {
        return jdbc.sql("select state from exchange_contract where id = ?")
                .param(contractId)
                .query(String.class)
                .single();
    }

    @Test
    void theDataspacePageListsAnOrganisationsProcessesAndSaysWhyARemoteCatalogCannotBeRead() throws Exception {
        var bank = login("saomai.admin");
        MvcResult page = mvc.perform(get("/dataspace").session(bank)).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(page.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("Không gian dữ liệu khác")
                .contains("id=\"dsp-negotiations\"")
                .contains("id=\"dsp-transfers\"");

        // A credential is kept sealed: the page shows its origin only.
        MvcResult saved = mvc.perform(
                        post("/dataspace/credentials")
                                .session(bank)
                                .with(org.springframework.security.test.web.servlet.request
                                        .SecurityMockMvcRequestPostProcessors.csrf())
                                .param("connectorAddress", "https://doitac.example.vn/dsp")
                                .param("authorization", "Bearer bi-mat-cua-doi-tac"))
                .andReturn();
        assertThat(saved.getResponse().getStatus()).isEqualTo(302);
        String shown = mvc.perform(get("/dataspace").session(bank))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(shown).contains("https://doitac.example.vn").doesNotContain("bi-mat-cua-doi-tac");

        // A connector the outbound guard refuses: the page says why instead of failing.
        String refused = mvc.perform(get("/dataspace").session(bank).param("connector", "http://127.0.0.1:9/dsp"))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(refused).contains("class=\"alert error\"").contains("Dataspace");

        // Buying is for administrators and analysts: a data steward is refused.
        assertThat(mvc.perform(get("/dataspace").session(login("hotich.dulieu")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
    }

    @Test
    void aRemoteCatalogsOffersAreListedWithTheirDatasetForThePage() throws Exception {
        long productId = listedProduct();
        Actor operator = actor("admin");
        OfferService.Offer offer = offers.create(
                actor("qltt.dulieu"),
                productId,
                new OfferService.NewOffer(
                        "Ưu đãi miễn phí cho trang không gian dữ liệu",
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
                        new OfferService.Terms(List.of("df:research"), "VN", List.of(), true, false),
                        null,
                        null));
        products.inspect(operator, productId, true, "Ưu đãi cho trang đã được thẩm định");
        JsonNode catalog = json(
                call(key(actor("saomai.admin")), post("/dsp/catalog/request"), message("CatalogRequestMessage", "")),
                200);
        List<DspPages.RemoteOffer> listed = DspPages.offers(catalog);
        DspPages.RemoteOffer mine = listed.stream()
                .filter(o -> o.offerId().equals("urn:datafloor:offer:" + offer.id()))
                .findFirst()
                .orElseThrow();
        assertThat(mine.datasetId()).isEqualTo("urn:datafloor:product:" + productId);
        assertThat(mine.title())
                .isEqualTo(products.product(productId).orElseThrow().title());
        assertThat(mine.providerId()).startsWith("urn:datafloor:org:");
        // What the page sends back to negotiate is the offer as the catalog showed it.
        assertThat(JSON.readTree(mine.offer()).get("@id").asString()).isEqualTo(mine.offerId());
    }

    @Test
    void messagesAreReadWithLimitsAndTheirTypeChecked() throws Exception {
        String token = key(actor("saomai.admin"));
        MvcResult noContext = call(token, post("/dsp/negotiations/request"), "{\"@type\": \"ContractRequestMessage\"}");
        assertThat(noContext.getResponse().getStatus()).isEqualTo(400);
        assertThat(noContext.getResponse().getContentAsString())
                .contains("ContractNegotiationError")
                .contains("@context");
        MvcResult wrongType = call(token, post("/dsp/negotiations/request"), message("CatalogRequestMessage", ""));
        assertThat(wrongType.getResponse().getStatus()).isEqualTo(400);
        String deep = "[".repeat(DspJson.MAX_DEPTH + 5) + "]".repeat(DspJson.MAX_DEPTH + 5);
        MvcResult tooDeep = call(token, post("/dsp/catalog/request"), deep);
        assertThat(tooDeep.getResponse().getStatus()).isEqualTo(400);
        assertThat(tooDeep.getResponse().getContentAsString()).contains("CatalogError");
        MvcResult unknown = call(token, get("/dsp/catalog/datasets/urn:datafloor:product:999999999"), null);
        assertThat(unknown.getResponse().getStatus()).isEqualTo(404);
        assertThat(unknown.getResponse().getContentAsString()).contains("CatalogError");
        MvcResult anonymous = mvc.perform(post("/dsp/catalog/request")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(message("CatalogRequestMessage", "")))
                .andReturn();
        assertThat(anonymous.getResponse().getStatus()).isEqualTo(401);
        // A callback address the guard will refuse is still taken (it is vetted when a message leaves); one that is
        // no http(s) URL is refused at once.
        MvcResult badCallback = call(
                token,
                post("/dsp/transfers/request"),
                message(
                        "TransferRequestMessage",
                        "\"consumerPid\": \"urn:uuid:c\", \"agreementId\": \"urn:datafloor:agreement:1\", "
                                + "\"format\": \"HttpData-PULL\", \"callbackAddress\": \"file:///etc/passwd\""));
        assertThat(badCallback.getResponse().getStatus()).isIn(400, 404);
        JsonNode version = JSON.readTree(mvc.perform(get("/.well-known/dspace-version"))
                .andReturn()
                .getResponse()
                .getContentAsString());
        assertThat(version.get("protocolVersions").get(0).get("version").asString())
                .isEqualTo("2025-1");
    }

    @Test
    void anOrganisationsConnectorCredentialIsKeptSealedAndOnlyItsOriginShown() throws Exception {
        String buyer = apiKeys.create(
                        actor("saomai.admin"),
                        "DSP consumer",
                        Set.of(Action.BUY_DATA.scope(), Action.ACCESS_DATA.scope()),
                        Duration.ofDays(1))
                .token();
        String secret = "Bearer partner-issued-" + java.util.UUID.randomUUID();
        MvcResult set = call(
                buyer,
                org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/dsp/credentials"),
                "{\"connectorAddress\": \"https://Partner.example:8443/dsp\", \"authorization\": \"" + secret + "\"}");
        assertThat(json(set, 200).get("remoteOrigin").asString()).isEqualTo("https://partner.example:8443");
        MvcResult listed = call(buyer, get("/api/dsp/credentials"), null);
        assertThat(listed.getResponse().getContentAsString())
                .contains("https://partner.example:8443")
                .doesNotContain(secret);
        String stored = jdbc.sql("select authorization_sealed from dsp_credential where remote_origin = ?")
                .param("https://partner.example:8443")
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain("partner-issued-");
        // Another organisation has none there, and a value that is not one header line is refused.
        assertThat(call(key(actor("yte.admin")), get("/api/dsp/credentials"), null)
                        .getResponse()
                        .getContentAsString())
                .doesNotContain("partner.example");
        MvcResult twoLines = call(
                buyer,
                org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put("/api/dsp/credentials"),
                "{\"connectorAddress\": \"https://partner.example/dsp\", \"authorization\": \"a\\r\\nX-Evil: 1\"}");
        assertThat(twoLines.getResponse().getStatus()).isEqualTo(400);
        // No transfer of this organisation with that id: nothing to pull or complete.
        assertThat(call(buyer, get("/api/dsp/transfers/999999/rows"), null)
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
    }

    // ------------------------------------------------------------------ helpers

    private String state(String token, String pid) {
        try {
            return json(call(token, get("/dsp/negotiations/" + pid), null), 200)
                    .get("state")
                    .asString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for what the provider does after the answer (it runs once the request's transaction commits). */
    private static void await(Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.get()) {
            assertThat(Instant.now()).as("condition not met within 30 s").isBefore(deadline);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private MvcResult call(String token, MockHttpServletRequestBuilder request, String body) throws Exception {
        request.header("Authorization", "Bearer " + token).accept(MediaType.APPLICATION_JSON);
        if (body != null) {
            request.contentType(MediaType.APPLICATION_JSON).content(body.getBytes(StandardCharsets.UTF_8));
        }
        return mvc.perform(request).andReturn();
    }

    private static JsonNode json(MvcResult result, int status) throws Exception {
        assertThat(result.getResponse().getStatus())
                .as(result.getResponse().getContentAsString())
                .isEqualTo(status);
        return JSON.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    private static String message(String type, String fields) {
        return "{\"@context\": [\"https://w3id.org/dspace/2025/1/context.jsonld\"], \"@type\": \"" + type + "\""
                + (fields.isEmpty() ? "" : ", " + fields) + "}";
    }

    private String key(Actor actor) {
        return apiKeys.create(
                        actor,
                        "DSP connector",
                        Set.of(Action.DSP_PROTOCOL.scope(), Action.BUY_DATA.scope(), Action.VIEW_CONTRACTS.scope()),
                        Duration.ofDays(1))
                .token();
    }

    private long cash(long orgId) {
        return journal.balance(
                journal.account(orgId, MoneyJournal.AccountKind.CASH).id());
    }

    private long listedProduct() {
        long id = jdbc.sql("select min(id) from exchange_product where catalog_slug = 'qltt-san-pham'")
                .query(Long.class)
                .single();
        ProductService.Product product = products.product(id).orElseThrow();
        if (product.status() == ProductService.Status.DRAFT || product.status() == ProductService.Status.REJECTED) {
            products.submit(Actor.SYSTEM, id);
        }
        if (products.product(id).orElseThrow().status() != ProductService.Status.APPROVED) {
            products.inspect(Actor.SYSTEM, id, true, "Thẩm định lại cho phép thử");
        }
        return id;
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }
}
