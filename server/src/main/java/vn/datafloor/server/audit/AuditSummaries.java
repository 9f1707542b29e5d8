package vn.datafloor.server.audit;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * An audit event's summary in the reader's language, for the audit page and the dashboard.
 *
 * <p>The ledger holds each event's summary as it was signed, in English, and that text cannot change:
 * it is the record. Pages show it in Vietnamese by recognising the summaries the platform writes
 * (their shapes are fixed by the code that records them) and wording them through the message
 * bundles ({@code audit.summary.*}); the facts inside (numbers, names, codes) are carried over. A
 * summary of a shape not known here is shown as recorded, marked as English ({@link Text#lang()}), so
 * that screen readers and the role crawl know it for what it is.
 */
@Component("auditSummaries")
public class AuditSummaries {

    /** A summary as a page shows it; {@code lang} is "en" when it is the recorded English text, else null. */
    public record Text(String text, String lang) {}

    /** A shape of summary: its pattern, its message key, and which captured groups name a code to translate. */
    private record Shape(Pattern pattern, String key, List<String> codeKeys) {
        Shape(String regex, String key, String... codeKeys) {
            this(Pattern.compile(regex), key, List.of(codeKeys));
        }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("login \\((\\w+)\\)", "audit.summary.login", "audit.summary.method."),
            new Shape("platform started", "audit.summary.platformStarted"),
            new Shape("sign-in failed: no such account", "audit.summary.noSuchAccount"),
            new Shape("sign-in failed: wrong password", "audit.summary.wrongPassword"),
            new Shape("sign-in refused: this name is backing off at this address", "audit.summary.backingOff"),
            new Shape("sign-in refused: account or organisation disabled", "audit.summary.disabled"),
            new Shape("sign-in refused: too many failures from this address", "audit.summary.throttled"),
            new Shape(
                    "(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) → (\\w+)",
                    "audit.summary.denied",
                    "",
                    "",
                    "audit.summary.decision."),
            new Shape("run (\\S+) of pipeline (\\d+) \\((\\w+)\\)", "audit.summary.run", "", "", "run.trigger."),
            new Shape(
                    "usage of contract (\\d+): (\\d+) (\\S+) via (\\S+)",
                    "audit.summary.usage",
                    "",
                    "",
                    "market.unit.",
                    "audit.summary.channel."),
            new Shape(
                    "data accessed: (\\S+) v(\\d+) via (\\S+), (\\d+) row\\(s\\), (\\d+) subject\\(s\\)",
                    "audit.summary.dataAccessed",
                    "",
                    "",
                    "audit.summary.channel."),
            new Shape(
                    "consent (\\S+) given for (\\S+) to organisation (\\d+)",
                    "audit.summary.consentGiven",
                    "",
                    "consent.purpose."),
            new Shape(
                    "consent (\\S+) refused for (\\S+) to organisation (\\d+)",
                    "audit.summary.consentRefused",
                    "",
                    "consent.purpose."),
            new Shape("consent (\\S+) withdrawn", "audit.summary.consentWithdrawn"),
            new Shape("consent (\\S+) expired", "audit.summary.consentExpired"),
            new Shape("product (\\d+) submitted for inspection", "audit.summary.productSubmitted"),
            new Shape("product (\\d+) approved: (.*)", "audit.summary.productApproved"),
            new Shape("product (\\d+) rejected: (.*)", "audit.summary.productRejected"),
            new Shape("product (\\d+) back to inspection: (.*)", "audit.summary.productReopened"),
            new Shape(
                    "auction (\\d+) of offer (\\d+): (\\w+), reserve (\\d+) đồng, closes (\\S+)",
                    "audit.summary.auctionOpened",
                    "",
                    "",
                    "audit.summary.auctionKind."),
            new Shape("bid (\\d+) in auction (\\d+): (\\d+) đồng", "audit.summary.bidAmount"),
            new Shape("bid (\\d+) in auction (\\d+)", "audit.summary.bid"));

    private final MessageSource messages;

    AuditSummaries(MessageSource messages) {
        this.messages = messages;
    }

    /** The summary for the current reader (English readers get the recorded text). */
    public Text of(String summary) {
        Locale locale = LocaleContextHolder.getLocale();
        if (summary == null || "en".equals(locale.getLanguage())) {
            return new Text(summary, null);
        }
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(summary);
            if (m.matches()) {
                Object[] args = new Object[m.groupCount()];
                for (int i = 0; i < args.length; i++) {
                    String value = m.group(i + 1);
                    String codeKey =
                            i < shape.codeKeys().size() ? shape.codeKeys().get(i) : "";
                    args[i] = codeKey.isEmpty()
                            ? valueOf(value)
                            : messages.getMessage(codeKey + value, null, value, locale);
                }
                return new Text(messages.getMessage(shape.key(), args, locale), null);
            }
        }
        return new Text(summary, "en");
    }

    /** Digits as a number, so that the message formats it as the reader's language writes numbers. */
    private static Object valueOf(String group) {
        return group != null && group.matches("[1-9]\\d{0,17}") ? (Object) Long.valueOf(group) : group;
    }
}
