package vn.datafloor.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.cdc.ChangeFollower;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;

/** A real PostgreSQL table followed by change capture: its inserts, updates and deletes become versions. */
@Tag("postgres")
@ExtendWith(PostgresConfigured.class)
class ChangeCaptureTest {

    @TempDir
    Path dir;

    @Test
    void insertsUpdatesAndDeletesBecomeVersionsWithTheRightRows() throws Exception {
        String followerId = "t" + Long.toHexString(System.nanoTime());
        String table = "cdc_" + followerId;
        ChangeCaptureDatabase.execute(
                "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, val INTEGER, note TEXT)",
                "INSERT INTO " + table + " VALUES (1, 10, 'Nguyễn Văn An'), (2, 20, 'Trần Thị Bình')");
        Lake lake = Lake.open(dir.resolve("lake"));
        BlockingQueue<DatasetVersion> published = new LinkedBlockingQueue<>();
        BlockingQueue<String> stopped = new LinkedBlockingQueue<>();
        ChangeFollower.Events events = new ChangeFollower.Events() {
            @Override
            public void published(DatasetVersion version, long changes) {
                published.add(version);
            }

            @Override
            public void stopped(String error) {
                stopped.add(error == null ? "asked" : error);
            }
        };
        try {
            // Three changes make a version; the first copy is one version however many rows it has.
            try (ChangeFollower follower = ChangeFollower.start(
                    followerId,
                    ChangeCaptureDatabase.settings(table, "cdc.people", 3, 3600),
                    ChangeCaptureDatabase.password(),
                    ChangeCaptureDatabase.LOOPBACK,
                    lake,
                    lake::publish,
                    Map.of("organisation", "1"),
                    ChangeFollower.Options.defaults(dir.resolve("work"), Clock.systemUTC()),
                    events)) {
                DatasetVersion first = next(published, stopped);
                assertThat(ChangeCaptureDatabase.versionRows(lake, first))
                        .containsExactly(Map.entry(1, "1|10|Nguyễn Văn An"), Map.entry(2, "2|20|Trần Thị Bình"));
                assertThat(first.manifest().lineage()).containsEntry(ChangeFollower.TOTAL, "2");

                ChangeCaptureDatabase.execute(
                        "INSERT INTO " + table + " VALUES (3, 30, 'Lê Văn Cường')",
                        "UPDATE " + table + " SET val = 11, note = NULL WHERE id = 1",
                        "DELETE FROM " + table + " WHERE id = 2");
                DatasetVersion second = next(published, stopped);
                assertThat(second.version()).isEqualTo(first.version() + 1);
                assertThat(ChangeCaptureDatabase.versionRows(lake, second))
                        .containsExactly(Map.entry(1, "1|11|null"), Map.entry(3, "3|30|Lê Văn Cường"));
                assertThat(second.manifest().diff().added()).isEqualTo(1);
                assertThat(second.manifest().diff().changed()).isEqualTo(1);
                assertThat(second.manifest().diff().removed()).isEqualTo(1);
                assertThat(second.manifest().lineage()).containsEntry(ChangeFollower.TOTAL, "5");
                // The version before is untouched: versions are immutable.
                assertThat(ChangeCaptureDatabase.versionRows(
                                lake,
                                lake.version("cdc.people", first.version()).orElseThrow()))
                        .hasSize(2);
            }
            assertThat(stopped.poll(60, TimeUnit.SECONDS)).isEqualTo("asked");

            // Restarted, it goes on from the published offset: a change made while it was stopped comes once.
            ChangeCaptureDatabase.execute("UPDATE " + table + " SET val = 31 WHERE id = 3");
            try (ChangeFollower follower = ChangeFollower.start(
                    followerId,
                    ChangeCaptureDatabase.settings(table, "cdc.people", 1, 3600),
                    ChangeCaptureDatabase.password(),
                    ChangeCaptureDatabase.LOOPBACK,
                    lake,
                    lake::publish,
                    Map.of(),
                    ChangeFollower.Options.defaults(dir.resolve("work"), Clock.systemUTC()),
                    events)) {
                DatasetVersion third = next(published, stopped);
                assertThat(ChangeCaptureDatabase.versionRows(lake, third))
                        .containsExactly(Map.entry(1, "1|11|null"), Map.entry(3, "3|31|Lê Văn Cường"));
                assertThat(third.manifest().lineage()).containsEntry(ChangeFollower.TOTAL, "6");
            }
        } finally {
            ChangeCaptureDatabase.cleanUp(followerId, table);
        }
    }

    @Test
    void aQuietTableStillPublishesWhatWaitedLongEnough() throws Exception {
        String followerId = "q" + Long.toHexString(System.nanoTime());
        String table = "cdc_" + followerId;
        ChangeCaptureDatabase.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, val INTEGER, note TEXT)");
        Lake lake = Lake.open(dir.resolve("lake"));
        BlockingQueue<DatasetVersion> published = new LinkedBlockingQueue<>();
        BlockingQueue<String> stopped = new LinkedBlockingQueue<>();
        BlockingQueue<String> idle = new LinkedBlockingQueue<>();
        try (ChangeFollower follower = ChangeFollower.start(
                followerId,
                ChangeCaptureDatabase.settings(table, "cdc.quiet", 1000, 1),
                ChangeCaptureDatabase.password(),
                ChangeCaptureDatabase.LOOPBACK,
                lake,
                lake::publish,
                Map.of(),
                ChangeFollower.Options.defaults(dir.resolve("work"), Clock.systemUTC()),
                new ChangeFollower.Events() {
                    @Override
                    public void stage(String stage) {
                        if (stage.equals("idle")) {
                            idle.add(stage);
                        }
                    }

                    @Override
                    public void published(DatasetVersion version, long changes) {
                        published.add(version);
                    }

                    @Override
                    public void stopped(String error) {
                        stopped.add(error == null ? "asked" : error);
                    }
                })) {
            // Heartbeats reach the follower once it streams; then one change, far from the batch size.
            assertThat(idle.poll(120, TimeUnit.SECONDS)).as("streaming began").isNotNull();
            ChangeCaptureDatabase.execute("INSERT INTO " + table + " VALUES (7, 70, 'Phạm Thị Dung')");
            DatasetVersion version = next(published, stopped);
            assertThat(ChangeCaptureDatabase.versionRows(lake, version))
                    .containsExactly(Map.entry(7, "7|70|Phạm Thị Dung"));
        } finally {
            ChangeCaptureDatabase.cleanUp(followerId, table);
        }
    }

    private static DatasetVersion next(BlockingQueue<DatasetVersion> published, BlockingQueue<String> stopped)
            throws InterruptedException {
        for (int i = 0; i < 240; i++) {
            DatasetVersion version = published.poll(500, TimeUnit.MILLISECONDS);
            if (version != null) {
                return version;
            }
            String error = stopped.peek();
            if (error != null) {
                throw new AssertionError("The follower stopped: " + error);
            }
        }
        throw new AssertionError("No version was published within two minutes");
    }
}
