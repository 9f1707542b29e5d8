package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.SqlLibrary;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.AuditQueries;

/**
 * The states a crash leaves behind, built against the real lake, control database and ledger: after
 * recovery the run's status, the lake and the ledger agree, and a second recovery changes nothing.
 */
@RecordApplicationEvents
class RunRecoveryTest extends PlatformTest {

    private static final String SPEC = """
            pipeline: recovery-nguoi
            source: {type: csv, path: recovery-nguoi.csv}
            target: {dataset: recovery.nguoi}
            mapping: {record_id: record_id, full_name: ho_ten}
            quality:
              - {rule: completeness, columns: [full_name], severity: reject}
            key: [record_id]
            """;

    @Autowired
    RunRecovery recovery;

    @Autowired
    IntegrationStore store;

    @Autowired
    IntegrationPaths paths;

    @Autowired
    AuditLog audit;

    @Autowired
    DatasetPublishing publishing;

    @Autowired
    AuditQueries ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SqlLibrary library;

    @Autowired
    vn.datafloor.server.identity.UserService users;

    @Autowired
    ApplicationEvents events;

    @Test
    void interruptedRunsFollowTheLakeAndTheLedgerGetsWhatWasMissingOnce() throws Exception {
        long org = users.findByUsername("yte.admin").orElseThrow().orgId();
        long pipeline = store.insertPipeline(org, "recovery-nguoi", SPEC, "recovery.nguoi", null, clock.instant());
        Path inbox = Files.createDirectories(paths.inbox(org));
        Path work = Files.createTempDirectory("recovery-work-");
        PipelineRunner runner = new PipelineRunner(paths.lake(), work, "256MB", 1, library);

        // Killed just after the rename: the version names the run, which is still RUNNING; nothing on the ledger.
        insertRun("renamed", pipeline, org, "RUNNING");
        Files.writeString(
                inbox.resolve("recovery-nguoi.csv"), "record_id,ho_ten\n1,An\n2,\n3,Bình\n", StandardCharsets.UTF_8);
        DatasetVersion first = publish(runner, "renamed", inbox);
        // Killed after the publishing service recorded the version (row, ledger entry, event), before the status.
        insertRun("ledgered", pipeline, org, "RUNNING");
        Files.writeString(
                inbox.resolve("recovery-nguoi.csv"), "record_id,ho_ten\n1,An\n3,Bình\n4,Chi\n", StandardCharsets.UTF_8);
        DatasetVersion second = publish(runner, "ledgered", inbox);
        publishing.record(second, RunService.runPublication("ledgered", org, 3, 0));
        // Killed while running: its scratch folder (rows in clear) is left; and one that never started.
        insertRun("staged", pipeline, org, "RUNNING");
        Path scratch = Files.createDirectories(paths.work().resolve("run-staged"));
        Files.writeString(scratch.resolve("run.duckdb"), "Nguyễn Văn An 001090000001");
        insertRun("queued", pipeline, org, "QUEUED");

        recovery.recover();

        IntegrationStore.RunRow renamed = store.run("renamed").orElseThrow();
        assertThat(renamed.status()).isEqualTo("SUCCEEDED");
        assertThat(renamed.dataset()).isEqualTo("recovery.nguoi");
        assertThat(renamed.datasetVersion()).isEqualTo(first.version());
        assertThat(renamed.rowsIn()).isEqualTo(3);
        assertThat(renamed.rowsPublished()).isEqualTo(2);
        assertThat(renamed.rowsQuarantined()).isEqualTo(1);
        assertThat(renamed.qualityJson()).isNotNull();
        assertThat(renamed.quarantinePath()).isNotNull();
        assertThat(store.run("ledgered").orElseThrow().status()).isEqualTo("SUCCEEDED");
        assertThat(store.run("ledgered").orElseThrow().datasetVersion()).isEqualTo(second.version());
        for (String failed : new String[] {"staged", "queued"}) {
            IntegrationStore.RunRow row = store.run(failed).orElseThrow();
            assertThat(row.status()).isEqualTo("FAILED");
            assertThat(row.error()).contains("nothing was published");
            assertThat(row.finishedAt()).isNotNull();
        }
        assertThat(store.datasetOwner("recovery.nguoi")).contains(org);
        assertThat(scratch).doesNotExist();
        assertThat(events.stream(DatasetPublished.class))
                .contains(
                        new DatasetPublished("recovery.nguoi", first.version(), org),
                        new DatasetPublished("recovery.nguoi", second.version(), org));
        Map<String, Long> entries = ledgerEntries();
        assertThat(entries)
                .containsEntry("DATASET_PUBLISHED renamed", 1L)
                .containsEntry("DATASET_PUBLISHED ledgered", 1L)
                .containsEntry("PIPELINE_RUN_FAILED staged", 1L)
                .containsEntry("PIPELINE_RUN_FAILED queued", 1L);
        assertThat(entries)
                .doesNotContainKeys(
                        "PIPELINE_RUN_FAILED renamed",
                        "PIPELINE_RUN_FAILED ledgered",
                        "DATASET_PUBLISHED staged",
                        "DATASET_PUBLISHED queued");

        // Twice is once.
        var again = recovery.recover();
        assertThat(again.succeeded()).isEmpty();
        assertThat(again.failed()).isEmpty();
        assertThat(ledgerEntries()).isEqualTo(entries);
        assertThat(store.run("renamed").orElseThrow().finishedAt()).isEqualTo(renamed.finishedAt());

        // A recovery cut short after the failure's ledger entry, before the status, does not append it again.
        insertRun("half-failed", pipeline, org, "RUNNING");
        audit.record(RunService.failedEvent("half-failed", org));
        recovery.recover();
        assertThat(store.run("half-failed").orElseThrow().status()).isEqualTo("FAILED");
        assertThat(ledgerEntries()).containsEntry("PIPELINE_RUN_FAILED half-failed", 1L);
    }

    private DatasetVersion publish(PipelineRunner runner, String runId, Path inbox) {
        return runner.run(
                        PipelineSpecs.parse(SPEC).spec(),
                        new PipelineRunner.RunRequest(
                                runId,
                                inbox,
                                null,
                                name -> "",
                                PipelineRunner.SourceResolver.NONE,
                                Map.of(),
                                clock.instant()),
                        RunControl.quiet())
                .version();
    }

    private void insertRun(String id, long pipeline, long org, String status) {
        jdbc.sql("insert into pipeline_run(id, pipeline_id, org_id, status, trigger_kind, progress, queued_at, reused) "
                        + "values (?,?,?,?,'MANUAL',0,?,false)")
                .params(id, pipeline, org, status, Timestamp.from(clock.instant()))
                .update();
    }

    /** "TYPE run" to how many ledger entries of the run's two kinds say so. */
    private Map<String, Long> ledgerEntries() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String type : new String[] {"DATASET_PUBLISHED", "PIPELINE_RUN_FAILED"}) {
            for (var record : ledger.search(type, null, null, null, null, 500, 0)) {
                String text = ledger.entryText(record.ledgerIndex());
                for (String run : new String[] {"renamed", "ledgered", "staged", "queued", "half-failed"}) {
                    if (text.matches("(?s).*\"run\"\\s*:\\s*\"" + run + "\".*")) {
                        counts.merge(type + " " + run, 1L, Long::sum);
                    }
                }
            }
        }
        return counts;
    }
}
