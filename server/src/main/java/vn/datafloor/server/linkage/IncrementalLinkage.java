package vn.datafloor.server.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;

/**
 * Living data: only the records not yet in the register are scored, against it and among
 * themselves, with the last build's parameters. Existing records keep their entity as their
 * cluster, so identifiers cannot move.
 */
final class IncrementalLinkage {

    /** New records attach to an entity, or group among themselves, at this match probability or above. */
    static final double THRESHOLD = 0.9;

    /** How many records were new, and how many of them joined an existing entity. */
    record Result(long newRecords, long attached) {}

    private IncrementalLinkage() {}

    /**
     * Writes to {@code clustersFile} ({@code record_id, cluster_id}) every record of {@code union}
     * and of the register's assignment ({@code previousAssignment}): existing records in their
     * entity, new ones in the entity of their best match in the register, or else in a new cluster.
     */
    static Result link(
            Path union, Path previousAssignment, LinkageParameters parameters, Path clustersFile, Path scratch)
            throws SQLException {
        Path fresh = scratch.resolve("new.parquet");
        Path existing = scratch.resolve("existing.parquet");
        Path links = scratch.resolve("links.parquet");
        Path freshClusters = scratch.resolve("new-clusters.parquet");
        try (Connection duck = DuckDbConnections.openFile(
                        scratch.resolve("update.duckdb"), scratch.resolve("spill"), "1GB", 2);
                Statement statement = duck.createStatement()) {
            statement.execute(
                    "CREATE TABLE previous AS SELECT * FROM " + RegisterWriter.assignmentRelation(previousAssignment));
            statement.execute("COPY (SELECT * FROM read_parquet(" + literal(union.toString())
                    + ") WHERE rid NOT IN (SELECT record_key FROM previous)) TO " + literal(fresh.toString())
                    + " (FORMAT parquet)");
            statement.execute("COPY (SELECT * FROM read_parquet(" + literal(union.toString())
                    + ") WHERE rid IN (SELECT record_key FROM previous)) TO " + literal(existing.toString())
                    + " (FORMAT parquet)");
            long newRecords = RegisterWriter.scalar(
                    statement, "SELECT count(*) FROM read_parquet(" + literal(fresh.toString()) + ")");
            if (newRecords > 0) {
                try (Linker linker = Linker.open(NationalPeopleModel.link(fresh, existing), scratch.resolve("link"))) {
                    linker.predict(parameters);
                    linker.writePredictions(links);
                }
                try (Linker linker = Linker.open(NationalPeopleModel.dedupe(fresh), scratch.resolve("dedupe"))) {
                    linker.predict(parameters);
                    linker.cluster(THRESHOLD);
                    linker.writeClusters(freshClusters);
                }
                // Each new record (left) joins the entity of its best match in the register (ties: the smaller record
                // key) ...
                statement.execute("CREATE TABLE attached AS SELECT p.id_l AS record_key,"
                        + " first(a.entity_id ORDER BY p.match_weight DESC, p.id_r) AS entity_id FROM read_parquet("
                        + literal(links.toString())
                        + ") p JOIN previous a ON a.record_key = p.id_r WHERE p.match_probability >= "
                        + THRESHOLD + " GROUP BY p.id_l");
                // ... and the rest that belong together become one new entity.
                statement.execute(
                        "CREATE TABLE grouped AS SELECT record_id AS record_key, 'new:' || cluster_id AS cluster_id"
                                + " FROM read_parquet(" + literal(freshClusters.toString())
                                + ") WHERE record_id NOT IN (SELECT record_key FROM attached)");
            } else {
                statement.execute("CREATE TABLE attached (record_key VARCHAR, entity_id VARCHAR)");
                statement.execute("CREATE TABLE grouped (record_key VARCHAR, cluster_id VARCHAR)");
            }
            long attached = RegisterWriter.scalar(statement, "SELECT count(*) FROM attached");
            statement.execute("COPY (SELECT record_key AS record_id, entity_id AS cluster_id FROM previous UNION ALL"
                    + " SELECT record_key, entity_id FROM attached UNION ALL SELECT record_key, cluster_id FROM grouped) TO "
                    + literal(clustersFile.toString()) + " (FORMAT parquet)");
            return new Result(newRecords, attached);
        }
    }
}
