package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskingTest {

    @Test
    void masksNamesNumbersAndAddressesWithoutLosingTheirShape() {
        assertThat(Masking.mask("Nguyễn Văn An")).isEqualTo("N****n V*n A*");
        assertThat(Masking.mask("001085012345")).isEqualTo("*********345");
        assertThat(Masking.mask("+84 912 345 678")).isEqualTo("+** *** *** 678");
        assertThat(Masking.mask("an.nguyen@example.vn")).isEqualTo("a***@example.vn");
        assertThat(Masking.mask(null)).isNull();
        assertThat(Masking.mask("")).isEmpty();
    }
}
