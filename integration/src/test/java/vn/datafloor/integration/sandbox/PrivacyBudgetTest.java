package vn.datafloor.integration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PrivacyBudgetTest {

    @Test
    void spendingIsExactOverManySmallAnswers() {
        PrivacyBudget budget = PrivacyBudget.of(new BigDecimal("1"));
        for (int i = 0; i < 10; i++) {
            budget = budget.spend(PrivacyBudget.microEpsilon(new BigDecimal("0.1")));
        }
        // 0.1 ten times is exactly 1, where doubles give 0.9999999999999999
        assertThat(budget.spentMicroEpsilon()).isEqualTo(1_000_000);
        assertThat(budget.remaining()).isEqualByComparingTo("0");
        assertThat(budget.canSpend(1)).isFalse();
        assertThat(budget.canSpend(0)).isTrue();
    }

    @Test
    void refusesAnAnswerThatWouldOverspend() {
        PrivacyBudget budget = PrivacyBudget.of(new BigDecimal("1.5")).spend(1_000_000);

        assertThatThrownBy(() -> budget.spend(500_001))
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo("sandbox.budget"))
                .hasMessageContaining("0.5 remains");
        assertThat(budget.spend(500_000).remainingMicroEpsilon()).isZero();
        // the refused attempt left the value untouched
        assertThat(budget.spentMicroEpsilon()).isEqualTo(1_000_000);
    }

    @Test
    void epsilonConvertsWithoutRounding() {
        assertThat(PrivacyBudget.microEpsilon(new BigDecimal("0.000001"))).isEqualTo(1);
        assertThat(PrivacyBudget.epsilon(1_234_567)).isEqualByComparingTo("1.234567");
        assertThatThrownBy(() -> PrivacyBudget.microEpsilon(new BigDecimal("0.0000001")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrivacyBudget.microEpsilon(new BigDecimal("-1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateIsConsistent() {
        assertThatThrownBy(() -> new PrivacyBudget(1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrivacyBudget(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PrivacyBudget.of(BigDecimal.ONE).spend(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
