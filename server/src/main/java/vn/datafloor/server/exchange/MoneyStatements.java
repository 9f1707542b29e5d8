package vn.datafloor.server.exchange;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemException;

/**
 * What the journal says about a month: an organisation's monthly statement of its money, and the
 * operator's report of what is owed to organisations and paid out to them by bank transfer.
 *
 * <p>Months are calendar months in Vietnam's time, as the organisations' accountants close them: a
 * transaction at 23:30 UTC on the last day of a month belongs to the next month. Every figure is
 * computed from postings, like every balance, so a statement's opening and closing balances agree
 * with the journal by construction.
 */
@Service
public class MoneyStatements {

    /** Vietnam's time, in which months start and end. */
    public static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");

    /** Bank references as banks print them: letters, digits and a few separators. */
    private static final Pattern BANK_REF = Pattern.compile("[A-Z0-9][A-Z0-9._/-]{0,99}");

    /** One transaction as it changed the organisation's available money, and the balance after it. */
    public record Line(
            long transaction,
            Instant at,
            MoneyJournal.TransactionKind kind,
            String description,
            long moneyIn,
            long moneyOut,
            long balance) {}

    /** An invoice of the month; {@code sold}: the organisation is its seller, otherwise its buyer. */
    public record Invoice(
            long id,
            long number,
            boolean sold,
            long sellerOrg,
            String seller,
            long buyerOrg,
            String buyer,
            String kind,
            String description,
            long net,
            int vatPercent,
            long vat,
            long total,
            Instant issuedAt) {}

    /**
     * An organisation's month: its available money (CASH) from opening to closing balance with every
     * transaction between, its deposits (HELD) at both ends, and the invoices it issued or received.
     */
    public record Statement(
            long orgId,
            String organisation,
            String month,
            Instant from,
            Instant to,
            long openingBalance,
            long totalIn,
            long totalOut,
            long closingBalance,
            long openingHeld,
            long closingHeld,
            List<Line> lines,
            List<Invoice> invoices) {}

    /** An organisation the platform owes money to. */
    public record PayoutLine(
            long orgId, String organisation, String transferReference, long revenue, long paidOut, long payable) {}

    /** A payout made in the month: when, to whom, how much and under which bank reference. */
    public record PayoutMade(
            long transaction, Instant at, long orgId, String organisation, long amount, String bankRef) {}

    /**
     * The operator's payout report: each organisation with money on the platform, its revenue from
     * sales in the month, what was paid out to it in the month, and what it may be paid now.
     */
    public record PayoutReport(String month, List<PayoutLine> lines, long totalPayable, List<PayoutMade> payouts) {}

    /** A recorded payout; {@code alreadyRecorded}: this bank reference had paid this amount before. */
    public record Payout(
            long transaction, long orgId, long amount, String bankRef, boolean alreadyRecorded, long balanceAfter) {}

    private final JdbcClient jdbc;
    private final MoneyJournal journal;
    private final AccessPolicy policy;
    private final OrganisationService organisations;
    private final Clock clock;

    MoneyStatements(
            JdbcClient jdbc,
            MoneyJournal journal,
            AccessPolicy policy,
            OrganisationService organisations,
            Clock clock) {
        this.jdbc = jdbc;
        this.journal = journal;
        this.policy = policy;
        this.organisations = organisations;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ months

    /** The month now in Vietnam. */
    public YearMonth currentMonth() {
        return YearMonth.from(clock.instant().atZone(VIETNAM));
    }

    /**
     * The month a caller asked for ({@code YYYY-MM}; blank: this month). A month that has not begun
     * has no statement yet: refused rather than shown empty, so nobody files an empty statement.
     */
    public YearMonth month(String text) {
        if (text == null || text.isBlank()) {
            return currentMonth();
        }
        String month = text.strip();
        if (!MONTH.matcher(month).matches()) {
            throw malformed(month);
        }
        YearMonth parsed;
        try {
            parsed = YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw malformed(month); // 2026-13
        }
        if (parsed.isAfter(currentMonth())) {
            throw ProblemException.badRequest(
                    "statement.month.future",
                    "The month " + parsed + " has not begun in Vietnam: there is no statement for it yet",
                    parsed.toString());
        }
        return parsed;
    }

    private static ProblemException malformed(String month) {
        // Echoed so the person sees what was read, cut short: it came from the address bar.
        String shown = month.length() > 20 ? month.substring(0, 20) + "…" : month;
        return ProblemException.badRequest(
                "statement.month.malformed",
                "The month must be written YYYY-MM, for example 2026-03; got " + shown,
                shown);
    }

    static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay(VIETNAM).toInstant();
    }

    // ------------------------------------------------------------------ statements

    /** The organisation's statement for the month; its administrator, the operator and auditors may read it. */
    public Statement of(Actor actor, long orgId, YearMonth month) {
        policy.require(actor, Action.VIEW_MONEY, orgId);
        Organisation organisation =
                organisations.find(orgId).orElseThrow(() -> ProblemException.notFound("No organisation " + orgId));
        Instant from = start(month);
        Instant to = start(month.plusMonths(1));
        // Reading never opens accounts: an organisation that never had money has a statement of zeros.
        Optional<Long> cash = accountId(orgId, MoneyJournal.AccountKind.CASH);
        Optional<Long> held = accountId(orgId, MoneyJournal.AccountKind.HELD);
        long opening = cash.map(id -> balanceBefore(id, from)).orElse(0L);
        List<Line> lines = new ArrayList<>();
        long balance = opening;
        long totalIn = 0;
        long totalOut = 0;
        if (cash.isPresent()) {
            for (Change change : changes(cash.get(), from, to)) {
                balance += change.amount();
                long in = Math.max(change.amount(), 0);
                long out = Math.max(-change.amount(), 0);
                totalIn += in;
                totalOut += out;
                lines.add(new Line(
                        change.transaction(), change.at(), change.kind(), change.description(), in, out, balance));
            }
        }
        return new Statement(
                orgId,
                organisation.name(),
                month.toString(),
                from,
                to,
                opening,
                totalIn,
                totalOut,
                balance,
                held.map(id -> balanceBefore(id, from)).orElse(0L),
                held.map(id -> balanceBefore(id, to)).orElse(0L),
                lines,
                invoices(orgId, from, to));
    }

    private record Change(
            long transaction, Instant at, MoneyJournal.TransactionKind kind, String description, long amount) {}

    private Optional<Long> accountId(long orgId, MoneyJournal.AccountKind kind) {
        return jdbc.sql("select id from money_account where org_id = ? and kind = ?")
                .params(orgId, kind.name())
                .query(Long.class)
                .optional();
    }

    private long balanceBefore(long accountId, Instant instant) {
        return jdbc.sql("select coalesce(sum(p.amount), 0) from money_posting p "
                        + "join money_transaction t on t.id = p.transaction_id "
                        + "where p.account_id = ? and t.created_at < ?")
                .params(accountId, Timestamp.from(instant))
                .query(Long.class)
                .single();
    }

    /** The account's transactions in [from, to), in the order they happened, each with its net effect. */
    private List<Change> changes(long accountId, Instant from, Instant to) {
        return jdbc.sql("""
                        select t.id, t.created_at, t.kind, t.description, sum(p.amount)
                        from money_transaction t join money_posting p on p.transaction_id = t.id
                        where p.account_id = ? and t.created_at >= ? and t.created_at < ?
                        group by t.id, t.created_at, t.kind, t.description
                        order by t.created_at, t.id""")
                .params(accountId, Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> new Change(
                        rs.getLong(1),
                        rs.getTimestamp(2).toInstant(),
                        MoneyJournal.TransactionKind.valueOf(rs.getString(3)),
                        rs.getString(4),
                        rs.getLong(5)))
                .list();
    }

    private List<Invoice> invoices(long orgId, Instant from, Instant to) {
        Map<Long, String> names = new HashMap<>();
        return jdbc
                .sql("""
                        select id, number, seller_org, buyer_org, kind, description, net, vat_percent, vat, total, issued_at
                        from exchange_invoice
                        where (seller_org = ? or buyer_org = ?) and issued_at >= ? and issued_at < ?
                        order by issued_at, id""")
                .params(orgId, orgId, Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> new Invoice(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3) == orgId,
                        rs.getLong(3),
                        null,
                        rs.getLong(4),
                        null,
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getInt(8),
                        rs.getLong(9),
                        rs.getLong(10),
                        rs.getTimestamp(11).toInstant()))
                .list()
                .stream()
                // Names are looked up after the query: the organisations belong to the identity capability.
                .map(i -> new Invoice(
                        i.id(),
                        i.number(),
                        i.sold(),
                        i.sellerOrg(),
                        name(i.sellerOrg(), names),
                        i.buyerOrg(),
                        name(i.buyerOrg(), names),
                        i.kind(),
                        i.description(),
                        i.net(),
                        i.vatPercent(),
                        i.vat(),
                        i.total(),
                        i.issuedAt()))
                .toList();
    }

    private String name(long orgId, Map<Long, String> names) {
        return names.computeIfAbsent(
                orgId, id -> organisations.find(id).map(Organisation::name).orElse("#" + id));
    }

    // ------------------------------------------------------------------ payouts

    /** Every organisation with money on the platform, what it earned and was paid in the month, what it may be paid now. */
    public PayoutReport payouts(Actor actor, YearMonth month) {
        policy.require(actor, Action.PAY_OUT);
        Instant from = start(month);
        Instant to = start(month.plusMonths(1));
        Map<Long, Long> revenue = sums("t.kind in ('PURCHASE', 'USAGE_CHARGE') and p.amount > 0", from, to);
        Map<Long, Long> paid = sums("t.kind = 'PAYOUT' and p.amount < 0", from, to);
        Map<Long, String> names = new HashMap<>();
        List<PayoutLine> lines = jdbc
                .sql("""
                        select a.id, a.org_id, a.reference, sum(p.amount)
                        from money_account a join money_posting p on p.account_id = a.id
                        where a.kind = 'CASH' and a.org_id is not null
                        group by a.id, a.org_id, a.reference
                        having sum(p.amount) > 0
                        order by a.org_id""")
                .query((rs, n) -> new PayoutLine(
                        rs.getLong(2),
                        null,
                        rs.getString(3),
                        revenue.getOrDefault(rs.getLong(1), 0L),
                        -paid.getOrDefault(rs.getLong(1), 0L),
                        rs.getLong(4)))
                .list()
                .stream()
                .map(l -> new PayoutLine(
                        l.orgId(),
                        name(l.orgId(), names),
                        l.transferReference(),
                        l.revenue(),
                        l.paidOut(),
                        l.payable()))
                .toList();
        List<PayoutMade> made = jdbc
                .sql("""
                        select t.id, t.created_at, a.org_id, p.amount, t.idempotency_key
                        from money_transaction t
                        join money_posting p on p.transaction_id = t.id
                        join money_account a on a.id = p.account_id
                        where t.kind = 'PAYOUT' and a.kind = 'CASH' and p.amount < 0
                          and t.created_at >= ? and t.created_at < ?
                        order by t.created_at, t.id""")
                .params(Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> new PayoutMade(
                        rs.getLong(1),
                        rs.getTimestamp(2).toInstant(),
                        rs.getLong(3),
                        null,
                        -rs.getLong(4),
                        bankRefOf(rs.getString(5))))
                .list()
                .stream()
                .map(p -> new PayoutMade(
                        p.transaction(), p.at(), p.orgId(), name(p.orgId(), names), p.amount(), p.bankRef()))
                .toList();
        return new PayoutReport(
                month.toString(),
                lines,
                lines.stream().mapToLong(PayoutLine::payable).sum(),
                made);
    }

    /** Per account, the sum of the postings matching {@code condition} in transactions of [from, to). */
    private Map<Long, Long> sums(String condition, Instant from, Instant to) {
        record Sum(long accountId, long amount) {}
        Map<Long, Long> sums = new HashMap<>();
        jdbc.sql("select p.account_id, sum(p.amount) from money_posting p "
                        + "join money_transaction t on t.id = p.transaction_id "
                        + "where " + condition + " and t.created_at >= ? and t.created_at < ? "
                        + "group by p.account_id")
                .params(Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> new Sum(rs.getLong(1), rs.getLong(2)))
                .list()
                .forEach(sum -> sums.put(sum.accountId(), sum.amount()));
        return sums;
    }

    private static String key(String bankRef) {
        return "payout:" + bankRef;
    }

    private static String bankRefOf(String key) {
        return key.startsWith("payout:") ? key.substring("payout:".length()) : key;
    }

    /**
     * Records that the operator transferred {@code amount} from the platform's bank account to the
     * organisation: its available money goes down, the platform's bank account (minus what the platform
     * holds for others) goes up. The bank reference is the transaction's idempotency key, so one bank
     * transfer is recorded once however often the form is sent; the journal's lock refuses paying out
     * money that is not there, even when two operators pay at once.
     */
    public Payout payOut(Actor actor, long orgId, long amount, String bankRef) {
        policy.require(actor, Action.PAY_OUT);
        if (amount <= 0) {
            throw ProblemException.badRequest(
                    "payout.invalidAmount", "A payout is a positive number of đồng; got " + amount, amount);
        }
        String ref = bankRef == null ? "" : bankRef.strip().toUpperCase(Locale.ROOT);
        if (!BANK_REF.matcher(ref).matches()) {
            throw ProblemException.badRequest(
                    "payout.invalidBankRef",
                    "Give the bank transfer's reference: 1-100 letters, digits or . _ / - (for example FT26123456789)");
        }
        Organisation organisation =
                organisations.find(orgId).orElseThrow(() -> ProblemException.notFound("No organisation " + orgId));
        MoneyJournal.Account cash = journal.account(orgId, MoneyJournal.AccountKind.CASH);
        MoneyJournal.Account bank = journal.platformAccount(MoneyJournal.AccountKind.PLATFORM_BANK);
        List<MoneyJournal.Posting> postings =
                List.of(new MoneyJournal.Posting(cash.id(), -amount), new MoneyJournal.Posting(bank.id(), amount));
        boolean earlier = journal.byKey(key(ref)).isPresent();
        if (!earlier) {
            long balance = journal.balance(cash.id());
            if (amount > balance) {
                throw exceeds(organisation, amount, balance);
            }
        }
        MoneyJournal.Transaction transaction;
        try {
            transaction = journal.post(
                    MoneyJournal.TransactionKind.PAYOUT,
                    key(ref),
                    postings,
                    "Payout by bank transfer " + ref,
                    actor.personId(),
                    orgId);
        } catch (MoneyJournal.InsufficientFundsException raced) {
            // Another payout or a purchase took the money between the check above and the lock.
            throw exceeds(organisation, amount, journal.balance(cash.id()));
        } catch (ProblemException e) {
            if ("money.keyReused".equals(e.messageKey())) {
                throw ProblemException.conflict(
                        "payout.bankRefReused",
                        "The bank reference " + ref + " already records another payout; "
                                + "one bank transfer is one payout: check the reference",
                        ref);
            }
            throw e;
        }
        return new Payout(transaction.id(), orgId, amount, ref, earlier, journal.balance(cash.id()));
    }

    private static ProblemException exceeds(Organisation organisation, long amount, long balance) {
        return ProblemException.conflict(
                "payout.exceedsBalance",
                "Cannot pay " + amount + " đồng to " + organisation.name() + ": its available balance is " + balance
                        + " đồng",
                amount,
                balance);
    }
}
