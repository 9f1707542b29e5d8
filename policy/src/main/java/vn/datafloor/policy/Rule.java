package vn.datafloor.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A permission, prohibition or duty (an obligation is a duty at policy level). {@code duties} are a permission's
 * duties; {@code remedies} a prohibition's; {@code consequences} a duty's (what is owed if it is not fulfilled).
 * Empty {@code targets} and null parties mean "the policy's".
 *
 * <p>{@code targetRefinements} maps a target that is an ODRL AssetCollection (Information Model §2.2.3) to its
 * refinement: the rule is about the part of that source the refinement selects (for Datafloor, the rows whose columns
 * satisfy it, see {@link RowScope}). Targets without an entry are plain assets.
 */
public record Rule(
        Kind kind,
        String uid,
        Action action,
        List<String> targets,
        String assigner,
        String assignee,
        List<Constraint> constraints,
        List<Rule> duties,
        List<Rule> remedies,
        List<Rule> consequences,
        Map<String, List<Constraint>> targetRefinements) {

    public enum Kind {
        PERMISSION,
        PROHIBITION,
        DUTY;

        public String term() {
            return switch (this) {
                case PERMISSION -> "permission";
                case PROHIBITION -> "prohibition";
                case DUTY -> "duty";
            };
        }
    }

    public Rule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(action, "action");
        targets = List.copyOf(targets);
        constraints = List.copyOf(constraints);
        duties = List.copyOf(duties);
        remedies = List.copyOf(remedies);
        consequences = List.copyOf(consequences);
        targetRefinements = refinements(targets, targetRefinements);
    }

    /** A rule whose targets are all plain assets. */
    public Rule(
            Kind kind,
            String uid,
            Action action,
            List<String> targets,
            String assigner,
            String assignee,
            List<Constraint> constraints,
            List<Rule> duties,
            List<Rule> remedies,
            List<Rule> consequences) {
        this(kind, uid, action, targets, assigner, assignee, constraints, duties, remedies, consequences, Map.of());
    }

    /** An unmodifiable copy in target order; a refinement must name one of the targets, and is never empty. */
    static Map<String, List<Constraint>> refinements(
            List<String> targets, Map<String, List<Constraint>> targetRefinements) {
        if (targetRefinements == null || targetRefinements.isEmpty()) {
            return Map.of();
        }
        Map<String, List<Constraint>> copy = new LinkedHashMap<>();
        for (String target : targets) {
            List<Constraint> refinement = targetRefinements.get(target);
            if (refinement != null && !refinement.isEmpty()) {
                copy.put(target, List.copyOf(refinement));
            }
        }
        if (!targets.containsAll(targetRefinements.keySet())) {
            throw new IllegalArgumentException("a target refinement names an asset that is not a target");
        }
        return Collections.unmodifiableMap(copy);
    }

    /** A rule with only an action and constraints, for tests and builders. */
    public static Rule of(Kind kind, String action, Constraint... constraints) {
        return new Rule(
                kind,
                null,
                Action.of(action),
                List.of(),
                null,
                null,
                List.of(constraints),
                List.of(),
                List.of(),
                List.of());
    }

    public Rule withUid(String newUid) {
        return new Rule(
                kind,
                newUid,
                action,
                targets,
                assigner,
                assignee,
                constraints,
                duties,
                remedies,
                consequences,
                targetRefinements);
    }

    public Rule withDuties(List<Rule> newDuties) {
        return new Rule(
                kind,
                uid,
                action,
                targets,
                assigner,
                assignee,
                constraints,
                newDuties,
                remedies,
                consequences,
                targetRefinements);
    }

    /**
     * This rule about part of {@code source} only: its target becomes an AssetCollection of that source refined by
     * {@code refinement} (no refinement: the plain source).
     */
    public Rule withTarget(String source, List<Constraint> refinement) {
        return new Rule(
                kind,
                uid,
                action,
                List.of(source),
                assigner,
                assignee,
                constraints,
                duties,
                remedies,
                consequences,
                refinement.isEmpty() ? Map.of() : Map.of(source, refinement));
    }
}
