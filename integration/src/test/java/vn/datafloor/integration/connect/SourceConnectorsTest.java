package vn.datafloor.integration.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.pipeline.PipelineSpec.SourceSpec;

class SourceConnectorsTest {

    @Test
    void everyKindHasOneConnectorInAStableOrder() {
        assertThat(SourceConnectors.kinds())
                .containsExactly("csv", "jsonl", "parquet", "xlsx", "jdbc", "pg_changes", "http");
        for (String kind : SourceConnectors.kinds()) {
            SourceConnector<?> connector = SourceConnectors.get(kind);
            assertThat(connector.kind()).isEqualTo(kind);
            assertThat(SourceConnectors.find(kind.toUpperCase(java.util.Locale.ROOT)))
                    .containsSame(connector);
            assertThat(connector.settings()).as(kind).isNotEmpty();
            assertThat(connector.settings().stream().map(Setting::name))
                    .as(kind)
                    .doesNotHaveDuplicates()
                    .allMatch(name -> name.matches("[a-z_]+"));
            // A kind's secret is only ever referred to by name: at most one, never required inline.
            assertThat(connector.settings().stream().filter(Setting::secret))
                    .as(kind)
                    .hasSizeLessThanOrEqualTo(1)
                    .noneMatch(Setting::required);
        }
        assertThat(SourceConnectors.all())
                .extracting(SourceConnector::kind)
                .containsExactlyElementsOf(SourceConnectors.kinds());
    }

    @Test
    void theRegistryCannotBeChangedFromOutside() {
        assertThatThrownBy(() -> SourceConnectors.kinds().add("ftp")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> SourceConnectors.all().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void filesAreUploadedAndServersAreReachedOverTheNetwork() {
        for (SourceConnector<?> connector : SourceConnectors.all()) {
            boolean file = connector.reach() == SourceConnector.Reach.UPLOADED_FILE;
            assertThat(connector.settings().stream().anyMatch(s -> s.supply() == Setting.Supply.UPLOAD))
                    .as(connector.kind())
                    .isEqualTo(file);
            assertThat(connector.fileExtensions().isEmpty())
                    .as(connector.kind())
                    .isEqualTo(!file);
        }
        assertThat(SourceConnectors.get("jdbc").reach()).isEqualTo(SourceConnector.Reach.NETWORK);
        assertThat(SourceConnectors.get("http").reach()).isEqualTo(SourceConnector.Reach.NETWORK);
    }

    @Test
    void uploadsAreRecognisedByTheirNameEnding() {
        assertThat(SourceConnectors.forFileName("Benh-nhan.CSV"))
                .map(SourceConnector::kind)
                .contains("csv");
        assertThat(SourceConnectors.forFileName("x.ndjson"))
                .map(SourceConnector::kind)
                .contains("jsonl");
        assertThat(SourceConnectors.forFileName("x.parquet"))
                .map(SourceConnector::kind)
                .contains("parquet");
        assertThat(SourceConnectors.forFileName("x.xlsx"))
                .map(SourceConnector::kind)
                .contains("xlsx");
        assertThat(SourceConnectors.forFileName("x.exe")).isEmpty();
        assertThat(SourceConnectors.forFileName(null)).isEmpty();
    }

    @Test
    void anUnknownKindNamesTheKindsThereAre() {
        assertThatThrownBy(() -> SourceConnectors.get("ftp"))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("ftp")
                .hasMessageContaining("csv")
                .hasMessageContaining("http");
        assertThat(SourceConnectors.find(null)).isEmpty();
    }

    @Test
    void everySettingNameIsKnownToTheRegistry() {
        assertThat(SourceConnectors.settingNames())
                .contains(
                        "path",
                        "encoding",
                        "delimiter",
                        "sheet",
                        "url",
                        "user",
                        "credential",
                        "table",
                        "query",
                        "watermark",
                        "page_parameter",
                        "items_field",
                        "max_pages",
                        "timeout_seconds");
    }

    @Test
    void aSourceSpecIsARefOrAKindWithItsOwnSettings() {
        SourceSpec csv = SourceSpec.of("CSV", Map.of("path", "a.csv"));
        assertThat(csv.kind()).isEqualTo("csv");
        assertThat(csv.settings()).isEqualTo(new CsvSettings("a.csv", "auto", ","));
        assertThat(csv.describe()).isEqualTo("csv:a.csv");
        assertThat(SourceSpec.ref("so-y-te").describe()).isEqualTo("so-y-te");
        assertThatThrownBy(() -> new SourceSpec(null, "jdbc", new CsvSettings("a.csv", null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceSpec(null, null, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registrationNeedsNoFileYet() {
        for (SourceConnector<?> connector : SourceConnectors.all()) {
            if (connector.reach() == SourceConnector.Reach.UPLOADED_FILE) {
                assertThat(connector.parseForRegistration(Map.of()))
                        .as(connector.kind())
                        .isNotNull();
                assertThatThrownBy(() -> connector.parse(Map.of()))
                        .as(connector.kind())
                        .isInstanceOf(SettingsException.class)
                        .satisfies(e -> assertThat(((SettingsException) e).problems())
                                .extracting(SettingsException.Problem::field)
                                .containsExactly("path"));
            }
        }
    }

    static List<String> fields(Throwable e) {
        return ((SettingsException) e)
                .problems().stream().map(SettingsException.Problem::field).toList();
    }
}
