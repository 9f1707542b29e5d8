package vn.datafloor.server.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import vn.datafloor.server.platform.ApiReplicaContract;

/**
 * {@link ApiReplicaContract} on a real PostgreSQL, as a deployment runs it: the writer and the replica
 * share a schema of their own, created here and dropped afterwards (see {@link PostgresStorageTest}).
 */
@Tag("postgres")
@ExtendWith(PostgresConfigured.class)
class PostgresApiReplicaTest extends ApiReplicaContract {

    private static final String URL = System.getenv(PostgresConfigured.URL_VARIABLE);
    private static final String USER = System.getenv("DATAFLOOR_TEST_PG_USER");
    private static final String PASSWORD = System.getenv("DATAFLOOR_TEST_PG_PASSWORD");
    private final String schema = "datafloor_replica_" + Long.toString(System.nanoTime(), 36);
    private boolean schemaCreated;

    @Override
    protected List<String> database(Path writerDir) {
        if (!schemaCreated) {
            try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
                    Statement statement = connection.createStatement()) {
                statement.execute("create schema " + schema);
                schemaCreated = true;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        List<String> settings = new ArrayList<>();
        settings.add("--spring.profiles.active=postgres");
        settings.add("--spring.datasource.url=" + URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        settings.add("--spring.datasource.username=" + (USER == null ? "" : USER));
        settings.add("--spring.datasource.password=" + (PASSWORD == null ? "" : PASSWORD));
        settings.add("--spring.flyway.default-schema=" + schema);
        return settings;
    }

    @AfterAll
    void dropSchema() throws SQLException {
        // This runs before the contract's own @AfterAll: the processes let go of the schema first.
        stopProcesses();
        if (!schemaCreated) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema " + schema + " cascade");
        }
    }
}
