package vn.datafloor.server.integration;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.pipeline.PipelineException;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpec;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.QualityReport;
import vn.datafloor.integration.pipeline.QualityReports;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Starts, follows, schedules and cancels pipeline runs. Runs execute one at a time in the
 * background (a run already uses both cores through DuckDB); a second start of a pipeline that is
 * queued or running is refused, so double submits cannot publish twice.
 */
@Service
public class RunService {

    private static final Logger log = LoggerFactory.getLogger(RunService.class);

    private final IntegrationStore store;
    private final IntegrationPaths paths;
    private final SourceService sources;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final PipelineRunner runner;
    private final DatasetPublishing publishing;
    private final org.springframework.transaction.support.TransactionTemplate transactions;
    private final org.springframework.beans.factory.ObjectProvider<DatasetColumnTags> columnTags;
    private final vn.datafloor.server.platform.SecretBox secrets;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "pipeline-runs");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, RunControl> active = new ConcurrentHashMap<>();

    RunService(
            IntegrationStore store,
            IntegrationPaths paths,
            SourceService sources,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            vn.datafloor.integration.pipeline.SqlLibrary library,
            DatasetPublishing publishing,
            org.springframework.transaction.support.TransactionTemplate transactions,
            org.springframework.beans.factory.ObjectProvider<DatasetColumnTags> columnTags,
            vn.datafloor.server.platform.SecretBox secrets,
            @org.springframework.beans.factory.annotation.Value("${datafloor.integration.memory-limit:1GB}")
                    String memory) {
        this.store = store;
        this.paths = paths;
        this.sources = sources;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.publishing = publishing;
        this.transactions = transactions;
        this.columnTags = columnTags;
        this.secrets = secrets;
        this.runner = new PipelineRunner(
                paths.lake(),
                paths.work(),
                memory,
                Runtime.getRuntime().availableProcessors(),
                library,
                paths.inputLimits());
    }

    public record PipelineRun(
            String id,
            long pipelineId,
            long orgId,
            String status,
            String trigger,
            String stage,
            int progress,
            Instant queuedAt,
            Instant startedAt,
            Instant finishedAt,
            String sourceName,
            Long rowsIn,
            Long rowsPublished,
            Long rowsQuarantined,
            String dataset,
            Integer datasetVersion,
            boolean reused,
            String encoding,
            QualityReport quality,
            boolean hasQuarantine,
            String error) {
        public boolean active() {
            return "QUEUED".equals(status) || "RUNNING".equals(status);
        }
    }

    public record LogLine(Instant at, String level, String message) {}

    /** Whether this process is executing the run (recovery leaves such runs and their scratch alone). */
    boolean runningHere(String runId) {
        return active.containsKey(runId);
    }

    public PipelineRun start(Actor actor, long pipelineId, String trigger) {
        IntegrationStore.PipelineRow pipeline =
                store.pipeline(pipelineId).orElseThrow(() -> ProblemException.notFound("No pipeline " + pipelineId));
        policy.require(actor, Action.MANAGE_INTEGRATION, pipeline.orgId());
        return submit(pipeline, trigger, actor.personId(), actor.personName());
    }

    /** Starts and waits for the end (the demo and tests). */
    public PipelineRun runAndWait(Actor actor, long pipelineId, String trigger) throws Exception {
        PipelineRun run = start(actor, pipelineId, trigger);
        Future<?> future = futures.get(run.id());
        if (future != null) {
            future.get();
        }
        return view(store.run(run.id()).orElseThrow());
    }

    private final Map<String, Future<?>> futures = new ConcurrentHashMap<>();

    private PipelineRun submit(IntegrationStore.PipelineRow pipeline, String trigger, Long userId, String username) {
        String runId = UUID.randomUUID().toString();
        // Known as running here before its row exists, so that recovery never takes it for an interrupted run.
        RunControl control = new RunControl(new PersistingListener(runId));
        active.put(runId, control);
        Boolean queued;
        try {
            // The row lock makes "is it idle? then queue" one step, for concurrent requests and across servers.
            queued = transactions.execute(status -> {
                store.lockPipeline(pipeline.id());
                return store.insertRunIfIdle(runId, pipeline.id(), pipeline.orgId(), trigger, userId, clock.instant());
            });
        } catch (RuntimeException e) {
            active.remove(runId);
            throw e;
        }
        if (!Boolean.TRUE.equals(queued)) {
            active.remove(runId);
            throw ProblemException.conflict("run.alreadyActive", "This pipeline is already queued or running");
        }
        audit.record(new AuditEvent(
                EventType.PIPELINE_RUN_STARTED,
                userId,
                username,
                pipeline.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "run " + runId + " of pipeline " + pipeline.id() + " (" + trigger + ")",
                Map.of("run", runId, "pipeline", Long.toString(pipeline.id()), "trigger", trigger)));
        futures.put(runId, executor.submit(() -> execute(pipeline.id(), runId, control)));
        return view(store.run(runId).orElseThrow());
    }

    private void execute(long pipelineId, String runId, RunControl control) {
        IntegrationStore.PipelineRow pipeline = store.pipeline(pipelineId).orElseThrow();
        try {
            store.runStarted(runId, clock.instant());
            PipelineSpec spec = PipelineSpecs.parse(pipeline.spec()).spec();
            long orgId = pipeline.orgId();
            Files.createDirectories(paths.inbox(orgId));
            try {
                publishing.claim(spec.dataset(), orgId);
            } catch (DatasetPublishing.NameTakenException e) {
                throw new PipelineException("Dataset " + spec.dataset() + " belongs to another organisation");
            }
            // The run's version is published, put on the ledger and announced by the publishing service before
            // the run's status changes: a crash between them leaves a RUNNING run whose version is recorded,
            // which recovery completes without a second entry (see RunRecovery).
            PipelineRunner.RunRequest request = new PipelineRunner.RunRequest(
                    runId,
                    paths.inbox(orgId),
                    pipeline.lastWatermark(),
                    name -> sources.secret(orgId, name),
                    ref -> sources.resolve(orgId, ref),
                    Map.of("organisation", Long.toString(orgId), "pipeline_id", Long.toString(pipelineId)),
                    clock.instant(),
                    sources.networkPolicy(orgId),
                    (staging, manifest) -> publishing.publish(
                            staging,
                            manifest,
                            runPublication(runId, orgId, manifest.rowCount(), quarantinedIn(staging))),
                    notPersonal(spec.dataset()),
                    corrections(pipelineId));
            RunResult result = runner.run(spec, request, control);
            DatasetVersion version = result.version();
            String qualityJson = result.report() == null ? null : QualityReports.toJson(result.report());
            String quarantinePath =
                    result.quarantine() == null ? null : result.quarantine().toString();
            if (result.reused()) {
                // The kept version's report and quarantine are still what this input gives: shown again, not lost.
                Optional<IntegrationStore.RunRow> kept = store.runs(null, pipelineId, 50).stream()
                        .filter(r -> "SUCCEEDED".equals(r.status())
                                && !r.id().equals(runId)
                                && spec.dataset().equals(r.dataset())
                                && Integer.valueOf(version.version()).equals(r.datasetVersion())
                                && r.qualityJson() != null)
                        .findFirst();
                if (kept.isPresent()) {
                    qualityJson = kept.get().qualityJson();
                    quarantinePath = kept.get().quarantinePath();
                }
            }
            store.runSucceeded(
                    runId,
                    clock.instant(),
                    sourceName(spec),
                    result.rowsIn(),
                    result.rowsPublished(),
                    result.rowsQuarantined(),
                    spec.dataset(),
                    version.version(),
                    result.reused(),
                    result.encoding(),
                    qualityJson,
                    quarantinePath);
            if (result.watermark() != null) {
                store.setWatermark(pipelineId, result.watermark());
            }
        } catch (RunControl.RunCancelledException e) {
            store.runEnded(runId, "CANCELLED", clock.instant(), e.getMessage());
            audit.record(new AuditEvent(
                    EventType.PIPELINE_RUN_CANCELLED,
                    null,
                    null,
                    pipeline.orgId(),
                    AuditEvent.Outcome.FAILURE,
                    null,
                    "run " + runId + " cancelled",
                    Map.of("run", runId)));
        } catch (vn.datafloor.integration.connect.SecurityRefusal e) {
            control.log("ERROR", e.getMessage());
            failed(pipeline, runId, e.getMessage());
            Long startedBy =
                    store.run(runId).map(IntegrationStore.RunRow::startedBy).orElse(null);
            audit.record(new AuditEvent(
                    EventType.SECURITY_REFUSED,
                    startedBy,
                    null,
                    pipeline.orgId(),
                    AuditEvent.Outcome.FAILURE,
                    null,
                    "run " + runId + " refused: " + e.getMessage(),
                    Map.of(
                            "run",
                            runId,
                            "pipeline",
                            Long.toString(pipeline.id()),
                            "what",
                            "source or expression reaching outside its limits")));
        } catch (PipelineException | SourceException e) {
            control.log("ERROR", e.getMessage());
            failed(pipeline, runId, e.getMessage());
        } catch (Exception e) {
            String reference = Long.toHexString(System.nanoTime());
            log.error("Pipeline run {} failed unexpectedly, reference {}", runId, reference, e);
            control.log("ERROR", "Unexpected failure (reference " + reference + "); nothing was published");
            failed(pipeline, runId, "Unexpected failure (reference " + reference + "); nothing was published");
        } finally {
            active.remove(runId);
            futures.remove(runId);
        }
    }

    /** Columns the catalog's tags say hold no personal data; a platform without a catalog masks them all. */
    private java.util.Set<String> notPersonal(String dataset) {
        DatasetColumnTags tags = columnTags.getIfAvailable();
        return tags == null ? java.util.Set.of() : tags.notPersonal(dataset);
    }

    /** The pipeline's standing decisions on quarantined rows, as every run applies them. */
    List<PipelineRunner.Correction> corrections(long pipelineId) {
        return store.corrections(pipelineId).stream()
                .map(c -> new PipelineRunner.Correction(
                        c.rowKey(),
                        "RELEASE".equals(c.action()),
                        c.valuesSealed() == null
                                ? Map.of()
                                : QuarantineReview.values(
                                        secrets.open(c.valuesSealed(), QuarantineReview.sealContext(c)))))
                .toList();
    }

    /** The runner, for checking a corrected row with the same standardizers and rules. */
    PipelineRunner runner() {
        return runner;
    }

    private void failed(IntegrationStore.PipelineRow pipeline, String runId, String message) {
        // The ledger entry first, as for a publication: recovery skips an entry that is already there.
        audit.record(failedEvent(runId, pipeline.orgId()));
        store.runEnded(runId, "FAILED", clock.instant(), message);
    }

    /** How a run's new version is recorded; recovery records the same when a crash came first. */
    static DatasetPublishing.Publication runPublication(
            String runId, long orgId, long rowsPublished, long rowsQuarantined) {
        return DatasetPublishing.Publication.bySystem(
                orgId,
                DatasetPublishing.Via.RUN,
                rowsPublished + " rows, " + rowsQuarantined + " quarantined",
                Map.of("run", runId, "quarantined", Long.toString(rowsQuarantined)));
    }

    /** Rows quarantined by the run whose staged version this is (its quality report travels with it). */
    private static long quarantinedIn(Path staging) {
        Path report = staging.resolve("quality.json");
        try {
            return Files.isRegularFile(report)
                    ? QualityReports.fromJson(Files.readString(report, java.nio.charset.StandardCharsets.UTF_8))
                            .rowsQuarantined()
                    : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ledger entry of a failed run. */
    static AuditEvent failedEvent(String runId, long orgId) {
        return new AuditEvent(
                EventType.PIPELINE_RUN_FAILED,
                null,
                null,
                orgId,
                AuditEvent.Outcome.FAILURE,
                null,
                "run " + runId + " failed",
                Map.of("run", runId));
    }

    /** How a run's source is shown: its registered name, or its type and location. */
    static String sourceName(PipelineSpec spec) {
        return spec.source().describe();
    }

    /** The status of a pipeline's latest run, if it ran. */
    public Optional<String> latestStatus(long pipelineId) {
        return store.runs(null, pipelineId, 1).stream().findFirst().map(IntegrationStore.RunRow::status);
    }

    public PipelineRun cancel(Actor actor, String runId) {
        IntegrationStore.RunRow row = store.run(runId).orElseThrow(() -> ProblemException.notFound("No run " + runId));
        policy.require(actor, Action.MANAGE_INTEGRATION, row.orgId());
        RunControl control = active.get(runId);
        if (control == null || !row.active()) {
            throw ProblemException.conflict("run.notActive", "This run is not queued or running");
        }
        control.cancel();
        return view(store.run(runId).orElseThrow());
    }

    /** A run; its error text only for those who may read its details (the owner organisation). */
    public PipelineRun get(Actor actor, String runId) {
        IntegrationStore.RunRow row = store.run(runId).orElseThrow(() -> ProblemException.notFound("No run " + runId));
        policy.require(actor, Action.VIEW_INTEGRATION, row.orgId());
        return view(
                row, policy.decide(actor, Action.VIEW_RUN_DETAILS, row.orgId()).allowed());
    }

    public List<PipelineRun> visibleTo(Actor actor, Long pipelineId, int limit) {
        policy.require(actor, Action.VIEW_INTEGRATION);
        Long org = policy.seesAllTenants(actor, Action.VIEW_INTEGRATION) ? null : actor.orgId();
        return store.runs(org, pipelineId, Math.max(1, Math.min(limit, 500))).stream()
                .map(row -> view(
                        row,
                        policy.decide(actor, Action.VIEW_RUN_DETAILS, row.orgId())
                                .allowed()))
                .toList();
    }

    /**
     * A run's log: the owner organisation's staff only (it names columns, rules and files); others who
     * may see the run, such as the operator's auditors, get an empty log.
     */
    public List<LogLine> logs(Actor actor, String runId) {
        IntegrationStore.RunRow row = store.run(runId).orElseThrow(() -> ProblemException.notFound("No run " + runId));
        policy.require(actor, Action.VIEW_INTEGRATION, row.orgId());
        if (!policy.decide(actor, Action.VIEW_RUN_DETAILS, row.orgId()).allowed()) {
            return List.of();
        }
        return store.logs(runId).stream()
                .map(l -> new LogLine(l.at(), l.level(), l.message()))
                .toList();
    }

    /** One page of a run's quarantined rows. They hold personal data: reading them is recorded. */
    public record QuarantinePage(List<String> columns, List<List<String>> rows, int page, boolean more) {}

    public QuarantinePage quarantine(Actor actor, String runId, int page) throws Exception {
        IntegrationStore.RunRow row = store.run(runId).orElseThrow(() -> ProblemException.notFound("No run " + runId));
        policy.require(actor, Action.VIEW_QUARANTINE, row.orgId());
        if (row.quarantinePath() == null || !Files.exists(Path.of(row.quarantinePath()))) {
            return new QuarantinePage(List.of(), List.of(), 0, false);
        }
        int size = 50;
        int safePage = Math.max(0, page);
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT * FROM read_parquet(" + DuckDbConnections.literal(row.quarantinePath())
                                + ") ORDER BY source_record LIMIT " + (size + 1) + " OFFSET " + (safePage * size))) {
            ResultSetMetaData meta = rs.getMetaData();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                columns.add(meta.getColumnName(c));
            }
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int c = 1; c <= columns.size(); c++) {
                    values.add(rs.getString(c));
                }
                rows.add(values);
            }
        }
        boolean more = rows.size() > size;
        audit.record(new AuditEvent(
                EventType.QUARANTINE_VIEWED,
                actor.userId(),
                actor.username(),
                row.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "quarantine of run " + runId + ", page " + safePage,
                Map.of(
                        "run",
                        runId,
                        "page",
                        Integer.toString(safePage),
                        "rows",
                        Integer.toString(Math.min(size, rows.size())))));
        return new QuarantinePage(columns, more ? rows.subList(0, size) : rows, safePage, more);
    }

    /** Scheduled pipelines whose cron time has come are started; missed times while down run once. */
    @Scheduled(fixedDelayString = "${datafloor.integration.schedule-tick:PT30S}", initialDelayString = "PT30S")
    void startScheduled() {
        Instant now = clock.instant();
        for (IntegrationStore.PipelineRow pipeline : store.pipelines(null)) {
            if (!pipeline.enabled() || pipeline.schedule() == null) {
                continue;
            }
            try {
                CronExpression cron = CronExpression.parse(pipeline.schedule());
                Instant since = pipeline.lastScheduledAt() != null ? pipeline.lastScheduledAt() : pipeline.updatedAt();
                java.time.ZonedDateTime next = cron.next(since.atZone(java.time.ZoneId.of("Asia/Ho_Chi_Minh")));
                if (next != null && !next.toInstant().isAfter(now)) {
                    store.setLastScheduled(pipeline.id(), now);
                    policy.require(Actor.SYSTEM, Action.MANAGE_INTEGRATION, pipeline.orgId());
                    submit(pipeline, "SCHEDULE", null, null);
                }
            } catch (ProblemException alreadyRunning) {
                // still running from the previous time: this time is skipped
            } catch (IllegalArgumentException badCron) {
                log.warn("Pipeline {} has an invalid schedule", pipeline.id());
            }
        }
    }

    private PipelineRun view(IntegrationStore.RunRow r) {
        return view(r, true);
    }

    /** {@code withError}: whether the run's error text is shown (the owner organisation's staff only). */
    private PipelineRun view(IntegrationStore.RunRow r, boolean withError) {
        return new PipelineRun(
                r.id(),
                r.pipelineId(),
                r.orgId(),
                r.status(),
                r.trigger(),
                r.stage(),
                r.progress(),
                r.queuedAt(),
                r.startedAt(),
                r.finishedAt(),
                r.sourceName(),
                r.rowsIn(),
                r.rowsPublished(),
                r.rowsQuarantined(),
                r.dataset(),
                r.datasetVersion(),
                r.reused(),
                r.encoding(),
                r.qualityJson() == null ? null : QualityReports.fromJson(r.qualityJson()),
                r.quarantinePath() != null,
                withError ? r.error() : null);
    }

    /** Keeps the run's row and log current, writing progress no more than a few times a second. */
    private final class PersistingListener implements RunControl.Listener {
        private final String runId;
        private final AtomicInteger seq = new AtomicInteger();
        private volatile long lastWrite;

        PersistingListener(String runId) {
            this.runId = runId;
        }

        @Override
        public void progress(String stage, int percent) {
            long now = System.nanoTime();
            if (percent == 100 || now - lastWrite > 200_000_000L) {
                lastWrite = now;
                store.runProgress(runId, stage, percent);
            }
        }

        @Override
        public void log(String level, String message) {
            store.log(runId, seq.incrementAndGet(), clock.instant(), level, message);
        }
    }

    @PreDestroy
    void stop() {
        active.values().forEach(RunControl::cancel);
        executor.shutdownNow();
    }

    Optional<IntegrationStore.RunRow> row(String runId) {
        return store.run(runId);
    }
}
