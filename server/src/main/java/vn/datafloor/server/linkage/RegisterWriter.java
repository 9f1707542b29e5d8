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
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
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

    /** The register's record → entity assignment as CSV (record_key, entity_id), written a row at a time. */
    Path writeAssignment(Path scratch) throws IOException {
        Path csv = scratch.resolve("previous.csv");
        try (var out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("record_key,entity_id\n");
            store.forEachAssignment((record, entity) -> {
                try {
                    out.write(csvCell(record) + "," + csvCell(entity) + "\n");
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
     */
    Outcome write(String runId, Path union, Path clustersFile, Path previousAssignment, Path scratch) throws Exception {
        Instant now = clock.instant();
        try (Connection duck = DuckDbConnections.open(scratch.resolve("spill2"), "1GB", 2);
                Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE member AS SELECT u.*, c.cluster_id FROM read_parquet("
                    + literal(union.toString()) + ") u JOIN read_parquet(" + literal(clustersFile.toString())
                    + ") c ON c.record_id = u.rid");
            statement.execute("CREATE TABLE previous AS SELECT * FROM " + assignmentRelation(previousAssignment));
            GoldenValues.compute(duck, trust);
            EntityIdentifiers.Assignment assignment = EntityIdentifiers.assign(duck, this::newEntityId);
            long entities = scalar(statement, "SELECT count(*) FROM golden");
            store.inTransaction(() -> {
                try {
                    saveMembersAndEntities(statement, runId, now);
                } catch (SQLException e) {
                    throw new IllegalStateException("Cannot read the register's new state: " + e.getMessage(), e);
                }
                store.retire(assignment.retirements(), now);
                store.insertEvents(assignment.events(), runId, now);
            });
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
            publish(statement, runId, entities);
            return new Outcome(entities, assignment.created(), assignment.merged(), assignment.split());
        }
    }

    /** Members and entities go from DuckDB to the register's tables a batch at a time, never all in memory. */
    private void saveMembersAndEntities(Statement statement, String runId, Instant now) throws SQLException {
        store.deleteMembers();
        List<MemberRow> members = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(
                "SELECT m.rid, e.entity_id, m.dataset, m.version, m.record_id, m.full_name,"
                        + " m.birth_date, m.personal_id FROM member m JOIN cluster_entity e ON e.cluster_id = m.cluster_id")) {
            while (rs.next()) {
                members.add(new MemberRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getString(5),
                        rs.getString(6),
                        localDate(rs, 7),
                        rs.getString(8)));
                if (members.size() == RegisterStore.BATCH) {
                    store.insertMembers(members, runId);
                    members.clear();
                }
            }
        }
        store.insertMembers(members, runId);
        List<GoldenEntity> entities = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(
                "SELECT e.entity_id, g.full_name, g.name_key, g.birth_date, g.sex, g.personal_id,"
                        + " g.phone, g.commune_code, g.province_code, g.provenance, g.members FROM golden g"
                        + " JOIN cluster_entity e ON e.cluster_id = g.cluster_id ORDER BY e.priority")) {
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
                    store.saveEntities(entities, now);
                    entities.clear();
                }
            }
        }
        store.saveEntities(entities, now);
    }

    /** The register as a dataset version in the lake, like any other dataset, for later delivery. */
    private void publish(Statement statement, String runId, long entities) throws SQLException {
        Path staging = publication.stage();
        try {
            statement.execute("COPY (SELECT e.entity_id, "
                    + PersonRecords.ATTRIBUTES.stream().map(a -> "g." + a).collect(Collectors.joining(", "))
                    + ", CAST(g.members AS INTEGER) AS records, g.provenance FROM golden g JOIN cluster_entity e ON e.cluster_id = g.cluster_id"
                    + " ORDER BY e.entity_id) TO "
                    + literal(staging.resolve("part-0.parquet").toString()) + " (FORMAT parquet, COMPRESSION zstd)");
        } catch (SQLException e) {
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
