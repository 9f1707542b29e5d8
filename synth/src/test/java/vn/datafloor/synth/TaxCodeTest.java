package vn.datafloor.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TaxCodeTest {

    @Test
    void acceptsPublishedTaxCodesAndRejectsAlteredOnes() {
        // Viettel Group and Vinamilk, as printed on their invoices.
        assertThat(TaxCode.isValid("0100109106")).isTrue();
        assertThat(TaxCode.isValid("0300588569")).isTrue();
        assertThat(TaxCode.isValid("0100109107")).isFalse();
        assertThat(TaxCode.isValid("1001091060")).isFalse();
        assertThat(TaxCode.isValid("010010910")).isFalse();
        assertThat(TaxCode.isValid("01001091O6")).isFalse();
    }

    @Test
    void nineDigitsWhoseWeightedSumIsAMultipleOfElevenHaveNoCheckDigit() {
        long found = -1;
        for (long body = 100_000_000; body < 100_001_000 && found < 0; body++) {
            if (weightedSum(body) % 11 == 0) {
                found = body;
            }
        }
        assertThat(found).isPositive();
        assertThat(TaxCode.checkDigit(found)).isEqualTo(-1);
    }

    @Test
    void businessCodesAreValidAndDistinct() {
        Set<String> codes = new HashSet<>();
        for (long i = 0; i < 50_000; i++) {
            String code = TaxCode.forBusiness(i, 42);
            assertThat(TaxCode.isValid(code)).as(code).isTrue();
            codes.add(code);
        }
        assertThat(codes).hasSize(50_000);
    }

    private static long weightedSum(long body) {
        int[] w = {31, 29, 23, 19, 17, 13, 7, 5, 3};
        String s = Long.toString(body);
        long sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += w[i] * (s.charAt(i) - '0');
        }
        return sum;
    }
}
