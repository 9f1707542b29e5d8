package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;

/** The explorer of open data (issue 15): filters, groups, aggregates, charts, and what it refuses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplorerTest extends PlatformTest {

    static final String SLUG = "yte-ca-benh-theo-tinh";

    /** Cases by province and year: codes in one column, names (written several ways) in another. */
    static final String CASES_CSV = """
            ma_tinh,ten_tinh,nam,so_ca,ghi_chu
            01,Hà Nội,2023,120,dot mot
            01,Hà Nội,2024,150,dot hai
            79,TP. Hồ Chí Minh,2023,300,dot mot
            79,Thành phố Hồ Chí Minh,2024,340,dot hai
            46,Huế,2023,40,dot mot
            48,Đà Nẵng,2024,90,dot hai
            96,Cà Mau,2024,25,dot hai
            42,Hà Tĩnh,2023,60,dot mot
            """;

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DatasetExplorer explorer;

    @BeforeAll
    void publishAnOpenDataset() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult uploaded = mvc.perform(multipart("/api/catalog/uploads")
                        .file(new MockMultipartFile(
                                "file", "ca-benh.csv", "text/csv", CASES_CSV.getBytes(StandardCharsets.UTF_8)))
                        .param("dataset", "yte.ca-benh-theo-tinh")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(uploaded.getResponse().getStatus()).as(text(uploaded)).isEqualTo(201);
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("titleVi", "Số ca bệnh theo tỉnh");
        description.put("titleEn", "Cases by province");
        description.put(
                "descriptionVi", "Số ca bệnh được báo cáo theo tỉnh, thành phố và năm, dùng để thử phần khám phá.");
        description.put("contactName", "Phòng Thống kê");
        description.put("contactEmail", "thongke@yte.gov.vn");
        description.put("themes", List.of("health"));
        description.put("keywords", List.of("ca bệnh"));
        description.put("spatial", List.of());
        description.put("temporalStart", "2023-01-01");
        description.put("frequency", "annual");
        description.put("licence", "cc-by-4.0");
        assertThat(status(putJson(steward, "/api/catalog/datasets/" + SLUG, description)))
                .isEqualTo(200);
        Map<String, String> none = new LinkedHashMap<>();
        for (String column : List.of("ma_tinh", "ten_tinh", "nam", "so_ca", "ghi_chu")) {
            none.put(column, "none");
        }
        assertThat(status(putJson(steward, "/api/catalog/datasets/" + SLUG + "/personal-data", none)))
                .isEqualTo(200);
        assertThat(status(putJson(
                        steward,
                        "/api/catalog/datasets/" + SLUG + "/classification",
                        Map.of(
                                "importance",
                                "other",
                                "sharing",
                                "open",
                                "reason",
                                "Số liệu tổng hợp, không có cá nhân"))))
                .isEqualTo(200);
        MvcResult published = mvc.perform(post("/api/catalog/datasets/" + SLUG + "/publication")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(published.getResponse().getStatus()).as(text(published)).isEqualTo(200);
    }

    private MvcResult putJson(MockHttpSession session, String url, Object body) throws Exception {
        return mvc.perform(put(url).session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(body)))
                .andReturn();
    }

    private static int status(MvcResult result) {
        return result.getResponse().getStatus();
    }

    private static String text(MvcResult result) throws Exception {
        return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> api(String... params) throws Exception {
        MvcResult result = mvc.perform(withParams(get("/api/catalog/datasets/" + SLUG + "/explore"), params))
                .andReturn();
        assertThat(status(result)).as(text(result)).isEqualTo(200);
        return json.readValue(text(result), Map.class);
    }

    private static MockHttpServletRequestBuilder withParams(MockHttpServletRequestBuilder request, String... params) {
        for (int i = 0; i < params.length; i += 2) {
            request.param(params[i], params[i + 1]);
        }
        return request;
    }

    /** Group key → aggregate value, from the JSON answer. */
    @SuppressWarnings("unchecked")
    private static Map<String, Double> values(Map<String, Object> answer) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) answer.get("groups")) {
            values.put((String) g.get("key"), ((Number) g.get("value")).doubleValue());
        }
        return values;
    }

    /** Province code → aggregate value, from the JSON answer (the key is as stored: "01" or 1). */
    @SuppressWarnings("unchecked")
    private static Map<String, Double> byProvince(Map<String, Object> answer) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) answer.get("groups")) {
            values.put((String) g.get("province"), ((Number) g.get("value")).doubleValue());
        }
        return values;
    }

    @Test
    void filtersGroupsAndAggregatesGiveTheRightNumbers() throws Exception {
        assertThat(api().get("matchedRows")).isEqualTo(8);
        assertThat(api().get("rowsScanned")).isEqualTo(8);
        // = on a number, typed as the column.
        assertThat(api("c1", "nam", "o1", "eq", "v1", "2023").get("matchedRows"))
                .isEqualTo(4);
        // contains ignores case and marks: "HA NOI" finds Hà Nội's two rows, "tĩnh" Hà Tĩnh's one.
        assertThat(api("c1", "ten_tinh", "o1", "contains", "v1", "HA NOI").get("matchedRows"))
                .isEqualTo(2);
        assertThat(api("c1", "ten_tinh", "o1", "contains", "v1", "tĩnh").get("matchedRows"))
                .isEqualTo(1);
        // range, bounds inclusive, either optional.
        assertThat(api("c1", "so_ca", "o1", "range", "v1", "60", "t1", "150").get("matchedRows"))
                .isEqualTo(4);
        assertThat(api("c1", "so_ca", "o1", "range", "t1", "40").get("matchedRows"))
                .isEqualTo(2);
        // Filters combine.
        assertThat(api("c1", "nam", "o1", "eq", "v1", "2024", "c2", "so_ca", "o2", "range", "v2", "100")
                        .get("matchedRows"))
                .isEqualTo(2);
        // Group and sum, largest first.
        Map<String, Object> sums = api("group", "ma_tinh", "agg", "sum", "measure", "so_ca");
        assertThat(sums.get("groupCount")).isEqualTo(6);
        assertThat(byProvince(sums))
                .containsEntry("79", 640.0)
                .containsEntry("01", 270.0)
                .containsEntry("96", 25.0);
        assertThat(byProvince(sums).keySet()).first().isEqualTo("79");
        // Mean by year, in the year's order for a line.
        Map<String, Object> means = api("group", "nam", "agg", "mean", "measure", "so_ca", "chart", "line");
        assertThat(values(means)).containsExactly(Map.entry("2023", 130.0), Map.entry("2024", 151.25));
        // Counts per group; no match is an empty answer, not an error.
        assertThat(values(api("group", "ghi_chu")))
                .containsEntry("dot mot", 4.0)
                .containsEntry("dot hai", 4.0);
        assertThat(api("group", "ghi_chu", "c1", "nam", "o1", "eq", "v1", "1999")
                        .get("groups"))
                .asList()
                .isEmpty();
    }

    @Test
    void badQueriesAreRefusedWithClearProblems() throws Exception {
        MvcResult range = mvc.perform(get("/api/catalog/datasets/" + SLUG + "/explore")
                        .param("c1", "nam")
                        .param("o1", "range")
                        .param("v1", "hai nghìn"))
                .andReturn();
        assertThat(status(range)).isEqualTo(400);
        assertThat(range.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(text(range)).contains("explorer-rangeNeedsOrder").doesNotContain("hai nghìn");
        assertThat(status(mvc.perform(get("/api/catalog/datasets/" + SLUG + "/explore")
                                .param("agg", "median"))
                        .andReturn()))
                .isEqualTo(400);
        assertThat(status(mvc.perform(get("/api/catalog/datasets/" + SLUG + "/explore")
                                .param("agg", "sum"))
                        .andReturn()))
                .isEqualTo(400);
        // The page keeps the form and says what is wrong, in Vietnamese.
        MvcResult page = mvc.perform(get("/catalog/datasets/" + SLUG + "/explore")
                        .param("c1", "nam")
                        .param("o1", "range")
                        .param("v1", "hai nghìn"))
                .andReturn();
        assertThat(status(page)).isEqualTo(400);
        assertThat(text(page)).contains("id=\"explore-problem\"", "Lọc theo khoảng cần cột số", "id=\"explore-form\"");
    }

    @Test
    void hostileColumnNamesAreRefusedAndHostileValuesAreOnlyEverBound() throws Exception {
        for (String column : List.of(
                "nam\" = 1 OR \"nam", "nam; DROP TABLE x", "* FROM read_csv('/etc/passwd') --", "NAM", " nam2")) {
            MvcResult refused = mvc.perform(get("/api/catalog/datasets/" + SLUG + "/explore")
                            .param("c1", column)
                            .param("v1", "1"))
                    .andReturn();
            assertThat(status(refused)).as(column).isEqualTo(400);
            assertThat(text(refused)).contains("explorer-unknownColumn").doesNotContain("passwd", "DROP");
            assertThat(status(mvc.perform(get("/api/catalog/datasets/" + SLUG + "/explore")
                                    .param("group", column))
                            .andReturn()))
                    .isEqualTo(400);
        }
        String hostile = "x' OR '1'='1'; SELECT * FROM read_csv('/etc/passwd') --";
        assertThat(api("c1", "ten_tinh", "o1", "eq", "v1", hostile).get("matchedRows"))
                .isEqualTo(0);
        assertThat(api("c1", "ten_tinh", "o1", "contains", "v1", hostile).get("matchedRows"))
                .isEqualTo(0);
        // The statement holds constants and the schema's names only; the value is a parameter.
        CatalogEntry entry = explorer.openEntry(null, SLUG);
        DatasetExplorer.Plan plan = explorer.plan(
                entry,
                ExploreQuery.parse(Map.of(
                        "c1",
                        List.of("ten_tinh"),
                        "o1",
                        List.of("contains"),
                        "v1",
                        List.of(hostile),
                        "group",
                        List.of("ma_tinh"))));
        assertThat(plan.sql("T")).doesNotContain("passwd", "'1'='1'").contains("\"ten_tinh\"", "\"ma_tinh\"");
        assertThat(plan.parameters()).contains(hostile);
    }

    @Test
    void onlyOpenDataIsExploredAndPersonalColumnsAreRefused() throws Exception {
        // Shared data: described publicly, never explored.
        assertThat(status(mvc.perform(get("/api/catalog/datasets/dkkd-doanh-nghiep/explore"))
                        .andReturn()))
                .isEqualTo(403);
        assertThat(status(mvc.perform(get("/catalog/datasets/dkkd-doanh-nghiep/explore"))
                        .andReturn()))
                .isEqualTo(403);
        // Not even its owner's staff explore it here.
        assertThat(status(mvc.perform(get("/api/catalog/datasets/dkkd-doanh-nghiep/explore")
                                .session(login("dkkd.dulieu")))
                        .andReturn()))
                .isEqualTo(403);
        // Invisible (draft or private): 404, as everywhere in the catalog.
        assertThat(status(mvc.perform(get("/api/catalog/datasets/y-te-benh-nhan/explore"))
                        .andReturn()))
                .isEqualTo(404);
        // The shared dataset's page offers no explorer; the open one's does.
        assertThat(text(mvc.perform(get("/catalog/datasets/dkkd-doanh-nghiep")).andReturn()))
                .doesNotContain("id=\"open-explorer\"");
        assertThat(text(mvc.perform(get("/catalog/datasets/" + SLUG)).andReturn()))
                .contains("id=\"open-explorer\"");

        // A column tagged personal (here: a steward's later decision) is neither offered nor accepted.
        long id = jdbc.sql("select id from catalog_dataset where slug = ?")
                .param(SLUG)
                .query(Long.class)
                .single();
        jdbc.sql("update catalog_column set personal_category = 'health' where dataset_id = ? and name = 'ghi_chu'")
                .param(id)
                .update();
        try {
            for (String[] params : List.of(
                    new String[] {"group", "ghi_chu"},
                    new String[] {"c1", "ghi_chu", "v1", "dot mot"},
                    new String[] {"agg", "sum", "measure", "ghi_chu"})) {
                MvcResult refused = mvc.perform(withParams(get("/api/catalog/datasets/" + SLUG + "/explore"), params))
                        .andReturn();
                assertThat(status(refused)).isEqualTo(403);
                assertThat(text(refused)).contains("explorer-personalColumn").doesNotContain("dot mot");
            }
            String page = text(
                    mvc.perform(get("/catalog/datasets/" + SLUG + "/explore")).andReturn());
            assertThat(page).contains("value=\"so_ca\"").doesNotContain("value=\"ghi_chu\"");
        } finally {
            jdbc.sql("update catalog_column set personal_category = 'none' where dataset_id = ? and name = 'ghi_chu'")
                    .param(id)
                    .update();
        }
    }

    @Test
    void provinceCodesAndNamesAreDrawnOnATileMapOf34Provinces() throws Exception {
        for (String column : List.of("ma_tinh", "ten_tinh")) {
            MvcResult result = mvc.perform(get("/catalog/datasets/" + SLUG + "/explore")
                            .param("group", column)
                            .param("agg", "sum")
                            .param("measure", "so_ca")
                            .param("chart", "map"))
                    .andReturn();
            assertThat(status(result)).isEqualTo(200);
            String page = text(result);
            assertThat(page).doesNotContain("??").contains("id=\"chart-map\"", "id=\"map-legend\"");
            Matcher tiles = Pattern.compile("class=\"province shade-[^\"]+\" id=\"province-(\\d\\d)\"")
                    .matcher(page);
            java.util.Set<String> codes = new java.util.TreeSet<>();
            while (tiles.find()) {
                codes.add(tiles.group(1));
            }
            assertThat(codes).as(column).hasSize(34).contains("01", "79", "96", "46");
            // Hồ Chí Minh, written two ways, is one tile with the largest value; provinces without data are grey.
            assertThat(page)
                    .contains("class=\"province shade-4\" id=\"province-79\"")
                    .contains("class=\"province shade-none\" id=\"province-04\"")
                    .doesNotContain("id=\"map-unplaced\"");
        }
        // A column of other values offers no map, and asking for one draws bars with a note.
        String years = text(mvc.perform(get("/catalog/datasets/" + SLUG + "/explore")
                        .param("group", "ghi_chu")
                        .param("chart", "map"))
                .andReturn());
        assertThat(years)
                .contains("id=\"explore-not-mappable\"", "id=\"chart-bars\"")
                .doesNotContain("id=\"chart-map\"");
        assertThat(api("group", "ghi_chu").get("mappable")).isEqualTo(false);
        assertThat(api("group", "ma_tinh").get("mappable")).isEqualTo(true);
    }

    @Test
    void theShareableLinkReproducesTheSameAnswer() throws Exception {
        String page = text(mvc.perform(get("/catalog/datasets/" + SLUG + "/explore")
                        .param("c1", "ten_tinh")
                        .param("o1", "contains")
                        .param("v1", "hồ chí")
                        .param("group", "nam")
                        .param("agg", "sum")
                        .param("measure", "so_ca")
                        .param("chart", "line"))
                .andReturn());
        assertThat(page).contains("id=\"chart-line\"", "id=\"explore-table\"").doesNotContain("??");
        Matcher share = Pattern.compile("id=\"share-link\">[^<]*?(/catalog/datasets/[^<]+)<")
                .matcher(page);
        assertThat(share.find()).isTrue();
        String link = org.springframework.web.util.HtmlUtils.htmlUnescape(share.group(1));
        // The link's query string is the query: parsed back, it is the same, and it gives the same page.
        String query = link.substring(link.indexOf('?') + 1);
        ExploreQuery parsed =
                ExploreQuery.parse(org.springframework.web.util.UriComponentsBuilder.fromUriString("/x?" + query)
                        .build(true)
                        .getQueryParams()
                        .entrySet()
                        .stream()
                        .collect(java.util.stream.Collectors.toMap(
                                Map.Entry::getKey,
                                e -> e.getValue().stream()
                                        .map(v -> java.net.URLDecoder.decode(v, StandardCharsets.UTF_8))
                                        .toList())));
        assertThat(parsed.filters())
                .containsExactly(new ExploreQuery.Filter("ten_tinh", ExploreQuery.Operator.CONTAINS, "hồ chí", null));
        assertThat(parsed.group()).isEqualTo("nam");
        assertThat(parsed.aggregate()).isEqualTo(ExploreQuery.Aggregate.SUM);
        assertThat(parsed.chart()).isEqualTo(ExploreQuery.Chart.LINE);
        String again = text(mvc.perform(get(java.net.URI.create(link))).andReturn());
        assertThat(again)
                .contains("id=\"chart-line\"")
                .contains(page.substring(
                        page.indexOf("id=\"explore-table\""),
                        page.indexOf("</table>", page.indexOf("id=\"explore-table\""))));
        // Only the two Hồ Chí Minh rows, one per year.
        assertThat(values(api(
                        "c1",
                        "ten_tinh",
                        "o1",
                        "contains",
                        "v1",
                        "hồ chí",
                        "group",
                        "nam",
                        "agg",
                        "sum",
                        "measure",
                        "so_ca",
                        "chart",
                        "line")))
                .containsExactly(Map.entry("2023", 300.0), Map.entry("2024", 340.0));
    }
}
