package vn.datafloor.linkage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.linkage.LinkageModel.Comparison;
import vn.datafloor.linkage.LinkageModel.Input;

/**
 * Which of the files' columns each model column is computed from, so that training can tell which
 * comparisons a blocking rule decides. Both linkers note it as they load their inputs (the Spark linker
 * with a DuckDB of its own, for the parser only): the same model trains the same way on both.
 */
public final class ColumnLineage {

    private static final Pattern COLUMN_NAMES = Pattern.compile("\"column_names\":\\[([^\\]]*)\\]");
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Model column → {@code <input>:<file column>} it is computed from. */
    private final Map<String, Set<String>> sources = new HashMap<>();

    /**
     * Notes which of the file's columns each model column of input {@code i} is computed from: a
     * column the file has as it is comes from itself; a {@code columns} expression from every file
     * column it refers to, as DuckDB's parser ({@code parser}, any DuckDB connection) reads it, so
     * functions, struct fields and quoted text are not mistaken for columns.
     */
    public void record(int i, Input input, List<String> fileColumns, Connection parser) {
        if (input.columns().isEmpty()) {
            for (String column : fileColumns) {
                sources.computeIfAbsent(column, k -> new HashSet<>()).add(i + ":" + column.toLowerCase(Locale.ROOT));
            }
            return;
        }
        Set<String> known = new HashSet<>();
        fileColumns.forEach(c -> known.add(c.toLowerCase(Locale.ROOT)));
        for (var entry : input.columns().entrySet()) {
            Set<String> from = sources.computeIfAbsent(entry.getKey(), k -> new HashSet<>());
            for (String referenced : referencedNames(entry.getValue(), parser)) {
                String name = referenced.toLowerCase(Locale.ROOT);
                if (known.contains(name)) {
                    from.add(i + ":" + name);
                }
            }
        }
    }

    /**
     * The names an expression refers to as columns (every part of {@code t.c} or {@code s.field}), from
     * DuckDB's parse tree; should the parser refuse it, every word outside quotes, which can only
     * name more columns than the expression uses, never fewer.
     */
    private static List<String> referencedNames(String expression, Connection parser) {
        List<String> names = new ArrayList<>();
        String tree = null;
        try (Statement s = parser.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT json_serialize_sql(" + DuckDbConnections.literal("SELECT " + expression) + ")")) {
            if (rs.next()) {
                tree = rs.getString(1);
            }
        } catch (SQLException e) {
            tree = null; // no JSON extension: fall back to the words
        }
        if (tree != null && !tree.contains("\"error\":true")) {
            Matcher m = COLUMN_NAMES.matcher(tree);
            while (m.find()) {
                Matcher n = JSON_STRING.matcher(m.group(1));
                while (n.find()) {
                    names.add(n.group(1));
                }
            }
            return names;
        }
        Matcher w = WORD.matcher(expression.replaceAll("'[^']*'", " "));
        while (w.find()) {
            names.add(w.group());
        }
        return names;
    }

    /**
     * Whether a rule decides a comparison: the rule names the comparison's column, or a column
     * computed from a file column the comparison's column is also computed from (blocking on
     * {@code name_sorted} decides the comparison of {@code name} when both come from {@code ho_ten}).
     */
    public boolean decides(String rule, Comparison comparison) {
        if (BlockingRules.mentions(rule, comparison.column())) {
            return true;
        }
        Set<String> from = sources.getOrDefault(comparison.column(), Set.of());
        for (var entry : sources.entrySet()) {
            if (BlockingRules.mentions(rule, entry.getKey())
                    && entry.getValue().stream().anyMatch(from::contains)) {
                return true;
            }
        }
        return false;
    }
}
