package vn.datafloor.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private static final PasswordPolicy POLICY = new PasswordPolicy();

    @Test
    void theHundredThousandMostCommonPasswordsAreRefusedWhateverTheirCase() {
        // Long entries of the list (most are shorter than the minimum length anyway).
        for (String common : new String[] {
            "passwordpassword",
            "qwertyuiop123",
            "1qaz2wsx3edc4rfv",
            "123456789012",
            "abc123456789",
            "PasswordPassword",
            "LeaveMeAlone",
            "sonyericsson"
        }) {
            assertThat(POLICY.violations("someone", common)).as(common).contains("password.common");
        }
        assertThat(POLICY.isCommon(PasswordPolicy.normalise("iloveyou"))).isTrue();
        assertThat(POLICY.isCommon(PasswordPolicy.normalise("070162")))
                .as("the list's last line")
                .isTrue();
    }

    @Test
    void aCommonPasswordWithOnlyDigitsOrSymbolsAroundItIsCommonToo() {
        assertThat(POLICY.violations("someone", "Password2026!")).contains("password.common");
        assertThat(POLICY.violations("someone", "!!Sunshine1234")).contains("password.common");
        // Full-width letters are the same letters after normalisation.
        assertThat(POLICY.violations("someone", "ｐａｓｓｗｏｒｄ１２３４")).contains("password.common");
    }

    @Test
    void keyboardAndAlphabetRunsAreRefused() {
        for (String walk : new String[] {
            "qwertyuiopasdf",
            "QwertyuiopAsdf",
            "zxcvbnm0987654321",
            "1qaz2wsx3edc4",
            "abcdefghijklm",
            "asdfghjkl;'qwerty",
            "1234567890123456",
            "poiuytrewqlkjh"
        }) {
            assertThat(POLICY.violations("someone", walk))
                    .as(walk)
                    .containsAnyOf("password.keyboardWalk", "password.common");
        }
        assertThat(POLICY.violations("someone", "qwertyuiopasdf")).contains("password.keyboardWalk");
    }

    @Test
    void longPersonalPhrasesPass() {
        for (String good : new String[] {
            "Mot cum tu rieng ve pho co",
            "Tôi thích cà phê sữa đá lúc 6 giờ",
            "correct horse battery staple",
            "Datafloor-demo-2026",
            "gà gáy sáng trên đồi chè"
        }) {
            assertThat(POLICY.violations("someone", good)).as(good).isEmpty();
        }
    }

    @Test
    void theOtherRulesStillHold() {
        assertThat(POLICY.violations("someone", "short")).containsExactly("password.tooShort");
        assertThat(POLICY.violations("nguyen.van.an", "nguyen.van.an-2026-mua-he"))
                .contains("password.containsUsername");
        assertThat(POLICY.violations("someone", "abababababababab")).contains("password.tooRepetitive");
    }
}
