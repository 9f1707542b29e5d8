package vn.datafloor.server.ui;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Numbers as the reader's language writes them, for templates: {@code ${@numbers.integer(n)}} gives
 * "16.228" in Vietnamese and "16,228" in English, {@code ${@numbers.decimal(x, 1)}} "99,9" and "99.9".
 * One place, so a page never shows the same figure two ways.
 */
@Component("numbers")
public class NumberFormat {

    private static final Locale VIETNAMESE = Locale.forLanguageTag("vi-VN");

    public String integer(long value) {
        return format(value, 0);
    }

    public String decimal(double value, int digits) {
        return format(value, Math.max(0, Math.min(digits, 6)));
    }

    /** A count that may not be known yet (a run still going): empty when null. */
    public String count(Long value) {
        return value == null ? "" : integer(value);
    }

    /** A score or share that may not be known yet: empty when null, else with {@code digits} decimals. */
    public String score(Double value, int digits) {
        return value == null ? "" : decimal(value, digits);
    }

    private static String format(Number value, int digits) {
        DecimalFormat format = new DecimalFormat(
                digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits), DecimalFormatSymbols.getInstance(locale()));
        return format.format(value);
    }

    /** Vietnamese unless the reader chose English: the platform's default language. */
    static Locale locale() {
        Locale current = LocaleContextHolder.getLocale();
        return "en".equals(current.getLanguage()) ? Locale.UK : VIETNAMESE;
    }
}
