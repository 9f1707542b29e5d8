package vn.datafloor.integration.access;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;
import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.integration.access.AccessException.Code;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.DuckDbParser;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.lake.LockedConnection;
import vn.datafloor.integration.lake.PrivateFiles;

/**
 * Delivers to an entitled buyer exactly what an agreement allows, through three channels: REST
 * pages ({@link #rows}), read-only SQL ({@link #query}) and bulk export ({@link #export}).
 *
 * <p>Opening a session is the trusted part: for each {@link AccessView} it reads the version's
 * Parquet files once and materialises the permitted rows (row filters and consent applied, masks
 * computed) into a hidden table, with a view of the buyer's name over its visible columns. Then
 * it locks the connection: no file but its own private export directory, no network, no
 * extension, no configuration change. After that the database holds nothing the buyer may not see
 * (except the hidden subject-id column, used for the ledger), so even SQL the checks wrongly
 * accepted could not unmask a value or read the raw files.
 *
 * <p>A session holds a few connections to its one database ({@link AccessLimits#connections()}),
 * all under the same lockdown, so several requests run side by side; each connection keeps the REST
 * channel's prepared statements, since a page differs from the next only in its bound values.
 */
public final class AccessSession implements AutoCloseable {

    /** The formats of a bulk export. */
    public enum Format {
        CSV,
        PARQUET
    }

    /** How many prepared REST statements one connection keeps. */
    private static final int PREPARED_PER_CONNECTION = 32;

    private final LockedConnection connection;
    private final List<Lane> all;
    private final java.util.concurrent.BlockingQueue<Lane> idle;
    private volatile boolean closed;
    private final Map<String, PermittedViews.Permitted> views;
    private final String catalog;
    private final AccessLimits limits;
    private final Path scratch;
    private final Path exports;
    /** Per hidden table, the view held in memory for unfiltered pages, or empty when it is too big. */
    private final Map<String, Optional<ResidentView>> resident = new java.util.concurrent.ConcurrentHashMap<>();

    private AccessSession(
            List<LockedConnection> connections,
            Map<String, PermittedViews.Permitted> views,
            String catalog,
            AccessLimits limits,
            Path scratch,
            Path exports) {
        this.connection = connections.get(0);
        this.all = connections.stream().map(Lane::new).toList();
        this.idle = new java.util.concurrent.ArrayBlockingQueue<>(all.size(), false, all);
        this.views = views;
        this.catalog = catalog;
        this.limits = limits;
        this.scratch = scratch;
        this.exports = exports;
    }

    /**
     * Opens a session over {@code views}. {@code workDirectory} receives a private scratch
     * directory (spill files, exports before they are moved), removed on close.
     */
    public static AccessSession open(List<AccessView> views, AccessLimits limits, Path workDirectory)
            throws IOException, SQLException {
        if (views.isEmpty()) {
            throw new IllegalArgumentException("A session needs at least one view");
        }
        Set<String> names = new LinkedHashSet<>();
        for (AccessView view : views) {
            PermittedViews.checkName(view.name());
            if (!names.add(view.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("Two views have the same name");
            }
        }
        PrivateFiles.createDirectory(workDirectory);
        Path scratch = Files.createTempDirectory(workDirectory, "access-");
        PrivateFiles.createDirectory(scratch);
        Path spill = PrivateFiles.createDirectory(scratch.resolve("spill"));
        Path exports = PrivateFiles.createDirectory(scratch.resolve("export"));
        Connection duck = null;
        try {
            duck = DuckDbConnections.open(spill, limits.memoryLimit(), limits.threads());
            try (Statement statement = duck.createStatement()) {
                // A query's ORDER BY survives the row-limit wrapper only when insertion order is kept.
                statement.execute("SET preserve_insertion_order = true");
            }
            Map<String, PermittedViews.Permitted> permitted = new LinkedHashMap<>();
            for (int i = 0; i < views.size(); i++) {
                PermittedViews.Permitted view = PermittedViews.create(duck, views.get(i), i);
                permitted.put(view.name().toLowerCase(Locale.ROOT), view);
            }
            PermittedViews.finish(duck);
            String catalog;
            try (Statement statement = duck.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT current_database()")) {
                rs.next();
                catalog = rs.getString(1);
            }
            LockedConnection locked =
                    DuckDbConnections.lock(duck, new Lockdown(List.of(exports), List.of(), limits.statementTimeout()));
            List<LockedConnection> connections = new ArrayList<>(List.of(locked));
            try {
                while (connections.size() < limits.connections()) {
                    connections.add(locked.duplicate());
                }
            } catch (SQLException | RuntimeException e) {
                for (LockedConnection c : connections.subList(1, connections.size())) {
                    c.close();
                }
                throw e;
            }
            AccessSession session =
                    new AccessSession(connections, Map.copyOf(permitted), catalog, limits, scratch, exports);
            // Part of opening, not of the first request that reads a whole view: its subjects, once.
            try {
                permitted.values().forEach(session::subjectsOf);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            return session;
        } catch (SQLException | RuntimeException e) {
            if (duck != null) {
                duck.close();
            }
            deleteTree(scratch);
            throw e;
        }
    }

    /** The locked connection, for tests that show the lockdown holds without the checks. */
    LockedConnection connection() {
        return connection;
    }

    /** Every connection of the session, for tests that show each one is locked. */
    List<LockedConnection> connections() {
        return all.stream().map(lane -> lane.connection).toList();
    }

    /** The buyer's table names. */
    public List<String> tables() {
        return views.values().stream()
                .map(PermittedViews.Permitted::name)
                .sorted()
                .toList();
    }

    /** The columns the buyer sees in {@code table}. */
    public List<String> columns(String table) {
        return view(table).columns();
    }

    /**
     * Runs a buyer's SELECT over the session's tables: checked and rewritten on DuckDB's parse tree,
     * run under the statement timeout, at most {@code maxRows} rows returned (and no more than the
     * session's limit).
     */
    public QueryResult query(String userSql, int maxRows) {
        int cap = Math.min(Math.max(1, maxRows), limits.maxRows());
        SqlGuard.Rewritten rewritten = SqlGuard.rewrite(userSql, views, catalog);
        String sql = DuckDbParser.toSql(limited(rewritten.statements(), cap + 1));
        SqlGuard.verifyRendered(sql, views, catalog);
        Page page = run(sql, List.of(), cap, false, false);
        SubjectsTouched subjects = subjectsOf(rewritten);
        return new QueryResult(page.columns, page.rows, page.truncated, page.bytes, rewritten.fingerprint(), subjects);
    }

    /**
     * A page of rows of {@code table}: the named fields (all visible columns when empty), the rows
     * passing every filter, in a stable order.
     */
    public QueryResult rows(String table, List<String> fields, List<RowFilter> filters, int offset, int limit) {
        return rows(table, fields, filters, offset, limit, true);
    }

    /** For tests: a page as DuckDB answers it, never from the view held in memory. */
    QueryResult queriedRows(String table, List<String> fields, int offset, int limit) {
        return rows(table, fields, List.of(), offset, limit, false);
    }

    /** For tests: whether {@code table}'s view is held in memory (it is once a page was asked of it and it is small). */
    boolean held(String table) {
        return resident.getOrDefault(view(table).table(), Optional.empty()).isPresent();
    }

    private QueryResult rows(
            String table, List<String> fields, List<RowFilter> filters, int offset, int limit, boolean mayHold) {
        PermittedViews.Permitted view = view(table);
        if (offset < 0 || limit < 1) {
            throw new AccessException(Code.INVALID_REQUEST, "offset must be 0 or more and limit 1 or more");
        }
        int cap = Math.min(limit, limits.maxRows());
        List<String> selected = new ArrayList<>();
        for (String field : fields.isEmpty() ? view.columns() : fields) {
            selected.add(visible(view, field));
        }
        Optional<ResidentView> held = filters.isEmpty() && mayHold
                ? resident.computeIfAbsent(view.table(), t -> hold(view))
                : Optional.empty();
        Page page;
        if (held.isPresent()) {
            page = new Page();
            held.get().slice(selected, offset, cap, page);
        } else {
            page = queried(view, selected, filters, offset, cap);
        }
        String fingerprint =
                sha256Hex(("rows\n" + view.name() + "\n" + selected + "\n" + filters + "\n" + offset + "\n" + cap)
                        .getBytes(StandardCharsets.UTF_8));
        return new QueryResult(
                page.columns, page.rows, page.truncated, page.bytes, fingerprint, cappedSubjects(page.subjects, false));
    }

    /** The whole view in memory when it is small enough to hold ({@link ResidentView}), else empty. */
    private Optional<ResidentView> hold(PermittedViews.Permitted view) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String column : view.columns()) {
            sql.append(identifier(column)).append(", ");
        }
        sql.append(PermittedViews.SUBJECT)
                .append(" FROM ")
                .append(view.table())
                .append(" ORDER BY rowid LIMIT ")
                .append(ResidentView.MAX_ROWS + 1);
        Page page = run(sql.toString(), List.of(), ResidentView.MAX_ROWS, true, false);
        if (page.truncated || page.bytes > ResidentView.MAX_BYTES) {
            return Optional.empty();
        }
        return Optional.of(new ResidentView(view.columns(), page.rows, page.rowSubjects));
    }

    /** A page as DuckDB answers it: the filters bound, in the view's order. */
    private Page queried(
            PermittedViews.Permitted view, List<String> selected, List<RowFilter> filters, int offset, int cap) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String column : selected) {
            sql.append(identifier(column)).append(", ");
        }
        sql.append(PermittedViews.SUBJECT).append(" FROM ").append(view.table());
        List<Object> parameters = new ArrayList<>();
        String separator = " WHERE ";
        for (RowFilter filter : filters) {
            String column = identifier(visible(view, filter.column()));
            sql.append(separator).append(column);
            separator = " AND ";
            if (filter.operator() == RowFilter.Operator.IN) {
                sql.append(" IN (")
                        .append(String.join(
                                ", ", filter.values().stream().map(v -> "?").toList()))
                        .append(')');
            } else {
                sql.append(' ').append(filter.operator().sql).append(" ?");
            }
            parameters.addAll(filter.values());
        }
        // Page size and position bound too, so one prepared statement serves every page.
        sql.append(" ORDER BY rowid LIMIT ? OFFSET ?");
        parameters.add((long) cap + 1);
        parameters.add((long) offset);
        return run(sql.toString(), parameters, cap, true, true);
    }

    /**
     * Writes the permitted view of {@code table} to {@code target} (replaced if it exists). DuckDB
     * writes it with COPY into the session's private export directory, the one place its lockdown
     * lets it write; the file is then moved to {@code target}.
     */
    public ExportResult export(String table, Format format, Path target) throws IOException {
        PermittedViews.Permitted view = view(table);
        Path staged = exports.resolve(UUID.randomUUID() + (format == Format.CSV ? ".csv" : ".parquet"));
        String options = format == Format.CSV ? "(FORMAT csv, HEADER true)" : "(FORMAT parquet, COMPRESSION zstd)";
        long rows;
        Lane lane = borrow();
        try {
            String columns = format == Format.CSV
                    ? String.join(", ", spreadsheetSafe(lane, view))
                    : String.join(
                            ", ",
                            view.columns().stream().map(c -> identifier(c)).toList());
            lane.connection.execute("COPY (SELECT " + columns + " FROM " + view.table() + " ORDER BY rowid) TO "
                    + literal(staged.toString()) + " " + options);
            rows = lane.connection.query("SELECT count(*) FROM " + view.table(), rs -> {
                rs.next();
                return rs.getLong(1);
            });
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            idle.add(lane);
        }
        PrivateFiles.restrictFile(staged);
        Path absolute = target.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        Files.move(staged, absolute, StandardCopyOption.REPLACE_EXISTING);
        String sha256;
        try (InputStream in = Files.newInputStream(absolute)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            sha256 = HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new ExportResult(absolute, rows, Files.size(absolute), sha256, wholeView(List.of(view), false));
    }

    /**
     * The view's columns for a CSV file, each text value that a spreadsheet would take for a formula
     * (starting with =, +, -, @, a tab or a carriage return) led by an apostrophe, as OWASP advises
     * against CSV injection: a buyer's analyst opening the export must not run what a data subject typed.
     */
    private static List<String> spreadsheetSafe(Lane lane, PermittedViews.Permitted view) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        lane.connection.query(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = " + literal(view.table()),
                rs -> {
                    while (rs.next()) {
                        types.put(rs.getString(1), rs.getString(2));
                    }
                    return null;
                });
        List<String> columns = new ArrayList<>();
        for (String column : view.columns()) {
            String name = identifier(column);
            columns.add(
                    "VARCHAR".equals(types.get(column))
                            ? "CASE WHEN left(" + name + ", 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || "
                                    + name + " ELSE " + name + " END AS " + name
                            : name);
        }
        return columns;
    }

    /**
     * Closes every connection, waiting (up to the statement timeout) for requests still running on
     * them; a request that arrives afterwards is refused with {@link IllegalStateException}.
     */
    @Override
    public void close() throws SQLException {
        synchronized (all) {
            if (closed) {
                return;
            }
            closed = true;
        }
        SQLException first = null;
        try {
            long deadline = System.nanoTime() + limits.statementTimeout().toNanos() + 1_000_000_000L;
            List<Lane> taken = new ArrayList<>();
            while (taken.size() < all.size()) {
                Lane lane = idle.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (lane == null) {
                    break;
                }
                taken.add(lane);
            }
            // Duplicates first: the database goes away with its last connection, the original.
            for (int i = all.size() - 1; i >= 0; i--) {
                try {
                    all.get(i).close();
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(scratch);
        }
        if (first != null) {
            throw first;
        }
    }

    // --- SQL channel -------------------------------------------------------------------------

    /** Wraps the checked statement in {@code SELECT * FROM (…) LIMIT n}, as a tree. */
    private static ArrayNode limited(ArrayNode statements, int limit) {
        ArrayNode wrapper = (ArrayNode) DuckDbParser.parseSelect("SELECT * FROM (SELECT 1) AS __df_q LIMIT 1")
                .statements()
                .deepCopy();
        ObjectNode node = (ObjectNode) wrapper.get(0).path("node");
        ((ObjectNode) node.path("from_table").path("subquery"))
                .set("node", statements.get(0).path("node"));
        ((ObjectNode) node.path("modifiers").get(0).path("limit").path("value")).put("value", limit);
        return wrapper;
    }

    /**
     * The subjects a query touched: on one table with a WHERE, the permitted rows passing that WHERE;
     * otherwise every subject of the views the query names (an over-approximation, flagged).
     */
    private SubjectsTouched subjectsOf(SqlGuard.Rewritten rewritten) {
        List<PermittedViews.Permitted> named =
                rewritten.views().stream().map(views::get).toList();
        if (named.isEmpty()) {
            return new SubjectsTouched(Set.of(), false, false);
        }
        ObjectNode top = rewritten.top();
        JsonNode from = top.path("from_table");
        boolean singleTable = "SELECT_NODE".equals(top.path("type").asString(""))
                && "BASE_TABLE".equals(from.path("type").asString(""))
                && named.size() == 1;
        if (!singleTable) {
            return wholeView(named, true);
        }
        PermittedViews.Permitted view = named.get(0);
        if (top.path("where_clause").isNull() || top.path("where_clause").isMissingNode()) {
            return wholeView(named, false);
        }
        if (hasStar(top.path("where_clause"))
                || namesWholeRow(top.path("where_clause"), from.path("alias").asString(""))) {
            // A star in the WHERE (COLUMNS(*)), or the row itself by its table's name (CAST(t AS VARCHAR)),
            // would also see the hidden subject column and could mean something else there: report the
            // whole view rather than risk reporting too few.
            return wholeView(named, true);
        }
        ArrayNode subjectQuery = (ArrayNode)
                DuckDbParser.parseSelect("SELECT DISTINCT " + PermittedViews.SUBJECT + " FROM " + identifier(catalog)
                                + ".main." + view.table() + " AS __df_t WHERE true LIMIT " + (limits.maxSubjects() + 1))
                        .statements()
                        .deepCopy();
        ObjectNode node = (ObjectNode) subjectQuery.get(0).path("node");
        ((ObjectNode) node.path("from_table")).put("alias", from.path("alias").asString());
        node.set("where_clause", top.path("where_clause").deepCopy());
        node.set("cte_map", top.path("cte_map").deepCopy());
        try {
            Page page = run(DuckDbParser.toSql(subjectQuery), List.of(), limits.maxSubjects() + 1, false);
            Set<String> ids = new LinkedHashSet<>();
            page.rows.stream().map(row -> row.get(0)).filter(id -> id != null).forEach(id -> ids.add(id.toString()));
            return cappedSubjects(ids, false);
        } catch (AccessException e) {
            // The WHERE names something only the select list defines (an alias): report the whole view.
            return wholeView(named, true);
        }
    }

    /** Whether a column reference anywhere under {@code node}, subqueries included, is the row of {@code alias}. */
    private static boolean namesWholeRow(JsonNode node, String alias) {
        if ("COLUMN_REF".equals(node.path("class").asString(""))) {
            JsonNode names = node.path("column_names");
            return names.size() == 1 && names.get(0).asString("").equalsIgnoreCase(alias);
        }
        for (JsonNode child : node) {
            if (namesWholeRow(child, alias)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasStar(JsonNode node) {
        if ("STAR".equals(node.path("class").asString(""))) {
            return true;
        }
        for (JsonNode child : node) {
            if (hasStar(child)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The distinct subjects of each set of views, computed once: a session's tables never change, and a
     * DISTINCT over millions of subject ids costs more than most queries it would be reported for.
     */
    private final Map<String, Set<String>> wholeViews = new java.util.concurrent.ConcurrentHashMap<>();

    private SubjectsTouched wholeView(List<PermittedViews.Permitted> named, boolean overApproximated) {
        if (named.size() == 1) {
            return cappedSubjects(subjectsOf(named.get(0)), overApproximated);
        }
        Set<String> ids = new LinkedHashSet<>();
        for (PermittedViews.Permitted view : named) {
            ids.addAll(subjectsOf(view));
            if (ids.size() > limits.maxSubjects()) {
                break;
            }
        }
        return cappedSubjects(ids, overApproximated);
    }

    /** Every subject of one view (up to the cap and one more), computed at open. */
    private Set<String> subjectsOf(PermittedViews.Permitted view) {
        return wholeViews.computeIfAbsent(view.table(), table -> distinctSubjects(List.of(view)));
    }

    private Set<String> distinctSubjects(List<PermittedViews.Permitted> named) {
        StringBuilder sql = new StringBuilder();
        for (PermittedViews.Permitted view : named) {
            sql.append(sql.length() == 0 ? "" : " UNION ALL ")
                    .append("SELECT ")
                    .append(PermittedViews.SUBJECT)
                    .append(" FROM ")
                    .append(view.table())
                    .append(" WHERE ")
                    .append(PermittedViews.SUBJECT)
                    .append(" IS NOT NULL");
        }
        Page page = run(
                "SELECT DISTINCT * FROM (" + sql + ") LIMIT " + (limits.maxSubjects() + 1),
                List.of(),
                limits.maxSubjects() + 1,
                false);
        Set<String> ids = new LinkedHashSet<>();
        page.rows.stream().map(row -> row.get(0)).filter(id -> id != null).forEach(id -> ids.add(id.toString()));
        return java.util.Collections.unmodifiableSet(ids);
    }

    private SubjectsTouched cappedSubjects(Set<String> ids, boolean overApproximated) {
        if (ids.size() <= limits.maxSubjects()) {
            return new SubjectsTouched(ids, false, overApproximated);
        }
        return new SubjectsTouched(
                ids.stream().limit(limits.maxSubjects()).collect(java.util.stream.Collectors.toSet()),
                true,
                overApproximated);
    }

    // --- running -------------------------------------------------------------------------------

    static final class Page {
        final List<String> columns = new ArrayList<>();
        final List<List<Object>> rows = new ArrayList<>();
        final Set<String> subjects = new LinkedHashSet<>();
        /** Each row's subject (null when it has none), when the last column was the subject's. */
        final List<String> rowSubjects = new ArrayList<>();

        boolean truncated;
        long bytes;
    }

    /**
     * Runs trusted SQL text (DuckDB's rendering of a checked tree, or text built here from quoted
     * names) with bound parameters; keeps {@code cap} rows and notes whether there were more. With
     * {@code lastIsSubject}, the last column is the hidden subject id, collected apart.
     */
    private Page run(String sql, List<Object> parameters, int cap, boolean lastIsSubject) {
        return run(sql, parameters, cap, lastIsSubject, false);
    }

    /**
     * As above; with {@code keep}, the statement is prepared once per connection and kept (text built
     * here from quoted names, whose values are all bound), instead of prepared and closed each time.
     */
    private Page run(String sql, List<Object> parameters, int cap, boolean lastIsSubject, boolean keep) {
        Lane lane = borrow();
        PreparedStatement statement = null;
        boolean reusable = false;
        try {
            statement = keep ? lane.prepared.get(sql) : null;
            if (statement == null) {
                statement = lane.connection.connection().prepareStatement(sql);
                if (keep) {
                    lane.keep(sql, statement);
                }
            }
            try (LockedConnection.Deadline deadline = lane.connection.deadline(statement)) {
                try {
                    for (int i = 0; i < parameters.size(); i++) {
                        bind(statement, i + 1, parameters.get(i));
                    }
                    try (ResultSet rs = statement.executeQuery()) {
                        Page page = read(rs, cap, lastIsSubject);
                        reusable = keep;
                        return page;
                    }
                } catch (SQLException e) {
                    throw failure(deadline.translate(e));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            if (statement != null && !reusable) {
                // A failed or cancelled statement is not trusted again; a one-off one is done.
                lane.prepared.remove(sql, statement);
                closeQuietly(statement);
            }
            idle.add(lane);
        }
    }

    private Lane borrow() {
        if (closed) {
            throw new IllegalStateException("The access session is closed");
        }
        Lane lane;
        try {
            lane = idle.poll(limits.statementTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AccessException(Code.TIMEOUT, "The request was interrupted while waiting for a connection", e);
        }
        if (lane == null) {
            throw new AccessException(Code.TIMEOUT, "Every connection of the session stayed busy; try again shortly");
        }
        if (closed) {
            idle.add(lane);
            throw new IllegalStateException("The access session is closed");
        }
        return lane;
    }

    private static void closeQuietly(Statement statement) {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // closing a statement of a connection that is going away
        }
    }

    /** One connection of the session and the statements it keeps prepared (the least recently used go). */
    private static final class Lane {
        final LockedConnection connection;
        final Map<String, PreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true);

        Lane(LockedConnection connection) {
            this.connection = connection;
        }

        void keep(String sql, PreparedStatement statement) {
            prepared.put(sql, statement);
            if (prepared.size() > PREPARED_PER_CONNECTION) {
                var eldest = prepared.entrySet().iterator().next();
                prepared.remove(eldest.getKey());
                closeQuietly(eldest.getValue());
            }
        }

        void close() throws SQLException {
            prepared.values().forEach(AccessSession::closeQuietly);
            prepared.clear();
            connection.close();
        }
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value instanceof LocalDate d) {
            statement.setObject(index, d);
        } else if (value instanceof BigDecimal d) {
            statement.setBigDecimal(index, d);
        } else {
            statement.setObject(index, value);
        }
    }

    private static Page read(ResultSet rs, int cap, boolean lastIsSubject) throws SQLException {
        Page page = new Page();
        ResultSetMetaData meta = rs.getMetaData();
        int count = meta.getColumnCount();
        int shown = lastIsSubject ? count - 1 : count;
        for (int i = 1; i <= shown; i++) {
            page.columns.add(meta.getColumnLabel(i));
        }
        while (rs.next()) {
            if (page.rows.size() == cap) {
                page.truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(shown);
            for (int i = 1; i <= shown; i++) {
                Object value = value(rs.getObject(i));
                page.bytes += ResidentView.byteCount(value);
                row.add(value);
            }
            page.rows.add(java.util.Collections.unmodifiableList(row));
            if (lastIsSubject) {
                String subject = rs.getString(count);
                page.rowSubjects.add(subject);
                if (subject != null) {
                    page.subjects.add(subject);
                }
            }
        }
        return page;
    }

    private static Object value(Object value) {
        if (value == null
                || value instanceof String
                || value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Double
                || value instanceof Float
                || value instanceof BigDecimal
                || value instanceof Boolean
                || value instanceof LocalDate
                || value instanceof java.time.LocalDateTime) {
            return value;
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }

    /** DuckDB's error as a refusal that names its kind, never its text (which may quote values). */
    private static AccessException failure(SQLException e) {
        if (e instanceof SQLTimeoutException) {
            return new AccessException(Code.TIMEOUT, e.getMessage(), e);
        }
        if (LockedConnection.refusedByLockdown(e)) {
            return new AccessException(Code.REFUSED_BY_LOCKDOWN, "The query tried to reach outside its tables", e);
        }
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        if (message.startsWith("Binder Error") || message.startsWith("Catalog Error")) {
            return new AccessException(
                    Code.UNKNOWN_COLUMN,
                    "The query names a column, table or function the contract does not include",
                    e);
        }
        if (message.startsWith("Out of Memory Error")) {
            return new AccessException(Code.RESOURCE_LIMIT, "The query needed more memory than allowed", e);
        }
        if (message.startsWith("INTERRUPT") || message.contains("Interrupted")) {
            return new AccessException(Code.TIMEOUT, "The query was stopped", e);
        }
        int colon = message.indexOf(':');
        String kind = colon > 0 && colon < 40 ? message.substring(0, colon) : "Error";
        return new AccessException(Code.EXECUTION_FAILED, "The query failed in DuckDB (" + kind + ")", e);
    }

    // --- names ---------------------------------------------------------------------------------

    private PermittedViews.Permitted view(String table) {
        PermittedViews.Permitted view = table == null ? null : views.get(table.toLowerCase(Locale.ROOT));
        if (view == null) {
            throw new AccessException(Code.UNKNOWN_TABLE, "The contract's tables are " + tables());
        }
        return view;
    }

    private static String visible(PermittedViews.Permitted view, String field) {
        for (String column : view.columns()) {
            if (column.equalsIgnoreCase(field)) {
                return column;
            }
        }
        throw new AccessException(
                Code.UNKNOWN_COLUMN, "The contract's columns of " + view.name() + " are " + view.columns());
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
