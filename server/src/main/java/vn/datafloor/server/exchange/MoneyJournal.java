package vn.datafloor.server.exchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.platform.ProblemException;

/**
 * The exchange's money as a double-entry journal. A transaction is a set of postings that sums to
 * zero; balances are sums of postings. An organisation's account also keeps its balance on its row,
 * moved in the same database transaction as its postings, so a debit is checked without summing the
 * account's history; the trial balance names any account where the two differ. Organisations' accounts
 * may not go below zero; the platform's
 * bank account is where money enters and leaves, so its balance is the negative of what the
 * platform holds for others.
 *
 * <p>Every transaction carries an idempotency key: the same key with the same postings returns the
 * transaction already made, with other postings it is refused; a doubled click or a retried request
 * never moves money twice. The accounts a transaction touches are locked in id order for its
 * duration, so concurrent transactions on one account queue instead of both spending the same
 * money. Its ledger entry is written in the same database transaction (the audit outbox) and appended
 * once it commits.
 */
@Service
public class MoneyJournal {

    /** What an account is for. */
    public enum AccountKind {
        /** An organisation's available money. */
        CASH(true),
        /** An organisation's money held as deposits (auction bids). */
        HELD(true),
        /** The platform's bank account: money enters and leaves the journal here. */
        PLATFORM_BANK(false),
        /** The platform's fees earned. */
        PLATFORM_FEES(false),
        /** VAT collected, owed to the State. */
        VAT_PAYABLE(false);

        private final boolean organisations;

        AccountKind(boolean organisations) {
            this.organisations = organisations;
        }

        /** Accounts of organisations, which may never go below zero. */
        public boolean ofOrganisation() {
            return organisations;
        }
    }

    /** What a transaction does. */
    public enum TransactionKind {
        TOP_UP,
        PURCHASE,
        USAGE_CHARGE,
        DEPOSIT,
        DEPOSIT_RELEASE,
        REFUND,
        PAYOUT
    }

    public record Account(long id, Long orgId, AccountKind kind, String reference) {}

    /** One side of a transaction: a positive amount adds to the account's balance, a negative one takes from it. */
    public record Posting(long accountId, long amount) {}

    public record Transaction(
            long id,
            TransactionKind kind,
            String idempotencyKey,
            String description,
            Long createdBy,
            Instant createdAt,
            List<Posting> postings) {}

    public record Balance(Account account, String organisation, long balance) {}

    /**
     * Every account's balance and their sum, which a balanced journal keeps at zero, and the organisations'
     * accounts whose kept balance differs from the sum of their postings (none, unless something wrote to
     * the tables behind the journal's back).
     */
    public record TrialBalance(List<Balance> balances, long total, long transactions, List<Long> drifted) {}

    /** Refused because an organisation's account would go below zero. */
    public static final class InsufficientFundsException extends ProblemException {
        private static final long serialVersionUID = 1L;

        InsufficientFundsException(long accountId, long balance, long change) {
            super(
                    HttpStatus.CONFLICT,
                    "money.insufficient",
                    "Not enough money in account " + accountId + ": balance " + balance + " đồng, change " + change
                            + " đồng. Top up first.",
                    accountId);
        }
    }

    private static final String REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final JdbcClient jdbc;
    /** For statements run as one JDBC batch, whose counts say which of them changed a row. */
    private final org.springframework.jdbc.core.JdbcTemplate batch;

    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    MoneyJournal(
            JdbcClient jdbc,
            org.springframework.jdbc.core.JdbcTemplate batch,
            TransactionTemplate transactions,
            AuditLog audit,
            Clock clock,
            SecureRandom random) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    // ------------------------------------------------------------------ accounts

    /** The organisation's account of this kind, created on first use (CASH with its transfer reference). */
    public Account account(long orgId, AccountKind kind) {
        if (!kind.ofOrganisation()) {
            throw new IllegalArgumentException(kind + " is a platform account");
        }
        return known(orgId, kind);
    }

    /**
     * Accounts are never deleted and their ids never change, so one seen committed is remembered: a
     * purchase asks for four of them. One seen inside a transaction may yet roll back, and is not.
     */
    private final java.util.concurrent.ConcurrentMap<String, Account> committedAccounts =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Account known(Long orgId, AccountKind kind) {
        String key = orgId + ":" + kind;
        Account cached = committedAccounts.get(key);
        if (cached != null) {
            return cached;
        }
        Account account = find(orgId, kind).orElseGet(() -> create(orgId, kind));
        if (!org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            committedAccounts.put(key, account);
        }
        return account;
    }

    /** The platform's account of this kind, created on first use. */
    public Account platformAccount(AccountKind kind) {
        if (kind.ofOrganisation()) {
            throw new IllegalArgumentException(kind + " is an organisation's account");
        }
        return known(null, kind);
    }

    /** The account whose transfer reference this is ({@code DF} and eight letters or digits), if any. */
    public Optional<Account> byReference(String reference) {
        return jdbc.sql("select id, org_id, kind, reference from money_account where reference = ?")
                .param(reference)
                .query(MoneyJournal::account)
                .optional();
    }

    /** The balance an organisation's account keeps on its row (the platform's accounts keep none). */
    long keptBalance(long accountId) {
        return jdbc.sql("select balance from money_account where id = ?")
                .param(accountId)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    /** An account's kind never changes, and ids are never reused: each is read once. */
    private final java.util.concurrent.ConcurrentMap<Long, AccountKind> kinds =
            new java.util.concurrent.ConcurrentHashMap<>();

    private AccountKind kindOf(long accountId) {
        AccountKind known = kinds.get(accountId);
        if (known != null) {
            return known;
        }
        AccountKind kind = jdbc.sql("select kind from money_account where id = ?")
                .param(accountId)
                .query(String.class)
                .optional()
                .map(AccountKind::valueOf)
                .orElseThrow(() -> ProblemException.badRequest("money.noAccount", "No account " + accountId));
        kinds.put(accountId, kind);
        return kind;
    }

    /** The sum of the account's postings: the truth its kept balance must agree with. */
    public long balance(long accountId) {
        return jdbc.sql("select coalesce(sum(amount), 0) from money_posting where account_id = ?")
                .param(accountId)
                .query(Long.class)
                .single();
    }

    private Optional<Account> find(Long orgId, AccountKind kind) {
        return (orgId == null
                        ? jdbc.sql(
                                        "select id, org_id, kind, reference from money_account where org_id is null and kind = ?")
                                .param(kind.name())
                        : jdbc.sql(
                                        "select id, org_id, kind, reference from money_account where org_id = ? and kind = ?")
                                .params(orgId, kind.name()))
                .query(MoneyJournal::account)
                .optional();
    }

    private Account create(Long orgId, AccountKind kind) {
        String reference = kind == AccountKind.CASH ? newReference() : null;
        try {
            jdbc.sql("insert into money_account(org_id, kind, reference, created_at) values (?,?,?,?)")
                    .params(orgId, kind.name(), reference, Timestamp.from(clock.instant()))
                    .update();
        } catch (DuplicateKeyException concurrentlyCreated) {
            // another request created it first (or, once in a great while, the reference was taken: retry)
            return find(orgId, kind).orElseGet(() -> create(orgId, kind));
        }
        return find(orgId, kind).orElseThrow();
    }

    private String newReference() {
        StringBuilder reference = new StringBuilder("DF");
        for (int i = 0; i < 8; i++) {
            reference.append(REFERENCE_ALPHABET.charAt(random.nextInt(REFERENCE_ALPHABET.length())));
        }
        return reference.toString();
    }

    // ------------------------------------------------------------------ posting

    /**
     * Records a balanced transaction once. The caller has authorized it; {@code createdBy} is the person
     * behind it or null for the platform.
     *
     * @return the transaction, new or the one already made under this key with the same postings
     * @throws ProblemException 400 for postings that do not balance, 409 for a key reused for other
     *     postings, {@link InsufficientFundsException} when an organisation's account would go below zero
     */
    public Transaction post(
            TransactionKind kind,
            String idempotencyKey,
            List<Posting> postings,
            String description,
            Long createdBy,
            Long orgId) {
        check(idempotencyKey, postings, description);
        String fingerprint = fingerprint(kind, postings);
        Optional<Transaction> earlier = byKey(idempotencyKey);
        if (earlier.isPresent()) {
            return same(earlier.get(), fingerprint);
        }
        try {
            return transactions.execute(
                    status -> postOnce(kind, idempotencyKey, fingerprint, postings, description, createdBy, orgId));
        } catch (DuplicateKeyException doubleSubmit) {
            // The same key posted concurrently: the other request made the transaction.
            return same(byKey(idempotencyKey).orElseThrow(), fingerprint);
        }
    }

    /**
     * Posts, inside the caller's transaction, a transaction whose key that transaction itself makes new
     * (a purchase's, in the step that moves its contract out of REQUESTED): no earlier one is looked up.
     * Were the key used after all, its unique index would fail the caller's transaction.
     */
    Transaction postNew(
            TransactionKind kind,
            String idempotencyKey,
            List<Posting> postings,
            String description,
            Long createdBy,
            Long orgId) {
        if (!org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("postNew runs inside the transaction that makes its key new");
        }
        check(idempotencyKey, postings, description);
        return postOnce(kind, idempotencyKey, fingerprint(kind, postings), postings, description, createdBy, orgId);
    }

    private Transaction postOnce(
            TransactionKind kind,
            String idempotencyKey,
            String fingerprint,
            List<Posting> postings,
            String description,
            Long createdBy,
            Long orgId) {
        Map<Long, Long> change = new TreeMap<>();
        postings.forEach(p -> change.merge(p.accountId(), p.amount(), Long::sum));
        // To the millisecond, as the database keeps it: the transaction returned is the one read back later.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql(
                        "insert into money_transaction(kind, idempotency_key, fingerprint, description, created_by, created_at) "
                                + "values (?,?,?,?,?,?)")
                .params(kind.name(), idempotencyKey, fingerprint, description, createdBy, Timestamp.from(now))
                .update(keys, "id");
        long id = keys.getKeyAs(Number.class).longValue();
        // One statement for all the postings, in their order (their ids keep it).
        List<Object> values = new java.util.ArrayList<>(postings.size() * 3);
        for (Posting posting : postings) {
            values.add(id);
            values.add(posting.accountId());
            values.add(posting.amount());
        }
        try {
            jdbc.sql("insert into money_posting(transaction_id, account_id, amount) values "
                            + String.join(",", java.util.Collections.nCopies(postings.size(), "(?,?,?)")))
                    .params(values)
                    .update();
        } catch (org.springframework.dao.DataIntegrityViolationException noSuchAccount) {
            throw ProblemException.badRequest(
                    "money.noAccount",
                    "No account " + change.keySet(),
                    change.keySet().toString());
        }
        // The organisations' kept balances move with their postings, in account id order (no two transactions
        // wait for each other in a cycle). A debit moves only if it leaves the balance at zero or above: the
        // update is the check and the lock at once, so the account cannot be spent twice before this commits.
        // The platform's accounts keep no balance (see V30): every purchase touches them, and none waits on them.
        for (Map.Entry<Long, Long> entry : change.entrySet()) {
            long accountId = entry.getKey();
            long delta = entry.getValue();
            if (delta == 0 || !kindOf(accountId).ofOrganisation()) {
                continue;
            }
            int moved = jdbc.sql("update money_account set balance = balance + ? where id = ? and balance + ? >= 0")
                    .params(delta, accountId, delta)
                    .update();
            if (moved != 1) {
                throw new InsufficientFundsException(accountId, keptBalance(accountId), delta);
            }
        }
        audit.record(postedEvent(id, kind, postings, fingerprint, createdBy, orgId));
        return new Transaction(id, kind, idempotencyKey, description, createdBy, now, List.copyOf(postings));
    }

    // ------------------------------------------------------------------ posting many at once

    /** A transaction for {@link #recordAllNew}: as {@link #postNew} takes it. */
    public record NewTransaction(
            TransactionKind kind,
            String idempotencyKey,
            List<Posting> postings,
            String description,
            Long createdBy,
            Long orgId) {}

    /**
     * Locks the organisations' accounts among these in id order, the order every posting takes them in, so
     * that a batch moving them afterwards in any order waits in no cycle with another transaction.
     */
    public void lockAccounts(java.util.Collection<Long> accountIds) {
        List<Object> ids = accountIds.stream()
                .distinct()
                .filter(id -> kindOf(id).ofOrganisation())
                .sorted()
                .map(id -> (Object) id)
                .toList();
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("select id from money_account where id in ("
                        + String.join(",", java.util.Collections.nCopies(ids.size(), "?")) + ") order by id for update")
                .params(ids)
                .query(Long.class)
                .list();
    }

    /**
     * Takes each amount from its organisation's account where that leaves the account at zero or above,
     * in the order given, with the conditional update a single posting uses, all in one batch of statements;
     * true where it was taken. Each debit taken must then be recorded, in the same database transaction, by a
     * transaction of {@link #recordAllNew}; one not taken must not be.
     *
     * @param debits an organisation's account and a negative amount
     */
    public boolean[] debitAll(List<Posting> debits) {
        List<Object[]> rows = new ArrayList<>(debits.size());
        for (Posting debit : debits) {
            if (debit.amount() >= 0 || !kindOf(debit.accountId()).ofOrganisation()) {
                throw new IllegalArgumentException("a debit takes a negative amount from an organisation's account");
            }
            rows.add(new Object[] {debit.amount(), debit.accountId(), debit.amount()});
        }
        int[] moved = batch.batchUpdate(
                "update money_account set balance = balance + ? where id = ? and balance + ? >= 0", rows);
        boolean[] taken = new boolean[debits.size()];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = moved[i] == 1;
        }
        return taken;
    }

    /** The refusal of a debit {@link #debitAll} could not take. */
    public InsufficientFundsException insufficient(Posting debit) {
        return new InsufficientFundsException(debit.accountId(), keptBalance(debit.accountId()), debit.amount());
    }

    /**
     * Records, inside the caller's transaction, transactions whose keys that transaction makes new (as
     * {@link #postNew} does one), with one statement for all their rows, one for all their postings, one
     * for the credits to the organisations' kept balances and one for their ledger entries. Every amount
     * they take from an organisation's account must already have been taken by {@link #debitAll}.
     */
    public List<Transaction> recordAllNew(List<NewTransaction> news) {
        if (!org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("recordAllNew runs inside the transaction that makes its keys new");
        }
        if (news.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<Object> rows = new ArrayList<>(news.size() * 6);
        List<String> fingerprints = new ArrayList<>(news.size());
        for (NewTransaction t : news) {
            check(t.idempotencyKey(), t.postings(), t.description());
            String fingerprint = fingerprint(t.kind(), t.postings());
            fingerprints.add(fingerprint);
            rows.addAll(java.util.Arrays.asList(
                    t.kind().name(),
                    t.idempotencyKey(),
                    fingerprint,
                    t.description(),
                    t.createdBy(),
                    Timestamp.from(now)));
        }
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql(
                        "insert into money_transaction(kind, idempotency_key, fingerprint, description, created_by, created_at) "
                                + "values "
                                + String.join(",", java.util.Collections.nCopies(news.size(), "(?,?,?,?,?,?)")))
                .params(rows)
                .update(keys, "id", "idempotency_key");
        Map<String, Long> idByKey = new java.util.HashMap<>();
        for (Map<String, Object> key : keys.getKeyList()) {
            idByKey.put(String.valueOf(column(key, "idempotency_key")), ((Number) column(key, "id")).longValue());
        }
        List<Object> postingRows = new ArrayList<>();
        int postingCount = 0;
        Map<Long, Long> credits = new TreeMap<>();
        List<Transaction> made = new ArrayList<>(news.size());
        List<AuditEvent> entries = new ArrayList<>(news.size());
        for (int i = 0; i < news.size(); i++) {
            NewTransaction t = news.get(i);
            long id = idByKey.get(t.idempotencyKey());
            Map<Long, Long> change = new TreeMap<>();
            for (Posting posting : t.postings()) {
                postingRows.add(id);
                postingRows.add(posting.accountId());
                postingRows.add(posting.amount());
                postingCount++;
                change.merge(posting.accountId(), posting.amount(), Long::sum);
            }
            change.forEach((account, delta) -> {
                if (delta > 0 && kindOf(account).ofOrganisation()) {
                    credits.merge(account, delta, Long::sum);
                }
            });
            made.add(new Transaction(
                    id, t.kind(), t.idempotencyKey(), t.description(), t.createdBy(), now, List.copyOf(t.postings())));
            entries.add(postedEvent(id, t.kind(), t.postings(), fingerprints.get(i), t.createdBy(), t.orgId()));
        }
        jdbc.sql("insert into money_posting(transaction_id, account_id, amount) values "
                        + String.join(",", java.util.Collections.nCopies(postingCount, "(?,?,?)")))
                .params(postingRows)
                .update();
        if (!credits.isEmpty()) {
            batch.batchUpdate(
                    "update money_account set balance = balance + ? where id = ?",
                    credits.entrySet().stream()
                            .map(e -> new Object[] {e.getValue(), e.getKey()})
                            .toList());
        }
        audit.recordAll(entries);
        return made;
    }

    /** A generated key's column, whatever case the database names it in. */
    private static Object column(Map<String, Object> key, String name) {
        for (Map.Entry<String, Object> entry : key.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        throw new IllegalStateException("the database returned no " + name + " among " + key.keySet());
    }

    /** The ledger entry of a transaction posted. */
    private static AuditEvent postedEvent(
            long id, TransactionKind kind, List<Posting> postings, String fingerprint, Long createdBy, Long orgId) {
        long moved = postings.stream()
                .filter(p -> p.amount() > 0)
                .mapToLong(Posting::amount)
                .sum();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("transaction", Long.toString(id));
        details.put("kind", kind.name());
        details.put("amount", Long.toString(moved));
        details.put("postings", fingerprint);
        return new AuditEvent(
                EventType.MONEY_POSTED,
                createdBy,
                null,
                orgId,
                AuditEvent.Outcome.SUCCESS,
                null,
                kind + " " + id + ": " + moved + " đồng",
                details);
    }

    private static void check(String idempotencyKey, List<Posting> postings, String description) {
        if (idempotencyKey == null || idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw ProblemException.badRequest(
                    "money.keyMissing", "Every money transaction needs an idempotency key of 1-200 characters");
        }
        if (postings.size() < 2) {
            throw ProblemException.badRequest(
                    "money.tooFewPostings", "A transaction moves money between at least two accounts");
        }
        long sum = 0;
        for (Posting posting : postings) {
            if (posting.amount() == 0) {
                throw ProblemException.badRequest("money.zeroPosting", "A posting moves a non-zero amount");
            }
            sum = Math.addExact(sum, posting.amount());
        }
        if (sum != 0) {
            throw ProblemException.badRequest("money.unbalanced", "The postings sum to " + sum + " đồng, not 0");
        }
        if (description == null || description.isBlank() || description.length() > 500) {
            throw ProblemException.badRequest(
                    "money.descriptionMissing", "Describe the transaction in 1-500 characters");
        }
    }

    private static Transaction same(Transaction earlier, String fingerprint) {
        if (!fingerprint(earlier.kind(), earlier.postings()).equals(fingerprint)) {
            throw ProblemException.conflict(
                    "money.keyReused", "This idempotency key was used for a different transaction; use a new key");
        }
        return earlier;
    }

    /** SHA-256 of the kind and the postings in a fixed order: what makes two requests the same transaction. */
    static String fingerprint(TransactionKind kind, List<Posting> postings) {
        StringBuilder text = new StringBuilder(kind.name());
        postings.stream()
                .sorted(Comparator.comparingLong(Posting::accountId).thenComparingLong(Posting::amount))
                .forEach(p -> text.append('|').append(p.accountId()).append(':').append(p.amount()));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ reading

    public Optional<Transaction> byKey(String idempotencyKey) {
        return jdbc.sql("select id from money_transaction where idempotency_key = ?")
                .param(idempotencyKey)
                .query(Long.class)
                .optional()
                .flatMap(this::byId);
    }

    public Optional<Transaction> byId(long id) {
        List<Posting> postings = jdbc.sql(
                        "select account_id, amount from money_posting where transaction_id = ? order by id")
                .param(id)
                .query((rs, n) -> new Posting(rs.getLong(1), rs.getLong(2)))
                .list();
        return jdbc.sql(
                        "select id, kind, idempotency_key, description, created_by, created_at from money_transaction where id = ?")
                .param(id)
                .query((rs, n) -> new Transaction(
                        rs.getLong(1),
                        TransactionKind.valueOf(rs.getString(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getObject(5, Long.class),
                        rs.getTimestamp(6).toInstant(),
                        postings))
                .optional();
    }

    /** The newest transactions touching the account, newest first. */
    public List<Transaction> transactionsOf(long accountId, int limit) {
        // The database limits the list: an account's history grows without end, the page shows a few.
        List<Long> ids = jdbc.sql(
                        "select distinct t.id from money_transaction t join money_posting p on p.transaction_id = t.id "
                                + "where p.account_id = ? order by t.id desc fetch first ? rows only")
                .params(accountId, limit)
                .query(Long.class)
                .list();
        List<Transaction> found = new ArrayList<>();
        for (long id : ids) {
            byId(id).ifPresent(found::add);
        }
        return found;
    }

    /** Every account's balance from its postings, and their sum. */
    public TrialBalance trialBalance() {
        List<Balance> balances = jdbc.sql("""
                        select a.id, a.org_id, a.kind, a.reference, o.name, coalesce(sum(p.amount), 0)
                        from money_account a
                        left join organisation o on o.id = a.org_id
                        left join money_posting p on p.account_id = a.id
                        group by a.id, a.org_id, a.kind, a.reference, o.name
                        order by a.org_id nulls first, a.kind""")
                .query((rs, n) -> new Balance(account(rs, n), rs.getString(5), rs.getLong(6)))
                .list();
        long total = jdbc.sql("select coalesce(sum(amount), 0) from money_posting")
                .query(Long.class)
                .single();
        long count = jdbc.sql("select count(*) from money_transaction")
                .query(Long.class)
                .single();
        List<Long> drifted = jdbc.sql("""
                        select a.id from money_account a left join money_posting p on p.account_id = a.id
                        where a.org_id is not null
                        group by a.id, a.balance having a.balance <> coalesce(sum(p.amount), 0)
                        order by a.id""").query(Long.class).list();
        return new TrialBalance(balances, total, count, drifted);
    }

    private static Account account(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Account(
                rs.getLong(1), rs.getObject(2, Long.class), AccountKind.valueOf(rs.getString(3)), rs.getString(4));
    }
}
