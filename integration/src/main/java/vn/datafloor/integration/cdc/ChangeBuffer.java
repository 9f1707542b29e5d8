package vn.datafloor.integration.cdc;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;
import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.LakeManifest;

/**
 * The changes received since the last published version, in a scratch DuckDB table, and how they make
 * the next version: the previous version's rows, less every key that changed, plus each changed key's
 * last image unless its last change was a delete. One relational plan (the same could run on Spark);
 * every value is text, as every source's rows are.
 */
final class ChangeBuffer implements AutoCloseable {

    static final String SEQ = "_df_seq";
    static final String OP = "_df_op";

    /** One change: {@code c} insert, {@code u} update, {@code r} read by the first copy, {@code d} delete. */
    record Change(String op, Map<String, String> key, Map<String, String> row) {}

    /** What applying the buffer wrote into a staging folder. */
    record Applied(long rows, List<LakeManifest.Column> columns, LakeManifest.Diff diff) {}

    private final Connection duck;
    private final InputLimits limits;
    private final Set<String> columns = new LinkedHashSet<>();
    private List<String> keyColumns;
    private long sequence;
    private long size;

    ChangeBuffer(Path scratch, String memoryLimit, InputLimits limits) throws SQLException {
        this.duck = DuckDbConnections.open(scratch, memoryLimit, 1);
        this.limits = limits;
        try (Statement statement = duck.createStatement()) {
            statement.execute("CREATE TABLE changes (" + identifier(SEQ) + " BIGINT, " + identifier(OP) + " VARCHAR)");
        }
    }

    /** Changes waiting to be published. */
    long size() {
        return size;
    }

    void add(List<Change> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        for (Change change : changes) {
            List<String> key = List.copyOf(change.key().keySet());
            if (keyColumns == null) {
                keyColumns = key;
            } else if (!keyColumns.equals(key)) {
                throw new SourceException("The table's primary key changed from " + keyColumns + " to " + key
                        + ": stop following, then start again into a new dataset");
            }
            addColumns(change.key().keySet());
            if (change.row() != null) {
                addColumns(change.row().keySet());
            }
        }
        List<String> order = List.copyOf(columns);
        try (DuckDBAppender appender =
                ((DuckDBConnection) duck).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "changes")) {
            for (Change change : changes) {
                appender.beginRow();
                appender.append(++sequence);
                appender.append(change.op());
                for (String column : order) {
                    String value = change.row() != null && change.row().containsKey(column)
                            ? change.row().get(column)
                            : change.key().get(column);
                    if (value != null
                            && value.length() * 3L > limits.maxCellBytes()
                            && value.getBytes(StandardCharsets.UTF_8).length > limits.maxCellBytes()) {
                        throw new SourceException("A value of column " + column + " is larger than "
                                + limits.maxCellBytes() + " bytes (max-cell-bytes)");
                    }
                    appender.append(value);
                }
                appender.endRow();
            }
        }
        size += changes.size();
    }

    private void addColumns(Set<String> names) throws SQLException {
        for (String name : names) {
            if (name.equals(SEQ) || name.equals(OP)) {
                throw new SourceException("The table has a column named " + name + ", which change capture uses");
            }
            if (columns.add(name)) {
                if (columns.size() > limits.maxColumns()) {
                    throw new SourceException(
                            "The table has more than " + limits.maxColumns() + " columns (max-columns)");
                }
                try (Statement statement = duck.createStatement()) {
                    statement.execute("ALTER TABLE changes ADD COLUMN " + identifier(name) + " VARCHAR");
                }
            }
        }
    }

    /**
     * Writes the next version's rows into {@code staging}: {@code previous} (read in clear, or none)
     * with the buffered changes applied.
     */
    Applied apply(ClearVersion previous, Path staging, String file) throws SQLException {
        List<String> previousColumns = previous == null
                ? List.of()
                : previous.version().manifest().columns().stream()
                        .map(LakeManifest.Column::name)
                        .toList();
        Set<String> all = new LinkedHashSet<>(previousColumns);
        all.addAll(columns);
        if (all.size() > limits.maxColumns()) {
            throw new SourceException("The table has more than " + limits.maxColumns() + " columns (max-columns)");
        }
        String match = keyColumns.stream()
                .map(k -> "l." + identifier(k) + " IS NOT DISTINCT FROM p." + identifier(k))
                .collect(Collectors.joining(" AND "));
        String keys = keyColumns.stream().map(DuckDbConnections::identifier).collect(Collectors.joining(", "));
        try (Statement statement = duck.createStatement()) {
            statement.execute("CREATE OR REPLACE TEMP TABLE last_change AS SELECT * FROM changes QUALIFY row_number()"
                    + " OVER (PARTITION BY " + keys + " ORDER BY " + identifier(SEQ) + " DESC) = 1");
            String previousRows = previous == null
                    ? "(SELECT "
                            + all.stream()
                                    .map(c -> "NULL::VARCHAR AS " + identifier(c))
                                    .collect(Collectors.joining(", "))
                            + " WHERE false)"
                    : previous.readExpression();
            statement.execute("CREATE OR REPLACE TEMP VIEW previous_rows AS SELECT "
                    + select(all, Set.copyOf(previousColumns)) + " FROM " + previousRows);
            String output = staging.resolve(file).toString();
            statement.execute("COPY (SELECT * FROM (SELECT " + select(all, all)
                    + " FROM previous_rows p WHERE NOT EXISTS"
                    + " (SELECT 1 FROM last_change l WHERE " + match + ") UNION ALL SELECT " + select(all, columns)
                    + " FROM last_change WHERE " + identifier(OP) + " <> 'd') ORDER BY " + keys + ") TO "
                    + literal(output) + " (FORMAT parquet, COMPRESSION zstd)");
            long added;
            long changed;
            long removed;
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FILTER (WHERE op <> 'd' AND NOT known),"
                    + " count(*) FILTER (WHERE op <> 'd' AND known), count(*) FILTER (WHERE op = 'd' AND known)"
                    + " FROM (SELECT l." + identifier(OP) + " AS op, EXISTS (SELECT 1 FROM previous_rows p WHERE "
                    + match + ") AS known FROM last_change l)")) {
                rs.next();
                added = rs.getLong(1);
                changed = rs.getLong(2);
                removed = rs.getLong(3);
            }
            long rows;
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM read_parquet(" + literal(output) + ")")) {
                rs.next();
                rows = rs.getLong(1);
            }
            if (rows > limits.maxRows()) {
                throw new SourceException("The table has more than " + limits.maxRows() + " rows (max-rows)");
            }
            List<LakeManifest.Column> described = new ArrayList<>();
            all.forEach(c -> described.add(new LakeManifest.Column(c, "VARCHAR")));
            Integer previousVersion =
                    previous == null ? null : previous.version().version();
            return new Applied(rows, described, new LakeManifest.Diff(previousVersion, added, removed, changed));
        }
    }

    /** The select list naming every column of {@code all}, NULL for those {@code present} lacks. */
    private static String select(Set<String> all, Set<String> present) {
        return all.stream()
                .map(c -> present.contains(c) ? identifier(c) : "NULL::VARCHAR AS " + identifier(c))
                .collect(Collectors.joining(", "));
    }

    /** After the version is published: the next batch starts empty (the columns stay known). */
    void clear() throws SQLException {
        try (Statement statement = duck.createStatement()) {
            statement.execute("DELETE FROM changes");
        }
        size = 0;
    }

    @Override
    public void close() throws SQLException {
        duck.close();
    }
}
