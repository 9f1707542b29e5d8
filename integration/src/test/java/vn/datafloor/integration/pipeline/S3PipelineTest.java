package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.ObjectStorage;
import vn.datafloor.integration.lake.S3ObjectStore;
import vn.datafloor.integration.lake.S3ProxyServer;

/** Pipelines publish to the lake on S3 exactly as to the directory: quality, quarantine, idempotence, diffs. */
@Tag("s3")
class S3PipelineTest {

    @TempDir
    Path dir;

    @Test
    void runsPublishEncryptedVersionsToTheBucketRecogniseUnchangedInputAndDiffAgainstThePrevious() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("server"))) {
            S3ObjectStore store = server.newStore("lake/");
            LakeKeys keys = LakeKeys.local(dir.resolve("keys"));
            Lake lake = Lake.open(dir.resolve("lake"), keys, new ObjectStorage(store, dir.resolve("cache"), 0, true));
            PipelineRunner runner = new PipelineRunner(lake, dir.resolve("work"), "256MB", 1, SqlLibrary.NONE);
            var spec = PipelineSpecs.parse(PipelineCrashTest.SPEC).spec();
            Path input = Files.createDirectories(dir.resolve("input"));
            writePeople(input.resolve("people.csv"), 1000);

            RunResult first = runner.run(spec, request(input), control());
            assertThat(first.version().version()).isEqualTo(1);
            assertThat(first.rowsQuarantined()).isEqualTo(11); // every 97th name is empty: 0, 97, ..., 970
            assertThat(first.rowsPublished()).isEqualTo(989);
            assertThat(store.list("crash.people/v1/"))
                    .extracting(o -> o.key().substring("crash.people/v1/".length()))
                    .contains("manifest.json", "keys.json", "quality.json", "part-0.parquet");

            RunResult again = runner.run(spec, request(input), control());
            assertThat(again.reused()).isTrue();
            assertThat(again.version().version()).isEqualTo(1);

            writePeople(input.resolve("people.csv"), 1010);
            RunResult changed = runner.run(spec, request(input), control());
            assertThat(changed.version().version()).isEqualTo(2);
            assertThat(changed.version().manifest().diff().previousVersion()).isEqualTo(1);
            assertThat(changed.version().manifest().diff().added()).isEqualTo(10);

            // Another server, with its own empty cache, reads the same rows.
            Lake elsewhere = Lake.open(
                    dir.resolve("elsewhere"), keys, new ObjectStorage(store, dir.resolve("elsewhere-cache"), 0, true));
            DatasetVersion latest = elsewhere.latest("crash.people").orElseThrow();
            Path scratch = Files.createDirectories(dir.resolve("scratch"));
            try (ClearVersion clear = elsewhere.clear(latest, scratch);
                    Connection c = DuckDbConnections.open(scratch, "256MB", 1);
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT count(*) FROM " + clear.readExpression())) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(changed.rowsPublished());
            }
        }
    }

    private static RunControl control() {
        return new RunControl(new RunControl.Listener() {
            @Override
            public void progress(String stage, int percent) {}

            @Override
            public void log(String level, String message) {}
        });
    }

    private static PipelineRunner.RunRequest request(Path input) {
        return new PipelineRunner.RunRequest(
                "run-" + System.nanoTime(),
                input,
                null,
                name -> "",
                PipelineRunner.SourceResolver.NONE,
                Map.of(),
                Instant.now());
    }

    private static void writePeople(Path file, int rows) throws Exception {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("record_id,ho_ten\n");
            for (int i = 0; i < rows; i++) {
                out.write(i + "," + (i % 97 == 0 ? "" : "Nguyễn Văn " + i) + "\n");
            }
        }
    }
}
