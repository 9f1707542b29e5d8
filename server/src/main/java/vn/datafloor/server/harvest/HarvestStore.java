package vn.datafloor.server.harvest;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The harvest's tables, in plain SQL that runs on H2 and PostgreSQL. */
@Repository
class HarvestStore {

    private static final String SOURCE_COLUMNS =
            "id, org_id, name, kind, url, publisher, interval_minutes, enabled, next_run_at, created_at, updated_at";
    private static final String RUN_COLUMNS =
            "id, source_id, started_at, finished_at, status, trigger_kind, seen, added, updated, removed, failed, error, ledger_index";

    private final JdbcClient jdbc;

    HarvestStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long insertSource(
            long orgId,
            String name,
            String kind,
            String url,
            String publisher,
            int intervalMinutes,
            boolean enabled,
            Instant nextRun,
            long createdBy,
            Instant now) {
        jdbc.sql("""
                insert into harvest_source(org_id, name, kind, url, publisher, interval_minutes, enabled, next_run_at,
                created_by, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        orgId,
                        name,
                        kind,
                        url,
                        publisher,
                        intervalMinutes,
                        enabled,
                        ts(nextRun),
                        createdBy,
                        ts(now),
                        ts(now))
                .update();
        return jdbc.sql("select max(id) from harvest_source where org_id = ? and name = ? and url = ?")
                .params(orgId, name, url)
                .query(Long.class)
                .single();
    }

    void updateSource(
            long id,
            String name,
            String kind,
            String url,
            String publisher,
            int intervalMinutes,
            boolean enabled,
            Instant nextRun,
            Instant now) {
        jdbc.sql("""
                update harvest_source set name = ?, kind = ?, url = ?, publisher = ?, interval_minutes = ?, enabled = ?,
                next_run_at = ?, updated_at = ? where id = ?""")
                .params(name, kind, url, publisher, intervalMinutes, enabled, ts(nextRun), ts(now), id)
                .update();
    }

    void deleteSource(long id) {
        jdbc.sql("delete from harvest_run where source_id = ?").param(id).update();
        jdbc.sql("delete from harvest_source where id = ?").param(id).update();
    }

    Optional<HarvestSource> source(long id) {
        return jdbc.sql("select " + SOURCE_COLUMNS + " from harvest_source where id = ?")
                .param(id)
                .query((rs, n) -> source(rs))
                .optional();
    }

    List<HarvestSource> sources() {
        return jdbc.sql("select " + SOURCE_COLUMNS + " from harvest_source order by name, id")
                .query((rs, n) -> source(rs))
                .list();
    }

    /** Enabled sources whose next run is due. */
    List<HarvestSource> due(Instant now) {
        return jdbc.sql("select " + SOURCE_COLUMNS
                        + " from harvest_source where enabled = true and next_run_at <= ? order by next_run_at, id")
                .param(ts(now))
                .query((rs, n) -> source(rs))
                .list();
    }

    /**
     * Claims a due source for one run: moves its next run on, if no other server did first (the
     * next run time it was read with is still there).
     */
    boolean claim(long id, Instant expectedNextRun, Instant nextRun) {
        return jdbc.sql("update harvest_source set next_run_at = ? where id = ? and next_run_at = ?")
                        .params(ts(nextRun), id, ts(expectedNextRun))
                        .update()
                == 1;
    }

    void setNextRun(long id, Instant nextRun) {
        jdbc.sql("update harvest_source set next_run_at = ? where id = ?")
                .params(ts(nextRun), id)
                .update();
    }

    long startRun(long sourceId, String trigger, Instant now) {
        jdbc.sql("insert into harvest_run(source_id, started_at, status, trigger_kind) values (?,?,?,?)")
                .params(sourceId, ts(now), "RUNNING", trigger)
                .update();
        return jdbc.sql("select max(id) from harvest_run where source_id = ?")
                .param(sourceId)
                .query(Long.class)
                .single();
    }

    void finishRun(
            long runId,
            String status,
            int seen,
            int added,
            int updated,
            int removed,
            int failed,
            String error,
            Instant now) {
        jdbc.sql("""
                update harvest_run set status = ?, seen = ?, added = ?, updated = ?, removed = ?, failed = ?, error = ?,
                finished_at = ? where id = ?""")
                .params(status, seen, added, updated, removed, failed, error, ts(now), runId)
                .update();
    }

    void setLedgerIndex(long runId, long index) {
        jdbc.sql("update harvest_run set ledger_index = ? where id = ?")
                .params(index, runId)
                .update();
    }

    Optional<HarvestRun> run(long id) {
        return jdbc.sql("select " + RUN_COLUMNS + " from harvest_run where id = ?")
                .param(id)
                .query((rs, n) -> run(rs))
                .optional();
    }

    // Lists, not streams: a stream from JdbcClient holds its connection until it is closed.
    Optional<HarvestRun> lastRun(long sourceId) {
        return runs(sourceId, 1).stream().findFirst();
    }

    List<HarvestRun> runs(long sourceId, int limit) {
        return jdbc.sql("select " + RUN_COLUMNS + " from harvest_run where source_id = ? order by id desc limit "
                        + Math.max(1, limit))
                .param(sourceId)
                .query((rs, n) -> run(rs))
                .list();
    }

    private static HarvestSource source(ResultSet rs) throws SQLException {
        return new HarvestSource(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getInt(7),
                rs.getBoolean(8),
                instant(rs.getTimestamp(9)),
                instant(rs.getTimestamp(10)),
                instant(rs.getTimestamp(11)),
                null,
                0);
    }

    private static HarvestRun run(ResultSet rs) throws SQLException {
        long ledger = rs.getLong(13);
        Long ledgerIndex = rs.wasNull() ? null : ledger;
        return new HarvestRun(
                rs.getLong(1),
                rs.getLong(2),
                instant(rs.getTimestamp(3)),
                instant(rs.getTimestamp(4)),
                rs.getString(5),
                rs.getString(6),
                rs.getInt(7),
                rs.getInt(8),
                rs.getInt(9),
                rs.getInt(10),
                rs.getInt(11),
                rs.getString(12),
                ledgerIndex);
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
