package vn.datafloor.integration.connect;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A CSV file (optionally gzip-compressed).
 *
 * @param path the file, relative to the run's input directory (the loader refuses paths that leave it)
 * @param encoding auto (detect UTF-8, fall back to Windows-1258 line by line), utf-8 or windows-1258
 * @param delimiter one character, or {@code \t} for a tab
 */
public record CsvSettings(String path, String encoding, String delimiter) implements SourceSettings {

    /** In the order a form lists them: detection first, as most stewards want. */
    static final List<String> ENCODINGS = List.of("auto", "utf-8", "windows-1258");

    public CsvSettings {
        SettingValues checks = new SettingValues(Map.of());
        if (path == null || path.isBlank()) {
            checks.missing("path", "A csv source needs a path");
        }
        encoding = encoding == null ? "auto" : encoding.toLowerCase(Locale.ROOT);
        if (!ENCODINGS.contains(encoding)) {
            checks.invalid("encoding", "Use auto, utf-8 or windows-1258");
        }
        delimiter = delimiter == null ? "," : delimiter;
        if (delimiter.length() != 1 && !"\\t".equals(delimiter)) {
            checks.invalid("delimiter", "The delimiter must be one character (or \\t)");
        }
        checks.throwIfAny();
    }

    static CsvSettings parse(Map<String, String> values) {
        SettingValues v = new SettingValues(values);
        return new CsvSettings(v.text("path"), v.text("encoding"), values == null ? null : values.get("delimiter"));
    }

    /** The delimiter as the character DuckDB is given. */
    char delimiterChar() {
        return "\\t".equals(delimiter) ? '\t' : delimiter.charAt(0);
    }

    @Override
    public String describe() {
        return path;
    }
}
