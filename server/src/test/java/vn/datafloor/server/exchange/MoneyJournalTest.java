package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.platform.ProblemException;

/**
 * The journal keeps money whole: transactions balance, keys make them happen once, organisations'
 * accounts never go below zero however many buyers spend at once, and a bank statement credits each
 * transfer once.
 */
class MoneyJournalTest extends PlatformTest {

    @Autowired
    MoneyJournal journal;

    @Autowired
    BankStatements statements;

    @Autowired
    UserService users;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Autowired
    vn.datafloor.server.identity.OrganisationService organisations;

    private long org(String username) {
        return users.findByUsername(username).orElseThrow().orgId();
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private MoneyJournal.Account topUp(long orgId, long amount, String bankRef) {
        MoneyJournal.Account cash = journal.account(orgId, MoneyJournal.AccountKind.CASH);
        statements.credit(cash, amount, bankRef, null);
        return cash;
    }

    private MoneyJournal.Transaction spend(
            MoneyJournal.Account from, MoneyJournal.Account to, long amount, String key) {
        return journal.post(
                MoneyJournal.TransactionKind.PURCHASE,
                key,
                List.of(new MoneyJournal.Posting(from.id(), -amount), new MoneyJournal.Posting(to.id(), amount)),
                "test purchase",
                null,
                from.orgId());
    }

    @Test
    void transactionsBalanceHappenOnceAndNeverOverdraw() {
        MoneyJournal.Account buyer = topUp(org("saomai.admin"), 1_000_000, "T-BALANCE-1");
        MoneyJournal.Account seller = journal.account(org("yte.admin"), MoneyJournal.AccountKind.CASH);
        long buyerBefore = journal.balance(buyer.id());
        long sellerBefore = journal.balance(seller.id());

        MoneyJournal.Transaction first = spend(buyer, seller, 400_000, "order-once");
        MoneyJournal.Transaction again = spend(buyer, seller, 400_000, "order-once");
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(journal.balance(buyer.id())).isEqualTo(buyerBefore - 400_000);
        assertThat(journal.balance(seller.id())).isEqualTo(sellerBefore + 400_000);

        assertThatThrownBy(() -> spend(buyer, seller, 500_000, "order-once"))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("different transaction");
        assertThatThrownBy(() -> spend(buyer, seller, buyerBefore, "order-too-much"))
                .isInstanceOf(MoneyJournal.InsufficientFundsException.class);
        assertThat(journal.byKey("order-too-much")).isEmpty();
        assertThatThrownBy(() -> journal.post(
                        MoneyJournal.TransactionKind.PURCHASE,
                        "unbalanced",
                        List.of(new MoneyJournal.Posting(buyer.id(), -10), new MoneyJournal.Posting(seller.id(), 9)),
                        "x",
                        null,
                        null))
                .hasMessageContaining("sum to -1");
        assertThatThrownBy(() -> journal.post(
                        MoneyJournal.TransactionKind.PURCHASE,
                        "zero",
                        List.of(new MoneyJournal.Posting(buyer.id(), 0), new MoneyJournal.Posting(seller.id(), 0)),
                        "x",
                        null,
                        null))
                .hasMessageContaining("non-zero");
        assertThat(journal.trialBalance().total()).isZero();
    }

    @Test
    void keptBalancesFollowThePostingsAndADriftIsNamed() {
        MoneyJournal.Account buyer = topUp(org("saomai.admin"), 700_000, "T-KEPT-1");
        MoneyJournal.Account seller = journal.account(org("yte.admin"), MoneyJournal.AccountKind.CASH);
        spend(buyer, seller, 300_000, "kept-1");
        assertThatThrownBy(() -> spend(buyer, seller, journal.balance(buyer.id()) + 1, "kept-2"))
                .isInstanceOf(MoneyJournal.InsufficientFundsException.class);
        // The refusal moved nothing: neither the postings nor the kept balance.
        assertThat(journal.keptBalance(buyer.id())).isEqualTo(journal.balance(buyer.id()));
        assertThat(journal.keptBalance(seller.id())).isEqualTo(journal.balance(seller.id()));
        assertThat(journal.trialBalance().drifted()).isEmpty();

        // Money spent behind the journal's back: balanced postings, but no kept balance moved.
        long platform =
                journal.platformAccount(MoneyJournal.AccountKind.PLATFORM_FEES).id();
        jdbc.sql("insert into money_transaction(kind, idempotency_key, fingerprint, description, created_at) "
                        + "values ('PURCHASE', 'behind-the-back', 'x', 'x', current_timestamp)")
                .update();
        long tx = jdbc.sql("select id from money_transaction where idempotency_key = 'behind-the-back'")
                .query(Long.class)
                .single();
        jdbc.sql("insert into money_posting(transaction_id, account_id, amount) values (?,?,?), (?,?,?)")
                .params(tx, buyer.id(), -1_000, tx, platform, 1_000)
                .update();
        try {
            assertThat(journal.trialBalance().total()).isZero();
            assertThat(journal.trialBalance().drifted()).containsExactly(buyer.id());
        } finally {
            // The other tests share this database.
            jdbc.sql("delete from money_posting where transaction_id = ?")
                    .param(tx)
                    .update();
            jdbc.sql("delete from money_transaction where id = ?").param(tx).update();
        }
        assertThat(journal.trialBalance().drifted()).isEmpty();
    }

    @Test
    void manyBuyersAtOnceSpendExactlyWhatIsThere() throws Exception {
        // A fresh buyer: the demo's organisations already hold money.
        long freshOrg = organisations
                .bootstrap("Người mua đồng thời", vn.datafloor.server.identity.OrganisationKind.ENTERPRISE)
                .id();
        MoneyJournal.Account buyer = topUp(freshOrg, 10 * 7_000, "T-CONCURRENT-1");
        MoneyJournal.Account seller = journal.account(org("saomai.admin"), MoneyJournal.AccountKind.CASH);
        long available = journal.balance(buyer.id());
        long sellerBefore = journal.balance(seller.id());
        int attempts = 48;
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                String key = "concurrent-" + i;
                // Every second request is a double submit of the one before it.
                String sentKey = i % 2 == 1 ? "concurrent-" + (i - 1) : key;
                results.add(pool.submit((Callable<Boolean>) () -> {
                    try {
                        spend(buyer, seller, 7_000, sentKey);
                        return true;
                    } catch (MoneyJournal.InsufficientFundsException e) {
                        refused.incrementAndGet();
                        return false;
                    }
                }));
            }
            for (Future<Boolean> result : results) {
                result.get();
            }
        } finally {
            pool.shutdown();
        }
        long spent = available - journal.balance(buyer.id());
        assertThat(journal.balance(buyer.id())).isZero();
        assertThat(spent).isEqualTo(70_000);
        assertThat(refused.get()).isPositive();
        assertThat(spent % 7_000).isZero();
        assertThat(journal.balance(seller.id()) - sellerBefore).isEqualTo(spent);
        long distinctMade = java.util.stream.IntStream.range(0, attempts)
                .filter(i -> i % 2 == 0)
                .filter(i -> journal.byKey("concurrent-" + i).isPresent())
                .count();
        assertThat(distinctMade * 7_000).as("each key moved money once").isEqualTo(spent);
        assertThat(journal.trialBalance().total()).isZero();
    }

    @Test
    void aStatementCreditsEachTransferOnceAndSaysWhatItDidWithEveryLine() {
        long orgId = org("saomai.admin");
        MoneyJournal.Account cash = journal.account(orgId, MoneyJournal.AccountKind.CASH);
        long before = journal.balance(cash.id());
        String csv = "date;amount;description;bank_ref\n"
                + "2026-12-01;2.500.000;NAP TIEN " + cash.reference().toLowerCase(java.util.Locale.ROOT)
                + " cong ty;FT001\n"
                + "2026-12-01;1.000.000;\"chuyen tien; khong ma\";FT002\n"
                + "2026-12-02;300000;NAP DFZZZZZZZZ;FT003\n"
                + "2026-12-02;-50000;phi ngan hang " + cash.reference() + ";FT004\n"
                + "2026-12-03;2.500.000;NAP TIEN " + cash.reference() + " cong ty;FT001\n";
        Actor operator = actor("admin");
        BankStatements.Reconciliation first =
                statements.reconcile(operator, new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        assertThat(first.lines())
                .extracting(BankStatements.LineResult::outcome)
                .containsExactly(
                        BankStatements.LineOutcome.CREDITED,
                        BankStatements.LineOutcome.NO_REFERENCE,
                        BankStatements.LineOutcome.UNKNOWN_REFERENCE,
                        BankStatements.LineOutcome.NOT_A_CREDIT,
                        BankStatements.LineOutcome.ALREADY_CREDITED);
        assertThat(first.credited()).isEqualTo(2_500_000);
        assertThat(journal.balance(cash.id())).isEqualTo(before + 2_500_000);

        BankStatements.Reconciliation again =
                statements.reconcile(operator, new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        assertThat(again.credited()).isZero();
        assertThat(journal.balance(cash.id())).isEqualTo(before + 2_500_000);

        assertThatThrownBy(() -> statements.reconcile(
                        operator,
                        new ByteArrayInputStream("date,amount,description\n".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("bank_ref");
        assertThatThrownBy(() -> statements.reconcile(
                        operator, new ByteArrayInputStream(new byte[] {'d', 'a', (byte) 0xC3, (byte) 0x28, '\n'})))
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> statements.reconcile(
                        operator,
                        new ByteArrayInputStream("date,amount,description,bank_ref\n2026-12-01,12abc,x,FT9\n"
                                .getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> statements.reconcile(
                        actor("yte.admin"), new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(vn.datafloor.server.authz.NotPermittedException.class);
        assertThat(journal.trialBalance().total()).isZero();
    }

    @Test
    void theOperatorSeesABalancedJournalAndAnAdministratorItsOwnMoney() throws Exception {
        MockHttpSession operator = login("admin");
        MockHttpSession orgAdmin = login("yte.admin");
        MockHttpSession analyst = login("saomai.phantich");
        long orgId = org("yte.admin");
        String reference = journal.account(orgId, MoneyJournal.AccountKind.CASH).reference();
        String csv = "date,amount,description,bank_ref\n2026-12-04,1000000,TOPUP " + reference + ",FT-API-1\n";
        var upload = mvc.perform(multipart("/api/exchange/top-ups/statement")
                        .file(new MockMultipartFile(
                                "file", "statement.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)))
                        .session(operator)
                        .with(SecurityMockMvcRequestPostProcessors.csrf()))
                .andReturn();
        assertThat(upload.getResponse().getStatus()).isEqualTo(200);
        assertThat(upload.getResponse().getContentAsString()).contains("\"creditedLines\":1");

        var trial = mvc.perform(get("/api/exchange/journal/trial-balance").session(operator))
                .andReturn();
        assertThat(trial.getResponse().getStatus()).isEqualTo(200);
        assertThat(trial.getResponse().getContentAsString()).contains("\"total\":0");
        assertThat(mvc.perform(get("/api/exchange/journal/trial-balance").session(orgAdmin))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);

        var own = mvc.perform(get("/api/exchange/account").session(orgAdmin)).andReturn();
        assertThat(own.getResponse().getContentAsString()).contains(reference).contains("TOP_UP");
        String page = mvc.perform(get("/exchange/money").session(orgAdmin))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains(reference).contains("1.000.000 ₫");
        String operatorPage = mvc.perform(get("/exchange/money").session(operator))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(operatorPage).contains("trial-total").contains("statement");
        assertThat(mvc.perform(get("/exchange/money").session(analyst))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
    }
}
