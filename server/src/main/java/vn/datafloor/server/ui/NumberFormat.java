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
