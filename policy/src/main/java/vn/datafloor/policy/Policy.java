package vn.datafloor.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An ODRL 2.2 policy. {@code targets}, {@code assigner} and {@code assignee} at this level apply to every rule that
 * does not name its own (the ODRL "policy-level" shorthand). {@code targetRefinements}: as {@link Rule#targetRefinements}
 * for the policy-level targets.
 */
public record Policy(
        Type type,
        String uid,
        List<String> profiles,
        String assigner,
        String assignee,
        List<String> targets,
        Conflict conflict,
        List<Rule> permissions,
        List<Rule> prohibitions,
        List<Rule> obligations,
        Map<String, List<Constraint>> targetRefinements) {

    /** The policy subclasses ODRL defines; {@code Policy} itself is read as a Set, as the specification says. */
    public enum Type {
        SET,
        OFFER,
        AGREEMENT;

        public String term() {
            return switch (this) {
                case SET -> "Set";
                case OFFER -> "Offer";
                case AGREEMENT -> "Agreement";
            };
        }
    }

    /** What to do when a permission and a prohibition both apply; ODRL's default when none is given is invalid. */
    public enum Conflict {
        PERM,
        PROHIBIT,
        INVALID;

        public String term() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Policy {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(uid, "uid");
        profiles = List.copyOf(profiles);
        targets = List.copyOf(targets);
        permissions = List.copyOf(permissions);
        prohibitions = List.copyOf(prohibitions);
        obligations = List.copyOf(obligations);
        targetRefinements = Rule.refinements(targets, targetRefinements);
    }

    /** A policy whose policy-level targets are all plain assets. */
    public Policy(
            Type type,
            String uid,
            List<String> profiles,
            String assigner,
            String assignee,
            List<String> targets,
            Conflict conflict,
            List<Rule> permissions,
            List<Rule> prohibitions,
            List<Rule> obligations) {
        this(
                type,
                uid,
                profiles,
                assigner,
                assignee,
                targets,
                conflict,
                permissions,
                prohibitions,
                obligations,
                Map.of());
    }

    /** The conflict strategy in force: the one stated, else ODRL's default. */
    public Conflict conflictOrDefault() {
        return conflict == null ? Conflict.INVALID : conflict;
    }

    /** Every rule, in document order: permissions, prohibitions, obligations. */
    public List<Rule> rules() {
        return Stream.of(permissions, prohibitions, obligations)
                .flatMap(List::stream)
                .toList();
    }
}
