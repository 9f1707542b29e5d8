package vn.datafloor.integration.connect;

import java.util.regex.Pattern;

/**
 * Error texts that may be shown to people who must not see the data: database and DuckDB messages
 * quote the offending value ("Could not convert string '001203004567' to INT32"), so quoted text
 * (single or double quotes: DuckDB uses both for values) and long digit runs are replaced before a
 * message leaves the engine. What stays is the kind of error and the type it wanted.
 */
public final class ErrorTexts {

    private static final Pattern QUOTED = Pattern.compile("'(?:[^']|'')*'?");
    private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"[^\"]*\"?");
    private static final Pattern DIGITS = Pattern.compile("\\d{4,}");

    private ErrorTexts() {}

    public static String withoutValues(String message) {
        if (message == null) {
            return "unknown error";
        }
        String clean = QUOTED.matcher(message).replaceAll("'…'");
        // DuckDB quotes some values in double quotes too ("date field value out of range: "…""), like column names.
        clean = DOUBLE_QUOTED.matcher(clean).replaceAll("\"…\"");
        clean = DIGITS.matcher(clean).replaceAll("…");
        return clean.length() > 500 ? clean.substring(0, 500) + "…" : clean;
    }
}
