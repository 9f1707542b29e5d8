package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@link EmbeddedDatabase#recoverAfterCrash} scans and when it leaves the file alone. That the scan
 * finds commits H2's own open misses is {@code H2CrashTest}'s part (it needs a killed process).
 */
class EmbeddedDatabaseRecoveryTest {

    @TempDir
    Path dataDir;

    @Test
    void aDatabaseClosedCleanlyIsLeftAlone() throws Exception {
        String url = EmbeddedDatabase.url(dataDir);
        try (Connection c = withProbeTable(url);
                Statement s = c.createStatement()) {
            s.execute("insert into probe values (1)");
        }
        assertThat(EmbeddedDatabase.recoverAfterCrash(url)).isEmpty();
    }

    @Test
    void aDatabaseStillOpenIsLeftToH2() throws Exception {
        String url = EmbeddedDatabase.url(dataDir);
        try (Connection c = withProbeTable(url);
                Statement s = c.createStatement()) {
            s.execute("insert into probe values (1)");
            // Open and written: the header carries no clean mark, but H2 holds the file's lock.
            assertThat(EmbeddedDatabase.recoverAfterCrash(url)).isEmpty();
            s.execute("insert into probe values (2)");
        }
    }

    @Test
    void aFileLeftByAProcessThatDidNotCloseItIsScannedAndOpensWithEveryCommit() throws Exception {
        String url = EmbeddedDatabase.url(dataDir);
        Path copy = dataDir.resolve("copy");
        try (Connection c = withProbeTable(url);
                Statement s = c.createStatement()) {
            for (int i = 0; i < 50; i++) {
                s.execute("insert into probe values (" + i + ")");
            }
            // What a kill leaves: the file as the last commit wrote it, never closed.
            java.nio.file.Files.createDirectories(copy.resolve("db"));
            java.nio.file.Files.copy(
                    dataDir.resolve("db").resolve("datafloor.mv.db"),
                    copy.resolve("db").resolve("datafloor.mv.db"));
        }
        String copied = EmbeddedDatabase.url(copy);
        assertThat(EmbeddedDatabase.recoverAfterCrash(copied)).isPresent();
        // The scan closed it cleanly: the next start opens it without scanning again.
        assertThat(EmbeddedDatabase.recoverAfterCrash(copied)).isEmpty();
        try (Connection c = DriverManager.getConnection(copied, "datafloor", "");
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select count(*) from probe")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(50);
        }
    }

    @Test
    void nothingToRecoverWithoutAFileOrForAnotherDatabase() {
        assertThat(EmbeddedDatabase.recoverAfterCrash(EmbeddedDatabase.url(dataDir)))
                .isEmpty();
        assertThat(EmbeddedDatabase.recoverAfterCrash("jdbc:postgresql://127.0.0.1:5432/datafloor"))
                .isEmpty();
        assertThat(EmbeddedDatabase.recoverAfterCrash(null)).isEmpty();
    }

    /** A new connection to {@code url}, whose database now has the empty table {@code probe}. */
    private static Connection withProbeTable(String url) throws Exception {
        Connection c = DriverManager.getConnection(url, "datafloor", "");
        try (Statement s = c.createStatement()) {
            s.execute("create table probe(id bigint primary key)");
        }
        return c;
    }
}
