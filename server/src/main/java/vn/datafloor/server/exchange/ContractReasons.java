package vn.datafloor.server.exchange;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * The reason of a step of a contract's history in the reader's language, for the contract page.
 *
 * <p>The platform's own reasons ("the offer needs no approval", "paid; the entitlement starts") are
 * stored in English with the history, as the ledger records them; the page words them through the
 * message bundles ({@code contracts.reason.*}). A reason a person typed is theirs and shown as typed.
 */
@Component("contractReasons")
public class ContractReasons {

    private record Shape(Pattern pattern, String key, String codeKey) {}

    private static final List<Shape> SHAPES = List.of(
            new Shape(Pattern.compile("purpose (\\S+)"), "contracts.reason.purpose", "consent.purpose."),
            new Shape(Pattern.compile("the offer needs no approval"), "contracts.reason.noApproval", null),
            new Shape(Pattern.compile("the buyer's order commits it to the terms"), "contracts.reason.ordered", null),
            new Shape(Pattern.compile("paid; the entitlement starts"), "contracts.reason.paid", null),
            new Shape(Pattern.compile("winning bid of auction (\\d+)"), "contracts.reason.winningBid", null),
            new Shape(Pattern.compile("the auction's highest bid"), "contracts.reason.highestBid", null),
            new Shape(
                    Pattern.compile("subscription not renewed: not enough money for the next period"),
                    "contracts.reason.notRenewed",
                    null),
            new Shape(
                    Pattern.compile("usage charge for (\\S+) unpaid: top up and contact the provider"),
                    "contracts.reason.usageUnpaid",
                    null),
            new Shape(
                    Pattern.compile("refused by the provider: (.*)", Pattern.DOTALL), "contracts.reason.refused", null),
            new Shape(
                    Pattern.compile("withdrawn by the buyer: (.*)", Pattern.DOTALL),
                    "contracts.reason.withdrawn",
                    null));

    private final MessageSource messages;

    ContractReasons(MessageSource messages) {
        this.messages = messages;
    }

    /** The reason for the current reader; null stays null. */
    public String of(String reason) {
        Locale locale = LocaleContextHolder.getLocale();
        if (reason == null) {
            return null;
        }
        for (Shape shape : SHAPES) {
            Matcher m = shape.pattern().matcher(reason);
            if (m.matches()) {
                Object[] args = new Object[m.groupCount()];
                for (int i = 0; i < args.length; i++) {
                    String value = m.group(i + 1);
                    args[i] = i == 0 && shape.codeKey() != null
                            ? messages.getMessage(shape.codeKey() + value, null, value, locale)
                            : valueOf(value);
                }
                return messages.getMessage(shape.key(), args, locale);
            }
        }
        return reason;
    }

    /** Digits as a number, so that the message formats it as the reader's language writes numbers. */
    private static Object valueOf(String group) {
        return group != null && group.matches("[1-9]\\d{0,17}") ? (Object) Long.valueOf(group) : group;
    }
}
