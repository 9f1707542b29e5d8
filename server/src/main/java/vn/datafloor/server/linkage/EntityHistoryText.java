package vn.datafloor.server.linkage;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * A register entity's history in the reader's language, for the entity page: the identifier
 * assignment stores each change as a kind (CREATED, SPLIT, MERGED) and a fixed English detail
 * ("created from 3 record(s)", "merged into …"), which the page words through the message bundles
 * ({@code register.event.*}), keeping the numbers and identifiers.
 */
@Component("entityHistory")
public class EntityHistoryText {

    private record Shape(Pattern pattern, String key) {}

    private static final List<Shape> SHAPES = List.of(
            new Shape(Pattern.compile("created from (\\d+) record\\(s\\)"), "register.event.createdFrom"),
            new Shape(Pattern.compile("split from (\\S+)"), "register.event.splitFrom"),
            new Shape(Pattern.compile("records moved to (\\S+)"), "register.event.movedTo"),
            new Shape(Pattern.compile("merged into (\\S+)"), "register.event.mergedInto"),
            new Shape(Pattern.compile("absorbed (\\S+)"), "register.event.absorbed"));

    private final MessageSource messages;

    EntityHistoryText(MessageSource messages) {
        this.messages = messages;
    }

    /** The kind of change (CREATED, SPLIT, MERGED) in words. */
    public String kind(String kind) {
        return messages.getMessage("register.event." + kind, null, kind, LocaleContextHolder.getLocale());
    }

    /** The change's detail in words; a detail of an unknown shape is shown as stored. */
    public String detail(String detail) {
        if (detail == null) {
            return null;
        }
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(detail);
            if (m.matches()) {
                return messages.getMessage(
                        shape.key(), new Object[] {valueOf(m.group(1))}, LocaleContextHolder.getLocale());
            }
        }
        return detail;
    }

    /** Digits as a number, so that the message formats it as the reader's language writes numbers. */
    private static Object valueOf(String group) {
        return group != null && group.matches("[1-9]\\d{0,17}") ? (Object) Long.valueOf(group) : group;
    }
}
