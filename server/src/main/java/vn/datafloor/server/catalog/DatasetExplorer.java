package vn.datafloor.server.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.lake.LockedConnection;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ProblemException;

/**
 * The explorer of open data: filter, group, aggregate the latest version of an open dataset.
 *
 * <p>No text a reader sends becomes SQL. The reader's column names are accepted only when they equal a
 * column of the catalog's schema that is not (possibly) personal, and the statement is assembled from
 * constant fragments and those schema names, quoted; every value is a bound parameter of the type of its
 * column. The statement runs on a DuckDB connection from the project's one factory, locked down so that it
 * can read the version's files and nothing else, under a time limit, over at most a bounded number of rows,
 * returning at most {@link #MAX_GROUPS} groups.
 */
@Service
public class DatasetExplorer {

    private static final Logger log = LoggerFactory.getLogger(DatasetExplorer.class);

    /** Groups returned at most; more are cut and the answer says so. */
    public static final int MAX_GROUPS = 200;

    /** Explorations running at once on this server; more wait a little, then get 503. */
    private static final int CONCURRENT = 2;

    private final CatalogService catalog;
    private final long maxRows;
    private final Duration timeout;
    private final Semaphore running = new Semaphore(CONCURRENT, true);

    /** Answers by version and query: versions never change, and shared links are opened many times. */
    private final Map<String, Result> answers = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Result> eldest) {
            return size() > 256;
        }
    });

    DatasetExplorer(
            CatalogService catalog,
            @Value("${datafloor.catalog.explorer.max-rows:2000000}") long maxRows,
            @Value("${datafloor.catalog.explorer.timeout:PT10S}") Duration timeout) {
        this.catalog = catalog;
        this.maxRows = maxRows;
        this.timeout = timeout;
    }

    /** A column the reader may use, with what it can do. */
    public record ExplorableColumn(String name, String type, boolean text, boolean measurable, boolean ordered) {}

    /**
     * One group of the answer.
     *
     * @param key the group's value as text (null for rows without a value); null without grouping
     * @param rows the rows in the group
     * @param value the aggregate: the count, or the sum or mean of the measure (null when it has no value)
     * @param province the 2025 province code the key names, if any
     */
    public record Group(String key, long rows, Double value, String province) {}

    /**
     * The answer.
     *
     * @param matchedRows rows that passed the filters (of those scanned)
     * @param groupCount groups there were; {@code groups} holds the first {@link #MAX_GROUPS}
     * @param rowsScanned rows read: the version's, or the limit when it has more ({@code partial})
     * @param mappable whether the groups name provinces, so the tile map can show them
     */
    public record Result(
            String dataset,
            int version,
            String query,
            List<Group> groups,
            long matchedRows,
            long groupCount,
            boolean truncated,
            long rowsScanned,
            boolean partial,
            boolean mappable) {}

    /** The columns of an entry the explorer may use: in the schema, not personal or possibly personal. */
    public List<ExplorableColumn> columns(CatalogEntry entry) {
        return entry.columns().stream()
                .filter(c -> !c.masked())
                .map(c -> new ExplorableColumn(
                        c.name(), c.type(), text(c.type()), measurable(c.type()), ordered(c.type())))
                .toList();
    }

    /** The entry, if the actor may see it and it is open data; otherwise 404 or 403 with the reason. */
    public CatalogEntry openEntry(Actor actor, String slug) {
        CatalogEntry entry = catalog.get(actor, slug);
        if (!entry.open()) {
            throw new ProblemException(
                    HttpStatus.FORBIDDEN,
                    "explorer.notOpen",
                    "The explorer shows open data only; this dataset is not open");
        }
        if (entry.latest() == null) {
            throw ProblemException.notFound("The dataset has no version yet");
        }
        return entry;
    }

    public Result explore(Actor actor, String slug, ExploreQuery query) {
        CatalogEntry entry = openEntry(actor, slug);
        Plan plan = plan(entry, query);
        String key = entry.dataset() + "/v" + entry.latest().version() + "?" + query.toQueryString();
        Result cached = answers.get(key);
        if (cached != null) {
            return cached;
        }
        Result result = run(entry, query, plan);
        answers.put(key, result);
        return result;
    }

    /**
     * A statement with its parameters in order: the text before and after the table expression that reads the
     * version, holding only constants and quoted schema names.
     */
    record Plan(String before, String after, List<Object> parameters) {
        String sql(String source) {
            return before + source + after;
        }
    }

    /**
     * Checks the query against the schema and builds the statement. Every refusal names the rule and, at
     * most, a column of the schema; never a value the reader sent.
     */
    Plan plan(CatalogEntry entry, ExploreQuery query) {
        Map<String, CatalogEntry.Column> schema = new LinkedHashMap<>();
        entry.columns().forEach(c -> schema.put(c.name(), c));
        List<Object> parameters = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        Set<String> needed = new java.util.LinkedHashSet<>();
        for (ExploreQuery.Filter f : query.filters()) {
            CatalogEntry.Column column = usable(schema, f.column());
            needed.add(column.name());
            String name = DuckDbConnections.identifier(column.name());
            switch (f.operator()) {
                case EQ -> {
                    conditions.add(name + " = ?");
                    parameters.add(typed(column, f.value()));
                }
                case CONTAINS -> {
                    if (!text(column.type())) {
                        throw ProblemException.badRequest(
                                "explorer.containsNeedsText",
                                "contains works on text columns; " + column.name() + " is not one",
                                column.name());
                    }
                    // Case and Vietnamese marks ignored, as the catalog's search ignores them.
                    conditions.add("contains(strip_accents(lower(" + name + ")), strip_accents(lower(?)))");
                    parameters.add(f.value());
                }
                case RANGE -> {
                    Range range = range(column, f);
                    if (f.value() != null) {
                        conditions.add(range.operand() + " >= ?");
                        parameters.add(range.from());
                    }
                    if (f.to() != null) {
                        conditions.add(range.operand() + " <= ?");
                        parameters.add(range.to());
                    }
                }
            }
        }
        String aggregate = "count(*)";
        if (query.aggregate() != ExploreQuery.Aggregate.COUNT) {
            if (query.measure() == null) {
                throw ProblemException.badRequest("explorer.measureMissing", "sum and mean need a measure column");
            }
            CatalogEntry.Column measure = usable(schema, query.measure());
            if (!measurable(measure.type())) {
                throw ProblemException.badRequest(
                        "explorer.measureNeedsNumber",
                        "sum and mean need a number column; " + measure.name() + " is not one",
                        measure.name());
            }
            needed.add(measure.name());
            String m = numeric(measure.type())
                    ? DuckDbConnections.identifier(measure.name())
                    : asNumber(DuckDbConnections.identifier(measure.name()));
            aggregate = (query.aggregate() == ExploreQuery.Aggregate.SUM ? "sum(" : "avg(") + m + ")";
        }
        String group = null;
        if (query.group() != null) {
            CatalogEntry.Column column = usable(schema, query.group());
            needed.add(column.name());
            group = DuckDbConnections.identifier(column.name());
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(group == null ? "NULL" : "CAST(" + group + " AS VARCHAR)")
                .append(" AS k, count(*) AS n, CAST(")
                .append(aggregate)
                .append(" AS DOUBLE) AS v, ");
        if (group == null) {
            sql.append("count(*) AS total_rows, 1 AS group_count");
        } else {
            // Before the LIMIT: how many rows and groups there were in all.
            sql.append("CAST(sum(count(*)) OVER () AS BIGINT) AS total_rows, count(*) OVER () AS group_count");
        }
        // Only the columns used are read; the first rows up to the scan limit, as a bound parameter.
        String columns = needed.isEmpty()
                ? "1 AS one"
                : String.join(
                        ", ", needed.stream().map(DuckDbConnections::identifier).toList());
        sql.append(" FROM (SELECT ").append(columns).append(" FROM ");
        String before = sql.toString();
        sql.setLength(0);
        sql.append(" LIMIT ?) AS scanned");
        List<Object> all = new ArrayList<>();
        all.add(maxRows);
        all.addAll(parameters);
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        if (group != null) {
            sql.append(" GROUP BY ").append(group);
            sql.append(
                    query.chart() == ExploreQuery.Chart.LINE
                            ? " ORDER BY " + group + " NULLS LAST"
                            : " ORDER BY v DESC NULLS LAST, " + group + " NULLS LAST");
            sql.append(" LIMIT ").append(MAX_GROUPS + 1);
        }
        return new Plan(before, sql.toString(), List.copyOf(all));
    }

    /** What a range compares and its bounds, typed. */
    private record Range(String operand, Object from, Object to) {}

    /**
     * A range on a number or date column compares values of its type. Uploaded files keep every column as
     * text, so on a text column the bounds decide: two numbers compare the values read as numbers, two dates
     * (yyyy-mm-dd) as dates; values that are neither are left out, as they are by the sum and mean.
     */
    private static Range range(CatalogEntry.Column column, ExploreQuery.Filter f) {
        String name = DuckDbConnections.identifier(column.name());
        if (ordered(column.type())) {
            return new Range(
                    name,
                    f.value() == null ? null : typed(column, f.value()),
                    f.to() == null ? null : typed(column, f.to()));
        }
        if (text(column.type())) {
            List<String> bounds = java.util.stream.Stream.of(f.value(), f.to())
                    .filter(java.util.Objects::nonNull)
                    .toList();
            if (bounds.stream().allMatch(DatasetExplorer::isNumber)) {
                return new Range(
                        asNumber(name),
                        f.value() == null ? null : Double.valueOf(f.value()),
                        f.to() == null ? null : Double.valueOf(f.to()));
            }
            if (bounds.stream().allMatch(DatasetExplorer::isDate)) {
                return new Range(
                        "TRY_CAST(" + name + " AS DATE)",
                        f.value() == null ? null : java.sql.Date.valueOf(LocalDate.parse(f.value())),
                        f.to() == null ? null : java.sql.Date.valueOf(LocalDate.parse(f.to())));
            }
        }
        throw ProblemException.badRequest(
                "explorer.rangeNeedsOrder",
                "a range needs a number or date column, or number or date bounds; " + column.name(),
                column.name());
    }

    /** A text column's values as numbers; those that are not numbers become empty (NULL). */
    private static String asNumber(String quotedColumn) {
        return "TRY_CAST(" + quotedColumn + " AS DOUBLE)";
    }

    private static boolean isNumber(String text) {
        try {
            return Double.isFinite(Double.parseDouble(text)) && !text.matches(".*[a-zA-Z].*");
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    /** A column whose values can be added: numbers, or text holding numbers (uploads keep numbers as text). */
    static boolean measurable(String type) {
        return numeric(type) || text(type);
    }

    /** A column of the schema the explorer may use; otherwise 400 (unknown) or 403 (personal). */
    private static CatalogEntry.Column usable(Map<String, CatalogEntry.Column> schema, String name) {
        CatalogEntry.Column column = schema.get(name);
        if (column == null) {
            throw ProblemException.badRequest("explorer.unknownColumn", "No such column in the dataset's schema");
        }
        if (column.masked()) {
            throw new ProblemException(
                    HttpStatus.FORBIDDEN,
                    "explorer.personalColumn",
                    column.name() + " is (possibly) personal data; the explorer does not use it",
                    column.name());
        }
        return column;
    }

    private static Object typed(CatalogEntry.Column column, String text) {
        try {
            Object value = column.filterValue(text);
            // DuckDB's JDBC binds dates as java.sql.Date.
            return value instanceof LocalDate date ? java.sql.Date.valueOf(date) : value;
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(
                    "explorer.badValue",
                    "A value is not of the type of " + column.name() + " (" + column.type() + ")",
                    column.name(),
                    column.type());
        }
    }

    private Result run(CatalogEntry entry, ExploreQuery query, Plan plan) {
        boolean acquired;
        try {
            acquired = running.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new ProblemException(
                    HttpStatus.SERVICE_UNAVAILABLE, "explorer.busy", "The explorer is busy; try again shortly");
        }
        try {
            return catalog.readOpenVersion(entry, (version, clear) -> {
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                // Sealed before the statement runs: only the version's own files may be read.
                try (LockedConnection locked =
                        DuckDbConnections.lock(duck, new Lockdown(List.of(), clear.files(), timeout))) {
                    String sql = plan.sql(clear.readExpression());
                    try (PreparedStatement prepared = locked.connection().prepareStatement(sql);
                            LockedConnection.Deadline deadline = locked.deadline(prepared)) {
                        for (int i = 0; i < plan.parameters().size(); i++) {
                            prepared.setObject(i + 1, plan.parameters().get(i));
                        }
                        try (ResultSet rs = prepared.executeQuery()) {
                            return read(
                                    entry, version.version(), version.manifest().rowCount(), query, rs);
                        } catch (SQLException e) {
                            throw deadline.translate(e);
                        }
                    }
                }
            });
        } catch (SQLTimeoutException e) {
            throw new ProblemException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "explorer.timeout",
                    "The question took longer than " + timeout.toSeconds() + " s; narrow it with a filter",
                    timeout.toSeconds());
        } catch (SQLException e) {
            // The statement is ours and the inputs typed: a failure is the data's or the engine's, not the
            // reader's. Logged without values; the reader gets a plain 500 problem.
            log.warn(
                    "Explorer query on {} failed: {}",
                    entry.dataset(),
                    e.getClass().getSimpleName());
            throw new IllegalStateException("The explorer could not read " + entry.dataset(), e);
        } finally {
            running.release();
        }
    }

    private Result read(CatalogEntry entry, int version, long versionRows, ExploreQuery query, ResultSet rs)
            throws SQLException {
        List<Group> groups = new ArrayList<>();
        long total = 0;
        long groupCount = 0;
        while (rs.next()) {
            String key = rs.getString("k");
            double v = rs.getDouble("v");
            Double value = rs.wasNull() ? null : v;
            total = rs.getLong("total_rows");
            groupCount = rs.getLong("group_count");
            if (groups.size() < MAX_GROUPS) {
                groups.add(new Group(
                        key,
                        rs.getLong("n"),
                        value,
                        query.group() == null ? null : ProvinceTiles.codeOf(key).orElse(null)));
            }
        }
        if (query.group() != null && groups.isEmpty()) {
            groupCount = 0;
        }
        boolean partial = versionRows > maxRows;
        return new Result(
                entry.slug(),
                version,
                query.toQueryString(),
                List.copyOf(groups),
                total,
                groupCount,
                groupCount > groups.size(),
                partial ? maxRows : versionRows,
                partial,
                query.group() != null && mappable(groups, query.aggregate()));
    }

    /**
     * Whether the groups can be shown on the province map: nine in ten of the non-empty keys name a 2025
     * province (the rest are listed under the map), and a mean is never split over two keys of one province,
     * since two means cannot be added.
     */
    static boolean mappable(List<Group> groups, ExploreQuery.Aggregate aggregate) {
        long keys = groups.stream().filter(g -> g.key() != null).count();
        long placed = groups.stream().filter(g -> g.province() != null).count();
        if (placed == 0 || placed * 10 < keys * 9) {
            return false;
        }
        if (aggregate == ExploreQuery.Aggregate.MEAN) {
            Set<String> seen = new HashSet<>();
            return groups.stream().filter(g -> g.province() != null).allMatch(g -> seen.add(g.province()));
        }
        return true;
    }

    static boolean text(String type) {
        String t = upper(type);
        return t.startsWith("VARCHAR") || t.equals("TEXT") || t.equals("STRING");
    }

    static boolean numeric(String type) {
        String t = upper(type);
        return Set.of("BIGINT", "INTEGER", "INT", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "REAL")
                        .contains(t)
                || t.startsWith("DECIMAL")
                || t.startsWith("NUMERIC");
    }

    static boolean ordered(String type) {
        return numeric(type) || upper(type).equals("DATE");
    }

    private static String upper(String type) {
        return type == null ? "" : type.toUpperCase(Locale.ROOT);
    }
}
