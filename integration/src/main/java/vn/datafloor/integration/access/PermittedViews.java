package vn.datafloor.integration.access;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;
import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import vn.datafloor.integration.reference.AdminUnits;

/**
 * Trusted code that turns an {@link AccessView} into the permitted data, before the connection is
 * locked: the masked, filtered rows are materialised into a table, so that afterwards the database
 * holds no clear value of a masked column, no filtered-out row, no consent list and no hash key (a
 * view would keep the key in its definition and the raw files within reach). Every name in the SQL
 * is a column DuckDB itself reported for the files, quoted; every value a quoted literal.
 */
final class PermittedViews {

    /** Prefix of everything trusted code creates beside the buyer's views; user SQL may not name it. */
    static final String HIDDEN_PREFIX = "__df_";

    static final String SUBJECT = HIDDEN_PREFIX + "subject";

    private static final Pattern VIEW_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    private static final List<String> RESERVED_PREFIXES =
            List.of("duckdb_", "pg_", "sqlite_", "information_schema", "__");

    /** One view as the session holds it: the buyer's name, the hidden table behind it and its visible columns. */
    record Permitted(String name, String table, List<String> columns) {}

    private PermittedViews() {}

    /** Whether a name starts like DuckDB's system objects or the session's hidden ones. */
    static boolean reserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return RESERVED_PREFIXES.stream().anyMatch(lower::startsWith);
    }

    static void checkName(String name) {
        if (!VIEW_NAME.matcher(name).matches() || reserved(name)) {
            throw new IllegalArgumentException(
                    "A view name must be a plain identifier (letters, digits, _) not starting with a system prefix");
        }
    }

    /** Builds the hidden table and the buyer's view for {@code view} as number {@code index}. */
    static Permitted create(Connection duck, AccessView view, int index) throws SQLException {
        checkName(view.name());
        Map<String, String> fileColumns = describe(duck, view);
        String table = HIDDEN_PREFIX + "permitted_" + index;
        List<String> visible = new ArrayList<>();
        for (String column : view.visibleColumns()) {
            visible.add(column(fileColumns, column, "visible column"));
        }
        Map<String, Mask> masks = new LinkedHashMap<>();
        view.masks().forEach((column, mask) -> {
            String actual = column(fileColumns, column, "masked column");
            if (!visible.contains(actual)) {
                throw new IllegalArgumentException("A masked column must be visible");
            }
            masks.put(actual, mask);
        });
        String subject = column(fileColumns, view.subjectColumn(), "subject column");

        List<String> select = new ArrayList<>();
        List<String> joins = new ArrayList<>();
        for (String column : visible) {
            Mask mask = masks.get(column);
            String source = "src." + identifier(column);
            String expression;
            if (mask == null) {
                expression = source;
            } else if (mask == Mask.GENERALISE_PROVINCE) {
                String alias = "g" + joins.size();
                joins.add("LEFT JOIN " + HIDDEN_PREFIX + "commune_province " + alias + " ON " + alias
                        + ".commune = CAST(" + source + " AS VARCHAR)");
                expression = alias + ".province";
            } else {
                expression = masked(mask, source, view.hashKey());
            }
            select.add(expression + " AS " + identifier(column));
        }
        select.add("CAST(src." + identifier(subject) + " AS VARCHAR) AS " + SUBJECT);
        if (!joins.isEmpty()) {
            installCommunes(duck);
        }

        List<String> where = new ArrayList<>();
        for (RowFilter filter : view.rowFilters()) {
            where.add(condition("src." + identifier(column(fileColumns, filter.column(), "filtered column")), filter));
        }
        if (view.consent().isPresent()) {
            ConsentFilter consent = view.consent().get();
            String consentColumn = column(fileColumns, consent.subjectColumn(), "consent subject column");
            String consentTable = HIDDEN_PREFIX + "consent_" + index;
            loadConsent(duck, consentTable, consent.consented());
            where.add("CAST(src." + identifier(consentColumn) + " AS VARCHAR) IN (SELECT subject FROM " + consentTable
                    + ")");
        }
        String sql = "CREATE TABLE " + table + " AS SELECT " + String.join(", ", select) + " FROM "
                + readParquet(view) + " AS src " + String.join(" ", joins)
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
        try (Statement statement = duck.createStatement()) {
            statement.execute(sql);
            statement.execute("CREATE VIEW " + identifier(view.name()) + " AS SELECT "
                    + visible.stream().map(c -> identifier(c)).collect(Collectors.joining(", ")) + " FROM " + table);
            if (view.consent().isPresent()) {
                statement.execute("DROP TABLE " + HIDDEN_PREFIX + "consent_" + index);
            }
        }
        return new Permitted(view.name(), table, List.copyOf(visible));
    }

    /** Drops what only the building needed (the commune reference); called before locking. */
    static void finish(Connection duck) throws SQLException {
        try (Statement statement = duck.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + HIDDEN_PREFIX + "commune_province");
        }
    }

    private static Map<String, String> describe(Connection duck, AccessView view) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM " + readParquet(view))) {
            while (rs.next()) {
                columns.put(rs.getString("column_name").toLowerCase(Locale.ROOT), rs.getString("column_name"));
            }
        }
        return columns;
    }

    private static String column(Map<String, String> fileColumns, String name, String role) {
        String actual = fileColumns.get(name.toLowerCase(Locale.ROOT));
        if (actual == null) {
            throw new IllegalArgumentException("The " + role + " " + name + " is not in the dataset version's files");
        }
        return actual;
    }

    private static String readParquet(AccessView view) {
        return "read_parquet(["
                + view.files().stream()
                        .map(p -> literal(p.toAbsolutePath().normalize().toString()))
                        .collect(Collectors.joining(", "))
                + "])";
    }

    static String masked(Mask mask, String source, byte[] key) {
        String text = "CAST(" + source + " AS VARCHAR)";
        switch (mask) {
            case REDACT:
                return "regexp_replace(regexp_replace(" + text + ", '[0-9]', '0', 'g'), '[\\pL\\pM]', 'x', 'g')";
            case LAST4:
                return "CASE WHEN length(" + text + ") <= 4 THEN regexp_replace(" + text
                        + ", '[\\pL\\pM\\pN]', '*', 'g') ELSE regexp_replace(left(" + text + ", length(" + text
                        + ") - 4), '[\\pL\\pM\\pN]', '*', 'g') || right(" + text + ", 4) END";
            case KEYED_HASH:
                return hmac(text, key);
            case NULL:
                return "CASE WHEN false THEN " + source + " END";
            case YEAR_ONLY:
                return "year(TRY_CAST(" + source + " AS DATE))";
            case AGE_BAND:
                String age = "TRY_CAST(" + source + " AS INTEGER)";
                return "CASE WHEN " + age + " IS NULL THEN NULL ELSE CAST((" + age
                        + " // 5) * 5 AS VARCHAR) || '-' || CAST((" + age + " // 5) * 5 + 4 AS VARCHAR) END";
            default:
                throw new IllegalStateException("mask " + mask + " is applied by a join");
        }
    }

    /**
     * HMAC-SHA-256 (RFC 2104) with DuckDB's sha256 over blobs: H((K ^ opad) || H((K ^ ipad) || m)).
     * The padded key blocks are computed here and appear only in this statement's text.
     */
    static String hmac(String text, byte[] key) {
        byte[] block = new byte[64];
        byte[] k = key.length > 64 ? sha256(key) : key;
        System.arraycopy(k, 0, block, 0, k.length);
        byte[] inner = new byte[64];
        byte[] outer = new byte[64];
        for (int i = 0; i < 64; i++) {
            inner[i] = (byte) (block[i] ^ 0x36);
            outer[i] = (byte) (block[i] ^ 0x5c);
        }
        HexFormat hex = HexFormat.of();
        return "CASE WHEN " + text + " IS NULL THEN NULL ELSE sha256(from_hex('" + hex.formatHex(outer)
                + "') || unhex(sha256(from_hex('" + hex.formatHex(inner) + "') || encode(" + text + ")))) END";
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A policy's row filter as SQL: the column is already a quoted, known name; the values quoted literals. */
    static String condition(String column, RowFilter filter) {
        List<String> values =
                filter.values().stream().map(PermittedViews::value).toList();
        if (filter.operator() == RowFilter.Operator.IN) {
            return column + " IN (" + String.join(", ", values) + ")";
        }
        return column + " " + filter.operator().sql + " " + values.get(0);
    }

    private static String value(Object value) {
        if (value instanceof String s) {
            return literal(s);
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Long || value instanceof Integer) {
            return value.toString();
        }
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (value instanceof LocalDate d) {
            return "DATE " + literal(d.toString());
        }
        throw new IllegalArgumentException("unsupported filter value");
    }

    private static void loadConsent(Connection duck, String table, Set<String> consented) throws SQLException {
        try (Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (subject VARCHAR)");
        }
        try (DuckDBAppender appender = duck.unwrap(DuckDBConnection.class).createAppender("main", table)) {
            for (String id : consented) {
                appender.beginRow();
                appender.append(id);
                appender.endRow();
            }
        }
    }

    private static void installCommunes(Connection duck) throws SQLException {
        String table = HIDDEN_PREFIX + "commune_province";
        try (Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT count(*) FROM duckdb_tables() WHERE table_name = " + literal(table))) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        try (Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (commune VARCHAR PRIMARY KEY, province VARCHAR)");
        }
        AdminUnits units = AdminUnits.builtIn();
        Map<String, String> provinceOf = new LinkedHashMap<>();
        for (AdminUnits.Commune c : units.communes(AdminUnits.ListVersion.V2025)) {
            provinceOf.putIfAbsent(c.code(), c.provinceCode());
        }
        for (AdminUnits.Commune c : units.communes(AdminUnits.ListVersion.PRE_2025)) {
            provinceOf.putIfAbsent(c.code(), c.provinceCode());
        }
        try (DuckDBAppender appender = duck.unwrap(DuckDBConnection.class).createAppender("main", table)) {
            for (Map.Entry<String, String> e : provinceOf.entrySet()) {
                appender.beginRow();
                appender.append(e.getKey());
                appender.append(e.getValue());
                appender.endRow();
            }
        }
    }
}
