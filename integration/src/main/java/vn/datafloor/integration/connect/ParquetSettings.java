package vn.datafloor.integration.connect;

import java.util.Map;

/** A Parquet file; its footer is checked against the input limits before a page is read. */
public record ParquetSettings(String path) implements SourceSettings {

    public ParquetSettings {
        SettingValues checks = new SettingValues(Map.of());
        if (path == null || path.isBlank()) {
            checks.missing("path", "A parquet source needs a path");
        }
        checks.throwIfAny();
    }

    static ParquetSettings parse(Map<String, String> values) {
        return new ParquetSettings(new SettingValues(values).text("path"));
    }

    @Override
    public String describe() {
        return path;
    }
}
