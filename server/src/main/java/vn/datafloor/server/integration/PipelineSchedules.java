package vn.datafloor.server.integration;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * Pipeline schedules: cron expressions (six fields, seconds first, Vietnam time, as Spring reads them), shown
 * in plain words ("Hằng ngày lúc 02:00", "Every Monday at 06:30"), checked with messages that say what to do,
 * and their next run as the platform's scheduler ({@link RunService}) will start it. Templates call it as
 * {@code @pipelineSchedules.describe(cron)}.
 */
@Component("pipelineSchedules")
public class PipelineSchedules {

    /** Schedules are read in Vietnam's time, whatever the server's zone. */
    public static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");

    /** What a cron field may contain; anything else is refused before it is parsed or written into a spec. */
    private static final Pattern CRON_TEXT = Pattern.compile("[0-9A-Za-z*?/,#\\- ]{1,100}");

    private static final Pattern NUMBER = Pattern.compile("\\d{1,2}");

    private final MessageSource messages;

    PipelineSchedules(MessageSource messages) {
        this.messages = messages;
    }

    /**
     * The schedule a person typed, normalised: blank is no schedule (null); five fields (minute first, as in
     * crontab) get a leading 0 seconds.
     */
    public static String normalise(String typed) {
        if (typed == null || typed.isBlank()) {
            return null;
        }
        String trimmed = typed.strip().replaceAll("\\s+", " ");
        return trimmed.split(" ").length == 5 ? "0 " + trimmed : trimmed;
    }

    /**
     * The problem with a (normalised) schedule as a message key of the steward bundle, or empty when it is
     * valid. The messages say what to write instead.
     */
    public static Optional<String> problem(String cron) {
        if (cron == null) {
            return Optional.empty();
        }
        if (!CRON_TEXT.matcher(cron).matches()) {
            return Optional.of("schedule.problem.characters");
        }
        if (cron.split(" ").length != 6) {
            return Optional.of("schedule.problem.fields");
        }
        try {
            CronExpression.parse(cron);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of("schedule.problem.values");
        }
    }

    /** The problem's text in the request's language. */
    public String problemText(String key) {
        return problemText(key, LocaleContextHolder.getLocale());
    }

    /** The problem's text in a given language ({@link Locale#ENGLISH} for the API's problem details). */
    public String problemText(String key, Locale locale) {
        return messages.getMessage(key, null, key, locale);
    }

    /** When the scheduler will start the pipeline next: the first time after the last start (or the last save). */
    public static Optional<Instant> next(String cron, Instant since) {
        if (cron == null || problem(cron).isPresent() || since == null) {
            return Optional.empty();
        }
        ZonedDateTime next = CronExpression.parse(cron).next(since.atZone(ZONE));
        return Optional.ofNullable(next).map(ZonedDateTime::toInstant);
    }

    public String describe(String cron) {
        return describe(cron, LocaleContextHolder.getLocale());
    }

    /** The schedule in plain words; an expression with no plain reading is shown as it is, with a label. */
    public String describe(String cron, Locale locale) {
        if (cron == null) {
            return messages.getMessage("schedule.none", null, "—", locale);
        }
        if (problem(cron).isPresent()) {
            return messages.getMessage("schedule.invalid", new Object[] {cron}, cron, locale);
        }
        String[] f = cron.split(" ");
        String second = f[0];
        String minute = f[1];
        String hour = f[2];
        String day = f[3];
        String month = f[4];
        String weekday = f[5];
        boolean everyDay = isAny(day) && isAny(month);
        if ("0".equals(second)
                && NUMBER.matcher(minute).matches()
                && NUMBER.matcher(hour).matches()) {
            String time = String.format("%02d:%02d", Integer.parseInt(hour), Integer.parseInt(minute));
            if (everyDay && isAny(weekday)) {
                return text("schedule.daily", locale, time);
            }
            if (everyDay) {
                Optional<String> days = weekdays(weekday, locale);
                if (days.isPresent()) {
                    return text("schedule.weekly", locale, days.get(), time);
                }
            }
            if (NUMBER.matcher(day).matches() && isAny(month) && isAny(weekday)) {
                return text("schedule.monthly", locale, Integer.parseInt(day), time);
            }
        }
        if ("0".equals(second) && NUMBER.matcher(minute).matches() && "*".equals(hour) && everyDay && isAny(weekday)) {
            return text("schedule.hourly", locale, Integer.parseInt(minute));
        }
        if ("0".equals(second)
                && "0".equals(minute)
                && hour.matches("(\\*|0)/\\d{1,2}")
                && everyDay
                && isAny(weekday)) {
            return text("schedule.everyHours", locale, Integer.parseInt(hour.substring(hour.indexOf('/') + 1)));
        }
        if ("0".equals(second)
                && minute.matches("(\\*|0)/\\d{1,2}")
                && "*".equals(hour)
                && everyDay
                && isAny(weekday)) {
            return text("schedule.everyMinutes", locale, Integer.parseInt(minute.substring(minute.indexOf('/') + 1)));
        }
        return text("schedule.cron", locale, cron);
    }

    private String text(String key, Locale locale, Object... args) {
        return messages.getMessage(key, args, key, locale);
    }

    private static boolean isAny(String field) {
        return "*".equals(field) || "?".equals(field);
    }

    /** "Monday", "Monday, Wednesday", "Monday–Friday"; empty for a weekday field with no plain reading. */
    private Optional<String> weekdays(String field, Locale locale) {
        Pattern range = Pattern.compile("([A-Za-z]{3}|[0-7])-([A-Za-z]{3}|[0-7])");
        var matcher = range.matcher(field);
        if (matcher.matches()) {
            Optional<DayOfWeek> from = day(matcher.group(1));
            Optional<DayOfWeek> to = day(matcher.group(2));
            if (from.isPresent() && to.isPresent()) {
                return Optional.of(dayName(from.get(), locale) + "–" + dayName(to.get(), locale));
            }
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (String part : field.split(",")) {
            Optional<DayOfWeek> d = day(part);
            if (d.isEmpty()) {
                return Optional.empty();
            }
            names.add(dayName(d.get(), locale));
        }
        return Optional.of(String.join(", ", names));
    }

    private static Optional<DayOfWeek> day(String text) {
        if (text.matches("[0-7]")) {
            int n = Integer.parseInt(text);
            return Optional.of(n == 0 || n == 7 ? DayOfWeek.SUNDAY : DayOfWeek.of(n));
        }
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().substring(0, 3).equalsIgnoreCase(text)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private String dayName(DayOfWeek day, Locale locale) {
        return messages.getMessage(
                "schedule.day." + day.name(), null, day.getDisplayName(TextStyle.FULL, Locale.ENGLISH), locale);
    }
}
