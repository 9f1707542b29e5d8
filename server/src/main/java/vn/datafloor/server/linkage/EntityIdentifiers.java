package vn.datafloor.server.linkage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import vn.datafloor.server.linkage.RegisterStore.EntityEvent;
import vn.datafloor.server.linkage.RegisterStore.Retirement;

/**
 * Stable entity identifiers across runs, computed in DuckDB. Each cluster takes the entity most of
 * its records already belonged to; larger clusters choose first (ties: the smaller cluster id), so a
 * split leaves the identifier with the bigger part. A cluster whose candidates are all taken by
 * larger ones gets a new identifier and the split is recorded; an entity whose records all went to
 * a cluster that kept another identifier is merged into it and retired.
 *
 * <p>Reads {@code member(rid, cluster_id)} (this run's clusters) and {@code previous(record_key,
 * entity_id)} (the last run's assignment); writes {@code cluster_entity(cluster_id, entity_id,
 * members, priority, kept)}.
 */
final class EntityIdentifiers {

    /** The identifiers' changes: counts for the run, events for each entity's history, entities to retire. */
    record Assignment(long created, long merged, long split, List<EntityEvent> events, List<Retirement> retirements) {}

    private EntityIdentifiers() {}

    static Assignment assign(Connection duck, Supplier<String> newEntityId) throws SQLException {
        try (Statement statement = duck.createStatement()) {
            statement.execute("""
                    CREATE OR REPLACE TABLE cluster_size AS SELECT cluster_id, count(*) AS members,
                    row_number() OVER (ORDER BY count(*) DESC, cluster_id) AS priority FROM member GROUP BY cluster_id""");
            statement.execute("""
                    CREATE OR REPLACE TABLE vote AS SELECT m.cluster_id, p.entity_id, count(*) AS votes,
                    row_number() OVER (PARTITION BY m.cluster_id ORDER BY count(*) DESC, p.entity_id) AS rank
                    FROM member m JOIN previous p ON p.record_key = m.rid GROUP BY m.cluster_id, p.entity_id""");
            statement.execute("CREATE OR REPLACE TABLE decided (cluster_id VARCHAR, entity_id VARCHAR)");
            // The greedy choice, clusters in priority order, done set-wise: a cluster settles on its best
            // entity still free as soon as no open cluster of higher priority could want that entity, so
            // each round settles at least the first open cluster and usually nearly all of them. A cluster
            // with no free candidate settles at once, on a new identifier (null until drawn below).
            while (scalar(
                            statement,
                            "SELECT count(*) FROM cluster_size WHERE cluster_id NOT IN (SELECT cluster_id FROM decided)")
                    > 0) {
                statement.execute("""
                        INSERT INTO decided
                        WITH open AS (SELECT cluster_id, priority FROM cluster_size
                                      WHERE cluster_id NOT IN (SELECT cluster_id FROM decided)),
                        free AS (SELECT v.cluster_id, o.priority, v.entity_id,
                                 row_number() OVER (PARTITION BY v.cluster_id ORDER BY v.votes DESC, v.entity_id) AS choice
                                 FROM vote v JOIN open o ON o.cluster_id = v.cluster_id
                                 WHERE v.entity_id NOT IN (SELECT entity_id FROM decided WHERE entity_id IS NOT NULL)),
                        best AS (SELECT o.cluster_id, o.priority, f.entity_id FROM open o
                                 LEFT JOIN free f ON f.cluster_id = o.cluster_id AND f.choice = 1)
                        SELECT b.cluster_id, b.entity_id FROM best b
                        WHERE b.entity_id IS NULL
                           OR NOT EXISTS (SELECT 1 FROM free f WHERE f.entity_id = b.entity_id AND f.priority < b.priority)""");
            }
            long fresh = scalar(statement, "SELECT count(*) FROM decided WHERE entity_id IS NULL");
            statement.execute("CREATE OR REPLACE TABLE new_id (n BIGINT, entity_id VARCHAR)");
            try (DuckDBAppender appender =
                    ((DuckDBConnection) duck).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "new_id")) {
                for (long n = 1; n <= fresh; n++) {
                    appender.beginRow();
                    appender.append(n);
                    appender.append(newEntityId.get());
                    appender.endRow();
                }
            }
            statement.execute("""
                    CREATE OR REPLACE TABLE cluster_entity AS
                    SELECT s.cluster_id, coalesce(d.entity_id, f.entity_id) AS entity_id, s.members, s.priority,
                           d.entity_id IS NOT NULL AS kept
                    FROM cluster_size s JOIN decided d ON d.cluster_id = s.cluster_id
                    LEFT JOIN (SELECT s2.cluster_id, row_number() OVER (ORDER BY s2.priority) AS n FROM cluster_size s2
                               JOIN decided d2 ON d2.cluster_id = s2.cluster_id WHERE d2.entity_id IS NULL) o ON o.cluster_id = s.cluster_id
                    LEFT JOIN new_id f ON f.n = o.n""");
            // A candidate absorbed by a cluster: not its identifier, and not kept by this or a larger cluster.
            statement.execute("""
                    CREATE OR REPLACE TABLE absorbed AS
                    SELECT e.priority, v.rank, v.entity_id AS absorbed, e.entity_id AS survivor
                    FROM cluster_entity e JOIN vote v ON v.cluster_id = e.cluster_id
                    WHERE v.entity_id <> e.entity_id
                      AND NOT EXISTS (SELECT 1 FROM cluster_entity t WHERE t.entity_id = v.entity_id AND t.priority <= e.priority)""");
            statement.execute("""
                    CREATE OR REPLACE TABLE identifier_event AS
                    SELECT e.priority, 0 AS step, e.entity_id, 'CREATED' AS kind, 'created from ' || e.members || ' record(s)' AS detail
                    FROM cluster_entity e WHERE NOT e.kept AND e.cluster_id NOT IN (SELECT cluster_id FROM vote)
                    UNION ALL
                    SELECT e.priority, 0, e.entity_id, 'SPLIT', 'split from ' || v.entity_id
                    FROM cluster_entity e JOIN vote v ON v.cluster_id = e.cluster_id AND v.rank = 1 WHERE NOT e.kept
                    UNION ALL
                    SELECT e.priority, 1, v.entity_id, 'SPLIT', 'records moved to ' || e.entity_id
                    FROM cluster_entity e JOIN vote v ON v.cluster_id = e.cluster_id AND v.rank = 1 WHERE NOT e.kept
                    UNION ALL
                    SELECT priority, 2 * rank, absorbed, 'MERGED', 'merged into ' || survivor FROM absorbed
                    UNION ALL
                    SELECT priority, 2 * rank + 1, survivor, 'MERGED', 'absorbed ' || absorbed FROM absorbed""");
            List<EntityEvent> events = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(
                    "SELECT entity_id, kind, detail FROM identifier_event ORDER BY priority, step")) {
                while (rs.next()) {
                    events.add(new EntityEvent(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            // Retired: no cluster kept it; it points at the survivor of the largest cluster that absorbed it.
            List<Retirement> retirements = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("""
                    SELECT r.entity_id, (SELECT arg_min(a.survivor, a.priority) FROM absorbed a WHERE a.absorbed = r.entity_id)
                    FROM (SELECT DISTINCT entity_id FROM previous WHERE entity_id NOT IN (SELECT entity_id FROM cluster_entity)) r
                    ORDER BY r.entity_id""")) {
                while (rs.next()) {
                    retirements.add(new Retirement(rs.getString(1), rs.getString(2)));
                }
            }
            long created = scalar(statement, "SELECT count(*) FROM cluster_entity WHERE NOT kept");
            long split = scalar(
                    statement,
                    "SELECT count(*) FROM cluster_entity WHERE NOT kept AND cluster_id IN (SELECT cluster_id FROM vote)");
            long merged = scalar(statement, "SELECT count(*) FROM absorbed");
            return new Assignment(created, merged, split, List.copyOf(events), List.copyOf(retirements));
        }
    }

    private static long scalar(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
