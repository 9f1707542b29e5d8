package vn.datafloor.server.linkage;

import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.linkage.RegisterService.Entity;
import vn.datafloor.server.linkage.RegisterService.Event;
import vn.datafloor.server.linkage.RegisterService.Member;
import vn.datafloor.server.linkage.RegisterService.RegisterRun;

/**
 * Every statement on the register's own tables ({@code register_run}, {@code register_entity},
 * {@code register_member}, {@code register_event}, {@code register_review}); nothing else in the
 * capability writes SQL against the control database.
 */
@Repository
class RegisterStore {

    /** Rows per JDBC batch when a run's members and entities are written. */
    static final int BATCH = 1000;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final JsonMapper json;

    RegisterStore(JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions, JsonMapper json) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
        this.json = json;
    }

    // --- runs

    /** What a successful run found; {@code histogram} is null for an update, which scores no full set of pairs. */
    record RunTotals(
            long records,
            long pairs,
            long entities,
            long created,
            long merged,
            long split,
            double priorWeight,
            String histogram,
            String parameters) {}

    void startRun(String runId, Instant at) {
        jdbc.sql("insert into register_run(id, status, started_at) values (?, 'RUNNING', ?)")
                .params(runId, Timestamp.from(at))
                .update();
    }

    void runSucceeded(String runId, Instant at, RunTotals totals) {
        String parameters = totals.parameters().length() > 200_000
                ? totals.parameters().substring(0, 200_000)
                : totals.parameters();
        jdbc.sql("""
                update register_run set status = 'SUCCEEDED', finished_at = ?, records = ?, pairs = ?, entities = ?, created = ?,
                merged = ?, split = ?, prior_weight = ?, histogram = ?, parameters = ? where id = ?""")
                .params(
                        Timestamp.from(at),
                        totals.records(),
                        totals.pairs(),
                        totals.entities(),
                        totals.created(),
                        totals.merged(),
                        totals.split(),
                        totals.priorWeight(),
                        totals.histogram(),
                        parameters,
                        runId)
                .update();
    }

    void runFailed(String runId, Instant at, String message) {
        jdbc.sql("update register_run set status = 'FAILED', finished_at = ?, error = ? where id = ?")
                .params(Timestamp.from(at), message.length() > 2000 ? message.substring(0, 2000) : message, runId)
                .update();
    }

    /** The trained parameters (JSON) of the latest successful run, which an update scores with. */
    Optional<String> lastParameters() {
        return jdbc.sql(
                        "select parameters from register_run where status = 'SUCCEEDED' and parameters is not null order by started_at desc limit 1")
                .query(String.class)
                .optional();
    }

    List<RegisterRun> recentRuns(int limit) {
        return jdbc
                .sql("select id from register_run order by started_at desc limit ?")
                .param(limit)
                .query(String.class)
                .list()
                .stream()
                .map(id -> run(id).orElseThrow())
                .toList();
    }

    Optional<RegisterRun> run(String id) {
        return jdbc.sql("""
                select id, status, started_at, finished_at, records, pairs, entities, created, merged, split, prior_weight, histogram,
                parameters, error from register_run where id = ?""")
                .param(id)
                .query((rs, n) -> new RegisterRun(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(),
                        rs.getObject(5, Long.class),
                        rs.getObject(6, Long.class),
                        rs.getObject(7, Long.class),
                        rs.getObject(8, Long.class),
                        rs.getObject(9, Long.class),
                        rs.getObject(10, Long.class),
                        rs.getObject(11, Double.class),
                        rs.getString(12) == null ? Map.of() : counts(rs.getString(12)),
                        rs.getString(13),
                        rs.getString(14)))
                .optional();
    }

    /** JSON numbers come back as Integer or Long by size: counts are longs. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> counts(String histogram) {
        Map<String, Long> counts = new LinkedHashMap<>();
        ((Map<String, Object>) json.readValue(histogram, LinkedHashMap.class))
                .forEach((k, v) -> counts.put(k, ((Number) v).longValue()));
        return counts;
    }

    // --- entities

    private static final String ENTITY_COLUMNS =
            "id, full_name, birth_date, sex, personal_id, phone, commune_code, province_code, provenance, members, retired_into, updated_at";

    /** One entity's golden values as a run computed them; {@code provenance} is the JSON object attribute → source record. */
    record GoldenEntity(
            String entityId,
            String fullName,
            String nameKey,
            LocalDate birthDate,
            String sex,
            String personalId,
            String phone,
            String communeCode,
            String provinceCode,
            String provenance,
            int members) {}

    long entityCount() {
        return jdbc.sql("select count(*) from register_entity where retired_into is null")
                .query(Long.class)
                .single();
    }

    /** Living entities by any of the given criteria (null: not asked), at most 100. */
    List<Entity> searchEntities(String nameKeyContains, String personalId, LocalDate birthDate) {
        StringBuilder sql =
                new StringBuilder("select " + ENTITY_COLUMNS + " from register_entity where retired_into is null");
        List<Object> params = new ArrayList<>();
        if (nameKeyContains != null) {
            sql.append(" and name_key like ?");
            params.add("%" + nameKeyContains + "%");
        }
        if (personalId != null) {
            sql.append(" and personal_id = ?");
            params.add(personalId);
        }
        if (birthDate != null) {
            sql.append(" and birth_date = ?");
            params.add(Date.valueOf(birthDate));
        }
        sql.append(" order by name_key, birth_date limit 100");
        return jdbc.sql(sql.toString()).params(params).query(this::entityRow).list();
    }

    Optional<Entity> entity(String id) {
        return jdbc.sql("select " + ENTITY_COLUMNS + " from register_entity where id = ?")
                .param(id)
                .query(this::entityRow)
                .optional();
    }

    @SuppressWarnings("unchecked")
    private Entity entityRow(ResultSet rs, int n) throws SQLException {
        return new Entity(
                rs.getString(1),
                rs.getString(2),
                localDate(rs.getDate(3)),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                json.readValue(rs.getString(9), LinkedHashMap.class),
                rs.getInt(10),
                rs.getString(11),
                rs.getTimestamp(12).toInstant());
    }

    /** Rewrites entities that exist (bringing a retired one back) with their new golden values. */
    void updateEntities(List<GoldenEntity> entities, Instant at) {
        Timestamp now = Timestamp.from(at);
        int[][] updated = template.batchUpdate("""
                update register_entity set full_name = ?, name_key = ?, birth_date = ?, sex = ?, personal_id = ?, phone = ?,
                commune_code = ?, province_code = ?, provenance = ?, members = ?, updated_at = ?, retired_into = null where id = ?""", entities, BATCH, (ps, e) -> {
            bindGolden(ps, e);
            ps.setTimestamp(11, now);
            ps.setString(12, e.entityId());
        });
        for (int[] batch : updated) {
            for (int count : batch) {
                if (count != 1) {
                    throw new IllegalStateException("An entity the last run kept is missing from the register");
                }
            }
        }
    }

    /** Adds entities given a new identifier by this run. */
    void insertEntities(List<GoldenEntity> entities, Instant at) {
        Timestamp now = Timestamp.from(at);
        template.batchUpdate("""
                insert into register_entity(full_name, name_key, birth_date, sex, personal_id, phone, commune_code, province_code,
                provenance, members, updated_at, id, created_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?)""", entities, BATCH, (ps, e) -> {
            bindGolden(ps, e);
            ps.setTimestamp(11, now);
            ps.setString(12, e.entityId());
            ps.setTimestamp(13, now);
        });
    }

    private static void bindGolden(java.sql.PreparedStatement ps, GoldenEntity e) throws SQLException {
        ps.setString(1, e.fullName());
        ps.setString(2, e.nameKey());
        ps.setDate(3, e.birthDate() == null ? null : Date.valueOf(e.birthDate()));
        ps.setString(4, e.sex());
        ps.setString(5, e.personalId());
        ps.setString(6, e.phone());
        ps.setString(7, e.communeCode());
        ps.setString(8, e.provinceCode());
        ps.setString(9, e.provenance());
        ps.setInt(10, e.members());
    }

    /** An entity no cluster kept: it has no members left and, if it was merged, points at the survivor. */
    record Retirement(String entityId, String retiredInto) {}

    void retire(List<Retirement> retirements, Instant at) {
        template.batchUpdate(
                "update register_entity set retired_into = ?, members = 0, updated_at = ? where id = ?",
                retirements,
                BATCH,
                (ps, r) -> {
                    ps.setString(1, r.retiredInto());
                    ps.setTimestamp(2, Timestamp.from(at));
                    ps.setString(3, r.entityId());
                });
    }

    // --- members

    /**
     * One source record in the register: {@code recordKey} is "dataset|record_id"; {@code fingerprint} a digest
     * of its linking attributes, by which the next run sees whether it changed.
     */
    record MemberRow(
            String recordKey,
            String entityId,
            String dataset,
            int version,
            String recordId,
            String fullName,
            LocalDate birthDate,
            String personalId,
            String fingerprint) {}

    /** What the last run wrote of a member: its entity and fingerprint (null if written before fingerprints). */
    interface AssignmentSink {
        void accept(String recordKey, String entityId, String fingerprint);
    }

    /** Passes every record → entity assignment to {@code sink}, a row at a time. */
    void forEachAssignment(AssignmentSink sink) {
        template.query("select record_key, entity_id, fingerprint from register_member", rs -> {
            sink.accept(rs.getString(1), rs.getString(2), rs.getString(3));
        });
    }

    /** Removes the members whose records are no longer in any source. */
    void deleteMembers(List<String> recordKeys) {
        template.batchUpdate(
                "delete from register_member where record_key = ?",
                recordKeys,
                BATCH,
                (ps, key) -> ps.setString(1, key));
    }

    void insertMembers(List<MemberRow> members, String runId) {
        template.batchUpdate("""
                insert into register_member(entity_id, dataset, version, record_id, full_name, birth_date, personal_id,
                fingerprint, run_id, record_key) values (?,?,?,?,?,?,?,?,?,?)""", members, BATCH, (ps, m) -> {
            bindMember(ps, m, runId);
        });
    }

    /** Rewrites members that moved to another entity or whose values changed. */
    void updateMembers(List<MemberRow> members, String runId) {
        template.batchUpdate("""
                update register_member set entity_id = ?, dataset = ?, version = ?, record_id = ?, full_name = ?,
                birth_date = ?, personal_id = ?, fingerprint = ?, run_id = ? where record_key = ?""", members, BATCH, (ps, m) -> {
            bindMember(ps, m, runId);
        });
    }

    private static void bindMember(java.sql.PreparedStatement ps, MemberRow m, String runId) throws SQLException {
        ps.setString(1, m.entityId());
        ps.setString(2, m.dataset());
        ps.setInt(3, m.version());
        ps.setString(4, m.recordId());
        ps.setString(5, m.fullName());
        ps.setDate(6, m.birthDate() == null ? null : Date.valueOf(m.birthDate()));
        ps.setString(7, m.personalId());
        ps.setString(8, m.fingerprint());
        ps.setString(9, runId);
        ps.setString(10, m.recordKey());
    }

    List<Member> members(String entityId) {
        return jdbc.sql(
                        "select dataset, version, record_id, full_name, birth_date, personal_id from register_member where entity_id = ? "
                                + "order by dataset, record_id")
                .param(entityId)
                .query(RegisterStore::memberRow)
                .list();
    }

    Optional<Member> member(String recordKey) {
        return jdbc.sql(
                        "select dataset, version, record_id, full_name, birth_date, personal_id from register_member where record_key = ?")
                .param(recordKey)
                .query(RegisterStore::memberRow)
                .optional();
    }

    private static Member memberRow(ResultSet rs, int n) throws SQLException {
        return new Member(
                rs.getString(1),
                rs.getInt(2),
                rs.getString(3),
                rs.getString(4),
                localDate(rs.getDate(5)),
                rs.getString(6));
    }

    // --- events

    /** A change to an entity's identity: CREATED, MERGED or SPLIT, with a sentence saying which. */
    record EntityEvent(String entityId, String kind, String detail) {}

    void insertEvents(List<EntityEvent> events, String runId, Instant at) {
        template.batchUpdate(
                "insert into register_event(entity_id, kind, detail, run_id, at) values (?,?,?,?,?)",
                events,
                BATCH,
                (ps, e) -> {
                    ps.setString(1, e.entityId());
                    ps.setString(2, e.kind());
                    ps.setString(3, e.detail());
                    ps.setString(4, runId);
                    ps.setTimestamp(5, Timestamp.from(at));
                });
    }

    List<Event> history(String entityId) {
        return jdbc.sql("select kind, detail, run_id, at from register_event where entity_id = ? order by id")
                .param(entityId)
                .query((rs, n) -> new Event(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    // --- review

    /** A pair in the uncertain band, keys in order (left < right). */
    record UncertainPair(String leftKey, String rightKey, double probability, double weight, String contributions) {}

    /** A pair as the queue holds it. */
    record QueuedPair(
            long id,
            String leftKey,
            String rightKey,
            double probability,
            double weight,
            String contributions,
            String status) {}

    /** A steward's decision on a pair, which every later rebuild honours. */
    record Decision(String leftKey, String rightKey, boolean match) {}

    /** Queues the pairs not queued before (whatever their status), so a decided pair is never asked again. */
    void queuePending(List<UncertainPair> pairs, String runId) {
        template.batchUpdate("""
                insert into register_review(left_key, right_key, probability, weight, contributions, status, run_id)
                select cast(? as varchar(250)), cast(? as varchar(250)), cast(? as double precision), cast(? as double precision),
                cast(? as varchar(4000)), 'PENDING', cast(? as varchar(40))
                where not exists (select 1 from register_review where left_key = ? and right_key = ?)""", pairs, BATCH, (ps, p) -> {
            ps.setString(1, p.leftKey());
            ps.setString(2, p.rightKey());
            ps.setDouble(3, p.probability());
            ps.setDouble(4, p.weight());
            ps.setString(5, p.contributions());
            ps.setString(6, runId);
            ps.setString(7, p.leftKey());
            ps.setString(8, p.rightKey());
        });
    }

    List<QueuedPair> pendingPairs(int limit, int offset) {
        return jdbc.sql(
                        "select id, left_key, right_key, probability, weight, contributions, status from register_review "
                                + "where status = 'PENDING' order by probability desc, id limit ? offset ?")
                .params(limit, offset)
                .query((rs, n) -> new QueuedPair(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getDouble(4),
                        rs.getDouble(5),
                        rs.getString(6),
                        rs.getString(7)))
                .list();
    }

    long pendingCount() {
        return jdbc.sql("select count(*) from register_review where status = 'PENDING'")
                .query(Long.class)
                .single();
    }

    /** Records a decision on a pending pair; false if there is no such pending pair. */
    boolean decide(long reviewId, boolean match, Long decidedBy, Instant at) {
        return jdbc.sql(
                                "update register_review set status = ?, decided_by = ?, decided_at = ? where id = ? and status = 'PENDING'")
                        .params(match ? "MATCH" : "NON_MATCH", decidedBy, Timestamp.from(at), reviewId)
                        .update()
                > 0;
    }

    boolean reviewExists(long reviewId) {
        return jdbc.sql("select count(*) from register_review where id = ?")
                        .param(reviewId)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /** Every decision taken, oldest first: later ones are applied on top of earlier ones. */
    List<Decision> decisions() {
        return jdbc.sql("select left_key, right_key, status from register_review where status <> 'PENDING' order by id")
                .query((rs, n) -> new Decision(rs.getString(1), rs.getString(2), "MATCH".equals(rs.getString(3))))
                .list();
    }

    // ---

    /** Runs {@code work} in one transaction: a run's members, entities and events are replaced together or not at all. */
    /** Records, in the transaction that saves a run's changes, that the register's tables are that run's. */
    void savedBy(String runId) {
        if (jdbc.sql("update register_state set run_id = ? where id = 1")
                        .param(runId)
                        .update()
                == 0) {
            jdbc.sql("insert into register_state(id, run_id) values (1, ?)")
                    .param(runId)
                    .update();
        }
    }

    /** The run whose changes the register's tables hold, if any run saved since fingerprints came. */
    Optional<String> savedBy() {
        return jdbc.sql("select run_id from register_state where id = 1")
                .query(String.class)
                .optional();
    }

    void inTransaction(Runnable work) {
        transactions.executeWithoutResult(status -> work.run());
    }

    private static LocalDate localDate(Date date) {
        return date == null ? null : date.toLocalDate();
    }
}
