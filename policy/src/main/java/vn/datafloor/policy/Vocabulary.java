package vn.datafloor.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which terms of a policy this engine does not know. A valid ODRL policy may use terms from other
 * profiles; the evaluator never permits on them, so a platform that must enforce what it sells refuses
 * such a policy up front rather than selling terms that would deny every request.
 */
public final class Vocabulary {

    private Vocabulary() {}

    /**
     * Every unknown action, left operand and operator, in document order, each once ({@code "leftOperand x"}). A
     * target refinement is known when it is row conditions ({@link RowScope}): column left operands with the
     * operators and values a row filter applies; anything else in it is listed, with why.
     */
    public static List<String> unknownTerms(Policy policy) {
        Set<String> unknown = new LinkedHashSet<>();
        policy.targetRefinements().values().forEach(r -> unknown.addAll(RowScope.problems(r)));
        for (Rule rule : policy.rules()) {
            rule(rule, unknown);
        }
        return new ArrayList<>(unknown);
    }

    private static void rule(Rule rule, Set<String> unknown) {
        if (!rule.action().known()) {
            unknown.add("action " + rule.action().name());
        }
        rule.targetRefinements().values().forEach(r -> unknown.addAll(RowScope.problems(r)));
        rule.action().refinements().forEach(c -> constraint(c, unknown));
        rule.constraints().forEach(c -> constraint(c, unknown));
        for (List<Rule> nested : List.of(rule.duties(), rule.remedies(), rule.consequences())) {
            nested.forEach(r -> rule(r, unknown));
        }
    }

    private static void constraint(Constraint constraint, Set<String> unknown) {
        if (constraint instanceof Constraint.Logical logical) {
            logical.constraints().forEach(c -> constraint(c, unknown));
            return;
        }
        Constraint.Atomic atomic = (Constraint.Atomic) constraint;
        if (!Terms.LEFT_OPERANDS.contains(atomic.leftOperand())) {
            unknown.add("leftOperand " + atomic.leftOperand());
        }
        if (Operator.ofTerm(atomic.operator()).isEmpty()) {
            unknown.add("operator " + atomic.operator());
        }
    }
}
