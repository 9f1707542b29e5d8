package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.platform.ProblemException;

/**
 * Statements agree with the journal across month boundaries in Vietnam time; only the organisation's
 * administrator, the operator and auditors read them; payouts move money once per bank reference and
 * never more than is there.
 *
 * <p>The month's transactions are posted through a journal whose clock stands in an earlier month, so
 * the shared test clock is not moved months ahead under the other tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoneyStatementsTest extends PlatformTest {

    @Autowired
    MoneyJournal journal;

    @Autowired
    MoneyStatements statements;

    @Autowired
    UserService users;

    @Autowired
    OrganisationService organisations;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    javax.sql.DataSource dataSource;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    AuditLog audit;

    @Autowired
    SecureRandom random;

    /** Two months ago: months before and after it are in the past too. */
    YearMonth month;

    Instant start;
    Instant next;
    long buyer;
    long seller;
    MoneyJournal.Account buyerCash;
    MoneyJournal.Account buyerHeld;
    MoneyJournal.Account sellerCash;
    MoneyJournal.Account bank;
    long purchase;

    @BeforeAll
    void aMonthOfTrading() {
        month = statements.currentMonth().minusMonths(2);
        start = MoneyStatements.start(month);
        next = MoneyStatements.start(month.plusMonths(1));
        buyer = organisations
                .bootstrap("Công ty Người mua sao kê", OrganisationKind.ENTERPRISE)
                .id();
        seller = organisations
                .bootstrap("Nhà cung cấp sao kê", OrganisationKind.ENTERPRISE)
                .id();
        buyerCash = journal.account(buyer, MoneyJournal.AccountKind.CASH);
        buyerHeld = journal.account(buyer, MoneyJournal.AccountKind.HELD);
        sellerCash = journal.account(seller, MoneyJournal.AccountKind.CASH);
        MoneyJournal.Account sellerHeld = journal.account(seller, MoneyJournal.AccountKind.HELD);
        bank = journal.platformAccount(MoneyJournal.AccountKind.PLATFORM_BANK);

        // The month before: top-ups, and the seller's bid deposit.
        postAt(
                start.minus(Duration.ofDays(2)),
                MoneyJournal.TransactionKind.TOP_UP,
                "t-seller",
                bank,
                sellerCash,
                20_000);
        postAt(
                start.minus(Duration.ofDays(1)),
                MoneyJournal.TransactionKind.DEPOSIT,
                "d-seller",
                sellerCash,
                sellerHeld,
                20_000);
        // 23:59:59 on the last day in Vietnam (16:59:59 UTC): still the month before.
        postAt(start.minusSeconds(1), MoneyJournal.TransactionKind.TOP_UP, "t-buyer", bank, buyerCash, 1_000_000);
        // The month: 00:00:00 on its first day in Vietnam is 17:00 UTC the day before.
        purchase = postAt(start, MoneyJournal.TransactionKind.PURCHASE, "purchase", buyerCash, sellerCash, 300_000);
        postAt(
                start.plus(Duration.ofDays(3)),
                MoneyJournal.TransactionKind.DEPOSIT_RELEASE,
                "r-seller",
                sellerHeld,
                sellerCash,
                20_000);
        postAt(
                start.plus(Duration.ofDays(14)),
                MoneyJournal.TransactionKind.DEPOSIT,
                "=HYPERLINK(\"x\")",
                buyerCash,
                buyerHeld,
                100_000);
        postAt(next.minusSeconds(1), MoneyJournal.TransactionKind.USAGE_CHARGE, "usage", buyerCash, sellerCash, 50_000);
        // The month after.
        postAt(next, MoneyJournal.TransactionKind.DEPOSIT_RELEASE, "r-buyer", buyerHeld, buyerCash, 100_000);

        // Invoices are written by the contracts part; here one of the month and one of the next, as it would.
        jdbc.sql("insert into exchange_product(org_id, catalog_slug, title, description, delivery, status, created_at, "
                        + "updated_at) values (?, 'sao-ke', 'Sản phẩm sao kê', 'Sản phẩm dùng cho sao kê', 'LATEST', "
                        + "'APPROVED', current_timestamp, current_timestamp)")
                .param(seller)
                .update();
        long product = jdbc.sql("select max(id) from exchange_product")
                .query(Long.class)
                .single();
        jdbc.sql("insert into exchange_offer(product_id, title, price_model, price, vat_percent, sold, duration_days, "
                        + "approval_required, policy, active, created_at) values (?, 'Gói sao kê', 'ONE_TIME', 272728, "
                        + "10, 1, 30, false, '{}', true, current_timestamp)")
                .param(product)
                .update();
        long offer =
                jdbc.sql("select max(id) from exchange_offer").query(Long.class).single();
        jdbc.sql(
                        "insert into exchange_contract(offer_id, product_id, provider_org, buyer_org, state, purpose, scenario, "
                                + "order_key, price, vat, platform_fee, requested_at, periods_charged) values (?, ?, ?, ?, "
                                + "'AGREED', 'kiểm thử', 'sao kê', ?, 272728, 27272, 0, current_timestamp, 1)")
                .params(offer, product, seller, buyer, "statement-test-" + System.nanoTime())
                .update();
        long contract = jdbc.sql("select max(id) from exchange_contract")
                .query(Long.class)
                .single();
        invoice(1, contract, "Hoá đơn mua gói sao kê", start.plusSeconds(5));
        invoice(2, contract, "Hoá đơn tháng sau", next.plusSeconds(5));
    }

    private void invoice(long number, long contract, String description, Instant issuedAt) {
        jdbc.sql("insert into exchange_invoice(seller_org, number, buyer_org, contract_id, transaction_id, kind, "
                        + "description, net, vat_percent, vat, total, issued_at) "
                        + "values (?, ?, ?, ?, ?, 'PURCHASE', ?, 272728, 10, 27272, 300000, ?)")
                .params(seller, number, buyer, contract, purchase, description, Timestamp.from(issuedAt))
                .update();
    }

    private long postAt(
            Instant at,
            MoneyJournal.TransactionKind kind,
            String description,
            MoneyJournal.Account from,
            MoneyJournal.Account to,
            long amount) {
        // A journal whose clock stands at the transaction's time: the only way to write history.
        MoneyJournal then = new MoneyJournal(
                jdbc,
                new org.springframework.jdbc.core.JdbcTemplate(dataSource),
                transactions,
                audit,
                Clock.fixed(at, ZoneOffset.UTC),
                random);
        return then.post(
                        kind,
                        "statement-test:" + description + ":" + at,
                        List.of(
                                new MoneyJournal.Posting(from.id(), -amount),
                                new MoneyJournal.Posting(to.id(), amount)),
                        description,
                        null,
                        to.orgId())
                .id();
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private long org(String username) {
        return users.findByUsername(username).orElseThrow().orgId();
    }

    /** What every statement must satisfy, whatever it holds. */
    private static void consistent(MoneyStatements.Statement s) {
        long running = s.openingBalance();
        for (MoneyStatements.Line line : s.lines()) {
            running += line.moneyIn() - line.moneyOut();
            assertThat(line.balance()).isEqualTo(running);
        }
        assertThat(s.closingBalance()).isEqualTo(running);
        assertThat(s.closingBalance()).isEqualTo(s.openingBalance() + s.totalIn() - s.totalOut());
    }

    @Test
    void aStatementAgreesWithThePostingsAcrossMonthBoundaries() {
        Actor operator = actor("admin");
        MoneyStatements.Statement before = statements.of(operator, buyer, month.minusMonths(1));
        MoneyStatements.Statement during = statements.of(operator, buyer, month);
        MoneyStatements.Statement after = statements.of(operator, buyer, month.plusMonths(1));
        List.of(before, during, after).forEach(MoneyStatementsTest::consistent);

        assertThat(before.openingBalance()).isZero();
        assertThat(before.lines())
                .extracting(MoneyStatements.Line::kind)
                .containsExactly(MoneyJournal.TransactionKind.TOP_UP);
        assertThat(before.closingBalance()).isEqualTo(1_000_000);

        assertThat(during.organisation()).isEqualTo("Công ty Người mua sao kê");
        assertThat(during.month()).isEqualTo(month.toString());
        assertThat(during.openingBalance()).isEqualTo(before.closingBalance());
        assertThat(during.lines())
                .extracting(MoneyStatements.Line::kind)
                .containsExactly(
                        MoneyJournal.TransactionKind.PURCHASE,
                        MoneyJournal.TransactionKind.DEPOSIT,
                        MoneyJournal.TransactionKind.USAGE_CHARGE);
        assertThat(during.lines())
                .extracting(MoneyStatements.Line::moneyOut)
                .containsExactly(300_000L, 100_000L, 50_000L);
        assertThat(during.lines())
                .extracting(MoneyStatements.Line::balance)
                .containsExactly(700_000L, 600_000L, 550_000L);
        assertThat(during.totalIn()).isZero();
        assertThat(during.totalOut()).isEqualTo(450_000);
        assertThat(during.closingBalance()).isEqualTo(550_000);
        assertThat(during.openingHeld()).isZero();
        assertThat(during.closingHeld()).isEqualTo(100_000);

        assertThat(after.openingBalance()).isEqualTo(during.closingBalance());
        assertThat(after.lines()).extracting(MoneyStatements.Line::moneyIn).containsExactly(100_000L);
        assertThat(after.closingBalance()).isEqualTo(650_000);
        assertThat(after.openingHeld()).isEqualTo(100_000);
        assertThat(after.closingHeld()).isZero();

        // This month's closing balance is the balance now.
        MoneyStatements.Statement now = statements.of(operator, buyer, statements.currentMonth());
        consistent(now);
        assertThat(now.closingBalance()).isEqualTo(journal.balance(buyerCash.id()));

        // The month's invoices, from both sides; the next month's invoice is not in it.
        assertThat(during.invoices()).singleElement().satisfies(i -> {
            assertThat(i.sold()).isFalse();
            assertThat(i.seller()).isEqualTo("Nhà cung cấp sao kê");
            assertThat(i.total()).isEqualTo(300_000);
            assertThat(i.description()).isEqualTo("Hoá đơn mua gói sao kê");
        });
        MoneyStatements.Statement sold = statements.of(operator, seller, month);
        consistent(sold);
        assertThat(sold.invoices()).singleElement().satisfies(i -> {
            assertThat(i.sold()).isTrue();
            assertThat(i.buyer()).isEqualTo("Công ty Người mua sao kê");
        });
        assertThat(statements.of(operator, buyer, month.plusMonths(1)).invoices())
                .extracting(MoneyStatements.Invoice::number)
                .containsExactly(2L);

        // An organisation that never had money has a statement of zeros, and reading opens no account.
        long quiet = organisations
                .bootstrap("Tổ chức chưa có tiền", OrganisationKind.ENTERPRISE)
                .id();
        MoneyStatements.Statement empty = statements.of(operator, quiet, month);
        assertThat(empty.openingBalance()).isZero();
        assertThat(empty.closingBalance()).isZero();
        assertThat(empty.lines()).isEmpty();
        assertThat(jdbc.sql("select count(*) from money_account where org_id = ?")
                        .param(quiet)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(journal.trialBalance().total()).isZero();
    }

    @Test
    void onlyTheOrganisationTheOperatorAndAuditorsReadAStatement() throws Exception {
        long health = org("yte.admin");
        long saoMai = org("saomai.admin");
        assertThat(statements.of(actor("yte.admin"), health, month).orgId()).isEqualTo(health);
        assertThat(statements.of(actor("kiemtoan"), saoMai, month).orgId()).isEqualTo(saoMai);
        assertThatThrownBy(() -> statements.of(actor("yte.admin"), saoMai, month))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> statements.of(actor("yte.dulieu"), health, month))
                .isInstanceOf(NotPermittedException.class);

        MockHttpSession healthAdmin = login("yte.admin");
        assertThat(status(get("/api/exchange/statements/" + health).session(healthAdmin)))
                .isEqualTo(200);
        assertThat(status(get("/api/exchange/statements/" + saoMai).session(healthAdmin)))
                .isEqualTo(404);
        assertThat(status(get("/api/exchange/statements/" + saoMai + ".csv").session(healthAdmin)))
                .isEqualTo(404);
        assertThat(status(get("/exchange/statements")
                        .param("org", Long.toString(saoMai))
                        .session(healthAdmin)))
                .isEqualTo(404);
        assertThat(status(get("/api/exchange/statements/" + health).session(login("yte.dulieu"))))
                .isEqualTo(403);
        assertThat(status(get("/exchange/payouts").session(healthAdmin))).isEqualTo(403);
        assertThat(status(get("/api/exchange/payouts").session(healthAdmin))).isEqualTo(403);

        String page = mvc.perform(get("/exchange/statements").session(healthAdmin))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("statement-picker").contains("statement-csv").doesNotContain("<select");
        String moneyPage = mvc.perform(get("/exchange/money").session(healthAdmin))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(moneyPage).contains("statements-link").doesNotContain("payouts-link");
    }

    private int status(org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse().getStatus();
    }

    @Test
    void aMonthIsWrittenYyyyMmAndHasBegun() throws Exception {
        MockHttpSession operator = login("admin");
        for (String bad : List.of("2026-13", "2026-1", "abc", "2026/03", "12026-01")) {
            MvcResult result = mvc.perform(get("/api/exchange/statements/" + buyer)
                            .param("month", bad)
                            .session(operator))
                    .andReturn();
            assertThat(result.getResponse().getStatus()).as(bad).isEqualTo(400);
            assertThat(result.getResponse().getContentAsString()).contains("statement-month-malformed");
        }
        String future = statements.currentMonth().plusMonths(1).toString();
        MvcResult result = mvc.perform(
                        get("/api/exchange/payouts").param("month", future).session(operator))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(400);
        assertThat(result.getResponse().getContentAsString()).contains("statement-month-future");
        assertThatThrownBy(() -> statements.month(future))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(HttpStatus.BAD_REQUEST));
        assertThat(statements.month(null)).isEqualTo(statements.currentMonth());
        // The page says what is wrong instead of failing.
        String page = mvc.perform(
                        get("/exchange/statements").param("month", "2026-13").session(operator))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("alert error").contains("2026-13");
    }

    @Test
    void theStatementReadsAsCsvInExcel() throws Exception {
        MockHttpSession operator = login("admin");
        MvcResult result = mvc.perform(get("/api/exchange/statements/" + buyer + ".csv")
                        .param("month", month.toString())
                        .session(operator))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        assertThat(result.getResponse().getContentType()).startsWith("text/csv");
        assertThat(result.getResponse().getHeader("Content-Disposition"))
                .contains("statement-" + buyer + "-" + month + ".csv");
        byte[] body = result.getResponse().getContentAsByteArray();
        assertThat(Arrays.copyOf(body, 3)).containsExactly(0xEF, 0xBB, 0xBF);
        List<String> lines = new String(body, 3, body.length - 3, StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertThat(lines.get(0))
                .isEqualTo("Thời điểm,Mã giao dịch,Loại,Nội dung,Tiền vào (đồng),Tiền ra (đồng),Số dư (đồng)");
        assertThat(lines).hasSize(1 + 1 + 3 + 1);
        assertThat(lines.get(1))
                .contains("Số dư đầu kỳ của Công ty Người mua sao kê")
                .endsWith(",1000000");
        assertThat(lines.get(1)).startsWith(month.atDay(1) + " 00:00:00");
        assertThat(lines.get(2)).contains(",Mua,purchase,,300000,700000");
        // A description a spreadsheet would run as a formula stays text.
        assertThat(lines.get(3)).contains("\"'=HYPERLINK(\"\"x\"\")\"").endsWith(",,100000,600000");
        assertThat(lines.get(4)).startsWith(month.atEndOfMonth() + " 23:59:59").endsWith(",,50000,550000");
        assertThat(lines.get(5)).endsWith(",0,450000,550000");

        String english = new String(
                mvc.perform(get("/api/exchange/statements/" + buyer + ".csv")
                                .param("month", month.toString())
                                .param("lang", "en")
                                .session(operator))
                        .andReturn()
                        .getResponse()
                        .getContentAsByteArray(),
                StandardCharsets.UTF_8);
        assertThat(english).contains("Time,Transaction,Kind,Description").contains("Usage charge");

        String json = mvc.perform(get("/api/exchange/statements/" + buyer)
                        .param("month", month.toString())
                        .session(operator))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(json).contains("\"openingBalance\":1000000").contains("\"closingBalance\":550000");

        String page = mvc.perform(get("/exchange/statements")
                        .param("org", Long.toString(buyer))
                        .param("month", month.toString())
                        .session(operator))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .contains("1.000.000 ₫")
                .contains("550.000 ₫")
                .contains("Hoá đơn mua gói sao kê")
                .contains("<select")
                .contains("/api/exchange/statements/" + buyer + ".csv?month=" + month);
    }

    @Test
    void aPayoutMovesMoneyOncePerBankReferenceAndNeverMoreThanIsThere() throws Exception {
        Actor operator = actor("admin");
        MoneyStatements.PayoutReport report = statements.payouts(operator, month);
        MoneyStatements.PayoutLine line = report.lines().stream()
                .filter(l -> l.orgId() == seller)
                .findFirst()
                .orElseThrow();
        // Sales only: the released deposit coming back is not revenue.
        assertThat(line.revenue()).isEqualTo(350_000);
        assertThat(line.paidOut()).isZero();
        assertThat(line.payable()).isEqualTo(journal.balance(sellerCash.id()));
        assertThat(report.lines()).allSatisfy(l -> assertThat(l.payable()).isPositive());
        assertThat(report.totalPayable())
                .isEqualTo(report.lines().stream()
                        .mapToLong(MoneyStatements.PayoutLine::payable)
                        .sum());

        // The other test may have paid the seller this month already.
        long paidThisMonth = statements.payouts(operator, statements.currentMonth()).lines().stream()
                .filter(l -> l.orgId() == seller)
                .mapToLong(MoneyStatements.PayoutLine::paidOut)
                .sum();
        long sellerBefore = journal.balance(sellerCash.id());
        long bankBefore = journal.balance(bank.id());
        MoneyStatements.Payout first = statements.payOut(operator, seller, 200_000, "ft-stmt-1");
        assertThat(first.alreadyRecorded()).isFalse();
        assertThat(first.bankRef()).isEqualTo("FT-STMT-1");
        assertThat(journal.balance(sellerCash.id())).isEqualTo(sellerBefore - 200_000);
        assertThat(journal.balance(bank.id())).isEqualTo(bankBefore + 200_000);
        assertThat(journal.byId(first.transaction()).orElseThrow().kind())
                .isEqualTo(MoneyJournal.TransactionKind.PAYOUT);

        MoneyStatements.Payout again = statements.payOut(operator, seller, 200_000, " FT-STMT-1 ");
        assertThat(again.alreadyRecorded()).isTrue();
        assertThat(again.transaction()).isEqualTo(first.transaction());
        assertThat(journal.balance(sellerCash.id())).isEqualTo(sellerBefore - 200_000);

        assertThatThrownBy(() -> statements.payOut(operator, seller, 100_000, "FT-STMT-1"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.messageKey()).isEqualTo("payout.bankRefReused");
                });
        assertThatThrownBy(() -> statements.payOut(operator, buyer, 200_000, "FT-STMT-1"))
                .hasMessageContaining("already records another payout");
        long left = journal.balance(sellerCash.id());
        assertThatThrownBy(() -> statements.payOut(operator, seller, left + 1, "FT-STMT-2"))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.status()).isEqualTo(HttpStatus.CONFLICT);
                    assertThat(e.messageKey()).isEqualTo("payout.exceedsBalance");
                });
        assertThat(journal.byKey("payout:FT-STMT-2")).isEmpty();
        assertThatThrownBy(() -> statements.payOut(operator, seller, 0, "FT-STMT-3"))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.messageKey()).isEqualTo("payout.invalidAmount"));
        assertThatThrownBy(() -> statements.payOut(operator, seller, -5, "FT-STMT-3"))
                .isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> statements.payOut(operator, seller, 5, "  "))
                .isInstanceOfSatisfying(
                        ProblemException.class, e -> assertThat(e.messageKey()).isEqualTo("payout.invalidBankRef"));
        assertThatThrownBy(() -> statements.payOut(actor("yte.admin"), seller, 5, "FT-STMT-4"))
                .isInstanceOf(NotPermittedException.class);
        assertThat(journal.balance(sellerCash.id())).isEqualTo(left);

        MoneyStatements.PayoutReport now = statements.payouts(operator, statements.currentMonth());
        assertThat(now.lines())
                .filteredOn(l -> l.orgId() == seller)
                .singleElement()
                .satisfies(l -> {
                    assertThat(l.paidOut()).isEqualTo(paidThisMonth + 200_000);
                    assertThat(l.payable()).isEqualTo(left);
                });
        assertThat(now.payouts())
                .filteredOn(p -> p.orgId() == seller)
                .extracting(MoneyStatements.PayoutMade::bankRef, MoneyStatements.PayoutMade::amount)
                .contains(org.assertj.core.groups.Tuple.tuple("FT-STMT-1", 200_000L));
        // The seller's statement shows the payout going out.
        MoneyStatements.Statement statement = statements.of(operator, seller, statements.currentMonth());
        consistent(statement);
        assertThat(statement.lines())
                .extracting(MoneyStatements.Line::kind)
                .contains(MoneyJournal.TransactionKind.PAYOUT);
        assertThat(journal.trialBalance().total()).isZero();
    }

    @Test
    void theOperatorPaysOutOverHttpAndOnThePage() throws Exception {
        MockHttpSession operator = login("admin");
        long before = journal.balance(sellerCash.id());
        String body = "{\"orgId\":" + seller + ",\"amount\":10000,\"bankRef\":\"FT-API-STMT\"}";
        MvcResult created = mvc.perform(post("/api/exchange/payouts")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body)
                        .session(operator)
                        .with(csrf()))
                .andReturn();
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        assertThat(created.getResponse().getContentAsString()).contains("\"alreadyRecorded\":false");
        MvcResult replay = mvc.perform(post("/api/exchange/payouts")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body)
                        .session(operator)
                        .with(csrf()))
                .andReturn();
        assertThat(replay.getResponse().getStatus()).isEqualTo(200);
        assertThat(journal.balance(sellerCash.id())).isEqualTo(before - 10_000);
        MvcResult reused = mvc.perform(post("/api/exchange/payouts")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body.replace("10000", "20000"))
                        .session(operator)
                        .with(csrf()))
                .andReturn();
        assertThat(reused.getResponse().getStatus()).isEqualTo(409);
        assertThat(reused.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(reused.getResponse().getContentAsString()).contains("payout-bankRefReused");
        assertThat(status(post("/api/exchange/payouts")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"orgId\":" + seller + "}")
                        .session(operator)
                        .with(csrf())))
                .isEqualTo(400);
        assertThat(status(post("/api/exchange/payouts")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body.replace("FT-API-STMT", "FT-API-OTHER"))
                        .session(login("yte.admin"))
                        .with(csrf())))
                .isEqualTo(403);

        String page = mvc.perform(get("/exchange/payouts").session(operator))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("payout-org-" + seller).contains("FT-API-STMT");
        String moneyPage = mvc.perform(get("/exchange/money").session(operator))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(moneyPage).contains("statements-link").contains("payouts-link");

        MvcResult form = mvc.perform(post("/exchange/payouts")
                        .param("orgId", Long.toString(seller))
                        .param("amount", "5.000")
                        .param("bankRef", "FT-PAGE-STMT")
                        .param("month", month.toString())
                        .session(operator)
                        .with(csrf()))
                .andReturn();
        assertThat(form.getResponse().getRedirectedUrl()).isEqualTo("/exchange/payouts?month=" + month);
        assertThat(String.valueOf(form.getFlashMap().get("success"))).contains("FT-PAGE-STMT");
        assertThat(journal.balance(sellerCash.id())).isEqualTo(before - 15_000);
        MvcResult tooMuch = mvc.perform(post("/exchange/payouts")
                        .param("orgId", Long.toString(seller))
                        .param("amount", Long.toString(before))
                        .param("bankRef", "FT-PAGE-STMT-2")
                        .session(operator)
                        .with(csrf()))
                .andReturn();
        assertThat(tooMuch.getResponse().getRedirectedUrl()).isEqualTo("/exchange/payouts");
        assertThat(tooMuch.getFlashMap().get("error")).isNotNull();
        assertThat(journal.balance(sellerCash.id())).isEqualTo(before - 15_000);
        assertThat(journal.trialBalance().total()).isZero();
    }
}
