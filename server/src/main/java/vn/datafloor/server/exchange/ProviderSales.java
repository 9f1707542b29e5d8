package vn.datafloor.server.exchange;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemException;

/**
 * A provider's sales: its products and offers, what it sold to whom, how its products are used,
 * what it earned (net, VAT, the platform's fee) and the requests waiting for its decision. Its own
 * staff see it; the operator and auditors see every provider's.
 */
@Service
public class ProviderSales {

    public record ProductLine(long id, String title, ProductService.Status status) {}

    public record OfferLine(
            long id,
            long productId,
            String product,
            String title,
            OfferService.PriceModel priceModel,
            long price,
            int sold,
            Integer quantity,
            boolean active) {}

    /** Contracts, value invoiced and units used, for one product or one buyer. */
    public record Tally(long id, String name, long contracts, long value, long units) {}

    /** One day's or month's revenue: invoiced net, VAT and total (credit notes deducted), the platform's fee. */
    public record RevenuePoint(String label, long net, long vat, long total, long platformFee) {}

    public record UsagePoint(String label, long units) {}

    public record Waiting(
            long contractId,
            String product,
            String buyer,
            String purpose,
            String scenario,
            Instant requestedAt,
            long price) {}

    public record Sales(
            long orgId,
            String organisation,
            MarketSupervision.Filter filter,
            List<ProductLine> products,
            List<OfferLine> offers,
            List<Tally> byProduct,
            List<Tally> byBuyer,
            List<UsagePoint> usage,
            List<RevenuePoint> revenue,
            RevenuePoint totals,
            List<Waiting> waiting,
            boolean mayDecide) {}

    private final JdbcClient jdbc;
    private final AccessPolicy policy;
    private final OrganisationService organisations;

    ProviderSales(JdbcClient jdbc, AccessPolicy policy, OrganisationService organisations) {
        this.jdbc = jdbc;
        this.policy = policy;
        this.organisations = organisations;
    }

    /** The organisation itself by default; another only for those who see every provider's sales. */
    public long organisationFor(Actor actor, Long requested) {
        if (requested != null) {
            return requested;
        }
        if (actor.orgId() == null) {
            throw ProblemException.badRequest("sales.noOrganisation", "Name the provider organisation (org=)");
        }
        return actor.orgId();
    }

    /** Organisations with products on the exchange, for those who may look at any provider. */
    public List<Organisation> providers(Actor actor) {
        if (!policy.seesAllTenants(actor, Action.VIEW_SALES)) {
            return List.of();
        }
        return jdbc
                .sql("select distinct org_id from exchange_product order by org_id")
                .query(Long.class)
                .list()
                .stream()
                .flatMap(id -> organisations.find(id).stream())
                .toList();
    }

    public Sales of(Actor actor, long orgId, MarketSupervision.Filter period) {
        policy.require(actor, Action.VIEW_SALES, orgId);
        Organisation organisation =
                organisations.find(orgId).orElseThrow(() -> ProblemException.notFound("No organisation " + orgId));
        // The provider is this organisation whatever the filter named.
        MarketSupervision.Filter filter =
                new MarketSupervision.Filter(period.from(), period.to(), orgId, period.model(), period.by());
        MarketSupervision.Scope scope = MarketSupervision.scope(filter);
        Timestamp start = Timestamp.from(filter.start());
        Timestamp end = Timestamp.from(filter.end());

        List<ProductLine> products = jdbc.sql(
                        "select id, title, status from exchange_product where org_id = ? order by id")
                .param(orgId)
                .query((rs, n) ->
                        new ProductLine(rs.getLong(1), rs.getString(2), ProductService.Status.valueOf(rs.getString(3))))
                .list();
        List<OfferLine> offers = jdbc.sql("""
                        select o.id, p.id, p.title, o.title, o.price_model, o.price, o.sold, o.quantity, o.active
                        from exchange_offer o join exchange_product p on p.id = o.product_id
                        where p.org_id = ? order by p.id, o.id""")
                .param(orgId)
                .query((rs, n) -> new OfferLine(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        OfferService.PriceModel.valueOf(rs.getString(5)),
                        rs.getLong(6),
                        rs.getInt(7),
                        rs.getObject(8, Integer.class),
                        rs.getBoolean(9)))
                .list();

        // Sold: agreements reached in the period; value: what was invoiced in it (credit notes deducted).
        Map<Long, long[]> perProduct = new LinkedHashMap<>();
        Map<Long, long[]> perBuyer = new LinkedHashMap<>();
        jdbc.sql("""
                        select c.product_id, c.buyer_org, count(*) from exchange_contract c
                        join exchange_offer o on o.id = c.offer_id
                        where c.agreed_at >= ? and c.agreed_at < ?""" + " " + scope.sql() + " group by c.product_id, c.buyer_org")
                .params(scope.with(start, end))
                .query((rs, n) -> {
                    perProduct.computeIfAbsent(rs.getLong(1), k -> new long[3])[0] += rs.getLong(3);
                    perBuyer.computeIfAbsent(rs.getLong(2), k -> new long[3])[0] += rs.getLong(3);
                    return null;
                })
                .list();
        Map<String, long[]> revenue = MarketSupervision.buckets(filter);
        Map<String, long[]> fees = MarketSupervision.buckets(filter);
        jdbc.sql("""
                        select c.product_id, c.buyer_org, i.issued_at, i.net, i.vat, i.total from exchange_invoice i
                        join exchange_contract c on c.id = i.contract_id join exchange_offer o on o.id = c.offer_id
                        where i.seller_org = ? and i.issued_at >= ? and i.issued_at < ?""" + " " + scope.sql())
                .params(scope.with(orgId, start, end))
                .query((rs, n) -> {
                    long total = rs.getLong(6);
                    perProduct.computeIfAbsent(rs.getLong(1), k -> new long[3])[1] += total;
                    perBuyer.computeIfAbsent(rs.getLong(2), k -> new long[3])[1] += total;
                    long[] bucket = MarketSupervision.bucket(
                            revenue, filter, rs.getTimestamp(3).toInstant());
                    bucket[0] += rs.getLong(4);
                    bucket[1] += rs.getLong(5);
                    bucket[2] += total;
                    return null;
                })
                .list();
        // The platform's fee is fixed on the contract when it is agreed.
        jdbc.sql("""
                        select c.agreed_at, c.platform_fee from exchange_contract c join exchange_offer o on o.id = c.offer_id
                        where c.agreed_at >= ? and c.agreed_at < ? and c.state <> 'TERMINATED'""" + " " + scope.sql())
                .params(scope.with(start, end))
                .query((rs, n) ->
                        MarketSupervision.bucket(
                                fees, filter, rs.getTimestamp(1).toInstant())[0] += rs.getLong(2))
                .list();
        Map<String, long[]> usage = MarketSupervision.buckets(filter);
        jdbc.sql("""
                        select c.product_id, c.buyer_org, u.recorded_at, u.units from exchange_usage u
                        join exchange_contract c on c.id = u.contract_id join exchange_offer o on o.id = c.offer_id
                        where u.recorded_at >= ? and u.recorded_at < ?""" + " " + scope.sql())
                .params(scope.with(start, end))
                .query((rs, n) -> {
                    long units = rs.getLong(4);
                    perProduct.computeIfAbsent(rs.getLong(1), k -> new long[3])[2] += units;
                    perBuyer.computeIfAbsent(rs.getLong(2), k -> new long[3])[2] += units;
                    MarketSupervision.bucket(usage, filter, rs.getTimestamp(3).toInstant())[0] += units;
                    return null;
                })
                .list();

        Map<Long, String> titles = new LinkedHashMap<>();
        products.forEach(p -> titles.put(p.id(), p.title()));
        List<Tally> byProduct = new ArrayList<>();
        perProduct.forEach(
                (id, v) -> byProduct.add(new Tally(id, titles.getOrDefault(id, "#" + id), v[0], v[1], v[2])));
        byProduct.sort((a, b) -> Long.compare(b.value(), a.value()));
        List<Tally> byBuyer = new ArrayList<>();
        perBuyer.forEach((id, v) -> byBuyer.add(new Tally(id, name(id), v[0], v[1], v[2])));
        byBuyer.sort((a, b) -> Long.compare(b.value(), a.value()));

        List<RevenuePoint> revenuePoints = new ArrayList<>();
        long net = 0;
        long vat = 0;
        long total = 0;
        long fee = 0;
        for (Map.Entry<String, long[]> e : revenue.entrySet()) {
            long[] r = e.getValue();
            long f = fees.getOrDefault(e.getKey(), new long[3])[0];
            revenuePoints.add(new RevenuePoint(e.getKey(), r[0], r[1], r[2], f));
            net += r[0];
            vat += r[1];
            total += r[2];
            fee += f;
        }
        List<UsagePoint> usagePoints = new ArrayList<>();
        usage.forEach((label, v) -> usagePoints.add(new UsagePoint(label, v[0])));

        List<Waiting> waiting = jdbc.sql("""
                        select c.id, p.title, c.buyer_org, c.purpose, c.scenario, c.requested_at, c.price
                        from exchange_contract c join exchange_product p on p.id = c.product_id
                        where c.provider_org = ? and c.state = 'REQUESTED' order by c.requested_at, c.id""")
                .param(orgId)
                .query((rs, n) -> new Waiting(
                        rs.getLong(1),
                        rs.getString(2),
                        name(rs.getLong(3)),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getLong(7)))
                .list();

        return new Sales(
                orgId,
                organisation.name(),
                filter,
                products,
                offers,
                byProduct,
                byBuyer,
                usagePoints,
                revenuePoints,
                new RevenuePoint("", net, vat, total, fee),
                waiting,
                policy.decide(actor, Action.DECIDE_CONTRACTS, orgId).allowed());
    }

    private String name(long orgId) {
        return organisations.find(orgId).map(Organisation::name).orElse("#" + orgId);
    }
}
