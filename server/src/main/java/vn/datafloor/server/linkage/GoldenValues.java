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

    private GoldenValues() {}

    static void compute(Connection duck, List<String> trust) throws SQLException {
        compute(duck, trust, "member");
    }

    /** The same over the members in {@code members} (a table or view shaped as {@code member}), e.g. some clusters'. */
    static void compute(Connection duck, List<String> trust, String members) throws SQLException {
        StringBuilder rank = new StringBuilder("CASE dataset");
        for (int i = 0; i < trust.size(); i++) {
            rank.append(" WHEN ").append(literal(trust.get(i))).append(" THEN ").append(i);
        }
        rank.append(" ELSE ").append(UNTRUSTED).append(" END");
        // Each entity's members ranked once, survivor first (trust, newest version, record key); an attribute takes
        // the value of its best-ranked member that has one, by arg_min over that rank, and its provenance is then
        // looked up by (entity, rank). Ordered aggregates (first(… ORDER BY …)) gave the same answer but held
        // every entity's rows in memory, once per attribute, and ran out of DuckDB's 1 GB below a million records;
        // the rank is a sort and these aggregates keep a number and a value per entity, and both spill.
        List<String> sql = new ArrayList<>();
        sql.add("CREATE OR REPLACE TEMP TABLE golden_ranked AS SELECT *, row_number() OVER (PARTITION BY cluster_id"
                + " ORDER BY trust, version DESC, rid) AS pick, dataset || ' v' || version || ' #' || record_id AS source"
                + " FROM (SELECT *, " + rank + " AS trust FROM " + members + ")");
        StringBuilder chosen = new StringBuilder(
                "CREATE OR REPLACE TEMP TABLE golden_chosen AS SELECT cluster_id, count(*) AS members");
        StringBuilder golden = new StringBuilder("CREATE OR REPLACE TABLE golden AS SELECT c.cluster_id, c.members");
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
        sql.add(chosen.append(" FROM golden_ranked GROUP BY cluster_id").toString());
        sql.add(golden.append(", '{' || array_to_string(list_filter([")
                .append(String.join(", ", provenance))
                .append("], p -> p IS NOT NULL), ',') || '}' AS provenance FROM golden_chosen c")
                .append(joins)
                .toString());
        sql.add("DROP TABLE golden_ranked");
        sql.add("DROP TABLE golden_chosen");
        try (Statement statement = duck.createStatement()) {
            for (String step : sql) {
                statement.execute(step);
            }
        }
    }
}
