package vn.datafloor.linkage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import vn.datafloor.integration.lake.DuckDbParser;
import vn.datafloor.linkage.LinkageModel.Comparison;
import vn.datafloor.linkage.LinkageModel.Level;
import vn.datafloor.linkage.LinkageModel.LevelKind;

/**
 * Checks the columns a rule names against the records' real columns, on DuckDB's own parse tree
 * ({@code json_serialize_sql}, as the pipeline's expressions are checked), before any pair is built:
 * a misspelt {@code l.provnce} is reported as a column the input does not have, not as DuckDB's
 * binder complaint about a table. A rule DuckDB cannot parse is left to the run, which reports it
 * as not valid SQL.
 */
final class RuleColumns {

    private RuleColumns() {}

    /** Every rule of the model (blocking, deterministic, EM, sql levels) against {@code columns}. */
    static void check(LinkageModel model, List<String> columns, int inputCount) {
        List<String> blocking = model.blockingRules();
        for (int i = 0; i < blocking.size(); i++) {
            check("blocking rule " + (i + 1), blocking.get(i), columns, inputCount);
        }
        if (model.training() != null) {
            List<String> deterministic = model.training().deterministicRules();
            for (int i = 0; i < deterministic.size(); i++) {
                check("training.deterministic_rules rule " + (i + 1), deterministic.get(i), columns, inputCount);
            }
            List<String> em = model.training().emBlockingRules();
            for (int i = 0; i < em.size(); i++) {
                check("training.em_blocking_rules rule " + (i + 1), em.get(i), columns, inputCount);
            }
        }
        List<Comparison> comparisons = model.comparisons();
        for (int c = 0; c < comparisons.size(); c++) {
            List<Level> levels = comparisons.get(c).levels();
            for (int l = 0; l < levels.size(); l++) {
                if (levels.get(l).kind() == LevelKind.SQL) {
                    check(
                            "comparisons[" + c + "].levels[" + l + "].sql",
                            levels.get(l).sql(),
                            columns,
                            inputCount);
                }
            }
        }
    }

    /** One rule: every {@code l.x} / {@code r.x} names a real column, and no other table is named. */
    static void check(String what, String rule, List<String> columns, int inputCount) {
        DuckDbParser.Parsed parsed = DuckDbParser.parseSelect("SELECT (" + rule + ")");
        if (!parsed.ok()) {
            return;
        }
        Set<String> known =
                columns.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<String> visible = columns.stream().filter(c -> !c.startsWith("_")).toList();
        boolean lambdas = contains(parsed.statements(), "LAMBDA");
        List<List<String>> references = new ArrayList<>();
        collect(parsed.statements(), references);
        for (List<String> names : references) {
            if (names.size() < 2) {
                continue;
            }
            String table = names.get(0);
            String column = names.get(1);
            boolean side = table.equalsIgnoreCase("l") || table.equalsIgnoreCase("r");
            if (side && !known.contains(column.toLowerCase(Locale.ROOT))) {
                throw new LinkageException(what + " (" + rule + ") names column \"" + column + "\", which the "
                        + (inputCount > 1 ? "inputs do" : "input does") + " not have; its columns are "
                        + String.join(", ", visible)
                        + LinkageModel.didYouMean(column, visible));
            }
            if (!side && !lambdas && !known.contains(table.toLowerCase(Locale.ROOT))) {
                throw new LinkageException(what + " (" + rule + ") names \"" + table + "." + column
                        + "\": a rule compares two records, l and r; write l." + column + " or r." + column);
            }
        }
    }

    /** The name parts of every column reference in the tree, wherever it sits. */
    private static void collect(JsonNode node, List<List<String>> references) {
        if (node == null) {
            return;
        }
        if (node.isObject() && "COLUMN_REF".equals(node.path("class").asString(""))) {
            List<String> names = new ArrayList<>();
            node.path("column_names").forEach(n -> names.add(n.asString("")));
            references.add(names);
            return;
        }
        if (node.isContainer()) {
            for (JsonNode child : node) {
                collect(child, references);
            }
        }
    }

    private static boolean contains(JsonNode node, String expressionClass) {
        if (node == null) {
            return false;
        }
        if (node.isObject() && expressionClass.equals(node.path("class").asString(""))) {
            return true;
        }
        if (node.isContainer()) {
            for (JsonNode child : node) {
                if (contains(child, expressionClass)) {
                    return true;
                }
            }
        }
        return false;
    }
}
