package vn.datafloor.server.exchange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import vn.datafloor.policy.Constraint;
import vn.datafloor.policy.Decision;
import vn.datafloor.policy.Evaluator;
import vn.datafloor.policy.Policy;
import vn.datafloor.policy.Request;
import vn.datafloor.policy.RowScope;
import vn.datafloor.policy.Rule;
import vn.datafloor.policy.Value;
import vn.datafloor.policy.Vocabulary;
import vn.datafloor.policy.WorldState;

/**
 * Offers' terms as ODRL: written from the provider's form, taken from a hand-written policy, turned
 * into an agreement for one buyer, and asked whether a buyer's declared use is permitted.
 */
final class OfferTerms {

    static final String PROFILE = "https://datafloor.vn/odrl/profile";

    private OfferTerms() {}

    /** The Offer the provider's form describes. */
    static Policy build(
            String uid,
            String assigner,
            String target,
            List<String> purposes,
            String territory,
            List<String> buyerKinds,
            boolean noResale,
            boolean deleteOnExpiry,
            int days,
            boolean important,
            String importance,
            List<OfferService.RowCondition> rows) {
        List<Constraint> use = new ArrayList<>();
        if (!purposes.isEmpty()) {
            use.add(Constraint.Atomic.of(
                    "purpose", "isAnyOf", purposes.stream().map(Value::iri).toArray(Value[]::new)));
        }
        if (territory != null) {
            use.add(Constraint.Atomic.of("spatial", "isPartOf", Value.iri(territory)));
        }
        if (!buyerKinds.isEmpty()) {
            use.add(Constraint.Atomic.of(
                    "df:organisationKind",
                    "isAnyOf",
                    buyerKinds.stream().map(k -> Value.iri("df:" + k)).toArray(Value[]::new)));
        }
        use.add(Constraint.Atomic.of("elapsedTime", "lteq", Value.typed("P" + days + "D", "xsd:duration")));
        if (important || territory != null) {
            // Important data never leaves the country (Data Law); a territory says the same for the rest.
            use.add(Constraint.Atomic.of("df:crossBorder", "eq", Value.bool(false)));
        }
        Rule permission = rule(Rule.Kind.PERMISSION, uid + "#use", "use", use);
        if (!rows.isEmpty()) {
            // The rows sold are the permission's target, an AssetCollection of the product refined by them (ODRL
            // 2.2 §2.2.3); the prohibitions stay on the whole product: no row of it may be resold.
            permission = permission.withTarget(
                    target, rows.stream().map(OfferTerms::rowCondition).toList());
        }
        List<Rule> permissions = List.of(permission);
        List<Rule> prohibitions = noResale
                ? List.of(
                        rule(Rule.Kind.PROHIBITION, uid + "#no-sale", "sell", List.of()),
                        rule(Rule.Kind.PROHIBITION, uid + "#no-distribution", "distribute", List.of()))
                : List.of();
        List<Rule> obligations = deleteOnExpiry
                ? List.of(rule(
                        Rule.Kind.DUTY,
                        uid + "#delete",
                        "delete",
                        List.of(Constraint.Atomic.of(
                                "elapsedTime", "gt", Value.typed("P" + days + "D", "xsd:duration")))))
                : List.of();
        return new Policy(
                Policy.Type.OFFER,
                uid,
                List.of(PROFILE),
                assigner,
                null,
                List.of(target),
                Policy.Conflict.PROHIBIT,
                permissions,
                prohibitions,
                obligations);
    }

    /** A form's row condition as an ODRL constraint on the column's left operand; values stay text (typed later). */
    static Constraint rowCondition(OfferService.RowCondition condition) {
        return new Constraint.Atomic(
                null,
                RowScope.leftOperand(condition.column()),
                condition.operator(),
                condition.values().stream().map(Value::string).toList(),
                null);
    }

    /** Every row condition of an offer's target refinements, policy-level and per rule, for checking. */
    static List<Constraint.Atomic> rowConditions(Policy offer) {
        List<Constraint.Atomic> found = new ArrayList<>();
        offer.targetRefinements().values().forEach(r -> atoms(r, found));
        offer.rules().forEach(rule -> rule.targetRefinements().values().forEach(r -> atoms(r, found)));
        return found;
    }

    private static void atoms(List<Constraint> constraints, List<Constraint.Atomic> found) {
        for (Constraint c : constraints) {
            if (c instanceof Constraint.Atomic a) {
                found.add(a);
            } else if (c instanceof Constraint.Logical l) {
                atoms(l.constraints(), found);
            }
        }
    }

    private static Rule rule(Rule.Kind kind, String uid, String action, List<Constraint> constraints) {
        return new Rule(
                kind,
                uid,
                vn.datafloor.policy.Action.of(action),
                List.of(),
                null,
                null,
                constraints,
                List.of(),
                List.of(),
                List.of());
    }

    /**
     * A hand-written policy made this offer's: its uid, the provider as assigner, the product as target. A
     * refinement of the written policy-level target becomes the target of each permission that inherited it
     * (the product, refined): what the evaluator grants is then on the permission, where buyers read it,
     * and the prohibitions and duties stay on the whole product, as the evaluator reads them anyway.
     */
    static Policy asOffer(Policy written, String uid, String assigner, String target) {
        List<Constraint> refinement = written.targetRefinements().values().stream()
                .flatMap(List::stream)
                .toList();
        List<Rule> permissions = refinement.isEmpty()
                ? written.permissions()
                : written.permissions().stream()
                        .map(p -> p.targets().isEmpty() ? p.withTarget(target, refinement) : p)
                        .toList();
        List<String> profiles = written.profiles().contains(PROFILE)
                ? written.profiles()
                : java.util.stream.Stream.concat(written.profiles().stream(), java.util.stream.Stream.of(PROFILE))
                        .toList();
        return new Policy(
                Policy.Type.OFFER,
                uid,
                profiles,
                assigner,
                null,
                List.of(target),
                written.conflict() == null ? Policy.Conflict.PROHIBIT : written.conflict(),
                permissions,
                written.prohibitions(),
                written.obligations());
    }

    /** The offer as an agreement between its provider and one buyer. */
    static Policy asAgreement(Policy offer, String uid, String assignee) {
        return new Policy(
                Policy.Type.AGREEMENT,
                uid,
                offer.profiles(),
                offer.assigner(),
                assignee,
                offer.targets(),
                offer.conflict(),
                offer.permissions(),
                offer.prohibitions(),
                offer.obligations(),
                offer.targetRefinements());
    }

    static List<String> unknownTerms(Policy policy) {
        return Vocabulary.unknownTerms(policy);
    }

    /**
     * Whether the buyer's declared use is permitted by the terms, at the start of the agreement: the
     * purpose, the kind of organisation, where the data will be used, abroad or not.
     */
    static Decision check(
            Policy terms,
            String buyer,
            String purpose,
            String buyerKind,
            String territory,
            String importance,
            Instant now) {
        List<String> place = new ArrayList<>();
        place.add(territory);
        if (territory.startsWith("VN-")) {
            place.add("VN");
        }
        Request request = Request.of(
                        buyer,
                        "use",
                        terms.targets().isEmpty() ? null : terms.targets().get(0))
                .with("purpose", purpose)
                .with("df:organisationKind", "df:" + buyerKind)
                .with("spatial", place.toArray(String[]::new))
                .with("df:crossBorder", Boolean.toString(!territory.startsWith("VN")))
                .with("df:legalBasis", "df:contract")
                .with("df:dataClassification", "df:" + importance);
        return Evaluator.evaluate(terms, request, WorldState.at(now).startedAt(now));
    }

    /** The purposes the terms allow, for the checkout's choice (empty: any purpose). */
    static List<String> purposes(Policy terms) {
        List<String> found = new ArrayList<>();
        for (Rule rule : terms.permissions()) {
            for (Constraint constraint : rule.constraints()) {
                if (constraint instanceof Constraint.Atomic a
                        && a.leftOperand().equals("purpose")
                        && (a.operator().equals("isAnyOf") || a.operator().equals("eq"))) {
                    a.rightOperand().forEach(v -> found.add(v.text()));
                }
            }
        }
        return found;
    }

    /** The plain-language rendering without its first line (identifiers a buyer does not need). */
    static String rulesOnly(String rendered) {
        int newline = rendered.indexOf('\n');
        return newline < 0 ? "" : rendered.substring(newline + 1);
    }
}
