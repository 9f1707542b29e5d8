package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.support.ResourceBundleMessageSource;

/** The pipeline engine's English log lines as the Vietnamese run page words them. */
class RunLogTextTest {

    private final RunLogText log = new RunLogText(bundles());

    private static ResourceBundleMessageSource bundles() {
        ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
        messages.setBasenames("messages");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        return messages;
    }

    @AfterEach
    void resetLocale() {
        LocaleContextHolder.resetLocaleContext();
    }

    @Test
    void knownLinesAreWordedInVietnameseWithNumbersAsVietnameseWritesThem() {
        LocaleContextHolder.setLocale(Locale.forLanguageTag("vi"));
        assertThat(log.level("WARN")).isEqualTo("CẢNH BÁO");
        assertThat(log.message("Read 16228 rows (UTF-8), 3 unreadable records"))
                .isEqualTo("Đã đọc 16.228 dòng (UTF-8), 3 bản ghi không đọc được");
        assertThat(log.message("Published ho-tich.cong-dan version 12: 16172 rows, 56 quarantined"))
                .isEqualTo("Đã công bố ho-tich.cong-dan phiên bản 12: 16.172 dòng, 56 dòng bị cách ly");
        // A source's own warning is shown as it came.
        assertThat(log.message("line 7: 3 fields, expected 4")).isEqualTo("line 7: 3 fields, expected 4");
    }

    @Test
    void englishReadersSeeTheEnginesWords() {
        LocaleContextHolder.setLocale(Locale.ENGLISH);
        assertThat(log.message("Read 16228 rows (UTF-8), 3 unreadable records"))
                .isEqualTo("Read 16,228 rows (UTF-8), 3 unreadable records");
    }
}
