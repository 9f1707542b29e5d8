package vn.datafloor.integration.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever validation says, SQL on a locked connection reaches only its own tables and the paths
 * its lockdown names: every way DuckDB offers to reach a file, the network, an extension or the
 * configuration fails inside it.
 */
class LockedConnectionTest {

    @TempDir
    Path dir;

    Path secret;
    Path outside;
    Path allowed;

    @BeforeEach
    void files() throws Exception {
        secret = Files.writeString(dir.resolve("secret.txt"), "the master key");
        outside = dir.resolve("outside");
        allowed = Files.createDirectories(dir.resolve("allowed"));
        Files.writeString(allowed.resolve("mine.csv"), "a\n1\n");
        try (Connection c = DuckDbConnections.open(null, "128MB", 1);
                var s = c.createStatement()) {
            s.execute("COPY (SELECT 7 AS v) TO '" + dir.resolve("other.parquet") + "' (FORMAT parquet)");
        }
    }

    private LockedConnection locked() throws SQLException {
        Connection c = DuckDbConnections.open(null, "128MB", 1);
        try (var s = c.createStatement()) {
            s.execute("CREATE TABLE t AS SELECT 1 AS a");
        }
        return DuckDbConnections.lock(c, new Lockdown(List.of(allowed), List.of(), Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT * FROM read_text('%SECRET%')",
                "SELECT * FROM read_blob('%SECRET%')",
                "SELECT * FROM read_csv('%SECRET%')",
                "SELECT * FROM read_csv_auto('%SECRET%')",
                "SELECT * FROM read_json('%SECRET%')",
                "SELECT * FROM read_json_auto('%SECRET%')",
                "SELECT * FROM read_parquet('%DIR%/other.parquet')",
                "SELECT * FROM '%DIR%/other.parquet'",
                "SELECT * FROM parquet_metadata('%DIR%/other.parquet')",
                "SELECT * FROM sniff_csv('%SECRET%')",
                "SELECT * FROM glob('%DIR%/*')",
                "SELECT * FROM read_text('%ALLOWED%/../secret.txt')",
                "SELECT * FROM query('SELECT * FROM read_text(''%SECRET%'')')",
                "COPY (SELECT 42) TO '%OUTSIDE%.csv'",
                "COPY t TO '%OUTSIDE%.parquet' (FORMAT parquet)",
                "EXPORT DATABASE '%OUTSIDE%'",
                "ATTACH '%OUTSIDE%.db' AS x",
                "INSTALL httpfs",
                "LOAD httpfs",
                "SELECT * FROM read_text('http://127.0.0.1:9/x')",
                "SET enable_external_access = true",
                "RESET enable_external_access",
                "SET allowed_directories = ['/']",
                "SET memory_limit = '100GB'",
                "SET lock_configuration = false",
                "PRAGMA profiling_output = '%OUTSIDE%.txt'",
                "SELECT getenv('HOME')"
            })
    void refusesEveryWayOut(String template) throws Exception {
        String sql = template.replace("%SECRET%", secret.toString())
                .replace("%DIR%", dir.toString())
                .replace("%OUTSIDE%", outside.toString())
                .replace("%ALLOWED%", allowed.toString());
        try (LockedConnection locked = locked()) {
            assertThatThrownBy(() -> locked.query(sql, rs -> {
                        StringBuilder all = new StringBuilder();
                        while (rs.next()) {
                            all.append(rs.getString(1));
                        }
                        return all.toString();
                    }))
                    .as(sql)
                    .isInstanceOf(SQLException.class);
        }
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .as(sql)
                .noneMatch(n -> n.startsWith("outside"));
    }

    @Test
    void allowedPlacesStayUsableAndTheConfigurationStaysLocked() throws Exception {
        try (LockedConnection locked = locked()) {
            long rows = locked.query("SELECT count(*) FROM read_csv('" + allowed.resolve("mine.csv") + "')", rs -> {
                rs.next();
                return rs.getLong(1);
            });
            assertThat(rows).isEqualTo(1);
            locked.execute("COPY t TO '" + allowed.resolve("out.parquet") + "' (FORMAT parquet)");
            assertThat(allowed.resolve("out.parquet")).exists();
            String external = locked.query("SELECT current_setting('enable_external_access')", rs -> {
                rs.next();
                return rs.getString(1);
            });
            assertThat(external).isEqualTo("false");
        }
    }

    @Test
    void aStatementRunningPastItsTimeIsStopped() throws Exception {
        Connection c = DuckDbConnections.open(null, "128MB", 1);
        try (LockedConnection locked = DuckDbConnections.lock(c, Lockdown.sealed(Duration.ofMillis(200)))) {
            assertThatThrownBy(() -> locked.execute("SELECT count(*) FROM range(1000000000000) a, range(1000000) b"))
                    .isInstanceOf(SQLTimeoutException.class)
                    .hasMessageContaining("was stopped");
            // the connection is still usable afterwards
            int one = locked.query("SELECT 1", rs -> {
                rs.next();
                return rs.getInt(1);
            });
            assertThat(one).isEqualTo(1);
        }
    }
}
