package vn.datafloor.server.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.integration.DatasetPublishing;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.linkage.ClusterMember;
import vn.datafloor.linkage.LinkageModel;
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
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * The master register of people: links every published person dataset (canonical schema "person")
 * into entities with persistent identifiers and golden values chosen by source trust, keeping
 * provenance per attribute. A rebuild keeps each entity's identifier; identifiers change only by a
 * merge or a split, each recorded on the ledger with the run that decided it.
 */
@Service
public class RegisterService {

    private static final Logger log = LoggerFactory.getLogger(RegisterService.class);
    private static final List<String> ATTRIBUTES = List.of("full_name", "name_key", "birth_date", "sex", "personal_id", "phone",
            "commune_code", "province_code");

    private final IntegrationPaths paths;
    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final JsonMapper json;
    private final SecureRandom random;
    private final List<String> trust;

    private final DatasetPublishing publishing;
    private final vn.datafloor.server.identity.OrganisationService organisations;

    RegisterService(DatasetPublishing publishing,
            vn.datafloor.server.identity.OrganisationService organisations, IntegrationPaths paths, JdbcClient jdbc, JdbcTemplate template, TransactionTemplate transactions,
            AccessPolicy policy, AuditLog audit, Clock clock, JsonMapper json, SecureRandom random,
            @Value("${datafloor.register.source-trust:ho-tich.cong-dan,bhxh.nguoi-tham-gia,thue.nguoi-nop-thue,y-te.benh-nhan}")
            List<String> trust) {
        this.publishing = publishing;
        this.organisations = organisations;
        this.paths = paths;
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
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
            List<DatasetVersion> sources = personDatasets();
            if (sources.isEmpty()) {
                throw ProblemException.conflict("register.noSources",
                        "No published dataset has the person schema yet: run a person pipeline first");
            }
            Path union = scratch.resolve("people.parquet");
            long records = writeUnion(sources, union, scratch);
            LinkageModel model = LinkageModel.parse(modelYaml(union), scratch);
            LinkageParameters parameters;
            long pairs;
            Map<String, Long> histogram;
            Path clustersFile = scratch.resolve("clusters.parquet");
            try (Linker linker = Linker.open(model, scratch.resolve("linker"))) {
                parameters = linker.train();
                pairs = linker.predict(parameters);
                List<ScoredPair> scored = linker.pairs(0.0, 500_000);
                histogram = histogram(scored);
                queueForReview(runId, scored);
                linker.cluster(model.clustering().threshold());
                applyDecisions(linker.clusters(), clustersFile, scratch);
            }
            Outcome outcome = persist(runId, union, clustersFile, scratch);
            String parametersJson = json.writeValueAsString(parameters);
            jdbc.sql("""
                    update register_run set status = 'SUCCEEDED', finished_at = ?, records = ?, pairs = ?, entities = ?, created = ?,
                    merged = ?, split = ?, prior_weight = ?, histogram = ?, parameters = ? where id = ?""")
                    .params(Timestamp.from(clock.instant()), records, pairs, outcome.entities(), outcome.created(), outcome.merged(),
                            outcome.split(), parameters.priorWeight(), json.writeValueAsString(histogram),
                            parametersJson.length() > 200_000 ? parametersJson.substring(0, 200_000) : parametersJson, runId)
                    .update();
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
        Optional<String> lastParameters = jdbc.sql(
                "select parameters from register_run where status = 'SUCCEEDED' and parameters is not null order by started_at desc limit 1")
                .query(String.class).optional();
        if (lastParameters.isEmpty() || entityCount() == 0) {
            return rebuild(userId, username);
        }
        return recorded("updated", "register-update-", (runId, scratch) -> {
            Path union = scratch.resolve("people.parquet");
            writeUnion(personDatasets(), union, scratch);
            Map<String, String> entityOfRecord = new HashMap<>();
            jdbc.sql("select record_key, entity_id from register_member").query((rs, n) -> entityOfRecord.put(rs.getString(1),
                    rs.getString(2))).list();
            Path known = scratch.resolve("known.csv");
            writeAssignment(entityOfRecord, known);
            Path fresh = scratch.resolve("new.parquet");
            Path existing = scratch.resolve("existing.parquet");
            long newRecords;
            try (Connection duck = DuckDbConnections.open(scratch.resolve("spill"), "1GB", 2); Statement statement = duck.createStatement()) {
                String knownRelation = "read_csv(" + literal(known.toString()) + ", header = true, all_varchar = true)";
                statement.execute("COPY (SELECT * FROM read_parquet(" + literal(union.toString()) + ") WHERE rid NOT IN (SELECT record_id FROM "
                        + knownRelation + ")) TO " + literal(fresh.toString()) + " (FORMAT parquet)");
                statement.execute("COPY (SELECT * FROM read_parquet(" + literal(union.toString()) + ") WHERE rid IN (SELECT record_id FROM "
                        + knownRelation + ")) TO " + literal(existing.toString()) + " (FORMAT parquet)");
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM read_parquet(" + literal(fresh.toString()) + ")")) {
                    rs.next();
                    newRecords = rs.getLong(1);
                }
            }
            LinkageParameters parameters = parameters(lastParameters.get());
            Map<String, String> clusterOf = new HashMap<>(entityOfRecord);
            long attached = 0;
            if (newRecords > 0) {
                // Against the register: each new record joins the entity of its best match.
                Map<String, Double> best = new HashMap<>();
                try (Linker linker = Linker.open(LinkageModel.parse(linkYaml(fresh, existing), scratch), scratch.resolve("link"))) {
                    linker.predict(parameters);
                    for (ScoredPair pair : linker.pairs(0.9, 1_000_000)) {
                        String entity = entityOfRecord.get(pair.rightId());
                        if (entity != null && pair.matchProbability() > best.getOrDefault(pair.leftId(), 0.0)) {
                            best.put(pair.leftId(), pair.matchProbability());
                            clusterOf.put(pair.leftId(), entity);
                        }
                    }
                }
                attached = best.size();
                // Among themselves: the rest that belong together become one new entity.
                try (Linker linker = Linker.open(LinkageModel.parse(modelYaml(fresh), scratch), scratch.resolve("dedupe"))) {
                    linker.predict(parameters);
                    linker.cluster(0.9);
                    for (ClusterMember member : linker.clusters()) {
                        clusterOf.putIfAbsent(member.recordId(), "new:" + member.clusterId());
                    }
                }
            }
            Path clustersFile = scratch.resolve("clusters.parquet");
            writeClusters(clusterOf, scratch.resolve("clusters.csv"), clustersFile);
            Outcome outcome = persist(runId, union, clustersFile, scratch);
            jdbc.sql("""
                    update register_run set status = 'SUCCEEDED', finished_at = ?, records = ?, pairs = ?, entities = ?, created = ?,
                    merged = ?, split = ?, prior_weight = ?, parameters = ? where id = ?""")
                    .params(Timestamp.from(clock.instant()), newRecords, attached, outcome.entities(), outcome.created(),
                            outcome.merged(), outcome.split(), parameters.priorWeight(), lastParameters.get(), runId)
                    .update();
            audit.record(new AuditEvent(EventType.REGISTER_BUILT, userId, username, null, AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(), "register updated: " + newRecords + " new records, " + attached + " joined existing entities",
                    Map.of("run", runId, "new", Long.toString(newRecords), "attached", Long.toString(attached),
                            "created", Long.toString(outcome.created()))));
        });
    }

    /** New records (left) against the register's records (right), same comparisons as the full build. */
    private static String linkYaml(Path fresh, Path existing) {
        String dedupe = modelYaml(fresh);
        return dedupe.replace("mode: dedupe", "mode: link").replace("""
                inputs:
                  - name: people
                """, "inputs:\n  - name: new\n").replace("    id: rid\n", "    id: rid\n  - name: register\n    path: "
                        + existing + "\n    id: rid\n");
    }

    /** The work of one register run, given its id and a scratch directory that is removed afterwards. */
    private interface RunWork {
        void run(String runId, Path scratch) throws Exception;
    }

    /** Records a run from start to end: RUNNING, then SUCCEEDED (set by the work) or FAILED with the reason. */
    private RegisterRun recorded(String verb, String scratchPrefix, RunWork work) {
        String runId = UUID.randomUUID().toString();
        jdbc.sql("insert into register_run(id, status, started_at) values (?, 'RUNNING', ?)")
                .params(runId, Timestamp.from(clock.instant())).update();
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(paths.lake().root().getParent(), scratchPrefix);
            work.run(runId, scratch);
        } catch (ProblemException e) {
            endFailed(runId, e.getMessage());
            throw e;
        } catch (Exception e) {
            log.error("Register run {} failed", runId, e);
            endFailed(runId, "The register could not be " + verb + ": " + e.getMessage());
            throw new ProblemException(org.springframework.http.HttpStatus.INTERNAL_SERVER_ERROR, "register.failed",
                    "The register could not be " + verb, runId);
        } finally {
            deleteScratch(scratch);
        }
        return run(runId).orElseThrow();
    }

    private void endFailed(String runId, String message) {
        jdbc.sql("update register_run set status = 'FAILED', finished_at = ?, error = ? where id = ?")
                .params(Timestamp.from(clock.instant()), message.length() > 2000 ? message.substring(0, 2000) : message, runId)
                .update();
    }

    boolean isPersonDataset(String dataset) {
        return personDatasets().stream().anyMatch(v -> v.dataset().equals(dataset));
    }

    /** The latest version of every dataset published with the person schema's linking columns. */
    private List<DatasetVersion> personDatasets() {
        List<DatasetVersion> found = new ArrayList<>();
        for (String dataset : paths.lake().datasets()) {
            paths.lake().latest(dataset).ifPresent(v -> {
                Set<String> columns = v.manifest().columns().stream().map(c -> c.name()).collect(Collectors.toSet());
                if (columns.containsAll(List.of("person_id", "name_key", "birth_date"))) {
                    found.add(v);
                }
            });
        }
        return found;
    }

    private long writeUnion(List<DatasetVersion> sources, Path union, Path scratch) throws Exception {
        List<String> selects = new ArrayList<>();
        for (DatasetVersion v : sources) {
            Set<String> columns = v.manifest().columns().stream().map(c -> c.name()).collect(Collectors.toSet());
            StringBuilder select = new StringBuilder("SELECT ").append(literal(v.dataset())).append(" AS dataset, ")
                    .append(v.version()).append(" AS version, CAST(person_id AS VARCHAR) AS record_id, ")
                    .append(literal(v.dataset() + "|")).append(" || CAST(person_id AS VARCHAR) AS rid");
            for (String attribute : ATTRIBUTES) {
                String type = attribute.equals("birth_date") ? "DATE" : "VARCHAR";
                select.append(", ").append(columns.contains(attribute) ? "TRY_CAST(" + attribute + " AS " + type + ")" : "NULL::" + type)
                        .append(" AS ").append(attribute);
            }
            selects.add(select.append(" FROM ").append(v.readExpression()).toString());
        }
        try (Connection duck = DuckDbConnections.open(scratch.resolve("spill"), "1GB", 2); Statement statement = duck.createStatement()) {
            statement.execute("COPY (" + String.join(" UNION ALL ", selects) + ") TO " + literal(union.toString()) + " (FORMAT parquet)");
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM read_parquet(" + literal(union.toString()) + ")")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The national people model: names, birth dates and identity numbers, protected against chaining. */
    private static String modelYaml(Path union) {
        return """
                name: national-people
                mode: dedupe
                inputs:
                  - name: people
                    path: %s
                    id: rid
                blocking:
                  - l.birth_date = r.birth_date
                  - l.personal_id = r.personal_id
                  - l.name_key = r.name_key
                comparisons:
                  - {name: name, column: name_key, levels: [{exact: {term_frequency: true}}, {jaro_winkler: 0.92}, {jaro_winkler: 0.8}]}
                  - {name: dob, column: birth_date, levels: [exact, date_day_month_swapped, date_one_component]}
                  - {name: cccd, column: personal_id, levels: [exact, id_one_digit, id_transposition]}
                  - {name: sex, column: sex, levels: [exact]}
                training:
                  deterministic_rules: [l.personal_id = r.personal_id]
                clustering:
                  threshold: 0.9
                  conflicting_id: personal_id
                  tolerate_id_typo: true
                """.formatted(union.toString());
    }

    /** The uncertain band: likely enough to ask, not certain enough to decide alone. */
    static final double REVIEW_FROM = 0.5;
    static final double REVIEW_TO = 0.9;

    private void queueForReview(String runId, List<ScoredPair> pairs) {
        Set<String> known = new HashSet<>(jdbc.sql("select left_key || '~' || right_key from register_review").query(String.class).list());
        List<Object[]> rows = new ArrayList<>();
        for (ScoredPair pair : pairs) {
            if (pair.matchProbability() < REVIEW_FROM || pair.matchProbability() >= REVIEW_TO) {
                continue;
            }
            String left = pair.leftId().compareTo(pair.rightId()) <= 0 ? pair.leftId() : pair.rightId();
            String right = left.equals(pair.leftId()) ? pair.rightId() : pair.leftId();
            if (known.add(left + "~" + right)) {
                String contributions = json.writeValueAsString(pair.contributions());
                rows.add(new Object[] {left, right, pair.matchProbability(), pair.matchWeight(),
                    contributions.length() > 4000 ? contributions.substring(0, 4000) : contributions, runId});
            }
        }
        template.batchUpdate("insert into register_review(left_key, right_key, probability, weight, contributions, status, run_id) "
                + "values (?,?,?,?,?,'PENDING',?)", rows);
    }

    /**
     * Decisions outrank the model: a "match" joins the two records' clusters, a "not a match" takes
     * the second record out of a cluster it shares with the first.
     */
    private void applyDecisions(List<ClusterMember> clusters, Path clustersFile, Path scratch) throws Exception {
        Map<String, String> clusterOf = new HashMap<>();
        clusters.forEach(m -> clusterOf.put(m.recordId(), m.clusterId()));
        Map<String, String> parent = new HashMap<>();
        List<String[]> decisions = jdbc.sql("select left_key, right_key, status from register_review where status <> 'PENDING' order by id")
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list();
        for (String[] d : decisions) {
            if ("MATCH".equals(d[2]) && clusterOf.containsKey(d[0]) && clusterOf.containsKey(d[1])) {
                String a = root(parent, clusterOf.get(d[0]));
                String b = root(parent, clusterOf.get(d[1]));
                if (!a.equals(b)) {
                    parent.put(b, a);
                }
            }
        }
        clusterOf.replaceAll((record, cluster) -> root(parent, cluster));
        for (String[] d : decisions) {
            if ("NON_MATCH".equals(d[2]) && clusterOf.containsKey(d[0]) && clusterOf.get(d[0]).equals(clusterOf.get(d[1]))) {
                clusterOf.put(d[1], "kept-apart:" + d[1]);
            }
        }
        writeClusters(clusterOf, scratch.resolve("clusters.csv"), clustersFile);
    }

    /** A record → cluster assignment as the Parquet file {@link #persist} reads. */
    private static void writeClusters(Map<String, String> clusterOf, Path csv, Path parquet) throws Exception {
        writeAssignment(clusterOf, csv);
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1); Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT * FROM read_csv(" + literal(csv.toString()) + ", header = true, all_varchar = true)) TO "
                    + literal(parquet.toString()) + " (FORMAT parquet)");
        }
    }

    private static void writeAssignment(Map<String, String> clusterOf, Path csv) throws java.io.IOException {
        try (var out = Files.newBufferedWriter(csv, java.nio.charset.StandardCharsets.UTF_8)) {
            out.write("record_id,cluster_id\n");
            for (Map.Entry<String, String> e : clusterOf.entrySet()) {
                out.write(csvCell(e.getKey()) + "," + csvCell(e.getValue()) + "\n");
            }
        }
    }

    private static void deleteScratch(Path scratch) {
        if (scratch == null) {
            return;
        }
        try (var walk = Files.walk(scratch)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // scratch space only
        }
    }

    private static String root(Map<String, String> parent, String cluster) {
        String current = cluster;
        while (parent.containsKey(current) && !parent.get(current).equals(current)) {
            current = parent.get(current);
        }
        return current;
    }

    private static String csvCell(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    public record ReviewItem(long id, Member left, Member right, double probability, double weight, String contributions,
            String status) {}

    public List<ReviewItem> reviewQueue(Actor actor, int limit) {
        policy.require(actor, Action.REVIEW_REGISTER);
        return jdbc.sql("select id, left_key, right_key, probability, weight, contributions, status from register_review "
                + "where status = 'PENDING' order by probability desc limit ?").param(Math.max(1, Math.min(limit, 200)))
                .query((rs, n) -> new ReviewItem(rs.getLong(1), member(rs.getString(2)), member(rs.getString(3)), rs.getDouble(4),
                        rs.getDouble(5), rs.getString(6), rs.getString(7))).list();
    }

    public long pendingReviews() {
        return jdbc.sql("select count(*) from register_review where status = 'PENDING'").query(Long.class).single();
    }

    /** Records a steward's decision; it applies from the next rebuild on, and is on the ledger. */
    public void decide(Actor actor, long reviewId, boolean match) {
        policy.require(actor, Action.REVIEW_REGISTER);
        int updated = jdbc.sql("update register_review set status = ?, decided_by = ?, decided_at = ? where id = ? and status = 'PENDING'")
                .params(match ? "MATCH" : "NON_MATCH", actor.userId(), Timestamp.from(clock.instant()), reviewId).update();
        if (updated == 0) {
            boolean exists = jdbc.sql("select count(*) from register_review where id = ?").param(reviewId).query(Long.class).single() > 0;
            throw exists ? ProblemException.conflict("register.alreadyDecided", "This pair was already decided")
                    : ProblemException.notFound("No review item " + reviewId);
        }
        audit.record(new AuditEvent(EventType.REVIEW_DECIDED, actor.userId(), actor.username(), actor.orgId(),
                AuditEvent.Outcome.SUCCESS, ClientAddress.current(), "review " + reviewId + ": " + (match ? "match" : "not a match"),
                Map.of("review", Long.toString(reviewId), "decision", match ? "MATCH" : "NON_MATCH")));
    }

    private Member member(String recordKey) {
        return jdbc.sql("select dataset, version, record_id, full_name, birth_date, personal_id from register_member where record_key = ?")
                .param(recordKey).query((rs, n) -> new Member(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                        rs.getDate(5) == null ? null : rs.getDate(5).toLocalDate(), rs.getString(6))).optional()
                .orElse(new Member(recordKey.contains("|") ? recordKey.substring(0, recordKey.indexOf('|')) : "?", 0,
                        recordKey.substring(recordKey.indexOf('|') + 1), null, null, null));
    }

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

    private record Outcome(long entities, long created, long merged, long split) {}

    private record Golden(String clusterId, Map<String, Object> values, Map<String, String> provenance, int members) {}

    /** Golden values by trust order (then completeness), computed in SQL; then identifiers kept or assigned. */
    private Outcome persist(String runId, Path union, Path clustersFile, Path scratch) throws Exception {
        Map<String, Golden> golden = new LinkedHashMap<>();
        List<Object[]> members = new ArrayList<>();
        Map<String, String> clusterOfRecord = new HashMap<>();
        try (Connection duck = DuckDbConnections.open(scratch.resolve("spill2"), "1GB", 2); Statement statement = duck.createStatement()) {
            StringBuilder trustCase = new StringBuilder("CASE dataset");
            for (int i = 0; i < trust.size(); i++) {
                trustCase.append(" WHEN ").append(literal(trust.get(i))).append(" THEN ").append(i);
            }
            trustCase.append(" ELSE 99 END");
            statement.execute("CREATE TABLE m AS SELECT u.*, c.cluster_id, " + trustCase + " AS trust FROM read_parquet("
                    + literal(union.toString()) + ") u JOIN read_parquet(" + literal(clustersFile.toString()) + ") c ON c.record_id = u.rid");
            StringBuilder sql = new StringBuilder("SELECT cluster_id, count(*)");
            for (String a : ATTRIBUTES) {
                sql.append(", arg_min(CAST(").append(a).append(" AS VARCHAR), trust) FILTER (WHERE ").append(a).append(" IS NOT NULL)")
                        .append(", arg_min(dataset || ' v' || version || ' #' || record_id, trust) FILTER (WHERE ").append(a)
                        .append(" IS NOT NULL)");
            }
            try (ResultSet rs = statement.executeQuery(sql.append(" FROM m GROUP BY cluster_id").toString())) {
                while (rs.next()) {
                    Map<String, Object> values = new LinkedHashMap<>();
                    Map<String, String> provenance = new LinkedHashMap<>();
                    for (int i = 0; i < ATTRIBUTES.size(); i++) {
                        values.put(ATTRIBUTES.get(i), rs.getString(3 + 2 * i));
                        if (rs.getString(4 + 2 * i) != null) {
                            provenance.put(ATTRIBUTES.get(i), rs.getString(4 + 2 * i));
                        }
                    }
                    golden.put(rs.getString(1), new Golden(rs.getString(1), values, provenance, rs.getInt(2)));
                }
            }
            try (ResultSet rs = statement.executeQuery(
                    "SELECT rid, dataset, version, record_id, full_name, birth_date, personal_id, cluster_id FROM m")) {
                while (rs.next()) {
                    members.add(new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                        rs.getDate(6), rs.getString(7), rs.getString(8)});
                    clusterOfRecord.put(rs.getString(1), rs.getString(8));
                }
            }
        }
        // Keep identifiers: each cluster takes the entity most of its records already belonged to.
        Map<String, String> previousEntity = new HashMap<>();
        jdbc.sql("select record_key, entity_id from register_member").query((rs, n) -> {
            previousEntity.put(rs.getString(1), rs.getString(2));
            return null;
        }).list();
        Map<String, Map<String, Integer>> votes = new HashMap<>();
        clusterOfRecord.forEach((record, cluster) -> {
            String entity = previousEntity.get(record);
            if (entity != null) {
                votes.computeIfAbsent(cluster, c -> new HashMap<>()).merge(entity, 1, Integer::sum);
            }
        });
        Map<String, String> entityOfCluster = new HashMap<>();
        Set<String> taken = new HashSet<>();
        List<String[]> events = new ArrayList<>();
        // Larger clusters choose first, so a split leaves the identifier with the bigger part.
        List<Golden> ordered = new ArrayList<>(golden.values());
        ordered.sort((a, b) -> Integer.compare(b.members(), a.members()));
        long created = 0;
        long merged = 0;
        long split = 0;
        for (Golden g : ordered) {
            Map<String, Integer> candidates = votes.getOrDefault(g.clusterId(), Map.of());
            Optional<String> keep = candidates.entrySet().stream().filter(e -> !taken.contains(e.getKey()))
                    .sorted((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue() : a.getKey().compareTo(b.getKey()))
                    .map(Map.Entry::getKey).findFirst();
            String id = keep.orElseGet(this::newEntityId);
            taken.add(id);
            entityOfCluster.put(g.clusterId(), id);
            if (keep.isEmpty()) {
                created++;
                if (!candidates.isEmpty()) {
                    split++;
                    String from = candidates.keySet().iterator().next();
                    events.add(new String[] {id, "SPLIT", "split from " + from});
                    events.add(new String[] {from, "SPLIT", "records moved to " + id});
                } else {
                    events.add(new String[] {id, "CREATED", "created from " + g.members() + " record(s)"});
                }
            }
            for (String other : candidates.keySet()) {
                if (!other.equals(id) && !taken.contains(other)) {
                    merged++;
                    events.add(new String[] {other, "MERGED", "merged into " + id});
                    events.add(new String[] {id, "MERGED", "absorbed " + other});
                }
            }
        }
        Set<String> stillUsed = new HashSet<>(entityOfCluster.values());
        Set<String> retired = previousEntity.values().stream().filter(e -> !stillUsed.contains(e)).collect(Collectors.toSet());
        Instant now = clock.instant();
        long finalCreated = created;
        long finalMerged = merged;
        long finalSplit = split;
        transactions.executeWithoutResult(status -> {
            template.update("delete from register_member");
            template.batchUpdate("""
                    insert into register_member(record_key, entity_id, dataset, version, record_id, full_name, birth_date, personal_id, run_id)
                    values (?,?,?,?,?,?,?,?,?)""", members.stream().map(m -> new Object[] {m[0],
                    entityOfCluster.get((String) m[7]), m[1], m[2], m[3], m[4], m[5], m[6], runId}).toList());
            Set<String> existing = new HashSet<>(jdbc.sql("select id from register_entity").query(String.class).list());
            List<Object[]> inserts = new ArrayList<>();
            List<Object[]> updates = new ArrayList<>();
            for (Golden g : golden.values()) {
                String id = entityOfCluster.get(g.clusterId());
                Map<String, Object> v = g.values();
                Object[] row = {v.get("full_name"), v.get("name_key"), v.get("birth_date") == null ? null : Date.valueOf((String) v.get("birth_date")),
                    v.get("sex"), v.get("personal_id"), v.get("phone"), v.get("commune_code"), v.get("province_code"),
                    json.writeValueAsString(g.provenance()), g.members(), Timestamp.from(now), id};
                if (existing.contains(id)) {
                    updates.add(row);
                } else {
                    Object[] insert = new Object[row.length + 1];
                    System.arraycopy(row, 0, insert, 0, row.length);
                    insert[row.length] = Timestamp.from(now);
                    inserts.add(insert);
                }
            }
            template.batchUpdate("""
                    update register_entity set full_name = ?, name_key = ?, birth_date = ?, sex = ?, personal_id = ?, phone = ?,
                    commune_code = ?, province_code = ?, provenance = ?, members = ?, updated_at = ?, retired_into = null where id = ?""",
                    updates);
            template.batchUpdate("""
                    insert into register_entity(full_name, name_key, birth_date, sex, personal_id, phone, commune_code, province_code,
                    provenance, members, updated_at, id, created_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?)""", inserts);
            for (String id : retired) {
                String into = events.stream().filter(e -> e[0].equals(id) && e[1].equals("MERGED") && e[2].startsWith("merged into "))
                        .map(e -> e[2].substring("merged into ".length())).findFirst().orElse(null);
                template.update("update register_entity set retired_into = ?, members = 0, updated_at = ? where id = ?", into,
                        Timestamp.from(now), id);
            }
            template.batchUpdate("insert into register_event(entity_id, kind, detail, run_id, at) values (?,?,?,?,?)",
                    events.stream().map(e -> new Object[] {e[0], e[1], e[2], runId, Timestamp.from(now)}).toList());
        });
        // Identifiers that changed are explained on the ledger, one entry each.
        for (String[] event : events) {
            if (!event[1].equals("CREATED") && (event[2].startsWith("merged into") || event[2].startsWith("split from"))) {
                audit.record(new AuditEvent(event[1].equals("MERGED") ? EventType.ENTITY_MERGED : EventType.ENTITY_SPLIT, null, null,
                        null, AuditEvent.Outcome.SUCCESS, null, "entity " + event[0] + ": " + event[2],
                        Map.of("entity", event[0], "change", event[2], "run", runId)));
            }
        }
        publish(runId, golden, entityOfCluster, scratch);
        return new Outcome(golden.size(), finalCreated, finalMerged, finalSplit);
    }

    static final String DATASET = "register.nguoi";

    /** The register as a dataset version in the lake, like any other dataset, for later delivery. */
    private void publish(String runId, Map<String, Golden> golden, Map<String, String> entityOfCluster, Path scratch) throws Exception {
        Long operatorOrg = organisations.operatorId().orElseThrow(() -> new IllegalStateException(
                "The register is published by the operator's organisation, and there is none yet"));
        Path staging = publishing.stage(DATASET);
        try (Connection duck = DuckDbConnections.open(scratch.resolve("spill3"), "512MB", 2); Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE g (entity_id VARCHAR, full_name VARCHAR, name_key VARCHAR, birth_date VARCHAR, sex VARCHAR, "
                    + "personal_id VARCHAR, phone VARCHAR, commune_code VARCHAR, province_code VARCHAR, records INTEGER, provenance VARCHAR)");
            try (var appender = ((org.duckdb.DuckDBConnection) duck).createAppender(org.duckdb.DuckDBConnection.DEFAULT_SCHEMA, "g")) {
                for (Golden g : golden.values()) {
                    appender.beginRow();
                    appender.append(entityOfCluster.get(g.clusterId()));
                    for (String attribute : ATTRIBUTES) {
                        appender.append((String) g.values().get(attribute));
                    }
                    appender.append(g.members());
                    appender.append(json.writeValueAsString(g.provenance()));
                    appender.endRow();
                }
            }
            statement.execute("COPY (SELECT * REPLACE (TRY_CAST(birth_date AS DATE) AS birth_date) FROM g ORDER BY entity_id) TO "
                    + literal(staging.resolve("part-0.parquet").toString()) + " (FORMAT parquet, COMPRESSION zstd)");
        } catch (Exception e) {
            publishing.discard(staging);
            throw e;
        }
        List<vn.datafloor.integration.lake.LakeManifest.Column> columns = new ArrayList<>();
        columns.add(new vn.datafloor.integration.lake.LakeManifest.Column("entity_id", "VARCHAR"));
        for (String attribute : ATTRIBUTES) {
            columns.add(new vn.datafloor.integration.lake.LakeManifest.Column(attribute, attribute.equals("birth_date") ? "DATE" : "VARCHAR"));
        }
        columns.add(new vn.datafloor.integration.lake.LakeManifest.Column("records", "INTEGER"));
        columns.add(new vn.datafloor.integration.lake.LakeManifest.Column("provenance", "VARCHAR"));
        Instant now = clock.instant();
        // Like every other publication, the register's version goes on the ledger (it holds everyone's data).
        publishing.publish(staging, new vn.datafloor.integration.lake.LakeManifest(DATASET, 0, now, golden.size(), columns,
                List.of("part-0.parquet"), runId, "register", runId, Map.of("source", "register:national-people", "run", runId,
                        "inputs", personDatasets().stream().map(v -> v.dataset() + "@v" + v.version())
                                .collect(Collectors.joining(","))),
                null), DatasetPublishing.Publication.bySystem(operatorOrg, DatasetPublishing.Via.REGISTER,
                        golden.size() + " entities", Map.of("run", runId)));
    }

    private String newEntityId() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder id = new StringBuilder("VN-P-");
        for (int i = 0; i < 10; i++) {
            id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    // --- reading

    /** Search by name (with or without diacritics), identity number or date of birth; each search is recorded. */
    public List<Entity> search(Actor actor, String name, String personalId, LocalDate birthDate) {
        policy.require(actor, Action.VIEW_REGISTER);
        StringBuilder sql = new StringBuilder("select " + ENTITY_COLUMNS + " from register_entity where retired_into is null");
        List<Object> params = new ArrayList<>();
        if (name != null && !name.isBlank()) {
            sql.append(" and name_key like ?");
            params.add("%" + fold(name) + "%");
        }
        if (personalId != null && !personalId.isBlank()) {
            sql.append(" and personal_id = ?");
            params.add(personalId.replaceAll("\\D", ""));
        }
        if (birthDate != null) {
            sql.append(" and birth_date = ?");
            params.add(Date.valueOf(birthDate));
        }
        if (params.isEmpty()) {
            throw ProblemException.badRequest("register.searchEmpty", "Give a name, an identity number or a date of birth");
        }
        sql.append(" order by name_key, birth_date limit 100");
        List<Entity> found = jdbc.sql(sql.toString()).params(params).query(this::entity).list();
        audit.record(new AuditEvent(EventType.REGISTER_VIEWED, actor.userId(), actor.username(), actor.orgId(),
                AuditEvent.Outcome.SUCCESS, ClientAddress.current(), "register search: " + found.size() + " result(s)",
                Map.of("results", Integer.toString(found.size()))));
        return found;
    }

    public Entity entity(Actor actor, String id) {
        policy.require(actor, Action.VIEW_REGISTER);
        Entity entity = jdbc.sql("select " + ENTITY_COLUMNS + " from register_entity where id = ?").param(id).query(this::entity)
                .optional().orElseThrow(() -> ProblemException.notFound("No entity " + id));
        audit.record(new AuditEvent(EventType.REGISTER_VIEWED, actor.userId(), actor.username(), actor.orgId(),
                AuditEvent.Outcome.SUCCESS, ClientAddress.current(), "register entity " + id + " viewed", Map.of("entity", id)));
        return entity;
    }

    public List<Member> members(Actor actor, String entityId) {
        policy.require(actor, Action.VIEW_REGISTER);
        return jdbc.sql("select dataset, version, record_id, full_name, birth_date, personal_id from register_member where entity_id = ? "
                + "order by dataset, record_id").param(entityId).query((rs, n) -> new Member(rs.getString(1), rs.getInt(2),
                rs.getString(3), rs.getString(4), rs.getDate(5) == null ? null : rs.getDate(5).toLocalDate(), rs.getString(6))).list();
    }

    public List<Event> history(Actor actor, String entityId) {
        policy.require(actor, Action.VIEW_REGISTER);
        return jdbc.sql("select kind, detail, run_id, at from register_event where entity_id = ? order by id").param(entityId)
                .query((rs, n) -> new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant())).list();
    }

    public List<RegisterRun> runs(Actor actor) {
        policy.require(actor, Action.VIEW_REGISTER);
        return jdbc.sql("select id from register_run order by started_at desc limit 20").query(String.class).list().stream()
                .map(id -> run(id).orElseThrow()).toList();
    }

    /** The trained parameters of a run, for the run report: m and u per comparison level. */
    public vn.datafloor.linkage.LinkageParameters parameters(String parametersJson) {
        return json.readValue(parametersJson, vn.datafloor.linkage.LinkageParameters.class);
    }

    public long entityCount() {
        return jdbc.sql("select count(*) from register_entity where retired_into is null").query(Long.class).single();
    }

    @SuppressWarnings("unchecked")
    private Optional<RegisterRun> run(String id) {
        return jdbc.sql("""
                select id, status, started_at, finished_at, records, pairs, entities, created, merged, split, prior_weight, histogram,
                parameters, error from register_run where id = ?""").param(id).query((rs, n) -> new RegisterRun(rs.getString(1),
                rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(),
                (Long) rs.getObject(5, Long.class), (Long) rs.getObject(6, Long.class), (Long) rs.getObject(7, Long.class),
                (Long) rs.getObject(8, Long.class), (Long) rs.getObject(9, Long.class), (Long) rs.getObject(10, Long.class),
                (Double) rs.getObject(11, Double.class),
                rs.getString(12) == null ? Map.of() : counts(json.readValue(rs.getString(12), LinkedHashMap.class)),
                rs.getString(13), rs.getString(14))).optional();
    }

    /** JSON numbers come back as Integer or Long by size: counts are longs. */
    private static Map<String, Long> counts(Map<String, Object> raw) {
        Map<String, Long> counts = new LinkedHashMap<>();
        raw.forEach((k, v) -> counts.put(k, ((Number) v).longValue()));
        return counts;
    }

    private static final String ENTITY_COLUMNS =
            "id, full_name, birth_date, sex, personal_id, phone, commune_code, province_code, provenance, members, retired_into, updated_at";

    @SuppressWarnings("unchecked")
    private Entity entity(ResultSet rs, int n) throws java.sql.SQLException {
        return new Entity(rs.getString(1), rs.getString(2), rs.getDate(3) == null ? null : rs.getDate(3).toLocalDate(),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                json.readValue(rs.getString(9), LinkedHashMap.class), rs.getInt(10), rs.getString(11), rs.getTimestamp(12).toInstant());
    }

    /** The same fold as std_name_key: lower case, no marks, đ → d, words of letters only, single spaces. */
    static String fold(String text) {
        return vn.datafloor.integration.reference.VietnameseText.fold(text).replaceAll("[^a-z']+", " ").strip();
    }
}
