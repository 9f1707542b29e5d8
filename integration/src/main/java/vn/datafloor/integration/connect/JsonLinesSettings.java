package vn.datafloor.integration.connect;

import java.util.Map;

/** A JSON Lines file (one object per line, optionally gzip-compressed), always UTF-8. */
public record JsonLinesSettings(String path) implements SourceSettings {

    public JsonLinesSettings {
        SettingValues checks = new SettingValues(Map.of());
        if (path == null || path.isBlank()) {
            checks.missing("path", "A jsonl source needs a path");
        }
        checks.throwIfAny();
    }

    static JsonLinesSettings parse(Map<String, String> values) {
        return new JsonLinesSettings(new SettingValues(values).text("path"));
    }

    @Override
    public String describe() {
        return path;
    }
}
