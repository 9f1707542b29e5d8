package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.exchange.ContractService.State;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.platform.ProblemException;

/**
 * The market end to end on the engine: state data sold at the scheduled fee, a declared purpose
 * checked against the ODRL terms, money through a balanced journal with gap-free invoices, no double
 * charge, no overselling, the provider's approval, usage charged within the cap.
 */
class MarketTest extends ExchangeTest {

    /** An offer on the demo's listed product, re-inspected and listed again. */
    private OfferService.Offer offer(String title, PriceModel model, Integer quantity, boolean approval) {
        Actor provider = actor("qltt.dulieu");
        ProductService.Product product = listedProduct();
        OfferService.Offer offer = offers.create(
                provider,
                product.id(),
                new OfferService.NewOffer(
                        title,
                        model,
                        123L,
                        model == PriceModel.SUBSCRIPTION ? OfferService.Period.MONTH : null,
                        model == PriceModel.PAY_PER_USE ? OfferService.UsageUnit.QUERY : null,
                        null,
                        null,
                        quantity,
                        null,
                        approval,
                        null,
                        new OfferService.Terms(List.of("df:research", "df:statistics"), "VN", List.of(), true, true),
                        null,
                        null));
        products.inspect(actor("admin"), product.id(), true, "Điều khoản mới đã được thẩm định");
        return offer;
    }

    private void fees() {
        Actor operator = actor("admin");
        offers.setFee(
                operator, new OfferService.NewFee("other", PriceModel.ONE_TIME, null, 2_000_000L, "Biểu phí thử"));
        offers.setFee(
                operator, new OfferService.NewFee("other", PriceModel.PAY_PER_USE, "QUERY", 1_000L, "Biểu phí thử"));
    }

    /**
     * The signed document names its contract in its three places (its number, its uid and its policy's
     * uid), with no placeholder left, and its hash is the one kept with the contract.
     */
    private void assertAgreementNames(Actor reader, ContractService.Contract contract) {
        ContractService.AgreementDocument agreement = contracts.agreement(reader, contract.id());
        assertThat(agreement.intact()).isTrue();
        tools.jackson.databind.JsonNode doc = new tools.jackson.databind.ObjectMapper().readTree(agreement.document());
        String uid = "urn:datafloor:agreement:" + contract.id();
        assertThat(doc.get("agreement").asLong()).isEqualTo(contract.id());
        assertThat(doc.get("uid").asString()).isEqualTo(uid);
        assertThat(doc.get("policy").get("uid").asString()).isEqualTo(uid);
        assertThat(doc.get("price").get("net").asLong()).isEqualTo(contract.price());
        assertThat(agreement.document()).doesNotContain("pending");
    }

    @Test
    void stateDataIsSoldAtTheScheduledFeeForADeclaredPurposeThroughABalancedJournal() throws Exception {
        fees();
        OfferService.Offer offer = offer("Trọn bộ danh mục", PriceModel.ONE_TIME, null, false);
        // State data: the schedule's fee, not the 123 đồng the agency typed.
        assertThat(offer.price()).isEqualTo(2_000_000);
        assertThat(offer.vat()).isEqualTo(200_000);
        assertThat(offer.feeId()).isNotNull();
        OfferService.Shown shown = offers.shown(null, offer.id());
        assertThat(shown.termsVi())
                .contains("chỉ dùng cho nghiên cứu hoặc thống kê")
                .contains("Không được bán");
        assertThat(shown.termsEn()).contains("only for research or statistics");
        assertThat(mvc.perform(get("/api/exchange/offers/" + offer.id() + "/policy"))
                        .andReturn()
                        .getResponse()
                        .getContentType())
                .startsWith("application/ld+json");

        // The listing shows in the catalog: the price facet finds it by its most accessible offer (the demo
        // offers it free to research institutes), its page links to the product.
        String found = mvc.perform(get("/api/catalog/datasets").param("price", "free"))
                .andReturn()
                .getResponse()
                .getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(found).contains("qltt-san-pham");
        assertThat(mvc.perform(get("/api/catalog/datasets").param("price", "auction"))
                        .andReturn()
                        .getResponse()
                        .getContentAsString(java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("qltt-san-pham");
        assertThat(mvc.perform(get("/catalog/datasets/qltt-san-pham"))
                        .andReturn()
                        .getResponse()
                        .getContentAsString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("id=\"listings\"")
                .contains("/exchange/products/" + listedProduct().id());

        Actor buyer = actor("saomai.phantich");
        long buyerOrg = buyer.orgId();
        long providerOrg = listedProduct().orgId();
        topUp(buyerOrg, 5_000_000, "T-MARKET-1");
        long buyerBefore = cash(buyerOrg);
        long providerBefore = cash(providerOrg);

        // A purpose the terms do not allow is refused before anything else, with the reason, on the ledger.
        assertThatThrownBy(() -> contracts.order(
                        buyer,
                        "k-marketing",
                        new ContractService.Order(offer.id(), "df:marketing", "Quảng cáo sản phẩm mới", "VN")))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("purpose");
        assertThat(jdbc.sql("select count(*) from audit_event where event_type = ?")
                        .param(EventType.EXCHANGE_REQUEST_DENIED.name())
                        .query(Long.class)
                        .single())
                .isPositive();
        assertThat(cash(buyerOrg)).isEqualTo(buyerBefore);

        ContractService.Order order =
                new ContractService.Order(offer.id(), "df:research", "Nghiên cứu thị trường hàng tiêu dùng", "VN-HN");
        ContractService.Contract contract = contracts.order(buyer, "k-research-1", order);
        assertThat(contract.state()).isEqualTo(State.FINALIZED);
        assertThat(contract.activeAt(clock.instant())).isTrue();
        assertAgreementNames(buyer, contract);
        assertThat(cash(buyerOrg)).isEqualTo(buyerBefore - 2_200_000);
        assertThat(cash(providerOrg)).isEqualTo(providerBefore + 2_000_000 - contracts.platformFee(2_000_000));
        assertThat(trialTotal()).isZero();

        // The same order again: the same contract, no second charge.
        assertThat(contracts.order(buyer, "k-research-1", order).id()).isEqualTo(contract.id());
        assertThat(cash(buyerOrg)).isEqualTo(buyerBefore - 2_200_000);
        assertThatThrownBy(() -> contracts.order(
                        buyer,
                        "k-research-1",
                        new ContractService.Order(offer.id() + 1000, "df:research", "x".repeat(20), "VN")))
                .hasMessageContaining("Idempotency-Key");

        // The history is the protocol's path; the agreement is intact and its hash is on the ledger.
        ContractService.Detail detail = contracts.detail(buyer, contract.id());
        assertThat(detail.history())
                .extracting(ContractService.StateChange::to)
                .containsExactly(State.REQUESTED, State.AGREED, State.VERIFIED, State.FINALIZED);
        ContractService.AgreementDocument agreement = contracts.agreement(buyer, contract.id());
        assertThat(agreement.intact()).isTrue();
        assertThat(agreement.document())
                .contains("\"purpose\" : \"df:research\"")
                .contains("\"@type\" : \"Agreement\"");
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        assertThat(jdbc.sql("select count(*) from audit_event where event_type = ? and summary like ?")
                        .params(EventType.CONTRACT_AGREED.name(), "%" + agreement.hash() + "%")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(detail.invoices()).singleElement().satisfies(i -> {
            assertThat(i.total()).isEqualTo(2_200_000);
            assertThat(i.vat()).isEqualTo(200_000);
        });
        assertThat(contracts.entitlements(buyer, buyerOrg))
                .anySatisfy(e -> assertThat(e.contractId()).isEqualTo(contract.id()));

        // Another organisation sees nothing of it.
        assertThatThrownBy(() -> contracts.detail(actor("vien.phantich"), contract.id()))
                .hasMessageContaining("No contract");
        // An organisation cannot buy from itself.
        UserAccount steward = users.findByUsername("qltt.dulieu").orElseThrow();
        Actor providerAdmin = new Actor(steward.id(), "qltt", steward.orgId(), Set.of(Role.ORG_ADMIN), null, Set.of());
        assertThatThrownBy(() -> contracts.order(providerAdmin, "own", order)).hasMessageContaining("own offer");

        // The buyer ends it: the entitlement is gone at once.
        contracts.terminate(buyer, contract.id(), "Không còn nhu cầu");
        assertThat(contracts.entitlement(contract.id())).isEmpty();
    }

    @Test
    void aLimitedOfferIsNeverOversoldAndADoubledOrderNeverChargesTwice() throws Exception {
        fees();
        OfferService.Offer offer = offer("Ba bản quyền đầu tiên", PriceModel.ONE_TIME, 3, false);
        Actor buyer = actor("vien.phantich");
        long buyerOrg = buyer.orgId();
        topUp(buyerOrg, 50_000_000, "T-MARKET-2");
        long before = cash(buyerOrg);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<String>> orders = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String key = "race-" + i;
            orders.add(() -> {
                try {
                    return "ok "
                            + contracts
                                    .order(
                                            buyer,
                                            key,
                                            new ContractService.Order(
                                                    offer.id(), "df:statistics", "Thống kê giá cả thị trường", "VN"))
                                    .id();
                } catch (ProblemException e) {
                    return "refused " + e.getMessage();
                }
            });
        }
        for (int i = 0; i < 6; i++) {
            orders.add(() -> {
                try {
                    return "same "
                            + contracts
                                    .order(
                                            buyer,
                                            "race-same",
                                            new ContractService.Order(
                                                    offer.id(), "df:statistics", "Thống kê giá cả thị trường", "VN"))
                                    .id();
                } catch (ProblemException e) {
                    return "same refused " + e.getMessage();
                }
            });
        }
        List<String> results = new ArrayList<>();
        for (Future<String> f : pool.invokeAll(orders)) {
            results.add(f.get());
        }
        pool.shutdown();
        long contractsMade = jdbc.sql(
                        "select count(*) from exchange_contract where offer_id = ? and state = 'FINALIZED'")
                .param(offer.id())
                .query(Long.class)
                .single();
        assertThat(contractsMade).isEqualTo(3);
        assertThat(offers.offer(offer.id()).orElseThrow().sold()).isEqualTo(3);
        assertThat(results)
                .filteredOn(r -> r.contains("refused"))
                .allSatisfy(r -> assertThat(r).contains("sold out"));
        // One key, one outcome: every copy of the doubled order got the same contract (or, had it come too late,
        // the same refusal).
        assertThat(results.stream().filter(r -> r.startsWith("same")).distinct())
                .hasSize(1);
        assertThat(cash(buyerOrg)).isEqualTo(before - 3 * 2_200_000L);
        assertThat(trialTotal()).isZero();
        // Invoices of the seller are numbered 1..n without a gap.
        List<Long> numbers = jdbc.sql("select number from exchange_invoice where seller_org = ? order by number")
                .param(listedProduct().orgId())
                .query(Long.class)
                .list();
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(i + 1L);
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    vn.datafloor.server.identity.OrganisationService organisations;

    /** A buyer organisation of its own with this much money, so no other test's orders mix into its figures. */
    private Actor newBuyer(String name, String username, long money) {
        long org = organisations
                .bootstrap(name, vn.datafloor.server.identity.OrganisationKind.ENTERPRISE)
                .id();
        users.bootstrapStaff(org, username, name, null, java.util.EnumSet.of(Role.ANALYST), "Mua-theo-lo-2026");
        topUp(org, money, "T-" + username);
        return actor(username);
    }

    private static java.util.Map.Entry<Actor, java.util.Map.Entry<String, ContractService.Order>> order(
            Actor buyer, String key, OfferService.Offer offer) {
        return java.util.Map.entry(
                buyer,
                java.util.Map.entry(
                        key,
                        new ContractService.Order(offer.id(), "df:statistics", "Thống kê giá cả thị trường", "VN")));
    }

    /**
     * The writer places the orders that arrive together in one batch, deciding first which may proceed. Each
     * must come out as it would alone: the unit of an order refused for money goes to the next buyer, not to
     * "sold out"; an order sent twice, or sent again later, makes one contract; and what was made has its
     * history, its document, its money, a gapless invoice and its ledger entries.
     */
    @Test
    void ordersPlacedInOneBatchComeOutAsIfEachCameAlone() {
        fees();
        OfferService.Offer offer = offer("Ba bản bán theo lô", PriceModel.ONE_TIME, 3, false);
        Actor rich = newBuyer("Công ty Mua Theo Lô Giàu", "lo.giau", 50_000_000);
        Actor poor = newBuyer("Công ty Mua Theo Lô Nghèo", "lo.ngheo", 1_000_000);
        long earlier = contracts
                .order(
                        rich,
                        "lo-truoc",
                        new ContractService.Order(offer.id(), "df:statistics", "Thống kê giá cả thị trường", "VN"))
                .id();
        long richBefore = cash(rich.orgId());

        List<vn.datafloor.server.platform.BatchCommit.Outcome<Long>> outcomes = contracts.placeTogether(List.of(
                order(poor, "p1", offer),
                order(rich, "r1", offer),
                order(rich, "r1", offer),
                order(rich, "r2", offer),
                order(rich, "lo-truoc", offer),
                order(rich, "r3", offer)));

        assertThat(outcomes.get(0).failure()).isInstanceOf(MoneyJournal.InsufficientFundsException.class);
        assertThat(outcomes.get(1).result()).isNotNull();
        assertThat(outcomes.get(2).failure()).isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
        assertThat(outcomes.get(3).result()).isNotNull();
        assertThat(outcomes.get(4).failure()).isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
        assertThat(outcomes.get(5).failure())
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.messageKey()).isEqualTo("contract.soldOut"));
        assertThat(offers.offer(offer.id()).orElseThrow().sold()).isEqualTo(3);
        assertThat(jdbc.sql("select id from exchange_contract where offer_id = ? order by id")
                        .param(offer.id())
                        .query(Long.class)
                        .list())
                .containsExactly(
                        earlier, outcomes.get(1).result(), outcomes.get(3).result());
        assertThat(cash(rich.orgId())).isEqualTo(richBefore - 2 * 2_200_000L);
        assertThat(cash(poor.orgId())).isEqualTo(1_000_000L);
        assertThat(trialTotal()).isZero();
        assertThat(journal.trialBalance().drifted()).isEmpty();
        for (int made : List.of(1, 3)) {
            ContractService.Contract contract =
                    contracts.contract(outcomes.get(made).result()).orElseThrow();
            assertThat(contract.state()).isEqualTo(State.FINALIZED);
            assertAgreementNames(rich, contract);
            assertThat(jdbc.sql("select to_state from exchange_contract_event where contract_id = ? order by id")
                            .param(contract.id())
                            .query(String.class)
                            .list())
                    .containsExactly("REQUESTED", "AGREED", "VERIFIED", "FINALIZED");
            assertThat(jdbc.sql("select count(*) from exchange_invoice where contract_id = ? and total = 2200000")
                            .param(contract.id())
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
        List<Long> numbers = jdbc.sql("select number from exchange_invoice where seller_org = ? order by number")
                .param(listedProduct().orgId())
                .query(Long.class)
                .list();
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(numbers.get(i)).isEqualTo(i + 1L);
        }
        awaitLedger();
        for (int made : List.of(1, 3)) {
            long id = outcomes.get(made).result();
            assertThat(jdbc.sql(
                                    "select count(*) from audit_event where event_type = 'CONTRACT_AGREED' and summary like ?")
                            .param("agreement " + id + " %")
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
        // The earlier order's and the batch's two: the refused ones moved no money.
        assertThat(jdbc.sql("select count(*) from audit_event where event_type = 'MONEY_POSTED' and org_id = ? "
                                + "and summary like ?")
                        .params(rich.orgId(), "PURCHASE %: 2200000 đồng")
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
        assertThat(jdbc.sql("select count(*) from audit_event where event_type = 'MONEY_POSTED' and org_id = ? "
                                + "and summary like 'PURCHASE %'")
                        .param(poor.orgId())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void theProviderApprovesOrRefusesWhileTheBuyersMoneyIsHeld() {
        fees();
        OfferService.Offer offer = offer("Theo thẩm duyệt", PriceModel.ONE_TIME, null, true);
        Actor buyer = actor("saomai.admin");
        Actor provider = actor("qltt.dulieu");
        long buyerOrg = buyer.orgId();
        topUp(buyerOrg, 5_000_000, "T-MARKET-3");
        long before = cash(buyerOrg);
        long heldBefore = held(buyerOrg);
        ContractService.Order order =
                new ContractService.Order(offer.id(), "df:research", "Nghiên cứu chuỗi cung ứng", "VN");
        ContractService.Contract refused = contracts.order(buyer, "approval-1", order);
        assertThat(refused.state()).isEqualTo(State.REQUESTED);
        assertThat(held(buyerOrg)).isEqualTo(heldBefore + 2_200_000);
        assertThat(contracts.waitingFor(provider, refused.providerOrg()))
                .extracting(ContractService.Contract::id)
                .contains(refused.id());
        contracts.decide(provider, refused.id(), false, "Mục đích chưa rõ ràng");
        assertThat(contracts.contract(refused.id()).orElseThrow().state()).isEqualTo(State.TERMINATED);
        assertThat(cash(buyerOrg)).isEqualTo(before);
        assertThat(held(buyerOrg)).isEqualTo(heldBefore);
        // Out of order: a terminated contract cannot be approved.
        assertThatThrownBy(() -> contracts.decide(provider, refused.id(), true, "đổi ý"))
                .hasMessageContaining("requested");

        ContractService.Contract approved = contracts.order(buyer, "approval-2", order);
        contracts.decide(provider, approved.id(), true, "Đồng ý");
        assertThat(contracts.contract(approved.id()).orElseThrow().state()).isEqualTo(State.FINALIZED);
        assertAgreementNames(buyer, contracts.contract(approved.id()).orElseThrow());
        assertThat(cash(buyerOrg)).isEqualTo(before - 2_200_000);
        assertThat(held(buyerOrg)).isEqualTo(heldBefore);
        assertThat(trialTotal()).isZero();
    }

    @Test
    void usageIsChargedOncePerMonthAfterItEnds() {
        fees();
        OfferService.Offer offer = offer("Theo lượt truy vấn", PriceModel.PAY_PER_USE, null, false);
        Actor buyer = actor("vien.phantich");
        topUp(buyer.orgId(), 1_000_000, "T-MARKET-4");
        ContractService.Contract contract = contracts.order(
                buyer, "usage-1", new ContractService.Order(offer.id(), "df:statistics", "Thống kê theo tháng", "VN"));
        assertThat(contract.price()).isZero();
        contracts.recordUsage(Actor.SYSTEM, contract.id(), 7, "sql");
        contracts.recordUsage(Actor.SYSTEM, contract.id(), 5, "rest");
        assertThat(contracts.usageThisMonth(buyer, contract.id()).net()).isEqualTo(12_000);
        long before = cash(buyer.orgId());
        // Nothing is charged while the month runs.
        contracts.chargeUsage();
        assertThat(cash(buyer.orgId())).isEqualTo(before);
        clock.advance(Duration.ofDays(32));
        assertThat(contracts.chargeUsage()).isPositive();
        assertThat(cash(buyer.orgId())).isEqualTo(before - 13_200);
        contracts.chargeUsage();
        assertThat(cash(buyer.orgId())).isEqualTo(before - 13_200);
        assertThat(trialTotal()).isZero();
    }

    @Test
    void badOffersAreRefusedWithTheirReason() {
        ProductService.Product product = listedProduct();
        Actor provider = actor("qltt.dulieu");
        assertThatThrownBy(() -> offers.create(
                        provider,
                        product.id(),
                        new OfferService.NewOffer(
                                "Giá hoang đường",
                                PriceModel.AUCTION,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null)))
                .hasMessageContaining("input cost");
        String unknownTerms = """
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Offer", "uid": "urn:x",
                 "permission": [{"action": "use", "constraint": [
                   {"leftOperand": "http://example.com/moonPhase", "operator": "eq", "rightOperand": "full"}]}]}""";
        assertThatThrownBy(() -> offers.create(
                        provider,
                        product.id(),
                        new OfferService.NewOffer(
                                "Điều khoản lạ",
                                PriceModel.FREE,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                unknownTerms,
                                null)))
                .hasMessageContaining("moonPhase");
        assertThatThrownBy(() -> offers.setFee(
                        actor("admin"), new OfferService.NewFee("other", PriceModel.ONE_TIME, null, -5L, "x y z")))
                .hasMessageContaining("price");
        assertThatThrownBy(() -> offers.setFee(
                        actor("qltt.dulieu"), new OfferService.NewFee("other", PriceModel.ONE_TIME, null, 5L, "x y z")))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void tieredUsageRisesByVolumeAndStopsAtTheCap() {
        OfferService.Offer offer = new OfferService.Offer(
                1,
                1,
                "t",
                PriceModel.PAY_PER_USE,
                100,
                null,
                OfferService.UsageUnit.THOUSAND_ROWS,
                50_000L,
                List.of(new OfferService.Tier(100L, 100), new OfferService.Tier(null, 40)),
                10,
                null,
                0,
                30,
                false,
                List.of(),
                "{}",
                null,
                null,
                true,
                clock.instant());
        assertThat(ContractService.billable(OfferService.UsageUnit.THOUSAND_ROWS, 1))
                .isEqualTo(1);
        assertThat(ContractService.billable(OfferService.UsageUnit.THOUSAND_ROWS, 2001))
                .isEqualTo(3);
        assertThat(ContractService.usagePrice(offer, 50)).isEqualTo(5_000);
        assertThat(ContractService.usagePrice(offer, 150)).isEqualTo(100 * 100 + 50 * 40);
        assertThat(ContractService.usagePrice(offer, 10_000)).isEqualTo(50_000);
    }

    @Test
    void onlyTheProtocolsTransitionsExist() {
        assertThat(State.REQUESTED.next()).containsExactlyInAnyOrder(State.OFFERED, State.AGREED, State.TERMINATED);
        assertThat(State.OFFERED.next()).containsExactlyInAnyOrder(State.REQUESTED, State.ACCEPTED, State.TERMINATED);
        assertThat(State.ACCEPTED.next()).containsExactlyInAnyOrder(State.AGREED, State.TERMINATED);
        assertThat(State.AGREED.next()).containsExactlyInAnyOrder(State.VERIFIED, State.TERMINATED);
        assertThat(State.VERIFIED.next()).containsExactlyInAnyOrder(State.FINALIZED, State.TERMINATED);
        assertThat(State.FINALIZED.next()).isEmpty();
        assertThat(State.TERMINATED.next()).isEmpty();
    }
}
