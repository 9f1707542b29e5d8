package vn.datafloor.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import vn.datafloor.linkage.LinkageModel.Input;
import vn.datafloor.linkage.LinkageModel.Mode;

/**
 * A file of labelled pairs ({@code training.labelled_pairs}) read into a DuckDB: {@link #read} checks the
 * file itself (its columns, rows and verdicts) and names the records it needs; {@link #resolve} finds
 * them in table {@code records} (with {@code inputs}) and leaves table {@code labelled} (rid_l, rid_r,
 * is_match), each pair in the order blocking makes it. The DuckDB linker resolves against all its records;
 * the Spark linker loads only the records the labels name into a DuckDB on the driver, so both check and
 * orient the labels with the same statements.
 */
public final class LabelledPairs {

    private static final String TRUTHY = "lower(trim(is_match)) IN ('1', 'true', 't', 'yes', 'y')";
    private static final String FALSY = "lower(trim(is_match)) IN ('0', 'false', 'f', 'no', 'n')";

    private final Connection db;
    private final LinkageModel model;
    private final Path file;
    private boolean sources;

    public LabelledPairs(Connection db, LinkageModel model, Path file) {
        this.db = db;
        this.model = model;
        this.file = file;
    }

    /** Reads and checks the file; returns the distinct records it names, as (input name, id). */
    public List<String[]> read() {
        String usage = " (a CSV with columns left_source, left_id, right_source, right_id, is_match; "
                + "for dedupe the source columns may be left out)";
        if (!Files.isRegularFile(file)) {
            throw new LinkageException("Labelled pairs: no file at " + file + usage);
        }
        try (Statement s = db.createStatement()) {
            s.execute(
                    "CREATE OR REPLACE TEMP TABLE labelled_raw AS SELECT row_number() OVER () + 1 AS _line, * FROM read_csv("
                            + literal(file.toAbsolutePath().toString()) + ", header = true, all_varchar = true)");
        } catch (SQLException e) {
            throw Linker.readFailure("labelled pairs " + file, e);
        }
        List<String> columns = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE labelled_raw")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw Linker.readFailure("labelled pairs " + file, e);
        }
        sources = columns.contains("left_source") || columns.contains("right_source") || model.mode() != Mode.DEDUPE;
        List<String> required = sources
                ? List.of("left_source", "left_id", "right_source", "right_id", "is_match")
                : List.of("left_id", "right_id", "is_match");
        List<String> missing =
                required.stream().filter(c -> !columns.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new LinkageException("Labelled pairs " + file + ": missing column(s) " + missing
                    + "; its columns are " + columns.subList(1, columns.size()) + usage);
        }
        if (scalar("SELECT count(*) FROM labelled_raw") == 0) {
            throw new LinkageException("Labelled pairs " + file + " has no rows");
        }
        List<String> bad = strings("SELECT 'line ' || _line || ': ' || coalesce(is_match, '(empty)') FROM labelled_raw"
                + " WHERE NOT coalesce(" + TRUTHY + " OR " + FALSY + ", false) ORDER BY _line LIMIT 5");
        if (!bad.isEmpty()) {
            throw new LinkageException(
                    "Labelled pairs " + file + ": is_match must be 1/0, true/false or yes/no; got " + bad);
        }
        List<String[]> named = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT source, id FROM (SELECT " + leftSource()
                        + " AS source, x.left_id AS id FROM labelled_raw x UNION ALL SELECT " + rightSource()
                        + ", x.right_id FROM labelled_raw x) WHERE source IS NOT NULL AND id IS NOT NULL")) {
            while (rs.next()) {
                named.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        } catch (SQLException e) {
            throw new LinkageException("Linkage step failed: " + Linker.firstLine(e), e);
        }
        return named;
    }

    private String leftSource() {
        return sources ? "x.left_source" : literal(model.inputs().get(0).name());
    }

    private String rightSource() {
        return sources ? "x.right_source" : literal(model.inputs().get(0).name());
    }

    /** Finds the pairs' records in {@code records} and leaves table {@code labelled}; returns how many distinct pairs. */
    public long resolve() {
        String leftSource = leftSource();
        String rightSource = rightSource();
        execute("CREATE OR REPLACE TEMP TABLE labelled_ids AS SELECT x._line, " + leftSource
                + " AS ls, x.left_id AS li, "
                + rightSource + " AS rs, x.right_id AS ri, a._rid AS a, a._input AS ia, b._rid AS b, b._input AS ib, "
                + TRUTHY + " AS is_match FROM labelled_raw x"
                + " LEFT JOIN (SELECT r._rid, r._input, r._id, i.name FROM records r JOIN inputs i USING (_input)) a"
                + " ON a.name = " + leftSource + " AND a._id = x.left_id"
                + " LEFT JOIN (SELECT r._rid, r._input, r._id, i.name FROM records r JOIN inputs i USING (_input)) b"
                + " ON b.name = " + rightSource + " AND b._id = x.right_id");
        List<String> unknown = strings("SELECT 'line ' || _line || ': ' || CASE WHEN a IS NULL THEN"
                + " coalesce(ls, '') || ':' || coalesce(li, '') ELSE coalesce(rs, '') || ':' || coalesce(ri, '') END"
                + " FROM labelled_ids WHERE a IS NULL OR b IS NULL ORDER BY _line LIMIT 5");
        if (!unknown.isEmpty()) {
            long count = scalar("SELECT count(*) FROM labelled_ids WHERE a IS NULL OR b IS NULL");
            throw new LinkageException(
                    "Labelled pairs " + file + ": " + count + " rows name a record that is in no input, "
                            + "e.g. " + unknown + " (source:id; sources are the input names "
                            + model.inputs().stream().map(Input::name).toList() + ")");
        }
        String invalid = model.mode() == Mode.LINK ? "ia = ib" : "a = b";
        List<String> wrong =
                strings("SELECT 'line ' || _line FROM labelled_ids WHERE " + invalid + " ORDER BY _line LIMIT 5");
        if (!wrong.isEmpty()) {
            throw new LinkageException("Labelled pairs " + file + ": "
                    + (model.mode() == Mode.LINK
                            ? "in link mode a pair joins a record of one input to one of the other; "
                            : "a record paired with itself; ")
                    + wrong);
        }
        String order = model.mode() == Mode.LINK ? "ia = 0" : "a < b";
        execute("CREATE OR REPLACE TEMP TABLE labelled AS SELECT rid_l, rid_r, bool_or(is_match) AS is_match,"
                + " count(DISTINCT is_match) AS verdicts FROM (SELECT CASE WHEN " + order
                + " THEN a ELSE b END AS rid_l,"
                + " CASE WHEN " + order + " THEN b ELSE a END AS rid_r, is_match FROM labelled_ids) GROUP BY ALL");
        long contradictory = scalar("SELECT count(*) FROM labelled WHERE verdicts > 1");
        if (contradictory > 0) {
            throw new LinkageException("Labelled pairs " + file + ": " + contradictory
                    + " pairs are labelled both a match and a non-match; keep one verdict per pair");
        }
        execute("DROP TABLE labelled_ids");
        execute("DROP TABLE labelled_raw");
        return scalar("SELECT count(*) FROM labelled");
    }

    private long scalar(String sql) {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new LinkageException("Linkage step failed: " + Linker.firstLine(e), e);
        }
    }

    private List<String> strings(String sql) {
        return strings(db, sql);
    }

    /** The first column of every row {@code sql} answers, as text. */
    static List<String> strings(Connection db, String sql) {
        List<String> values = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new LinkageException("Linkage step failed: " + Linker.firstLine(e), e);
        }
        return values;
    }

    private void execute(String sql) {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new LinkageException("Linkage step failed: " + Linker.firstLine(e), e);
        }
    }
}
