package vn.datafloor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.datafloor.policy.Decision.Outcome;
import vn.datafloor.policy.Decision.ReasonKind;
import vn.datafloor.policy.Decision.Status;

/** Targets refined to rows (ODRL AssetCollection with a refinement on df:column/... operands). */
class RowScopeTest {

    static final String PRODUCT = "urn:datafloor:product:7";
    static final String BANK = "urn:datafloor:org:2";
    static final WorldState NOW = WorldState.at(Instant.parse("2027-01-01T00:00:00Z"));

    static Request credit() {
        return Request.of(BANK, "use", PRODUCT).with("purpose", "df:creditScoring");
    }

    /** A one-permission policy whose permission's target is the product refined by {@code refinement}. */
    static Policy refined(String refinement) {
        return OdrlJson.read("""
                {"@context": ["http://www.w3.org/ns/odrl.jsonld", {"df": "https://datafloor.vn/odrl/profile#"}],
                 "@type": "Agreement", "uid": "urn:a", "assignee": "urn:datafloor:org:2",
                 "target": "urn:datafloor:product:7",
                 "permission": [{"action": "use", "target": {"@type": "AssetCollection",
                   "source": "urn:datafloor:product:7", "refinement": [%s]}}]}
                """.formatted(refinement));
    }

    // ---------------------------------------------------------------- reading and writing

    @Test
    void anAssetCollectionTargetIsReadAsItsSourceWithTheRefinement() {
        Policy policy = Examples.policy("datafloor-rows-hanoi.jsonld");
        Rule use = policy.permissions().get(0);
        assertThat(use.targets()).containsExactly(PRODUCT);
        assertThat(use.targetRefinements().get(PRODUCT))
                .containsExactly(
                        Constraint.Atomic.of("df:column/province_code", "eq", Value.string("01")),
                        Constraint.Atomic.of("df:column/birth_year", "gteq", Value.number(1980)));
        assertThat(policy.targets()).containsExactly(PRODUCT);
        assertThat(policy.targetRefinements()).isEmpty();
        assertThat(policy.prohibitions().get(0).targetRefinements()).isEmpty();
    }

    @Test
    void writingKeepsTheAssetCollectionAndReadsBackEqual() {
        Policy policy = Examples.policy("datafloor-rows-hanoi.jsonld");
        String written = OdrlJson.write(policy);
        assertThat(OdrlJson.read(written)).isEqualTo(policy);
        assertThat(written)
                .contains("\"@type\" : \"AssetCollection\"")
                .contains("\"source\" : \"urn:datafloor:product:7\"")
                .contains("\"leftOperand\" : \"df:column/province_code\"")
                // The policy-level target stays a plain string: unrefined targets are written as before.
                .contains("\"target\" : \"urn:datafloor:product:7\"");
    }

    @Test
    void aPolicyLevelRefinedTargetAndAMixedListRoundTrip() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "target": ["urn:other", {"@type": "odrl:AssetCollection", "source": {"@id": "urn:t"},
                   "refinement": {"and": [
                     {"leftOperand": "https://datafloor.vn/odrl/profile#column/kind", "operator": "isAnyOf",
                      "rightOperand": ["a", "b"]},
                     {"leftOperand": "df:column/active", "operator": "eq", "rightOperand": true}]}}],
                 "permission": [{"action": "use"}]}""");
        assertThat(policy.targets()).containsExactly("urn:other", "urn:t");
        assertThat(policy.targetRefinements()).containsOnlyKeys("urn:t");
        assertThat(OdrlJson.read(OdrlJson.write(policy))).isEqualTo(policy);
    }

    @Test
    void aMalformedAssetCollectionIsAProblemWithItsPath() {
        assertThatThrownBy(() -> OdrlJson.read("""
                        {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                         "permission": [{"action": "use", "target": [
                           {"@type": "Asset", "refinement": [], "colour": "red"}, "urn:t", "urn:t"]}]}"""))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("$.permission[0].target[0].colour: unknown property")
                .hasMessageContaining("$.permission[0].target[0].@type: a refined target is an AssetCollection")
                .hasMessageContaining("$.permission[0].target[0].source: missing")
                .hasMessageContaining("$.permission[0].target[0].refinement: empty")
                .hasMessageContaining("$.permission[0].target[2]: target urn:t is named twice");
    }

    @Test
    void refinementsCountTowardsTheConstraintLimit() {
        String one = "{\"leftOperand\": \"df:column/c\", \"operator\": \"eq\", \"rightOperand\": 1},";
        String many = "{\"@context\": \"http://www.w3.org/ns/odrl.jsonld\", \"@type\": \"Set\", \"uid\": \"urn:p\","
                + " \"permission\": [{\"action\": \"use\", \"target\": {\"source\": \"urn:t\", \"refinement\": ["
                + one.repeat(OdrlJson.MAX_CONSTRAINTS) + one.substring(0, one.length() - 1) + "]}}]}";
        assertThatThrownBy(() -> OdrlJson.read(many))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("more than " + OdrlJson.MAX_CONSTRAINTS + " constraints");
    }

    @Test
    void plainTargetsAreUnchanged() {
        Policy policy = Examples.policy("example-set-use.jsonld");
        assertThat(policy.targetRefinements()).isEmpty();
        assertThat(policy.rules())
                .allSatisfy(r -> assertThat(r.targetRefinements()).isEmpty());
        assertThat(OdrlJson.write(policy)).doesNotContain("AssetCollection");
    }

    @Test
    void columnOperandsByName() {
        assertThat(RowScope.leftOperand("province_code")).isEqualTo("df:column/province_code");
        assertThat(RowScope.column("df:column/province_code")).contains("province_code");
        assertThat(RowScope.column("https://datafloor.vn/odrl/profile#column/tỉnh"))
                .contains("tỉnh");
        assertThat(RowScope.column("df:column/a;drop")).isEmpty();
        assertThat(RowScope.column("df:column/")).isEmpty();
        assertThat(RowScope.column("purpose")).isEmpty();
        assertThatThrownBy(() -> RowScope.leftOperand("a b")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- evaluation

    @Test
    void aRefinedPermissionMatchesItsSourceAndReportsItsRowScope() {
        Decision d = Evaluator.evaluate(Examples.policy("datafloor-rows-hanoi.jsonld"), credit(), NOW);
        assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(d.rowScope())
                .containsExactly(
                        Constraint.Atomic.of("df:column/province_code", "eq", Value.string("01")),
                        Constraint.Atomic.of("df:column/birth_year", "gteq", Value.number(1980)));
        assertThat(EvaluatorTest.reason(d, ReasonKind.PERMITTED).checks())
                .filteredOn(c -> c.leftOperand().startsWith("df:column/"))
                .extracting(Decision.ConstraintCheck::status)
                .containsOnly(Status.SATISFIED);
    }

    @Test
    void aDenialCarriesNoRowScope() {
        Decision d = Evaluator.evaluate(
                Examples.policy("datafloor-rows-hanoi.jsonld"),
                Request.of(BANK, "use", PRODUCT).with("purpose", "df:marketing"),
                NOW);
        assertThat(d.outcome()).isEqualTo(Outcome.DENY);
        assertThat(d.rowScope()).isEmpty();
        assertThatThrownBy(() -> new Decision(
                        Outcome.DENY,
                        List.of(),
                        d.rowScope().isEmpty()
                                ? List.of(Constraint.Atomic.of("df:column/a", "eq", Value.string("x")))
                                : List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherAssetIsStillNotCovered() {
        Decision d = Evaluator.evaluate(
                Examples.policy("datafloor-rows-hanoi.jsonld"), Request.of(BANK, "use", "urn:other"), NOW);
        assertThat(d.outcome()).isEqualTo(Outcome.NOT_APPLICABLE);
    }

    @Test
    void everyRowOperatorPermits() {
        for (String condition : List.of(
                "\"operator\": \"eq\", \"rightOperand\": \"01\"",
                "\"operator\": \"neq\", \"rightOperand\": \"01\"",
                "\"operator\": \"lt\", \"rightOperand\": 5",
                "\"operator\": \"lteq\", \"rightOperand\": 5.5",
                "\"operator\": \"gt\", \"rightOperand\": {\"@value\": \"2020-01-01\", \"@type\": \"xsd:date\"}",
                "\"operator\": \"gteq\", \"rightOperand\": true",
                "\"operator\": \"isAnyOf\", \"rightOperand\": [\"01\", \"79\"]",
                "\"operator\": \"isNoneOf\", \"rightOperand\": [\"01\"]")) {
            Decision d = Evaluator.evaluate(
                    refined("{\"leftOperand\": \"df:column/c\", " + condition + "}"),
                    Request.of(BANK, "use", PRODUCT),
                    NOW);
            assertThat(d.outcome()).as(condition).isEqualTo(Outcome.PERMIT);
            assertThat(d.rowScope()).as(condition).hasSize(1);
        }
    }

    @Test
    void aRefinementTheEnforcerCannotApplyNeverPermits() {
        for (String refinement : List.of(
                // not a column
                "{\"leftOperand\": \"purpose\", \"operator\": \"eq\", \"rightOperand\": \"x\"}",
                "{\"leftOperand\": \"http://example.com/field\", \"operator\": \"eq\", \"rightOperand\": \"x\"}",
                "{\"leftOperand\": \"df:column/a-b\", \"operator\": \"eq\", \"rightOperand\": \"x\"}",
                // not a row operator
                "{\"leftOperand\": \"df:column/c\", \"operator\": \"isPartOf\", \"rightOperand\": \"x\"}",
                "{\"leftOperand\": \"df:column/c\", \"operator\": \"http://example.com/near\", \"rightOperand\": 1}",
                // one value where one is needed, literals only, no unit
                "{\"leftOperand\": \"df:column/c\", \"operator\": \"eq\", \"rightOperand\": [\"a\", \"b\"]}",
                "{\"leftOperand\": \"df:column/c\", \"operator\": \"eq\", \"rightOperand\": {\"@id\": \"urn:x\"}}",
                "{\"leftOperand\": \"df:column/c\", \"operator\": \"lt\", \"rightOperand\": 3, \"unit\": \"urn:kg\"}",
                // or, even under and: the rows of either condition are not a list of filters
                "{\"or\": [{\"leftOperand\": \"df:column/c\", \"operator\": \"eq\", \"rightOperand\": 1},"
                        + " {\"leftOperand\": \"df:column/d\", \"operator\": \"eq\", \"rightOperand\": 2}]}",
                "{\"and\": [{\"leftOperand\": \"df:column/c\", \"operator\": \"eq\", \"rightOperand\": 1},"
                        + " {\"xone\": [{\"leftOperand\": \"df:column/c\", \"operator\": \"eq\", \"rightOperand\": 1},"
                        + " {\"leftOperand\": \"df:column/d\", \"operator\": \"eq\", \"rightOperand\": 2}]}]}")) {
            Decision d = Evaluator.evaluate(refined(refinement), Request.of(BANK, "use", PRODUCT), NOW);
            assertThat(d.outcome()).as(refinement).isEqualTo(Outcome.DENY);
            assertThat(d.rowScope()).isEmpty();
            assertThat(EvaluatorTest.reason(d, ReasonKind.CONSTRAINT_NOT_SATISFIED)
                            .checks())
                    .as(refinement)
                    .extracting(Decision.ConstraintCheck::status)
                    .contains(Status.UNKNOWN);
            assertThat(Vocabulary.unknownTerms(refined(refinement)))
                    .as(refinement)
                    .isNotEmpty();
        }
    }

    @Test
    void andCombinedConditionsAreFlattenedIntoTheScope() {
        Decision d = Evaluator.evaluate(
                refined("{\"and\": [{\"leftOperand\": \"df:column/c\", \"operator\": \"eq\", \"rightOperand\": 1},"
                        + " {\"leftOperand\": \"df:column/d\", \"operator\": \"lt\", \"rightOperand\": 2}]}"),
                Request.of(BANK, "use", PRODUCT),
                NOW);
        assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(d.rowScope())
                .extracting(Constraint.Atomic::leftOperand)
                .containsExactly("df:column/c", "df:column/d");
    }

    @Test
    void aPolicyLevelRefinementScopesThePermissionsThatInheritIt() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "target": {"@type": "AssetCollection", "source": "urn:datafloor:product:7",
                   "refinement": [{"leftOperand": "df:column/c", "operator": "eq", "rightOperand": "x"}]},
                 "permission": [{"action": "use"}]}""");
        Decision d = Evaluator.evaluate(policy, Request.of(BANK, "use", PRODUCT), NOW);
        assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
        assertThat(d.rowScope()).containsExactly(Constraint.Atomic.of("df:column/c", "eq", Value.string("x")));
    }

    @Test
    void theFirstPermissionInEffectDecidesTheScope() {
        // The unrefined permission first: the whole asset is permitted, so no scope narrows it.
        Policy whole = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "permission": [{"action": "use", "target": "urn:datafloor:product:7"},
                   {"action": "use", "target": {"source": "urn:datafloor:product:7",
                     "refinement": [{"leftOperand": "df:column/c", "operator": "eq", "rightOperand": "x"}]}}]}""");
        assertThat(Evaluator.evaluate(whole, Request.of(BANK, "use", PRODUCT), NOW)
                        .rowScope())
                .isEmpty();
        // A refined permission whose constraint fails is not in effect: its scope is not reported.
        Policy failing = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "permission": [{"action": "use", "target": {"source": "urn:datafloor:product:7",
                     "refinement": [{"leftOperand": "df:column/c", "operator": "eq", "rightOperand": "x"}]},
                   "constraint": [{"leftOperand": "purpose", "operator": "eq", "rightOperand": "df:research"}]},
                   {"action": "use", "target": {"source": "urn:datafloor:product:7",
                     "refinement": [{"leftOperand": "df:column/c", "operator": "eq", "rightOperand": "y"}]}}]}""");
        assertThat(Evaluator.evaluate(failing, credit(), NOW).rowScope())
                .containsExactly(Constraint.Atomic.of("df:column/c", "eq", Value.string("y")));
    }

    @Test
    void aProhibitionOfSomeRowsProhibitsTheWholeSource() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "conflict": "prohibit",
                 "permission": [{"action": "use", "target": "urn:datafloor:product:7"}],
                 "prohibition": [{"action": "use", "target": {"source": "urn:datafloor:product:7",
                     "refinement": [{"leftOperand": "df:column/c", "operator": "eq", "rightOperand": "x"}]}}]}""");
        assertThat(Evaluator.evaluate(policy, Request.of(BANK, "use", PRODUCT), NOW)
                        .outcome())
                .isEqualTo(Outcome.DENY);
    }

    @Test
    void aColumnOperandOutsideATargetRefinementIsUnknownAndNeverPermits() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "permission": [{"action": "use", "target": "urn:datafloor:product:7",
                   "constraint": [{"leftOperand": "df:column/c", "operator": "eq", "rightOperand": "x"}]}]}""");
        assertThat(Evaluator.evaluate(policy, Request.of(BANK, "use", PRODUCT).with("df:column/c", "x"), NOW)
                        .outcome())
                .isEqualTo(Outcome.DENY);
        assertThat(Vocabulary.unknownTerms(policy)).containsExactly("leftOperand df:column/c");
    }

    // ---------------------------------------------------------------- vocabulary

    @Test
    void rowConditionsAreKnownTerms() {
        assertThat(Vocabulary.unknownTerms(Examples.policy("datafloor-rows-hanoi.jsonld")))
                .isEmpty();
    }

    @Test
    void anUnknownTermInARefinementIsNamedWithWhy() {
        assertThat(Vocabulary.unknownTerms(
                        refined("{\"leftOperand\": \"purpose\", \"operator\": \"isA\", \"rightOperand\": \"x\"}")))
                .containsExactly(
                        "leftOperand purpose (a target refinement names a column: df:column/<name>)",
                        "operator isA (a row condition uses one of [eq, gt, gteq, isAnyOf, isNoneOf, lt, lteq, neq])");
    }

    // ---------------------------------------------------------------- plain language

    @Test
    void rowsInPlainLanguage() {
        Policy policy = Examples.policy("datafloor-rows-hanoi.jsonld");
        assertThat(PlainLanguage.render(policy).lines().skip(1))
                .containsExactly(
                        "Được phép sử dụng: chỉ các dòng có province_code là 01 và birth_year ít nhất 1980,"
                                + " chỉ dùng cho chấm điểm tín dụng.",
                        "Không được bán.");
        assertThat(PlainLanguage.render(policy, Locale.ENGLISH).lines().skip(1))
                .containsExactly(
                        "May use: only rows where province_code is 01 and birth_year at least 1980,"
                                + " only for credit scoring.",
                        "Must not sell.");
    }

    @Test
    void listsOfValuesAndOtherAssetsInPlainLanguage() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "target": "urn:t",
                 "permission": [{"action": "use", "target": {"source": "urn:t", "refinement": [
                   {"leftOperand": "df:column/province_code", "operator": "isAnyOf", "rightOperand": ["01", "79"]},
                   {"leftOperand": "df:column/kind", "operator": "isNoneOf", "rightOperand": ["a", "b"]}]}},
                   {"action": "read", "target": {"source": "urn:other", "refinement": [
                   {"leftOperand": "df:column/kind", "operator": "isNoneOf", "rightOperand": ["a"]}]}}]}""");
        assertThat(PlainLanguage.render(policy).lines().skip(1))
                .containsExactly(
                        "Được phép sử dụng: chỉ các dòng có province_code là 01 hoặc 79 và kind không là a hay b.",
                        "Được phép đọc: dữ liệu urn:other (chỉ các dòng có kind khác a).");
        assertThat(PlainLanguage.render(policy, Locale.ENGLISH).lines().skip(1))
                .containsExactly(
                        "May use: only rows where province_code is 01 or 79 and kind is neither a nor b.",
                        "May read: data urn:other (only rows where kind is not a).");
    }

    @Test
    void aPolicyLevelRefinementIsInTheHeaderAndThePermissions() {
        Policy policy = new Policy(
                Policy.Type.OFFER,
                "urn:o",
                List.of(),
                null,
                null,
                List.of(PRODUCT),
                null,
                List.of(Rule.of(Rule.Kind.PERMISSION, "use")),
                List.of(Rule.of(Rule.Kind.PROHIBITION, "sell")),
                List.of(),
                Map.of(
                        PRODUCT,
                        List.of(Constraint.Atomic.of("df:column/c", "http://example.com/op", Value.string("x")))));
        assertThat(PlainLanguage.render(policy, Locale.ENGLISH).lines())
                .containsExactly(
                        "Offer urn:o; data: urn:datafloor:product:7 (only rows where c http://example.com/op [?] x);"
                                + " where a permission and a prohibition meet, the policy is void.",
                        "May use: only rows where c http://example.com/op [?] x.",
                        "Must not sell.");
    }
}
