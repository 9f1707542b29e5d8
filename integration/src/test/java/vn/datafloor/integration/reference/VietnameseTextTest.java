package vn.datafloor.integration.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;

class VietnameseTextTest {

    @Test
    void foldsEveryWritingOfTheSameName() {
        String nfc = "Nguyễn Văn Đức";
        String nfd = Normalizer.normalize("Nguyễn Văn \u00D0ức", Normalizer.Form.NFD);
        assertThat(VietnameseText.fold(nfc)).isEqualTo("nguyen van duc");
        assertThat(VietnameseText.fold(nfd)).isEqualTo("nguyen van duc");
        assertThat(VietnameseText.fold("  NGUYEN   VAN\tDUC ")).isEqualTo("nguyen van duc");
        assertThat(VietnameseText.fold("Hòa")).isEqualTo(VietnameseText.fold("Hoà"));
        assertThat(VietnameseText.fold(null)).isEmpty();
    }
}
