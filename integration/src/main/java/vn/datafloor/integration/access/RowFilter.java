package vn.datafloor.integration.access;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A structured condition on one column, from a policy or from a REST request: never SQL text. The
 * values are bound as parameters or written as quoted literals by trusted code.
 *
 * @param values one value for the comparisons, one or more for {@link Operator#IN}; each a String,
 *     a whole or decimal number, a Boolean or a LocalDate
 */
public record RowFilter(String column, Operator operator, List<Object> values) {

    /** Comparisons a filter may make. */
    public enum Operator {
        EQ("="),
        NE("<>"),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">="),
        IN("IN");

        final String sql;

        Operator(String sql) {
            this.sql = sql;
        }
    }

    public RowFilter {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(operator, "operator");
        values = List.copyOf(values);
        if (values.isEmpty() || (operator != Operator.IN && values.size() != 1)) {
            throw new IllegalArgumentException(
                    operator == Operator.IN ? "IN needs at least one value" : operator + " needs exactly one value");
        }
        for (Object value : values) {
            if (!(value instanceof String
                    || value instanceof Long
                    || value instanceof Integer
                    || value instanceof BigDecimal
                    || value instanceof Boolean
                    || value instanceof LocalDate)) {
                throw new IllegalArgumentException(
                        "A filter value must be text, a whole or decimal number, a boolean or a date");
            }
        }
    }

    /**
     * This filter as a SQL condition on {@code quotedColumn} (a quoted identifier the caller resolved), values as
     * literals: for trusted code building a view outside {@link PermittedViews}, such as the sandbox's.
     */
    public String sql(String quotedColumn) {
        return PermittedViews.condition(quotedColumn, this);
    }

    public static RowFilter eq(String column, Object value) {
        return new RowFilter(column, Operator.EQ, List.of(value));
    }

    public static RowFilter in(String column, List<?> values) {
        return new RowFilter(column, Operator.IN, List.copyOf(values));
    }
}
