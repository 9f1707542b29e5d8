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
        StringBuilder rank = new StringBuilder("CASE dataset");
        for (int i = 0; i < trust.size(); i++) {
            rank.append(" WHEN ").append(literal(trust.get(i))).append(" THEN ").append(i);
        }
        rank.append(" ELSE ").append(UNTRUSTED).append(" END");
        String survivorFirst = " ORDER BY trust, version DESC, rid";
        StringBuilder sql =
                new StringBuilder("CREATE OR REPLACE TABLE golden AS SELECT cluster_id, count(*) AS members");
        List<String> provenance = new ArrayList<>();
        for (String a : PersonRecords.ATTRIBUTES) {
            sql.append(", first(")
                    .append(a)
                    .append(survivorFirst)
                    .append(") FILTER (WHERE ")
                    .append(a)
                    .append(" IS NOT NULL) AS ")
                    .append(a);
            // '"attribute":' || NULL is NULL, so an attribute without a value drops out of the object.
            provenance.add("'\"" + a + "\":' || CAST(to_json(first(dataset || ' v' || version || ' #' || record_id"
                    + survivorFirst + ") FILTER (WHERE " + a + " IS NOT NULL)) AS VARCHAR)");
        }
        sql.append(", '{' || array_to_string(list_filter([")
                .append(String.join(", ", provenance))
                .append("], p -> p IS NOT NULL), ',') || '}' AS provenance")
                .append(" FROM (SELECT *, ")
                .append(rank)
                .append(" AS trust FROM member) GROUP BY cluster_id");
        try (Statement statement = duck.createStatement()) {
            statement.execute(sql.toString());
        }
    }
}
