package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SchemaOrgDatasetTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant PUBLISHED = Instant.parse("2026-03-01T08:00:00Z");
    private static final Instant VERSION = Instant.parse("2026-03-05T09:30:00Z");

    private static CatalogEntry entry(String titleVi, String sharing, String licence) {
        List<CatalogEntry.Column> columns = List.of(
                new CatalogEntry.Column(
                        1, "gtin", "VARCHAR", "Mã GTIN", "GTIN", null, null, List.of(), null, null, null, null),
                new CatalogEntry.Column(
                        2, "gia", "BIGINT", "Giá niêm yết", null, "VND", null, List.of(), null, null, null, "none"));
        return new CatalogEntry(
                1,
                "qltt-san-pham",
                "qltt.san-pham",
                7,
                "Cục Quản lý thị trường",
                "STATE_AGENCY",
                titleVi,
                "Products & prices",
                "Sản phẩm đã công bố chất lượng.",
                "Declared products.",
                "Phòng Thông tin thị trường",
                "dulieu@qltt.gov.vn",
                List.of("trade"),
                List.of("sản phẩm", "GTIN"),
                List.of("01", "00004"),
                LocalDate.of(2020, 1, 1),
                LocalDate.of(2025, 12, 31),
                "monthly",
                licence,
                null,
                "other",
                sharing,
                "reason",
                "NONE",
                null,
                "PUBLISHED",
                PUBLISHED,
                PUBLISHED.minusSeconds(3600),
                PUBLISHED,
                columns,
                new CatalogEntry.LatestVersion(4, VERSION, 1200, 98.5),
                null);
    }

    @Test
    void describesAnOpenDataset() {
        JsonNode json = JSON.readTree(
                SchemaOrgDataset.jsonLd(entry("Danh mục sản phẩm", "open", "cc-by-4.0"), "https://data.example.vn/"));
        assertThat(json.get("@context").asString()).isEqualTo("https://schema.org");
        assertThat(json.get("@type").asString()).isEqualTo("Dataset");
        assertThat(json.get("name").asString()).isEqualTo("Danh mục sản phẩm");
        assertThat(json.get("alternateName").asString()).isEqualTo("Products & prices");
        assertThat(json.get("description").asString()).isEqualTo("Sản phẩm đã công bố chất lượng.");
        assertThat(json.get("url").asString()).isEqualTo("https://data.example.vn/catalog/datasets/qltt-san-pham");
        assertThat(json.get("identifier").asString()).isEqualTo("qltt-san-pham");
        assertThat(json.get("keywords").valueStream().map(JsonNode::asString)).containsExactly("sản phẩm", "GTIN");
        assertThat(json.get("license").asString()).isEqualTo("https://creativecommons.org/licenses/by/4.0/");
        assertThat(json.get("creator").get("@type").asString()).isEqualTo("Organization");
        assertThat(json.get("publisher").get("name").asString()).isEqualTo("Cục Quản lý thị trường");
        assertThat(json.get("spatialCoverage")
                        .valueStream()
                        .map(p -> p.get("name").asString()))
                .containsExactly("Hà Nội", "Ba Đình, Hà Nội");
        assertThat(json.get("temporalCoverage").asString()).isEqualTo("2020-01-01/2025-12-31");
        assertThat(json.get("dateModified").asString()).isEqualTo("2026-03-05T09:30:00Z");
        assertThat(json.get("isAccessibleForFree").asBoolean()).isTrue();
        assertThat(json.get("inLanguage").asString()).isEqualTo("vi");
        assertThat(json.get("distribution")
                        .valueStream()
                        .map(d -> d.get("encodingFormat").asString()))
                .containsExactly("text/csv", "application/vnd.apache.parquet", "application/json");
        assertThat(json.get("distribution").get(0).get("contentUrl").asString())
                .isEqualTo("https://data.example.vn/catalog/datasets/qltt-san-pham/download?format=csv");
        assertThat(json.get("variableMeasured")
                        .valueStream()
                        .map(v -> v.get("name").asString()))
                .containsExactly("gtin", "gia");
        assertThat(json.get("variableMeasured").get(1).get("unitText").asString())
                .isEqualTo("VND");
    }

    @Test
    void sharedDataHasNoDownloadsAndIsNotFree() {
        JsonNode json = JSON.readTree(
                SchemaOrgDataset.jsonLd(entry("Sản phẩm", "shared", "restricted"), "https://data.example.vn"));
        assertThat(json.get("isAccessibleForFree").asBoolean()).isFalse();
        assertThat(json.has("distribution")).isFalse();
        assertThat(json.get("license").asString()).isEqualTo("https://datafloor.vn/licences/restricted");
    }

    @Test
    void cannotCloseTheScriptElementItSitsIn() {
        String title = "</script><script>alert(1)</script>";
        String text = SchemaOrgDataset.jsonLd(entry(title, "open", "cc-by-4.0"), "https://data.example.vn");
        assertThat(text)
                .doesNotContain("<")
                .doesNotContain(">")
                .doesNotContain("&")
                .contains(
                        "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
                        "Products \\u0026 prices");
        JsonNode json = JSON.readTree(text);
        assertThat(json.get("name").asString()).isEqualTo(title);
        assertThat(json.get("alternateName").asString()).isEqualTo("Products & prices");
    }

    @Test
    void escapesOnlyWhatNeedsIt() {
        assertThat(SchemaOrgDataset.scriptSafe("{\"a\":\"x<y>z&w\\\\<\u2028\"}"))
                .isEqualTo("{\"a\":\"x\\u003cy\\u003ez\\u0026w\\\\\\u003c\\u2028\"}");
    }
}
