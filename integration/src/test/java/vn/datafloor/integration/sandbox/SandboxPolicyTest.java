package vn.datafloor.integration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxPolicyTest {

    private static SandboxPolicy.Bounds bounds(String lower, String upper) {
        return new SandboxPolicy.Bounds(new BigDecimal(lower), new BigDecimal(upper));
    }

    @Test
    void defaultsAndFixedPoint() {
        SandboxPolicy policy = SandboxPolicy.of("t", "id", Map.of("Luong", bounds("-1.5", "2.25")), BigDecimal.ONE);

        assertThat(policy.minimumGroupSize()).isEqualTo(10);
        assertThat(policy.boundsOf("LUONG")).isNotNull();
        assertThat(policy.scaled(new BigDecimal("-1.5"))).isEqualTo(-150);
        assertThat(policy.scaled(new BigDecimal("2.25"))).isEqualTo(225);
        assertThat(policy.epsilonPerQueryMicros()).isEqualTo(1_000_000);
    }

    @Test
    void refusesBoundsThatFixedPointCannotHoldExactly() {
        // three decimals at precision 2 would be rounded, and the sensitivity with it
        assertThatThrownBy(() -> SandboxPolicy.of("t", "id", Map.of("x", bounds("0", "1.125")), BigDecimal.ONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SandboxPolicy.of("t", "id", Map.of("x", bounds("0", "1e11")), BigDecimal.ONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bounds("2", "1")).isInstanceOf(IllegalArgumentException.class);
        // 10¹⁰ VND is fine alone, but not for 1,000 groups of 1,000 rows per person: Δ·10⁶ would overflow
        assertThat(new SandboxPolicy("t", "id", 10, 1, 1, Map.of("x", bounds("0", "1e10")), 0, BigDecimal.ONE).bounds())
                .hasSize(1);
        assertThatThrownBy(() -> new SandboxPolicy(
                        "t", "id", 10, 1000, 1000, Map.of("x", bounds("0", "1e10")), 0, BigDecimal.ONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesMeaninglessSettings() {
        assertThatThrownBy(() -> new SandboxPolicy("t", "id", 0, 1, 1, Map.of(), 2, BigDecimal.ONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SandboxPolicy("t", "id", 10, 0, 1, Map.of(), 2, BigDecimal.ONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SandboxPolicy("t", "id", 10, 1, 1, Map.of(), 2, BigDecimal.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SandboxPolicy("t", " ", 10, 1, 1, Map.of(), 2, BigDecimal.ONE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
