package vn.datafloor.integration.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import vn.datafloor.integration.lake.DuckDbParser;

/**
 * A buyer's sandbox query, checked on DuckDB's own parse tree ({@link DuckDbParser#parseSelect}):
 * one SELECT over the one contracted table, an optional WHERE of plain comparisons between a column
 * and constants, GROUP BY plain columns, and a select list of the grouping columns and the aggregates
 * {@code COUNT(*)}, {@code COUNT(col)}, {@code SUM(col)} and {@code AVG(col)}; ORDER BY only on
 * grouping columns. Anything else is refused with a {@link SandboxException} whose code says which
 * rule it broke. Messages name clauses and columns, never a constant of the query.
 *
 * <p>The checked query is never executed as written: {@link SandboxPlan} builds the bounded query
 * from the checked parts (quoted identifiers, and the WHERE tree rendered back by DuckDB).
 */
public final class SandboxQuery {

    /** Deepest nesting of a WHERE condition, and most constants in one IN list. */
    static final int MAX_DEPTH = 32;

    static final int MAX_IN_LIST = 1000;

    /** Most grouping columns and most output columns. */
    static final int MAX_GROUP_COLUMNS = 4;

    static final int MAX_OUTPUTS = 16;

    private static final Set<String> COMPARISONS = Set.of(
            "COMPARE_EQUAL",
            "COMPARE_NOTEQUAL",
            "COMPARE_LESSTHAN",
            "COMPARE_GREATERTHAN",
            "COMPARE_LESSTHANOREQUALTO",
            "COMPARE_GREATERTHANOREQUALTO");

    /** Types a constant may be cast to in WHERE ({@code DATE '2025-01-01'} is such a cast). */
    private static final Set<String> CONSTANT_CASTS = Set.of(
            "DATE",
            "TIMESTAMP",
            "TIMESTAMP WITH TIME ZONE",
            "TIME",
            "VARCHAR",
            "BOOLEAN",
            "TINYINT",
            "SMALLINT",
            "INTEGER",
            "BIGINT",
            "HUGEINT",
            "DECIMAL",
            "FLOAT",
            "DOUBLE");

    /** What one output column computes. */
    enum Aggregate {
        /** a grouping column, released as is for the groups that pass the threshold */
        GROUP,
        COUNT_STAR,
        COUNT,
        SUM,
        AVG
    }

    /** One column of the answer: its label, what it computes, and over which column (none for COUNT(*)). */
    record Output(String label, Aggregate aggregate, String column) {}

    /** One ORDER BY term on a grouping column. */
    record Order(String column, boolean descending) {}

    private final String table;
    private final List<String> groupColumns;
    private final List<Output> outputs;
    private final JsonNode where;
    private final List<Order> order;
    private final Set<String> whereColumns;

    private SandboxQuery(
            String table,
            List<String> groupColumns,
            List<Output> outputs,
            JsonNode where,
            List<Order> order,
            Set<String> whereColumns) {
        this.table = table;
        this.groupColumns = groupColumns;
        this.outputs = outputs;
        this.where = where;
        this.order = order;
        this.whereColumns = whereColumns;
    }

    /**
     * Checks {@code sql} against the rules above, for the contracted table {@code table}.
     *
     * @throws SandboxException naming the first rule the query breaks
     */
    public static SandboxQuery validate(String sql, String table) {
        if (sql == null || sql.isBlank()) {
            throw refuse("sandbox.syntax", "The query is empty");
        }
        if (sql.length() > DuckDbParser.MAX_SQL_LENGTH) {
            throw refuse("sandbox.tooLarge", "The query is longer than " + DuckDbParser.MAX_SQL_LENGTH + " characters");
        }
        DuckDbParser.Parsed parsed = DuckDbParser.parseSelect(sql);
        if (!parsed.ok()) {
            if (DuckDbParser.NOT_SELECT.equals(parsed.error())) {
                throw refuse(
                        "sandbox.statement", "Only one SELECT statement is accepted (no SET, PRAGMA, COPY, ATTACH…)");
            }
            throw refuse("sandbox.syntax", "The query could not be parsed");
        }
        if (parsed.statements().size() != 1) {
            throw refuse("sandbox.statement", "Only one SELECT statement is accepted: remove the ';' and what follows");
        }
        return new Checker(table).check(parsed.statements().get(0).path("node"));
    }

    /** The labels of the answer's columns, in the order of the select list. */
    public List<String> labels() {
        return outputs.stream().map(Output::label).toList();
    }

    String table() {
        return table;
    }

    List<String> groupColumns() {
        return groupColumns;
    }

    List<Output> outputs() {
        return outputs;
    }

    /** The checked WHERE tree (DuckDB's), or null. */
    JsonNode where() {
        return where;
    }

    List<Order> order() {
        return order;
    }

    /** Every column the query reads. */
    Set<String> columns() {
        Set<String> all = new LinkedHashSet<>(groupColumns);
        for (Output output : outputs) {
            if (output.column() != null) {
                all.add(output.column());
            }
        }
        all.addAll(whereColumns);
        return all;
    }

    private static SandboxException refuse(String code, String message) {
        return new SandboxException(code, message);
    }

    /** Walks one statement tree; every rule is an allow-list of node types. */
    private static final class Checker {
        private final String table;
        private final Set<String> whereColumns = new LinkedHashSet<>();

        Checker(String table) {
            this.table = table;
        }

        SandboxQuery check(JsonNode node) {
            String type = node.path("type").asString("");
            if ("SET_OPERATION_NODE".equals(type)) {
                throw refuse("sandbox.setOperation", "UNION, INTERSECT and EXCEPT are not accepted");
            }
            if (!"SELECT_NODE".equals(type)) {
                throw refuse("sandbox.statement", "Only a plain SELECT is accepted");
            }
            if (!node.path("cte_map").path("map").isEmpty()) {
                throw refuse("sandbox.cte", "WITH (common table expressions) is not accepted");
            }
            fromTable(node.path("from_table"));
            if (!node.path("having").isNull()) {
                throw refuse("sandbox.clause", "HAVING is not accepted: small groups are suppressed by the sandbox");
            }
            if (!node.path("qualify").isNull()) {
                throw refuse("sandbox.clause", "QUALIFY is not accepted");
            }
            if (!node.path("sample").isNull()) {
                throw refuse("sandbox.clause", "USING SAMPLE is not accepted");
            }
            if (!"STANDARD_HANDLING".equals(node.path("aggregate_handling").asString(""))) {
                throw refuse("sandbox.groupBy", "GROUP BY ALL is not accepted: name the grouping columns");
            }
            List<String> groups = groupColumns(node);
            List<Output> outputs = outputs(node.path("select_list"), groups);
            List<Order> order = order(node.path("modifiers"), groups);
            JsonNode where = node.path("where_clause");
            if (!where.isNull() && !where.isMissingNode()) {
                predicate(where, 0);
            } else {
                where = null;
            }
            return new SandboxQuery(table, groups, outputs, where, order, Set.copyOf(whereColumns));
        }

        private void fromTable(JsonNode from) {
            switch (from.path("type").asString("")) {
                case "BASE_TABLE" -> {
                    if (!from.path("schema_name").asString("").isEmpty()
                            || !from.path("catalog_name").asString("").isEmpty()
                            || !from.path("table_name").asString("").equalsIgnoreCase(table)) {
                        throw refuse("sandbox.table", "Only the contracted table " + table + " may be queried");
                    }
                    if (!from.path("at_clause").isNull() || !from.path("sample").isNull()) {
                        throw refuse("sandbox.clause", "AT and TABLESAMPLE are not accepted");
                    }
                    if (!from.path("column_name_alias").isEmpty()) {
                        throw refuse("sandbox.clause", "Column aliases on the table are not accepted");
                    }
                }
                case "JOIN" -> throw refuse("sandbox.join", "Joins are not accepted: query the one contracted table");
                case "SUBQUERY" -> throw refuse("sandbox.subquery", "Subqueries are not accepted");
                case "TABLE_FUNCTION" ->
                    throw refuse("sandbox.function", "Table functions (read_csv, read_parquet…) are not accepted");
                case "EMPTY" -> throw refuse("sandbox.table", "A FROM clause naming the contracted table is required");
                default -> throw refuse("sandbox.table", "Only the contracted table " + table + " may be queried");
            }
        }

        private List<String> groupColumns(JsonNode node) {
            JsonNode expressions = node.path("group_expressions");
            List<String> groups = new ArrayList<>();
            for (JsonNode expression : expressions) {
                if (!"COLUMN_REF".equals(expression.path("class").asString(""))) {
                    throw refuse("sandbox.groupBy", "GROUP BY accepts plain column names only");
                }
                String column = column(expression);
                if (!groups.contains(column)) {
                    groups.add(column);
                }
            }
            JsonNode sets = node.path("group_sets");
            boolean oneSetOfAll = expressions.isEmpty()
                    ? sets.isEmpty()
                    : sets.size() == 1 && sets.get(0).size() == expressions.size();
            if (!oneSetOfAll) {
                throw refuse("sandbox.groupBy", "GROUPING SETS, ROLLUP and CUBE are not accepted");
            }
            if (groups.size() > MAX_GROUP_COLUMNS) {
                throw refuse("sandbox.groupBy", "At most " + MAX_GROUP_COLUMNS + " grouping columns are accepted");
            }
            return List.copyOf(groups);
        }

        private List<Output> outputs(JsonNode selectList, List<String> groups) {
            if (selectList.size() > MAX_OUTPUTS) {
                throw refuse("sandbox.tooLarge", "At most " + MAX_OUTPUTS + " output columns are accepted");
            }
            List<Output> outputs = new ArrayList<>();
            boolean aggregate = false;
            for (JsonNode item : selectList) {
                String alias = item.path("alias").asString("");
                switch (item.path("class").asString("")) {
                    case "COLUMN_REF" -> {
                        String column = column(item);
                        if (!groups.contains(column)) {
                            throw refuse(
                                    "sandbox.notAggregate",
                                    "Column " + written(item) + " is neither grouped nor aggregated: only aggregates"
                                            + " are returned");
                        }
                        outputs.add(new Output(alias.isEmpty() ? written(item) : alias, Aggregate.GROUP, column));
                    }
                    case "FUNCTION" -> {
                        outputs.add(aggregate(item, alias));
                        aggregate = true;
                    }
                    case "STAR" ->
                        throw refuse("sandbox.notAggregate", "SELECT * is not accepted: only aggregates are returned");
                    case "WINDOW" -> throw refuse("sandbox.window", "Window functions are not accepted");
                    case "SUBQUERY" -> throw refuse("sandbox.subquery", "Subqueries are not accepted");
                    default ->
                        throw refuse(
                                "sandbox.notAggregate",
                                "The select list accepts grouping columns and COUNT, SUM and AVG of a column only");
                }
            }
            if (!aggregate) {
                throw refuse("sandbox.notAggregate", "The query must compute at least one of COUNT, SUM or AVG");
            }
            Set<String> labels = new LinkedHashSet<>();
            for (Output output : outputs) {
                if (!labels.add(output.label().toLowerCase(Locale.ROOT))) {
                    throw refuse("sandbox.clause", "Two output columns are both named " + output.label());
                }
            }
            return List.copyOf(outputs);
        }

        private Output aggregate(JsonNode function, String alias) {
            String name = function.path("function_name").asString("").toLowerCase(Locale.ROOT);
            if (!function.path("schema").asString("").isEmpty()
                    || !function.path("catalog").asString("").isEmpty()
                    || function.path("is_operator").asBoolean(false)
                    || !Set.of("count_star", "count", "sum", "avg").contains(name)) {
                throw refuse(
                        "sandbox.function", "Only COUNT(*), COUNT(column), SUM(column) and AVG(column) are accepted");
            }
            if (!function.path("filter").isNull()
                    || function.path("distinct").asBoolean(false)
                    || function.path("export_state").asBoolean(false)
                    || !function.path("order_bys").path("orders").isEmpty()) {
                throw refuse("sandbox.function", "DISTINCT, FILTER and ORDER BY inside an aggregate are not accepted");
            }
            JsonNode children = function.path("children");
            if ("count_star".equals(name)) {
                if (!children.isEmpty()) {
                    throw refuse("sandbox.function", "COUNT(*) takes no argument");
                }
                return new Output(alias.isEmpty() ? "count" : alias, Aggregate.COUNT_STAR, null);
            }
            if (children.size() != 1
                    || !"COLUMN_REF".equals(children.get(0).path("class").asString(""))) {
                throw refuse("sandbox.function", name.toUpperCase(Locale.ROOT) + " accepts one plain column name");
            }
            String column = column(children.get(0));
            Aggregate aggregate = switch (name) {
                case "count" -> Aggregate.COUNT;
                case "sum" -> Aggregate.SUM;
                default -> Aggregate.AVG;
            };
            return new Output(alias.isEmpty() ? name + "(" + written(children.get(0)) + ")" : alias, aggregate, column);
        }

        private List<Order> order(JsonNode modifiers, List<String> groups) {
            List<Order> order = new ArrayList<>();
            for (JsonNode modifier : modifiers) {
                if (!"ORDER_MODIFIER".equals(modifier.path("type").asString(""))) {
                    throw refuse("sandbox.clause", "LIMIT, OFFSET and DISTINCT are not accepted");
                }
                for (JsonNode term : modifier.path("orders")) {
                    JsonNode expression = term.path("expression");
                    if (!"COLUMN_REF".equals(expression.path("class").asString(""))
                            || !groups.contains(column(expression))) {
                        throw refuse("sandbox.orderBy", "ORDER BY accepts grouping columns by name only");
                    }
                    order.add(new Order(
                            column(expression),
                            "ORDER_DESCENDING".equals(term.path("type").asString(""))
                                    || "DESCENDING".equals(term.path("type").asString(""))));
                }
            }
            return List.copyOf(order);
        }

        /** A WHERE condition: AND/OR/NOT of comparisons between one column and constants. */
        private void predicate(JsonNode node, int depth) {
            if (depth > MAX_DEPTH) {
                throw refuse("sandbox.where", "The WHERE condition is nested more than " + MAX_DEPTH + " levels deep");
            }
            String kind = node.path("class").asString("");
            String type = node.path("type").asString("");
            switch (kind) {
                case "CONJUNCTION" -> {
                    for (JsonNode child : node.path("children")) {
                        predicate(child, depth + 1);
                    }
                }
                case "COMPARISON" -> {
                    if (!COMPARISONS.contains(type)) {
                        throw refuse("sandbox.where", "WHERE accepts =, <>, <, >, <=, >=, IN, BETWEEN and IS NULL");
                    }
                    JsonNode left = node.path("left");
                    JsonNode right = node.path("right");
                    boolean leftColumn = "COLUMN_REF".equals(left.path("class").asString(""));
                    if (leftColumn) {
                        whereColumn(left);
                        constant(right);
                    } else {
                        constant(left);
                        if (!"COLUMN_REF".equals(right.path("class").asString(""))) {
                            throw comparesColumnAndConstants();
                        }
                        whereColumn(right);
                    }
                }
                case "BETWEEN" -> {
                    if (!"COLUMN_REF".equals(node.path("input").path("class").asString(""))) {
                        throw comparesColumnAndConstants();
                    }
                    whereColumn(node.path("input"));
                    constant(node.path("lower"));
                    constant(node.path("upper"));
                }
                case "OPERATOR" -> {
                    JsonNode children = node.path("children");
                    switch (type) {
                        case "OPERATOR_NOT" -> {
                            if (children.size() != 1) {
                                throw comparesColumnAndConstants();
                            }
                            predicate(children.get(0), depth + 1);
                        }
                        case "OPERATOR_IS_NULL", "OPERATOR_IS_NOT_NULL" -> {
                            if (children.size() != 1
                                    || !"COLUMN_REF"
                                            .equals(children.get(0)
                                                    .path("class")
                                                    .asString(""))) {
                                throw comparesColumnAndConstants();
                            }
                            whereColumn(children.get(0));
                        }
                        case "COMPARE_IN", "COMPARE_NOT_IN" -> {
                            if (children.size() < 2
                                    || !"COLUMN_REF"
                                            .equals(children.get(0)
                                                    .path("class")
                                                    .asString(""))) {
                                throw comparesColumnAndConstants();
                            }
                            if (children.size() - 1 > MAX_IN_LIST) {
                                throw refuse("sandbox.tooLarge", "An IN list holds at most " + MAX_IN_LIST + " values");
                            }
                            whereColumn(children.get(0));
                            for (int i = 1; i < children.size(); i++) {
                                constant(children.get(i));
                            }
                        }
                        default ->
                            throw refuse("sandbox.where", "WHERE accepts =, <>, <, >, <=, >=, IN, BETWEEN and IS NULL");
                    }
                }
                case "SUBQUERY" -> throw refuse("sandbox.subquery", "Subqueries are not accepted");
                case "FUNCTION" -> throw refuse("sandbox.function", "Functions are not accepted in WHERE");
                case "WINDOW" -> throw refuse("sandbox.window", "Window functions are not accepted");
                default -> throw comparesColumnAndConstants();
            }
        }

        private void constant(JsonNode node) {
            switch (node.path("class").asString("")) {
                case "CONSTANT" -> {
                    // a literal of the query
                }
                case "CAST" -> {
                    if (node.path("try_cast").asBoolean(false)
                            || !"CONSTANT"
                                    .equals(node.path("child").path("class").asString(""))
                            || !CONSTANT_CASTS.contains(
                                    node.path("cast_type").path("id").asString(""))) {
                        throw comparesColumnAndConstants();
                    }
                }
                case "SUBQUERY" -> throw refuse("sandbox.subquery", "Subqueries are not accepted");
                case "FUNCTION" -> throw refuse("sandbox.function", "Functions are not accepted in WHERE");
                case "COLUMN_REF" ->
                    throw refuse("sandbox.where", "WHERE compares a column with constants, not with another column");
                default -> throw comparesColumnAndConstants();
            }
        }

        private void whereColumn(JsonNode node) {
            whereColumns.add(column(node));
        }

        private static SandboxException comparesColumnAndConstants() {
            return refuse(
                    "sandbox.where",
                    "WHERE accepts comparisons of a column with constants (=, <>, <, >, <=, >=, IN, BETWEEN,"
                            + " IS NULL) joined by AND, OR and NOT");
        }

        /** A column's name in lower case: DuckDB matches names case-insensitively, quoted or not. */
        private static String column(JsonNode columnRef) {
            return written(columnRef).toLowerCase(Locale.ROOT);
        }

        /** A column's name as the query wrote it. */
        private static String written(JsonNode columnRef) {
            JsonNode names = columnRef.path("column_names");
            if (names.size() != 1) {
                throw refuse("sandbox.column", "Name columns without a table prefix");
            }
            return names.get(0).asString("");
        }
    }
}
