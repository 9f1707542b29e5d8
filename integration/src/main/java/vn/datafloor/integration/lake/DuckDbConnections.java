package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens DuckDB the one safe way: no extension is ever downloaded or auto-loaded (only the linked
 * core_functions, icu, json and parquet exist), memory is capped and spills to a temp directory.
 */
public final class DuckDbConnections {

    private DuckDbConnections() {}

    /** An in-memory database for one unit of work; close it when done. */
    public static Connection open(Path spillDirectory, String memoryLimit, int threads) throws SQLException {
        return connect("jdbc:duckdb:", spillDirectory, memoryLimit, threads);
    }

    /** A database in a scratch file, for work larger than memory; close it, then delete the file. */
    public static Connection openFile(Path file, Path spillDirectory, String memoryLimit, int threads) throws SQLException {
        return connect("jdbc:duckdb:" + file.toAbsolutePath(), spillDirectory, memoryLimit, threads);
    }

    private static Connection connect(String url, Path spillDirectory, String memoryLimit, int threads) throws SQLException {
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
                statement.execute("SET temp_directory = '" + spillDirectory.toAbsolutePath().toString().replace("'", "''") + "'");
            }
        }
        return connection;
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
