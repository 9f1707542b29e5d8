package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The one factory for DuckDB connections. Every connection refuses to download or auto-load
 * extensions (only the linked core_functions, icu, json and parquet exist), caps memory and spills
 * to a temp directory. Trusted code prepares a connection (attaches or loads exactly the inputs),
 * then {@link #lock} seals it before any user-written SQL runs: from then on DuckDB itself refuses
 * files, network, ATTACH, extensions and configuration changes, except the directories and files the
 * {@link Lockdown} names. An architecture test keeps this class the only place DuckDB is opened.
 */
public final class DuckDbConnections {

    private DuckDbConnections() {}

    /** An in-memory database for one unit of work; close it when done. */
    public static Connection open(Path spillDirectory, String memoryLimit, int threads) throws SQLException {
        return connect("jdbc:duckdb:", spillDirectory, memoryLimit, threads);
    }

    /** A database in a scratch file, for work larger than memory; close it, then delete the file. */
    public static Connection openFile(Path file, Path spillDirectory, String memoryLimit, int threads)
            throws SQLException {
        return connect("jdbc:duckdb:" + file.toAbsolutePath(), spillDirectory, memoryLimit, threads);
    }

    private static Connection connect(String url, Path spillDirectory, String memoryLimit, int threads)
            throws SQLException {
        Properties properties = new Properties();
        // Refused before any statement can trigger a download.
        properties.setProperty("autoinstall_known_extensions", "false");
        properties.setProperty("autoload_known_extensions", "false");
        Connection connection = DriverManager.getConnection(url, properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET memory_limit = '" + memoryLimit.replace("'", "") + "'");
            statement.execute("SET threads = " + Math.max(1, threads));
            statement.execute("SET preserve_insertion_order = false");
            if (spillDirectory != null) {
                statement.execute("SET temp_directory = '"
                        + spillDirectory.toAbsolutePath().toString().replace("'", "''") + "'");
            }
        }
        return connection;
    }

    /**
     * Seals a prepared connection: after this, SQL on it reaches only its own tables and what
     * {@code lockdown} names, and no statement can loosen that (the configuration is locked).
     */
    public static LockedConnection lock(Connection connection, Lockdown lockdown) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET allowed_directories = "
                    + list(lockdown.directories().stream()
                            .map(p -> p.toString().endsWith("/") ? p.toString() : p + "/")
                            .toList()));
            statement.execute("SET allowed_paths = "
                    + list(lockdown.files().stream().map(Path::toString).toList()));
            statement.execute("SET enable_external_access = false");
            statement.execute("SET allow_community_extensions = false");
            statement.execute("SET autoinstall_known_extensions = false");
            statement.execute("SET autoload_known_extensions = false");
            statement.execute("SET lock_configuration = true");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new LockedConnection(connection, lockdown);
    }

    /** An in-memory connection locked at once: for parsing and for work on values only. */
    public static LockedConnection openSealed(String memoryLimit, java.time.Duration statementTimeout)
            throws SQLException {
        return lock(open(null, memoryLimit, 1), Lockdown.sealed(statementTimeout));
    }

    private static String list(java.util.List<String> values) {
        return "["
                + String.join(
                        ", ", values.stream().map(DuckDbConnections::literal).toList()) + "]";
    }

    /** Quotes an identifier for DuckDB SQL. */
    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Quotes a string literal (file paths, values) for DuckDB SQL. */
    public static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
