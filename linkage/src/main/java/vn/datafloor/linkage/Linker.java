package vn.datafloor.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;
import static vn.datafloor.integration.lake.DuckDbConnections.literal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.standardize.ReferenceTables;
import vn.datafloor.integration.standardize.Standardizers;
import vn.datafloor.linkage.LinkageModel.Comparison;
import vn.datafloor.linkage.LinkageModel.Input;
import vn.datafloor.linkage.LinkageModel.Level;
import vn.datafloor.linkage.LinkageModel.LevelKind;
import vn.datafloor.linkage.LinkageModel.Mode;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.linkage.LinkageParameters.LevelParameters;
import vn.datafloor.linkage.ScoredPair.Contribution;

/**
 * Runs a {@link LinkageModel} on DuckDB: every step is a SQL statement over whole tables (records,
 * candidate pairs, comparison vectors, predictions, edges, labels), so the same plan can run on
 * Spark. Java only holds the handful of m/u parameters between EM iterations.
 *
 * <p>Lifecycle: {@link #open}, {@link #train} (or {@link LinkageParameters#read}), {@link #predict},
 * {@link #cluster}, then read or write results; close to drop the working database.
 */
public final class Linker implements AutoCloseable {

    /** Floors keep log2(m/u) finite when a level was never observed. */
    private static final double MIN_PROBABILITY = 1e-6;

    /** Pseudo-count per level when m is counted from labelled matches. */
    private final LinkageModel model;

    private final Connection db;
    private long leftCount;
    private long rightCount;
    private boolean vectorsReady;
    private boolean predicted;
    private boolean clustered;

    private final Path scratch;
    private List<UnreadableDates> unreadableDates = List.of();

    /** Model column → the file columns ("input:column") it is computed from, over all inputs. */
    private final ColumnLineage lineage = new ColumnLineage();

    private static final System.Logger LOG = System.getLogger(Linker.class.getName());

    private Linker(LinkageModel model, Connection db, Path scratch) {
        this.model = model;
        this.db = db;
        this.scratch = scratch;
    }

    /** Opens an in-memory DuckDB (spilling to {@code scratchDirectory}) and loads and checks the inputs. */
    public static Linker open(LinkageModel model, Path scratchDirectory) {
        Path scratch;
        try {
            scratch = scratchDirectory != null
                    ? Files.createDirectories(scratchDirectory)
                    : Files.createTempDirectory("datafloor-linker");
        } catch (java.io.IOException e) {
            throw new LinkageException(
                    "Cannot create the scratch directory " + scratchDirectory + ": " + e.getMessage(), e);
        }
        Connection db;
        try {
            db = DuckDbConnections.open(scratch, "2GB", Runtime.getRuntime().availableProcessors());
        } catch (SQLException e) {
            throw new LinkageException("Cannot open DuckDB: " + e.getMessage(), e);
        }
        Linker linker = new Linker(model, db, scratch);
        try {
            // The standardizers, and the administrative units (provinces before and after the 2025
            // merger) only when a column expression reads them, as a pipeline installs them only for an
            // address column: loading them costs about 100 ms, on every incremental update of the register.
            if (readsReferenceTables(model)) {
                ReferenceTables.install(db);
            } else {
                Standardizers.install(db);
            }
            // The model's SQL (column expressions, blocking rules, custom levels) runs on a sealed
            // connection: it reads the inputs and labels named here and writes only to the scratch folder.
            List<Path> readable = new ArrayList<>();
            model.inputs().forEach(input -> readable.add(input.path()));
            if (model.training() != null && model.training().labelledPairs() != null) {
                readable.add(model.training().labelledPairs());
            }
            DuckDbConnections.lock(db, new Lockdown(List.of(scratch), readable, Duration.ofHours(12)));
            linker.prepare();
            return linker;
        } catch (SQLException e) {
            linker.close();
            throw new LinkageException("Cannot prepare DuckDB: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            linker.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------- inputs

    private void prepare() {
        List<Input> inputs = model.inputs();
        List<String> selects = new ArrayList<>();
        execute("CREATE TABLE inputs (_input INTEGER, name VARCHAR)");
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            execute("INSERT INTO inputs VALUES (" + i + ", " + literal(input.name()) + ")");
            if (!Files.isRegularFile(input.path())) {
                throw new LinkageException("Input " + input.name() + ": no file at " + input.path());
            }
            String view = "src_" + i;
            try (Statement s = db.createStatement()) {
                s.execute("CREATE VIEW raw_" + i + " AS SELECT * FROM " + reader(input));
            } catch (SQLException e) {
                throw readFailure("input " + input.name() + " (" + input.path() + ")", e);
            }
            List<String[]> typed = describe(input, "raw_" + i);
            List<String> fileColumns = typed.stream().map(c -> c[0]).toList();
            // Blank text is missing: the column expressions read null, as a comparison or a rule would.
            execute("CREATE VIEW " + view + " AS SELECT * " + blankAsNull(typed) + " FROM raw_" + i);
            if (!fileColumns.contains(input.id())) {
                throw new LinkageException("Input " + input.name() + ": id column " + input.id()
                        + " is not in the file; its columns are " + fileColumns);
            }
            Set<String> needed = neededColumns();
            StringBuilder select = new StringBuilder(
                    "SELECT " + i + " AS _input, CAST(" + identifier(input.id()) + " AS VARCHAR) AS _id");
            if (input.columns().isEmpty()) {
                for (String column : needed) {
                    if (!fileColumns.contains(column)) {
                        throw new LinkageException("Input " + input.name() + ": column " + column
                                + " is used by the model but not in the file; its columns are " + fileColumns
                                + ". Map it under the input's columns:");
                    }
                }
                select.append(", * EXCLUDE (").append(identifier(input.id())).append(")");
            } else {
                for (String column : needed) {
                    if (!input.columns().containsKey(column)) {
                        throw new LinkageException("Input " + input.name() + ": columns has no entry for " + column
                                + ", which the model uses");
                    }
                }
                for (var entry : input.columns().entrySet()) {
                    String expression = entry.getValue();
                    try (Statement s = db.createStatement()) {
                        s.execute("SELECT " + expression + " FROM " + view + " LIMIT 0");
                    } catch (SQLException e) {
                        throw new LinkageException(
                                "Input " + input.name() + ": the expression for column "
                                        + entry.getKey() + " (" + expression + ") does not work on the file's columns "
                                        + fileColumns + ": " + firstLine(e),
                                e);
                    }
                    select.append(", ").append(expression).append(" AS ").append(identifier(entry.getKey()));
                }
            }
            selects.add(select.append(" FROM ").append(view).toString());
            lineage.record(i, input, fileColumns, db);
        }
        try (Statement s = db.createStatement()) {
            s.execute("CREATE VIEW loaded AS " + String.join(" UNION ALL BY NAME ", selects));
        } catch (SQLException e) {
            throw readFailure("the inputs", e);
        }
        List<String[]> loaded = describe(inputs.get(0), "loaded");
        Set<String> dateColumns = dateColumns();
        List<String> replacements = new ArrayList<>();
        for (String[] column : loaded) {
            String name = column[0];
            if (name.startsWith("_") && !name.equals("_id")) {
                continue;
            }
            String quoted = identifier(name);
            if (dateColumns.contains(name) && !column[1].equals("DATE")) {
                replacements.add(asDate(quoted, column[1]) + " AS " + quoted);
            } else if (column[1].equals("VARCHAR")) {
                replacements.add(blankAsNull(quoted) + " AS " + quoted);
            }
        }
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE records AS SELECT row_number() OVER (ORDER BY _input, _id) AS _rid, * FROM ("
                    + "SELECT *" + (replacements.isEmpty() ? "" : " REPLACE (" + String.join(", ", replacements) + ")")
                    + " FROM loaded)");
        } catch (SQLException e) {
            throw readFailure("the inputs", e);
        }
        countUnreadableDates(loaded, dateColumns);
        RuleColumns.check(
                model,
                describe(inputs.get(0), "records").stream().map(c -> c[0]).toList(),
                inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Input input = inputs.get(i);
            long rows = scalar("SELECT count(*) FROM records WHERE _input = " + i);
            if (rows == 0) {
                throw new LinkageException("Input " + input.name() + " has no rows");
            }
            long nullIds = scalar("SELECT count(*) FROM records WHERE _input = " + i + " AND _id IS NULL");
            if (nullIds > 0) {
                throw new LinkageException("Input " + input.name() + ": " + nullIds + " rows have no " + input.id());
            }
            long duplicates = scalar("SELECT count(*) - count(DISTINCT _id) FROM records WHERE _input = " + i);
            if (duplicates > 0) {
                throw new LinkageException("Input " + input.name() + ": id column " + input.id() + " is not unique ("
                        + duplicates + " repeated values)");
            }
            for (Comparison c : model.comparisons()) {
                if (scalar("SELECT count(" + identifier(c.column()) + ") FROM records WHERE _input = " + i) == 0) {
                    String unreadable = unreadableDates.stream()
                            .filter(u ->
                                    u.input().equals(input.name()) && u.column().equals(c.column()))
                            .map(u -> " (" + u.values() + " values are not dates in a shape read: yyyy-MM-dd, "
                                    + "yyyyMMdd, dd/MM/yyyy; parse them in columns, e.g. (std_date(x)).value)")
                            .findFirst()
                            .orElse("");
                    throw new LinkageException("Input " + input.name() + ": column " + c.column()
                            + " is empty in every row" + unreadable + ", so comparison " + c.name()
                            + " has nothing to learn from; fix the column mapping or drop the comparison");
                }
            }
        }
        if (model.mode() == Mode.LINK_AND_DEDUPE) {
            // Both sides are the union of all inputs; l._rid < r._rid keeps each unordered pair once.
            leftCount = scalar("SELECT count(*) FROM records");
            rightCount = leftCount;
            execute("CREATE VIEW l_side AS SELECT * FROM records");
            execute("CREATE VIEW r_side AS SELECT * FROM records");
            return;
        }
        leftCount = scalar("SELECT count(*) FROM records WHERE _input = 0");
        int right = model.mode() == Mode.LINK ? 1 : 0;
        rightCount = scalar("SELECT count(*) FROM records WHERE _input = " + right);
        execute("CREATE VIEW l_side AS SELECT * FROM records WHERE _input = 0");
        execute("CREATE VIEW r_side AS SELECT * FROM records WHERE _input = " + right);
    }

    /** Whether a rule decides a comparison ({@link ColumnLineage#decides}): training leaves it out of that rule's EM run. */
    boolean ruleDecides(String rule, Comparison comparison) {
        return lineage.decides(rule, comparison);
    }

    /**
     * Whether a column expression names a reference table. Every one is called {@code ref_…}, so a
     * miss is impossible; a column that merely starts so costs only the ~100 ms of loading them.
     */
    private static boolean readsReferenceTables(LinkageModel model) {
        return model.inputs().stream()
                .flatMap(input -> input.columns().values().stream())
                .anyMatch(expression -> expression.toLowerCase(Locale.ROOT).contains("ref_"));
    }

    /**
     * Columns a comparison with a date level reads: they are read as dates when the records are loaded.
     * A comparison with {@code date_partial} keeps its text ('yyyy', 'yyyy-MM', 'yyyy-MM-dd'), which a
     * date would lose; its other date levels read the whole dates among them.
     */
    private Set<String> dateColumns() {
        Set<String> columns = new java.util.LinkedHashSet<>();
        for (Comparison c : model.comparisons()) {
            if (c.levels().stream().anyMatch(l -> DATE_LEVELS.contains(l.kind()))
                    && c.levels().stream().noneMatch(l -> l.kind() == LevelKind.DATE_PARTIAL)) {
                columns.add(c.column());
            }
        }
        return columns;
    }

    private static final Set<LevelKind> DATE_LEVELS =
            Set.of(LevelKind.DATE_ONE_COMPONENT, LevelKind.DATE_DAY_MONTH_SWAPPED, LevelKind.DATE_SAME_YEAR);

    /**
     * A column as a DATE: timestamps lose their time of day; anything else is read as text in one of
     * three shapes (ISO yyyy-MM-dd, yyyyMMdd, dd/MM/yyyy), and is null when it is none of them or
     * not a real date (31/02/1990).
     */
    static String asDate(String column, String type) {
        if (type.startsWith("TIMESTAMP")) {
            return "CAST(" + column + " AS DATE)";
        }
        String t = "trim(CAST(" + column + " AS VARCHAR))";
        return "CASE WHEN regexp_full_match(" + t + ", '\\d{4}-\\d{1,2}-\\d{1,2}') THEN CAST(try_strptime(" + t
                + ", '%Y-%m-%d') AS DATE)"
                + " WHEN regexp_full_match(" + t + ", '\\d{8}') THEN CAST(try_strptime(" + t + ", '%Y%m%d') AS DATE)"
                + " WHEN regexp_full_match(" + t + ", '\\d{1,2}/\\d{1,2}/\\d{4}') THEN CAST(try_strptime(" + t
                + ", '%d/%m/%Y') AS DATE) END";
    }

    /** Counts, per input and date column, the non-blank values that could not be read as dates. */
    private void countUnreadableDates(List<String[]> loaded, Set<String> dateColumns) {
        unreadableDates = new ArrayList<>();
        for (String[] column : loaded) {
            if (!dateColumns.contains(column[0]) || column[1].equals("DATE") || column[1].startsWith("TIMESTAMP")) {
                continue;
            }
            String quoted = identifier(column[0]);
            String text = "CAST(" + quoted + " AS VARCHAR)";
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery("SELECT i.name, count(*) FROM loaded x JOIN inputs i USING (_input)"
                            + " WHERE " + blankAsNull(text) + " IS NOT NULL AND " + asDate(quoted, column[1])
                            + " IS NULL GROUP BY x._input, i.name ORDER BY x._input")) {
                while (rs.next()) {
                    unreadableDates.add(new UnreadableDates(rs.getString(1), column[0], rs.getLong(2)));
                }
            } catch (SQLException e) {
                throw readFailure("the dates of column " + column[0], e);
            }
        }
        for (UnreadableDates u : unreadableDates) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Input {0}: {1} values of column {2} are not dates in a shape read "
                            + "(yyyy-MM-dd, yyyyMMdd, dd/MM/yyyy) and count as missing",
                    u.input(),
                    u.values(),
                    u.column());
        }
    }

    /**
     * Per input and column compared as dates, how many values were not blank but could not be read
     * as dates (so they count as missing); empty when every date was read.
     */
    public List<UnreadableDates> unreadableDates() {
        return List.copyOf(unreadableDates);
    }

    private Set<String> neededColumns() {
        Set<String> needed = new java.util.LinkedHashSet<>();
        model.comparisons().forEach(c -> needed.add(c.column()));
        if (model.clustering().conflictingId() != null) {
            needed.add(model.clustering().conflictingId());
        }
        return needed;
    }

    private static String reader(Input input) {
        String path = literal(input.path().toAbsolutePath().toString());
        return switch (input.format()) {
            case "parquet" -> "read_parquet(" + path + ")";
            case "jsonl" -> "read_json(" + path + ", format = 'newline_delimited')";
            // all_varchar: identity numbers keep their leading zeros; types come from the column expressions.
            default -> "read_csv(" + path + ", header = true, all_varchar = true)";
        };
    }

    /** Blank or whitespace-only text (spaces, tabs, line breaks, no-break spaces) reads as null. */
    static String blankAsNull(String column) {
        return "CASE WHEN regexp_full_match(" + column + ", '[\\s\\p{Z}]*') THEN NULL ELSE " + column + " END";
    }

    /** {@code REPLACE (...)} turning the blanks of every text column into nulls, or nothing. */
    private static String blankAsNull(List<String[]> typed) {
        List<String> replacements = new ArrayList<>();
        for (String[] column : typed) {
            if (column[1].equals("VARCHAR")) {
                String quoted = identifier(column[0]);
                replacements.add(blankAsNull(quoted) + " AS " + quoted);
            }
        }
        return replacements.isEmpty() ? "" : "REPLACE (" + String.join(", ", replacements) + ")";
    }

    /** Name and type of each column of a table or view. */
    private List<String[]> describe(Input input, String view) {
        List<String[]> columns = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE " + view)) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        } catch (SQLException e) {
            throw readFailure("input " + input.name(), e);
        }
        return columns;
    }

    static LinkageException readFailure(String what, SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.toLowerCase(Locale.ROOT).contains("unicode")
                || message.toLowerCase(Locale.ROOT).contains("utf-8")) {
            return new LinkageException(
                    "Cannot read " + what + ": the text is not UTF-8. Convert it first "
                            + "(agency exports are often Windows-1258: decode it and normalise to NFC)",
                    e);
        }
        return new LinkageException("Cannot read " + what + ": " + firstLine(e), e);
    }

    // ---------------------------------------------------------------- blocking

    private String pairCondition() {
        return model.mode() == Mode.LINK ? "TRUE" : "l._rid < r._rid";
    }

    /**
     * Pairs a rule would produce, from block sizes alone: Σ n_l(b)·n_r(b) over the blocks its equality
     * conditions define (halved when deduplicating, as each unordered pair counts once). A rule with no
     * equality between an l-side and an r-side expression is a cartesian product.
     */
    long estimatePairs(String rule) {
        List<BlockingRules.EquiKey> keys = BlockingRules.equiKeys(rule);
        double divisor = model.mode() == Mode.LINK ? 1.0 : 2.0;
        if (keys.isEmpty()) {
            return (long) (leftCount * (double) rightCount / divisor);
        }
        StringBuilder left = new StringBuilder("SELECT ");
        StringBuilder right = new StringBuilder("SELECT ");
        StringBuilder on = new StringBuilder();
        StringBuilder leftNotNull = new StringBuilder();
        StringBuilder rightNotNull = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            String sep = i == 0 ? "" : ", ";
            String and = i == 0 ? "" : " AND ";
            left.append(sep)
                    .append("(")
                    .append(keys.get(i).leftKey())
                    .append(") AS k")
                    .append(i);
            right.append(sep)
                    .append("(")
                    .append(keys.get(i).rightKey())
                    .append(") AS k")
                    .append(i);
            on.append(and).append("a.k").append(i).append(" = b.k").append(i);
            leftNotNull.append(and).append("(").append(keys.get(i).leftKey()).append(") IS NOT NULL");
            rightNotNull.append(and).append("(").append(keys.get(i).rightKey()).append(") IS NOT NULL");
        }
        String sql = "SELECT coalesce(sum(a.n * b.n), 0) FROM ("
                + left + ", count(*)::DOUBLE AS n FROM l_side l WHERE " + leftNotNull + " GROUP BY ALL) a JOIN ("
                + right + ", count(*)::DOUBLE AS n FROM r_side r WHERE " + rightNotNull + " GROUP BY ALL) b ON " + on;
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return (long) (rs.getDouble(1) / divisor);
        } catch (SQLException e) {
            throw new LinkageException(
                    "Blocking rule \"" + rule + "\" is not valid SQL on the columns " + columnNames() + ": "
                            + firstLine(e),
                    e);
        }
    }

    private void checkSize(String rule, String what) {
        long estimate = estimatePairs(rule);
        if (estimate > model.maxPairsPerRule()) {
            throw new LinkageException(String.format(
                    Locale.ROOT,
                    "%s \"%s\" would produce about %,d pairs, more than the limit of %,d. Make it more selective "
                            + "(add an equality on another column with AND, e.g. l.dob = r.dob, or compare a prefix "
                            + "such as substr(l.name, 1, 4) = substr(r.name, 1, 4)), split it into several narrower "
                            + "rules, or raise limits.max_pairs_per_rule if the machine can take it",
                    what,
                    rule,
                    estimate,
                    model.maxPairsPerRule()));
        }
    }

    /** Candidate pairs (the union of every rule's pairs, deduplicated) and their comparison vectors. */
    private void ensureVectors() {
        if (vectorsReady) {
            return;
        }
        List<String> rules = model.blockingRules();
        List<String> emRules = emRules();
        List<String> unions = new ArrayList<>();
        for (String rule : rules) {
            checkSize(rule, "Blocking rule");
            unions.add("SELECT l._rid AS rid_l, r._rid AS rid_r FROM l_side l JOIN r_side r ON (" + rule + ") AND "
                    + pairCondition());
        }
        executeRule("CREATE OR REPLACE TABLE candidates AS " + String.join(" UNION ", unions), rules);
        StringBuilder vectors = new StringBuilder("CREATE OR REPLACE TABLE vectors AS SELECT c.rid_l, c.rid_r");
        for (int i = 0; i < emRules.size(); i++) {
            // Which EM rule a pair satisfies, so each EM run sees exactly that rule's pairs.
            vectors.append(", coalesce((")
                    .append(emRules.get(i))
                    .append("), false) AS _em")
                    .append(i);
        }
        for (Comparison c : model.comparisons()) {
            vectors.append(", ").append(ComparisonSql.gamma(c)).append(" AS ").append(ComparisonSql.gammaColumn(c));
        }
        vectors.append(" FROM candidates c JOIN records l ON l._rid = c.rid_l JOIN records r ON r._rid = c.rid_r");
        executeRule(vectors.toString(), emRules);
        vectorsReady = true;
    }

    private List<String> emRules() {
        return Training.emRules(model);
    }

    // ---------------------------------------------------------------- training

    /**
     * Estimates λ, u and m without labels (see docs/linkage.md, "Training"): λ from the deterministic
     * rules, u from seeded random pairs, m by EM over each EM rule's pairs with u held fixed. A
     * comparison whose column a rule mentions, or shares a file column with a column the rule
     * mentions, is left out of that rule's EM run: the rule's pairs agree on it by construction (or
     * mostly, for a derived column), so it would teach m nothing or skew it. With
     * {@code training.labelled_pairs}, m comes from the labelled matches instead and no EM runs.
     */
    public LinkageParameters train() {
        ensureVectors();
        if (model.training().labelledPairs() != null) {
            return trainFromLabels(model.training().labelledPairs());
        }
        return Training.unsupervised(model, this::ruleDecides, leftCount, rightCount, measurements);
    }

    /**
     * Estimates m from the comparison vectors of labelled matches: per level (count + α) ÷ (matches
     * with a non-null value + α·levels), α = {@value Training#LABEL_SMOOTHING}, so a level no labelled match
     * falls in keeps a small m instead of 0. λ comes from the deterministic rules when there are any,
     * else from the share of matches among the labelled pairs that blocking made candidates, times
     * the candidate count. u is measured on random pairs, as without labels.
     */
    private LinkageParameters trainFromLabels(Path file) {
        long labelled = loadLabels(file);
        long matches = scalar("SELECT count(*) FROM labelled WHERE is_match");
        Training.requireMatches(file, matches);
        double lambda = model.training().deterministicRules().isEmpty()
                ? Training.lambdaFromLabels(
                        file,
                        scalar(
                                "SELECT count(*) FROM labelled x JOIN candidates c ON c.rid_l = x.rid_l AND c.rid_r = x.rid_r"),
                        scalar(
                                "SELECT count(*) FROM labelled x JOIN candidates c ON c.rid_l = x.rid_l AND c.rid_r = x.rid_r"
                                        + " WHERE x.is_match"),
                        scalar("SELECT count(*) FROM candidates"),
                        totalPairs())
                : Training.lambda(model, measurements, totalPairs());
        double[][] u = Training.u(model, measurements, leftCount, rightCount);
        List<Comparison> comparisons = model.comparisons();
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMP TABLE labelled_vectors AS SELECT ");
        for (int c = 0; c < comparisons.size(); c++) {
            sql.append(c == 0 ? "" : ", ")
                    .append(ComparisonSql.gamma(comparisons.get(c)))
                    .append(" AS ")
                    .append(ComparisonSql.gammaColumn(comparisons.get(c)));
        }
        sql.append(
                " FROM labelled x JOIN records l ON l._rid = x.rid_l JOIN records r ON r._rid = x.rid_r WHERE x.is_match");
        execute(sql.toString());
        long[][] counts = levelCounts("labelled_vectors", "Cannot count labelled matches");
        execute("DROP TABLE labelled_vectors");
        return Training.fromLabels(model, file, labelled, matches, lambda, u, counts);
    }

    /** Per comparison, how many rows of {@code table} (its gamma columns) are at each level, nulls not counted. */
    private long[][] levelCounts(String table, String failure) {
        List<Comparison> comparisons = model.comparisons();
        long[][] counts = new long[comparisons.size()][];
        for (int c = 0; c < comparisons.size(); c++) {
            counts[c] = new long[comparisons.get(c).levels().size() + 1];
            String g = ComparisonSql.gammaColumn(comparisons.get(c));
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT " + g + ", count(*) FROM " + table + " WHERE " + g + " >= 0 GROUP BY " + g)) {
                while (rs.next()) {
                    counts[c][rs.getInt(1)] = rs.getLong(2);
                }
            } catch (SQLException e) {
                throw new LinkageException(failure + ": " + firstLine(e), e);
            }
        }
        return counts;
    }

    /** Reads the labelled pairs into table labelled ({@link LabelledPairs}); returns how many distinct pairs. */
    private long loadLabels(Path file) {
        LabelledPairs labels = new LabelledPairs(db, model, file);
        labels.read();
        return labels.resolve();
    }

    private List<String> strings(String sql) {
        return LabelledPairs.strings(db, sql);
    }

    private double totalPairs() {
        return Training.totalPairs(model, leftCount, rightCount);
    }

    /** Training's aggregates, measured in DuckDB over the records here. */
    private final Training.Measurements measurements = new Training.Measurements() {

        @Override
        public long deterministicPairs(List<String> rules) {
            List<String> unions = new ArrayList<>();
            for (String rule : rules) {
                checkSize(rule, "Deterministic rule");
                unions.add(
                        "SELECT l._rid, r._rid FROM l_side l JOIN r_side r ON (" + rule + ") AND " + pairCondition());
            }
            return scalarRule("SELECT count(*) FROM (" + String.join(" UNION ", unions) + ")", rules);
        }

        @Override
        public long[][] randomPairLevels(long leftRows, long rightRows, long seed) {
            StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMP TABLE u_sample AS SELECT ");
            List<Comparison> comparisons = model.comparisons();
            for (int c = 0; c < comparisons.size(); c++) {
                sql.append(c == 0 ? "" : ", ")
                        .append(ComparisonSql.gamma(comparisons.get(c)))
                        .append(" AS ")
                        .append(ComparisonSql.gammaColumn(comparisons.get(c)));
            }
            sql.append(" FROM (SELECT * FROM l_side ORDER BY ")
                    .append(sampleOrder(seed))
                    .append(" LIMIT ")
                    .append(leftRows)
                    .append(") l CROSS JOIN (SELECT * FROM r_side ORDER BY ")
                    .append(sampleOrder(seed + 1))
                    .append(" LIMIT ")
                    .append(rightRows)
                    .append(") r WHERE l._rid <> r._rid");
            execute(sql.toString());
            long[][] counts = levelCounts("u_sample", "Cannot measure u");
            execute("DROP TABLE u_sample");
            return counts;
        }

        @Override
        public long emPairs(int rule) {
            return scalar("SELECT count(*) FROM vectors WHERE _em" + rule);
        }

        @Override
        public List<Training.Pattern> emPatterns(int rule, List<Integer> used) {
            StringBuilder columns = new StringBuilder();
            for (int c : used) {
                columns.append(columns.length() == 0 ? "" : ", ")
                        .append(ComparisonSql.gammaColumn(model.comparisons().get(c)));
            }
            List<Training.Pattern> patterns = new ArrayList<>();
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT " + columns + ", count(*) FROM vectors WHERE _em" + rule + " GROUP BY ALL")) {
                while (rs.next()) {
                    int[] levels = new int[used.size()];
                    for (int j = 0; j < levels.length; j++) {
                        levels[j] = rs.getInt(j + 1);
                    }
                    patterns.add(new Training.Pattern(levels, rs.getLong(used.size() + 1)));
                }
            } catch (SQLException e) {
                throw new LinkageException("Cannot collect the comparison patterns for EM: " + firstLine(e), e);
            }
            return patterns;
        }
    };

    /** {@link Training#SAMPLE_ORDER} in DuckDB's SQL. */
    private static String sampleOrder(long seed) {
        return "md5(CAST(_rid AS VARCHAR) || ':" + seed + "'), _rid";
    }

    // ---------------------------------------------------------------- prediction

    /**
     * Scores every candidate pair: weight = log2(λ/(1−λ)) + Σ log2(m/u) of each comparison's level
     * (an exact level with term frequency uses the value's frequency as u, so a rare shared name says
     * more than a common one). Returns the number of scored pairs.
     */
    public long predict(LinkageParameters parameters) {
        ensureVectors();
        List<Comparison> comparisons = model.comparisons();
        List<String> ctes = new ArrayList<>();
        StringBuilder weights = new StringBuilder();
        StringBuilder joins = new StringBuilder();
        StringBuilder sum = new StringBuilder().append(ComparisonSql.dbl(parameters.priorWeight()));
        parameters.checkFits(model);
        for (Comparison c : comparisons) {
            ComparisonParameters p = parameters.comparison(c.name());
            if (p.levels().size() != c.levels().size() + 1) {
                throw new LinkageException("The parameters of comparison " + c.name()
                        + " have a different number of levels than the model: train again");
            }
            String w = identifier("w_" + c.name());
            StringBuilder cases = new StringBuilder(
                    "CASE v." + ComparisonSql.gammaColumn(c) + " WHEN " + ComparisonSql.NULL_LEVEL + " THEN 0.0");
            for (int k = 0; k < p.levels().size(); k++) {
                LevelParameters level = p.levels().get(k);
                boolean tf = k < c.levels().size()
                        && c.levels().get(k).kind() == LevelKind.EXACT
                        && c.levels().get(k).termFrequency();
                if (tf) {
                    String tfTable = identifier("tf_" + c.name());
                    ctes.add(tfTable + " AS (SELECT " + identifier(c.column())
                            + " AS v, count(*) / sum(count(*)) OVER () AS tf" + " FROM records WHERE "
                            + identifier(c.column()) + " IS NOT NULL GROUP BY 1)");
                    joins.append(" LEFT JOIN ")
                            .append(tfTable)
                            .append(" ON ")
                            .append(tfTable)
                            .append(".v = l.")
                            .append(identifier(c.column()));
                    cases.append(" WHEN ")
                            .append(k)
                            .append(" THEN log2(")
                            .append(ComparisonSql.dbl(level.m()))
                            .append(" / greatest(")
                            .append(tfTable)
                            .append(".tf, ")
                            .append(ComparisonSql.dbl(MIN_PROBABILITY))
                            .append("))");
                } else {
                    cases.append(" WHEN ").append(k).append(" THEN ").append(ComparisonSql.dbl(level.weight()));
                }
            }
            weights.append(", ").append(cases).append(" END AS ").append(w);
            sum.append(" + ").append(w);
        }
        String sql = "CREATE OR REPLACE TABLE predictions AS "
                + (ctes.isEmpty() ? "" : "WITH " + String.join(", ", ctes) + " ")
                + "SELECT *, 1.0 / (1.0 + pow(2.0, -match_weight)) AS match_probability FROM ("
                + "SELECT *, " + sum + " AS match_weight FROM ("
                + "SELECT v.* EXCLUDE (" + emColumns() + ")" + weights
                + " FROM vectors v JOIN records l ON l._rid = v.rid_l" + joins + "))";
        execute(sql);
        predicted = true;
        clustered = false;
        return scalar("SELECT count(*) FROM predictions");
    }

    private String emColumns() {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < emRules().size(); i++) {
            columns.add("_em" + i);
        }
        return String.join(", ", columns);
    }

    /** Scored pairs at or above a probability, strongest first, each explained field by field. */
    public List<ScoredPair> pairs(double minProbability, int limit) {
        return pairs(minProbability, Double.POSITIVE_INFINITY, limit);
    }

    /**
     * Scored pairs with a probability from {@code minProbability} up to but not including
     * {@code belowProbability}, strongest first, each explained field by field: e.g. the uncertain band a
     * clerical review asks about, which at national scale lies far below the first million certain pairs.
     */
    public List<ScoredPair> pairs(double minProbability, double belowProbability, int limit) {
        requirePredicted();
        List<Comparison> comparisons = model.comparisons();
        StringBuilder sql =
                new StringBuilder("SELECT il.name, l._id, ir.name, r._id, p.match_weight, p.match_probability");
        for (Comparison c : comparisons) {
            sql.append(", p.")
                    .append(ComparisonSql.gammaColumn(c))
                    .append(", p.")
                    .append(identifier("w_" + c.name()));
        }
        sql.append(" FROM predictions p JOIN records l ON l._rid = p.rid_l JOIN records r ON r._rid = p.rid_r")
                .append(" JOIN inputs il ON il._input = l._input JOIN inputs ir ON ir._input = r._input")
                .append(" WHERE p.match_probability >= ")
                .append(minProbability)
                .append(Double.isInfinite(belowProbability) ? "" : " AND p.match_probability < " + belowProbability)
                .append(" ORDER BY p.match_weight DESC, l._id, r._id LIMIT ")
                .append(Math.max(0, limit));
        double prior = Double.NaN;
        List<ScoredPair> pairs = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql.toString())) {
            while (rs.next()) {
                List<Contribution> contributions = new ArrayList<>();
                double sumOfContributions = 0;
                for (int c = 0; c < comparisons.size(); c++) {
                    int level = rs.getInt(7 + 2 * c);
                    double weight = rs.getDouble(8 + 2 * c);
                    sumOfContributions += weight;
                    contributions.add(
                            new Contribution(comparisons.get(c).name(), levelLabel(comparisons.get(c), level), weight));
                }
                double matchWeight = rs.getDouble(5);
                prior = matchWeight - sumOfContributions;
                pairs.add(new ScoredPair(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        prior,
                        contributions,
                        matchWeight,
                        rs.getDouble(6)));
            }
        } catch (SQLException e) {
            throw new LinkageException("Cannot read predictions: " + firstLine(e), e);
        }
        return pairs;
    }

    /**
     * How many scored pairs fall in each bin of match weight, over all of them (counted in the database,
     * never read out): bin {@code b} holds weights in {@code [b, b + width)}, clamped to {@code ±limit}.
     */
    public java.util.SortedMap<Integer, Long> weightHistogram(int width, int limit) {
        requirePredicted();
        if (width <= 0 || limit <= 0) {
            throw new IllegalArgumentException("width and limit must be positive");
        }
        java.util.SortedMap<Integer, Long> bins = new java.util.TreeMap<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT greatest(-" + limit + ", least(" + limit
                        + ", CAST(floor(match_weight / " + width + ") AS INTEGER) * " + width
                        + ")) AS bin, count(*) FROM predictions GROUP BY bin ORDER BY bin")) {
            while (rs.next()) {
                bins.put(rs.getInt(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new LinkageException("Cannot count predictions: " + firstLine(e), e);
        }
        return bins;
    }

    private static String levelLabel(Comparison c, int level) {
        return c.levelLabel(level);
    }

    /** Writes scored pairs (ids, each comparison's level and weight, total) as Parquet or, by extension, CSV. */
    public void writePredictions(Path file) {
        requirePredicted();
        StringBuilder columns = new StringBuilder();
        for (Comparison c : model.comparisons()) {
            columns.append(", p.")
                    .append(ComparisonSql.gammaColumn(c))
                    .append(", p.")
                    .append(identifier("w_" + c.name()));
        }
        copy(
                "SELECT il.name AS source_l, l._id AS id_l, ir.name AS source_r, r._id AS id_r" + columns
                        + ", p.match_weight, p.match_probability FROM predictions p JOIN records l ON l._rid = p.rid_l"
                        + " JOIN records r ON r._rid = p.rid_r JOIN inputs il ON il._input = l._input"
                        + " JOIN inputs ir ON ir._input = r._input",
                file);
    }

    // ---------------------------------------------------------------- clustering

    /**
     * Groups records into entities: connected components over the pairs at or above
     * {@code threshold}, found by label propagation (each record takes the smallest label among
     * itself and its neighbours until nothing changes). With {@code clustering.conflicting_id} set, a
     * cluster never holds two different values of that column; see docs/linkage.md for the rule.
     * Returns the number of clusters, singletons included.
     */
    public long cluster(double threshold) {
        requirePredicted();
        String id = model.clustering().conflictingId();
        String conflict = id == null ? "FALSE" : idsConflict("l." + identifier(id), "r." + identifier(id));
        execute("CREATE OR REPLACE TABLE edges AS SELECT a, b, w FROM ("
                + "SELECT p.rid_l AS a, p.rid_r AS b, p.match_weight AS w FROM predictions p"
                + " JOIN records l ON l._rid = p.rid_l JOIN records r ON r._rid = p.rid_r"
                + " WHERE p.match_probability >= " + threshold + " AND NOT " + conflict + ")"
                + " UNION ALL SELECT b, a, w FROM (SELECT p.rid_l AS a, p.rid_r AS b, p.match_weight AS w FROM predictions p"
                + " JOIN records l ON l._rid = p.rid_l JOIN records r ON r._rid = p.rid_r"
                + " WHERE p.match_probability >= " + threshold + " AND NOT " + conflict + ")");
        execute("CREATE OR REPLACE TABLE labels AS SELECT _rid AS rid, _rid AS c FROM records");
        long records = leftCount + (model.mode() == Mode.LINK ? rightCount : 0);
        for (long round = 0; round <= records; round++) {
            execute(
                    "CREATE OR REPLACE TABLE labels_next AS SELECT x.rid, least(x.c, coalesce(min(n.c), x.c)) AS c"
                            + " FROM labels x LEFT JOIN edges e ON e.a = x.rid LEFT JOIN labels n ON n.rid = e.b GROUP BY x.rid, x.c");
            long changed =
                    scalar("SELECT count(*) FROM labels_next JOIN labels USING (rid) WHERE labels_next.c <> labels.c");
            execute("DROP TABLE labels");
            execute("ALTER TABLE labels_next RENAME TO labels");
            if (changed == 0) {
                break;
            }
        }
        if (id == null) {
            execute("CREATE OR REPLACE TABLE clusters AS SELECT rid, c AS rep FROM labels");
        } else {
            splitConflictingComponents(identifier(id));
        }
        clustered = true;
        return scalar("SELECT count(DISTINCT rep) FROM clusters");
    }

    /**
     * Two IDs conflict when both are present and differ; when typos are tolerated, not if they are
     * one digit apart or two neighbouring digits are swapped.
     */
    private String idsConflict(String a, String b) {
        String differ = "coalesce(" + a + " <> " + b + ", false)";
        if (!model.clustering().toleratesIdTypo()) {
            return differ;
        }
        Level oneDigit = new Level(LevelKind.ID_ONE_DIGIT, 0, false, null);
        Level transposition = new Level(LevelKind.ID_TRANSPOSITION, 0, false, null);
        return "(" + differ + " AND NOT coalesce(" + ComparisonSql.condition(oneDigit, a, b) + " OR "
                + ComparisonSql.condition(transposition, a, b) + ", false))";
    }

    /**
     * Edges between records with conflicting IDs are already gone, but a chain through records without
     * an ID (A:id1 – B:null – C:id2) can still join two people. Such a component is split: one cluster
     * per ID value; a record without an ID joins the cluster of its strongest direct neighbour that has
     * one (ties: the smaller cluster); records with no such neighbour form one cluster of their own.
     */
    private void splitConflictingComponents(String id) {
        execute("CREATE OR REPLACE TABLE clusters AS WITH "
                + "ids AS (SELECT x.rid, x.c, r." + id + " AS k FROM labels x JOIN records r ON r._rid = x.rid), "
                + "conflicted AS (SELECT DISTINCT a.c FROM ids a JOIN ids b ON a.c = b.c AND a.k < b.k"
                + "  WHERE " + idsConflict("a.k", "b.k") + "), "
                + "keyed AS (SELECT rid, min(rid) OVER (PARTITION BY c, k) AS rep FROM ids"
                + "  WHERE c IN (SELECT c FROM conflicted) AND k IS NOT NULL), "
                + "attached AS (SELECT i.rid, first(kn.rep ORDER BY e.w DESC, kn.rep) AS rep FROM ids i"
                + "  JOIN edges e ON e.a = i.rid JOIN keyed kn ON kn.rid = e.b"
                + "  WHERE i.c IN (SELECT c FROM conflicted) AND i.k IS NULL GROUP BY i.rid), "
                + "rest AS (SELECT rid, min(rid) OVER (PARTITION BY c) AS rep FROM ids"
                + "  WHERE c IN (SELECT c FROM conflicted) AND k IS NULL AND rid NOT IN (SELECT rid FROM attached)) "
                + "SELECT rid, c AS rep FROM ids WHERE c NOT IN (SELECT c FROM conflicted) "
                + "UNION ALL SELECT rid, rep FROM keyed UNION ALL SELECT rid, rep FROM attached "
                + "UNION ALL SELECT rid, rep FROM rest");
    }

    /** Every record with its cluster, ordered by cluster then record. */
    public List<ClusterMember> clusters() {
        requireClustered();
        List<ClusterMember> members = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(clusterQuery() + " ORDER BY 3, 1, 2")) {
            while (rs.next()) {
                members.add(new ClusterMember(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw new LinkageException("Cannot read clusters: " + firstLine(e), e);
        }
        return members;
    }

    /** Writes source, record_id, cluster_id as Parquet or, by extension, CSV. */
    public void writeClusters(Path file) {
        requireClustered();
        copy(clusterQuery(), file);
    }

    private static String clusterQuery() {
        return "SELECT i.name AS source, r._id AS record_id, ir.name || ':' || rr._id AS cluster_id FROM clusters k"
                + " JOIN records r ON r._rid = k.rid JOIN inputs i ON i._input = r._input"
                + " JOIN records rr ON rr._rid = k.rep JOIN inputs ir ON ir._input = rr._input";
    }

    // ---------------------------------------------------------------- evaluation

    /**
     * Checks a truth file before any work (see {@link #evaluatePairs}): readable, a header of one of
     * the two layouts, at least one row. The command line calls it before opening the linker.
     */
    public static void checkTruth(LinkageModel model, Path truthCsv) {
        TruthFile.check(truthCsv, model);
    }

    /**
     * Pairwise quality of the scored pairs at or above {@code threshold} against ground truth: a CSV of
     * clusters (source (an input's name), record_id, entity_id, such as synth's truth/record_links.csv)
     * or of true pairs (id_l, id_r, with source_l, source_r unless deduplicating); see docs/linkage.md.
     */
    public Evaluation evaluatePairs(Path truthCsv, double threshold) {
        requirePredicted();
        TruthFile.Layout layout = loadTruth(truthCsv);
        long predictedPairs = scalar("SELECT count(*) FROM predictions WHERE match_probability >= " + threshold);
        long truePositives = layout == TruthFile.Layout.PAIRS
                ? scalar("SELECT count(*) FROM predictions p JOIN truth_pairs t ON t.rid_a = least(p.rid_l, p.rid_r)"
                        + " AND t.rid_b = greatest(p.rid_l, p.rid_r) WHERE p.match_probability >= " + threshold)
                : scalar("SELECT count(*) FROM predictions p JOIN truth a ON a.rid = p.rid_l"
                        + " JOIN truth b ON b.rid = p.rid_r WHERE a.entity = b.entity AND p.match_probability >= "
                        + threshold);
        return evaluation(truePositives, predictedPairs, truePairs(layout));
    }

    /** Pairwise quality of the clusters: every pair inside a cluster counts as predicted. */
    public Evaluation evaluateClusters(Path truthCsv) {
        requireClustered();
        TruthFile.Layout layout = loadTruth(truthCsv);
        long predictedPairs = scalar("SELECT " + pairsIn() + " FROM (SELECT k.rep, "
                + "count(*) AS n, count(*) FILTER (WHERE r._input = 0) AS nl, count(*) FILTER (WHERE r._input = 1) AS nr"
                + " FROM clusters k JOIN records r ON r._rid = k.rid GROUP BY k.rep)");
        long truePositives = layout == TruthFile.Layout.PAIRS
                ? scalar("SELECT count(*) FROM truth_pairs t JOIN clusters a ON a.rid = t.rid_a"
                        + " JOIN clusters b ON b.rid = t.rid_b WHERE a.rep = b.rep")
                : scalar("SELECT " + pairsIn() + " FROM (SELECT k.rep, t.entity, count(*) AS n,"
                        + " count(*) FILTER (WHERE t._input = 0) AS nl, count(*) FILTER (WHERE t._input = 1) AS nr"
                        + " FROM clusters k JOIN truth t ON t.rid = k.rid GROUP BY k.rep, t.entity)");
        return evaluation(truePositives, predictedPairs, truePairs(layout));
    }

    /** Pairs within groups of n records (dedupe, link_and_dedupe), or of nl left and nr right records (link), summed. */
    private String pairsIn() {
        return model.mode() == Mode.LINK
                ? "coalesce(sum(nl * nr), 0)::BIGINT"
                : "coalesce(sum(n * (n - 1) / 2), 0)::BIGINT";
    }

    private long truePairs(TruthFile.Layout layout) {
        if (layout == TruthFile.Layout.PAIRS) {
            return scalar("SELECT count(*) FROM truth_pairs");
        }
        return scalar("SELECT " + pairsIn() + " FROM (SELECT entity, count(*) AS n,"
                + " count(*) FILTER (WHERE _input = 0) AS nl, count(*) FILTER (WHERE _input = 1) AS nr"
                + " FROM truth GROUP BY entity)");
    }

    private static Evaluation evaluation(long truePositives, long predictedPairs, long truePairs) {
        return new Evaluation(truePositives, predictedPairs - truePositives, truePairs - truePositives);
    }

    /**
     * Loads the truth: clusters into {@code truth} (rid, _input, entity); pairs into {@code truth_pairs}
     * (rid_a < rid_b), undirected and deduplicated, keeping only the pairs the mode can produce
     * (across the two inputs for link) and dropping a record paired with itself.
     */
    private TruthFile.Layout loadTruth(Path truthCsv) {
        TruthFile.Layout layout = TruthFile.check(truthCsv, model);
        // The sealed connection reads only its scratch folder: the truth file is copied there first.
        Path copy = scratch.resolve("truth-" + java.util.UUID.randomUUID() + ".csv");
        try {
            Files.copy(truthCsv, copy);
        } catch (java.io.IOException e) {
            throw new LinkageException("Cannot read truth " + truthCsv + ": " + e.getMessage(), e);
        }
        String read = "read_csv(" + literal(copy.toString()) + ", header = true, all_varchar = true)";
        String table;
        try (Statement s = db.createStatement()) {
            if (layout == TruthFile.Layout.PAIRS) {
                table = "truth_pairs";
                boolean sources = scalarColumns(s, read).contains("source_l");
                String left = sources
                        ? " JOIN inputs il ON il.name = t.source_l JOIN records a ON a._input = il._input AND a._id = t.id_l"
                        : " JOIN records a ON a._id = t.id_l";
                String right = sources
                        ? " JOIN inputs ir ON ir.name = t.source_r JOIN records b ON b._input = ir._input AND b._id = t.id_r"
                        : " JOIN records b ON b._id = t.id_r";
                s.execute("CREATE OR REPLACE TABLE truth_pairs AS SELECT DISTINCT least(a._rid, b._rid) AS rid_a,"
                        + " greatest(a._rid, b._rid) AS rid_b FROM " + read + " t" + left + right
                        + " WHERE a._rid <> b._rid" + (model.mode() == Mode.LINK ? " AND a._input <> b._input" : ""));
            } else {
                table = "truth";
                s.execute(
                        "CREATE OR REPLACE TABLE truth AS SELECT r._rid AS rid, r._input, t.entity_id AS entity"
                                + " FROM " + read + " t"
                                + " JOIN inputs i ON i.name = t.source JOIN records r ON r._input = i._input AND r._id = t.record_id");
            }
        } catch (SQLException e) {
            throw new LinkageException("Cannot read truth " + truthCsv + ": " + firstLine(e), e);
        }
        if (scalar("SELECT count(*) FROM " + table) == 0) {
            throw new LinkageException("No truth row names a record of the inputs"
                    + (layout == TruthFile.Layout.PAIRS ? " (or a pair the mode can produce)" : "")
                    + ": its ids must be values of the inputs' id columns and its sources the input names "
                    + model.inputs().stream().map(Input::name).toList());
        }
        return layout;
    }

    private static List<String> scalarColumns(Statement s, String read) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + read)) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    // ---------------------------------------------------------------- plumbing

    private void requirePredicted() {
        if (!predicted) {
            throw new IllegalStateException("Call predict first");
        }
    }

    private void requireClustered() {
        if (!clustered) {
            throw new IllegalStateException("Call cluster first");
        }
    }

    private List<String> columnNames() {
        List<String> names = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE records")) {
            while (rs.next()) {
                if (!rs.getString(1).startsWith("_")) {
                    names.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            return names;
        }
        return names;
    }

    /** Writes into the scratch folder (all the sealed connection may write), then moves the file into place. */
    private void copy(String query, Path file) {
        String format = file.toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv, header true" : "parquet";
        Path partial = scratch.resolve(
                "out-" + java.util.UUID.randomUUID() + (format.startsWith("csv") ? ".csv" : ".parquet"));
        execute("COPY (" + query + ") TO " + literal(partial.toString()) + " (FORMAT " + format + ")");
        try {
            Path target = file.toAbsolutePath();
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new LinkageException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void executeRule(String sql, List<String> rules) {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new LinkageException(
                    "A rule in " + rules + " is not valid SQL on the columns " + columnNames() + ": " + firstLine(e),
                    e);
        }
    }

    private long scalarRule(String sql, List<String> rules) {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new LinkageException(
                    "A rule in " + rules + " is not valid SQL on the columns " + columnNames() + ": " + firstLine(e),
                    e);
        }
    }

    private void execute(String sql) {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new LinkageException("Linkage step failed: " + firstLine(e), e);
        }
    }

    long scalar(String sql) {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new LinkageException("Linkage step failed: " + firstLine(e), e);
        }
    }

    static String firstLine(SQLException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new LinkageException("Cannot close DuckDB: " + e.getMessage(), e);
        }
    }
}
