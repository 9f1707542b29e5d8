package vn.datafloor.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;
import vn.datafloor.integration.pipeline.SqlLibraries;

/** A real PostgreSQL as an agency's source database: an incremental read, and a database that does not answer. */
@Tag("postgres")
@ExtendWith(PostgresConfigured.class)
class PostgresSourceTest {

    @TempDir
    Path dir;

    private static String url() {
        return System.getenv(PostgresConfigured.URL_VARIABLE);
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(
                url(), System.getenv("DATAFLOOR_TEST_PG_USER"), System.getenv("DATAFLOOR_TEST_PG_PASSWORD"));
    }

    private RunResult run(String sourceYaml, String watermark) throws Exception {
        String spec = """
                pipeline: pg-source
                source: %s
                target: {dataset: pg.people}
                mapping: {record_id: id, full_name: ho_ten}
                key: [record_id]
                """.formatted(sourceYaml);
        PipelineRunner runner = new PipelineRunner(
                Lake.open(dir.resolve("lake")), dir.resolve("work"), "256MB", 1, SqlLibraries.standard());
        return runner.run(
                PipelineSpecs.parse(spec).spec(),
                new PipelineRunner.RunRequest(
                        "pg-" + System.nanoTime(),
                        Files.createDirectories(dir.resolve("in")),
                        watermark,
                        name -> System.getenv("DATAFLOOR_TEST_PG_PASSWORD"),
                        PipelineRunner.SourceResolver.NONE,
                        Map.of(),
                        Instant.now(),
                        // The test database listens on loopback, which only an operator's allowance opens to sources.
                        new vn.datafloor.integration.connect.NetworkPolicy(
                                java.util.List.of("127.0.0.0/8", "::1/128"))),
                RunControl.quiet());
    }

    @Test
    void aTableIsReadIncrementallyAndATimeoutIsAClearError() throws Exception {
        String table = "nguoi_" + Long.toHexString(System.nanoTime());
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INTEGER, ho_ten TEXT, cap_nhat INTEGER)");
            s.execute("INSERT INTO " + table + " VALUES (1, 'Nguyễn Văn An', 10), (2, 'Trần Thị Bình', 20)");
        }
        try {
            String source = "{type: jdbc, url: '" + url() + "', user: '" + System.getenv("DATAFLOOR_TEST_PG_USER")
                    + "', credential: pg, table: " + table + ", watermark: cap_nhat}";
            RunResult first = run(source, null);
            assertThat(first.rowsPublished()).isEqualTo(2);
            assertThat(first.watermark()).endsWith(":20");
            try (Connection c = connect();
                    Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + table + " VALUES (3, 'Lê Văn Cường', 30)");
            }
            assertThat(run(source, first.watermark()).rowsIn()).isEqualTo(1);

            String slow = "{type: jdbc, url: '" + url() + "', user: '" + System.getenv("DATAFLOOR_TEST_PG_USER")
                    + "', credential: pg, query: 'SELECT 1 AS id, pg_sleep(10)::text AS ho_ten', timeout_seconds: 1}";
            assertThatThrownBy(() -> run(slow, null))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("did not answer");
        } finally {
            try (Connection c = connect();
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + table);
            }
        }
    }
}
