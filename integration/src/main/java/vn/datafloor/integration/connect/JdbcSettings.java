package vn.datafloor.integration.connect;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import vn.datafloor.integration.lake.DuckDbParser;

/**
 * A database reached through an allow-listed driver ({@link JdbcSources}), or an agency's DuckDB
 * file in the organisation's inbox.
 *
 * @param url jdbc:postgresql://host/db …, or jdbc:duckdb:file.duckdb; never with a password in it
 * @param credential name of the stored credential holding the password; never the password
 * @param table a plain table name; or
 * @param query one SELECT
 * @param watermark column whose largest value is remembered, so the next run reads only newer rows
 * @param timeoutSeconds how long the database may take to answer, 60 when not given
 */
public record JdbcSettings(
        String url, String user, String credential, String table, String query, String watermark, int timeoutSeconds)
        implements SourceSettings {

    static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,127}");
    static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    static final int DEFAULT_TIMEOUT = 60;
    static final int MAX_TIMEOUT = 3600;
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i).*password=.*");

    public JdbcSettings {
        SettingValues checks = new SettingValues(Map.of());
        if (url == null || url.isBlank()) {
            checks.missing("url", "A jdbc source needs a url");
        } else if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:")) {
            checks.invalid("url", "A jdbc source needs a jdbc: url");
        } else {
            // The same check as at registration and at connection: an inline source is no way around it.
            for (String problem : JdbcSources.problems(url)) {
                checks.problem("url", SettingsException.Reason.REFUSED, problem);
            }
            if (PASSWORD_IN_URL.matcher(url).matches()) {
                checks.problem(
                        "url",
                        SettingsException.Reason.SECRET_IN_URL,
                        "Put the password in the secret field, not in the url: urls are shown and logged");
            }
        }
        if ((table == null) == (query == null)) {
            checks.missing("table", "Give either table or query");
        }
        if (table != null && !TABLE.matcher(table).matches()) {
            checks.invalid("table", "The table name is not a plain identifier");
        }
        if (query != null && url != null && url.toLowerCase(Locale.ROOT).startsWith("jdbc:duckdb:")) {
            DuckDbParser.Parsed parsed = DuckDbParser.parseSelect(query);
            if (!parsed.ok() || parsed.statements().size() != 1) {
                checks.problem("query", SettingsException.Reason.REFUSED, "The query must be one SELECT statement");
            }
        }
        if (watermark != null && !COLUMN.matcher(watermark).matches()) {
            checks.invalid("watermark", "The watermark column must be a plain column name");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT) {
            checks.invalid("timeout_seconds", "Expected a whole number from 1 to " + MAX_TIMEOUT);
        }
        checks.throwIfAny();
    }

    static JdbcSettings parse(Map<String, String> values) {
        SettingValues v = new SettingValues(values);
        Integer timeout = v.number("timeout_seconds", 1, MAX_TIMEOUT, DEFAULT_TIMEOUT);
        JdbcSettings settings;
        try {
            settings = new JdbcSettings(
                    v.text("url"),
                    v.text("user"),
                    v.text("credential"),
                    v.text("table"),
                    v.text("query"),
                    v.text("watermark"),
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

    /** Whether the url names an agency's DuckDB file rather than a database server. */
    public boolean duckDbFile() {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:duckdb:");
    }

    @Override
    public String describe() {
        return table != null ? table : "query";
    }

    /**
     * No password is ever in a url (refused above); the credential is shown only as present, so no
     * text derived from a secret's storage reaches a log. The query is shown whole: the runner's
     * spec fingerprint is built from this text, and two queries must never look the same.
     */
    @Override
    public String toString() {
        return "JdbcSettings[url=" + url + ", user=" + user + ", credential="
                + (credential == null ? "none" : "(stored)")
                + ", table=" + table + ", query=" + query
                + ", watermark=" + watermark + ", timeoutSeconds=" + timeoutSeconds + "]";
    }
}
