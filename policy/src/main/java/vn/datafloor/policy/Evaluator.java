package vn.datafloor.policy;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import vn.datafloor.policy.Decision.ConstraintCheck;
import vn.datafloor.policy.Decision.Outcome;
import vn.datafloor.policy.Decision.Reason;
import vn.datafloor.policy.Decision.ReasonKind;
import vn.datafloor.policy.Decision.Status;

/**
 * Decides a request against a policy, following the ODRL 2.2 Information Model and the ODRL Formal Semantics draft:
 *
 * <ul>
 *   <li>a rule is about a request when its action includes the requested one (the vocabulary's hierarchy: {@code use}
 *       includes {@code read}), and its target and assignee (or the policy's) match;
 *   <li>a permission is in effect when all its constraints (and action refinements) are satisfied and all its duties
 *       fulfilled;
 *   <li>a prohibition applies when none of its constraints is known to be unsatisfied;
 *   <li>a permission and an applying prohibition conflict: {@code perm} lets the permission win, {@code prohibit} the
 *       prohibition, {@code invalid} (ODRL's default) makes the policy void and denies;
 *   <li>no permission in effect: deny.
 * </ul>
 *
 * A rule whose target is an AssetCollection refined by row conditions ({@link RowScope}) is about its source: a
 * permission of it matches a request for the source and, when it permits, the decision carries the conditions as its
 * {@link Decision#rowScope() row scope}, which the caller must enforce. A refinement that is not row conditions the
 * enforcer can apply makes the permission undecidable (it never permits). A prohibition of a refined target is read
 * as prohibiting the whole source: over-broad, but a prohibition narrowed to some rows would need the enforcer to
 * exclude rows, which it does not do, and reading it narrowly could permit what it forbids.
 *
 * Constraints are judged in three values. Anything the engine cannot decide (an unknown left operand or operator, a
 * fact the request does not supply) is UNKNOWN: it never satisfies a permission and never rules out a prohibition.
 */
public final class Evaluator {

    /** Dates without a time are days in Vietnam: "until 31/12/2027" means until the end of that day here. */
    static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");

    /** Units a payAmount may be stated in: requests carry đồng only. */
    private static final Set<String> DONG_UNITS = Set.of(
            "VND",
            "df:VND",
            "http://dbpedia.org/resource/Vietnamese_đồng",
            "http://dbpedia.org/resource/Vietnamese_dong",
            "https://www.wikidata.org/wiki/Q192090",
            "http://www.wikidata.org/entity/Q192090");

    private Evaluator() {}

    public static Decision evaluate(Policy policy, Request request, WorldState state) {
        List<Reason> reasons = new ArrayList<>();
        boolean covered = false;
        String winner = null;
        List<Constraint.Atomic> rowScope = List.of();

        for (int i = 0; i < policy.permissions().size(); i++) {
            Rule rule = policy.permissions().get(i);
            String label = label(rule, "permission[" + i + "]");
            covered |= partiesAndTargetMatch(policy, rule, request, false);
            if (!appliesTo(policy, rule, request, false)) {
                continue;
            }
            List<Constraint> refinement = refinementOf(policy, rule, request);
            Judgement judgement = both(judgeAll(rule, constraintsOf(rule), request, state), rowConditions(refinement));
            if (judgement.status != Status.SATISFIED) {
                reasons.add(new Reason(
                        ReasonKind.CONSTRAINT_NOT_SATISFIED,
                        label,
                        judgement.status == Status.UNKNOWN
                                ? "a constraint cannot be decided, so the permission does not apply"
                                : "a constraint is not satisfied",
                        judgement.failing()));
                continue;
            }
            List<String> pending = pendingDuties(rule, label, state);
            if (!pending.isEmpty()) {
                reasons.add(new Reason(
                        ReasonKind.DUTY_PENDING, label, "duty pending: " + String.join("; ", pending), List.of()));
                continue;
            }
            if (winner == null) {
                winner = label;
                // The first permission in effect decides what is delivered: any later one permits too, so its
                // rows are permitted as well, and delivering only the first's never delivers more than allowed.
                rowScope = RowScope.atoms(refinement);
                reasons.add(new Reason(
                        ReasonKind.PERMITTED, label, "permits " + rule.action().name(), judgement.checks));
            }
        }

        List<String> prohibitedBy = new ArrayList<>();
        for (int i = 0; i < policy.prohibitions().size(); i++) {
            Rule rule = policy.prohibitions().get(i);
            String label = label(rule, "prohibition[" + i + "]");
            covered |= partiesAndTargetMatch(policy, rule, request, true);
            if (!appliesTo(policy, rule, request, true)) {
                continue;
            }
            Judgement judgement = judgeAll(rule, constraintsOf(rule), request, state);
            if (judgement.status == Status.NOT_SATISFIED) {
                continue;
            }
            prohibitedBy.add(label);
            reasons.add(new Reason(
                    ReasonKind.PROHIBITED,
                    label,
                    judgement.status == Status.UNKNOWN
                            ? "prohibits " + rule.action().name() + ": a constraint cannot be decided, so it cannot"
                                    + " be ruled out"
                            : "prohibits " + rule.action().name(),
                    judgement.status == Status.UNKNOWN ? judgement.failing() : judgement.checks));
        }

        reportObligations(policy, request, state, reasons);

        Outcome outcome;
        if (!covered) {
            reasons.add(
                    0,
                    new Reason(
                            ReasonKind.NOT_COVERED,
                            policy.uid(),
                            "no rule of the policy is about this assignee and target",
                            List.of()));
            outcome = Outcome.NOT_APPLICABLE;
        } else if (!prohibitedBy.isEmpty() && winner != null) {
            Policy.Conflict strategy = policy.conflictOrDefault();
            String between = winner + " and " + String.join(", ", prohibitedBy);
            switch (strategy) {
                case PERM -> {
                    outcome = Outcome.PERMIT;
                    reasons.add(new Reason(
                            ReasonKind.CONFLICT,
                            policy.uid(),
                            "conflict: perm — the permission wins (" + between + ")",
                            List.of()));
                }
                case PROHIBIT -> {
                    outcome = Outcome.DENY;
                    reasons.add(new Reason(
                            ReasonKind.CONFLICT,
                            policy.uid(),
                            "conflict: prohibit — the prohibition wins (" + between + ")",
                            List.of()));
                }
                default -> {
                    outcome = Outcome.DENY;
                    reasons.add(new Reason(
                            ReasonKind.CONFLICT,
                            policy.uid(),
                            "conflict: invalid"
                                    + (policy.conflict() == null ? " (ODRL's default)" : "")
                                    + " — the policy is void because a permission and a prohibition conflict ("
                                    + between + ")",
                            List.of()));
                }
            }
        } else if (!prohibitedBy.isEmpty()) {
            outcome = Outcome.DENY;
        } else if (winner != null) {
            outcome = Outcome.PERMIT;
        } else {
            outcome = Outcome.DENY;
            boolean anyMatched = reasons.stream()
                    .anyMatch(r ->
                            r.kind() == ReasonKind.CONSTRAINT_NOT_SATISFIED || r.kind() == ReasonKind.DUTY_PENDING);
            if (!anyMatched) {
                reasons.add(new Reason(
                        ReasonKind.NO_PERMISSION,
                        policy.uid(),
                        "no permission covers " + request.action() + " of this target by this assignee: denied by"
                                + " default",
                        List.of()));
            }
        }
        return new Decision(outcome, reasons, outcome == Outcome.PERMIT ? rowScope : List.of());
    }

    /** The refinement of the target the request is about, from the rule's own targets or else the policy's. */
    private static List<Constraint> refinementOf(Policy policy, Rule rule, Request request) {
        if (request.target() == null) {
            return List.of();
        }
        var refinements = rule.targets().isEmpty() ? policy.targetRefinements() : rule.targetRefinements();
        return refinements.getOrDefault(request.target(), List.of());
    }

    /**
     * Row conditions are not facts of the request to test: they hold by construction for the rows delivered, once
     * the enforcer applies them. So each is satisfied when the enforcer can apply it, and undecided otherwise.
     */
    private static Judgement rowConditions(List<Constraint> refinement) {
        List<ConstraintCheck> checks = new ArrayList<>();
        for (Constraint.Logical l : RowScope.otherLogicals(refinement)) {
            // atoms() leaves such a combination out: it must make the permission undecided, not vanish.
            checks.add(new ConstraintCheck(
                    l.operator().term(),
                    "",
                    l.constraints().size() + " constraints",
                    null,
                    Status.UNKNOWN,
                    "a target refinement combines row conditions with and only"));
        }
        for (Constraint.Atomic a : RowScope.atoms(refinement)) {
            List<String> problems = RowScope.problems(a);
            checks.add(
                    problems.isEmpty()
                            ? new ConstraintCheck(
                                    a.leftOperand(),
                                    a.operator(),
                                    expected(a),
                                    "only the rows delivered that satisfy it",
                                    Status.SATISFIED,
                                    null)
                            : new ConstraintCheck(
                                    a.leftOperand(),
                                    a.operator(),
                                    expected(a),
                                    null,
                                    Status.UNKNOWN,
                                    "not a row condition: " + String.join("; ", problems)));
        }
        boolean unknown = checks.stream().anyMatch(c -> c.status() == Status.UNKNOWN);
        return new Judgement(unknown ? Status.UNKNOWN : Status.SATISFIED, checks);
    }

    private static Judgement both(Judgement first, Judgement second) {
        return new Judgement(and(List.of(first, second)), flatten(List.of(first, second)));
    }

    private static String label(Rule rule, String position) {
        return rule.uid() != null ? rule.uid() : position;
    }

    private static List<Constraint> constraintsOf(Rule rule) {
        List<Constraint> all = new ArrayList<>(rule.constraints());
        all.addAll(rule.action().refinements());
        return all;
    }

    /**
     * Whether the rule's target and assignee (or the policy's) match. {@code conservative} is for prohibitions: a
     * request that does not say who or what still falls under them.
     */
    private static boolean partiesAndTargetMatch(Policy policy, Rule rule, Request request, boolean conservative) {
        List<String> targets = rule.targets().isEmpty() ? policy.targets() : rule.targets();
        String assignee = rule.assignee() != null ? rule.assignee() : policy.assignee();
        boolean targetOk =
                targets.isEmpty() || (request.target() == null ? conservative : targets.contains(request.target()));
        boolean assigneeOk =
                assignee == null || (request.assignee() == null ? conservative : assignee.equals(request.assignee()));
        return targetOk && assigneeOk;
    }

    private static boolean appliesTo(Policy policy, Rule rule, Request request, boolean conservative) {
        return partiesAndTargetMatch(policy, rule, request, conservative)
                && rule.action().includes(Terms.compact(request.action()));
    }

    private static List<String> pendingDuties(Rule rule, String label, WorldState state) {
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < rule.duties().size(); i++) {
            Rule duty = rule.duties().get(i);
            if (!fulfilled(duty, state)) {
                String dutyLabel = duty.uid() != null ? duty.uid() : label + ".duty[" + i + "]";
                pending.add(dutyLabel + " (" + duty.action().name() + describe(constraintsOf(duty)) + ")");
            }
        }
        return pending;
    }

    private static boolean fulfilled(Rule duty, WorldState state) {
        return (duty.uid() != null && state.fulfilled().contains(duty.uid()))
                || state.fulfilled().contains(duty.action().name());
    }

    private static String describe(List<Constraint> constraints) {
        if (constraints.isEmpty()) {
            return "";
        }
        return ": " + constraints.stream().map(Evaluator::describe).collect(Collectors.joining(", "));
    }

    private static String describe(Constraint constraint) {
        if (constraint instanceof Constraint.Atomic a) {
            return a.leftOperand() + " " + a.operator() + " " + expected(a);
        }
        Constraint.Logical l = (Constraint.Logical) constraint;
        return l.operator().term() + "("
                + l.constraints().stream().map(Evaluator::describe).collect(Collectors.joining(", ")) + ")";
    }

    private static void reportObligations(Policy policy, Request request, WorldState state, List<Reason> reasons) {
        for (int i = 0; i < policy.obligations().size(); i++) {
            Rule rule = policy.obligations().get(i);
            String label = label(rule, "obligation[" + i + "]");
            String assignee = rule.assignee() != null ? rule.assignee() : policy.assignee();
            if (fulfilled(rule, state)
                    || (assignee != null && request.assignee() != null && !assignee.equals(request.assignee()))) {
                continue;
            }
            Judgement due = judgeAll(rule, constraintsOf(rule), request, state);
            String when = switch (due.status) {
                case SATISFIED -> "due now";
                case NOT_SATISFIED -> "not yet due";
                case UNKNOWN -> "cannot tell whether it is due";
            };
            reasons.add(new Reason(
                    ReasonKind.OBLIGATION_PENDING,
                    label,
                    "obligation to " + rule.action().name() + " is not fulfilled (" + when + ")",
                    due.checks));
        }
    }

    /** A status and the checks that led to it (leaves, with logical nodes before their parts). */
    private record Judgement(Status status, List<ConstraintCheck> checks) {
        List<ConstraintCheck> failing() {
            return checks.stream().filter(c -> c.status() != Status.SATISFIED).toList();
        }
    }

    private static Judgement judgeAll(Rule rule, List<Constraint> constraints, Request request, WorldState state) {
        List<Judgement> parts =
                constraints.stream().map(c -> judge(rule, c, request, state)).toList();
        return new Judgement(and(parts), flatten(parts));
    }

    private static Status and(List<Judgement> parts) {
        if (parts.stream().anyMatch(p -> p.status == Status.NOT_SATISFIED)) {
            return Status.NOT_SATISFIED;
        }
        if (parts.stream().anyMatch(p -> p.status == Status.UNKNOWN)) {
            return Status.UNKNOWN;
        }
        return Status.SATISFIED;
    }

    private static List<ConstraintCheck> flatten(List<Judgement> parts) {
        return parts.stream().flatMap(p -> p.checks.stream()).toList();
    }

    private static Judgement judge(Rule rule, Constraint constraint, Request request, WorldState state) {
        if (constraint instanceof Constraint.Atomic atomic) {
            ConstraintCheck check = judgeAtomic(rule, atomic, request, state);
            return new Judgement(check.status(), List.of(check));
        }
        Constraint.Logical logical = (Constraint.Logical) constraint;
        List<Judgement> parts = logical.constraints().stream()
                .map(c -> judge(rule, c, request, state))
                .toList();
        long satisfied =
                parts.stream().filter(p -> p.status == Status.SATISFIED).count();
        long unknown = parts.stream().filter(p -> p.status == Status.UNKNOWN).count();
        Status status;
        String why;
        switch (logical.operator()) {
            case OR -> {
                status = satisfied > 0 ? Status.SATISFIED : unknown > 0 ? Status.UNKNOWN : Status.NOT_SATISFIED;
                why = satisfied > 0 ? satisfied + " satisfied" : "none satisfied";
            }
            case XONE -> {
                // Exactly one: two satisfied already fail; otherwise an undecided part leaves it undecided.
                status = satisfied > 1
                        ? Status.NOT_SATISFIED
                        : unknown > 0 ? Status.UNKNOWN : satisfied == 1 ? Status.SATISFIED : Status.NOT_SATISFIED;
                why = satisfied + " of " + parts.size() + " satisfied, exactly one required";
            }
            default -> {
                // and, andSequence: the order of an andSequence matters when constraints have effects; ours do not.
                status = and(parts);
                why = satisfied + " of " + parts.size() + " satisfied, all required";
            }
        }
        List<ConstraintCheck> checks = new ArrayList<>();
        checks.add(
                new ConstraintCheck(logical.operator().term(), "", parts.size() + " constraints", null, status, why));
        checks.addAll(flatten(parts));
        return new Judgement(status, checks);
    }

    private static String expected(Constraint.Atomic a) {
        String values = a.rightOperand().size() == 1
                ? a.rightOperand().get(0).text()
                : a.rightOperand().stream().map(Value::text).collect(Collectors.joining(", ", "[", "]"));
        return a.unit() == null ? values : values + " " + a.unit();
    }

    private static ConstraintCheck judgeAtomic(Rule rule, Constraint.Atomic a, Request request, WorldState state) {
        String left = a.leftOperand();
        String expected = expected(a);
        if (!Terms.LEFT_OPERANDS.contains(left)) {
            return new ConstraintCheck(left, a.operator(), expected, null, Status.UNKNOWN, "unknown left operand");
        }
        Optional<Operator> op = Operator.ofTerm(a.operator());
        if (op.isEmpty()) {
            return new ConstraintCheck(left, a.operator(), expected, null, Status.UNKNOWN, "unknown operator");
        }
        try {
            return switch (left) {
                case "dateTime" -> dateTime(a, op.get(), expected, state.now());
                case "elapsedTime" -> elapsed(a, op.get(), expected, state);
                case "count" -> count(rule, a, op.get(), expected, state);
                case "payAmount" -> payAmount(a, op.get(), expected, request);
                default -> terms(a, op.get(), expected, request);
            };
        } catch (DateTimeException | NumberFormatException e) {
            return new ConstraintCheck(
                    left, a.operator(), expected, null, Status.UNKNOWN, "unreadable value: " + e.getMessage());
        }
    }

    private static ConstraintCheck result(
            Constraint.Atomic a, String expected, String actual, boolean holds, String why) {
        return new ConstraintCheck(
                a.leftOperand(),
                a.operator(),
                expected,
                actual,
                holds ? Status.SATISFIED : Status.NOT_SATISFIED,
                holds ? null : why);
    }

    private static ConstraintCheck unknown(Constraint.Atomic a, String expected, String actual, String why) {
        return new ConstraintCheck(a.leftOperand(), a.operator(), expected, actual, Status.UNKNOWN, why);
    }

    private static ConstraintCheck single(Constraint.Atomic a, String expected) {
        return unknown(a, expected, null, "operator " + a.operator() + " needs exactly one value here");
    }

    /** A date is the whole day in Vietnam; a date-time without offset is Vietnam time. */
    private static ConstraintCheck dateTime(Constraint.Atomic a, Operator op, String expected, Instant now) {
        if (a.rightOperand().size() != 1) {
            return single(a, expected);
        }
        String text = a.rightOperand().get(0).text();
        Instant start;
        Instant end;
        if (text.length() == 10) {
            LocalDate day = LocalDate.parse(text);
            start = day.atStartOfDay(VIETNAM).toInstant();
            end = day.plusDays(1).atStartOfDay(VIETNAM).toInstant();
        } else {
            start = instant(text);
            end = start.plusNanos(1);
        }
        boolean before = now.isBefore(start);
        boolean after = !now.isBefore(end);
        Boolean holds = switch (op) {
            case LT -> before;
            case LTEQ -> !after;
            case GT -> after;
            case GTEQ -> !before;
            case EQ -> !before && !after;
            case NEQ -> before || after;
            default -> null;
        };
        if (holds == null) {
            return unknown(a, expected, now.toString(), "operator " + a.operator() + " does not apply to dateTime");
        }
        String why = switch (op) {
            case LT, LTEQ -> "expired";
            case GT, GTEQ -> "not yet";
            case EQ -> "not at that time";
            default -> "at that time";
        };
        return result(a, expected, now.toString(), holds, why);
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            return LocalDateTime.parse(text).atZone(VIETNAM).toInstant();
        }
    }

    private static ConstraintCheck elapsed(Constraint.Atomic a, Operator op, String expected, WorldState state) {
        if (a.rightOperand().size() != 1) {
            return single(a, expected);
        }
        if (state.agreementStart() == null) {
            return unknown(a, expected, null, "not provided: when the agreement started");
        }
        Duration limit = Duration.parse(a.rightOperand().get(0).text());
        Duration actual = Duration.between(state.agreementStart(), state.now());
        return ordered(a, op, expected, actual.toString(), actual.compareTo(limit));
    }

    private static ConstraintCheck ordered(
            Constraint.Atomic a, Operator op, String expected, String actual, int comparison) {
        Boolean holds = switch (op) {
            case EQ -> comparison == 0;
            case NEQ -> comparison != 0;
            case LT -> comparison < 0;
            case LTEQ -> comparison <= 0;
            case GT -> comparison > 0;
            case GTEQ -> comparison >= 0;
            default -> null;
        };
        if (holds == null) {
            return unknown(a, expected, actual, "operator " + a.operator() + " does not apply to " + a.leftOperand());
        }
        return result(a, expected, actual, holds, "comparison fails");
    }

    /** The count compared is the uses so far plus this one: "count lteq 10" allows ten uses in all. */
    private static ConstraintCheck count(
            Rule rule, Constraint.Atomic a, Operator op, String expected, WorldState state) {
        if (a.rightOperand().size() != 1) {
            return single(a, expected);
        }
        Long used = rule.uid() != null ? state.counts().get(rule.uid()) : null;
        if (used == null) {
            used = state.counts().get(rule.action().name());
        }
        if (used == null) {
            return unknown(a, expected, null, "not provided: how many times it has been used");
        }
        long withThis = used + 1;
        BigDecimal limit = new BigDecimal(a.rightOperand().get(0).text());
        return ordered(
                a,
                op,
                expected,
                withThis + " (this use included)",
                BigDecimal.valueOf(withThis).compareTo(limit));
    }

    private static ConstraintCheck payAmount(Constraint.Atomic a, Operator op, String expected, Request request) {
        if (a.rightOperand().size() != 1) {
            return single(a, expected);
        }
        if (a.unit() != null && !DONG_UNITS.contains(a.unit())) {
            return unknown(a, expected, null, "unit " + a.unit() + " cannot be compared with đồng");
        }
        List<String> actual = request.operands().get("payAmount");
        if (actual == null || actual.isEmpty()) {
            return unknown(a, expected, null, "not provided");
        }
        BigDecimal amount = new BigDecimal(actual.get(0));
        BigDecimal limit = new BigDecimal(a.rightOperand().get(0).text());
        return ordered(a, op, expected, actual.get(0) + " VND", amount.compareTo(limit));
    }

    /** Terms, IRIs, strings and booleans: equality and set membership, compared by short name. */
    private static ConstraintCheck terms(Constraint.Atomic a, Operator op, String expected, Request request) {
        List<String> actual = request.operands().getOrDefault(a.leftOperand(), List.of()).stream()
                .map(OperandText::normal)
                .toList();
        if (actual.isEmpty()) {
            return unknown(a, expected, null, "not provided");
        }
        List<String> wanted =
                a.rightOperand().stream().map(v -> OperandText.normal(v.text())).toList();
        String shown = actual.size() == 1 ? actual.get(0) : actual.toString();
        String value = actual.get(0);
        Boolean holds = switch (op) {
            case EQ -> wanted.size() == 1 ? value.equals(wanted.get(0)) : null;
            case NEQ -> wanted.size() == 1 ? !value.equals(wanted.get(0)) : null;
            case IS_ANY_OF -> wanted.contains(value);
            case IS_NONE_OF -> actual.stream().noneMatch(wanted::contains);
            case IS_ALL_OF, HAS_PART -> actual.containsAll(wanted);
            case IS_A, IS_PART_OF -> wanted.stream().anyMatch(actual::contains);
            default -> null;
        };
        if (holds == null) {
            return unknown(
                    a,
                    expected,
                    shown,
                    "operator " + a.operator() + " does not apply to " + a.leftOperand()
                            + (wanted.size() == 1 ? "" : " with several values"));
        }
        return result(a, expected, shown, holds, "does not match");
    }

    /** How values from policies and requests are compared. */
    static final class OperandText {
        private OperandText() {}

        static String normal(String text) {
            String t = Terms.compact(text.strip());
            if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                return t.toLowerCase(java.util.Locale.ROOT);
            }
            return t;
        }
    }
}
