package vn.datafloor.server.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Survivorship, computed in DuckDB: each attribute of an entity takes the value of its most trusted
 * member that has one (trust: the order of {@code datafloor.register.source-trust}, unlisted sources
 * last), then the most recent (the higher dataset version), then the smaller record key so a tie
 * always ends the same way. Provenance names the record each value came from.
 *
 * <p>Reads {@code member(rid, dataset, version, record_id, <attributes>, cluster_id)}; writes
 * {@code golden(cluster_id, members, <attributes>, provenance)}, provenance a JSON object attribute →
 * "dataset vN #record_id" holding only the attributes that have a value.
 */
final class GoldenValues {

    /** The rank of a source not named in the trust order: after all that are. */
    static final int UNTRUSTED = 99;

    /** About how many members one slice of the entities holds: what DuckDB's 1 GB measured comfortable with. */
    static final long CHUNK = 500_000;

    private GoldenValues() {}

    /** Golden values of the members in {@code members} (a table or view shaped as {@code member}), e.g. some clusters'. */
    static void compute(Connection duck, List<String> trust, String members) throws SQLException {
        compute(duck, trust, members, CHUNK);
    }

    /** The same, in slices of about {@code chunk} members. */
    static void compute(Connection duck, List<String> trust, String members, long chunk) throws SQLException {
        StringBuilder rank = new StringBuilder("CASE dataset");
        for (int i = 0; i < trust.size(); i++) {
            rank.append(" WHEN ").append(literal(trust.get(i))).append(" THEN ").append(i);
        }
        rank.append(" ELSE ").append(UNTRUSTED).append(" END");
        // Each entity's members ranked, survivor first (trust, newest version, record key); an attribute takes the
        // value of its best-ranked member that has one, by arg_min over that rank, and its provenance is then
        // looked up by (entity, rank). Ordered aggregates (first(… ORDER BY …)) gave the same answer but held every
        // entity's rows in memory, once per attribute, and ran out of DuckDB's 1 GB below a million records. The
        // aggregates' states did too at 10 million, so the entities go through in slices of about CHUNK members,
        // by a hash of their id: each slice is one pass over the members and fits the limit.
        long rows;
        try (Statement statement = duck.createStatement();
                java.sql.ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + members)) {
            rs.next();
            rows = rs.getLong(1);
        }
        long slices = Math.max(1, (rows + chunk - 1) / chunk);
        StringBuilder chosen = new StringBuilder(
                "CREATE OR REPLACE TEMP TABLE golden_chosen AS SELECT cluster_id," + " count(*) AS members");
        StringBuilder golden = new StringBuilder("INSERT INTO golden SELECT c.cluster_id, c.members");
        StringBuilder joins = new StringBuilder();
        List<String> provenance = new ArrayList<>();
        int n = 0;
        for (String a : PersonRecords.ATTRIBUTES) {
            String filter = " FILTER (WHERE " + a + " IS NOT NULL)";
            chosen.append(", arg_min(")
                    .append(a)
                    .append(", pick)")
                    .append(filter)
                    .append(" AS ")
                    .append(a);
            chosen.append(", min(pick)").append(filter).append(" AS pick_").append(n);
            golden.append(", c.").append(a);
            joins.append(" LEFT JOIN golden_ranked s")
                    .append(n)
                    .append(" ON s")
                    .append(n)
                    .append(".cluster_id = c.cluster_id AND s")
                    .append(n)
                    .append(".pick = c.pick_")
                    .append(n);
            // '"attribute":' || NULL is NULL, so an attribute without a value drops out of the object.
            provenance.add("'\"" + a + "\":' || CAST(to_json(s" + n + ".source) AS VARCHAR)");
            n++;
        }
        chosen.append(" FROM golden_ranked GROUP BY cluster_id");
        golden.append(", '{' || array_to_string(list_filter([")
                .append(String.join(", ", provenance))
                .append("], p -> p IS NOT NULL), ',') || '}' AS provenance FROM golden_chosen c")
                .append(joins);
        try (Statement statement = duck.createStatement()) {
            // The table's shape, empty: the attributes' types are the members'.
            statement.execute("CREATE OR REPLACE TABLE golden AS SELECT cluster_id, 0::BIGINT AS members, "
                    + String.join(", ", PersonRecords.ATTRIBUTES) + ", ''::VARCHAR AS provenance FROM " + members
                    + " LIMIT 0");
            for (long slice = 0; slice < slices; slice++) {
                statement.execute("CREATE OR REPLACE TEMP TABLE golden_ranked AS SELECT *,"
                        + " row_number() OVER (PARTITION BY cluster_id ORDER BY trust, version DESC, rid) AS pick,"
                        + " dataset || ' v' || version || ' #' || record_id AS source"
                        + " FROM (SELECT *, " + rank + " AS trust FROM " + members
                        + (slices == 1 ? "" : " WHERE hash(cluster_id) % " + slices + " = " + slice) + ")");
                statement.execute(chosen.toString());
                statement.execute(golden.toString());
            }
            statement.execute("DROP TABLE IF EXISTS golden_ranked");
            statement.execute("DROP TABLE IF EXISTS golden_chosen");
        }
    }
}
