package vn.datafloor.server.integration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.QualityReports;
import vn.datafloor.integration.pipeline.RunRecovery.Outcome;
import vn.datafloor.integration.pipeline.RunRecovery.Published;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.EventType;

/**
 * At start, after the audit index has caught up with the ledger (order 0) and before anything
 * starts runs (the demo, order 10 and later): the lake is the truth for the runs the previous process
 * left queued or running. A run whose version is in the lake succeeded with it, its missing
 * {@code DATASET_PUBLISHED} entry is appended, its dataset claimed and followed; any other failed,
 * with a {@code PIPELINE_RUN_FAILED} entry. Dead runs' scratch folders (their rows in clear) are
 * deleted. The decision and the order of the steps are the engine's {@link vn.datafloor.integration.pipeline.RunRecovery}.
 */
@Component
@Order(5)
class RunRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(RunRecovery.class);
    /** How far before a run's queueing its ledger entries are looked for (clocks move back a little across restarts). */
    private static final Duration CLOCK_SLACK = Duration.ofDays(1);

    private final IntegrationStore store;
    private final IntegrationPaths paths;
    private final RunService runs;
    private final AuditLog audit;
    private final AuditQueries ledger;
    private final DatasetPublishing publishing;
    private final Clock clock;
    private final vn.datafloor.server.platform.ClusterNode node;

    RunRecovery(
            IntegrationStore store,
            IntegrationPaths paths,
            RunService runs,
            AuditLog audit,
            AuditQueries ledger,
            DatasetPublishing publishing,
            Clock clock,
            vn.datafloor.server.platform.ClusterNode node) {
        this.node = node;
        this.store = store;
        this.paths = paths;
        this.runs = runs;
        this.audit = audit;
        this.ledger = ledger;
        this.publishing = publishing;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!node.writes()) {
            return; // an API replica runs no pipeline: the writer settles interrupted runs at its own start
        }
        recover();
    }

    /** Settles interrupted runs and deletes dead runs' scratch; running it again changes nothing more. */
    Outcome recover() {
        vn.datafloor.integration.pipeline.RunRecovery engine =
                new vn.datafloor.integration.pipeline.RunRecovery(paths.lake());
        int swept = engine.sweepScratch(paths.work(), runs::runningHere);
        Outcome outcome = engine.recover(new StoreRecords());
        if (swept > 0) {
            log.warn("Deleted the scratch data of {} run(s) a restart interrupted", swept);
        }
        if (!outcome.succeeded().isEmpty()) {
            log.warn(
                    "{} run(s) interrupted by the restart had published their version: marked succeeded",
                    outcome.succeeded().size());
        }
        if (!outcome.failed().isEmpty()) {
            log.warn(
                    "{} run(s) interrupted by the restart had published nothing: marked failed",
                    outcome.failed().size());
        }
        return outcome;
    }

    /** The control database and the ledger, as recovery sees them. */
    private final class StoreRecords implements vn.datafloor.integration.pipeline.RunRecovery.Records {

        private final Map<String, IntegrationStore.RunRow> rows = new ConcurrentHashMap<>();

        @Override
        public List<String> interrupted() {
            List<IntegrationStore.RunRow> interrupted = store.activeRuns().stream()
                    .filter(r -> !runs.runningHere(r.id()))
                    .toList();
            interrupted.forEach(r -> rows.put(r.id(), r));
            return interrupted.stream().map(IntegrationStore.RunRow::id).toList();
        }

        private IntegrationStore.RunRow row(String runId) {
            return rows.get(runId);
        }

        private Instant since(String runId) {
            return row(runId).queuedAt().minus(CLOCK_SLACK);
        }

        @Override
        public boolean publicationRecorded(String runId, DatasetVersion version) {
            return publishing.recorded(version.dataset(), version.version());
        }

        @Override
        public void recordPublication(String runId, Published published) {
            // Its row, its ledger entry (unless the dead process appended it) and its event, as if it had not died.
            publishing.record(
                    published.version(),
                    RunService.runPublication(
                            runId, row(runId).orgId(), published.rowsPublished(), published.rowsQuarantined()));
        }

        @Override
        public void markSucceeded(String runId, Published published) {
            IntegrationStore.RunRow row = row(runId);
            DatasetVersion version = published.version();
            Instant now = clock.instant();
            if (store.datasetOwner(version.dataset()).isEmpty()) {
                store.claimDataset(version.dataset(), row.orgId(), now);
            }
            store.runSucceeded(
                    runId,
                    now,
                    sourceName(row.pipelineId()),
                    published.rowsIn(),
                    published.rowsPublished(),
                    published.rowsQuarantined(),
                    version.dataset(),
                    version.version(),
                    false,
                    null,
                    published.report() == null ? null : QualityReports.toJson(published.report()),
                    published.quarantine() == null
                            ? null
                            : published.quarantine().toString());
            int seq = store.logs(runId).stream()
                            .mapToInt(IntegrationStore.LogLine::seq)
                            .max()
                            .orElse(0)
                    + 1;
            store.log(
                    runId,
                    seq,
                    now,
                    "WARN",
                    "Interrupted by a restart after version " + version.version()
                            + " was published; recovered from the lake");
        }

        @Override
        public boolean failureRecorded(String runId) {
            return ledger.recorded(EventType.PIPELINE_RUN_FAILED, "run", runId, since(runId));
        }

        @Override
        public void recordFailure(String runId) {
            audit.record(RunService.failedEvent(runId, row(runId).orgId()));
        }

        @Override
        public void markFailed(String runId, String message) {
            store.runEnded(runId, "FAILED", clock.instant(), message);
        }

        private String sourceName(long pipelineId) {
            try {
                return store.pipeline(pipelineId)
                        .map(p -> RunService.sourceName(
                                PipelineSpecs.parse(p.spec()).spec()))
                        .orElse(null);
            } catch (RuntimeException unreadable) {
                return null; // the spec changed since into something unreadable: the run keeps no source name
            }
        }
    }
}
