package vn.datafloor.server.integration;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * A pipeline run's log line in the reader's language, for the run page. The pipeline engine knows
 * nothing of languages and logs fixed English sentences ("Read 2000 rows (UTF-8), 0 unreadable
 * records"); the page words the ones it knows through the message bundles ({@code run.logLine.*}),
 * keeping their numbers and names, and shows any other line (a source's own warning, an error's
 * message) as logged.
 */
@Component("runLog")
public class RunLogText {

    private record Shape(Pattern pattern, String key) {}

    private static final List<Shape> SHAPES = List.of(
            new Shape(Pattern.compile("Reading (\\S+) source"), "run.logLine.reading"),
            new Shape(Pattern.compile("Read (\\d+) rows \\(([^)]*)\\), (\\d+) unreadable records"), "run.logLine.read"),
            new Shape(
                    Pattern.compile("Input and spec unchanged since version (\\d+): kept it"), "run.logLine.unchanged"),
            new Shape(
                    Pattern.compile("Published (\\S+) version (\\d+): (\\d+) rows, (\\d+) quarantined"),
                    "run.logLine.published"),
            new Shape(
                    Pattern.compile("Matching addresses in (\\S+) to the 2025 administrative units"),
                    "run.logLine.addresses"),
            new Shape(
                    Pattern.compile("Unexpected failure \\(reference (\\S+)\\); nothing was published"),
                    "run.logLine.unexpected"));

    private final MessageSource messages;

    RunLogText(MessageSource messages) {
        this.messages = messages;
    }

    /** The level (INFO, WARN, ERROR) in words. */
    public String level(String level) {
        return messages.getMessage("run.logLevel." + level, null, level, LocaleContextHolder.getLocale());
    }

    /** The line in words; a line of an unknown shape is shown as logged. */
    public String message(String message) {
        if (message == null) {
            return "";
        }
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(message);
            if (m.matches()) {
                Object[] args = new Object[m.groupCount()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = valueOf(m.group(i + 1));
                }
                return messages.getMessage(shape.key(), args, LocaleContextHolder.getLocale());
            }
        }
        return message;
    }

    /** Digits as a number, so that the message formats it as the reader's language writes numbers. */
    private static Object valueOf(String group) {
        return group != null && group.matches("[1-9]\\d{0,17}") ? (Object) Long.valueOf(group) : group;
    }
}
