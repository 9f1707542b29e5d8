package vn.datafloor.server.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The storage contract on a real PostgreSQL, given by {@code DATAFLOOR_TEST_PG_URL}
 * ({@code jdbc:postgresql://127.0.0.1:PORT/DB}), {@code DATAFLOOR_TEST_PG_USER} and
 * {@code DATAFLOOR_TEST_PG_PASSWORD}; {@code .ci/run} starts a throw-away server and sets them.
 *
 * <p>Each run works in a schema of its own, created here and dropped afterwards, so the Flyway
 * migrations run from scratch and a reused database never mixes runs (the ledger is fresh every run;
 * an audit index left over from an earlier one would contradict it).
 *
 * <p>Without {@code DATAFLOOR_TEST_PG_URL} the class is skipped with that reason ({@link PostgresConfigured}).
 */
@Tag("postgres")
@ExtendWith(PostgresConfigured.class)
@ActiveProfiles("postgres")
class PostgresStorageTest extends StorageContract {

    private static final String URL = System.getenv(PostgresConfigured.URL_VARIABLE);
    private static final String USER = System.getenv("DATAFLOOR_TEST_PG_USER");
    private static final String PASSWORD_ENV = System.getenv("DATAFLOOR_TEST_PG_PASSWORD");
    private static final String SCHEMA = "datafloor_test_" + suffix();
    private static boolean schemaCreated;

    @BeforeAll
    static void requirePostgres() throws SQLException {
        Assumptions.assumeTrue(
                URL != null && !URL.isBlank(), "DATAFLOOR_TEST_PG_URL not set: PostgreSQL suite skipped");
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD_ENV);
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + SCHEMA);
            schemaCreated = true;
        }
    }

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        Path dataDir = newDataDir("postgres-");
        registry.add("datafloor.data-dir", dataDir::toString);
        registry.add("spring.datasource.url", () -> URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        registry.add("spring.datasource.username", () -> USER == null ? "" : USER);
        registry.add("spring.datasource.password", () -> PASSWORD_ENV == null ? "" : PASSWORD_ENV);
        registry.add("spring.flyway.default-schema", () -> SCHEMA);
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (!schemaCreated) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD_ENV);
                Statement statement = connection.createStatement()) {
            statement.execute("drop schema " + SCHEMA + " cascade");
        }
    }
}
