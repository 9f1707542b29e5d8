package vn.datafloor.integration.sandbox;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Refuses WHERE comparisons that would make DuckDB cast the column rather than the constant. Such a
 * cast fails or succeeds depending on the values stored ({@code text_column = 5} fails as soon as
 * one compared row holds a word), and a failure that depends on the data is an answer without noise
 * and without a price. So a column is compared only with constants of its own family: text with
 * text, numbers with numbers whose common type holds every value of the column, dates and times with
 * text or temporal constants (DuckDB casts the constant), booleans with booleans.
 */
final class FilterTypes {

    private static final Set<String> TEMPORAL_CONSTANTS =
            Set.of("VARCHAR", "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIME");

    private static final Set<String> INTEGER_CONSTANTS = Set.of(
            "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT");

    /** The most digits a DuckDB DECIMAL holds. */
    private static final int MAX_DECIMAL_WIDTH = 38;

    private FilterTypes() {}

    static void check(JsonNode node, Map<String, SandboxPlan.Column> columns) {
        switch (node.path("class").asString("")) {
            case "CONJUNCTION" -> {
                for (JsonNode child : node.path("children")) {
                    check(child, columns);
                }
            }
            case "COMPARISON" -> {
                JsonNode left = node.path("left");
                boolean leftColumn = "COLUMN_REF".equals(left.path("class").asString(""));
                JsonNode column = leftColumn ? left : node.path("right");
                compare(column, leftColumn ? node.path("right") : left, columns);
            }
            case "BETWEEN" -> {
                compare(node.path("input"), node.path("lower"), columns);
                compare(node.path("input"), node.path("upper"), columns);
            }
            case "OPERATOR" -> {
                JsonNode children = node.path("children");
                String type = node.path("type").asString("");
                if ("COMPARE_IN".equals(type) || "COMPARE_NOT_IN".equals(type)) {
                    for (int i = 1; i < children.size(); i++) {
                        compare(children.get(0), children.get(i), columns);
                    }
                } else if ("OPERATOR_NOT".equals(type)) {
                    check(children.get(0), columns);
                }
                // IS [NOT] NULL compares nothing
            }
            default -> throw new IllegalStateException("an unchecked WHERE reached the plan");
        }
    }

    private static void compare(JsonNode columnRef, JsonNode constant, Map<String, SandboxPlan.Column> columns) {
        String name = columnRef.path("column_names").get(0).asString("").toLowerCase(Locale.ROOT);
        SandboxPlan.Column column = columns.get(name);
        JsonNode value = "CAST".equals(constant.path("class").asString(""))
                ? constant.path("child").path("value")
                : constant.path("value");
        if (value.path("is_null").asBoolean(false)
                && !"CAST".equals(constant.path("class").asString(""))) {
            return; // NULL compares with anything, and matches nothing
        }
        JsonNode type =
                "CAST".equals(constant.path("class").asString("")) ? constant.path("cast_type") : value.path("type");
        String id = type.path("id").asString("");
        if (!compatible(column, id, type.path("type_info").path("scale").asInt(0))) {
            throw new SandboxException(
                    "sandbox.where",
                    "Column " + column.name() + " (" + column.type() + ") is compared with a constant of another"
                            + " type: compare text with 'text', numbers with numbers, dates with DATE '…'");
        }
    }

    private static boolean compatible(SandboxPlan.Column column, String constant, int constantScale) {
        String base = column.base();
        if ("VARCHAR".equals(base)) {
            return "VARCHAR".equals(constant);
        }
        if ("BOOLEAN".equals(base)) {
            return "BOOLEAN".equals(constant);
        }
        if (base.startsWith("DATE") || base.startsWith("TIME")) {
            return TEMPORAL_CONSTANTS.contains(constant);
        }
        boolean number = INTEGER_CONSTANTS.contains(constant) || "FLOAT".equals(constant) || "DOUBLE".equals(constant);
        if (SandboxPlan.Column.FLOATS.contains(base)) {
            return number || "DECIMAL".equals(constant);
        }
        if (SandboxPlan.Column.INTEGERS.contains(base)) {
            // a 64-bit integer has at most 20 digits; DECIMAL(20 + scale, scale) holds it
            return number || ("DECIMAL".equals(constant) && 20 + constantScale <= MAX_DECIMAL_WIDTH);
        }
        if (SandboxPlan.Column.HUGE.contains(base)) {
            return number;
        }
        if ("DECIMAL".equals(base)) {
            int[] ws = column.decimal();
            int integerDigits = ws[0] - ws[1];
            return number
                    || ("DECIMAL".equals(constant)
                            && integerDigits + Math.max(ws[1], constantScale) <= MAX_DECIMAL_WIDTH);
        }
        return false;
    }
}
