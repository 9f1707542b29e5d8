package vn.datafloor.server.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.server.integration.IntegrationPaths;

/**
 * The register's input: the latest version of every lake dataset with the person schema's linking
 * columns, as one Parquet file of records under common column names.
 */
@Component
class PersonRecords {

    /** The attributes the register links on and keeps golden values of, in the published column order. */
    static final List<String> ATTRIBUTES = List.of(
            "full_name", "name_key", "birth_date", "sex", "personal_id", "phone", "commune_code", "province_code");

    private final IntegrationPaths paths;

    PersonRecords(IntegrationPaths paths) {
        this.paths = paths;
    }

    /** The latest version of every dataset published with the person schema's linking columns. */
    List<DatasetVersion> datasets() {
        List<DatasetVersion> found = new ArrayList<>();
        for (String dataset : paths.lake().datasets()) {
            paths.lake().latest(dataset).ifPresent(v -> {
                Set<String> columns =
                        v.manifest().columns().stream().map(c -> c.name()).collect(Collectors.toSet());
                if (columns.containsAll(List.of("person_id", "name_key", "birth_date"))) {
                    found.add(v);
                }
            });
        }
        return found;
    }

    boolean isPersonDataset(String dataset) {
        return datasets().stream().anyMatch(v -> v.dataset().equals(dataset));
    }

    /**
     * Writes the union of {@code sources} to {@code union}: dataset, version, record_id, rid
     * ("dataset|record_id", the register's record key) and the attributes (null where a source lacks
     * one). Returns the number of records.
     */
    long writeUnion(List<DatasetVersion> sources, Path union, Path scratch) throws SQLException {
        // The register reads people's records in clear: each version decrypted into the run's private
        // scratch, the copies deleted once the union is written (docs/encryption.md).
        List<ClearVersion> copies = new ArrayList<>();
        try {
            for (DatasetVersion v : sources) {
                copies.add(paths.lake().clear(v, scratch));
            }
            return unionOf(copies, union, scratch);
        } finally {
            copies.forEach(ClearVersion::close);
        }
    }

    private long unionOf(List<ClearVersion> sources, Path union, Path scratch) throws SQLException {
        List<String> selects = new ArrayList<>();
        for (ClearVersion copy : sources) {
            DatasetVersion v = copy.version();
            Set<String> columns =
                    v.manifest().columns().stream().map(c -> c.name()).collect(Collectors.toSet());
            StringBuilder select = new StringBuilder("SELECT ")
                    .append(literal(v.dataset()))
                    .append(" AS dataset, ")
                    .append(v.version())
                    .append(" AS version, CAST(person_id AS VARCHAR) AS record_id, ")
                    .append(literal(v.dataset() + "|"))
                    .append(" || CAST(person_id AS VARCHAR) AS rid");
            for (String attribute : ATTRIBUTES) {
                String type = attribute.equals("birth_date") ? "DATE" : "VARCHAR";
                select.append(", ")
                        .append(
                                columns.contains(attribute)
                                        ? "TRY_CAST(" + attribute + " AS " + type + ")"
                                        : "NULL::" + type)
                        .append(" AS ")
                        .append(attribute);
            }
            selects.add(select.append(" FROM ").append(copy.readExpression()).toString());
        }
        try (Connection duck = DuckDbConnections.open(scratch.resolve("spill"), "1GB", 2);
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (" + String.join(" UNION ALL ", selects) + ") TO " + literal(union.toString())
                    + " (FORMAT parquet)");
            try (ResultSet rs =
                    statement.executeQuery("SELECT count(*) FROM read_parquet(" + literal(union.toString()) + ")")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
