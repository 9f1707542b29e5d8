package vn.datafloor.integration.connect;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.DuckDbParser;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.lake.LockedConnection;

/**
 * A database: a server reached through a driver {@link JdbcSources} allow-listed, at an address the
 * organisation's {@link NetworkPolicy} allows, read-only where the driver can; or an agency's DuckDB
 * file, attached read-only to a connection sealed before the steward's query runs.
 */
final class JdbcConnector implements SourceConnector<JdbcSettings> {
    @Override
    public String kind() {
        return "jdbc";
    }

    @Override
    public Class<JdbcSettings> settingsType() {
        return JdbcSettings.class;
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.required("url", "jdbc:postgresql://host/db …, or jdbc:duckdb:file.duckdb in the inbox"),
                Setting.optional("user", "the database account"),
                new Setting(
                        "credential",
                        false,
                        Setting.Supply.SECRET,
                        "the password: given as the source's secret at registration, sealed, never shown again"),
                Setting.optional("table", "a table to read whole; or give query"),
                Setting.optional("query", "one SELECT; or give table"),
                Setting.optional(
                        "watermark", "column whose largest value is remembered: later runs read newer rows only"),
                Setting.optional("timeout_seconds", "how long the database may take, 60 when not given"));
    }

    @Override
    public Reach reach() {
        return Reach.NETWORK;
    }

    @Override
    public JdbcSettings parse(Map<String, String> values) {
        return JdbcSettings.parse(values);
    }

    @Override
    public LoadedSource load(JdbcSettings source, SourceLoader staging, String lastWatermark) throws SQLException {
        // The settings were checked when built; the checks that keep SQL text safe are repeated here, where
        // the text is put together, so this code never depends on how its caller got the settings.
        String sql;
        if (source.query() != null) {
            sql = source.query();
        } else {
            if (!source.table().matches("[A-Za-z_][A-Za-z0-9_.]{0,127}")) {
                throw new SourceException("The table name " + source.table() + " is not a plain identifier");
            }
            sql = "SELECT * FROM " + source.table();
        }
        if (source.watermark() != null) {
            if (!source.watermark().matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                throw new SourceException("The watermark column must be a plain column name");
            }
            sql = "SELECT * FROM (" + sql + ") AS src"
                    + (lastWatermark == null ? "" : " WHERE " + source.watermark() + " > ?") + " ORDER BY "
                    + source.watermark();
        }
        int timeout = source.timeoutSeconds();
        JdbcSources.Target target = JdbcSources.resolve(source.url(), staging.inputDirectory());
        MessageDigest digest = SourceLoader.sha256();
        String watermark = lastWatermark;
        LockedConnection lockedDuckDb = null;
        Connection external;
        if (target.duckDb()) {
            // An agency's DuckDB file: attached read-only to a connection sealed before the steward's query runs.
            if (source.query() != null) {
                DuckDbParser.Parsed parsed = DuckDbParser.parseSelect(source.query());
                if (!parsed.ok() || parsed.statements().size() != 1) {
                    throw new SecurityRefusal("The query must be one SELECT statement");
                }
            }
            external = DuckDbConnections.open(null, "512MB", 1);
            try (Statement statement = external.createStatement()) {
                statement.execute("ATTACH " + literal(target.duckDbFile().toString()) + " AS agency (READ_ONLY)");
                statement.execute("USE agency");
            } catch (SQLException e) {
                external.close();
                throw new SourceException(
                        "The DuckDB file could not be opened: it is not a DuckDB database or is damaged", e);
            }
            lockedDuckDb = DuckDbConnections.lock(external, Lockdown.sealed(Duration.ofSeconds(timeout)));
        } else {
            for (String host : target.hosts()) {
                staging.network().vet(host);
            }
            Properties properties = new Properties();
            if (source.user() != null) {
                properties.setProperty("user", source.user());
            }
            if (source.credential() != null) {
                properties.setProperty("password", staging.secret(source.credential()));
            }
            DriverManager.setLoginTimeout(timeout);
            try {
                external = staging.connect(target, properties);
            } catch (SQLException e) {
                throw new SourceException(
                        "The database refused the connection or could not be reached; check the host, port,"
                                + " database name, user and secret",
                        e);
            }
            try {
                external.setReadOnly(true);
            } catch (SQLException ignored) {
                // a driver without read-only connections: the account's own rights remain the limit
            }
        }
        try (external;
                PreparedStatement query = external.prepareStatement(sql);
                LockedConnection.Deadline deadline = lockedDuckDb == null ? null : lockedDuckDb.deadline(query)) {
            if (lockedDuckDb == null) {
                query.setQueryTimeout(timeout);
            }
            query.setFetchSize(10_000);
            if (source.watermark() != null && lastWatermark != null) {
                bindWatermark(query, lastWatermark);
            }
            try (ResultSet rs = query.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    String name = meta.getColumnLabel(c).toLowerCase(Locale.ROOT);
                    SourceLoader.requireSafeColumn(name);
                    columns.add(name);
                }
                staging.createVarcharTable("source_rows", columns);
                int watermarkColumn = source.watermark() == null
                        ? -1
                        : columns.indexOf(source.watermark().toLowerCase(Locale.ROOT)) + 1;
                if (source.watermark() != null && watermarkColumn == 0) {
                    throw new SourceException("The watermark column " + source.watermark() + " is not in the result");
                }
                try (DuckDBAppender appender = ((DuckDBConnection) staging.duck())
                        .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "source_rows")) {
                    long n = 0;
                    while (rs.next()) {
                        appender.beginRow();
                        for (int c = 1; c <= columns.size(); c++) {
                            String value = rs.getString(c);
                            appender.append(value);
                            if (value != null) {
                                digest.update(value.getBytes(StandardCharsets.UTF_8));
                            }
                            digest.update((byte) 0x1F);
                        }
                        appender.endRow();
                        if (watermarkColumn > 0 && rs.getString(watermarkColumn) != null) {
                            watermark = meta.getColumnType(watermarkColumn) + ":" + rs.getString(watermarkColumn);
                        }
                        if (++n % 10_000 == 0 && staging.cancelled()) {
                            throw new SourceException("Cancelled");
                        }
                    }
                }
            }
        } catch (SQLTimeoutException e) {
            throw new SourceException(
                    "The database did not answer within " + timeout + " s; try again later or raise timeout_seconds",
                    e);
        } catch (SQLException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (lockedDuckDb != null && LockedConnection.refusedByLockdown(e)) {
                throw new SecurityRefusal(
                        "The query tried to reach a file, the network, an extension or a setting, which a"
                                + " source query may not do: select from the database's own tables",
                        e);
            }
            // 57014: the server cancelled the statement, here because the query timeout ran out.
            if ("57014".equals(e.getSQLState())
                    || message.toLowerCase(Locale.ROOT).contains("timeout")
                    || message.contains("INTERRUPT")) {
                throw new SourceException(
                        "The database did not answer within " + timeout
                                + " s; try again later or raise timeout_seconds",
                        e);
            }
            throw new SourceException(
                    "The database could not be read: " + ErrorTexts.withoutValues(SourceLoader.firstLine(message)), e);
        }
        try (Statement statement = staging.duck().createStatement()) {
            statement.execute("CREATE OR REPLACE TABLE source_rejects (line BIGINT, reason VARCHAR, raw VARCHAR)");
        }
        return staging.summary(HexFormat.of().formatHex(digest.digest()), "jdbc", List.of(), watermark);
    }

    /**
     * A watermark is kept as "sqlType:value" so the next run compares it with the column's own type:
     * a database compares an integer column with a text parameter badly, or not at all.
     */
    private static void bindWatermark(PreparedStatement query, String stored) throws SQLException {
        int colon = stored.indexOf(':');
        int type = colon > 0 && stored.substring(0, colon).matches("-?\\d+")
                ? Integer.parseInt(stored.substring(0, colon))
                : java.sql.Types.VARCHAR;
        String value = colon > 0 ? stored.substring(colon + 1) : stored;
        try {
            switch (type) {
                case java.sql.Types.TINYINT, java.sql.Types.SMALLINT, java.sql.Types.INTEGER, java.sql.Types.BIGINT ->
                    query.setLong(1, Long.parseLong(value));
                case java.sql.Types.NUMERIC,
                        java.sql.Types.DECIMAL,
                        java.sql.Types.REAL,
                        java.sql.Types.FLOAT,
                        java.sql.Types.DOUBLE -> query.setBigDecimal(1, new java.math.BigDecimal(value));
                case java.sql.Types.DATE -> query.setDate(1, java.sql.Date.valueOf(value));
                case java.sql.Types.TIMESTAMP -> query.setTimestamp(1, java.sql.Timestamp.valueOf(value));
                default -> query.setString(1, value);
            }
        } catch (IllegalArgumentException e) {
            query.setString(1, value); // not in the expected form: let the database compare the text
        }
    }
}
