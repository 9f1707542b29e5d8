package vn.datafloor.integration.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEncodingsTest {

    @TempDir
    Path dir;

    @Test
    void windows1258RoundTripsVietnameseThroughCombiningToneMarks() throws Exception {
        String text = "Nguyễn Thị Minh Khai, Đồng Hới, Quảng Bình";
        byte[] encoded = TextEncodings.encodeWindows1258(text);
        String decoded = Normalizer.normalize(new String(encoded, TextEncodings.WINDOWS_1258), Normalizer.Form.NFC);
        assertThat(decoded).isEqualTo(text);
        // Java's encoder alone cannot: "ễ" has no single byte.
        assertThat(TextEncodings.WINDOWS_1258.newEncoder().canEncode('ễ')).isFalse();
    }

    @Test
    void detectsWindows1258AndMixedFilesAndStripsTheBom() throws Exception {
        Path legacy = dir.resolve("legacy.csv");
        Files.write(legacy, TextEncodings.encodeWindows1258("ho_ten\nTrần Thị Ngọc Ánh\n"));
        TextEncodings.Decoded decoded = TextEncodings.toUtf8(legacy, dir.resolve("out1.csv"), "auto");
        assertThat(decoded.encoding()).isEqualTo("windows-1258");
        assertThat(Files.readString(decoded.utf8File())).isEqualTo("ho_ten\nTrần Thị Ngọc Ánh\n");

        ByteArrayOutputStream mixed = new ByteArrayOutputStream();
        mixed.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        mixed.write("ho_ten\nLê Văn Hùng\n".getBytes(StandardCharsets.UTF_8));
        mixed.write(TextEncodings.encodeWindows1258("Phạm Thu Hương\n"));
        Path mixedFile = dir.resolve("mixed.csv");
        Files.write(mixedFile, mixed.toByteArray());
        TextEncodings.Decoded out = TextEncodings.toUtf8(mixedFile, dir.resolve("out2.csv"), "auto");
        assertThat(out.hadBom()).isTrue();
        assertThat(out.fallbackLines()).isEqualTo(1);
        assertThat(out.encoding()).startsWith("mixed");
        assertThat(Files.readString(out.utf8File())).isEqualTo("ho_ten\nLê Văn Hùng\nPhạm Thu Hương\n");
    }

    @Test
    void aFileDeclaredUtf8ThatIsNotSaysWhichLine() throws Exception {
        Path legacy = dir.resolve("legacy.csv");
        Files.write(legacy, TextEncodings.encodeWindows1258("ho_ten\nTrần Thị\n"));
        assertThatThrownBy(() -> TextEncodings.toUtf8(legacy, dir.resolve("o.csv"), "utf-8"))
                .hasMessageContaining("Line 2");
    }
}
