package vn.datafloor.server.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.integration.IntegrationPaths;
import vn.datafloor.server.linkage.RegisterStore.EntityEvent;
import vn.datafloor.server.linkage.RegisterStore.GoldenEntity;
import vn.datafloor.server.linkage.RegisterStore.MemberRow;

/**
 * Turns a run's clustering into the register: golden values and identifiers computed in DuckDB,
 * the register's tables replaced in one transaction, changed identifiers put on the ledger, and the
 * register published to the lake.
 */
@Component
class RegisterWriter {

    /** What a run changed, for its record and the ledger. */
    record Outcome(long entities, long created, long merged, long split) {}

    private final IntegrationPaths paths;
    private final RegisterStore store;
    private final PersonRecords people;
    private final RegisterPublication publication;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final List<String> trust;

    RegisterWriter(
            IntegrationPaths paths,
            RegisterStore store,
            PersonRecords people,
            RegisterPublication publication,
            AuditLog audit,
            Clock clock,
            SecureRandom random,
            @Value(
                            "${datafloor.register.source-trust:ho-tich.cong-dan,bhxh.nguoi-tham-gia,thue.nguoi-nop-thue,y-te.benh-nhan}")
                    List<String> trust) {
        this.paths = paths;
        this.store = store;
        this.people = people;
        this.publication = publication;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.trust = List.copyOf(trust);
    }

    /**
     * The register's record → entity assignment as CSV (record_key, entity_id, fingerprint), written a row at a
     * time.
     */
    Path writeAssignment(Path scratch) throws IOException {
        Path csv = scratch.resolve("previous.csv");
        try (var out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("record_key,entity_id,fingerprint\n");
            store.forEachAssignment((record, entity, fingerprint) -> {
                try {
                    out.write(csvCell(record) + "," + csvCell(entity) + ","
                            + (fingerprint == null ? "" : csvCell(fingerprint)) + "\n");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return csv;
    }

    /** The DuckDB relation over an assignment {@link #writeAssignment} wrote. */
    static String assignmentRelation(Path csv) {
        return "read_csv(" + literal(csv.toString()) + ", header = true, all_varchar = true)";
    }

    /**
     * Writes the clustering {@code clustersFile} ({@code record_id, cluster_id}) of the records in
     * {@code union} into the register; {@code previousAssignment} is the assignment before this run.
     *
     * <p>Only what changed is written: members that are new, moved to another entity or whose values
     * changed (their fingerprint), members whose records are gone, and the entities any of those touch.
     * Golden values are computed for the touched entities alone when the register in the lake is the one
     * the last run published; every other entity is the same row as there.
     */
    Outcome write(
            String runId,
            Path union,
            Path clustersFile,
            Path previousAssignment,
            Path scratch,
            RegisterService.Progress progress)
            throws Exception {
        Instant now = clock.instant();
        Optional<DatasetVersion> published = publishedByLastRun();
        // A database file in the run's scratch, not memory: at 10 million records the run's tables are larger
        // than DuckDB's 1 GB, and a file's tables are paged out as the work needs room.
        try (Connection duck = DuckDbConnections.openFile(
                        scratch.resolve("register.duckdb"), scratch.resolve("spill2"), "1GB", 2);
                Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE member AS SELECT u.*, c.cluster_id, md5(CAST(to_json(["
                    + PersonRecords.ATTRIBUTES.stream()
                            .map(a -> "CAST(u." + a + " AS VARCHAR)")
                            .collect(Collectors.joining(", "))
                    + "]) AS VARCHAR)) AS fingerprint FROM read_parquet("
                    + literal(union.toString()) + ") u JOIN read_parquet(" + literal(clustersFile.toString())
                    + ") c ON c.record_id = u.rid");
            statement.execute("CREATE TABLE previous AS SELECT * FROM " + assignmentRelation(previousAssignment));
            EntityIdentifiers.Assignment assignment = EntityIdentifiers.assign(duck, this::newEntityId);
            long entities = scalar(statement, "SELECT count(*) FROM cluster_entity");
            progress.phase("identifiers kept or given");
            statement.execute("""
                    CREATE TABLE member_change AS SELECT m.rid, e.entity_id, p.entity_id AS previous_entity,
                    p.record_key IS NULL AS is_new
                    FROM member m JOIN cluster_entity e ON e.cluster_id = m.cluster_id
                    LEFT JOIN previous p ON p.record_key = m.rid
                    WHERE p.record_key IS NULL OR p.entity_id <> e.entity_id
                       OR p.fingerprint IS DISTINCT FROM m.fingerprint""");
            statement.execute("""
                    CREATE TABLE member_gone AS SELECT p.record_key, p.entity_id FROM previous p
                    WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m.rid = p.record_key)""");
            // The entities whose members changed: those they are in now, and those they left.
            String touched = "SELECT entity_id FROM member_change UNION SELECT previous_entity FROM member_change"
                    + " UNION SELECT entity_id FROM member_gone";
            if (published.isPresent()) {
                statement.execute(
                        "CREATE TABLE affected AS SELECT e.cluster_id, e.entity_id, e.kept FROM cluster_entity e"
                                + " WHERE e.entity_id IN (" + touched + ")");
            } else {
                statement.execute("CREATE TABLE affected AS SELECT cluster_id, entity_id, kept FROM cluster_entity");
            }
            statement.execute("CREATE VIEW member_affected AS SELECT m.* FROM member m"
                    + " WHERE m.cluster_id IN (SELECT cluster_id FROM affected)");
            GoldenValues.compute(duck, trust, "member_affected");
            progress.phase("golden values of " + scalar(statement, "SELECT count(*) FROM affected") + " entities");
            store.inTransaction(() -> {
                try {
                    saveChanges(statement, runId, now, progress);
                } catch (SQLException e) {
                    throw new IllegalStateException("Cannot read the register's new state: " + e.getMessage(), e);
                }
                store.retire(assignment.retirements(), now);
                store.insertEvents(assignment.events(), runId, now);
                store.savedBy(runId);
            });
            progress.phase("changes saved");
            // Identifiers that changed are explained on the ledger, one entry each, appended in batches.
            List<AuditEvent> changes = new ArrayList<>();
            for (EntityEvent event : assignment.events()) {
                if (!event.kind().equals("CREATED")
                        && (event.detail().startsWith("merged into")
                                || event.detail().startsWith("split from"))) {
                    changes.add(new AuditEvent(
                            event.kind().equals("MERGED") ? EventType.ENTITY_MERGED : EventType.ENTITY_SPLIT,
                            null,
                            null,
                            null,
                            AuditEvent.Outcome.SUCCESS,
                            null,
                            "entity " + event.entityId() + ": " + event.detail(),
                            Map.of("entity", event.entityId(), "change", event.detail(), "run", runId)));
                }
            }
            audit.recordAll(changes);
            publish(statement, runId, entities, published, scratch);
            progress.phase("changes on the ledger, register published");
            return new Outcome(entities, assignment.created(), assignment.merged(), assignment.split());
        }
    }

    /**
     * The register in the lake, if it is the one the register's tables hold: published by the run that last saved
     * them (a run that saved and then failed before publishing leaves the lake behind the tables).
     */
    private Optional<DatasetVersion> publishedByLastRun() {
        return store.savedBy()
                .flatMap(run -> paths.lake()
                        .latest(RegisterService.DATASET)
                        .filter(v -> run.equals(v.manifest().runId())));
    }

    /**
     * The changes go from DuckDB to the register's tables a batch at a time, never all in memory: members
     * removed, added and rewritten, then the touched entities, kept ones rewritten and new ones added.
     */
    private void saveChanges(Statement statement, String runId, Instant now, RegisterService.Progress progress)
            throws SQLException {
        List<String> gone = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("SELECT record_key FROM member_gone ORDER BY record_key")) {
            while (rs.next()) {
                gone.add(rs.getString(1));
                if (gone.size() == RegisterStore.BATCH) {
                    store.deleteMembers(gone);
                    gone.clear();
                }
            }
        }
        store.deleteMembers(gone);
        for (boolean added : new boolean[] {true, false}) {
            List<MemberRow> members = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT m.rid, c.entity_id, m.dataset, m.version, m.record_id, m.full_name, m.birth_date,"
                            + " m.personal_id, m.fingerprint FROM member m JOIN member_change c ON c.rid = m.rid"
                            + " WHERE c.is_new = " + added + " ORDER BY m.rid")) {
                while (rs.next()) {
                    members.add(new MemberRow(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getInt(4),
                            rs.getString(5),
                            rs.getString(6),
                            localDate(rs, 7),
                            rs.getString(8),
                            rs.getString(9)));
                    if (members.size() == RegisterStore.BATCH) {
                        saveMembers(members, added, runId);
                        members.clear();
                    }
                }
            }
            saveMembers(members, added, runId);
        }
        progress.phase("members saved");
        for (boolean kept : new boolean[] {true, false}) {
            List<GoldenEntity> entities = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT a.entity_id, g.full_name, g.name_key, g.birth_date, g.sex, g.personal_id,"
                            + " g.phone, g.commune_code, g.province_code, g.provenance, g.members FROM golden g"
                            + " JOIN affected a ON a.cluster_id = g.cluster_id WHERE a.kept = " + kept
                            + " ORDER BY a.entity_id")) {
                while (rs.next()) {
                    entities.add(new GoldenEntity(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            localDate(rs, 4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getInt(11)));
                    if (entities.size() == RegisterStore.BATCH) {
                        saveEntities(entities, kept, now);
                        entities.clear();
                    }
                }
            }
            saveEntities(entities, kept, now);
        }
        progress.phase("entities saved");
    }

    private void saveMembers(List<MemberRow> members, boolean added, String runId) {
        if (added) {
            store.insertMembers(members, runId);
        } else {
            store.updateMembers(members, runId);
        }
    }

    private void saveEntities(List<GoldenEntity> entities, boolean kept, Instant now) {
        if (kept) {
            store.updateEntities(entities, now);
        } else {
            store.insertEntities(entities, now);
        }
    }

    /**
     * The register as a dataset version in the lake, like any other dataset, for later delivery: the entities
     * this run touched with their new golden values, and every other one as the last run published it.
     */
    private void publish(
            Statement statement, String runId, long entities, Optional<DatasetVersion> published, Path scratch)
            throws SQLException {
        String attributes = PersonRecords.ATTRIBUTES.stream().collect(Collectors.joining(", "));
        String fresh = "SELECT e.entity_id, "
                + PersonRecords.ATTRIBUTES.stream().map(a -> "g." + a).collect(Collectors.joining(", "))
                + ", CAST(g.members AS INTEGER) AS records, g.provenance FROM golden g"
                + " JOIN affected e ON e.cluster_id = g.cluster_id";
        Path staging = publication.stage();
        try (ClearVersion last = published.isPresent() ? paths.lake().clear(published.get(), scratch) : null) {
            String rows = last == null
                    ? fresh
                    : fresh + " UNION ALL SELECT entity_id, " + attributes + ", records, provenance FROM "
                            + last.readExpression() + " WHERE entity_id IN (SELECT entity_id FROM cluster_entity)"
                            + " AND entity_id NOT IN (SELECT entity_id FROM affected)";
            statement.execute("COPY (" + rows + " ORDER BY entity_id) TO "
                    + literal(staging.resolve("part-0.parquet").toString()) + " (FORMAT parquet, COMPRESSION zstd)");
        } catch (SQLException | RuntimeException e) {
            publication.discard(staging);
            throw e;
        }
        List<LakeManifest.Column> columns = new ArrayList<>();
        columns.add(new LakeManifest.Column("entity_id", "VARCHAR"));
        for (String attribute : PersonRecords.ATTRIBUTES) {
            columns.add(new LakeManifest.Column(attribute, attribute.equals("birth_date") ? "DATE" : "VARCHAR"));
        }
        columns.add(new LakeManifest.Column("records", "INTEGER"));
        columns.add(new LakeManifest.Column("provenance", "VARCHAR"));
        publication.publish(
                staging,
                new LakeManifest(
                        RegisterService.DATASET,
                        0,
                        clock.instant(),
                        entities,
                        columns,
                        List.of("part-0.parquet"),
                        runId,
                        "register",
                        runId,
                        Map.of(
                                "source",
                                "register:national-people",
                                "run",
                                runId,
                                "inputs",
                                people.datasets().stream()
                                        .map(v -> v.dataset() + "@v" + v.version())
                                        .collect(Collectors.joining(","))),
                        null));
    }

    private String newEntityId() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder id = new StringBuilder("VN-P-");
        for (int i = 0; i < 10; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static LocalDate localDate(ResultSet rs, int column) throws SQLException {
        java.sql.Date date = rs.getDate(column);
        return date == null ? null : date.toLocalDate();
    }

    static long scalar(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String csvCell(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
