package vn.datafloor.server.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.linkage.ScoredPair;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.linkage.RegisterService.Member;
import vn.datafloor.server.linkage.RegisterService.ReviewItem;
import vn.datafloor.server.linkage.RegisterStore.Decision;
import vn.datafloor.server.linkage.RegisterStore.UncertainPair;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Clerical review: the pairs a rebuild was unsure of wait in a queue; a steward's decision on one
 * outranks the model in every later rebuild.
 */
@Component
class RegisterReview {

    /** The uncertain band: likely enough to ask, not certain enough to decide alone. */
    static final double REVIEW_FROM = 0.5;

    static final double REVIEW_TO = 0.9;

    /** The most pairs a run puts in the queue, most likely first: a queue longer than this is never worked through. */
    static final int QUEUE_LIMIT = 100_000;

    private final RegisterStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final JsonMapper json;

    RegisterReview(RegisterStore store, AuditLog audit, Clock clock, JsonMapper json) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
    }

    /** Queues the scored pairs in the uncertain band that were never queued before (others given are skipped). */
    void queue(String runId, List<ScoredPair> pairs) {
        List<UncertainPair> uncertain = new ArrayList<>();
        for (ScoredPair pair : pairs) {
            if (pair.matchProbability() < REVIEW_FROM || pair.matchProbability() >= REVIEW_TO) {
                continue;
            }
            boolean inOrder = pair.leftId().compareTo(pair.rightId()) <= 0;
            String contributions = json.writeValueAsString(pair.contributions());
            uncertain.add(new UncertainPair(
                    inOrder ? pair.leftId() : pair.rightId(),
                    inOrder ? pair.rightId() : pair.leftId(),
                    pair.matchProbability(),
                    pair.matchWeight(),
                    contributions.length() > 4000 ? contributions.substring(0, 4000) : contributions));
        }
        store.queuePending(uncertain, runId);
    }

    /** How the decisions change a clustering: clusters joined (cluster → the one it joins), records taken out. */
    record Adjustments(Map<String, String> joined, Set<String> keptApart) {}

    /**
     * Decisions outrank the model: a "match" joins the two records' clusters, a "not a match" takes
     * the second record out of a cluster it shares with the first. Decisions apply oldest first;
     * {@code clusterOf} needs only the records the decisions name (those not clustered are skipped).
     */
    static Adjustments adjustments(List<Decision> decisions, Map<String, String> clusterOf) {
        Map<String, String> parent = new HashMap<>();
        for (Decision d : decisions) {
            if (d.match() && clusterOf.containsKey(d.leftKey()) && clusterOf.containsKey(d.rightKey())) {
                String a = root(parent, clusterOf.get(d.leftKey()));
                String b = root(parent, clusterOf.get(d.rightKey()));
                if (!a.equals(b)) {
                    parent.put(b, a);
                }
            }
        }
        Map<String, String> joined = new HashMap<>();
        parent.keySet().forEach(cluster -> joined.put(cluster, root(parent, cluster)));
        Map<String, String> current = new HashMap<>();
        clusterOf.forEach((record, cluster) -> current.put(record, root(parent, cluster)));
        Set<String> keptApart = new LinkedHashSet<>();
        for (Decision d : decisions) {
            if (!d.match()
                    && current.containsKey(d.leftKey())
                    && current.get(d.leftKey()).equals(current.get(d.rightKey()))) {
                current.put(d.rightKey(), keptApart(d.rightKey()));
                keptApart.add(d.rightKey());
            }
        }
        return new Adjustments(joined, keptApart);
    }

    static String keptApart(String recordKey) {
        return "kept-apart:" + recordKey;
    }

    private static String root(Map<String, String> parent, String cluster) {
        String current = cluster;
        while (parent.containsKey(current) && !parent.get(current).equals(current)) {
            current = parent.get(current);
        }
        return current;
    }

    /**
     * Applies every decision to the linker's clusters ({@code source, record_id, cluster_id}) and
     * writes the result ({@code record_id, cluster_id}) to {@code clustersFile}. Only the records the
     * decisions name come into memory; the clusters themselves stay in DuckDB.
     */
    void applyDecisions(Path linkerClusters, Path clustersFile, Path scratch) throws SQLException {
        List<Decision> decisions = store.decisions();
        try (Connection duck = DuckDbConnections.open(scratch.resolve("spill-review"), "512MB", 2);
                Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE clusters AS SELECT record_id, cluster_id FROM read_parquet("
                    + literal(linkerClusters.toString()) + ")");
            Set<String> named = new LinkedHashSet<>();
            decisions.forEach(d -> {
                named.add(d.leftKey());
                named.add(d.rightKey());
            });
            statement.execute("CREATE TABLE named (record_id VARCHAR)");
            statement.execute("CREATE TABLE joined (cluster_id VARCHAR, root VARCHAR)");
            statement.execute("CREATE TABLE kept_apart (record_id VARCHAR)");
            try (PreparedStatement insert = duck.prepareStatement("INSERT INTO named VALUES (?)")) {
                for (String key : named) {
                    insert.setString(1, key);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            Map<String, String> clusterOf = new HashMap<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT c.record_id, c.cluster_id FROM clusters c JOIN named USING (record_id)")) {
                while (rs.next()) {
                    clusterOf.put(rs.getString(1), rs.getString(2));
                }
            }
            Adjustments adjustments = adjustments(decisions, clusterOf);
            try (PreparedStatement insert = duck.prepareStatement("INSERT INTO joined VALUES (?, ?)")) {
                for (Map.Entry<String, String> e : adjustments.joined().entrySet()) {
                    insert.setString(1, e.getKey());
                    insert.setString(2, e.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (PreparedStatement insert = duck.prepareStatement("INSERT INTO kept_apart VALUES (?)")) {
                for (String key : adjustments.keptApart()) {
                    insert.setString(1, key);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            statement.execute(
                    "COPY (SELECT c.record_id, CASE WHEN k.record_id IS NOT NULL THEN 'kept-apart:' || c.record_id"
                            + " ELSE coalesce(j.root, c.cluster_id) END AS cluster_id FROM clusters c"
                            + " LEFT JOIN joined j ON j.cluster_id = c.cluster_id LEFT JOIN kept_apart k ON k.record_id = c.record_id) TO "
                            + literal(clustersFile.toString()) + " (FORMAT parquet)");
        }
    }

    // --- the steward's side

    List<ReviewItem> pending(int limit, int offset) {
        return store.pendingPairs(Math.max(1, Math.min(limit, 200)), Math.max(0, offset)).stream()
                .map(p -> new ReviewItem(
                        p.id(),
                        member(p.leftKey()),
                        member(p.rightKey()),
                        p.probability(),
                        p.weight(),
                        p.contributions(),
                        p.status(),
                        evidence(p.contributions())))
                .toList();
    }

    /** The stored evidence read back; a text cut at its size limit is shown as far as it parses, i.e. not at all. */
    private List<ScoredPair.Contribution> evidence(String contributions) {
        if (contributions == null || contributions.isBlank()) {
            return List.of();
        }
        try {
            return List.of(json.readValue(contributions, ScoredPair.Contribution[].class));
        } catch (tools.jackson.core.JacksonException unreadable) {
            return List.of();
        }
    }

    long pendingCount() {
        return store.pendingCount();
    }

    /** Records a steward's decision; it applies from the next rebuild on, and is on the ledger. */
    void decide(Actor actor, long reviewId, boolean match) {
        if (!store.decide(reviewId, match, actor.userId(), clock.instant())) {
            throw store.reviewExists(reviewId)
                    ? ProblemException.conflict("register.alreadyDecided", "This pair was already decided")
                    : ProblemException.notFound("No review item " + reviewId);
        }
        audit.record(new AuditEvent(
                EventType.REVIEW_DECIDED,
                actor.userId(),
                actor.username(),
                actor.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "review " + reviewId + ": " + (match ? "match" : "not a match"),
                Map.of("review", Long.toString(reviewId), "decision", match ? "MATCH" : "NON_MATCH")));
    }

    /** A record of the pair as the register holds it; one no longer in the register is named by its key. */
    private Member member(String recordKey) {
        return store.member(recordKey)
                .orElse(new Member(
                        recordKey.contains("|") ? recordKey.substring(0, recordKey.indexOf('|')) : "?",
                        0,
                        recordKey.substring(recordKey.indexOf('|') + 1),
                        null,
                        null,
                        null));
    }
}
