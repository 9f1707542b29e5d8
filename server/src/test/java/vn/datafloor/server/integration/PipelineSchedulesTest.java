package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;

/** Schedules in plain words, in both languages, and the problems that say what to write. */
class PipelineSchedulesTest {

    static final Locale VI = Locale.forLanguageTag("vi");

    final PipelineSchedules schedules = new PipelineSchedules(messages());

    static ResourceBundleMessageSource messages() {
        ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
        messages.setBasenames("messages-steward");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        return messages;
    }

    @Test
    void commonSchedulesReadAsPlainWords() {
        assertThat(schedules.describe("0 0 2 * * *", VI)).isEqualTo("Hằng ngày lúc 02:00");
        assertThat(schedules.describe("0 0 2 * * *", Locale.ENGLISH)).isEqualTo("Every day at 02:00");
        assertThat(schedules.describe("0 30 6 * * MON", VI)).isEqualTo("Thứ Hai hằng tuần lúc 06:30");
        assertThat(schedules.describe("0 30 6 * * MON", Locale.ENGLISH)).isEqualTo("Every Monday at 06:30");
        assertThat(schedules.describe("0 0 7 * * MON-FRI", Locale.ENGLISH)).isEqualTo("Every Monday–Friday at 07:00");
        assertThat(schedules.describe("0 15 3 1 * *", VI)).isEqualTo("Ngày 1 hằng tháng lúc 03:15");
        assertThat(schedules.describe("0 5 * * * *", Locale.ENGLISH)).isEqualTo("Every hour at minute 5");
        assertThat(schedules.describe("0 0 */6 * * *", VI)).isEqualTo("Mỗi 6 giờ");
        assertThat(schedules.describe("0 */15 * * * *", Locale.ENGLISH)).isEqualTo("Every 15 minutes");
        assertThat(schedules.describe("0 0 2 1 1 *", Locale.ENGLISH)).isEqualTo("On the cron schedule 0 0 2 1 1 *");
        assertThat(schedules.describe(null, VI)).isEqualTo("Không theo lịch");
    }

    @Test
    void aTypedScheduleIsNormalisedAndCheckedWithAProblemThatSaysWhatToWrite() {
        assertThat(PipelineSchedules.normalise(" 30 6  * * MON ")).isEqualTo("0 30 6 * * MON");
        assertThat(PipelineSchedules.normalise("  ")).isNull();
        assertThat(PipelineSchedules.problem("0 0 25 * * *")).contains("schedule.problem.values");
        assertThat(PipelineSchedules.problem("0 0 2 * *")).contains("schedule.problem.fields");
        assertThat(PipelineSchedules.problem("0 0 2 * * *; rm")).contains("schedule.problem.characters");
        assertThat(PipelineSchedules.problem("0 0 2 * * *")).isEmpty();
        assertThat(messages().getMessage("schedule.problem.values", null, VI)).contains("ví dụ \"0 0 2 * * *\"");
    }

    @Test
    void theNextRunIsInVietnamTime() {
        // 2026-12-06 20:00 UTC is 03:00 on the 7th in Vietnam: the next 02:00 there is the 8th, 19:00 UTC on the 7th.
        assertThat(PipelineSchedules.next("0 0 2 * * *", Instant.parse("2026-12-06T20:00:00Z")))
                .contains(Instant.parse("2026-12-07T19:00:00Z"));
    }
}
