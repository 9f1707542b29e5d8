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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;

/**
 * Kills a real child JVM (SIGKILL) while it runs a pipeline, at every stage and after the version's
 * rename into place: the lake must then hold either nothing or complete versions; after the
 * restart's recovery the run records and the ledger agree with the lake and no scratch data is left;
 * and a re-run must publish exactly once.
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
        writePeople(input.resolve("people.csv"), null);
        Path lakeDir = dir.resolve("lake");
        Path work = dir.resolve("work");
        FileRecords records = new FileRecords(dir.resolve("records"));
        // Every stage of a run, then after the rename into place: before the ledger entry, before the status.
        List<String> stages = List.of(
                "reading",
                "mapping",
                "standardizing",
                "checking quality",
                "measuring",
                "writing",
                "publishing",
                "done",
                "ledgered");
        int killed = 0;
        for (int round = 0; round < stages.size(); round++) {
            String killAt = stages.get(round);
            // Each round reads a different file, so that no round merely keeps an earlier version.
            Path roundInput = Files.createDirectories(dir.resolve("input-" + round));
            writePeople(roundInput.resolve("people.csv"), round);
            String runId = "crash-" + round;
            Process child = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            CrashingRun.class.getName(),
                            roundInput.toString(),
                            lakeDir.toString(),
                            runId,
                            dir.resolve("records").toString())
                    .redirectErrorStream(true)
                    .start();
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.equals("STAGE " + killAt)) {
                        child.destroyForcibly();
                        killed++;
                        break;
                    }
                }
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Lake lake = encrypted(lakeDir);
            assertEveryVisibleVersionIsComplete(lake);

            // What a restart does: sweep the dead runs' scratch, then settle their records from the lake.
            RunRecovery recovery = new RunRecovery(lake);
            recovery.sweepScratch(work, id -> false);
            recovery.recover(records);
            assertRecordsAgreeWithTheLake(lake, records, "killed at " + killAt);
            assertNoScratchLeft(lakeDir, work);

            // Recovering again changes nothing.
            Map<String, String> statuses = new java.util.TreeMap<>();
            records.runIds().forEach(id -> statuses.put(id, records.status(id)));
            List<String> ledger = records.ledger();
            RunRecovery.Outcome again = new RunRecovery(encrypted(lakeDir)).recover(records);
            assertThat(again.succeeded()).isEmpty();
            assertThat(again.failed()).isEmpty();
            records.runIds().forEach(id -> assertThat(records.status(id)).isEqualTo(statuses.get(id)));
            assertThat(records.ledger()).isEqualTo(ledger);
        }
        assertThat(killed).isEqualTo(stages.size());
        assertThat(records.runIds()).hasSize(stages.size());

        // After the crashes, runs publish once and then recognise the unchanged input.
        Lake lake = encrypted(lakeDir);
        int before = lake.versions("crash.people").size();
        PipelineRunner runner = new PipelineRunner(lake, work, "256MB", 1, SqlLibrary.NONE);
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

    private static void writePeople(Path file, Integer round) throws Exception {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("record_id,ho_ten\n");
            for (int i = 0; i < 300_000; i++) {
                out.write(i + "," + (i % 97 == 0 ? "" : "Nguyễn Văn " + i) + "\n");
            }
            if (round != null) {
                out.write((300_000 + round) + ",Lần " + round + "\n");
            }
        }
    }

    /** A version that names a run: the run succeeded with it, once on the ledger; none: failed, once on the ledger. */
    private static void assertRecordsAgreeWithTheLake(Lake lake, FileRecords records, String when) {
        List<String> ledger = records.ledger();
        for (String runId : records.runIds()) {
            List<DatasetVersion> versions = lake.versions("crash.people").stream()
                    .filter(v -> runId.equals(v.manifest().runId()))
                    .toList();
            String status = records.status(runId);
            if (versions.isEmpty()) {
                assertThat(status).as(runId + ", " + when).isEqualTo("FAILED " + RunRecovery.NOTHING_PUBLISHED);
                assertThat(ledger).as(runId + ", " + when).containsOnlyOnce(FileRecords.failedEntry(runId));
                assertThat(ledger)
                        .as(runId + ", " + when)
                        .noneMatch(e -> e.startsWith("DATASET_PUBLISHED " + runId + " "));
            } else {
                assertThat(versions).as(runId + ", " + when).hasSize(1);
                DatasetVersion version = versions.get(0);
                assertThat(status).as(runId + ", " + when).isEqualTo("SUCCEEDED crash.people " + version.version());
                assertThat(ledger.stream().filter(e -> e.startsWith("DATASET_PUBLISHED " + runId + " ")))
                        .as(runId + ", " + when)
                        .containsExactly(FileRecords.publishedEntry(runId, version));
                assertThat(ledger).as(runId + ", " + when).doesNotContain(FileRecords.failedEntry(runId));
            }
        }
    }

    private static void assertNoScratchLeft(Path lakeDir, Path work) throws Exception {
        if (Files.isDirectory(work)) {
            try (var children = Files.list(work)) {
                assertThat(children.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("run-"));
            }
        }
        try (var all = Files.walk(lakeDir)) {
            assertThat(all.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(".staging-") || n.endsWith(".tmp"));
        }
        Path quarantine = lakeDir.resolve("_quarantine").resolve("crash.people");
        if (Files.isDirectory(quarantine)) {
            try (var files = Files.list(quarantine)) {
                // Only runs that published keep their quarantine.
                List<String> versionsRuns = encrypted(lakeDir).versions("crash.people").stream()
                        .map(v -> v.manifest().runId() + ".parquet")
                        .toList();
                assertThat(files.map(p -> p.getFileName().toString()))
                        .allMatch(n -> versionsRuns.contains(n) || n.startsWith("after-"));
            }
        }
    }

    private static PipelineRunner.RunRequest request(Path input) {
        return new PipelineRunner.RunRequest(
                "after-" + System.nanoTime(),
                input,
                null,
                name -> "",
                PipelineRunner.SourceResolver.NONE,
                Map.of(),
                Instant.now());
    }

    /**
     * The lake as the platform opens it: every version encrypted, its data key published with it. A kill
     * while sealing must leave no version, or one whose key unwraps and whose files decrypt whole.
     */
    static Lake encrypted(Path lakeDir) {
        return Lake.open(
                lakeDir,
                new vn.datafloor.integration.lake.LakeKeys(vn.datafloor.integration.lake.LocalMasterKey.openOrCreate(
                        lakeDir.resolveSibling("keys").resolve("lake.keyset.json"))));
    }

    private static void assertEveryVisibleVersionIsComplete(Lake lake) throws Exception {
        List<DatasetVersion> versions = new ArrayList<>(lake.versions("crash.people"));
        for (DatasetVersion version : versions) {
            assertThat(version.encrypted())
                    .as("version " + version.version() + " has its key")
                    .isTrue();
            try (var clear = lake.clear(version, lake.root().resolveSibling("work"));
                    Connection duck = DuckDbConnections.open(null, "256MB", 1);
                    Statement statement = duck.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + clear.readExpression())) {
                rs.next();
                assertThat(rs.getLong(1))
                        .as("rows of version " + version.version())
                        .isEqualTo(version.manifest().rowCount());
            }
        }
    }
}
