package vn.datafloor.policy;

import java.util.List;
import java.util.Objects;

/**
 * A permission, prohibition or duty (an obligation is a duty at policy level). {@code duties} are a permission's
 * duties; {@code remedies} a prohibition's; {@code consequences} a duty's (what is owed if it is not fulfilled).
 * Empty {@code targets} and null parties mean "the policy's".
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
        List<Rule> consequences) {

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
        return new Rule(kind, newUid, action, targets, assigner, assignee, constraints, duties, remedies, consequences);
    }

    public Rule withDuties(List<Rule> newDuties) {
        return new Rule(kind, uid, action, targets, assigner, assignee, constraints, newDuties, remedies, consequences);
    }
}
