package vn.datafloor.server.platform;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Numbers as the reader's language writes them, for templates: {@code ${@numbers.integer(n)}} gives
 * "16.228" in Vietnamese and "16,228" in English, {@code ${@numbers.decimal(x, 1)}} "99,9" and "99.9",
 * {@code ${@numbers.percent(87)}} "87%". One place, so a page never shows the same figure two ways; server code
 * that words a text for a page (personal-data evidence) formats its figures here too.
 */
@Component("numbers")
public class NumberFormat {

    private static final Locale VIETNAMESE = Locale.forLanguageTag("vi-VN");

    public String integer(long value) {
        return integer(value, LocaleContextHolder.getLocale());
    }

    public String integer(long value, Locale locale) {
        return format(value, 0, locale);
    }

    public String decimal(double value, int digits) {
        return format(value, Math.max(0, Math.min(digits, 6)), LocaleContextHolder.getLocale());
    }

    /** A count that may not be known yet (a run still going): empty when null. */
    public String count(Long value) {
        return value == null ? "" : integer(value);
    }

    /** A score or share that may not be known yet: empty when null, else with {@code digits} decimals. */
    public String score(Double value, int digits) {
        return value == null ? "" : decimal(value, digits);
    }

    /** A whole percentage, as both languages write it: "87%" (a larger one grouped as its language does). */
    public String percent(long wholePercent, Locale locale) {
        return integer(wholePercent, locale) + "%";
    }

    public String percent(long wholePercent) {
        return percent(wholePercent, LocaleContextHolder.getLocale());
    }

    private static String format(Number value, int digits, Locale reader) {
        DecimalFormat format = new DecimalFormat(
                digits == 0 ? "#,##0" : "#,##0." + "0".repeat(digits),
                DecimalFormatSymbols.getInstance(locale(reader)));
        return format.format(value);
    }

    /** Vietnamese unless the reader chose English: the platform's default language. */
    static Locale locale(Locale reader) {
        return reader != null && "en".equals(reader.getLanguage()) ? Locale.UK : VIETNAMESE;
    }
}
