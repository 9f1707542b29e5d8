package vn.datafloor.integration.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.integration.access.AccessException.Code;
import vn.datafloor.integration.lake.DuckDbParser;

/**
 * Checks a buyer's SQL on DuckDB's own parse tree and rewrites the tree: every table the query
 * reads must be one of the session's permitted views (or a CTE of the query), and each such
 * reference is pinned to the view's catalog and schema so nothing can shadow it. What runs is
 * DuckDB's rendering of the rewritten tree, never the buyer's text or a concatenation of it.
 *
 * <p>The checks are a first line only: the connection the result runs on is locked down and holds
 * nothing but the permitted, already masked data.
 */
final class SqlGuard {

    static final int MAX_LENGTH = 20_000;

    /** Deepest nesting of the JSON tree (an expression level takes one or two). */
    static final int MAX_DEPTH = 250;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Pattern PLAIN_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private static final Set<String> EXPRESSION_CLASSES = Set.of(
            "CONSTANT",
            "COLUMN_REF",
            "FUNCTION",
            "OPERATOR",
            "COMPARISON",
            "CONJUNCTION",
            "CASE",
            "CAST",
            "BETWEEN",
            "SUBQUERY",
            "WINDOW",
            "STAR",
            "COLLATE",
            "POSITIONAL_REFERENCE");

    private static final Set<String> TABLE_REF_TYPES = Set.of(
            "BASE_TABLE",
            "TABLE_FUNCTION",
            "JOIN",
            "SUBQUERY",
            "EXPRESSION_LIST",
            "EMPTY",
            "PIVOT",
            "SHOW_REF",
            "COLUMN_DATA",
            "DELIM_GET",
            "CTE",
            "BOUND_REF");

    /** Functions on values only: arithmetic, text, dates, aggregates and window functions. */
    static final Set<String> FUNCTIONS = Set.of(
            // operators as the tree names them
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
            "array_extract",
            "array_slice",
            "struct_extract",
            "list_value",
            "struct_pack",
            // text
            "lower",
            "upper",
            "lcase",
            "ucase",
            "trim",
            "ltrim",
            "rtrim",
            "length",
            "char_length",
            "character_length",
            "strlen",
            "substr",
            "substring",
            "replace",
            "concat",
            "concat_ws",
            "left",
            "right",
            "lpad",
            "rpad",
            "split_part",
            "starts_with",
            "ends_with",
            "contains",
            "prefix",
            "suffix",
            "position",
            "strpos",
            "instr",
            "reverse",
            "repeat",
            "strip_accents",
            "nfc_normalize",
            "like_escape",
            "regexp_matches",
            "regexp_replace",
            "regexp_extract",
            "regexp_full_match",
            "format",
            "printf",
            "string_split",
            "ascii",
            "chr",
            "md5",
            "sha256",
            "hash",
            "levenshtein",
            "damerau_levenshtein",
            "jaro_winkler_similarity",
            "jaccard",
            "initcap",
            // numbers
            "abs",
            "round",
            "floor",
            "ceil",
            "ceiling",
            "trunc",
            "sign",
            "sqrt",
            "cbrt",
            "exp",
            "ln",
            "log",
            "log2",
            "log10",
            "pow",
            "power",
            "mod",
            "greatest",
            "least",
            "isnan",
            "isinf",
            "isfinite",
            "try",
            "coalesce",
            "nullif",
            "ifnull",
            "if",
            "iif",
            "typeof",
            // dates
            "current_date",
            "today",
            "now",
            "get_current_timestamp",
            "date_part",
            "datepart",
            "date_trunc",
            "datetrunc",
            "date_diff",
            "datediff",
            "date_sub",
            "datesub",
            "date_add",
            "year",
            "month",
            "day",
            "quarter",
            "week",
            "weekofyear",
            "dayofweek",
            "dayofyear",
            "dayofmonth",
            "isodow",
            "yearweek",
            "hour",
            "minute",
            "second",
            "epoch",
            "make_date",
            "make_timestamp",
            "strftime",
            "strptime",
            "try_strptime",
            "last_day",
            "age",
            "to_days",
            "to_months",
            "to_years",
            "extract",
            // lists and structs the operators need
            "len",
            "array_length",
            "list_extract",
            "list_contains",
            "list_has",
            "unnest",
            // aggregates
            "count",
            "count_star",
            "sum",
            "avg",
            "mean",
            "min",
            "max",
            "median",
            "mode",
            "quantile",
            "quantile_cont",
            "quantile_disc",
            "stddev",
            "stddev_samp",
            "stddev_pop",
            "variance",
            "var_samp",
            "var_pop",
            "string_agg",
            "group_concat",
            "listagg",
            "list",
            "array_agg",
            "first",
            "last",
            "any_value",
            "arg_min",
            "arg_max",
            "argmin",
            "argmax",
            "min_by",
            "max_by",
            "bool_and",
            "bool_or",
            "count_if",
            "countif",
            "sum_no_overflow",
            "approx_count_distinct",
            "approx_quantile",
            "corr",
            "covar_pop",
            "covar_samp",
            "regr_slope",
            "regr_intercept",
            "regr_r2",
            "entropy",
            "kurtosis",
            "skewness",
            "product",
            "histogram",
            "fsum",
            "favg",
            "bit_and",
            "bit_or",
            // window functions
            "row_number",
            "rank",
            "dense_rank",
            "percent_rank",
            "cume_dist",
            "ntile",
            "lag",
            "lead",
            "first_value",
            "last_value",
            "nth_value",
            "rank_dense");

    /** What the rewrite produced. */
    record Rewritten(ArrayNode statements, String fingerprint, Set<String> views, ObjectNode top) {}

    private final Map<String, PermittedViews.Permitted> views;
    private final String catalog;
    private final Set<String> referenced = new LinkedHashSet<>();
    private final boolean rendered;

    private SqlGuard(Map<String, PermittedViews.Permitted> views, String catalog, boolean rendered) {
        this.views = views;
        this.catalog = catalog;
        this.rendered = rendered;
    }

    /**
     * Checks and rewrites {@code sql}.
     *
     * @param views the session's views by lower-case name
     * @param catalog the catalog the views live in, pinned on every reference
     */
    static Rewritten rewrite(String sql, Map<String, PermittedViews.Permitted> views, String catalog) {
        if (sql == null || sql.isBlank()) {
            throw new AccessException(Code.EMPTY, "The query is empty");
        }
        if (sql.length() > MAX_LENGTH) {
            throw new AccessException(Code.TOO_LONG, "The query is longer than " + MAX_LENGTH + " characters");
        }
        DuckDbParser.Parsed parsed = DuckDbParser.parseSelect(sql);
        if (!parsed.ok()) {
            if (DuckDbParser.NOT_SELECT.equals(parsed.error())) {
                throw new AccessException(
                        Code.NOT_SELECT,
                        "Only one SELECT statement is allowed: no COPY, ATTACH, SET, PRAGMA, DDL or DML");
            }
            String error = parsed.error().toLowerCase(Locale.ROOT);
            if (error.contains("depth") || error.contains("nested")) {
                throw new AccessException(Code.TOO_DEEP, "The query is nested too deeply");
            }
            throw new AccessException(Code.SYNTAX, "The query could not be parsed as DuckDB SQL");
        }
        JsonNode statements = parsed.statements();
        if (statements.size() != 1) {
            throw new AccessException(Code.MULTIPLE_STATEMENTS, "Only one statement is allowed");
        }
        ArrayNode tree = (ArrayNode) statements.deepCopy();
        SqlGuard guard = new SqlGuard(views, catalog, false);
        ObjectNode top = (ObjectNode) tree.get(0).path("node");
        guard.query(top, Set.of(), 0);
        return new Rewritten(tree, fingerprint(tree), Set.copyOf(guard.referenced), top);
    }

    /**
     * Checks DuckDB's rendering of a rewritten tree once more, as DuckDB will parse it: the same rules,
     * and every table reference must now be a pinned view. Guards against a rendering that parses into
     * something other than the tree that was checked.
     */
    static void verifyRendered(String sql, Map<String, PermittedViews.Permitted> views, String catalog) {
        DuckDbParser.Parsed parsed = DuckDbParser.parseSelect(sql);
        if (!parsed.ok() || parsed.statements().size() != 1) {
            throw new AccessException(Code.CONSTRUCT_NOT_ALLOWED, "The query could not be rewritten safely");
        }
        SqlGuard guard = new SqlGuard(views, catalog, true);
        try {
            guard.query(parsed.statements().get(0).path("node"), Set.of(), 0);
        } catch (AccessException e) {
            throw new AccessException(Code.CONSTRUCT_NOT_ALLOWED, "The query could not be rewritten safely", e);
        }
    }

    /** SHA-256 of the tree without source positions: whitespace and comments do not change it. */
    static String fingerprint(JsonNode tree) {
        JsonNode normalized = tree.deepCopy();
        stripLocations(normalized);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(normalized).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stripLocations(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("query_location");
            for (JsonNode child : object.values()) {
                stripLocations(child);
            }
        } else if (node instanceof ArrayNode array) {
            for (JsonNode child : array) {
                stripLocations(child);
            }
        }
    }

    private void query(JsonNode node, Set<String> scope, int depth) {
        depth(depth);
        String type = node.path("type").asString("");
        if ("RECURSIVE_CTE_NODE".equals(type)) {
            throw new AccessException(Code.RECURSIVE_CTE, "Recursive CTEs are not allowed");
        }
        if (!"SELECT_NODE".equals(type) && !"SET_OPERATION_NODE".equals(type)) {
            throw new AccessException(Code.CONSTRUCT_NOT_ALLOWED, "Only SELECT queries are allowed");
        }
        Set<String> inner = new HashSet<>(scope);
        for (JsonNode entry : node.path("cte_map").path("map")) {
            String name = entry.path("key").asString("").toLowerCase(Locale.ROOT);
            if (!PLAIN_NAME.matcher(name).matches() || PermittedViews.reserved(name)) {
                throw new AccessException(
                        Code.CONSTRUCT_NOT_ALLOWED,
                        "A CTE must have a plain name (letters, digits, _) without a system prefix");
            }
            if (views.containsKey(name)) {
                throw new AccessException(Code.CONSTRUCT_NOT_ALLOWED, "A CTE may not have the name of a table");
            }
            JsonNode cte = entry.path("value");
            if (cte.path("query").path("node").path("type").asString("").equals("RECURSIVE_CTE_NODE")) {
                throw new AccessException(Code.RECURSIVE_CTE, "Recursive CTEs are not allowed");
            }
            query(cte.path("query").path("node"), inner, depth + 1);
            inner.add(name);
        }
        if ("SELECT_NODE".equals(type)) {
            tableRef(node.path("from_table"), inner, depth + 1);
            for (String part : new String[] {
                "select_list", "where_clause", "group_expressions", "having", "qualify", "modifiers", "sample"
            }) {
                expressions(node.path(part), inner, depth + 1);
            }
        } else {
            query(node.path("left"), inner, depth + 1);
            query(node.path("right"), inner, depth + 1);
            for (JsonNode child : node.path("children")) {
                query(child, inner, depth + 1);
            }
            expressions(node.path("modifiers"), inner, depth + 1);
        }
    }

    private void tableRef(JsonNode ref, Set<String> scope, int depth) {
        depth(depth);
        String type = ref.path("type").asString("");
        switch (type) {
            case "EMPTY" -> {
                // SELECT without FROM
            }
            case "BASE_TABLE" -> baseTable((ObjectNode) ref, scope);
            case "JOIN" -> {
                tableRef(ref.path("left"), scope, depth + 1);
                tableRef(ref.path("right"), scope, depth + 1);
                expressions(ref.path("condition"), scope, depth + 1);
            }
            case "SUBQUERY" -> query(ref.path("subquery").path("node"), scope, depth + 1);
            case "EXPRESSION_LIST" -> expressions(ref.path("values"), scope, depth + 1);
            case "TABLE_FUNCTION" ->
                throw new AccessException(
                        Code.TABLE_NOT_ALLOWED,
                        "Table functions (read_csv, read_parquet, glob, query, duckdb_tables…) are not allowed: "
                                + "query the contract's tables " + tableNames());
            default ->
                throw new AccessException(
                        Code.CONSTRUCT_NOT_ALLOWED, "This kind of FROM clause is not allowed (PIVOT, SHOW…)");
        }
    }

    private void baseTable(ObjectNode ref, Set<String> scope) {
        String name = ref.path("table_name").asString("");
        String lower = name.toLowerCase(Locale.ROOT);
        boolean qualified = !ref.path("schema_name").asString("").isEmpty()
                || !ref.path("catalog_name").asString("").isEmpty();
        if (!ref.path("at_clause").isNull() && !ref.path("at_clause").isMissingNode()) {
            throw new AccessException(Code.CONSTRUCT_NOT_ALLOWED, "AT (time travel) is not allowed");
        }
        if (!qualified && scope.contains(lower)) {
            return; // a CTE of this query, checked where it is defined
        }
        if (rendered) {
            PermittedViews.Permitted pinned = views.get(lower);
            if (pinned == null
                    || !pinned.name().equals(name)
                    || !catalog.equals(ref.path("catalog_name").asString(""))
                    || !"main".equals(ref.path("schema_name").asString(""))) {
                throw new AccessException(Code.TABLE_NOT_ALLOWED, "A table reference is not a pinned view");
            }
            referenced.add(lower);
            return;
        }
        PermittedViews.Permitted view = qualified ? null : views.get(lower);
        if (view == null) {
            throw new AccessException(
                    Code.TABLE_NOT_ALLOWED,
                    "The query may read only the contract's tables " + tableNames()
                            + ", unqualified (no schema, no catalog, no files, no system tables)");
        }
        referenced.add(lower);
        ref.put("catalog_name", catalog);
        ref.put("schema_name", "main");
        ref.put("table_name", view.name());
        if (ref.path("alias").asString("").isEmpty()) {
            ref.put("alias", name);
        }
    }

    private void expressions(JsonNode node, Set<String> scope, int depth) {
        depth(depth);
        if (node instanceof ArrayNode array) {
            for (JsonNode child : array) {
                expressions(child, scope, depth + 1);
            }
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        if (object.has("class")) {
            if (!expression(object, scope, depth)) {
                return;
            }
        } else if (object.has("node") && object.has("named_param_map")) {
            query(object.path("node"), scope, depth + 1);
            return;
        } else if (object.has("cte_map") && object.has("modifiers")) {
            query(object, scope, depth + 1);
            return;
        } else if (object.has("table_name")
                || (TABLE_REF_TYPES.contains(object.path("type").asString("")) && object.has("alias"))) {
            tableRef(object, scope, depth + 1);
            return;
        }
        for (JsonNode child : object.values()) {
            expressions(child, scope, depth + 1);
        }
    }

    /** Checks one expression node; whether its children still need walking. */
    private boolean expression(ObjectNode node, Set<String> scope, int depth) {
        String kind = node.path("class").asString("");
        if (!EXPRESSION_CLASSES.contains(kind)) {
            throw new AccessException(
                    Code.CONSTRUCT_NOT_ALLOWED,
                    "This kind of expression is not allowed (" + kind.toLowerCase(Locale.ROOT) + ")");
        }
        switch (kind) {
            case "CONSTANT" -> {
                return false;
            }
            case "COLUMN_REF" -> {
                for (JsonNode part : node.path("column_names")) {
                    if (part.asString("").toLowerCase(Locale.ROOT).startsWith(PermittedViews.HIDDEN_PREFIX)) {
                        throw new AccessException(
                                Code.UNKNOWN_COLUMN, "The query names a column the contract does not include");
                    }
                }
                return false;
            }
            case "FUNCTION", "WINDOW" -> {
                String name = node.path("function_name").asString("").toLowerCase(Locale.ROOT);
                String schema = node.path("schema").asString("");
                if (!FUNCTIONS.contains(name)
                        || !schema.isEmpty()
                        || !node.path("catalog").asString("").isEmpty()) {
                    throw new AccessException(
                            Code.FUNCTION_NOT_ALLOWED,
                            PLAIN_NAME.matcher(name).matches()
                                    ? "The function " + name + "() is not allowed: only functions on values "
                                            + "(arithmetic, text, dates, aggregates, window functions) may be used"
                                    : "This function is not allowed");
                }
                return true;
            }
            case "SUBQUERY" -> {
                expressions(node.path("child"), scope, depth + 1);
                query(node.path("subquery").path("node"), scope, depth + 1);
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private static void depth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new AccessException(Code.TOO_DEEP, "The query is nested too deeply");
        }
    }

    private String tableNames() {
        return views.values().stream()
                .map(PermittedViews.Permitted::name)
                .sorted()
                .toList()
                .toString();
    }
}
