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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;
import vn.datafloor.linkage.ScoredPair;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.integration.IntegrationPaths;
import vn.datafloor.server.linkage.RegisterStore.GoldenEntity;
import vn.datafloor.server.linkage.RegisterStore.MemberRow;
import vn.datafloor.server.linkage.RegisterStore.RunTotals;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * The master register of people: links every published person dataset (canonical schema "person")
 * into entities with persistent identifiers and golden values chosen by source trust, keeping
 * provenance per attribute. A rebuild keeps each entity's identifier; identifiers change only by a
 * merge or a split, each recorded on the ledger with the run that decided it.
 *
 * <p>This class orchestrates runs and checks the policy; the parts do the work: {@link PersonRecords}
 * (the input), {@link NationalPeopleModel} and the linkage engine, {@link RegisterReview} (uncertain
 * pairs and decisions), {@link GoldenValues} and {@link EntityIdentifiers} (in DuckDB),
 * {@link RegisterStore} (the register's tables) and {@link RegisterPublication} (the lake).
 */
@Service
public class RegisterService {

    private static final Logger log = LoggerFactory.getLogger(RegisterService.class);

    static final String DATASET = "register.nguoi";

    /** New records attach to an entity, or group among themselves, at this match probability or above. */
    private static final double UPDATE_THRESHOLD = 0.9;

    private final IntegrationPaths paths;
    private final RegisterStore store;
    private final PersonRecords people;
    private final RegisterReview review;
    private final RegisterPublication publication;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final JsonMapper json;
    private final SecureRandom random;
    private final List<String> trust;

    RegisterService(IntegrationPaths paths, RegisterStore store, PersonRecords people, RegisterReview review,
            RegisterPublication publication, AccessPolicy policy, AuditLog audit, Clock clock, JsonMapper json, SecureRandom random,
            @Value("${datafloor.register.source-trust:ho-tich.cong-dan,bhxh.nguoi-tham-gia,thue.nguoi-nop-thue,y-te.benh-nhan}")
            List<String> trust) {
        this.paths = paths;
        this.store = store;
        this.people = people;
        this.review = review;
        this.publication = publication;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
        this.random = random;
        this.trust = List.copyOf(trust);
    }

    public record Entity(String id, String fullName, LocalDate birthDate, String sex, String personalId, String phone,
            String communeCode, String provinceCode, Map<String, String> provenance, int members, String retiredInto,
            Instant updatedAt) {}

    public record Member(String dataset, int version, String recordId, String fullName, LocalDate birthDate, String personalId) {}

    public record Event(String kind, String detail, String runId, Instant at) {}

    public record RegisterRun(String id, String status, Instant startedAt, Instant finishedAt, Long records, Long pairs, Long entities,
            Long created, Long merged, Long split, Double priorWeight, Map<String, Long> histogram, String parameters,
            String error) {}

    public record ReviewItem(long id, Member left, Member right, double probability, double weight, String contributions,
            String status) {}

    // --- building

    public RegisterRun rebuild(Actor actor) {
        policy.require(actor, Action.MANAGE_REGISTER);
        return rebuild(actor.userId(), actor.username());
    }

    public RegisterRun rebuildAsSystem() {
        return rebuild(null, null);
    }

    private synchronized RegisterRun rebuild(Long userId, String username) {
        return recorded("built", "register-", (runId, scratch) -> {
            List<DatasetVersion> sources = people.datasets();
            if (sources.isEmpty()) {
                throw ProblemException.conflict("register.noSources",
                        "No published dataset has the person schema yet: run a person pipeline first");
            }
            Path union = scratch.resolve("people.parquet");
            long records = people.writeUnion(sources, union, scratch);
            var model = NationalPeopleModel.dedupe(union);
            LinkageParameters parameters;
            long pairs;
            Map<String, Long> histogram;
            Path linkerClusters = scratch.resolve("linker-clusters.parquet");
            try (Linker linker = Linker.open(model, scratch.resolve("linker"))) {
                parameters = linker.train();
                pairs = linker.predict(parameters);
                List<ScoredPair> scored = linker.pairs(0.0, 500_000);
                histogram = histogram(scored);
                review.queue(runId, scored);
                linker.cluster(model.clustering().threshold());
                linker.writeClusters(linkerClusters);
            }
            Path clustersFile = scratch.resolve("clusters.parquet");
            review.applyDecisions(linkerClusters, clustersFile, scratch);
            Outcome outcome = persist(runId, union, clustersFile, scratch);
            store.runSucceeded(runId, clock.instant(), new RunTotals(records, pairs, outcome.entities(), outcome.created(),
                    outcome.merged(), outcome.split(), parameters.priorWeight(), json.writeValueAsString(histogram),
                    json.writeValueAsString(parameters)));
            audit.record(new AuditEvent(EventType.REGISTER_BUILT, userId, username, null, AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(), "register built: " + outcome.entities() + " entities from " + records + " records",
                    Map.of("run", runId, "records", Long.toString(records), "entities", Long.toString(outcome.entities()),
                            "created", Long.toString(outcome.created()), "merged", Long.toString(outcome.merged()),
                            "split", Long.toString(outcome.split()))));
        });
    }

    /**
     * Living data: scores only the records that arrived since the last build against the register
     * (with the last build's parameters), attaches each to the entity of its best match above the
     * threshold, and gives the rest new entities. Existing records and identifiers stay as they are.
     */
    public RegisterRun update(Actor actor) {
        policy.require(actor, Action.MANAGE_REGISTER);
        return update(actor.userId(), actor.username());
    }

    public RegisterRun updateAsSystem() {
        return update(null, null);
    }

    private synchronized RegisterRun update(Long userId, String username) {
        Optional<String> lastParameters = store.lastParameters();
        if (lastParameters.isEmpty() || store.entityCount() == 0) {
            return rebuild(userId, username);
        }
        return recorded("updated", "register-update-", (runId, scratch) -> {
            Path union = scratch.resolve("people.parquet");
            people.writeUnion(people.datasets(), union, scratch);
            Path known = writePreviousAssignment(scratch);
            Path fresh = scratch.resolve("new.parquet");
            Path existing = scratch.resolve("existing.parquet");
            Path links = scratch.resolve("links.parquet");
            Path freshClusters = scratch.resolve("new-clusters.parquet");
            Path clustersFile = scratch.resolve("clusters.parquet");
            LinkageParameters parameters = parameters(lastParameters.get());
            long newRecords;
            long attached;
            try (Connection duck = DuckDbConnections.open(scratch.resolve("spill"), "1GB", 2); Statement statement = duck.createStatement()) {
                statement.execute("CREATE TABLE previous AS SELECT * FROM " + previousRelation(known));
                statement.execute("COPY (SELECT * FROM read_parquet(" + literal(union.toString())
                        + ") WHERE rid NOT IN (SELECT record_key FROM previous)) TO " + literal(fresh.toString()) + " (FORMAT parquet)");
                statement.execute("COPY (SELECT * FROM read_parquet(" + literal(union.toString())
                        + ") WHERE rid IN (SELECT record_key FROM previous)) TO " + literal(existing.toString()) + " (FORMAT parquet)");
                newRecords = scalar(statement, "SELECT count(*) FROM read_parquet(" + literal(fresh.toString()) + ")");
                if (newRecords > 0) {
                    // Against the register (new records on the left), then among themselves.
                    try (Linker linker = Linker.open(NationalPeopleModel.link(fresh, existing), scratch.resolve("link"))) {
                        linker.predict(parameters);
                        linker.writePredictions(links);
                    }
                    try (Linker linker = Linker.open(NationalPeopleModel.dedupe(fresh), scratch.resolve("dedupe"))) {
                        linker.predict(parameters);
                        linker.cluster(UPDATE_THRESHOLD);
                        linker.writeClusters(freshClusters);
                    }
                    // Each new record joins the entity of its best match in the register (ties: the first record key)...
                    statement.execute("CREATE TABLE attached AS SELECT p.id_l AS record_key,"
                            + " first(a.entity_id ORDER BY p.match_weight DESC, p.id_r) AS entity_id FROM read_parquet("
                            + literal(links.toString()) + ") p JOIN previous a ON a.record_key = p.id_r WHERE p.match_probability >= "
                            + UPDATE_THRESHOLD + " GROUP BY p.id_l");
                    // ... and the rest that belong together become one new entity.
                    statement.execute("CREATE TABLE grouped AS SELECT record_id AS record_key, 'new:' || cluster_id AS cluster_id"
                            + " FROM read_parquet(" + literal(freshClusters.toString()) + ") WHERE record_id NOT IN (SELECT record_key FROM attached)");
                } else {
                    statement.execute("CREATE TABLE attached (record_key VARCHAR, entity_id VARCHAR)");
                    statement.execute("CREATE TABLE grouped (record_key VARCHAR, cluster_id VARCHAR)");
                }
                attached = scalar(statement, "SELECT count(*) FROM attached");
                // Existing records keep their entity, which serves as their cluster: identifiers cannot move.
                statement.execute("COPY (SELECT record_key AS record_id, entity_id AS cluster_id FROM previous UNION ALL"
                        + " SELECT record_key, entity_id FROM attached UNION ALL SELECT record_key, cluster_id FROM grouped) TO "
                        + literal(clustersFile.toString()) + " (FORMAT parquet)");
            }
            Outcome outcome = persist(runId, union, clustersFile, scratch);
            store.runSucceeded(runId, clock.instant(), new RunTotals(newRecords, attached, outcome.entities(), outcome.created(),
                    outcome.merged(), outcome.split(), parameters.priorWeight(), null, lastParameters.get()));
            audit.record(new AuditEvent(EventType.REGISTER_BUILT, userId, username, null, AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(), "register updated: " + newRecords + " new records, " + attached + " joined existing entities",
                    Map.of("run", runId, "new", Long.toString(newRecords), "attached", Long.toString(attached),
                            "created", Long.toString(outcome.created()))));
        });
    }

    /** The work of one register run, given its id and a scratch directory that is removed afterwards. */
    private interface RunWork {
        void run(String runId, Path scratch) throws Exception;
    }

    /** Records a run from start to end: RUNNING, then SUCCEEDED (set by the work) or FAILED with the reason. */
    private RegisterRun recorded(String verb, String scratchPrefix, RunWork work) {
        String runId = UUID.randomUUID().toString();
        store.startRun(runId, clock.instant());
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(paths.lake().root().getParent(), scratchPrefix);
            work.run(runId, scratch);
        } catch (ProblemException e) {
            store.runFailed(runId, clock.instant(), e.getMessage());
            throw e;
        } catch (Exception e) {
            log.error("Register run {} failed", runId, e);
            store.runFailed(runId, clock.instant(), "The register could not be " + verb + ": " + e.getMessage());
            throw new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "register.failed", "The register could not be " + verb, runId);
        } finally {
            deleteScratch(scratch);
        }
        return store.run(runId).orElseThrow();
    }

    boolean isPersonDataset(String dataset) {
        return people.isPersonDataset(dataset);
    }

    /** The register's record → entity assignment as CSV (record_key, entity_id), written a row at a time. */
    private Path writePreviousAssignment(Path scratch) throws IOException {
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

    private static String previousRelation(Path csv) {
        return "read_csv(" + literal(csv.toString()) + ", header = true, all_varchar = true)";
    }

    private record Outcome(long entities, long created, long merged, long split) {}

    /**
     * Golden values and identifiers for a clustering ({@code record_id, cluster_id}), computed in
     * DuckDB; then the register's tables replaced in one transaction, changed identifiers put on the
     * ledger, and the register published.
     */
    private Outcome persist(String runId, Path union, Path clustersFile, Path scratch) throws Exception {
        Path known = writePreviousAssignment(scratch);
        Instant now = clock.instant();
        try (Connection duck = DuckDbConnections.open(scratch.resolve("spill2"), "1GB", 2); Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE member AS SELECT u.*, c.cluster_id FROM read_parquet(" + literal(union.toString())
                    + ") u JOIN read_parquet(" + literal(clustersFile.toString()) + ") c ON c.record_id = u.rid");
            statement.execute("CREATE TABLE previous AS SELECT * FROM " + previousRelation(known));
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
            // Identifiers that changed are explained on the ledger, one entry each.
            for (RegisterStore.EntityEvent event : assignment.events()) {
                if (!event.kind().equals("CREATED") && (event.detail().startsWith("merged into") || event.detail().startsWith("split from"))) {
                    audit.record(new AuditEvent(event.kind().equals("MERGED") ? EventType.ENTITY_MERGED : EventType.ENTITY_SPLIT, null,
                            null, null, AuditEvent.Outcome.SUCCESS, null, "entity " + event.entityId() + ": " + event.detail(),
                            Map.of("entity", event.entityId(), "change", event.detail(), "run", runId)));
                }
            }
            publish(statement, runId, entities);
            return new Outcome(entities, assignment.created(), assignment.merged(), assignment.split());
        }
    }

    /** Members and entities go from DuckDB to the register's tables a batch at a time, never all in memory. */
    private void saveMembersAndEntities(Statement statement, String runId, Instant now) throws SQLException {
        store.deleteMembers();
        List<MemberRow> members = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("SELECT m.rid, e.entity_id, m.dataset, m.version, m.record_id, m.full_name,"
                + " m.birth_date, m.personal_id FROM member m JOIN cluster_entity e ON e.cluster_id = m.cluster_id")) {
            while (rs.next()) {
                members.add(new MemberRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                        rs.getString(6), localDate(rs, 7), rs.getString(8)));
                if (members.size() == RegisterStore.BATCH) {
                    store.insertMembers(members, runId);
                    members.clear();
                }
            }
        }
        store.insertMembers(members, runId);
        List<GoldenEntity> entities = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("SELECT e.entity_id, g.full_name, g.name_key, g.birth_date, g.sex, g.personal_id,"
                + " g.phone, g.commune_code, g.province_code, g.provenance, g.members FROM golden g"
                + " JOIN cluster_entity e ON e.cluster_id = g.cluster_id ORDER BY e.priority")) {
            while (rs.next()) {
                entities.add(new GoldenEntity(rs.getString(1), rs.getString(2), rs.getString(3), localDate(rs, 4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getInt(11)));
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
        Lake lake = paths.lake();
        Path staging = lake.stage(DATASET);
        try {
            statement.execute("COPY (SELECT e.entity_id, " + PersonRecords.ATTRIBUTES.stream().map(a -> "g." + a).collect(Collectors.joining(", "))
                    + ", CAST(g.members AS INTEGER) AS records, g.provenance FROM golden g JOIN cluster_entity e ON e.cluster_id = g.cluster_id"
                    + " ORDER BY e.entity_id) TO " + literal(staging.resolve("part-0.parquet").toString()) + " (FORMAT parquet, COMPRESSION zstd)");
        } catch (SQLException e) {
            lake.discard(staging);
            throw e;
        }
        List<LakeManifest.Column> columns = new ArrayList<>();
        columns.add(new LakeManifest.Column("entity_id", "VARCHAR"));
        for (String attribute : PersonRecords.ATTRIBUTES) {
            columns.add(new LakeManifest.Column(attribute, attribute.equals("birth_date") ? "DATE" : "VARCHAR"));
        }
        columns.add(new LakeManifest.Column("records", "INTEGER"));
        columns.add(new LakeManifest.Column("provenance", "VARCHAR"));
        publication.publish(staging, new LakeManifest(DATASET, 0, clock.instant(), entities, columns, List.of("part-0.parquet"), runId,
                "register", runId, Map.of("source", "register:national-people", "run", runId, "inputs",
                        people.datasets().stream().map(v -> v.dataset() + "@v" + v.version()).collect(Collectors.joining(","))),
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

    // --- review

    public List<ReviewItem> reviewQueue(Actor actor, int limit) {
        policy.require(actor, Action.REVIEW_REGISTER);
        return review.pending(limit);
    }

    public long pendingReviews() {
        return review.pendingCount();
    }

    /** Records a steward's decision; it applies from the next rebuild on, and is on the ledger. */
    public void decide(Actor actor, long reviewId, boolean match) {
        policy.require(actor, Action.REVIEW_REGISTER);
        review.decide(actor, reviewId, match);
    }

    // --- reading

    /** Search by name (with or without diacritics), identity number or date of birth; each search is recorded. */
    public List<Entity> search(Actor actor, String name, String personalId, LocalDate birthDate) {
        policy.require(actor, Action.VIEW_REGISTER);
        String nameKey = name != null && !name.isBlank() ? fold(name) : null;
        String digits = personalId != null && !personalId.isBlank() ? personalId.replaceAll("\\D", "") : null;
        if (nameKey == null && digits == null && birthDate == null) {
            throw ProblemException.badRequest("register.searchEmpty", "Give a name, an identity number or a date of birth");
        }
        List<Entity> found = store.searchEntities(nameKey, digits, birthDate);
        audit.record(new AuditEvent(EventType.REGISTER_VIEWED, actor.userId(), actor.username(), actor.orgId(),
                AuditEvent.Outcome.SUCCESS, ClientAddress.current(), "register search: " + found.size() + " result(s)",
                Map.of("results", Integer.toString(found.size()))));
        return found;
    }

    public Entity entity(Actor actor, String id) {
        policy.require(actor, Action.VIEW_REGISTER);
        Entity entity = store.entity(id).orElseThrow(() -> ProblemException.notFound("No entity " + id));
        audit.record(new AuditEvent(EventType.REGISTER_VIEWED, actor.userId(), actor.username(), actor.orgId(),
                AuditEvent.Outcome.SUCCESS, ClientAddress.current(), "register entity " + id + " viewed", Map.of("entity", id)));
        return entity;
    }

    public List<Member> members(Actor actor, String entityId) {
        policy.require(actor, Action.VIEW_REGISTER);
        return store.members(entityId);
    }

    public List<Event> history(Actor actor, String entityId) {
        policy.require(actor, Action.VIEW_REGISTER);
        return store.history(entityId);
    }

    public List<RegisterRun> runs(Actor actor) {
        policy.require(actor, Action.VIEW_REGISTER);
        return store.recentRuns(20);
    }

    /** The trained parameters of a run, for the run report: m and u per comparison level. */
    public LinkageParameters parameters(String parametersJson) {
        return json.readValue(parametersJson, LinkageParameters.class);
    }

    public long entityCount() {
        return store.entityCount();
    }

    /** The same fold as std_name_key: lower case, no marks, đ → d, words of letters only, single spaces. */
    static String fold(String text) {
        return vn.datafloor.integration.reference.VietnameseText.fold(text).replaceAll("[^a-z']+", " ").strip();
    }

    // ---

    private static Map<String, Long> histogram(List<ScoredPair> pairs) {
        Map<Integer, Long> bins = new java.util.TreeMap<>();
        for (ScoredPair pair : pairs) {
            int bin = (int) Math.max(-30, Math.min(30, Math.floor(pair.matchWeight() / 5) * 5));
            bins.merge(bin, 1L, Long::sum);
        }
        Map<String, Long> labelled = new LinkedHashMap<>();
        bins.forEach((bin, count) -> labelled.put(Integer.toString(bin), count));
        return labelled;
    }

    private static LocalDate localDate(ResultSet rs, int column) throws SQLException {
        java.sql.Date date = rs.getDate(column);
        return date == null ? null : date.toLocalDate();
    }

    private static long scalar(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String csvCell(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static void deleteScratch(Path scratch) {
        if (scratch == null) {
            return;
        }
        try (var walk = Files.walk(scratch)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // scratch space only
        }
    }
}
