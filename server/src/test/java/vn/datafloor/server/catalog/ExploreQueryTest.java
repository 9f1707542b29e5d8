package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.datafloor.server.platform.ProblemException;

/** The explorer's state in the query string, and the province tiles: pure functions, no server. */
class ExploreQueryTest {

    /** The query string split as a servlet container splits it. */
    private static Map<String, List<String>> params(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            params.computeIfAbsent(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    @Test
    void aQueryRoundTripsThroughItsQueryString() {
        ExploreQuery query = new ExploreQuery(
                List.of(
                        new ExploreQuery.Filter(
                                "tên & tỉnh", ExploreQuery.Operator.CONTAINS, "Hồ Chí Minh = 100%", null),
                        new ExploreQuery.Filter("so_ca", ExploreQuery.Operator.RANGE, null, "40"),
                        new ExploreQuery.Filter("nam", ExploreQuery.Operator.EQ, "2024", null)),
                "ma_tinh",
                ExploreQuery.Aggregate.MEAN,
                "so_ca",
                ExploreQuery.Chart.MAP);
        String link = query.toQueryString();
        assertThat(link).doesNotContain(" ", "Hồ");
        assertThat(ExploreQuery.parse(params(link))).isEqualTo(query);
        assertThat(ExploreQuery.parse(params(ExploreQuery.everything().toQueryString())))
                .isEqualTo(ExploreQuery.everything());
    }

    @Test
    void emptyFormRowsAreSkippedAndBadChoicesRefused() {
        ExploreQuery query =
                ExploreQuery.parse(params("c1=&o1=eq&v1=&c2=nam&o2=eq&v2=&c3=nam&v3=2024&group=&agg=count"));
        assertThat(query.filters())
                .containsExactly(new ExploreQuery.Filter("nam", ExploreQuery.Operator.EQ, "2024", null));
        assertThat(query.group()).isNull();
        assertThat(query.measure()).isNull();
        assertThatThrownBy(() -> ExploreQuery.parse(params("agg=median")))
                .isInstanceOf(ProblemException.class)
                .hasMessageNotContaining("median");
        assertThatThrownBy(() -> ExploreQuery.parse(params("c1=nam&v1=" + "9".repeat(201))))
                .isInstanceOf(ProblemException.class);
        StringBuilder six = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            six.append("&c").append(i).append("=nam&v").append(i).append("=1");
        }
        assertThatThrownBy(() -> ExploreQuery.parse(params(six.substring(1)))).isInstanceOf(ProblemException.class);
    }

    @Test
    void theTileMapPlacesEachOfThe34ProvincesOnItsOwnSquare() {
        assertThat(ProvinceTiles.tiles()).hasSize(34);
        assertThat(ProvinceTiles.tiles().stream()
                        .map(t -> t.column() + "," + t.row())
                        .distinct())
                .hasSize(34);
        assertThat(ProvinceTiles.tiles())
                .allSatisfy(t -> assertThat(t.column()).isBetween(0, ProvinceTiles.COLUMNS - 1))
                .allSatisfy(t -> assertThat(t.row()).isBetween(0, ProvinceTiles.ROWS - 1));
        // North above south: Hà Nội above Huế above Hồ Chí Minh above Cà Mau.
        Map<String, Integer> row = new LinkedHashMap<>();
        ProvinceTiles.tiles().forEach(t -> row.put(t.code(), t.row()));
        assertThat(row.get("01")).isLessThan(row.get("46"));
        assertThat(row.get("46")).isLessThan(row.get("79"));
        assertThat(row.get("79")).isLessThan(row.get("96"));
    }

    @Test
    void provinceCodesAndNamesAreRecognisedHoweverWritten() {
        assertThat(ProvinceTiles.codeOf("1")).contains("01");
        assertThat(ProvinceTiles.codeOf("001")).contains("01");
        assertThat(ProvinceTiles.codeOf("79")).contains("79");
        assertThat(ProvinceTiles.codeOf("TP. Hồ Chí Minh")).contains("79");
        assertThat(ProvinceTiles.codeOf("thanh pho ho chi minh")).contains("79");
        assertThat(ProvinceTiles.codeOf("Tỉnh Thanh Hóa")).contains("38");
        assertThat(ProvinceTiles.codeOf("Thanh Hoá")).contains("38");
        assertThat(ProvinceTiles.codeOf("ĐẮK LẮK")).contains("66");
        assertThat(ProvinceTiles.codeOf("Thừa Thiên Huế")).contains("46");
        // Merged away in 2025, or no province at all.
        assertThat(ProvinceTiles.codeOf("02")).isEmpty();
        assertThat(ProvinceTiles.codeOf("Hà Giang")).isEmpty();
        assertThat(ProvinceTiles.codeOf("dot mot")).isEmpty();
        assertThat(ProvinceTiles.codeOf(null)).isEmpty();
    }

    @Test
    void theMapColoursByValueAndMergesTwoSpellingsOfOneProvince() {
        List<DatasetExplorer.Group> groups = List.of(
                new DatasetExplorer.Group("79", 2, 300.0, "79"),
                new DatasetExplorer.Group("TP. Hồ Chí Minh", 1, 100.0, "79"),
                new DatasetExplorer.Group("Hà Nội", 1, 0.0, "01"),
                new DatasetExplorer.Group("không rõ", 1, 5.0, null));
        ExplorerCharts.TileMap map = ExplorerCharts.provinceMap(groups, "(trống)");
        assertThat(map.tiles()).hasSize(34);
        Map<String, ExplorerCharts.MapTile> byCode = new LinkedHashMap<>();
        map.tiles().forEach(t -> byCode.put(t.code(), t));
        assertThat(byCode.get("79").value()).isEqualTo(400.0);
        assertThat(byCode.get("79").shade()).isEqualTo(4);
        assertThat(byCode.get("01").shade()).isZero();
        assertThat(byCode.get("04").shade()).isEqualTo(-1);
        assertThat(map.legend()).hasSize(5);
        assertThat(map.unplaced()).containsExactly("không rõ");
        // Means of two spellings of one province cannot be added: such groups are not mappable.
        assertThat(DatasetExplorer.mappable(groups, ExploreQuery.Aggregate.SUM)).isFalse(); // 3 of 4 placed
        List<DatasetExplorer.Group> twoSpellings = groups.subList(0, 3);
        assertThat(DatasetExplorer.mappable(twoSpellings, ExploreQuery.Aggregate.SUM))
                .isTrue();
        assertThat(DatasetExplorer.mappable(twoSpellings, ExploreQuery.Aggregate.MEAN))
                .isFalse();
    }
}
