package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import vn.datafloor.policy.Constraint;
import vn.datafloor.policy.OdrlJson;
import vn.datafloor.policy.PlainLanguage;
import vn.datafloor.policy.Policy;
import vn.datafloor.policy.Value;
import vn.datafloor.policy.Vocabulary;

/** The offer form's "only these rows" and the ODRL it becomes. */
class OfferRowConditionsTest {

    static final String PRODUCT = "urn:datafloor:product:7";

    static Policy offer(List<OfferService.RowCondition> rows) {
        return OfferTerms.build(
                "urn:offer",
                "urn:datafloor:org:1",
                PRODUCT,
                List.of("df:creditScoring"),
                "VN",
                List.of(),
                true,
                true,
                365,
                false,
                "other",
                rows);
    }

    @Test
    void theFormsConditionsAreParsedLineByLineAndEmptyColumnsAreSkipped() {
        assertThat(MarketPages.rows(List.of(" province_code "), List.of("isAnyOf"), List.of("01, 79 ,,")))
                .containsExactly(new OfferService.RowCondition("province_code", "isAnyOf", List.of("01", "79")));
        assertThat(MarketPages.rows(List.of("province_code"), null, List.of("01")))
                .containsExactly(new OfferService.RowCondition("province_code", "eq", List.of("01")));
        // Three lines, the middle one left empty: two conditions, each with its own operator and values.
        assertThat(MarketPages.rows(
                        List.of("province_code", "", "birth_date"),
                        List.of("eq", "gt", "lteq"),
                        List.of("01", "5", "2008-12-06")))
                .containsExactly(
                        new OfferService.RowCondition("province_code", "eq", List.of("01")),
                        new OfferService.RowCondition("birth_date", "lteq", List.of("2008-12-06")));
        assertThat(MarketPages.rows(List.of("", " "), List.of("eq", "eq"), List.of("01", "02")))
                .isEmpty();
        assertThat(MarketPages.rows(null, null, null)).isEmpty();
    }

    @Test
    void rowsBecomeThePermissionsRefinedTargetAndTheProhibitionsStayOnTheWholeProduct() {
        Policy policy = offer(List.of(new OfferService.RowCondition("province_code", "eq", List.of("01"))));
        assertThat(policy.targets()).containsExactly(PRODUCT);
        assertThat(policy.permissions().get(0).targetRefinements())
                .containsEntry(
                        PRODUCT, List.of(Constraint.Atomic.of("df:column/province_code", "eq", Value.string("01"))));
        assertThat(policy.prohibitions())
                .allSatisfy(r -> assertThat(r.targets()).isEmpty());
        assertThat(Vocabulary.unknownTerms(policy)).isEmpty();
        assertThat(OdrlJson.read(OdrlJson.write(policy))).isEqualTo(policy);
        assertThat(PlainLanguage.render(policy).lines().skip(1).findFirst().orElseThrow())
                .startsWith("Được phép sử dụng: chỉ các dòng có province_code là 01, chỉ dùng cho chấm điểm tín dụng");
        assertThat(PlainLanguage.render(policy, Locale.ENGLISH)
                        .lines()
                        .skip(1)
                        .findFirst()
                        .orElseThrow())
                .startsWith("May use: only rows where province_code is 01, only for credit scoring");
    }

    @Test
    void withoutRowsTheOfferIsAsBefore() {
        Policy policy = offer(List.of());
        assertThat(policy.permissions().get(0).targets()).isEmpty();
        assertThat(OdrlJson.write(policy)).doesNotContain("AssetCollection");
    }

    @Test
    void aHandWrittenPolicyLevelRefinementMovesOntoThePermissions() {
        Policy written = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Offer", "uid": "urn:x",
                 "target": {"@type": "AssetCollection", "source": "urn:whatever",
                   "refinement": [{"leftOperand": "df:column/category", "operator": "eq", "rightOperand": "a"}]},
                 "permission": [{"action": "use"}], "prohibition": [{"action": "sell"}]}""");
        Policy offer = OfferTerms.asOffer(written, "urn:offer", "urn:datafloor:org:1", PRODUCT);
        assertThat(offer.targets()).containsExactly(PRODUCT);
        assertThat(offer.targetRefinements()).isEmpty();
        assertThat(offer.permissions().get(0).targetRefinements()).containsOnlyKeys(PRODUCT);
        assertThat(offer.prohibitions().get(0).targets()).isEmpty();
        assertThat(OfferTerms.rowConditions(offer))
                .containsExactly(Constraint.Atomic.of("df:column/category", "eq", Value.string("a")));
        Policy agreement = OfferTerms.asAgreement(offer, "urn:agreement", "urn:datafloor:org:2");
        assertThat(agreement.permissions().get(0).targetRefinements()).containsOnlyKeys(PRODUCT);
    }
}
