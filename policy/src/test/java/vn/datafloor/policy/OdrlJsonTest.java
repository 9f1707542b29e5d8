package vn.datafloor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OdrlJsonTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "example-set-use.jsonld",
                "example-offer-play.jsonld",
                "example-agreement-play.jsonld",
                "example-offer-datetime.jsonld",
                "example-offer-print-refinement.jsonld",
                "example-spatial-eq.jsonld",
                "example-count.jsonld",
                "example-duty-compensate.jsonld",
                "example-prohibition.jsonld",
                "example-prohibition-remedy.jsonld",
                "example-conflict-perm.jsonld",
                "example-conflict-prohibit.jsonld",
                "example-conflict-default.jsonld",
                "example-logical.jsonld",
                "example-obligation.jsonld",
                "datafloor-credit-scoring.jsonld",
                "full-iris.jsonld"
            })
    void everyExampleSurvivesWritingAndReadingBack(String name) {
        Policy policy = Examples.policy(name);
        String written = OdrlJson.write(policy);
        assertThat(OdrlJson.read(written)).isEqualTo(policy);
        assertThat(written).contains("\"http://www.w3.org/ns/odrl.jsonld\"").contains("\"df\" : \"" + Terms.DF_NS);
    }

    @Test
    void readsTheSetExample() {
        Policy policy = Examples.policy("example-set-use.jsonld");
        assertThat(policy.type()).isEqualTo(Policy.Type.SET);
        assertThat(policy.uid()).isEqualTo("http://example.com/policy:1010");
        assertThat(policy.permissions()).singleElement().satisfies(rule -> {
            assertThat(rule.action().name()).isEqualTo("use");
            assertThat(rule.targets()).containsExactly("http://example.com/asset:9898.movie");
        });
    }

    @Test
    void fullIrisAndPrefixedNamesReadAsShortNames() {
        Policy policy = Examples.policy("full-iris.jsonld");
        assertThat(policy.type()).isEqualTo(Policy.Type.SET);
        Rule rule = policy.permissions().get(0);
        assertThat(rule.action().name()).isEqualTo("read");
        assertThat(rule.constraints())
                .containsExactly(
                        new Constraint.Atomic(null, "purpose", "eq", List.of(Value.iri("df:research")), null),
                        new Constraint.Atomic(
                                null,
                                "df:dataClassification",
                                "isAnyOf",
                                List.of(Value.string("other"), Value.string("important")),
                                null));
    }

    @Test
    void actionRefinementsAndDutiesAreRead() {
        Rule play =
                Examples.policy("example-duty-compensate.jsonld").permissions().get(0);
        Rule duty = play.duties().get(0);
        assertThat(duty.action().name()).isEqualTo("compensate");
        assertThat(duty.action().refinements())
                .containsExactly(new Constraint.Atomic(
                        null,
                        "payAmount",
                        "eq",
                        List.of(Value.typed("5.00", "xsd:decimal")),
                        "http://dbpedia.org/resource/Euro"));
    }

    @Test
    void unknownTermsAsIrisAreKept() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "permission": [{"action": "http://example.com/action/mine",
                   "constraint": [{"leftOperand": "http://example.com/lo", "operator": "http://example.com/op",
                                   "rightOperand": 1}]}]}
                """);
        Rule rule = policy.permissions().get(0);
        assertThat(rule.action().name()).isEqualTo("http://example.com/action/mine");
        assertThat(rule.action().known()).isFalse();
        assertThat((Constraint.Atomic) rule.constraints().get(0))
                .extracting(Constraint.Atomic::leftOperand, Constraint.Atomic::operator)
                .containsExactly("http://example.com/lo", "http://example.com/op");
    }

    @Test
    void problemsNameTheirJsonPath() {
        assertThatThrownBy(() -> OdrlJson.read("""
                        {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                         "permision": [],
                         "permission": [{"action": "use", "constraint": [
                            {"leftOperand": "purpose", "operator": "lessThan", "rightOperand": "x"},
                            {"leftOperand": "colour", "operator": "eq", "rightOperand": "x"},
                            {"leftOperand": "count", "operator": "eq"}]},
                          {"action": "frobnicate"}],
                         "prohibition": {"action": "sell", "duty": []}}
                        """))
                .isInstanceOfSatisfying(
                        PolicyException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("$.permision: unknown property"))
                                .anyMatch(p -> p.startsWith("$.permission[0].constraint[0].operator: unknown operator"))
                                .anyMatch(p -> p.startsWith("$.permission[0].constraint[1].leftOperand: unknown left"))
                                .anyMatch(p -> p.startsWith("$.permission[0].constraint[2].rightOperand: missing"))
                                .anyMatch(p -> p.startsWith("$.permission[1].action: unknown action \"frobnicate\""))
                                .anyMatch(p -> p.startsWith("$.prohibition[0].duty: only a permission has duties")));
    }

    @Test
    void theOdrlContextIsRequired() {
        assertThatThrownBy(() -> OdrlJson.read(
                        "{\"@type\": \"Set\", \"uid\": \"urn:p\", \"permission\": " + "[{\"action\": \"use\"}]}"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("$.@context: missing");
        assertThatThrownBy(() -> OdrlJson.read("{\"@context\": \"http://example.com/ctx\", \"@type\": \"Set\","
                        + " \"uid\": \"urn:p\", \"permission\": [{\"action\": \"use\"}]}"))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("$.@context: unsupported context");
    }

    @Test
    void limitsOnDepthSizeAndRules() {
        String deep = "{\"a\":".repeat(OdrlJson.MAX_DEPTH + 5) + "1" + "}".repeat(OdrlJson.MAX_DEPTH + 5);
        assertThatThrownBy(() -> OdrlJson.read(deep))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("not valid JSON within the limits");
        assertThatThrownBy(() -> OdrlJson.read(" ".repeat(OdrlJson.MAX_CHARS + 1)))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("over the limit");
        String many = "{\"@context\": \"http://www.w3.org/ns/odrl.jsonld\", \"@type\": \"Set\", \"uid\": \"urn:p\","
                + " \"permission\": [" + "{\"action\": \"use\"},".repeat(OdrlJson.MAX_RULES)
                + "{\"action\": \"use\"}]}";
        assertThatThrownBy(() -> OdrlJson.read(many))
                .isInstanceOf(PolicyException.class)
                .hasMessageContaining("$.permission[" + OdrlJson.MAX_RULES + "]: more than " + OdrlJson.MAX_RULES);
    }

    @Test
    void anEmptyDocumentIsAClearError() {
        assertThatThrownBy(() -> OdrlJson.read(""))
                .isInstanceOf(PolicyException.class)
                .hasMessage("Invalid ODRL policy: $: empty document");
        assertThatThrownBy(() -> OdrlJson.read("[]"))
                .isInstanceOf(PolicyException.class)
                .hasMessage("Invalid ODRL policy: $: a policy is a JSON object");
    }

    @Test
    void notJsonIsAClearError() {
        assertThatThrownBy(() -> OdrlJson.read("{not json"))
                .isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("Invalid ODRL policy: $: not valid JSON");
    }
}
