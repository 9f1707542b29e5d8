package vn.datafloor.server.exchange;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemException;

/**
 * The operator's and auditors' view of the market: listings, trades and their value over a period,
 * the products that sell, the contracts in force, and alerts on what looks wrong (usage spikes,
 * repeated refusals, buyers whose declared purposes do not hold together, agreements about to end).
 * Read-only SQL over the exchange's tables: nothing here changes the market.
 */
@Service
public class MarketSupervision {

    /** How figures over time are grouped. */
    public enum Granularity {
        DAY,
        MONTH
    }

    /**
     * What the figures cover: a period of whole days (Vietnam time, both ends included), optionally one
     * provider organisation and one price model.
     */
    public record Filter(LocalDate from, LocalDate to, Long provider, PriceModel model, Granularity by) {

        /** The period's first instant. */
        public Instant start() {
            return from.atStartOfDay(ContractService.VIETNAM).toInstant();
        }

        /** The instant after the period: the next day's midnight. */
        public Instant end() {
            return to.plusDays(1).atStartOfDay(ContractService.VIETNAM).toInstant();
        }

        /** The filter as query parameters, for links (the CSV export, the next page). */
        public String query() {
            StringBuilder q = new StringBuilder("from=" + from + "&to=" + to);
            if (provider != null) {
                q.append("&provider=").append(provider);
            }
            if (model != null) {
                q.append("&model=").append(model);
            }
            return q.toString();
        }
    }

    /** Longest period one request may cover: enough for three years of months, not an unbounded scan. */
    static final int MAX_DAYS = 1_100;

    /** Trades, their value and credit notes in one day or month. */
    public record Point(String label, long contracts, long value, long credits) {}

    /** A product in a ranking. */
    public record Ranked(long productId, String title, String provider, long contracts, long value) {}

    public record Overview(
            Filter filter,
            Map<ProductService.Status, Long> listings,
            Map<ContractService.State, Long> contractsByState,
            long contracts,
            long agreements,
            long value,
            long credits,
            long activeContracts,
            List<Point> series,
            List<Ranked> topByValue,
            List<Ranked> topByContracts,
            Long auctions,
            Long disputes,
            List<Alert> alerts) {}

    public enum AlertKind {
        USAGE_SPIKE,
        REPEATED_DENIALS,
        INCONSISTENT_PURPOSES,
        EXPIRING
    }

    /**
     * Something for the supervisor to look at: what triggered it ({@code subject}, the {@code figure}
     * measured and the {@code reference} it was compared with), in words, and where to look.
     */
    public record Alert(AlertKind kind, String subject, long figure, long reference, String detail, String link) {}

    /** Usage in the last day above this many times the daily average of the 30 days before is a spike. */
    static final int SPIKE_FACTOR = 5;

    static final int SPIKE_BASE_DAYS = 30;

    /** Refusals of one organisation's orders within 24 hours that make an alert. */
    static final int DENIALS = 3;

    /** More distinct purposes than this across one buyer's contracts make an alert. */
    static final int MAX_PURPOSES = 3;

    static final Duration EXPIRY_NOTICE = Duration.ofDays(14);

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final AccessPolicy policy;
    private final OrganisationService organisations;
    private final ProductService products;
    private final AuditQueries auditQueries;
    private final Clock clock;
    private final long spikeMinimum;

    /** Whether an optional table (auctions, disputes: added by later migrations) exists, looked up once. */
    private final Map<String, Boolean> tables = new ConcurrentHashMap<>();

    MarketSupervision(
            JdbcClient jdbc,
            DataSource dataSource,
            AccessPolicy policy,
            OrganisationService organisations,
            ProductService products,
            AuditQueries auditQueries,
            Clock clock,
            @Value("${datafloor.exchange.supervision.spike-minimum:100}") long spikeMinimum) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.policy = policy;
        this.organisations = organisations;
        this.products = products;
        this.auditQueries = auditQueries;
        this.clock = clock;
        this.spikeMinimum = spikeMinimum;
    }

    /** A filter from request parameters: the last 30 days by default, by day up to two months, else by month. */
    public Filter filter(LocalDate from, LocalDate to, Long provider, String model, String by) {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ContractService.VIETNAM);
        LocalDate end = to == null ? today : to;
        LocalDate start = from == null ? end.minusDays(29) : from;
        if (start.isAfter(end)) {
            throw ProblemException.badRequest("supervision.period", "The period's start is after its end");
        }
        long days = ChronoUnit.DAYS.between(start, end) + 1;
        if (days > MAX_DAYS) {
            throw ProblemException.badRequest(
                    "supervision.periodTooLong", "A period covers at most " + MAX_DAYS + " days", MAX_DAYS);
        }
        PriceModel priceModel = null;
        if (model != null && !model.isBlank()) {
            try {
                priceModel = PriceModel.valueOf(model.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("supervision.modelUnknown", "No price model " + model.strip());
            }
        }
        Granularity granularity;
        if (by == null || by.isBlank()) {
            granularity = days <= 62 ? Granularity.DAY : Granularity.MONTH;
        } else {
            try {
                granularity = Granularity.valueOf(by.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("supervision.byUnknown", "Group by DAY or MONTH");
            }
        }
        if (granularity == Granularity.DAY && days > 400) {
            throw ProblemException.badRequest("supervision.byDay", "More than 400 days are grouped by month");
        }
        return new Filter(start, end, provider, priceModel, granularity);
    }

    // ------------------------------------------------------------------ the dashboard

    public Overview overview(Actor actor, Filter filter) {
        policy.require(actor, Action.SUPERVISE_MARKET);
        Names names = new Names();
        Scope scope = scope(filter);

        Map<ProductService.Status, Long> listings = new EnumMap<>(ProductService.Status.class);
        for (ProductService.Status status : ProductService.Status.values()) {
            listings.put(status, 0L);
        }
        jdbc.sql("select status, count(*) from exchange_product"
                        + (filter.provider() == null ? "" : " where org_id = ?")
                        + " group by status")
                .params(filter.provider() == null ? List.of() : List.of(filter.provider()))
                .query((rs, n) -> listings.put(ProductService.Status.valueOf(rs.getString(1)), rs.getLong(2)))
                .list();

        Map<ContractService.State, Long> byState = new EnumMap<>(ContractService.State.class);
        for (ContractService.State state : ContractService.State.values()) {
            byState.put(state, 0L);
        }
        jdbc.sql("""
                        select c.state, count(*) from exchange_contract c join exchange_offer o on o.id = c.offer_id
                        where c.requested_at >= ? and c.requested_at < ?""" + " " + scope.sql() + " group by c.state")
                .params(scope.with(Timestamp.from(filter.start()), Timestamp.from(filter.end())))
                .query((rs, n) -> byState.put(ContractService.State.valueOf(rs.getString(1)), rs.getLong(2)))
                .list();
        long contracts = byState.values().stream().mapToLong(Long::longValue).sum();

        // Trades are agreements reached in the period; their value is what was invoiced in it.
        List<Instant> agreedAt = jdbc.sql("""
                        select c.agreed_at from exchange_contract c join exchange_offer o on o.id = c.offer_id
                        where c.agreed_at >= ? and c.agreed_at < ?""" + " " + scope.sql())
                .params(scope.with(Timestamp.from(filter.start()), Timestamp.from(filter.end())))
                .query((rs, n) -> rs.getTimestamp(1).toInstant())
                .list();
        record Billed(Instant at, boolean credit, long total) {}
        List<Billed> billed = jdbc.sql("""
                        select i.issued_at, i.kind, i.total from exchange_invoice i
                        join exchange_contract c on c.id = i.contract_id join exchange_offer o on o.id = c.offer_id
                        where i.issued_at >= ? and i.issued_at < ?""" + " " + scope.sql())
                .params(scope.with(Timestamp.from(filter.start()), Timestamp.from(filter.end())))
                .query((rs, n) -> new Billed(
                        rs.getTimestamp(1).toInstant(), "CREDIT_NOTE".equals(rs.getString(2)), rs.getLong(3)))
                .list();
        Map<String, long[]> buckets = buckets(filter);
        for (Instant at : agreedAt) {
            bucket(buckets, filter, at)[0]++;
        }
        long value = 0;
        long credits = 0;
        for (Billed b : billed) {
            long[] bucket = bucket(buckets, filter, b.at());
            if (b.credit()) {
                bucket[2] += b.total();
                credits += b.total();
            } else {
                bucket[1] += b.total();
                value += b.total();
            }
        }
        List<Point> series = new ArrayList<>();
        buckets.forEach((label, v) -> series.add(new Point(label, v[0], v[1], v[2])));

        List<Ranked> topByValue = jdbc.sql(
                        """
                        select c.product_id, count(distinct c.id), sum(i.total) from exchange_invoice i
                        join exchange_contract c on c.id = i.contract_id join exchange_offer o on o.id = c.offer_id
                        where i.kind <> 'CREDIT_NOTE' and i.issued_at >= ? and i.issued_at < ?""" + " " + scope.sql() + " group by c.product_id order by 3 desc, 1 fetch first 5 rows only")
                .params(scope.with(Timestamp.from(filter.start()), Timestamp.from(filter.end())))
                .query((rs, n) -> ranked(names, rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .list();
        List<Ranked> topByContracts = jdbc.sql(
                        """
                        select c.product_id, count(*) from exchange_contract c join exchange_offer o on o.id = c.offer_id
                        where c.agreed_at >= ? and c.agreed_at < ?""" + " " + scope.sql() + " group by c.product_id order by 2 desc, 1 fetch first 5 rows only")
                .params(scope.with(Timestamp.from(filter.start()), Timestamp.from(filter.end())))
                .query((rs, n) -> ranked(names, rs.getLong(1), rs.getLong(2), 0))
                .list();

        Instant now = clock.instant();
        long active = jdbc.sql("""
                        select count(*) from exchange_contract c join exchange_offer o on o.id = c.offer_id
                        where c.state = 'FINALIZED' and c.terminated_at is null and c.starts_at <= ?
                          and (c.ends_at is null or c.ends_at > ?)""" + " " + scope.sql())
                .params(scope.with(Timestamp.from(now), Timestamp.from(now)))
                .query(Long.class)
                .single();

        return new Overview(
                filter,
                listings,
                byState,
                contracts,
                agreedAt.size(),
                value,
                credits,
                active,
                series,
                topByValue,
                topByContracts,
                countIfPresent("exchange_auction"),
                countIfPresent("exchange_dispute"),
                alerts(actor));
    }

    private Ranked ranked(Names names, long productId, long contracts, long value) {
        Optional<ProductService.Product> product = products.product(productId);
        return new Ranked(
                productId,
                product.map(ProductService.Product::title).orElse("#" + productId),
                product.map(p -> names.of(p.orgId())).orElse(""),
                contracts,
                value);
    }

    /**
     * The number of rows of a table other parts of the exchange add in later migrations (auctions,
     * disputes), or null where this database has no such table yet: the dashboard shows what exists.
     */
    Long countIfPresent(String table) {
        boolean present = tables.computeIfAbsent(table, this::tableExists);
        if (!present) {
            return null;
        }
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    private boolean tableExists(String table) {
        try (var connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            // H2 keeps unquoted names upper case, PostgreSQL lower case.
            for (String name : List.of(table.toUpperCase(java.util.Locale.ROOT), table)) {
                try (ResultSet rs = meta.getTables(null, null, name, new String[] {"TABLE"})) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the database's tables", e);
        }
    }

    // ------------------------------------------------------------------ alerts

    /** What needs a look now, whatever the dashboard's filter: the alerts are about the present. */
    public List<Alert> alerts(Actor actor) {
        policy.require(actor, Action.SUPERVISE_MARKET);
        Names names = new Names();
        List<Alert> alerts = new ArrayList<>();
        alerts.addAll(usageSpikes(names));
        alerts.addAll(repeatedDenials(names));
        alerts.addAll(inconsistentPurposes(names));
        alerts.addAll(expiring(names));
        return alerts;
    }

    private List<Alert> usageSpikes(Names names) {
        Instant now = clock.instant();
        Instant dayAgo = now.minus(Duration.ofDays(1));
        Instant baseStart = dayAgo.minus(Duration.ofDays(SPIKE_BASE_DAYS));
        record Usage(long contract, long buyer, long lastDay, long before) {}
        List<Usage> usage = jdbc.sql("""
                        select u.contract_id, c.buyer_org,
                          sum(case when u.recorded_at >= ? then u.units else 0 end),
                          sum(case when u.recorded_at < ? then u.units else 0 end)
                        from exchange_usage u join exchange_contract c on c.id = u.contract_id
                        where u.recorded_at >= ? and u.recorded_at <= ?
                        group by u.contract_id, c.buyer_org order by u.contract_id""")
                .params(Timestamp.from(dayAgo), Timestamp.from(dayAgo), Timestamp.from(baseStart), Timestamp.from(now))
                .query((rs, n) -> new Usage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .list();
        List<Alert> alerts = new ArrayList<>();
        for (Usage u : usage) {
            // lastDay > 5 × (before / 30), kept in whole numbers.
            boolean spike =
                    u.lastDay() >= spikeMinimum && u.lastDay() * SPIKE_BASE_DAYS > (long) SPIKE_FACTOR * u.before();
            if (spike) {
                long average = Math.round((double) u.before() / SPIKE_BASE_DAYS);
                String subject = "#" + u.contract() + " (" + names.of(u.buyer()) + ")";
                alerts.add(new Alert(
                        AlertKind.USAGE_SPIKE,
                        subject,
                        u.lastDay(),
                        average,
                        "Contract " + subject + " used " + u.lastDay() + " units in the last 24 h, more than "
                                + SPIKE_FACTOR + "× its daily average of " + average + " over the 30 days before",
                        "/api/exchange/contracts/" + u.contract()));
            }
        }
        return alerts;
    }

    private List<Alert> repeatedDenials(Names names) {
        Instant dayAgo = clock.instant().minus(Duration.ofDays(1));
        LocalDate since = LocalDate.ofInstant(dayAgo, ContractService.VIETNAM);
        return auditQueries.countsByOrganisation(EventType.EXCHANGE_REQUEST_DENIED, dayAgo, DENIALS).stream()
                .map(c -> new Alert(
                        AlertKind.REPEATED_DENIALS,
                        names.of(c.orgId()),
                        c.count(),
                        DENIALS,
                        names.of(c.orgId()) + " had " + c.count() + " orders refused by the terms in the last 24 h",
                        "/audit?type=" + EventType.EXCHANGE_REQUEST_DENIED + "&from=" + since))
                .toList();
    }

    private List<Alert> inconsistentPurposes(Names names) {
        List<Alert> alerts = new ArrayList<>();
        // Refused or withdrawn requests count too: a buyer trying purpose after purpose is the point.
        record PerProduct(long buyer, long product, long purposes, long lastContract) {}
        jdbc.sql("""
                        select buyer_org, product_id, count(distinct purpose), max(id) from exchange_contract
                        group by buyer_org, product_id having count(distinct purpose) > 1
                        order by buyer_org, product_id""")
                .query((rs, n) -> new PerProduct(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                .list()
                .forEach(p -> {
                    String product = names.product(p.product());
                    String subject = names.of(p.buyer()) + " · " + product;
                    alerts.add(new Alert(
                            AlertKind.INCONSISTENT_PURPOSES,
                            subject,
                            p.purposes(),
                            1,
                            names.of(p.buyer()) + " declared " + p.purposes() + " different purposes for contracts on "
                                    + product,
                            "/api/exchange/contracts/" + p.lastContract()));
                });
        jdbc.sql("""
                        select buyer_org, count(distinct purpose), max(id) from exchange_contract
                        group by buyer_org having count(distinct purpose) > ? order by buyer_org""")
                .param(MAX_PURPOSES)
                .query((rs, n) -> new Alert(
                        AlertKind.INCONSISTENT_PURPOSES,
                        names.of(rs.getLong(1)),
                        rs.getLong(2),
                        MAX_PURPOSES,
                        names.of(rs.getLong(1)) + " declared " + rs.getLong(2)
                                + " different purposes across its contracts",
                        "/api/exchange/contracts/" + rs.getLong(3)))
                .list()
                .forEach(alerts::add);
        return alerts;
    }

    private List<Alert> expiring(Names names) {
        Instant now = clock.instant();
        return jdbc.sql("""
                        select id, buyer_org, product_id, ends_at from exchange_contract
                        where state = 'FINALIZED' and terminated_at is null and starts_at <= ?
                          and ends_at > ? and ends_at <= ? order by ends_at, id""")
                .params(Timestamp.from(now), Timestamp.from(now), Timestamp.from(now.plus(EXPIRY_NOTICE)))
                .query((rs, n) -> {
                    long id = rs.getLong(1);
                    Instant ends = rs.getTimestamp(4).toInstant();
                    // Whole days left, counting a started day: 12 days and 23 hours is "13 days".
                    long days = Math.max(
                            0,
                            -Math.floorDiv(
                                    -Duration.between(now, ends).toMillis(),
                                    Duration.ofDays(1).toMillis()));
                    String product = names.product(rs.getLong(3));
                    String subject = "#" + id + " " + product + " (" + names.of(rs.getLong(2)) + ")";
                    return new Alert(
                            AlertKind.EXPIRING,
                            subject,
                            days,
                            EXPIRY_NOTICE.toDays(),
                            "Contract " + subject + " ends on " + LocalDate.ofInstant(ends, ContractService.VIETNAM)
                                    + ", in " + days + " days",
                            "/api/exchange/contracts/" + id);
                })
                .list();
    }

    // ------------------------------------------------------------------ the export

    /**
     * The contracts requested in the filter's period, as CSV for a spreadsheet: UTF-8 with a byte
     * order mark (so Excel reads the Vietnamese), a header row, one contract a line.
     */
    public String contractsCsv(Actor actor, Filter filter) {
        policy.require(actor, Action.SUPERVISE_MARKET);
        Names names = new Names();
        Scope scope = scope(filter);
        StringBuilder csv = new StringBuilder("\uFEFF");
        csv.append("contract,requested_at,agreed_at,state,product,provider,buyer,price_model,purpose,price,vat,"
                + "platform_fee,starts_at,ends_at,terminated_at,invoiced\r\n");
        jdbc.sql("""
                        select c.id, c.requested_at, c.agreed_at, c.state, c.product_id, c.provider_org, c.buyer_org,
                          o.price_model, c.purpose, c.price, c.vat, c.platform_fee, c.starts_at, c.ends_at, c.terminated_at,
                          (select coalesce(sum(i.total), 0) from exchange_invoice i where i.contract_id = c.id)
                        from exchange_contract c join exchange_offer o on o.id = c.offer_id
                        where c.requested_at >= ? and c.requested_at < ?""" + " " + scope.sql() + " order by c.id")
                .params(scope.with(Timestamp.from(filter.start()), Timestamp.from(filter.end())))
                .query((rs, n) -> {
                    List<String> cells = List.of(
                            Long.toString(rs.getLong(1)),
                            time(rs.getTimestamp(2)),
                            time(rs.getTimestamp(3)),
                            rs.getString(4),
                            names.product(rs.getLong(5)),
                            names.of(rs.getLong(6)),
                            names.of(rs.getLong(7)),
                            rs.getString(8),
                            rs.getString(9),
                            Long.toString(rs.getLong(10)),
                            Long.toString(rs.getLong(11)),
                            Long.toString(rs.getLong(12)),
                            time(rs.getTimestamp(13)),
                            time(rs.getTimestamp(14)),
                            time(rs.getTimestamp(15)),
                            Long.toString(rs.getLong(16)));
                    return String.join(
                            ",", cells.stream().map(MarketSupervision::csvCell).toList());
                })
                .list()
                .forEach(line -> csv.append(line).append("\r\n"));
        return csv.toString();
    }

    private static String time(Timestamp timestamp) {
        return timestamp == null ? "" : timestamp.toInstant().toString();
    }

    /**
     * One CSV cell: quoted when it holds a separator, quote or line break; text a spreadsheet would
     * take for a formula (titles and purposes are written by users) is prefixed with an apostrophe.
     */
    static String csvCell(String value) {
        if (value == null) {
            return "";
        }
        String cell = value;
        if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 && !cell.matches("-?\\d+")) {
            cell = "'" + cell;
        }
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
            return "\"" + cell.replace("\"", "\"\"") + "\"";
        }
        return cell;
    }

    // ------------------------------------------------------------------ shared pieces

    /** The filter's provider and price model as SQL over {@code c} (contracts) and {@code o} (offers). */
    record Scope(String sql, List<Object> params) {
        Object[] with(Object... first) {
            List<Object> all = new ArrayList<>(List.of(first));
            all.addAll(params);
            return all.toArray();
        }
    }

    static Scope scope(Filter filter) {
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        if (filter.provider() != null) {
            sql.append(" and c.provider_org = ?");
            params.add(filter.provider());
        }
        if (filter.model() != null) {
            sql.append(" and o.price_model = ?");
            params.add(filter.model().name());
        }
        return new Scope(sql.toString(), params);
    }

    /**
     * Every day or month of the period, in order, with room for three figures each. Grouping is done
     * here from timestamps: date truncation differs between H2 and PostgreSQL, and Vietnam's day is
     * not the database's.
     */
    static Map<String, long[]> buckets(Filter filter) {
        Map<String, long[]> buckets = new LinkedHashMap<>();
        if (filter.by() == Granularity.MONTH) {
            for (YearMonth m = YearMonth.from(filter.from());
                    !m.isAfter(YearMonth.from(filter.to()));
                    m = m.plusMonths(1)) {
                buckets.put(m.toString(), new long[3]);
            }
        } else {
            for (LocalDate d = filter.from(); !d.isAfter(filter.to()); d = d.plusDays(1)) {
                buckets.put(d.toString(), new long[3]);
            }
        }
        return buckets;
    }

    static String label(Filter filter, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ContractService.VIETNAM);
        return filter.by() == Granularity.MONTH ? YearMonth.from(day).toString() : day.toString();
    }

    static long[] bucket(Map<String, long[]> buckets, Filter filter, Instant at) {
        return buckets.computeIfAbsent(label(filter, at), k -> new long[3]);
    }

    /** Organisation names and product titles looked up once per request. */
    final class Names {
        private final Map<Long, String> known = new HashMap<>();
        private final Map<Long, String> titles = new HashMap<>();

        String product(long productId) {
            return titles.computeIfAbsent(
                    productId,
                    id -> products.product(id)
                            .map(ProductService.Product::title)
                            .orElse("#" + id));
        }

        String of(long orgId) {
            return known.computeIfAbsent(
                    orgId, id -> organisations.find(id).map(Organisation::name).orElse("#" + id));
        }
    }
}
