package vn.datafloor.server.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpec;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.SecretBox;

/**
 * A data steward's review of quarantined rows: fix a row's values (checked again with the pipeline's own
 * standardizers and rules before they are accepted) or release it with a reason. Decisions stand for every later
 * run of the pipeline, which publishes the fixed and released rows through the same publishing path as any run.
 * Both are recorded on the ledger; fixed values are sealed, as they are the row's data.
 */
@Service
public class QuarantineReview {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int MAX_REASON = 500;
    static final int MAX_VALUE = 1000;

    private final IntegrationStore store;
    private final RunService runs;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final Clock clock;

    QuarantineReview(
            IntegrationStore store,
            RunService runs,
            AccessPolicy policy,
            AuditLog audit,
            SecretBox secrets,
            Clock clock) {
        this.store = store;
        this.runs = runs;
        this.policy = policy;
        this.audit = audit;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** One quarantined row as a steward sees it to decide on it. */
    public record Field(String name, String value, boolean editable) {}

    /**
     * @param decision FIX, RELEASE, or null when nobody decided yet
     */
    public record QuarantinedRow(
            String runId,
            long pipelineId,
            long sourceRecord,
            String reason,
            List<Field> fields,
            boolean unreadable,
            String decision,
            String decisionReason) {}

    /** A row by its source record number; the read is recorded, as for a page of the quarantine. */
    public QuarantinedRow row(Actor actor, String runId, long sourceRecord) {
        IntegrationStore.RunRow run = run(runId);
        policy.require(actor, Action.VIEW_QUARANTINE, run.orgId());
        QuarantinedRow row = read(run, sourceRecord);
        audit.record(new AuditEvent(
                EventType.QUARANTINE_VIEWED,
                actor.userId(),
                actor.username(),
                run.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "quarantine of run " + runId + ", record " + sourceRecord,
                Map.of("run", runId, "record", Long.toString(sourceRecord), "rows", "1")));
        return row;
    }

    /** The decision on each row of a page of the quarantine, by source record as text (absent: none yet). */
    public Map<String, String> decisions(Actor actor, String runId, RunService.QuarantinePage page) {
        IntegrationStore.RunRow run = run(runId);
        policy.require(actor, Action.VIEW_QUARANTINE, run.orgId());
        PipelineSpec spec = spec(run);
        Map<String, String> byKey = new LinkedHashMap<>();
        store.corrections(run.pipelineId()).forEach(c -> byKey.put(c.rowKey(), c.action()));
        Map<String, String> decisions = new LinkedHashMap<>();
        int recordColumn = page.columns().indexOf("source_record");
        if (recordColumn < 0) {
            return decisions;
        }
        for (List<String> values : page.rows()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < page.columns().size(); c++) {
                row.put(page.columns().get(c), values.get(c));
            }
            long record = Long.parseLong(values.get(recordColumn));
            String decision = byKey.get(PipelineRunner.rowKey(spec, row, record));
            if (decision != null) {
                decisions.put(values.get(recordColumn), decision);
            }
        }
        return decisions;
    }

    /**
     * Fixes a row: {@code changed} maps mapped columns to their corrected text. The row with the changes goes
     * through the pipeline's standardizers and rules again; a row that still fails a rejecting rule is refused
     * (422, naming the rules), so only a fix that passes is kept for the next run.
     */
    public QuarantinedRow fix(Actor actor, String runId, long sourceRecord, Map<String, String> changed) {
        IntegrationStore.RunRow run = run(runId);
        policy.require(actor, Action.CORRECT_QUARANTINE, run.orgId());
        QuarantinedRow row = read(run, sourceRecord);
        if (row.unreadable()) {
            throw unprocessable(
                    "quarantine.unreadable",
                    "This record could not be read at all: correct it in the source and run the pipeline again");
        }
        PipelineSpec spec = spec(run);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> current = new LinkedHashMap<>();
        row.fields().forEach(f -> current.put(f.name(), f.value()));
        for (Map.Entry<String, String> change : changed.entrySet()) {
            if (!spec.mapping().containsKey(change.getKey())) {
                throw unprocessable(
                        "quarantine.notEditable",
                        "Column " + change.getKey() + " cannot be corrected: only the columns the mapping produces can",
                        change.getKey());
            }
            String value = change.getValue() == null ? "" : change.getValue().strip();
            if (value.length() > MAX_VALUE) {
                throw unprocessable(
                        "quarantine.valueTooLong",
                        "A corrected value may have at most " + MAX_VALUE + " characters",
                        MAX_VALUE);
            }
            if (!value.equals(current.get(change.getKey()))) {
                values.put(change.getKey(), value);
            }
        }
        if (values.isEmpty()) {
            throw unprocessable(
                    "quarantine.nothingChanged", "Nothing was changed: correct at least one value, or release the row");
        }
        Map<String, String> mapped = new LinkedHashMap<>();
        for (String column : spec.mapping().keySet()) {
            mapped.put(column, values.containsKey(column) ? values.get(column) : current.get(column));
        }
        PipelineRunner.Recheck recheck = runs.runner().recheck(spec, mapped, types(run));
        if (!recheck.rejecting().isEmpty()) {
            throw unprocessable(
                    "quarantine.stillFails",
                    "The corrected row still fails: " + String.join(", ", recheck.rejecting())
                            + ". Correct the values these rules check, or release the row with a reason",
                    String.join(", ", recheck.rejecting()));
        }
        String rowKey = PipelineRunner.rowKey(spec, current, sourceRecord);
        String sealed = secrets.seal(JSON.writeValueAsString(values), sealContext(run.pipelineId(), rowKey));
        store.saveCorrection(
                run.orgId(),
                run.pipelineId(),
                rowKey,
                runId,
                sourceRecord,
                "FIX",
                sealed,
                null,
                actor.personId(),
                clock.instant());
        audit.record(new AuditEvent(
                EventType.QUARANTINE_ROW_FIXED,
                actor.userId(),
                actor.username(),
                run.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "quarantined record " + sourceRecord + " of run " + runId + " fixed; applied from the next run",
                Map.of(
                        "run",
                        runId,
                        "pipeline",
                        Long.toString(run.pipelineId()),
                        "record",
                        Long.toString(sourceRecord),
                        // Which columns, never their values.
                        "columns",
                        String.join(",", values.keySet()))));
        return read(run, sourceRecord);
    }

    /**
     * Releases a row: published by the next run although it fails, for the reason given (required, on the
     * ledger). A row rejected as a duplicate key is not released: publishing it would publish the key twice.
     */
    public QuarantinedRow release(Actor actor, String runId, long sourceRecord, String reason) {
        IntegrationStore.RunRow run = run(runId);
        policy.require(actor, Action.CORRECT_QUARANTINE, run.orgId());
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty()) {
            throw unprocessable(
                    "quarantine.reasonRequired",
                    "Say why this row may be published although it fails: the reason goes on the ledger");
        }
        if (why.length() > MAX_REASON) {
            throw unprocessable(
                    "quarantine.reasonTooLong", "A reason may have at most " + MAX_REASON + " characters", MAX_REASON);
        }
        QuarantinedRow row = read(run, sourceRecord);
        if (row.unreadable()) {
            throw unprocessable(
                    "quarantine.unreadable",
                    "This record could not be read at all: correct it in the source and run the pipeline again");
        }
        PipelineSpec spec = spec(run);
        List<String> uniqueness = spec.quality().stream()
                .filter(r -> r.dimension() == PipelineSpec.Dimension.UNIQUENESS)
                .map(PipelineSpec.QualityRule::name)
                .toList();
        if (row.reason() != null && List.of(row.reason().split("; ")).stream().anyMatch(uniqueness::contains)) {
            throw unprocessable(
                    "quarantine.duplicateNotReleased",
                    "A row rejected as a duplicate cannot be released: correct its key, or leave it out");
        }
        Map<String, String> current = new LinkedHashMap<>();
        row.fields().forEach(f -> current.put(f.name(), f.value()));
        String rowKey = PipelineRunner.rowKey(spec, current, sourceRecord);
        store.saveCorrection(
                run.orgId(),
                run.pipelineId(),
                rowKey,
                runId,
                sourceRecord,
                "RELEASE",
                null,
                why,
                actor.personId(),
                clock.instant());
        audit.record(new AuditEvent(
                EventType.QUARANTINE_ROW_RELEASED,
                actor.userId(),
                actor.username(),
                run.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "quarantined record " + sourceRecord + " of run " + runId + " released: " + why,
                Map.of(
                        "run",
                        runId,
                        "pipeline",
                        Long.toString(run.pipelineId()),
                        "record",
                        Long.toString(sourceRecord),
                        "reason",
                        why)));
        return read(run, sourceRecord);
    }

    // --- helpers

    static String sealContext(long pipelineId, String rowKey) {
        return "quarantine-fix:" + pipelineId + ":" + rowKey;
    }

    static String sealContext(IntegrationStore.CorrectionRow correction) {
        return sealContext(correction.pipelineId(), correction.rowKey());
    }

    static Map<String, String> values(String json) {
        return JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    }

    private static ProblemException unprocessable(String key, String detail, Object... args) {
        return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, key, detail, args);
    }

    private IntegrationStore.RunRow run(String runId) {
        return store.run(runId).orElseThrow(() -> ProblemException.notFound("No run " + runId));
    }

    private PipelineSpec spec(IntegrationStore.RunRow run) {
        IntegrationStore.PipelineRow pipeline = store.pipeline(run.pipelineId()).orElseThrow();
        return PipelineSpecs.parse(pipeline.spec()).spec();
    }

    private static void requireFile(IntegrationStore.RunRow run) {
        if (run.quarantinePath() == null || !Files.exists(Path.of(run.quarantinePath()))) {
            throw ProblemException.notFound("This run has no quarantined rows");
        }
    }

    private QuarantinedRow read(IntegrationStore.RunRow run, long sourceRecord) {
        requireFile(run);
        PipelineSpec spec = spec(run);
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                PreparedStatement statement = duck.prepareStatement("SELECT * FROM read_parquet("
                        + DuckDbConnections.literal(run.quarantinePath()) + ") WHERE source_record = ? LIMIT 1")) {
            statement.setLong(1, sourceRecord);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No quarantined record " + sourceRecord + " in this run");
                }
                ResultSetMetaData meta = rs.getMetaData();
                String reason = null;
                boolean unreadable = false;
                List<Field> fields = new ArrayList<>();
                Map<String, String> values = new LinkedHashMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    String name = meta.getColumnName(c);
                    String value = rs.getString(c);
                    switch (name) {
                        case "source_record" -> {}
                        case "reason" -> reason = value;
                        case "raw" -> unreadable = value != null;
                        default -> {
                            fields.add(new Field(name, value, spec.mapping().containsKey(name)));
                            values.put(name, value);
                        }
                    }
                }
                String rowKey = PipelineRunner.rowKey(spec, values, sourceRecord);
                IntegrationStore.CorrectionRow decision = store.corrections(run.pipelineId()).stream()
                        .filter(c -> c.rowKey().equals(rowKey))
                        .findFirst()
                        .orElse(null);
                return new QuarantinedRow(
                        run.id(),
                        run.pipelineId(),
                        sourceRecord,
                        reason,
                        fields,
                        unreadable,
                        decision == null ? null : decision.action(),
                        decision == null ? null : decision.reason());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the quarantine of run " + run.id() + " failed", e);
        }
    }

    /** The quarantined columns' types, so that a corrected text is read as the run read the original. */
    private static Map<String, String> types(IntegrationStore.RunRow run) {
        Map<String, String> types = new LinkedHashMap<>();
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet("
                        + DuckDbConnections.literal(run.quarantinePath()) + ")")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the quarantine of run " + run.id() + " failed", e);
        }
        return types;
    }
}
