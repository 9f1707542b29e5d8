package vn.datafloor.integration.lake;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * DuckDB's own parser, reached through {@code json_serialize_sql}: validation of user-written SQL
 * looks at the tree DuckDB will execute, never at a re-tokenized copy of the text (a second tokenizer
 * disagrees with the real one on escape strings, dollar quotes and comments). The parsing connection
 * is sealed, holds no data, and receives the text as a bound parameter.
 */
public final class DuckDbParser {

    /** Longest text handed to the parser; validation refuses longer input before parsing. */
    public static final int MAX_SQL_LENGTH = 100_000;

    /** The error of a text holding a statement other than SELECT. */
    public static final String NOT_SELECT = "is not a SELECT statement";

    /**
     * The {@code error_type} json_serialize_sql reports for any statement other than SELECT (DuckDB's
     * own words: "Only SELECT statements can be serialized to json!").
     */
    private static final String DUCKDB_NON_SELECT_ERROR_TYPE = "not implemented";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static LockedConnection parser;

    private DuckDbParser() {}

    /** What DuckDB made of a text: the statements' trees, or why it could not parse them. */
    public record Parsed(JsonNode statements, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Parses SELECT statements. Anything that is not a SELECT (COPY, ATTACH, SET, PRAGMA, INSTALL…)
     * comes back as an error, since DuckDB serializes only SELECT statements.
     */
    public static synchronized Parsed parseSelect(String sql) {
        if (sql.length() > MAX_SQL_LENGTH) {
            return new Parsed(null, "longer than " + MAX_SQL_LENGTH + " characters");
        }
        String json;
        try (PreparedStatement statement =
                connection().connection().prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            statement.setString(1, sql);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                json = rs.getString(1);
            }
        } catch (SQLException e) {
            return new Parsed(null, "could not be parsed");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (JacksonException e) {
            // The tree of an expression nested deeper than the JSON reader allows.
            return new Parsed(null, "nested too deeply");
        }
        if (tree.path("error").asBoolean(false)) {
            String type = tree.path("error_type").asString("");
            if (DUCKDB_NON_SELECT_ERROR_TYPE.equals(type)) {
                return new Parsed(null, NOT_SELECT);
            }
            String message = tree.path("error_message").asString("syntax error");
            return new Parsed(null, message);
        }
        return new Parsed(tree.path("statements"), null);
    }

    /** Writes a statement tree back as SQL text: the canonical form that is executed instead of the user's text. */
    public static synchronized String toSql(JsonNode statements) {
        String json = "{\"error\":false,\"statements\":" + JSON.writeValueAsString(statements) + "}";
        try (PreparedStatement statement =
                connection().connection().prepareStatement("SELECT json_deserialize_sql(?::VARCHAR::JSON)")) {
            statement.setString(1, json);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB could not write back a tree it parsed", e);
        }
    }

    private static LockedConnection connection() throws SQLException {
        if (parser == null || parser.connection().isClosed()) {
            parser = DuckDbConnections.openSealed("64MB", Duration.ofSeconds(10));
        }
        return parser;
    }
}
