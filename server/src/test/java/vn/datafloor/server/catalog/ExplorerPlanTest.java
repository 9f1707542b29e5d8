package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import vn.datafloor.server.platform.ProblemException;

/** The statement the explorer builds from a query: typed, bound, and only from the schema's names. */
class ExplorerPlanTest {

    private static final String HOSTILE_NAME = "so \"ca\"; DROP TABLE x; --";

    private static CatalogEntry.Column column(int position, String name, String type, String personal) {
        return new CatalogEntry.Column(
                position, name, type, null, null, null, null, List.of(), null, null, null, personal);
    }

    private static CatalogEntry entry() {
        Instant at = Instant.parse("2026-12-01T00:00:00Z");
        return new CatalogEntry(
                1,
                "thu",
                "thu.du-lieu",
                7,
                "Sở Y tế",
                "STATE_AGENCY",
                "Thử",
                null,
                "Mô tả.",
                null,
                "Phòng",
                "a@b.vn",
                List.of("health"),
                List.of(),
                List.of(),
                LocalDate.of(2020, 1, 1),
                null,
                "annual",
                "cc-by-4.0",
                null,
                "other",
                "open",
                "lý do",
                "NONE",
                null,
                "PUBLISHED",
                at,
                at,
                at,
                List.of(
                        column(1, "ma_tinh", "VARCHAR", "none"),
                        column(2, "so_ca", "BIGINT", "none"),
                        column(3, "ngay", "DATE", "none"),
                        column(4, "co_bao_hiem", "BOOLEAN", "none"),
                        column(5, "ho_ten", "VARCHAR", "name"),
                        new CatalogEntry.Column(
                                6,
                                "so_dien_thoai",
                                "VARCHAR",
                                null,
                                null,
                                null,
                                null,
                                List.of(),
                                "phone",
                                0.9,
                                "x",
                                null),
                        column(7, HOSTILE_NAME, "BIGINT", "none")),
                new CatalogEntry.LatestVersion(1, at, 10, null),
                null);
    }

    private final DatasetExplorer explorer = new DatasetExplorer(null, 1000, Duration.ofSeconds(5));

    private static ExploreQuery query(String... params) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.computeIfAbsent(params[i], k -> new ArrayList<>()).add(params[i + 1]);
        }
        return ExploreQuery.parse(map);
    }

    private DatasetExplorer.Plan plan(String... params) {
        return explorer.plan(entry(), query(params));
    }

    private ProblemException refusal(String... params) {
        try {
            plan(params);
        } catch (ProblemException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void valuesAreBoundTypedAndNeverWrittenIntoTheStatement() {
        DatasetExplorer.Plan plan = plan(
                "c1",
                "so_ca",
                "o1",
                "range",
                "v1",
                "10",
                "t1",
                "99",
                "c2",
                "ngay",
                "o2",
                "eq",
                "v2",
                "2024-02-29",
                "c3",
                "ma_tinh",
                "o3",
                "contains",
                "v3",
                "'; DROP TABLE x; --",
                "group",
                "ma_tinh",
                "agg",
                "mean",
                "measure",
                "so_ca");
        String sql = plan.sql("read_parquet(['/lake/v1.parquet'])");
        assertThat(sql)
                .doesNotContain("DROP", "2024", "99")
                .contains("\"so_ca\" >= ?", "\"ngay\" = ?", "avg(\"so_ca\")");
        assertThat(plan.parameters())
                .containsExactly(1000L, 10L, 99L, java.sql.Date.valueOf("2024-02-29"), "'; DROP TABLE x; --");
        // The row limit is a parameter too, and the groups are capped.
        assertThat(sql).contains("LIMIT ?) AS scanned").endsWith("LIMIT " + (DatasetExplorer.MAX_GROUPS + 1));
    }

    @Test
    void aSchemaColumnWithAHostileNameIsQuotedAsOneIdentifier() {
        DatasetExplorer.Plan plan = plan("group", HOSTILE_NAME, "agg", "sum", "measure", HOSTILE_NAME);
        assertThat(plan.sql("T")).contains("\"so \"\"ca\"\"; DROP TABLE x; --\"");
    }

    @Test
    void typesDecideWhatEachOperatorAccepts() {
        assertThat(refusal("c1", "so_ca", "o1", "contains", "v1", "1").messageKey())
                .isEqualTo("explorer.containsNeedsText");
        assertThat(refusal("c1", "co_bao_hiem", "o1", "range", "v1", "1").messageKey())
                .isEqualTo("explorer.rangeNeedsOrder");
        ProblemException badValue = refusal("c1", "so_ca", "v1", "hai nghìn");
        assertThat(badValue.messageKey()).isEqualTo("explorer.badValue");
        assertThat(badValue.getMessage()).doesNotContain("hai nghìn");
        assertThat(refusal("c1", "ngay", "v1", "31/02/2024").messageKey()).isEqualTo("explorer.badValue");
        assertThat(refusal("agg", "sum", "measure", "ngay").messageKey()).isEqualTo("explorer.measureNeedsNumber");
        assertThat(refusal("agg", "mean").messageKey()).isEqualTo("explorer.measureMissing");
        // Text holding numbers (as uploads keep them): numbers or dates as bounds, else refused.
        assertThat(plan("c1", "ma_tinh", "o1", "range", "v1", "1", "t1", "20").sql("T"))
                .contains("TRY_CAST(\"ma_tinh\" AS DOUBLE) >= ?");
        assertThat(plan("c1", "ma_tinh", "o1", "range", "v1", "2024-01-01").sql("T"))
                .contains("TRY_CAST(\"ma_tinh\" AS DATE) >= ?");
        assertThat(refusal("c1", "ma_tinh", "o1", "range", "v1", "a", "t1", "z").messageKey())
                .isEqualTo("explorer.rangeNeedsOrder");
        assertThat(plan("agg", "sum", "measure", "ma_tinh").sql("T")).contains("sum(TRY_CAST(\"ma_tinh\" AS DOUBLE))");
    }

    @Test
    void unknownColumnsAreRefusedAndPersonalOnesForbidden() {
        for (String name : List.of("MA_TINH", "ma_tinh\" OR 1=1 --", "*", "so_ca)", "")) {
            if (name.isEmpty()) {
                continue;
            }
            ProblemException e = refusal("group", name);
            assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(e.messageKey()).isEqualTo("explorer.unknownColumn");
            assertThat(e.getMessage()).doesNotContain("OR 1=1");
        }
        // Confirmed personal, and proposed but not yet decided: both refused, and neither offered.
        for (String name : List.of("ho_ten", "so_dien_thoai")) {
            assertThat(refusal("group", name).status()).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(refusal("c1", name, "v1", "x").messageKey()).isEqualTo("explorer.personalColumn");
        }
        assertThat(explorer.columns(entry()).stream().map(DatasetExplorer.ExplorableColumn::name))
                .doesNotContain("ho_ten", "so_dien_thoai")
                .contains("ma_tinh", "so_ca");
    }
}
