package vn.datafloor.server.dsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.access.DeliveryService;
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
import vn.datafloor.server.platform.SecretBox;

/**
 * Two Datafloor instances trade both ways over the Dataspace Protocol, each a whole server with its own database,
 * lake and ledger on its own port, talking over HTTP through the outbound guard. A's bank reads B's catalog,
 * negotiates an offer of B's market-management agency to FINALIZED (B's contract for the bank's organisation,
 * on B's ledger), starts an HTTP-pull transfer and pulls the rows through the data address B handed out, so B's
 * enforcement pipeline applies (masks, metering); completing the transfer ends B's token. B's bank buys a paid
 * offer of A's market-management agency the same way (the money moves through A's journal with its invoice).
 * A's bank buys B's civil registry, which waits for the registry steward's approval on B and then arrives masked
 * and consent-filtered.
 *
 * <p>Each organisation presents to the other instance the API key that instance's operator gave it (here: a key
 * of the same demo organisation there), set through {@code PUT /api/dsp/credentials}.
 */
@Tag("dsp")
class DspTwoInstancesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static DspTestServers.Running a;
    static DspTestServers.Running b;

    @BeforeAll
    static void startBoth() {
        a = DspTestServers.start("a");
        b = DspTestServers.start("b");
    }

    @AfterAll
    static void stopBoth() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aBuysFromBAndPullsThroughBsDeliveryPipeline() throws Exception {
        // Who speaks for whom: A's bank at B, B's market-management agency at A (its callbacks to A's consumer side).
        String buyerApi = key(a, "saomai.admin", Action.BUY_DATA, Action.ACCESS_DATA, Action.MANAGE_CATALOG);
        credential(a, buyerApi, b, key(b, "saomai.admin", Action.DSP_PROTOCOL, Action.BUY_DATA, Action.VIEW_CONTRACTS));
        providerCredential(b, "qltt.dulieu", a, key(a, "qltt.dulieu", Action.DSP_PROTOCOL));

        Sale sale = sell(b, OfferService.PriceModel.FREE, null);
        Trade trade = negotiate(
                a,
                buyerApi,
                b,
                sale.productId(),
                DspPolicies.OFFER + sale.offer().id());

        // B's contract for the bank's organisation is the exchange's own, agreed on B's ledger.
        long contractId = DspPolicies.number(DspPolicies.AGREEMENT, trade.agreementId());
        JdbcClient bDb = b.bean(JdbcClient.class);
        assertThat(bDb.sql("select state from exchange_contract where id = ? and buyer_org = ?")
                        .params(contractId, orgOf(b, "saomai.admin"))
                        .query(String.class)
                        .single())
                .isEqualTo("FINALIZED");

        long transferId = startTransfer(a, buyerApi, b, trade.agreementId());
        HttpResponse<String> pulled =
                call(a, buyerApi, "GET", "/api/dsp/transfers/" + transferId + "/rows?limit=50", null);
        assertThat(pulled.statusCode()).as(pulled.body()).isEqualTo(200);
        JsonNode page = JSON.readTree(pulled.body());
        assertThat(page.get("rows").size()).isBetween(1, 50);
        // B's pipeline recorded the access (the entry its ledger gets, with the data subjects it touched).
        JdbcClient bAccesses = b.bean(JdbcClient.class);
        assertThat(bAccesses
                        .sql("select count(*) from access_event where id = ? and contract_id = ? and channel = 'REST'")
                        .params(page.get("accessId").asLong(), contractId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        // What arrived is what B's delivery pipeline gives the bank under this agreement: its columns, its masks.
        DeliveryService delivery = b.bean(DeliveryService.class);
        Actor bBuyer = actor(b, "saomai.admin");
        DeliveryService.Grant grant = delivery.grant(bBuyer, contractId, DeliveryService.Channel.REST);
        DeliveryService.Delivered expected = delivery.rows(bBuyer, contractId, List.of(), List.of(), 0, 50);
        List<String> columns = new java.util.ArrayList<>();
        page.get("columns").forEach(c -> columns.add(c.asString()));
        assertThat(columns).isEqualTo(expected.columns());
        assertThat(page.get("rows").size()).isEqualTo(expected.rows().size());
        for (String masked : grant.masks().keySet()) {
            for (int i = 0; i < expected.rows().size(); i++) {
                assertThat(page.get("rows").get(i).get(masked).asString())
                        .isEqualTo(String.valueOf(expected.rows().get(i).get(masked)));
            }
        }

        // The bank keeps what it bought: every row, pulled page by page, becomes a dataset version of its own on A.
        long permitted = ((Number) delivery.query(bBuyer, contractId, "SELECT count(*) AS n FROM " + grant.table(), 10)
                        .rows()
                        .get(0)
                        .get("n"))
                .longValue();
        String analystApi = key(a, "saomai.phantich", Action.ACCESS_DATA);
        HttpResponse<String> notAsteward = call(
                a, analystApi, "POST", "/api/dsp/transfers/" + transferId + "/import", "{\"dataset\": \"qltt-tu-b\"}");
        assertThat(notAsteward.statusCode())
                .as("publishing a dataset is a steward's act")
                .isEqualTo(403);
        HttpResponse<String> imported = call(
                a, buyerApi, "POST", "/api/dsp/transfers/" + transferId + "/import", "{\"dataset\": \"qltt-tu-b\"}");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        JsonNode result = JSON.readTree(imported.body());
        assertThat(result.get("rows").asLong()).isEqualTo(permitted);
        var version = a.bean(vn.datafloor.server.integration.DatasetService.class)
                .latestVersion("qltt-tu-b")
                .orElseThrow();
        assertThat(version.manifest().rowCount()).isEqualTo(permitted);
        assertThat(version.manifest().lineage())
                .containsEntry("source", "dsp:transfer:" + transferId)
                .containsEntry("dsp_agreement", trade.agreementId());
        assertThat(a.bean(JdbcClient.class)
                        .sql("select count(*) from catalog_dataset where dataset = ? and org_id = ?")
                        .params("qltt-tu-b", orgOf(a, "saomai.admin"))
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        finishAndCheckTheTokenEnds(a, buyerApi, b, transferId, contractId);
        ledgerHasTheProcesses(a, b, contractId);
    }

    @Test
    void personalDataIsSoldOverTheProtocolOnceItsProviderApprovesAndArrivesMasked() throws Exception {
        String buyerApi = key(a, "saomai.admin", Action.BUY_DATA, Action.ACCESS_DATA);
        credential(a, buyerApi, b, key(b, "saomai.admin", Action.DSP_PROTOCOL, Action.BUY_DATA, Action.VIEW_CONTRACTS));
        providerCredential(b, "hotich.dulieu", a, key(a, "hotich.dulieu", Action.DSP_PROTOCOL));

        // B's civil registry (personal data, classified important): every offer of it needs the provider's approval.
        // One purpose, the one the demo's consenting persons gave the bank.
        long productId = b.bean(JdbcClient.class)
                .sql("select min(id) from exchange_product where catalog_slug = 'ho-tich-cong-dan'")
                .query(Long.class)
                .single();
        OfferService.Offer offer = b.bean(OfferService.class)
                .create(
                        actor(b, "hotich.dulieu"),
                        productId,
                        new OfferService.NewOffer(
                                "Hộ tịch đã che, bán qua DSP sau khi duyệt",
                                OfferService.PriceModel.FREE,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                true,
                                null,
                                new OfferService.Terms(List.of("df:creditScoring"), "VN", List.of(), true, true),
                                null,
                                null));
        ProductService products = b.bean(ProductService.class);
        ProductService.Status status = products.product(productId).orElseThrow().status();
        if (status == ProductService.Status.DRAFT || status == ProductService.Status.REJECTED) {
            products.submit(Actor.SYSTEM, productId);
        }
        if (products.product(productId).orElseThrow().status() != ProductService.Status.APPROVED) {
            products.inspect(Actor.SYSTEM, productId, true, "Ưu đãi hộ tịch qua DSP đã được thẩm định");
        }

        long negotiation = startNegotiation(a, buyerApi, b, productId, DspPolicies.OFFER + offer.id());
        // On B the order waits for the registry's steward like any buyer's request; A's negotiation waits with it.
        JdbcClient bDb = b.bean(JdbcClient.class);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Long contractId = null;
        while (contractId == null) {
            assertThat(Instant.now())
                    .as("B's order held for approval within 30 s")
                    .isBefore(deadline);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            contractId = bDb.sql("select max(contract_id) from dsp_negotiation where role = 'PROVIDER' and "
                            + "exchange_offer_id = ? and state = 'REQUESTED'")
                    .param(offer.id())
                    .query(Long.class)
                    .optional()
                    .orElse(null);
        }
        assertThat(bDb.sql("select state from exchange_contract where id = ?")
                        .param(contractId)
                        .query(String.class)
                        .single())
                .isEqualTo("REQUESTED");
        assertThat(process(a, buyerApi, "/api/dsp/negotiations", negotiation)
                        .get("state")
                        .asString())
                .isEqualTo("REQUESTED");
        b.bean(vn.datafloor.server.exchange.ContractService.class)
                .decide(actor(b, "hotich.dulieu"), contractId, true, "Đồng ý cho chấm điểm tín dụng qua DSP");
        JsonNode finalized = await(() -> process(a, buyerApi, "/api/dsp/negotiations", negotiation), "FINALIZED");
        assertThat(finalized.get("agreementId").asString()).isEqualTo(DspPolicies.AGREEMENT + contractId);

        long transferId =
                startTransfer(a, buyerApi, b, finalized.get("agreementId").asString());
        HttpResponse<String> pulled =
                call(a, buyerApi, "GET", "/api/dsp/transfers/" + transferId + "/rows?limit=50", null);
        assertThat(pulled.statusCode()).as(pulled.body()).isEqualTo(200);
        JsonNode page = JSON.readTree(pulled.body());

        // What arrived is B's pipeline's view for the bank: only consenting persons, identity numbers masked.
        DeliveryService delivery = b.bean(DeliveryService.class);
        Actor bBuyer = actor(b, "saomai.admin");
        DeliveryService.Grant grant = delivery.grant(bBuyer, contractId, DeliveryService.Channel.REST);
        assertThat(grant.consentFiltered()).isTrue();
        assertThat(grant.masks()).containsKey(grant.subjectColumn());
        DeliveryService.Delivered expected = delivery.rows(bBuyer, contractId, List.of(), List.of(), 0, 50);
        assertThat(expected.rows()).isNotEmpty();
        assertThat(page.get("rows").size()).isEqualTo(expected.rows().size());
        long consenting = bDb.sql("select count(distinct subject_id) from privacy_consent where status = 'GIVEN' "
                        + "and recipient_org = ? and purpose = 'df:creditScoring'")
                .param(orgOf(b, "saomai.admin"))
                .query(Long.class)
                .single();
        assertThat((long) page.get("rows").size()).isBetween(1L, consenting);
        for (int i = 0; i < expected.rows().size(); i++) {
            String shown = page.get("rows").get(i).get(grant.subjectColumn()).asString();
            assertThat(shown).isEqualTo(String.valueOf(expected.rows().get(i).get(grant.subjectColumn())));
            assertThat(shown)
                    .as("an identity number never leaves B in the clear")
                    .doesNotMatch("\\d{12}");
        }
        finishAndCheckTheTokenEnds(a, buyerApi, b, transferId, contractId);
    }

    @Test
    void bBuysAPaidOfferOfAAndPaysThroughAsJournal() throws Exception {
        String buyerApi = key(b, "saomai.admin", Action.BUY_DATA, Action.ACCESS_DATA);
        credential(b, buyerApi, a, key(a, "saomai.admin", Action.DSP_PROTOCOL, Action.BUY_DATA, Action.VIEW_CONTRACTS));
        providerCredential(a, "qltt.dulieu", b, key(b, "qltt.dulieu", Action.DSP_PROTOCOL));

        // A's market-management agency sells a paid offer; A's bank (the account B's bank holds at A) has money.
        a.bean(OfferService.class)
                .setFee(
                        actor(a, "admin"),
                        new OfferService.NewFee(
                                "other",
                                OfferService.PriceModel.ONE_TIME,
                                null,
                                200_000L,
                                "Biểu phí thử giao dịch DSP"));
        Sale sale = sell(a, OfferService.PriceModel.ONE_TIME, 200_000L);
        OfferService.Offer offer = sale.offer();
        JdbcClient aDb = a.bean(JdbcClient.class);
        MoneyJournal journal = a.bean(MoneyJournal.class);
        long buyerOrg = orgOf(a, "saomai.admin");
        MoneyJournal.Account cash = journal.account(buyerOrg, MoneyJournal.AccountKind.CASH);
        a.bean(BankStatements.class).credit(cash, 1_000_000, "T-DSP-TRADE", null);
        long before = journal.balance(cash.id());

        Trade trade = negotiate(b, buyerApi, a, sale.productId(), DspPolicies.OFFER + offer.id());
        long contractId = DspPolicies.number(DspPolicies.AGREEMENT, trade.agreementId());
        assertThat(aDb.sql("select state from exchange_contract where id = ? and buyer_org = ?")
                        .params(contractId, buyerOrg)
                        .query(String.class)
                        .single())
                .isEqualTo("FINALIZED");
        // Paid as on the web: the money left the bank's cash through A's journal, with the seller's invoice.
        assertThat(before - journal.balance(cash.id())).isEqualTo(offer.total());
        assertThat(journal.trialBalance().total()).isZero();
        assertThat(aDb.sql("select count(*) from exchange_invoice where contract_id = ? and kind = 'PURCHASE'")
                        .param(contractId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        long transferId = startTransfer(b, buyerApi, a, trade.agreementId());
        HttpResponse<String> pulled =
                call(b, buyerApi, "GET", "/api/dsp/transfers/" + transferId + "/rows?limit=20", null);
        assertThat(pulled.statusCode()).as(pulled.body()).isEqualTo(200);
        JsonNode page = JSON.readTree(pulled.body());
        assertThat(page.get("columns").size()).isPositive();
        assertThat(page.get("rows").size()).isBetween(1, 20);

        finishAndCheckTheTokenEnds(b, buyerApi, a, transferId, contractId);
        ledgerHasTheProcesses(b, a, contractId);
    }

    // ------------------------------------------------------------------ the steps, from the consumer's API

    private record Trade(long negotiationId, String agreementId) {}

    /**
     * Reads the provider's catalog through the consumer, finds the product's offer and negotiates it; waits for the
     * consumer's side to be FINALIZED.
     */
    private Trade negotiate(
            DspTestServers.Running consumer,
            String buyerApi,
            DspTestServers.Running provider,
            long productId,
            String offerId)
            throws Exception {
        long id = startNegotiation(consumer, buyerApi, provider, productId, offerId);
        JsonNode finalized = await(() -> process(consumer, buyerApi, "/api/dsp/negotiations", id), "FINALIZED");
        return new Trade(id, finalized.get("agreementId").asString());
    }

    /** The consumer's negotiation for an offer as the provider's catalog shows it; returns its id. */
    private long startNegotiation(
            DspTestServers.Running consumer,
            String buyerApi,
            DspTestServers.Running provider,
            long productId,
            String offerId)
            throws Exception {
        HttpResponse<String> catalogAnswer = call(
                consumer,
                buyerApi,
                "POST",
                "/api/dsp/catalog-requests",
                JSON.writeValueAsString(java.util.Map.of("connectorAddress", provider.dsp())));
        assertThat(catalogAnswer.statusCode()).as(catalogAnswer.body()).isEqualTo(200);
        JsonNode dataset = null;
        for (JsonNode candidate : JSON.readTree(catalogAnswer.body()).get("dataset")) {
            if (candidate.get("@id").asString().equals(DspPolicies.DATASET + productId)) {
                dataset = candidate;
            }
        }
        assertThat(dataset)
                .as("the provider's catalog lists product %s", productId)
                .isNotNull();
        JsonNode offer = null;
        for (JsonNode policy : dataset.get("hasPolicy")) {
            if (policy.get("@id").asString().equals(offerId)) {
                offer = policy;
            }
        }
        assertThat(offer).isNotNull();
        // The offer's rules as the catalog shows them (one purpose: the provider takes it as the purpose of use).
        JsonNode rules = offer;
        var request = JSON.createObjectNode()
                .put("connectorAddress", provider.dsp())
                .put("providerId", offer.get("assigner").asString())
                .put("offerId", offer.get("@id").asString())
                .put("datasetId", dataset.get("@id").asString());
        request.set("offer", rules);
        HttpResponse<String> started =
                call(consumer, buyerApi, "POST", "/api/dsp/negotiations", JSON.writeValueAsString(request));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        return JSON.readTree(started.body()).get("id").asLong();
    }

    private long startTransfer(
            DspTestServers.Running consumer, String buyerApi, DspTestServers.Running provider, String agreementId)
            throws Exception {
        HttpResponse<String> started = call(
                consumer,
                buyerApi,
                "POST",
                "/api/dsp/transfers",
                JSON.writeValueAsString(java.util.Map.of(
                        "connectorAddress",
                        provider.dsp(),
                        "agreementId",
                        agreementId,
                        "format",
                        DspPolicies.HTTP_PULL)));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        long id = JSON.readTree(started.body()).get("id").asLong();
        JsonNode running = await(() -> process(consumer, buyerApi, "/api/dsp/transfers", id), "STARTED");
        assertThat(running.get("pullable").asBoolean()).isTrue();
        return id;
    }

    /**
     * The consumer completes the transfer: the provider's token is refused from then on (401 at the provider's
     * delivery API), the consumer has forgotten the address and refuses to pull; the token never showed in what
     * the consumer's API answered.
     */
    private void finishAndCheckTheTokenEnds(
            DspTestServers.Running consumer,
            String buyerApi,
            DspTestServers.Running provider,
            long transferId,
            long contractId)
            throws Exception {
        DspStore.Transfer transfer =
                consumer.bean(DspStore.class).transfer(transferId).orElseThrow();
        JsonNode address = DspJson.parse(
                consumer.bean(SecretBox.class).open(transfer.dataAddress(), "dsp-transfer:" + transferId));
        String endpoint = address.get("endpoint").asString();
        assertThat(endpoint).isEqualTo(provider.base() + "/api/access/" + contractId + "/rows");
        String token = null;
        for (JsonNode property : address.get("endpointProperties")) {
            if (property.get("name").asString().equals("authorization")) {
                token = property.get("value").asString();
            }
        }
        assertThat(token).startsWith("Bearer dfk_");
        String secret = token.substring("Bearer ".length());
        assertThat(call(consumer, buyerApi, "GET", "/api/dsp/transfers", null).body())
                .doesNotContain(secret);
        assertThat(fetch(endpoint + "?limit=1", token).statusCode()).isEqualTo(200);

        HttpResponse<String> completed =
                call(consumer, buyerApi, "POST", "/api/dsp/transfers/" + transferId + "/completion", null);
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
        assertThat(JSON.readTree(completed.body()).get("state").asString()).isEqualTo("COMPLETED");
        assertThat(fetch(endpoint + "?limit=1", token).statusCode()).isEqualTo(401);
        assertThat(consumer.bean(DspStore.class)
                        .transfer(transferId)
                        .orElseThrow()
                        .dataAddress())
                .isNull();
        HttpResponse<String> after =
                call(consumer, buyerApi, "GET", "/api/dsp/transfers/" + transferId + "/rows", null);
        assertThat(after.statusCode()).isEqualTo(409);
        assertThat(after.body()).doesNotContain(secret);
    }

    /** Both ledgers carry the processes' states; the consumer's has the pull, without the token. */
    private void ledgerHasTheProcesses(
            DspTestServers.Running consumer, DspTestServers.Running provider, long contractId) throws Exception {
        for (DspTestServers.Running side : List.of(consumer, provider)) {
            assertThat(side.bean(AuditLog.class).awaitRelayed(Duration.ofSeconds(30)))
                    .isTrue();
        }
        JdbcClient consumerDb = consumer.bean(JdbcClient.class);
        JdbcClient providerDb = provider.bean(JdbcClient.class);
        assertThat(consumerDb
                        .sql("select summary from audit_event where event_type = 'DSP_PROCESS_CHANGED'")
                        .query(String.class)
                        .list())
                .anyMatch(s -> s.contains("(consumer)") && s.contains("AGREED -> VERIFIED"))
                .anyMatch(s -> s.contains("(consumer)") && s.contains("STARTED -> COMPLETED"));
        assertThat(providerDb
                        .sql("select summary from audit_event where event_type = 'DSP_PROCESS_CHANGED'")
                        .query(String.class)
                        .list())
                .anyMatch(s -> s.contains("(provider)") && s.contains("-> FINALIZED"))
                .anyMatch(s -> s.contains("(provider)") && s.contains("STARTED -> COMPLETED"));
        assertThat(consumerDb
                        .sql("select count(*) from audit_event where event_type = 'DSP_DATA_PULLED'")
                        .query(Long.class)
                        .single())
                .isPositive();
        assertThat(providerDb
                        .sql("select count(*) from audit_event where event_type = 'CONTRACT_AGREED' and summary like ?")
                        .param("agreement " + contractId + " %")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(consumerDb
                        .sql("select count(*) from audit_event where summary like '%dfk_%'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    // ------------------------------------------------------------------ helpers

    private record Sale(long productId, OfferService.Offer offer) {}

    /** A new offer of the market-management agency's listed product, for research, inspected and on sale. */
    private static Sale sell(DspTestServers.Running side, OfferService.PriceModel model, Long price) {
        long productId = side.bean(JdbcClient.class)
                .sql("select min(id) from exchange_product where catalog_slug = 'qltt-san-pham'")
                .query(Long.class)
                .single();
        OfferService.Offer offer = side.bean(OfferService.class)
                .create(
                        actor(side, "qltt.dulieu"),
                        productId,
                        new OfferService.NewOffer(
                                "Bán cho không gian dữ liệu khác qua DSP",
                                model,
                                price,
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
        ProductService products = side.bean(ProductService.class);
        ProductService.Status status = products.product(productId).orElseThrow().status();
        if (status == ProductService.Status.DRAFT || status == ProductService.Status.REJECTED) {
            products.submit(Actor.SYSTEM, productId);
        }
        if (products.product(productId).orElseThrow().status() != ProductService.Status.APPROVED) {
            products.inspect(Actor.SYSTEM, productId, true, "Ưu đãi bán qua giao thức DSP đã được thẩm định");
        }
        return new Sale(productId, offer);
    }

    private JsonNode process(DspTestServers.Running side, String key, String path, long id) {
        try {
            for (JsonNode p : JSON.readTree(call(side, key, "GET", path, null).body())) {
                if (p.get("id").asLong() == id) {
                    return p;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (30 s at most) for a process to reach {@code state}; a process that ends elsewhere fails at once. */
    private static JsonNode await(Supplier<JsonNode> process, String state) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            JsonNode p = process.get();
            String now = p == null ? null : p.get("state").asString();
            if (state.equals(now)) {
                return p;
            }
            assertThat(now).as("the process ended elsewhere: %s", p).isNotIn("TERMINATED", "COMPLETED");
            assertThat(Instant.now())
                    .as("%s not reached within 30 s: %s", state, p)
                    .isBefore(deadline);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** A's organisation sets, through its API, what it presents at the other instance. */
    private void credential(DspTestServers.Running side, String apiKey, DspTestServers.Running remote, String remoteKey)
            throws Exception {
        HttpResponse<String> set = call(
                side,
                apiKey,
                "PUT",
                "/api/dsp/credentials",
                JSON.writeValueAsString(
                        java.util.Map.of("connectorAddress", remote.dsp(), "authorization", "Bearer " + remoteKey)));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("localhost:" + remote.port()).doesNotContain(remoteKey);
    }

    /** The provider organisation's credential at the consumer's instance, for its callbacks there. */
    private void providerCredential(
            DspTestServers.Running side, String username, DspTestServers.Running remote, String remoteKey) {
        Actor provider = actor(side, username);
        side.bean(DspCredentials.class).set(provider, provider.orgId(), remote.dsp(), "Bearer " + remoteKey);
    }

    private static String key(DspTestServers.Running side, String username, Action... actions) {
        Set<String> scopes = new java.util.LinkedHashSet<>();
        for (Action action : actions) {
            scopes.add(action.scope());
        }
        return side.bean(ApiKeyService.class)
                .create(actor(side, username), "DSP trade", scopes, Duration.ofDays(1))
                .token();
    }

    private static Actor actor(DspTestServers.Running side, String username) {
        UserAccount u = side.bean(UserService.class).findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private static long orgOf(DspTestServers.Running side, String username) {
        return actor(side, username).orgId();
    }

    private static HttpResponse<String> call(
            DspTestServers.Running side, String key, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(side.base() + path))
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> fetch(String url, String authorization) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", authorization)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
