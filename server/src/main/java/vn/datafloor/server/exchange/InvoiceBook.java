package vn.datafloor.server.exchange;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;

/**
 * Invoices, numbered without gaps per seller. The number comes from the seller's counter row, which
 * the issuing transaction locks and increments: a transaction that rolls back gives its number back,
 * two that commit never share one.
 */
@Service
public class InvoiceBook {

    public enum Kind {
        PURCHASE,
        SUBSCRIPTION,
        USAGE,
        AUCTION,
        /** A refund: negative amounts against an earlier invoice. */
        CREDIT_NOTE
    }

    public record Invoice(
            long id,
            long sellerOrg,
            long number,
            long buyerOrg,
            long contractId,
            long transactionId,
            Kind kind,
            String description,
            long net,
            int vatPercent,
            long vat,
            long total,
            Instant issuedAt) {}

    private final JdbcClient jdbc;
    /** For statements run as one JDBC batch. */
    private final org.springframework.jdbc.core.JdbcTemplate batch;

    private final AccessPolicy policy;
    private final Clock clock;

    InvoiceBook(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate batch, AccessPolicy policy, Clock clock) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.policy = policy;
        this.clock = clock;
    }

    /** Sellers whose counter was seen committed: counters are never deleted. */
    private final java.util.Set<Long> prepared = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Creates the seller's counter if it has none. Called before the issuing transaction starts: a
     * concurrent creation is then harmless, where inside a PostgreSQL transaction it would abort it.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void prepare(long sellerOrg) {
        if (prepared.contains(sellerOrg)) {
            return;
        }
        boolean exists = jdbc.sql("select count(*) from exchange_invoice_counter where seller_org = ?")
                        .param(sellerOrg)
                        .query(Long.class)
                        .single()
                > 0;
        if (!exists) {
            try {
                jdbc.sql("insert into exchange_invoice_counter(seller_org, last_number) values (?, 0)")
                        .param(sellerOrg)
                        .update();
            } catch (DuplicateKeyException concurrentlyCreated) {
                // another transaction created it: the same row serves both
            }
        }
        if (exists) {
            prepared.add(sellerOrg);
        }
    }

    /** An invoice for {@link #issueAll}: what {@link #issue} takes. */
    record NewInvoice(
            long sellerOrg,
            long buyerOrg,
            long contractId,
            long transactionId,
            Kind kind,
            String description,
            long net,
            int vatPercent,
            long vat) {}

    /**
     * Issues several invoices in the caller's transaction, numbered per seller in the order given without
     * gaps, as {@link #issue} would one by one: one counter update per seller, one read of the counters and
     * one insert for all the invoices.
     */
    void issueAll(List<NewInvoice> news) {
        if (news.isEmpty()) {
            return;
        }
        Map<Long, Integer> perSeller = new java.util.TreeMap<>();
        news.forEach(n -> perSeller.merge(n.sellerOrg(), 1, Integer::sum));
        int[] updated = batch.batchUpdate(
                "update exchange_invoice_counter set last_number = last_number + ? where seller_org = ?",
                perSeller.entrySet().stream()
                        .map(e -> new Object[] {e.getValue(), e.getKey()})
                        .toList());
        for (int count : updated) {
            if (count != 1) {
                throw new IllegalStateException(
                        "No invoice counter for a seller of " + perSeller.keySet() + ": call prepare first");
            }
        }
        Map<Long, Long> next = new java.util.HashMap<>();
        jdbc.sql("select seller_org, last_number from exchange_invoice_counter where seller_org in ("
                        + String.join(",", java.util.Collections.nCopies(perSeller.size(), "?")) + ")")
                .params(new java.util.ArrayList<Object>(perSeller.keySet()))
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getLong(2)))
                .list()
                .forEach(e -> next.put(e.getKey(), e.getValue() - perSeller.get(e.getKey()) + 1));
        Timestamp issuedAt = Timestamp.from(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        List<Object> values = new java.util.ArrayList<>(news.size() * 12);
        for (NewInvoice n : news) {
            long number = next.merge(n.sellerOrg(), 1L, Long::sum) - 1;
            String text = n.description().length() > 500 ? n.description().substring(0, 500) : n.description();
            values.addAll(java.util.Arrays.asList(
                    n.sellerOrg(),
                    number,
                    n.buyerOrg(),
                    n.contractId(),
                    n.transactionId(),
                    n.kind().name(),
                    text,
                    n.net(),
                    n.vatPercent(),
                    n.vat(),
                    n.net() + n.vat(),
                    issuedAt));
        }
        jdbc.sql("insert into exchange_invoice(seller_org, number, buyer_org, contract_id, transaction_id, kind, "
                        + "description, net, vat_percent, vat, total, issued_at) values "
                        + String.join(",", java.util.Collections.nCopies(news.size(), "(?,?,?,?,?,?,?,?,?,?,?,?)")))
                .params(values)
                .update();
    }

    /** Issues the next invoice of the seller, in the caller's transaction (after {@link #prepare}). */
    public Invoice issue(
            long sellerOrg,
            long buyerOrg,
            long contractId,
            long transactionId,
            Kind kind,
            String description,
            long net,
            int vatPercent,
            long vat) {
        int updated = jdbc.sql("update exchange_invoice_counter set last_number = last_number + 1 where seller_org = ?")
                .param(sellerOrg)
                .update();
        if (updated != 1) {
            throw new IllegalStateException("No invoice counter for seller " + sellerOrg + ": call prepare first");
        }
        long number = jdbc.sql("select last_number from exchange_invoice_counter where seller_org = ?")
                .param(sellerOrg)
                .query(Long.class)
                .single();
        Instant issuedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String text = description.length() > 500 ? description.substring(0, 500) : description;
        org.springframework.jdbc.support.KeyHolder keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("""
                        insert into exchange_invoice(seller_org, number, buyer_org, contract_id, transaction_id, kind,
                          description, net, vat_percent, vat, total, issued_at) values (?,?,?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        sellerOrg,
                        number,
                        buyerOrg,
                        contractId,
                        transactionId,
                        kind.name(),
                        text,
                        net,
                        vatPercent,
                        vat,
                        net + vat,
                        Timestamp.from(issuedAt))
                .update(keys, "id");
        return new Invoice(
                keys.getKeyAs(Number.class).longValue(),
                sellerOrg,
                number,
                buyerOrg,
                contractId,
                transactionId,
                kind,
                text,
                net,
                vatPercent,
                vat,
                net + vat,
                issuedAt);
    }

    /** The organisation's invoices as seller or buyer, newest first. */
    public List<Invoice> of(Actor actor, long orgId, int limit) {
        policy.require(actor, Action.VIEW_MONEY, orgId);
        return invoices(
                "where seller_org = ? or buyer_org = ? order by issued_at desc, id desc fetch first " + limit
                        + " rows only",
                orgId,
                orgId);
    }

    public List<Invoice> ofContract(long contractId) {
        return invoices("where contract_id = ? order by id", contractId);
    }

    List<Invoice> invoices(String where, Object... params) {
        return jdbc.sql(
                        "select id, seller_org, number, buyer_org, contract_id, transaction_id, kind, description, net, "
                                + "vat_percent, vat, total, issued_at from exchange_invoice " + where)
                .params(params)
                .query(InvoiceBook::invoice)
                .list();
    }

    private static Invoice invoice(ResultSet rs, int n) throws SQLException {
        return new Invoice(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getLong(6),
                Kind.valueOf(rs.getString(7)),
                rs.getString(8),
                rs.getLong(9),
                rs.getInt(10),
                rs.getLong(11),
                rs.getLong(12),
                rs.getTimestamp(13).toInstant());
    }
}
