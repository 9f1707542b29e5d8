package vn.datafloor.server.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vn.datafloor.integration.cdc.ChangeFollower;
import vn.datafloor.integration.connect.ChangesSettings;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;

/** The test PostgreSQL as an agency's database followed by change capture, and what the tests read back. */
final class ChangeCaptureDatabase {

    /** The test server listens on loopback, which only an operator's allowance opens to sources. */
    static final NetworkPolicy LOOPBACK = new NetworkPolicy(List.of("127.0.0.0/8", "::1/128"));

    private ChangeCaptureDatabase() {}

    static String url() {
        return System.getenv(PostgresConfigured.URL_VARIABLE);
    }

    static String user() {
        return System.getenv("DATAFLOOR_TEST_PG_USER");
    }

    static String password() {
        return System.getenv("DATAFLOOR_TEST_PG_PASSWORD");
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), user(), password());
    }

    static void execute(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    static ChangesSettings settings(String table, String dataset, int batchChanges, int batchSeconds) {
        return new ChangesSettings(url(), user(), "pg", table, dataset, batchChanges, batchSeconds);
    }

    /** The table's rows as "id|val|note", by id. */
    static Map<Integer, String> tableRows(String table) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, val, note FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return rows;
    }

    /** A version's rows as "id|val|note", by id; throws when two rows share an id. */
    static Map<Integer, String> versionRows(Lake lake, DatasetVersion version) throws SQLException {
        Map<Integer, String> rows = new TreeMap<>();
        try (var clear = lake.clear(version, lake.root().resolveSibling("read"));
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, val, note FROM " + clear.readExpression())) {
            while (rs.next()) {
                int id = Integer.parseInt(rs.getString(1));
                String row = rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3);
                if (rows.put(id, row) != null) {
                    throw new AssertionError("v" + version.version() + " holds id " + id + " twice");
                }
            }
        }
        return rows;
    }

    /** Drops the follower's slot and publication, once the engine has let go of the slot, and the table. */
    static void cleanUp(String followerId, String table) throws Exception {
        String name = ChangeFollower.replicationName(followerId);
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (int attempt = 0; attempt < 600; attempt++) {
                try (ResultSet rs =
                        s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + name + "'")) {
                    if (!rs.next()) {
                        break;
                    }
                    if (!rs.getBoolean(1)) {
                        s.execute("SELECT pg_drop_replication_slot('" + name + "')");
                        break;
                    }
                }
                Thread.onSpinWait();
                try (ResultSet ignored = s.executeQuery("SELECT pg_sleep(0.1)")) {
                    // the server waits, not the test: the slot is released when its walsender ends
                }
            }
            s.execute("DROP PUBLICATION IF EXISTS " + name);
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    static List<String> names(List<DatasetVersion> versions) {
        List<String> names = new ArrayList<>();
        versions.forEach(v -> names.add("v" + v.version()));
        return names;
    }
}
