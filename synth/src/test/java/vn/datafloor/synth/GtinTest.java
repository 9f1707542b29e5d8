package vn.datafloor.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GtinTest {

    @Test
    void checkDigitMatchesGs1Examples() {
        assertThat(Gtin.isValid("4006381333931")).isTrue();
        assertThat(Gtin.isValid("4006381333932")).isFalse();
        assertThat(Gtin.isValid("9780306406157")).isTrue();
    }

    @Test
    void productCodesCarryTheVietnamPrefixAndAreDistinct() {
        Set<String> codes = new HashSet<>();
        for (long i = 0; i < 20_000; i++) {
            String gtin = Gtin.forProduct(i, 7);
            assertThat(gtin).startsWith("893").hasSize(13);
            assertThat(Gtin.isValid(gtin)).isTrue();
            codes.add(gtin);
        }
        assertThat(codes).hasSize(20_000);
    }
}
