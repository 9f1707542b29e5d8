package vn.datafloor.server.access;

import java.util.ArrayList;
import java.util.List;
import vn.datafloor.integration.access.RowFilter;
import vn.datafloor.policy.Constraint;
import vn.datafloor.policy.RowScope;
import vn.datafloor.policy.Value;
import vn.datafloor.server.catalog.CatalogEntry;

/**
 * An agreement's row scope (the refinement of its target, {@code df:column/<name>} conditions) as the row filters of
 * the permitted view, on the dataset's columns as the catalog knows them today and typed as each column is.
 *
 * <p>Deny by default: a condition naming a column the dataset no longer has, a value that is not of its column's
 * type, or a type no filter can compare is not dropped but refused as a whole, since the terms sold only these rows
 * and delivering without the condition would deliver rows that were not sold.
 */
final class RowScopes {

    private RowScopes() {}

    /** Why a row scope cannot be enforced on the dataset as it is. */
    static final class Unenforceable extends Exception {
        Unenforceable(String message) {
            super(message);
        }
    }

    static List<RowFilter> filters(List<Constraint.Atomic> scope, List<CatalogEntry.Column> columns)
            throws Unenforceable {
        List<RowFilter> filters = new ArrayList<>();
        for (Constraint.Atomic condition : scope) {
            List<String> problems = RowScope.problems(List.of(condition));
            if (!problems.isEmpty()) {
                throw new Unenforceable(String.join("; ", problems));
            }
            String name = RowScope.column(condition.leftOperand()).orElseThrow();
            CatalogEntry.Column column = columns.stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new Unenforceable(
                            "the terms keep only rows by column " + name + ", which the dataset no longer has"));
            List<Object> values = new ArrayList<>();
            for (Value value : condition.rightOperand()) {
                values.add(typed(column, value));
            }
            switch (condition.operator()) {
                case "eq" -> filters.add(new RowFilter(column.name(), RowFilter.Operator.EQ, values));
                case "neq" -> filters.add(new RowFilter(column.name(), RowFilter.Operator.NE, values));
                case "lt" -> filters.add(new RowFilter(column.name(), RowFilter.Operator.LT, values));
                case "lteq" -> filters.add(new RowFilter(column.name(), RowFilter.Operator.LE, values));
                case "gt" -> filters.add(new RowFilter(column.name(), RowFilter.Operator.GT, values));
                case "gteq" -> filters.add(new RowFilter(column.name(), RowFilter.Operator.GE, values));
                case "isAnyOf" -> filters.add(RowFilter.in(column.name(), values));
                // "none of" as one "is not" per value: the same rows as NOT IN, null included (neither keeps it).
                case "isNoneOf" ->
                    values.forEach(v -> filters.add(new RowFilter(column.name(), RowFilter.Operator.NE, List.of(v))));
                default -> throw new Unenforceable("operator " + condition.operator() + " is not a row condition");
            }
        }
        return filters;
    }

    /** The value as its column's type compares it; a column of another type is refused, never compared as text. */
    private static Object typed(CatalogEntry.Column column, Value value) throws Unenforceable {
        try {
            return column.filterValue(value.text());
        } catch (IllegalArgumentException e) {
            throw new Unenforceable(e.getMessage());
        }
    }
}
