package vn.datafloor.integration.connect;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import vn.datafloor.integration.lake.DuckDbConnections;

/** The connectors for uploaded files: csv, jsonl, parquet, xlsx. */
final class FileConnectors {

    private FileConnectors() {}

    static final Setting PATH = new Setting(
            "path",
            true,
            Setting.Supply.UPLOAD,
            "the file, relative to the input directory; filled in by an upload for registered sources");

    /** A gzip stream is unpacked when read; here its content is counted before the file is kept. */
    private static void checkGzip(Path file, String shownName, InputLimits limits) throws IOException {
        if (GzipGuard.isGzip(file)) {
            GzipGuard.count(file, shownName, limits);
        }
    }

    static final class Csv implements SourceConnector<CsvSettings> {
        @Override
        public String kind() {
            return "csv";
        }

        @Override
        public Class<CsvSettings> settingsType() {
            return CsvSettings.class;
        }

        @Override
        public List<Setting> settings() {
            return List.of(
                    PATH,
                    new Setting(
                            "encoding",
                            false,
                            Setting.Supply.VALUE,
                            "auto (default: UTF-8, or Windows-1258 line by line where UTF-8 fails), utf-8 or windows-1258",
                            CsvSettings.ENCODINGS),
                    Setting.optional("delimiter", "one character, or \\t; a comma when not given"));
        }

        @Override
        public Reach reach() {
            return Reach.UPLOADED_FILE;
        }

        @Override
        public CsvSettings parse(Map<String, String> values) {
            return CsvSettings.parse(values);
        }

        @Override
        public List<String> fileExtensions() {
            return List.of(".csv", ".txt");
        }

        @Override
        public void checkUpload(Path file, String shownName, InputLimits limits) throws IOException {
            checkGzip(file, shownName, limits);
        }

        @Override
        public LoadedSource load(CsvSettings settings, SourceLoader staging, String lastWatermark)
                throws SQLException, IOException {
            return staging.csv(staging.file(settings.path()), settings);
        }
    }

    static final class JsonLines implements SourceConnector<JsonLinesSettings> {
        @Override
        public String kind() {
            return "jsonl";
        }

        @Override
        public Class<JsonLinesSettings> settingsType() {
            return JsonLinesSettings.class;
        }

        @Override
        public List<Setting> settings() {
            return List.of(PATH);
        }

        @Override
        public Reach reach() {
            return Reach.UPLOADED_FILE;
        }

        @Override
        public JsonLinesSettings parse(Map<String, String> values) {
            return JsonLinesSettings.parse(values);
        }

        @Override
        public List<String> fileExtensions() {
            return List.of(".jsonl", ".ndjson");
        }

        @Override
        public void checkUpload(Path file, String shownName, InputLimits limits) throws IOException {
            checkGzip(file, shownName, limits);
        }

        @Override
        public LoadedSource load(JsonLinesSettings settings, SourceLoader staging, String lastWatermark)
                throws SQLException, IOException {
            Path file = staging.file(settings.path());
            return staging.jsonLines(file, SourceLoader.fingerprint(file), List.of());
        }
    }

    static final class Parquet implements SourceConnector<ParquetSettings> {
        @Override
        public String kind() {
            return "parquet";
        }

        @Override
        public Class<ParquetSettings> settingsType() {
            return ParquetSettings.class;
        }

        @Override
        public List<Setting> settings() {
            return List.of(PATH);
        }

        @Override
        public Reach reach() {
            return Reach.UPLOADED_FILE;
        }

        @Override
        public ParquetSettings parse(Map<String, String> values) {
            return ParquetSettings.parse(values);
        }

        @Override
        public List<String> fileExtensions() {
            return List.of(".parquet");
        }

        @Override
        public void checkUpload(Path file, String shownName, InputLimits limits) throws IOException {
            try (Connection duck = DuckDbConnections.open(null, "256MB", 1)) {
                ParquetGuard.check(duck, file, shownName, limits);
            } catch (SQLException e) {
                throw new SourceException("Not a readable Parquet file: " + shownName, e);
            }
        }

        @Override
        public LoadedSource load(ParquetSettings settings, SourceLoader staging, String lastWatermark)
                throws SQLException, IOException {
            return staging.parquet(staging.file(settings.path()));
        }
    }

    static final class Xlsx implements SourceConnector<XlsxSettings> {
        @Override
        public String kind() {
            return "xlsx";
        }

        @Override
        public Class<XlsxSettings> settingsType() {
            return XlsxSettings.class;
        }

        @Override
        public List<Setting> settings() {
            return List.of(PATH, Setting.optional("sheet", "the sheet's name; the first sheet when not given"));
        }

        @Override
        public Reach reach() {
            return Reach.UPLOADED_FILE;
        }

        @Override
        public XlsxSettings parse(Map<String, String> values) {
            return XlsxSettings.parse(values);
        }

        @Override
        public List<String> fileExtensions() {
            return List.of(".xlsx");
        }

        @Override
        public void checkUpload(Path file, String shownName, InputLimits limits) throws IOException {
            XlsxGuard.check(file, shownName, limits);
        }

        @Override
        public LoadedSource load(XlsxSettings settings, SourceLoader staging, String lastWatermark)
                throws SQLException, IOException {
            return staging.xlsx(staging.file(settings.path()), settings);
        }
    }
}
