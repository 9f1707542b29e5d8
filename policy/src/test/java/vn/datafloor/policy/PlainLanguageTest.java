package vn.datafloor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class PlainLanguageTest {

    static final Locale EN = Locale.ENGLISH;

    @Test
    void datafloorCreditScoringInVietnamese() {
        assertThat(PlainLanguage.render(Examples.policy("datafloor-credit-scoring.jsonld")))
                .isEqualTo("""
                        Thoả thuận https://datafloor.vn/policy/credit-scoring-2027; bên cấp: https://datafloor.vn/org/credit-bureau; bên nhận: https://datafloor.vn/org/bank-a; dữ liệu: https://datafloor.vn/dataset/credit-history; khi quyền và lệnh cấm trùng nhau, lệnh cấm được ưu tiên.
                        Được phép sử dụng: chỉ dùng cho chấm điểm tín dụng, đến hết 31/12/2027, trong lãnh thổ Việt Nam, không chuyển ra nước ngoài, cơ sở pháp lý là một trong sự đồng ý của chủ thể dữ liệu hoặc thực hiện hợp đồng.
                        Không được bán.
                        Không được phân phối.
                        Phải xoá: sau 31/12/2027.""");
    }

    @Test
    void datafloorCreditScoringInEnglish() {
        assertThat(PlainLanguage.render(Examples.policy("datafloor-credit-scoring.jsonld"), EN))
                .isEqualTo("""
                        Agreement https://datafloor.vn/policy/credit-scoring-2027; from https://datafloor.vn/org/credit-bureau; to https://datafloor.vn/org/bank-a; data: https://datafloor.vn/dataset/credit-history; where a permission and a prohibition meet, the prohibition wins.
                        May use: only for credit scoring, until the end of 31/12/2027, within Viet Nam, no delivery abroad, legal basis is one of the data subject's consent or a contract.
                        Must not sell.
                        Must not distribute.
                        Must delete: after 31/12/2027.""");
    }

    @Test
    void dutiesRefinementsAndMoney() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Offer", "uid": "urn:offer",
                 "permission": [{"action": "read", "constraint": [
                     {"leftOperand": "count", "operator": "lteq", "rightOperand": 100},
                     {"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": "P30D"}],
                   "duty": [{"action": [{"rdf:value": {"@id": "odrl:compensate"}, "refinement": [
                     {"leftOperand": "payAmount", "operator": "eq", "rightOperand": 1000000, "unit": "df:VND"}]}]}]}]}
                """);
        assertThat(PlainLanguage.render(policy).lines().skip(1))
                .containsExactly("Được phép đọc: tối đa 100 lần, trong vòng 30 ngày kể từ khi bắt đầu;"
                        + " với điều kiện phải trả tiền: số tiền 1.000.000 ₫.");
        assertThat(PlainLanguage.render(policy, EN).lines().skip(1))
                .containsExactly("May read: at most 100 times, within 30 days of the start;"
                        + " provided they pay: the amount of 1.000.000 ₫.");
    }

    @Test
    void unknownTermsAreShownWithAMarker() {
        Policy policy = OdrlJson.read("""
                {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                 "permission": [{"action": "http://example.com/act", "constraint": [
                   {"or": [{"leftOperand": "http://example.com/lo", "operator": "eq", "rightOperand": 1},
                           {"leftOperand": "purpose", "operator": "http://example.com/op", "rightOperand": "x"}]}]}],
                 "prohibition": [{"action": "print", "remedy": [{"action": "inform"}]}]}
                """);
        assertThat(PlainLanguage.render(policy, EN).lines().skip(1))
                .containsExactly(
                        "May http://example.com/act [?]: (http://example.com/lo [?] is 1 or purpose"
                                + " http://example.com/op [?] x).",
                        "Must not print; if breached, must inform.");
        assertThat(PlainLanguage.render(policy).lines().skip(1))
                .containsExactly(
                        "Được phép http://example.com/act [?]: (http://example.com/lo [?] là 1 hoặc mục đích"
                                + " http://example.com/op [?] x).",
                        "Không được in; nếu vi phạm thì phải thông báo.");
    }

    @Test
    void moneyUsesDotsForThousands() {
        assertThat(PlainLanguage.money("0")).isEqualTo("0 ₫");
        assertThat(PlainLanguage.money("999")).isEqualTo("999 ₫");
        assertThat(PlainLanguage.money("1000")).isEqualTo("1.000 ₫");
        assertThat(PlainLanguage.money("1234567890")).isEqualTo("1.234.567.890 ₫");
    }

    @Test
    void everyExampleRendersEveryRule() {
        for (String name : new String[] {"example-logical.jsonld", "example-prohibition-remedy.jsonld"}) {
            Policy policy = Examples.policy(name);
            assertThat(PlainLanguage.render(policy).lines())
                    .hasSize(1 + policy.rules().size());
            assertThat(PlainLanguage.render(policy, EN)).isEqualTo(PlainLanguage.render(policy, EN));
        }
    }
}
