package vn.datafloor.integration.connect;

import java.util.Map;

/**
 * An Excel workbook.
 *
 * @param sheet the sheet's name; the first sheet when null
 */
public record XlsxSettings(String path, String sheet) implements SourceSettings {

    public XlsxSettings {
        SettingValues checks = new SettingValues(Map.of());
        if (path == null || path.isBlank()) {
            checks.missing("path", "An xlsx source needs a path");
        }
        if (sheet != null && (sheet.isBlank() || sheet.length() > 100)) {
            checks.invalid("sheet", "A sheet name is 1-100 characters");
        }
        checks.throwIfAny();
    }

    static XlsxSettings parse(Map<String, String> values) {
        SettingValues v = new SettingValues(values);
        return new XlsxSettings(v.text("path"), v.text("sheet"));
    }

    @Override
    public String describe() {
        return path;
    }
}
