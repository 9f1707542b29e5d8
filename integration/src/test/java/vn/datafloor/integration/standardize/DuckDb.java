package vn.datafloor.integration.standardize;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** An in-memory DuckDB that can never download an extension, as in production. */
final class DuckDb {

    private DuckDb() {}

    static Connection open() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = c.createStatement()) {
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
        }
        return c;
    }

    /** Evaluates {@code expression} with {@code ?} bound to {@code input}; the result as text. */
    static String eval(Connection c, String expression, String input) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT CAST(" + expression + " AS VARCHAR) FROM (SELECT CAST(? AS VARCHAR) AS s)")) {
            ps.setString(1, input);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
