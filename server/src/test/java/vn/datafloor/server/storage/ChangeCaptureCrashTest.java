package vn.datafloor.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.cdc.ChangeFollower;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.LocalMasterKey;

/**
 * Kills a real child JVM (SIGKILL) that follows a PostgreSQL table, at random steps while changes stream
 * into the table: as changes arrive, while a batch is applied, once it is staged, after it is published,
 * when idle. After every restart the follower goes on from the offset in the last published version;
 * in the end the last version equals the table, no version holds a key twice, and the versions together
 * applied every change exactly once: the running count of changes in the last manifest equals the number
 * of rows first copied plus the number of statements run.
 */
@Tag("postgres")
@ExtendWith(PostgresConfigured.class)
class ChangeCaptureCrashTest {

    private static final int FIRST_ROWS = 20;
    private static final int ROUNDS = 8;
    private static final int STATEMENTS_PER_ROUND = 40;

    @TempDir
    Path dir;

    static Lake encrypted(Path lakeDir) {
        return Lake.open(
                lakeDir,
                new LakeKeys(LocalMasterKey.openOrCreate(
                        lakeDir.resolveSibling("keys").resolve("lake.keyset.json"))));
    }

    @Test
    void killingTheFollowerAtRandomStepsNeitherLosesNorRepeatsAChange() throws Exception {
        String followerId = "k" + Long.toHexString(System.nanoTime());
        String table = "cdc_" + followerId;
        String dataset = "cdc.crash";
        Path lakeDir = dir.resolve("lake");
        ChangeCaptureDatabase.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, val INTEGER, note TEXT)");
        StringBuilder first = new StringBuilder("INSERT INTO " + table + " VALUES ");
        for (int id = 1; id <= FIRST_ROWS; id++) {
            first.append(id == 1 ? "" : ", ")
                    .append("(")
                    .append(id)
                    .append(", 0, 'hàng ")
                    .append(id)
                    .append("')");
        }
        ChangeCaptureDatabase.execute(first.toString());
        Random random = new Random(20261206L);
        List<Integer> live = new ArrayList<>();
        for (int id = 1; id <= FIRST_ROWS; id++) {
            live.add(id);
        }
        int[] nextId = {FIRST_ROWS + 1};
        int statements = 0;
        int kills = 0;
        try {
            // The first copy is published, then the process is killed: every later change comes by streaming.
            Process child = start(lakeDir, table, dataset, followerId);
            readUntil(child, line -> line.startsWith("PUBLISHED"));
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            kills++;

            List<String> steps = List.of("STAGE received", "STAGE applying", "STAGE staged", "PUBLISHED", "STAGE idle");
            for (int round = 0; round < ROUNDS; round++) {
                List<String> chunk = new ArrayList<>();
                for (int i = 0; i < STATEMENTS_PER_ROUND; i++) {
                    chunk.add(statement(table, random, live, nextId));
                }
                statements += chunk.size();
                child = start(lakeDir, table, dataset, followerId);
                // Changes stream in while the child follows; it dies at a random step, the n-th time it reaches it.
                Thread writer = new Thread(() -> {
                    try {
                        for (String sql : chunk) {
                            ChangeCaptureDatabase.execute(sql);
                        }
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                writer.start();
                String killAt = steps.get(random.nextInt(steps.size()));
                int times = 1 + random.nextInt(3);
                int[] seen = {0};
                readUntil(child, line -> {
                    if (line.startsWith(killAt) && ++seen[0] >= times) {
                        return true;
                    }
                    // Caught up with everything written: nothing more will happen but heartbeats.
                    return line.equals("STAGE idle") && !writer.isAlive() && seen[0] > 0;
                });
                child.destroyForcibly();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                kills++;
                writer.join();
                assertEveryVersionIsWhole(encrypted(lakeDir), dataset);
            }

            // A last start, not killed: it must catch up with every statement, exactly once.
            child = start(lakeDir, table, dataset, followerId);
            Map<Integer, String> expected = ChangeCaptureDatabase.tableRows(table);
            long expectedTotal = FIRST_ROWS + statements;
            readUntil(child, line -> {
                if (!line.startsWith("PUBLISHED") && !line.equals("STAGE idle")) {
                    return false;
                }
                DatasetVersion latest = encrypted(lakeDir).latest(dataset).orElseThrow();
                return Long.parseLong(latest.manifest().lineage().get(ChangeFollower.TOTAL)) >= expectedTotal;
            });
            child.destroyForcibly();
            child.waitFor(60, TimeUnit.SECONDS);

            Lake lake = encrypted(lakeDir);
            DatasetVersion latest = lake.latest(dataset).orElseThrow();
            assertThat(latest.manifest().lineage().get(ChangeFollower.TOTAL))
                    .as("changes applied, counted over every version")
                    .isEqualTo(Long.toString(expectedTotal));
            assertThat(ChangeCaptureDatabase.versionRows(lake, latest)).isEqualTo(expected);
            long previousTotal = 0;
            for (DatasetVersion version : lake.versions(dataset)) {
                long versionTotal = Long.parseLong(version.manifest().lineage().get(ChangeFollower.TOTAL));
                assertThat(versionTotal).as("v" + version.version()).isGreaterThan(previousTotal);
                previousTotal = versionTotal;
            }
            assertThat(kills).isEqualTo(ROUNDS + 1);
            try (var all = Files.walk(lakeDir)) {
                assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".staging-"));
            }
        } finally {
            ChangeCaptureDatabase.cleanUp(followerId, table);
        }
    }

    /** One autocommitted change: an insert, an update that counts, or a delete. */
    private static String statement(String table, Random random, List<Integer> live, int[] nextId) {
        int kind = live.size() < 5 ? 0 : random.nextInt(10);
        if (kind < 4) {
            int id = nextId[0]++;
            live.add(id);
            return "INSERT INTO " + table + " VALUES (" + id + ", 0, 'mới " + id + "')";
        }
        int index = random.nextInt(live.size());
        int id = live.get(index);
        if (kind < 8) {
            return "UPDATE " + table + " SET val = val + 1, note = 'sửa " + id + "' WHERE id = " + id;
        }
        live.remove(index);
        return "DELETE FROM " + table + " WHERE id = " + id;
    }

    private Process start(Path lakeDir, String table, String dataset, String followerId) throws Exception {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ChangeFollowingChild.class.getName(),
                        lakeDir.toString(),
                        ChangeCaptureDatabase.url(),
                        ChangeCaptureDatabase.user(),
                        table,
                        dataset,
                        followerId,
                        "7")
                .redirectErrorStream(true)
                .start();
    }

    /** Reads the child's lines until {@code stop} accepts one; fails if the child ends or stops following first. */
    private static void readUntil(Process child, java.util.function.Predicate<String> stop) throws Exception {
        BufferedReader lines =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        List<String> tail = new ArrayList<>();
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("STOPPED")) {
                throw new AssertionError("The follower stopped by itself: " + line + "\n" + String.join("\n", tail));
            }
            tail.add(line);
            if (tail.size() > 40) {
                tail.remove(0);
            }
            if (stop.test(line)) {
                return;
            }
        }
        throw new AssertionError("The follower ended: " + String.join("\n", tail));
    }

    private static void assertEveryVersionIsWhole(Lake lake, String dataset) throws Exception {
        for (DatasetVersion version : lake.versions(dataset)) {
            assertThat(version.encrypted()).isTrue();
            // Reading it checks its key unwraps, its files decrypt and no id is there twice.
            assertThat(ChangeCaptureDatabase.versionRows(lake, version))
                    .hasSize((int) version.manifest().rowCount());
        }
    }
}
