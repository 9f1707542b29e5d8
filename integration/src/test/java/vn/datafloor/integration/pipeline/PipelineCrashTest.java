package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;

/**
 * Kills a real child JVM (SIGKILL) while it runs a pipeline, at a random stage, many times: the
 * lake must then hold either nothing or complete versions, and a re-run must publish exactly once.
 */
class PipelineCrashTest {

    static final String SPEC = """
            pipeline: crash
            source: {type: csv, path: people.csv}
            target: {dataset: crash.people}
            mapping: {record_id: record_id, full_name: ho_ten}
            quality:
              - {rule: completeness, columns: [full_name], severity: reject}
            key: [record_id]
            """;

    @TempDir
    Path dir;

    @Test
    void killingARunAtAnyStageLeavesNoHalfVisibleVersionAndTheReRunPublishesOnce() throws Exception {
        Path input = Files.createDirectories(dir.resolve("input"));
        try (Writer out = Files.newBufferedWriter(input.resolve("people.csv"), StandardCharsets.UTF_8)) {
            out.write("record_id,ho_ten\n");
            for (int i = 0; i < 300_000; i++) {
                out.write(i + "," + (i % 97 == 0 ? "" : "Nguyễn Văn " + i) + "\n");
            }
        }
        Path lakeDir = dir.resolve("lake");
        List<String> stages = List.of("reading", "mapping", "standardizing", "checking quality", "measuring", "writing", "publishing");
        Random random = new Random(7);
        int killed = 0;
        for (int round = 0; round < 6; round++) {
            String killAt = stages.get(random.nextInt(stages.size()));
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), CrashingRun.class.getName(), input.toString(), lakeDir.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.equals("STAGE " + killAt)) {
                        child.destroyForcibly();
                        killed++;
                        break;
                    }
                }
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertEveryVisibleVersionIsComplete(Lake.open(lakeDir));
        }
        assertThat(killed).isEqualTo(6);

        // After the crashes, runs publish once and then recognise the unchanged input.
        Lake lake = Lake.open(lakeDir);
        int before = lake.versions("crash.people").size();
        PipelineRunner runner = new PipelineRunner(lake, dir.resolve("work"), "256MB", 1, SqlLibrary.NONE);
        RunResult first = runner.run(PipelineSpecs.parse(SPEC).spec(), request(input), RunControl.quiet());
        RunResult second = runner.run(PipelineSpecs.parse(SPEC).spec(), request(input), RunControl.quiet());
        assertThat(second.reused()).isTrue();
        assertThat(lake.versions("crash.people")).hasSize(first.reused() ? before : before + 1);
        assertThat(first.rowsPublished() + first.rowsQuarantined()).isEqualTo(300_000);
        assertEveryVisibleVersionIsComplete(lake);
        try (var children = Files.list(lakeDir.resolve("crash.people"))) {
            assertThat(children.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".staging"));
        }
    }

    private static PipelineRunner.RunRequest request(Path input) {
        return new PipelineRunner.RunRequest("after-" + System.nanoTime(), input, null, name -> "",
                PipelineRunner.SourceResolver.NONE, Map.of(), Instant.now());
    }

    private static void assertEveryVisibleVersionIsComplete(Lake lake) throws Exception {
        List<DatasetVersion> versions = new ArrayList<>(lake.versions("crash.people"));
        for (DatasetVersion version : versions) {
            try (Connection duck = DuckDbConnections.open(null, "256MB", 1); Statement statement = duck.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + version.readExpression())) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows of version " + version.version()).isEqualTo(version.manifest().rowCount());
            }
        }
    }
}
