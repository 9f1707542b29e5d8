package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.exchange.DisputeService.Decision;
import vn.datafloor.server.exchange.DisputeService.Outcome;
import vn.datafloor.server.exchange.DisputeService.State;
import vn.datafloor.server.exchange.DisputeService.Submission;
import vn.datafloor.server.exchange.DisputeService.Upload;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.platform.ProblemException;

/**
 * Disputes end to end: a claim with evidence, the other party's answer, the operator's decision;
 * refunds move exactly the amount decided from the provider to the buyer with a credit note, once,
 * or not at all; termination ends the entitlement; nobody else sees any of it.
 */
class DisputeTest extends ExchangeTest {

    private static final AtomicInteger BANK_REFS = new AtomicInteger();

    private static final String CLAIM = "Dữ liệu giao không đúng phạm vi đã thỏa thuận trong hợp đồng";
    private static final String ANSWER = "Dữ liệu được giao đúng theo điều khoản, kèm nhật ký truy cập";
    private static final String REASON = "Bên cung cấp giao thiếu một phần dữ liệu theo hợp đồng";

    @Autowired
    DisputeService disputes;

    @Autowired
    JsonMapper json;

    private void topUp(long orgId, long amount) {
        statements.credit(
                journal.account(orgId, MoneyJournal.AccountKind.CASH),
                amount,
                "T-DISPUTE-" + BANK_REFS.incrementAndGet() + "-" + System.nanoTime(),
                null);
    }

    /** A one-time purchase of 2,000,000 đồng + 10% VAT on the demo's listed product, paid by the buyer. */
    private ContractService.Contract bought(String buyerName) {
        Actor operator = actor("admin");
        offers.setFee(
                operator, new OfferService.NewFee("other", PriceModel.ONE_TIME, null, 2_000_000L, "Biểu phí thử"));
        ProductService.Product product = listedProduct();
        OfferService.Offer offer = offers.create(
                actor("qltt.dulieu"),
                product.id(),
                new OfferService.NewOffer(
                        "Tranh chấp " + BANK_REFS.incrementAndGet(),
                        PriceModel.ONE_TIME,
                        123L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        new OfferService.Terms(List.of("df:research", "df:statistics"), "VN", List.of(), true, true),
                        null,
                        null));
        products.inspect(operator, product.id(), true, "Điều khoản mới đã được thẩm định");
        Actor buyer = actor(buyerName);
        topUp(buyer.orgId(), 3_000_000);
        ContractService.Contract contract = contracts.order(
                buyer,
                "dispute-" + offer.id(),
                new ContractService.Order(offer.id(), "df:research", "Nghiên cứu thị trường hàng tiêu dùng", "VN"));
        assertThat(contract.state()).isEqualTo(ContractService.State.FINALIZED);
        return contract;
    }

    private static Submission claim(long amount) {
        return new Submission(CLAIM, amount, List.of(), List.of(), List.of());
    }

    private long events(EventType type, long disputeId) {
        awaitLedger();
        return jdbc.sql("select count(*) from audit_event where event_type = ? and summary like ?")
                .params(type.name(), "dispute " + disputeId + " %")
                .query(Long.class)
                .single();
    }

    @Test
    void aPartialRefundMovesExactlyThatMoneyOnceWithACreditNote() {
        ContractService.Contract contract = bought("saomai.phantich");
        Actor buyer = actor("saomai.phantich");
        Actor provider = actor("qltt.dulieu");
        Actor operator = actor("admin");
        assertThat(disputes.paid(contract)).isEqualTo(2_200_000);

        DisputeService.Dispute opened = disputes.open(
                buyer, contract.id(), new Submission(CLAIM, 1_000_000L, List.of(0L), List.of(), List.of()));
        assertThat(opened.state()).isEqualTo(State.OPEN);
        assertThat(opened.claimantOrg()).isEqualTo(contract.buyerOrg());
        assertThat(opened.respondentOrg()).isEqualTo(contract.providerOrg());
        assertThat(opened.responseDue()).isEqualTo(opened.openedAt().plus(Duration.ofDays(7)));
        assertThat(opened.decisionDue()).isEqualTo(opened.openedAt().plus(Duration.ofDays(30)));
        assertThat(events(EventType.DISPUTE_OPENED, opened.id())).isEqualTo(1);

        // The operator cannot decide before the provider answered or its time ran out.
        assertThatThrownBy(() ->
                        disputes.decide(operator, opened.id(), new Decision(Outcome.PARTIAL_REFUND, 550_000L, REASON)))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("may answer until");
        // The buyer is not the one who answers.
        assertThatThrownBy(() -> disputes.respond(
                        buyer, opened.id(), new Submission(ANSWER, null, List.of(), List.of(), List.of())))
                .hasMessageContaining("other party");

        DisputeService.Dispute answered = disputes.respond(
                provider, opened.id(), new Submission(ANSWER, null, List.of(0L), List.of(), List.of()));
        assertThat(answered.state()).isEqualTo(State.RESPONDED);
        assertThat(answered.response()).isEqualTo(ANSWER);
        assertThat(events(EventType.DISPUTE_RESPONDED, opened.id())).isEqualTo(1);

        disputes.message(operator, opened.id(), "Hai bên vui lòng bổ sung nhật ký giao nhận");
        assertThat(disputes.detail(buyer, opened.id()).messages())
                .singleElement()
                .satisfies(m -> assertThat(m.body()).contains("nhật ký"));
        assertThat(disputes.detail(provider, opened.id()).evidence()).hasSize(2);

        long buyerBefore = cash(contract.buyerOrg());
        long providerBefore = cash(contract.providerOrg());
        DisputeService.Dispute decided =
                disputes.decide(operator, opened.id(), new Decision(Outcome.PARTIAL_REFUND, 550_000L, REASON));
        assertThat(decided.state()).isEqualTo(State.DECIDED);
        assertThat(decided.outcome()).isEqualTo(Outcome.PARTIAL_REFUND);
        assertThat(decided.refund()).isEqualTo(550_000);
        assertThat(cash(contract.buyerOrg())).isEqualTo(buyerBefore + 550_000);
        assertThat(cash(contract.providerOrg())).isEqualTo(providerBefore - 550_000);
        assertThat(journal.trialBalance().total()).isZero();
        assertThat(journal.byId(decided.refundTransactionId()).orElseThrow().kind())
                .isEqualTo(MoneyJournal.TransactionKind.REFUND);
        InvoiceBook.Invoice note = invoices.ofContract(contract.id()).stream()
                .filter(i -> i.kind() == InvoiceBook.Kind.CREDIT_NOTE)
                .findFirst()
                .orElseThrow();
        assertThat(note.id()).isEqualTo(decided.creditNoteId());
        assertThat(note.net()).isEqualTo(-500_000);
        assertThat(note.vat()).isEqualTo(-50_000);
        assertThat(note.total()).isEqualTo(-550_000);
        assertThat(note.vatPercent()).isEqualTo(10);
        assertThat(note.sellerOrg()).isEqualTo(contract.providerOrg());
        assertThat(events(EventType.DISPUTE_DECIDED, opened.id())).isEqualTo(1);
        // The buyer paid back what was refunded: a later claim may ask for the rest only.
        assertThat(disputes.paid(contract)).isEqualTo(2_200_000 - 550_000);

        // A double submit refunds once; another decision is refused.
        assertThat(disputes.decide(operator, opened.id(), new Decision(Outcome.PARTIAL_REFUND, 550_000L, REASON))
                        .id())
                .isEqualTo(opened.id());
        assertThatThrownBy(
                        () -> disputes.decide(operator, opened.id(), new Decision(Outcome.FULL_REFUND, null, REASON)))
                .hasMessageContaining("decided already");
        assertThat(cash(contract.buyerOrg())).isEqualTo(buyerBefore + 550_000);
        assertThat(invoices.ofContract(contract.id()))
                .filteredOn(i -> i.kind() == InvoiceBook.Kind.CREDIT_NOTE)
                .hasSize(1);
        assertThat(events(EventType.DISPUTE_DECIDED, opened.id())).isEqualTo(1);

        // A third organisation sees nothing of it.
        Actor stranger = actor("vien.phantich");
        assertThatThrownBy(() -> disputes.detail(stranger, opened.id())).hasMessageContaining("No dispute");
        assertThat(disputes.list(stranger))
                .extracting(DisputeService.Dispute::id)
                .doesNotContain(opened.id());
        assertThat(disputes.list(buyer)).extracting(DisputeService.Dispute::id).contains(opened.id());
        assertThat(disputes.list(actor("kiemtoan")))
                .extracting(DisputeService.Dispute::id)
                .contains(opened.id());
    }

    @Test
    void aFullRefundWaitsForTheProvidersMoneyAndChangesNothingMeanwhile() {
        ContractService.Contract contract = bought("saomai.admin");
        Actor operator = actor("admin");
        DisputeService.Dispute opened = disputes.open(actor("saomai.admin"), contract.id(), claim(2_200_000));
        // Nobody answered within the 7 days: the dispute is overdue and the operator may decide.
        clock.advance(Duration.ofDays(8));
        DisputeService.Dispute late = disputes.dispute(opened.id()).orElseThrow();
        assertThat(late.responseOverdue()).isTrue();
        assertThat(disputes.list(operator).get(0).overdue()).isTrue();
        assertThatThrownBy(() -> disputes.respond(
                        actor("qltt.dulieu"),
                        opened.id(),
                        new Submission(ANSWER, null, List.of(), List.of(), List.of())))
                .hasMessageContaining("deadline passed");

        // The provider paid its money out: the refund is refused whole, nothing half-done.
        long provider = journal.account(contract.providerOrg(), MoneyJournal.AccountKind.CASH)
                .id();
        long payout = journal.balance(provider);
        if (payout > 0) {
            journal.post(
                    MoneyJournal.TransactionKind.PAYOUT,
                    "test:payout:" + opened.id(),
                    List.of(
                            new MoneyJournal.Posting(provider, -payout),
                            new MoneyJournal.Posting(
                                    journal.platformAccount(MoneyJournal.AccountKind.PLATFORM_BANK)
                                            .id(),
                                    payout)),
                    "Payout before the refund",
                    null,
                    contract.providerOrg());
        }
        long buyerBefore = cash(contract.buyerOrg());
        int notesBefore = invoices.ofContract(contract.id()).size();
        assertThatThrownBy(
                        () -> disputes.decide(operator, opened.id(), new Decision(Outcome.FULL_REFUND, null, REASON)))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("not enough money");
        assertThat(disputes.dispute(opened.id()).orElseThrow().state()).isEqualTo(State.OPEN);
        assertThat(cash(contract.buyerOrg())).isEqualTo(buyerBefore);
        assertThat(invoices.ofContract(contract.id())).hasSize(notesBefore);
        assertThat(journal.byKey("dispute:" + opened.id() + ":refund")).isEmpty();

        topUp(contract.providerOrg(), 2_500_000);
        DisputeService.Dispute decided =
                disputes.decide(operator, opened.id(), new Decision(Outcome.FULL_REFUND, null, REASON));
        assertThat(decided.refund()).isEqualTo(2_200_000);
        assertThat(cash(contract.buyerOrg())).isEqualTo(buyerBefore + 2_200_000);
        assertThat(cash(contract.providerOrg())).isEqualTo(300_000);
        assertThat(disputes.paid(contract)).isZero();
        assertThat(journal.trialBalance().total()).isZero();
        // The contract is free for a new dispute now, on what is left (nothing).
        assertThatThrownBy(() -> disputes.open(actor("saomai.admin"), contract.id(), claim(1)))
                .hasMessageContaining("between 0 and");
    }

    @Test
    void terminatingEndsTheEntitlementAndTheProviderMayOpenToo() {
        ContractService.Contract contract = bought("vien.phantich");
        assertThat(contracts.entitlement(contract.id())).isPresent();
        // The provider opens this one; the buyer answers.
        DisputeService.Dispute opened = disputes.open(actor("qltt.dulieu"), contract.id(), claim(0));
        assertThat(opened.claimantOrg()).isEqualTo(contract.providerOrg());
        disputes.respond(
                actor("vien.phantich"), opened.id(), new Submission(ANSWER, null, List.of(), List.of(), List.of()));
        topUp(contract.providerOrg(), 1_000_000);
        long buyerBefore = cash(contract.buyerOrg());
        DisputeService.Dispute decided =
                disputes.decide(actor("admin"), opened.id(), new Decision(Outcome.TERMINATE, 100_000L, REASON));
        assertThat(decided.outcome()).isEqualTo(Outcome.TERMINATE);
        assertThat(contracts.entitlement(contract.id())).isEmpty();
        assertThat(contracts.contract(contract.id()).orElseThrow().terminationReason())
                .contains("dispute " + opened.id());
        assertThat(cash(contract.buyerOrg())).isEqualTo(buyerBefore + 100_000);
        assertThat(journal.trialBalance().total()).isZero();
    }

    @Test
    void badInputsAreRefusedWithClearReasons() throws Exception {
        ContractService.Contract contract = bought("saomai.phantich");
        Actor buyer = actor("saomai.phantich");
        assertThatThrownBy(() -> disputes.open(
                        buyer, contract.id(), new Submission("quá ngắn", 0L, List.of(), List.of(), List.of())))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("20-5000");
        assertThatThrownBy(() -> disputes.open(buyer, contract.id(), claim(2_200_001)))
                .hasMessageContaining("2200000");
        assertThatThrownBy(() -> disputes.open(buyer, contract.id(), claim(-1))).hasMessageContaining("between 0");
        assertThatThrownBy(() -> disputes.open(
                        buyer, contract.id(), new Submission(CLAIM, 0L, List.of(Long.MAX_VALUE), List.of(), List.of())))
                .hasMessageContaining("No ledger entry");
        assertThatThrownBy(() -> disputes.open(
                        buyer, contract.id(), new Submission(CLAIM, 0L, List.of(), List.of(-5L), List.of())))
                .hasMessageContaining("No usage record");
        byte[] big = new byte[(int) DisputeService.MAX_FILE_BYTES + 1];
        assertThatThrownBy(() -> disputes.open(
                        buyer,
                        contract.id(),
                        new Submission(CLAIM, 0L, List.of(), List.of(), List.of(new Upload("big.bin", null, big)))))
                .hasMessageContaining("5 MB");
        // A third organisation cannot open one on somebody else's contract.
        assertThatThrownBy(() -> disputes.open(actor("vien.phantich"), contract.id(), claim(0)))
                .hasMessageContaining("No contract");

        DisputeService.Dispute opened = disputes.open(buyer, contract.id(), claim(100));
        assertThatThrownBy(() -> disputes.open(actor("saomai.admin"), contract.id(), claim(100)))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("already has an open dispute");
        assertThatThrownBy(() -> disputes.decide(buyer, opened.id(), new Decision(Outcome.FULL_REFUND, null, REASON)))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> disputes.decide(
                        actor("admin"), opened.id(), new Decision(Outcome.PARTIAL_REFUND, 3_000_000L, REASON)))
                .hasMessageContaining("at most what the buyer paid");

        // Over HTTP: clear problems, 403 for a decision by a party, 404 for a stranger.
        MockHttpSession party = login("saomai.admin");
        MockHttpServletResponse refused = mvc.perform(post("/api/exchange/disputes/" + opened.id() + "/decision")
                        .session(party)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"outcome\":\"FULL_REFUND\",\"reason\":\"" + REASON + "\"}"))
                .andReturn()
                .getResponse();
        assertThat(refused.getStatus()).isEqualTo(403);
        MockHttpServletResponse second = mvc.perform(post("/api/exchange/contracts/" + contract.id() + "/disputes")
                        .session(party)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"text\":\"" + CLAIM + "\",\"amountClaimed\":5}"))
                .andReturn()
                .getResponse();
        assertThat(second.getStatus()).isEqualTo(409);
        assertThat(second.getContentAsString(StandardCharsets.UTF_8)).contains("dispute-alreadyOpen");
        assertThat(mvc.perform(get("/api/exchange/disputes/" + opened.id()).session(login("vien.phantich")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
    }

    @Test
    void anUploadedFileIsStoredWithItsHashAndServedOnlyToTheParties() throws Exception {
        ContractService.Contract contract = bought("saomai.admin");
        MockHttpSession buyer = login("saomai.admin");
        byte[] bytes = "biên bản giao nhận dữ liệu".getBytes(StandardCharsets.UTF_8);
        MockHttpServletResponse created = mvc.perform(
                        multipart("/api/exchange/contracts/" + contract.id() + "/disputes")
                                .file(new MockMultipartFile("files", "../../../etc/bien-ban.txt", "text/plain", bytes))
                                .param("text", CLAIM)
                                .param("amountClaimed", "200000")
                                .param("ledgerEntries", "0")
                                .session(buyer)
                                .with(csrf()))
                .andReturn()
                .getResponse();
        assertThat(created.getStatus()).as(created.getContentAsString()).isEqualTo(201);
        long id = json.readTree(created.getContentAsString()).get("id").asLong();
        DisputeService.Detail detail = disputes.detail(actor("saomai.admin"), id);
        DisputeService.EvidenceFile file = detail.files().get(0);
        // The client's path is not trusted: the name is shown without it, the bytes are stored under the file's id.
        assertThat(file.fileName()).isEqualTo("bien-ban.txt");
        assertThat(file.sha256()).isEqualTo(DisputeService.sha256(bytes));
        Path stored = DATA_DIR.resolve("disputes").resolve(Long.toString(id)).resolve(Long.toString(file.id()));
        assertThat(Files.readAllBytes(stored)).isEqualTo(bytes);
        assertThat(jdbc.sql("select sha256 from exchange_dispute_file where id = ?")
                        .param(file.id())
                        .query(String.class)
                        .single())
                .isEqualTo(DisputeService.sha256(bytes));

        String url = "/api/exchange/disputes/" + id + "/files/" + file.id();
        for (String allowed : List.of("saomai.admin", "qltt.dulieu", "admin", "kiemtoan")) {
            MockHttpServletResponse served =
                    mvc.perform(get(url).session(login(allowed))).andReturn().getResponse();
            assertThat(served.getStatus()).as(allowed).isEqualTo(200);
            assertThat(served.getContentAsByteArray()).isEqualTo(bytes);
            assertThat(served.getHeader("Content-Disposition")).startsWith("attachment");
        }
        assertThat(mvc.perform(get(url).session(login("vien.phantich")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);

        // The pages: the list and the dispute for the buyer, the queue and decision form for the operator.
        String page = mvc.perform(get("/exchange/disputes/" + id).session(buyer))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(page).contains(CLAIM).contains("bien-ban.txt").contains("200.000 ₫");
        MockHttpSession operator = login("admin");
        assertThat(mvc.perform(get("/exchange/disputes").session(operator))
                        .andReturn()
                        .getResponse()
                        .getContentAsString(StandardCharsets.UTF_8))
                .contains("dispute-" + id);
        assertThat(mvc.perform(get("/exchange/contracts/" + contract.id() + "/dispute")
                                .session(buyer))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
        // The provider answers through the page's form.
        MockHttpServletResponse answered = mvc.perform(multipart("/exchange/disputes/" + id + "/responses")
                        .param("text", ANSWER)
                        .param("ledgerEntries", "0, 1")
                        .session(login("qltt.dulieu"))
                        .with(csrf()))
                .andReturn()
                .getResponse();
        assertThat(answered.getRedirectedUrl()).isEqualTo("/exchange/disputes/" + id);
        assertThat(disputes.dispute(id).orElseThrow().state()).isEqualTo(State.RESPONDED);
        JsonNode listed =
                json.readTree(mvc.perform(get("/api/exchange/disputes").session(buyer))
                        .andReturn()
                        .getResponse()
                        .getContentAsString());
        assertThat(listed.toString()).contains("\"id\":" + id);
    }
}
