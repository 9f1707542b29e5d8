package vn.datafloor.policy;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of an evaluation and why: each reason names its rule (uid, or kind and index) and what was found.
 * {@code rowScope}: when permitted, the conditions on the data's rows the permitting rule's target is refined by
 * (atomic constraints on {@code df:column/...} left operands, all of which a delivered row must satisfy); empty when
 * the permission covers the whole asset or the request is not permitted. The enforcer must apply it.
 */
public record Decision(Outcome outcome, List<Reason> reasons, List<Constraint.Atomic> rowScope) {

    /** NOT_APPLICABLE: no rule of the policy is about this assignee and target; callers treat it as a denial. */
    public enum Outcome {
        PERMIT,
        DENY,
        NOT_APPLICABLE
    }

    public enum ReasonKind {
        /** A permission applies and is in effect. */
        PERMITTED,
        /** A prohibition applies. */
        PROHIBITED,
        /** A permission or prohibition matched the request but a constraint was not satisfied. */
        CONSTRAINT_NOT_SATISFIED,
        /** A permission applies but one of its duties is not fulfilled. */
        DUTY_PENDING,
        /** A permission and a prohibition both apply; how the conflict strategy resolved it. */
        CONFLICT,
        /** An obligation of the policy is not fulfilled (reported; it does not change the outcome). */
        OBLIGATION_PENDING,
        /** No permission covers the request: deny by default. */
        NO_PERMISSION,
        /** The policy says nothing about this assignee and target. */
        NOT_COVERED
    }

    /** How one constraint was judged; {@code actual} is what the request or world state supplied, if anything. */
    public enum Status {
        SATISFIED,
        NOT_SATISFIED,
        /** Cannot be decided: an unknown operand or operator, or a value not provided. Never permits. */
        UNKNOWN
    }

    public record ConstraintCheck(
            String leftOperand, String operator, String expected, String actual, Status status, String why) {}

    public record Reason(ReasonKind kind, String rule, String message, List<ConstraintCheck> checks) {
        public Reason {
            Objects.requireNonNull(kind, "kind");
            checks = List.copyOf(checks);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(kind + " " + rule + ": " + message);
            for (ConstraintCheck c : checks) {
                s.append("\n    ")
                        .append(c.status())
                        .append(' ')
                        .append(c.leftOperand())
                        .append(' ')
                        .append(c.operator())
                        .append(' ')
                        .append(c.expected())
                        .append(" (actual: ")
                        .append(c.actual() == null ? "not provided" : c.actual())
                        .append(")");
                if (c.why() != null) {
                    s.append(" — ").append(c.why());
                }
            }
            return s.toString();
        }
    }

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
        reasons = List.copyOf(reasons);
        rowScope = List.copyOf(rowScope);
        if (outcome != Outcome.PERMIT && !rowScope.isEmpty()) {
            throw new IllegalArgumentException("only a permit has a row scope");
        }
    }

    /** A decision about whole assets. */
    public Decision(Outcome outcome, List<Reason> reasons) {
        this(outcome, reasons, List.of());
    }

    public boolean permitted() {
        return outcome == Outcome.PERMIT;
    }

    public boolean has(ReasonKind kind) {
        return reasons.stream().anyMatch(r -> r.kind() == kind);
    }
}
