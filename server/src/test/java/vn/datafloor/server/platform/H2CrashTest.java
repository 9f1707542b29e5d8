package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a JVM committing to the control database at random points, repeatedly on the same
 * database, and check after each kill that every row whose commit had returned is still there.
 * The child opens the database with the server's own URL ({@link EmbeddedDatabase}), and both it and
 * the check first run the recovery the server runs at start ({@link EmbeddedDatabase#recoverAfterCrash}).
 */
class H2CrashTest {

    private static final int ROUNDS = 10;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyAcknowledgedCommitSurvivesSigkill() throws Exception {
        Path dataDir = tmp.resolve("data");
        Set<Long> acked = new HashSet<>();
        Random rnd = new Random(20261205L);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        for (int round = 0; round < ROUNDS; round++) {
            Path err = tmp.resolve("stderr-" + round + ".txt");
            Process p = new ProcessBuilder(
                            java, "-Xmx128m", "-cp", cp, H2CrashCommitter.class.getName(), dataDir.toString())
                    .redirectError(err.toFile())
                    .start();
            int ackedBefore = acked.size();
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String ready = in.readLine();
                assertThat(ready)
                        .as("child did not open the database; stderr: %s", readQuietly(err))
                        .startsWith("ready ");
                int killAfter = 1 + rnd.nextInt(400);
                int seen = 0;
                while (seen < killAfter) {
                    String line = in.readLine();
                    assertThat(line)
                            .as("child ended early; stderr: %s", readQuietly(err))
                            .isNotNull();
                    if (record(line, acked)) {
                        seen++;
                    }
                }
                // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe.
                assertThat(p.toHandle().destroyForcibly()).isTrue();
                // Lines already in the pipe were acknowledged too; a line cut by the kill lacks its " ." end.
                for (String line; (line = in.readLine()) != null; ) {
                    record(line, acked);
                }
            } finally {
                p.destroyForcibly();
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(acked.size()).isGreaterThan(ackedBefore);

            Map<Long, String> stored = readAll(dataDir);
            Set<Long> lost = new HashSet<>(acked);
            lost.removeAll(stored.keySet());
            assertThat(lost)
                    .as("round %d: acknowledged commits lost after kill -9 (%d acknowledged)", round, acked.size())
                    .isEmpty();
            for (long id : acked) {
                assertThat(stored.get(id)).as("row %d", id).isEqualTo(H2CrashCommitter.payload(id));
            }
        }
        assertThat(acked.size()).isGreaterThan(ROUNDS * 50);
    }

    /** Reopens the database as the server would and reads every row; closing it lets the next child open it. */
    private static Map<Long, String> readAll(Path dataDir) throws Exception {
        Map<Long, String> rows = new HashMap<>();
        EmbeddedDatabase.recoverAfterCrash(EmbeddedDatabase.url(dataDir));
        try (Connection c = DriverManager.getConnection(EmbeddedDatabase.url(dataDir), "datafloor", "");
                Statement s = c.createStatement()) {
            // A database that lost even the table's creation holds no rows (and the assertion says which were lost).
            try (ResultSet rs =
                    s.executeQuery("select count(*) from information_schema.tables where table_name = 'crash_probe'")) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return rows;
                }
            }
            try (ResultSet rs = s.executeQuery("select id, payload from crash_probe")) {
                while (rs.next()) {
                    rows.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return rows;
    }

    /** Parses an {@code ack} line; an id acknowledged twice would mean a lost row's id was reused. */
    private static boolean record(String line, Set<Long> acked) {
        String[] f = line.split(" ");
        if (f.length != 3 || !f[0].equals("ack") || !f[2].equals(".")) {
            return false;
        }
        long id = Long.parseLong(f[1]);
        assertThat(acked.add(id)).as("id %d acknowledged twice", id).isTrue();
        return true;
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
