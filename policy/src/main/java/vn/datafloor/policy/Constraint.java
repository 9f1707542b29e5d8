package vn.datafloor.policy;

import java.util.List;
import java.util.Objects;

/** A constraint on a rule: a comparison of a left operand with values, or a logical combination of constraints. */
public sealed interface Constraint {

    String uid();

    /**
     * {@code leftOperand} and {@code operator} are short names for known terms ({@code purpose}, {@code lteq},
     * {@code df:crossBorder}) and IRIs for others; {@code unit} is an IRI or short name, for {@code payAmount}.
     */
    record Atomic(String uid, String leftOperand, String operator, List<Value> rightOperand, String unit)
            implements Constraint {
        public Atomic {
            Objects.requireNonNull(leftOperand, "leftOperand");
            Objects.requireNonNull(operator, "operator");
            rightOperand = List.copyOf(rightOperand);
        }

        public static Atomic of(String leftOperand, String operator, Value... values) {
            return new Atomic(null, leftOperand, operator, List.of(values), null);
        }
    }

    record Logical(String uid, LogicalOperator operator, List<Constraint> constraints) implements Constraint {
        public Logical {
            Objects.requireNonNull(operator, "operator");
            constraints = List.copyOf(constraints);
        }
    }

    /** ODRL's logical constraint operands. */
    enum LogicalOperator {
        AND("and"),
        OR("or"),
        XONE("xone"),
        AND_SEQUENCE("andSequence");

        private final String term;

        LogicalOperator(String term) {
            this.term = term;
        }

        public String term() {
            return term;
        }
    }
}
