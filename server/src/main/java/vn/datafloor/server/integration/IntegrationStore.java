package vn.datafloor.server.integration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** The integration capability's tables. */
@Repository
class IntegrationStore {

    private final JdbcClient jdbc;

    IntegrationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // --- sources

    record SourceRow(
            long id,
            long orgId,
            String name,
            String type,
            String location,
            String settings,
            String secret,
            Instant createdAt) {}

    long insertSource(
            long orgId, String name, String type, String location, String settings, Long createdBy, Instant now) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql(
                        "insert into data_source(org_id, name, type, location, settings, created_by, created_at) values (?,?,?,?,?,?,?)")
                .params(orgId, name, type, location, settings, createdBy, Timestamp.from(now))
                .update(keys, "id");
        return keys.getKeyAs(Number.class).longValue();
    }

    void setSourceSecret(long id, String ciphertext) {
        jdbc.sql("update data_source set secret_ciphertext = ? where id = ?")
                .params(ciphertext, id)
                .update();
    }

    void setSourceLocation(long id, String location) {
        jdbc.sql("update data_source set location = ? where id = ?")
                .params(location, id)
                .update();
    }

    List<SourceRow> sources(Long orgId) {
        String sql =
                "select id, org_id, name, type, location, settings, secret_ciphertext, created_at from data_source";
        return (orgId == null
                        ? jdbc.sql(sql + " order by org_id, name")
                        : jdbc.sql(sql + " where org_id = ? order by name").param(orgId))
                .query(IntegrationStore::source)
                .list();
    }

    Optional<SourceRow> source(long id) {
        return jdbc.sql(
                        "select id, org_id, name, type, location, settings, secret_ciphertext, created_at from data_source where id = ?")
                .param(id)
                .query(IntegrationStore::source)
                .optional();
    }

    Optional<SourceRow> source(long orgId, String name) {
        return jdbc.sql(
                        "select id, org_id, name, type, location, settings, secret_ciphertext, created_at from data_source "
                                + "where org_id = ? and name = ?")
                .params(orgId, name)
                .query(IntegrationStore::source)
                .optional();
    }

    private static SourceRow source(ResultSet rs, int n) throws SQLException {
        return new SourceRow(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getTimestamp(8).toInstant());
    }

    // --- pipelines

    record PipelineRow(
            long id,
            long orgId,
            String name,
            String spec,
            String dataset,
            String schedule,
            boolean enabled,
            String lastWatermark,
            Instant lastScheduledAt,
            Instant createdAt,
            Instant updatedAt) {}

    private static final String PIPELINE_COLUMNS =
            "id, org_id, name, spec, dataset, schedule, enabled, last_watermark, last_scheduled_at, created_at, updated_at";

    long insertPipeline(long orgId, String name, String spec, String dataset, String schedule, Instant now) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql(
                        "insert into pipeline(org_id, name, spec, dataset, schedule, enabled, created_at, updated_at) values (?,?,?,?,?,true,?,?)")
                .params(orgId, name, spec, dataset, schedule, Timestamp.from(now), Timestamp.from(now))
                .update(keys, "id");
        return keys.getKeyAs(Number.class).longValue();
    }

    void updatePipeline(long id, String spec, String dataset, String schedule, Instant now) {
        jdbc.sql("update pipeline set spec = ?, dataset = ?, schedule = ?, updated_at = ? where id = ?")
                .params(spec, dataset, schedule, Timestamp.from(now), id)
                .update();
    }

    void setWatermark(long id, String watermark) {
        jdbc.sql("update pipeline set last_watermark = ? where id = ?")
                .params(watermark, id)
                .update();
    }

    void setLastScheduled(long id, Instant at) {
        jdbc.sql("update pipeline set last_scheduled_at = ? where id = ?")
                .params(Timestamp.from(at), id)
                .update();
    }

    List<PipelineRow> pipelines(Long orgId) {
        String sql = "select " + PIPELINE_COLUMNS + " from pipeline";
        return (orgId == null
                        ? jdbc.sql(sql + " order by org_id, name")
                        : jdbc.sql(sql + " where org_id = ? order by name").param(orgId))
                .query(IntegrationStore::pipeline)
                .list();
    }

    Optional<PipelineRow> pipeline(long id) {
        return jdbc.sql("select " + PIPELINE_COLUMNS + " from pipeline where id = ?")
                .param(id)
                .query(IntegrationStore::pipeline)
                .optional();
    }

    Optional<PipelineRow> pipeline(long orgId, String name) {
        return jdbc.sql("select " + PIPELINE_COLUMNS + " from pipeline where org_id = ? and name = ?")
                .params(orgId, name)
                .query(IntegrationStore::pipeline)
                .optional();
    }

    private static PipelineRow pipeline(ResultSet rs, int n) throws SQLException {
        return new PipelineRow(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getBoolean(7),
                rs.getString(8),
                instant(rs.getTimestamp(9)),
                rs.getTimestamp(10).toInstant(),
                rs.getTimestamp(11).toInstant());
    }

    // --- dataset ownership

    Optional<Long> datasetOwner(String dataset) {
        return jdbc.sql("select org_id from dataset_owner where dataset = ?")
                .param(dataset)
                .query(Long.class)
                .optional();
    }

    /** A host or range an organisation's sources may reach although it is private. */
    record NetworkAllowance(long id, long orgId, String allowance, String reason, Long createdBy, Instant createdAt) {}

    List<NetworkAllowance> networkAllowances(long orgId) {
        return jdbc.sql(
                        "select id, org_id, allowance, reason, created_by, created_at from network_allowance where org_id = ? order by id")
                .param(orgId)
                .query((rs, n) -> new NetworkAllowance(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getObject(5) == null ? null : rs.getLong(5),
                        rs.getTimestamp(6).toInstant()))
                .list();
    }

    long addNetworkAllowance(long orgId, String allowance, String reason, Long userId, Instant now) {
        var keys = new org.springframework.jdbc.support.GeneratedKeyHolder();
        jdbc.sql("insert into network_allowance(org_id, allowance, reason, created_by, created_at) values (?,?,?,?,?)")
                .params(orgId, allowance, reason, userId, Timestamp.from(now))
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    boolean removeNetworkAllowance(long orgId, long id) {
        return jdbc.sql("delete from network_allowance where org_id = ? and id = ?")
                        .params(orgId, id)
                        .update()
                == 1;
    }

    void claimDataset(String dataset, long orgId, Instant now) {
        jdbc.sql("insert into dataset_owner(dataset, org_id, created_at) values (?,?,?)")
                .params(dataset, orgId, Timestamp.from(now))
                .update();
    }

    List<String> datasetsOf(Long orgId) {
        return (orgId == null
                        ? jdbc.sql("select dataset from dataset_owner order by dataset")
                        : jdbc.sql("select dataset from dataset_owner where org_id = ? order by dataset")
                                .param(orgId))
                .query(String.class)
                .list();
    }

    // --- runs

    record RunRow(
            String id,
            long pipelineId,
            long orgId,
            String status,
            String trigger,
            String stage,
            int progress,
            Long startedBy,
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
            String qualityJson,
            String quarantinePath,
            String error) {
        boolean active() {
            return "QUEUED".equals(status) || "RUNNING".equals(status);
        }
    }

    private static final String RUN_COLUMNS =
            "id, pipeline_id, org_id, status, trigger_kind, stage, progress, started_by, "
                    + "queued_at, started_at, finished_at, source_name, rows_in, rows_published, rows_quarantined, dataset, "
                    + "dataset_version, reused, encoding, quality_json, quarantine_path, error";

    /** Locks the pipeline's row until the transaction ends, so two starts cannot both see it idle. */
    void lockPipeline(long pipelineId) {
        jdbc.sql("select id from pipeline where id = ? for update")
                .param(pipelineId)
                .query(Long.class)
                .optional();
    }

    /** Inserts a queued run unless one is already queued or running for the pipeline; false when refused. */
    boolean insertRunIfIdle(String id, long pipelineId, long orgId, String trigger, Long startedBy, Instant now) {
        return jdbc.sql("""
                insert into pipeline_run(id, pipeline_id, org_id, status, trigger_kind, progress, started_by, queued_at, reused)
                select ?, ?, ?, 'QUEUED', ?, 0, ?, ?, false
                where not exists (select 1 from pipeline_run where pipeline_id = ? and status in ('QUEUED', 'RUNNING'))""")
                        .params(id, pipelineId, orgId, trigger, startedBy, Timestamp.from(now), pipelineId)
                        .update()
                == 1;
    }

    void runStarted(String id, Instant now) {
        jdbc.sql("update pipeline_run set status = 'RUNNING', started_at = ?, stage = 'starting' where id = ?")
                .params(Timestamp.from(now), id)
                .update();
    }

    void runProgress(String id, String stage, int progress) {
        jdbc.sql("update pipeline_run set stage = ?, progress = ? where id = ? and status = 'RUNNING'")
                .params(stage, progress, id)
                .update();
    }

    void runSucceeded(
            String id,
            Instant now,
            String source,
            long rowsIn,
            long published,
            long quarantined,
            String dataset,
            int version,
            boolean reused,
            String encoding,
            String qualityJson,
            String quarantinePath) {
        jdbc.sql("""
                update pipeline_run set status = 'SUCCEEDED', stage = 'done', progress = 100, finished_at = ?, source_name = ?,
                rows_in = ?, rows_published = ?, rows_quarantined = ?, dataset = ?, dataset_version = ?, reused = ?, encoding = ?,
                quality_json = ?, quarantine_path = ? where id = ?""")
                .params(
                        Timestamp.from(now),
                        source,
                        rowsIn,
                        published,
                        quarantined,
                        dataset,
                        version,
                        reused,
                        encoding,
                        qualityJson,
                        quarantinePath,
                        id)
                .update();
    }

    void runEnded(String id, String status, Instant now, String error) {
        jdbc.sql("update pipeline_run set status = ?, finished_at = ?, error = ? where id = ?")
                .params(
                        status,
                        Timestamp.from(now),
                        error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error,
                        id)
                .update();
    }

    /** Runs recorded as queued or running: at start, those a crash or restart interrupted. */
    List<RunRow> activeRuns() {
        return jdbc.sql("select " + RUN_COLUMNS
                        + " from pipeline_run where status in ('QUEUED', 'RUNNING') order by queued_at")
                .query(IntegrationStore::run)
                .list();
    }

    Optional<RunRow> run(String id) {
        return jdbc.sql("select " + RUN_COLUMNS + " from pipeline_run where id = ?")
                .param(id)
                .query(IntegrationStore::run)
                .optional();
    }

    List<RunRow> runs(Long orgId, Long pipelineId, int limit) {
        StringBuilder sql = new StringBuilder("select " + RUN_COLUMNS + " from pipeline_run where 1=1");
        List<Object> params = new java.util.ArrayList<>();
        if (orgId != null) {
            sql.append(" and org_id = ?");
            params.add(orgId);
        }
        if (pipelineId != null) {
            sql.append(" and pipeline_id = ?");
            params.add(pipelineId);
        }
        sql.append(" order by queued_at desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString())
                .params(params)
                .query(IntegrationStore::run)
                .list();
    }

    Optional<RunRow> latestSuccessfulRun(String dataset, int version) {
        return jdbc.sql("select " + RUN_COLUMNS
                        + " from pipeline_run where dataset = ? and dataset_version = ? and status = 'SUCCEEDED' "
                        + "order by finished_at limit 1")
                .params(dataset, version)
                .query(IntegrationStore::run)
                .optional();
    }

    private static RunRow run(ResultSet rs, int n) throws SQLException {
        return new RunRow(
                rs.getString(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getInt(7),
                (Long) rs.getObject(8, Long.class),
                rs.getTimestamp(9).toInstant(),
                instant(rs.getTimestamp(10)),
                instant(rs.getTimestamp(11)),
                rs.getString(12),
                (Long) rs.getObject(13, Long.class),
                (Long) rs.getObject(14, Long.class),
                (Long) rs.getObject(15, Long.class),
                rs.getString(16),
                (Integer) rs.getObject(17, Integer.class),
                rs.getBoolean(18),
                rs.getString(19),
                rs.getString(20),
                rs.getString(21),
                rs.getString(22));
    }

    void log(String runId, int seq, Instant at, String level, String message) {
        jdbc.sql("insert into run_log(run_id, seq, at, level, message) values (?,?,?,?,?)")
                .params(
                        runId,
                        seq,
                        Timestamp.from(at),
                        level,
                        message.length() > 2000 ? message.substring(0, 2000) : message)
                .update();
    }

    record LogLine(int seq, Instant at, String level, String message) {}

    List<LogLine> logs(String runId) {
        return jdbc.sql("select seq, at, level, message from run_log where run_id = ? order by seq")
                .param(runId)
                .query((rs, n) ->
                        new LogLine(rs.getInt(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)))
                .list();
    }

    // --- a steward's decisions on quarantined rows

    record CorrectionRow(
            long id,
            long orgId,
            long pipelineId,
            String rowKey,
            String runId,
            long sourceRecord,
            String action,
            String valuesSealed,
            String reason,
            Long decidedBy,
            Instant decidedAt) {}

    /** Records the decision on a row, replacing an earlier one on the same row. */
    void saveCorrection(
            long orgId,
            long pipelineId,
            String rowKey,
            String runId,
            long sourceRecord,
            String action,
            String valuesSealed,
            String reason,
            Long decidedBy,
            Instant now) {
        jdbc.sql("delete from quarantine_correction where pipeline_id = ? and row_key = ?")
                .params(pipelineId, rowKey)
                .update();
        jdbc.sql("""
                        insert into quarantine_correction(org_id, pipeline_id, row_key, run_id, source_record, action,
                        values_sealed, reason, decided_by, decided_at) values (?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        orgId,
                        pipelineId,
                        rowKey,
                        runId,
                        sourceRecord,
                        action,
                        valuesSealed,
                        reason,
                        decidedBy,
                        Timestamp.from(now))
                .update();
    }

    List<CorrectionRow> corrections(long pipelineId) {
        return jdbc.sql("""
                        select id, org_id, pipeline_id, row_key, run_id, source_record, action, values_sealed, reason,
                        decided_by, decided_at from quarantine_correction where pipeline_id = ? order by id""")
                .param(pipelineId)
                .query((rs, n) -> new CorrectionRow(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        (Long) rs.getObject(10, Long.class),
                        instant(rs.getTimestamp(11))))
                .list();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
