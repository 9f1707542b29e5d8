package vn.datafloor.integration.connect;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** The connectors that reach a server: jdbc and http. */
final class NetworkConnectors {

    private NetworkConnectors() {}

    static final class Jdbc implements SourceConnector<JdbcSettings> {
        @Override
        public String kind() {
            return "jdbc";
        }

        @Override
        public Class<JdbcSettings> settingsType() {
            return JdbcSettings.class;
        }

        @Override
        public List<Setting> settings() {
            return List.of(Setting.required("url", "jdbc:postgresql://host/db …, or jdbc:duckdb:file.duckdb in the inbox"),
                    Setting.optional("user", "the database account"),
                    new Setting("credential", false, Setting.Supply.SECRET,
                            "the password: given as the source's secret at registration, sealed, never shown again"),
                    Setting.optional("table", "a table to read whole; or give query"),
                    Setting.optional("query", "one SELECT; or give table"),
                    Setting.optional("watermark", "column whose largest value is remembered: later runs read newer rows only"),
                    Setting.optional("timeout_seconds", "how long the database may take, 60 when not given"));
        }

        @Override
        public Reach reach() {
            return Reach.NETWORK;
        }

        @Override
        public JdbcSettings parse(Map<String, String> values) {
            return JdbcSettings.parse(values);
        }

        @Override
        public LoadedSource load(JdbcSettings settings, SourceLoader staging, String lastWatermark) throws SQLException {
            return staging.jdbc(settings, lastWatermark);
        }
    }

    static final class Http implements SourceConnector<HttpSettings> {
        @Override
        public String kind() {
            return "http";
        }

        @Override
        public Class<HttpSettings> settingsType() {
            return HttpSettings.class;
        }

        @Override
        public List<Setting> settings() {
            return List.of(Setting.required("url", "https://… of the first page"),
                    new Setting("credential", false, Setting.Supply.SECRET,
                            "the bearer token: given as the source's secret at registration, sealed, never shown again"),
                    Setting.optional("page_parameter", "query parameter carrying the page number; one page when not given"),
                    Setting.optional("items_field", "field of the JSON answer holding the rows; the answer itself when not given"),
                    Setting.optional("max_pages", "at most this many pages, 10000 when not given"),
                    Setting.optional("timeout_seconds", "how long a page may take, 30 when not given"));
        }

        @Override
        public Reach reach() {
            return Reach.NETWORK;
        }

        @Override
        public HttpSettings parse(Map<String, String> values) {
            return HttpSettings.parse(values);
        }

        @Override
        public LoadedSource load(HttpSettings settings, SourceLoader staging, String lastWatermark)
                throws IOException, SQLException {
            return staging.http(settings);
        }
    }
}
