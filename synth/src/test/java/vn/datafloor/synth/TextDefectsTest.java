package vn.datafloor.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextDefectsTest {

    @Test
    void tonePlacementTogglesBetweenOldAndNewStyle() {
        assertThat(Corruptor.toggleTonePlacement("Hòa")).isEqualTo("Hoà");
        assertThat(Corruptor.toggleTonePlacement("Hoà")).isEqualTo("Hòa");
        assertThat(Corruptor.toggleTonePlacement("Nguyễn Thị Thủy")).isEqualTo("Nguyễn Thị Thuỷ");
        assertThat(Corruptor.toggleTonePlacement("Khỏe")).isEqualTo("Khoẻ");
        // Syllables with a final consonant have one correct placement only.
        assertThat(Corruptor.toggleTonePlacement("Hoàng Toán")).isEqualTo("Hoàng Toán");
    }

    @Test
    void diacriticsAndStrokedDAreStripped() {
        assertThat(Corruptor.stripDiacritics("Đặng Thị Ngọc Ánh")).isEqualTo("Dang Thi Ngoc Anh");
        assertThat(Corruptor.upperAscii("Ðỗ Đức Huỳnh")).isEqualTo("DO DUC HUYNH");
        assertThat(Corruptor.ethForD("Đỗ Đức")).isEqualTo("\u00D0ỗ \u00D0ức");
    }

    @Test
    void idErrorChangesOneDigitOrSwapsTwoNeighbours() {
        SplittableRandom r = new SplittableRandom(1);
        String id = "001089123456";
        for (int i = 0; i < 500; i++) {
            String bad = Corruptor.idError(id, r);
            assertThat(bad).hasSize(12).isNotEqualTo(id).containsOnlyDigits();
            List<Integer> diff = new ArrayList<>();
            for (int j = 0; j < 12; j++) {
                if (bad.charAt(j) != id.charAt(j)) {
                    diff.add(j);
                }
            }
            boolean oneDigit = diff.size() == 1;
            boolean transposed = diff.size() == 2
                    && diff.get(1) == diff.get(0) + 1
                    && bad.charAt(diff.get(0)) == id.charAt(diff.get(1))
                    && bad.charAt(diff.get(1)) == id.charAt(diff.get(0));
            assertThat(oneDigit || transposed).as(bad).isTrue();
        }
    }

    @Test
    void windows1258RoundTripsEveryVietnameseNameAfterNfc() {
        List<String> words = new ArrayList<>(Vocabulary.SURNAMES.items());
        words.addAll(Vocabulary.MALE_GIVEN.items());
        words.addAll(Vocabulary.FEMALE_GIVEN.items());
        words.addAll(List.of("Nguyễn Thị Minh Khai", "Trường Sa", "Ưng Hoàng Phúc", "Đặng Thùy Trâm", "ĂÂÊÔƠƯĐ"));
        Windows1258 encoder = new Windows1258();
        for (String word : words) {
            Windows1258.ByteBuffer buffer = new Windows1258.ByteBuffer();
            encoder.encode(word, buffer);
            String decoded = new String(buffer.bytes, 0, buffer.length, Windows1258.CHARSET);
            assertThat(Normalizer.normalize(decoded, Normalizer.Form.NFC)).isEqualTo(word);
        }
        assertThat(encoder.replaced()).isZero();
    }

    @Test
    void unencodableCharactersAreStrippedOrReplacedAndCounted() {
        Windows1258 encoder = new Windows1258();
        Windows1258.ByteBuffer buffer = new Windows1258.ByteBuffer();
        encoder.encode("Ðạt 漢", buffer);
        String decoded = Normalizer.normalize(
                new String(buffer.bytes, 0, buffer.length, Windows1258.CHARSET), Normalizer.Form.NFC);
        // U+00D0 has no byte in code page 1258: written as plain D; the Han character becomes '?'.
        assertThat(decoded).isEqualTo("Dạt ?");
        assertThat(encoder.replaced()).isEqualTo(2);
    }
}
