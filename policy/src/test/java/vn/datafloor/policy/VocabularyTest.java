package vn.datafloor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VocabularyTest {

    @Test
    void aPolicyInTheEnginesVocabularyHasNoUnknownTerms() {
        assertThat(Vocabulary.unknownTerms(Examples.policy("datafloor-credit-scoring.jsonld")))
                .isEmpty();
    }

    @Test
    void unknownActionsOperandsAndOperatorsAreNamedOnceEach() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Offer", "uid": "urn:x",
                 "assigner": "urn:a", "target": "urn:t",
                 "permission": [{"action": "http://example.com/teleport",
                   "constraint": [{"leftOperand": "http://example.com/mood", "operator": "eq", "rightOperand": "calm"},
                                  {"leftOperand": "purpose", "operator": "http://example.com/near", "rightOperand": "x"}]},
                   {"action": "http://example.com/teleport"}]}""");
        assertThat(Vocabulary.unknownTerms(policy))
                .containsExactly(
                        "action http://example.com/teleport",
                        "leftOperand http://example.com/mood",
                        "operator http://example.com/near");
    }
}
