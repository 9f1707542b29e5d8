package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.context.support.ResourceBundleMessageSource;

/** The ledger's English summaries as the Vietnamese audit page and dashboard word them. */
class AuditSummariesTest {

    private final AuditSummaries summaries = new AuditSummaries(bundles());

    static ResourceBundleMessageSource bundles() {
        ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
        messages.setBasenames("messages", "messages-market", "messages-privacy", "messages-citizen");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        return messages;
    }

    @AfterEach
    void resetLocale() {
        LocaleContextHolder.resetLocaleContext();
    }

    @Test
    void recognisedSummariesAreWordedInVietnameseWithTheirFactsAndCodesTranslated() {
        LocaleContextHolder.setLocale(Locale.forLanguageTag("vi"));
        assertThat(summaries.of("login (password)")).isEqualTo(new AuditSummaries.Text("Đăng nhập (mật khẩu)", null));
        assertThat(summaries.of("GET /users → FORBIDDEN").text()).isEqualTo("Bị chặn: GET /users (không có quyền)");
        assertThat(summaries.of("usage of contract 1234: 16228 QUERY via sql").text())
                .isEqualTo("Sử dụng theo hợp đồng #1234: 16.228 truy vấn qua SQL");
        assertThat(summaries
                        .of("consent 03ef given for df:research to organisation 5")
                        .text())
                .isEqualTo("Đồng ý 03ef cho mục đích Nghiên cứu, gửi tổ chức #5");
        assertThat(summaries
                        .of("data accessed: ho-tich.cong-dan v1 via SANDBOX, 1 row(s), 0 subject(s)")
                        .text())
                .isEqualTo(
                        "Truy cập dữ liệu: ho-tich.cong-dan phiên bản 1 qua môi trường phân tích an toàn, 1 dòng, 0 người");
    }

    @Test
    void anUnknownSummaryIsShownAsRecordedAndMarkedEnglish() {
        LocaleContextHolder.setLocale(Locale.forLanguageTag("vi"));
        assertThat(summaries.of("something new happened"))
                .isEqualTo(new AuditSummaries.Text("something new happened", "en"));
    }

    @Test
    void englishReadersSeeTheRecordedText() {
        LocaleContextHolder.setLocale(Locale.ENGLISH);
        assertThat(summaries.of("login (password)")).isEqualTo(new AuditSummaries.Text("login (password)", null));
    }
}
