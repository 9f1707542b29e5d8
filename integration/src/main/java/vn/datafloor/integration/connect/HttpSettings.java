package vn.datafloor.integration.connect;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A JSON API read page by page through {@link GuardedHttp}.
 *
 * @param url http(s) url of the first page, without credentials in it
 * @param credential name of the stored credential holding the bearer token; never the token
 * @param pageParameter query parameter carrying the page number; one page only when null
 * @param itemsField field of the JSON answer holding the array of rows; the answer itself when null
 * @param maxPages at most this many pages are read (10,000 when not given)
 * @param timeoutSeconds how long one page may take (30 when not given)
 */
public record HttpSettings(
        String url, String credential, String pageParameter, String itemsField, int maxPages, int timeoutSeconds)
        implements SourceSettings {

    /** A query parameter's name goes into the url as it is: only plain names. */
    static final Pattern PARAMETER = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]]{1,64}");

    static final int DEFAULT_MAX_PAGES = 10_000;
    static final int MAX_PAGES = 1_000_000;
    static final int DEFAULT_TIMEOUT = 30;
    static final int MAX_TIMEOUT = 3600;

    public HttpSettings {
        SettingValues checks = new SettingValues(Map.of());
        if (url == null || url.isBlank()) {
            checks.missing("url", "An http source needs an http(s) url");
        } else if (!(url.startsWith("http://") || url.startsWith("https://"))) {
            checks.invalid("url", "An http source needs an http(s) url");
        } else {
            String problem = OutboundUrls.problem(url);
            if (problem != null) {
                checks.invalid("url", problem);
            }
        }
        if (pageParameter != null && !PARAMETER.matcher(pageParameter).matches()) {
            checks.invalid(
                    "page_parameter",
                    "The page parameter is a plain query parameter name (letters, digits, _ . - [ ])");
        }
        if (itemsField != null && (itemsField.isBlank() || itemsField.length() > 200)) {
            checks.invalid("items_field", "The items field is a field name of 1-200 characters");
        }
        if (maxPages < 1 || maxPages > MAX_PAGES) {
            checks.invalid("max_pages", "Expected a whole number from 1 to " + MAX_PAGES);
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT) {
            checks.invalid("timeout_seconds", "Expected a whole number from 1 to " + MAX_TIMEOUT);
        }
        checks.throwIfAny();
    }

    static HttpSettings parse(Map<String, String> values) {
        SettingValues v = new SettingValues(values);
        Integer maxPages = v.number("max_pages", 1, MAX_PAGES, DEFAULT_MAX_PAGES);
        Integer timeout = v.number("timeout_seconds", 1, MAX_TIMEOUT, DEFAULT_TIMEOUT);
        HttpSettings settings;
        try {
            settings = new HttpSettings(
                    v.text("url"),
                    v.text("credential"),
                    v.text("page_parameter"),
                    v.text("items_field"),
                    maxPages,
                    timeout);
        } catch (SettingsException e) {
            // The record's own checks, reported together with the numbers that could not be read.
            e.problems().forEach(p -> v.problem(p.field(), p.reason(), p.message()));
            v.throwIfAny();
            throw e;
        }
        v.throwIfAny();
        return settings;
    }

    /** The url without its query string, which may carry a key the API takes as a parameter. */
    @Override
    public String describe() {
        return withoutQuery(url);
    }

    @Override
    public String toString() {
        return "HttpSettings[url=" + withoutQuery(url) + ", credential=" + (credential == null ? "none" : "(stored)")
                + ", pageParameter=" + pageParameter + ", itemsField=" + itemsField + ", maxPages=" + maxPages
                + ", timeoutSeconds=" + timeoutSeconds + "]";
    }

    /** A url without its query string, which may carry an API key. */
    static String withoutQuery(String url) {
        int q = url == null ? -1 : url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
