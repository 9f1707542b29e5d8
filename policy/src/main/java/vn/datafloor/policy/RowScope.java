package vn.datafloor.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Datafloor profile's row conditions: the refinement of an AssetCollection target whose left operands name
 * columns of the data ("only the rows where province_code is 01").
 *
 * <p>Each column is its own left operand, {@code df:column/<name>} (the IRI
 * {@code https://datafloor.vn/odrl/profile#column/<name>}). ODRL compares a left operand with a right operand and has
 * no slot for "which field"; a generic {@code df:column} operand would need one, outside the model, while an operand
 * per column keeps the constraint a plain ODRL constraint that any ODRL tool reads, compacts and expands with the
 * {@code df} prefix, and that this engine recognises by its prefix. The profile defines the family of operands, not a
 * list: which columns exist is the dataset's business, checked when an offer is made and again at every delivery.
 *
 * <p>Only the comparisons a row filter can make are allowed: {@code eq}, {@code neq}, {@code lt}, {@code lteq},
 * {@code gt}, {@code gteq} (one value) and {@code isAnyOf}, {@code isNoneOf} (one or more), with literal values (text,
 * numbers, booleans, typed literals; not IRIs). A refinement may combine them with {@code and}, nothing else: an
 * {@code or} of row conditions is not what a list of filters enforces, so it is refused rather than approximated.
 */
public final class RowScope {

    /** The compacted prefix of a column left operand. */
    public static final String COLUMN_PREFIX = "df:column/";

    /** Operators a row condition may use. */
    public static final Set<String> OPERATORS = Set.of("eq", "neq", "lt", "lteq", "gt", "gteq", "isAnyOf", "isNoneOf");

    /** Values one condition may list: a refinement is enforced as SQL text, kept small. */
    public static final int MAX_VALUES = 1_000;

    /** A column name as it can appear in an IRI and as a lake column: letters, digits, underscores. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_]{0,127}");

    private RowScope() {}

    /** The left operand naming {@code column}. */
    public static String leftOperand(String column) {
        if (!NAME.matcher(column).matches()) {
            throw new IllegalArgumentException("not a column name: " + column);
        }
        return COLUMN_PREFIX + column;
    }

    /** The column a left operand names, if it is a column operand (compacted or full IRI). */
    public static Optional<String> column(String leftOperand) {
        String compact = Terms.compact(leftOperand);
        if (!compact.startsWith(COLUMN_PREFIX)) {
            return Optional.empty();
        }
        String name = compact.substring(COLUMN_PREFIX.length());
        return NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    /** Whether a left operand is in the column family at all (well named or not). */
    static boolean isColumnOperand(String leftOperand) {
        return Terms.compact(leftOperand).startsWith(COLUMN_PREFIX);
    }

    /** The atomic conditions of a refinement, {@code and}s flattened; an unsupported one is left in as is. */
    static List<Constraint.Atomic> atoms(List<Constraint> refinement) {
        List<Constraint.Atomic> atoms = new ArrayList<>();
        for (Constraint c : refinement) {
            if (c instanceof Constraint.Atomic a) {
                atoms.add(a);
            } else if (c instanceof Constraint.Logical l && l.operator() == Constraint.LogicalOperator.AND) {
                atoms.addAll(atoms(l.constraints()));
            }
        }
        return atoms;
    }

    /** The logical constraints other than {@code and}, at any depth under {@code and}s: what atoms() leaves out. */
    static List<Constraint.Logical> otherLogicals(List<Constraint> refinement) {
        List<Constraint.Logical> found = new ArrayList<>();
        for (Constraint c : refinement) {
            if (c instanceof Constraint.Logical l) {
                if (l.operator() == Constraint.LogicalOperator.AND) {
                    found.addAll(otherLogicals(l.constraints()));
                } else {
                    found.add(l);
                }
            }
        }
        return found;
    }

    /**
     * Why a refinement cannot be enforced as row conditions, one line per problem; empty when it can. What is wrong
     * is named, never guessed around: a refinement the enforcer cannot apply exactly must not permit.
     */
    public static List<String> problems(List<Constraint> refinement) {
        List<String> problems = new ArrayList<>();
        for (Constraint c : refinement) {
            if (c instanceof Constraint.Logical l) {
                if (l.operator() == Constraint.LogicalOperator.AND) {
                    problems.addAll(problems(l.constraints()));
                } else {
                    problems.add("refinement " + l.operator().term() + " (only and combines row conditions)");
                }
                continue;
            }
            problems.addAll(problems((Constraint.Atomic) c));
        }
        return problems;
    }

    /** Why one condition cannot be enforced, in the form {@link Vocabulary#unknownTerms} uses. */
    static List<String> problems(Constraint.Atomic a) {
        List<String> problems = new ArrayList<>();
        if (column(a.leftOperand()).isEmpty()) {
            problems.add("leftOperand " + a.leftOperand() + " (a target refinement names a column: " + COLUMN_PREFIX
                    + "<name>)");
        }
        if (!OPERATORS.contains(a.operator())) {
            problems.add("operator " + a.operator() + " (a row condition uses one of "
                    + new java.util.TreeSet<>(OPERATORS) + ")");
        }
        boolean several = a.operator().equals("isAnyOf") || a.operator().equals("isNoneOf");
        if (a.rightOperand().isEmpty()
                || (!several && a.rightOperand().size() != 1)
                || a.rightOperand().size() > MAX_VALUES) {
            problems.add("rightOperand of " + a.leftOperand() + " (" + a.operator() + " takes "
                    + (several ? "1 to " + MAX_VALUES + " values" : "exactly one value") + ")");
        }
        if (a.rightOperand().stream().anyMatch(v -> v.kind() == Value.Kind.IRI)) {
            problems.add("rightOperand of " + a.leftOperand() + " (row conditions compare with literals, not IRIs)");
        }
        if (a.unit() != null) {
            problems.add("unit of " + a.leftOperand() + " (row conditions have no unit)");
        }
        return problems;
    }
}
