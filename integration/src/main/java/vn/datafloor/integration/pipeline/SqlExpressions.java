package vn.datafloor.integration.pipeline;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import vn.datafloor.integration.lake.DuckDbParser;

/**
 * Checks the SQL expressions a pipeline spec may contain (mappings, standardizations, quality
 * checks) on DuckDB's own parse tree. A spec is written by a data steward, not trusted: an
 * expression must parse as exactly one expression whose nodes are columns of the declared input,
 * literals, operators, CASE, CAST and calls of allow-listed functions. No statements, subqueries,
 * table functions, window functions, lambdas, stars or parameters.
 *
 * <p>What runs is not the steward's text but DuckDB's own rendering of the checked tree
 * ({@link Checked#sql()}), so comments and quoting tricks cannot change its meaning once it is
 * placed in a larger statement. And it runs only on a locked connection, so an expression the
 * checker wrongly accepts still cannot reach a file, the network or the configuration.
 */
public final class SqlExpressions {

    /** Built-in functions that compute on values only. */
    static final Set<String> BUILT_INS = Set.of(
            "lower",
            "upper",
            "trim",
            "ltrim",
            "rtrim",
            "length",
            "substr",
            "substring",
            "replace",
            "concat",
            "concat_ws",
            "coalesce",
            "nullif",
            "abs",
            "round",
            "floor",
            "ceil",
            "greatest",
            "least",
            "strptime",
            "try_strptime",
            "strftime",
            "regexp_matches",
            "regexp_replace",
            "regexp_extract",
            "regexp_full_match",
            "strip_accents",
            "nfc_normalize",
            "lpad",
            "rpad",
            "left",
            "right",
            "split_part",
            "starts_with",
            "ends_with",
            "contains",
            "prefix",
            "suffix",
            "date_diff",
            "date_part",
            "year",
            "month",
            "day",
            "current_date",
            "today",
            "make_date",
            "list_contains",
            "string_split",
            "len",
            "array_length",
            "md5",
            "sha256",
            "jaro_winkler_similarity",
            "levenshtein",
            "damerau_levenshtein",
            "if",
            "iif",
            "format",
            "printf",
            "struct_extract",
            "list_extract",
            "array_extract",
            "ifnull",
            "to_json",
            "list_value",
            "struct_pack",
            "try");

    /** Operators as DuckDB's tree names them (arithmetic, concatenation, LIKE and its relatives). */
    private static final Set<String> OPERATOR_FUNCTIONS = Set.of(
            "+",
            "-",
            "*",
            "/",
            "//",
            "%",
            "^",
            "**",
            "||",
            "~~",
            "!~~",
            "~~*",
            "!~~*",
            "~~~",
            "!~~~",
            "&",
            "|",
            "<<",
            ">>",
            "@",
            "list_value",
            "struct_pack",
            "array_extract",
            "array_slice",
            "struct_extract");

    /** Operator nodes that only combine their children. */
    private static final Set<String> OPERATOR_TYPES = Set.of(
            "OPERATOR_NOT",
            "OPERATOR_IS_NULL",
            "OPERATOR_IS_NOT_NULL",
            "COMPARE_IN",
            "COMPARE_NOT_IN",
            "OPERATOR_COALESCE",
            "OPERATOR_NULLIF",
            "ARRAY_EXTRACT",
            "ARRAY_SLICE",
            "STRUCT_EXTRACT",
            "ARRAY_CONSTRUCTOR",
            "OPERATOR_TRY");

    /** Longest expression accepted, and deepest nesting of its tree. */
    public static final int MAX_LENGTH = 2000;

    public static final int MAX_DEPTH = 64;

    private static volatile Set<String> extraFunctions = Set.of();

    private SqlExpressions() {}

    /** The result of checking one expression: DuckDB's rendering of it, or what is wrong. */
    public record Checked(String sql, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Adds functions (the standardizer macros) that expressions may call. */
    public static void allowFunctions(Set<String> names) {
        Set<String> all = new LinkedHashSet<>(extraFunctions);
        names.forEach(n -> all.add(n.toLowerCase(Locale.ROOT)));
        extraFunctions = Set.copyOf(all);
    }

    /** What is wrong with an expression, whatever columns it names; empty when it may be used. */
    public static List<String> problems(String expression) {
        return check(expression, null).problems();
    }

    /**
     * Checks an expression over the given input columns ({@code null}: any plain column name) and
     * returns the text to execute.
     */
    public static Checked check(String expression, Collection<String> columns) {
        if (expression == null || expression.isBlank()) {
            return new Checked(null, List.of("Empty expression"));
        }
        if (expression.length() > MAX_LENGTH) {
            return new Checked(null, List.of("Expression longer than " + MAX_LENGTH + " characters"));
        }
        DuckDbParser.Parsed parsed = DuckDbParser.parseSelect("SELECT " + expression);
        if (!parsed.ok()) {
            if (DuckDbParser.NOT_SELECT.equals(parsed.error())) {
                return new Checked(
                        null, List.of("';' and statements are not allowed: an expression is not a statement"));
            }
            return new Checked(null, List.of("Not a valid expression: " + parsed.error()));
        }
        JsonNode statements = parsed.statements();
        if (statements.size() != 1) {
            return new Checked(null, List.of("';' is not allowed: an expression is not a statement"));
        }
        JsonNode node = statements.get(0).path("node");
        List<String> problems = new ArrayList<>();
        if (!"SELECT_NODE".equals(node.path("type").asString(""))
                || node.path("select_list").size() != 1
                || !"EMPTY".equals(node.path("from_table").path("type").asString(""))
                || !node.path("where_clause").isNull()
                || !node.path("having").isNull()
                || !node.path("qualify").isNull()
                || !node.path("sample").isNull()
                || !node.path("group_expressions").isEmpty()
                || !node.path("group_sets").isEmpty()
                || !node.path("modifiers").isEmpty()
                || !node.path("cte_map").path("map").isEmpty()) {
            return new Checked(
                    null, List.of("Only one expression is allowed: use columns, literals, operators and functions"));
        }
        JsonNode expressionNode = node.path("select_list").get(0);
        if (!expressionNode.path("alias").asString("").isEmpty()) {
            problems.add("An expression may not name itself (AS …): the spec key names the column");
        }
        Set<String> known = columns == null
                ? null
                : columns.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        walk(expressionNode, known, 0, problems);
        if (!problems.isEmpty()) {
            return new Checked(null, List.copyOf(new LinkedHashSet<>(problems)));
        }
        String sql = DuckDbParser.toSql(statements);
        if (!sql.startsWith("SELECT ")) {
            return new Checked(null, List.of("Not a valid expression"));
        }
        return new Checked("(" + sql.substring("SELECT ".length()) + ")", List.of());
    }

    private static void walk(JsonNode node, Set<String> columns, int depth, List<String> problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (depth > MAX_DEPTH) {
            problems.add("Expression nested more than " + MAX_DEPTH + " levels deep");
            return;
        }
        String kind = node.path("class").asString("");
        switch (kind) {
            case "CONSTANT" -> {
                // a literal value
            }
            case "COLUMN_REF" -> {
                JsonNode names = node.path("column_names");
                if (names.size() != 1) {
                    problems.add("Name columns without a table or schema prefix");
                } else if (columns != null
                        && !columns.contains(names.get(0).asString("").toLowerCase(Locale.ROOT))) {
                    problems.add("Unknown column " + names.get(0).asString("") + "; available columns: " + columns);
                }
            }
            case "FUNCTION" -> {
                String name = node.path("function_name").asString("").toLowerCase(Locale.ROOT);
                boolean operator = node.path("is_operator").asBoolean(false);
                String schema = node.path("schema").asString("");
                boolean allowed = operator
                        ? OPERATOR_FUNCTIONS.contains(name)
                        : BUILT_INS.contains(name)
                                || extraFunctions.contains(name)
                                || OPERATOR_FUNCTIONS.contains(name);
                if (!allowed
                        || !(schema.isEmpty() || "main".equals(schema))
                        || !node.path("catalog").asString("").isEmpty()) {
                    problems.add("Unknown or disallowed function " + name + "()");
                }
                if (!node.path("filter").isNull()
                        || !node.path("order_bys").path("orders").isEmpty()
                        || node.path("distinct").asBoolean(false)) {
                    problems.add("Aggregate clauses (FILTER, ORDER BY, DISTINCT) are not allowed in an expression");
                }
                children(node.path("children"), columns, depth, problems);
            }
            case "OPERATOR" -> {
                if (!OPERATOR_TYPES.contains(node.path("type").asString(""))) {
                    problems.add("Operator " + node.path("type").asString("") + " is not allowed");
                }
                children(node.path("children"), columns, depth, problems);
            }
            case "COMPARISON" -> {
                walk(node.path("left"), columns, depth + 1, problems);
                walk(node.path("right"), columns, depth + 1, problems);
            }
            case "CONJUNCTION" -> children(node.path("children"), columns, depth, problems);
            case "CASE" -> {
                for (JsonNode check : node.path("case_checks")) {
                    walk(check.path("when_expr"), columns, depth + 1, problems);
                    walk(check.path("then_expr"), columns, depth + 1, problems);
                }
                walk(node.path("else_expr"), columns, depth + 1, problems);
            }
            case "CAST" -> walk(node.path("child"), columns, depth + 1, problems);
            case "BETWEEN" -> {
                walk(node.path("input"), columns, depth + 1, problems);
                walk(node.path("lower"), columns, depth + 1, problems);
                walk(node.path("upper"), columns, depth + 1, problems);
            }
            case "SUBQUERY" -> problems.add("Subqueries are not allowed");
            case "WINDOW" -> problems.add("Window functions are not allowed in an expression");
            case "STAR" -> problems.add("* and COLUMNS() are not allowed: name the columns");
            case "LAMBDA", "LAMBDA_REF" -> problems.add("Lambda functions are not allowed");
            case "PARAMETER" -> problems.add("Parameters are not allowed");
            default -> problems.add("'" + kind.toLowerCase(Locale.ROOT) + "' is not allowed in an expression");
        }
    }

    private static void children(JsonNode children, Set<String> columns, int depth, List<String> problems) {
        for (JsonNode child : children) {
            walk(child, columns, depth + 1, problems);
        }
    }
}
