package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;

/** The states a crash leaves, built by hand: the lake decides each interrupted run's fate. */
class RunRecoveryTest {

    /** The crash test's pipeline under its own names. */
    private static final String SPEC = PipelineCrashTest.SPEC.replace("crash", "recovery");

    @TempDir
    Path dir;

    @Test
    void aRenamedVersionMakesItsRunSucceedAndAnythingLessFailsIt() throws Exception {
        Path input = Files.createDirectories(dir.resolve("input"));
        Files.writeString(input.resolve("people.csv"), "record_id,ho_ten\n1,An\n2,\n3,Bình\n");
        Path lakeDir = dir.resolve("lake");
        Path work = dir.resolve("work");
        FileRecords records = new FileRecords(dir.resolve("records"));
        Lake lake = Lake.open(lakeDir);

        // "renamed": the version is in place, the process died before the ledger entry and the status.
        records.status("renamed", "RUNNING");
        new PipelineRunner(lake, work, "256MB", 1, SqlLibrary.NONE)
                .run(
                        PipelineSpecs.parse(SPEC).spec(),
                        new PipelineRunner.RunRequest(
                                "renamed",
                                input,
                                null,
                                name -> "",
                                PipelineRunner.SourceResolver.NONE,
                                Map.of(),
                                Instant.parse("2026-01-01T00:00:00Z")),
                        RunControl.quiet());
        // "ledgered": as "renamed", but the ledger entry had been appended.
        records.status("ledgered", "RUNNING");
        Files.writeString(input.resolve("people.csv"), "record_id,ho_ten\n1,An\n3,Bình\n4,Chi\n");
        DatasetVersion second = new PipelineRunner(lake, work, "256MB", 1, SqlLibrary.NONE)
                .run(
                        PipelineSpecs.parse(SPEC).spec(),
                        new PipelineRunner.RunRequest(
                                "ledgered",
                                input,
                                null,
                                name -> "",
                                PipelineRunner.SourceResolver.NONE,
                                Map.of(),
                                Instant.parse("2026-01-02T00:00:00Z")),
                        RunControl.quiet())
                .version();
        records.append(FileRecords.publishedEntry("ledgered", second));
        // "staged": died while writing; its staging folder, scratch and half a quarantine file are left.
        records.status("staged", "RUNNING");
        Path staging = lake.stage("recovery.people");
        Files.writeString(staging.resolve("part-0.parquet"), "half");
        Path scratch = Files.createDirectories(work.resolve("run-staged"));
        Files.writeString(scratch.resolve("run.duckdb"), "rows in clear");
        Path quarantine = lakeDir.resolve("_quarantine").resolve("recovery.people");
        Files.writeString(quarantine.resolve(".staged." + java.util.UUID.randomUUID() + ".tmp"), "half");
        Files.writeString(quarantine.resolve("staged.parquet"), "never accounted for");
        // "queued": never started.
        records.status("queued", "RUNNING");
        // "live": running in this very process; recovery leaves it and its scratch alone.
        Path liveScratch = Files.createDirectories(work.resolve("run-live"));

        Lake restarted = Lake.open(lakeDir);
        RunRecovery recovery = new RunRecovery(restarted);
        assertThat(recovery.sweepScratch(work, id -> id.equals("live"))).isEqualTo(2);
        RunRecovery.Outcome outcome = recovery.recover(records);

        assertThat(outcome.succeeded()).containsExactlyInAnyOrder("renamed", "ledgered");
        assertThat(outcome.failed()).containsExactlyInAnyOrder("staged", "queued");
        assertThat(records.status("renamed")).isEqualTo("SUCCEEDED recovery.people 1");
        assertThat(records.status("ledgered")).isEqualTo("SUCCEEDED recovery.people 2");
        assertThat(records.status("staged")).isEqualTo("FAILED " + RunRecovery.NOTHING_PUBLISHED);
        assertThat(records.ledger())
                .containsExactlyInAnyOrder(
                        "DATASET_PUBLISHED renamed recovery.people 1",
                        "DATASET_PUBLISHED ledgered recovery.people 2",
                        "PIPELINE_RUN_FAILED staged",
                        "PIPELINE_RUN_FAILED queued");
        assertThat(staging).doesNotExist();
        assertThat(scratch).doesNotExist();
        assertThat(liveScratch).exists();
        try (var left = Files.list(quarantine)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("renamed.parquet");
        }

        // Counts come from the version's quality report.
        List<String> seen = new java.util.ArrayList<>();
        FileRecords fresh = new FileRecords(dir.resolve("records-2")) {
            @Override
            public void markSucceeded(String runId, RunRecovery.Published published) {
                seen.add(published.rowsIn() + "/" + published.rowsPublished() + "/" + published.rowsQuarantined() + "/"
                        + (published.quarantine() != null));
                super.markSucceeded(runId, published);
            }
        };
        fresh.status("renamed", "RUNNING");
        new RunRecovery(restarted).recover(fresh);
        assertThat(seen).containsExactly("3/2/1/true");

        // Twice is once.
        List<String> ledger = records.ledger();
        RunRecovery.Outcome again = recovery.recover(records);
        assertThat(again.succeeded()).isEmpty();
        assertThat(again.failed()).isEmpty();
        assertThat(records.ledger()).isEqualTo(ledger);
    }
}
