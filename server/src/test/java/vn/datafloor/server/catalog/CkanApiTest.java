package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;

/**
 * The CKAN action API as ckanapi, harvesters and the CKAN JavaScript client use it, against the demo
 * world. The demo's entries start as drafts; this test publishes an open and a shared dataset, and
 * also a private and a core one that the API must never show, whoever asks.
 */
class CkanApiTest extends PlatformTest {

    private static final String API = "/api/3/action/";
    /** On both public datasets, and on nothing else in the demo. */
    private static final String KEYWORD = "ckan-kiem-thu";
    /** Only on the private dataset. */
    private static final String PRIVATE_KEYWORD = "ckan-chi-rieng-tu";

    private static final List<String> DEMO_DATASETS = List.of(
            "ho-tich.cong-dan",
            "thue.nguoi-nop-thue",
            "bhxh.nguoi-tham-gia",
            "y-te.benh-nhan",
            "dkkd.doanh-nghiep",
            "qltt.san-pham");

    private static CatalogEntry open;
    private static CatalogEntry shared;
    private static CatalogEntry privateEntry;
    private static CatalogEntry coreEntry;
    /** Between the open dataset's last change and the shared one's. */
    private static Instant between;

    @Autowired
    CatalogService catalog;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void publishDatasets() {
        if (open != null) {
            return;
        }
        clock.advance(Duration.ofMinutes(1));
        open = describe(
                "qltt.san-pham",
                "Sản phẩm công bố lưu thông trên thị trường",
                "Products on the market",
                List.of("trade"),
                List.of("sản phẩm", "GTIN", KEYWORD),
                "other",
                "open",
                "cc-by-4.0",
                true,
                false);
        clock.advance(Duration.ofSeconds(30));
        between = clock.instant();
        clock.advance(Duration.ofSeconds(30));
        shared = describe(
                "dkkd.doanh-nghiep",
                "Đăng ký doanh nghiệp tỉnh Bắc Ninh",
                null,
                List.of("enterprise", "trade"),
                List.of("doanh nghiệp", KEYWORD),
                "important",
                "shared",
                "restricted",
                false,
                true);
        clock.advance(Duration.ofSeconds(30));
        privateEntry = describe(
                "y-te.benh-nhan",
                "Hồ sơ bệnh nhân Hà Nội",
                null,
                List.of("health"),
                List.of("bệnh nhân", PRIVATE_KEYWORD),
                "important",
                "private",
                "restricted",
                false,
                true);
        coreEntry = describe(
                "thue.nguoi-nop-thue",
                "Người nộp thuế tỉnh Bắc Ninh",
                null,
                List.of("finance"),
                List.of("thuế", PRIVATE_KEYWORD),
                "core",
                "shared",
                "restricted",
                false,
                true);
        assertThat(open.publicMetadata()).isTrue();
        assertThat(shared.publicMetadata()).isTrue();
        assertThat(privateEntry.published()).isTrue();
        assertThat(privateEntry.publicMetadata()).isFalse();
        assertThat(coreEntry.published()).isTrue();
        assertThat(coreEntry.publicMetadata()).isFalse();
    }

    private CatalogEntry describe(
            String dataset,
            String titleVi,
            String titleEn,
            List<String> themes,
            List<String> keywords,
            String importance,
            String sharing,
            String licence,
            boolean noPersonalData,
            boolean reviewed) {
        CatalogEntry entry = catalog.forDataset(dataset).orElseThrow();
        Map<String, String> personal = new HashMap<>();
        if (noPersonalData) {
            entry.columns().stream()
                    .filter(c -> c.proposedCategory() != null)
                    .forEach(c -> personal.put(c.name(), "none"));
        }
        var description = new CatalogService.Description(
                titleVi,
                titleEn,
                "Mô tả " + titleVi + ": dữ liệu thử nghiệm của API CKAN.",
                titleEn == null ? null : "Test data of the CKAN API.",
                "Bộ phận dữ liệu",
                "dulieu@example.gov.vn",
                themes,
                keywords,
                List.of("01", "24"),
                LocalDate.of(2024, 1, 1),
                LocalDate.of(2025, 12, 31),
                "monthly",
                licence,
                null);
        return catalog.describeAtOnce(
                vn.datafloor.server.authz.Actor.SYSTEM,
                dataset,
                description,
                personal,
                new CatalogService.Classification(importance, sharing, "CKAN API test"),
                reviewed ? new CatalogService.Review("APPROVE", null, null, "reviewed for the CKAN API test") : null,
                true);
    }

    // ------------------------------------------------------------------ helpers

    private MvcResult perform(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(MvcResult result) throws Exception {
        return json.readValue(result.getResponse().getContentAsString(StandardCharsets.UTF_8), Map.class);
    }

    /** A successful action's result, after checking CKAN's envelope. */
    private Object ok(MockHttpServletRequestBuilder request) throws Exception {
        MvcResult result = perform(request);
        Map<String, Object> envelope = body(result);
        assertThat(result.getResponse().getStatus()).as(envelope.toString()).isEqualTo(200);
        assertThat(result.getResponse().getContentType()).isEqualTo("application/json;charset=utf-8");
        assertThat(envelope).containsKeys("help", "success", "result").doesNotContainKey("error");
        assertThat(envelope.get("success")).isEqualTo(true);
        return envelope.get("result");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> okMap(MockHttpServletRequestBuilder request) throws Exception {
        return (Map<String, Object>) ok(request);
    }

    @SuppressWarnings("unchecked")
    private List<Object> okList(MockHttpServletRequestBuilder request) throws Exception {
        return (List<Object>) ok(request);
    }

    /** A failed action's error object, after checking the status and envelope. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> error(MockHttpServletRequestBuilder request, int status) throws Exception {
        MvcResult result = perform(request);
        Map<String, Object> envelope = body(result);
        assertThat(result.getResponse().getStatus()).as(envelope.toString()).isEqualTo(status);
        assertThat(result.getResponse().getContentType()).isEqualTo("application/json;charset=utf-8");
        assertThat(envelope.get("success")).isEqualTo(false);
        assertThat(envelope).containsKeys("help", "error").doesNotContainKey("result");
        return (Map<String, Object>) envelope.get("error");
    }

    private static MockHttpServletRequestBuilder action(String name) {
        return get(API + name);
    }

    private static MockHttpServletRequestBuilder postJson(String name, String body) {
        return post(API + name).contentType(MediaType.APPLICATION_JSON).content(body);
    }

    private Map<String, Object> search(String... params) throws Exception {
        MockHttpServletRequestBuilder request = action("package_search");
        for (int i = 0; i < params.length; i += 2) {
            request.param(params[i], params[i + 1]);
        }
        return okMap(request);
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> searchResult) {
        return ((List<Map<String, Object>>) searchResult.get("results"))
                .stream().map(p -> (String) p.get("name")).toList();
    }

    private static long count(Map<String, Object> searchResult) {
        return ((Number) searchResult.get("count")).longValue();
    }

    private List<String> publicNames() {
        return catalog.publicEntries().stream().map(CatalogEntry::slug).sorted().toList();
    }

    private List<CatalogEntry> hidden() {
        Set<String> visible = Set.copyOf(publicNames());
        List<CatalogEntry> hidden = new ArrayList<>();
        for (String dataset : DEMO_DATASETS) {
            catalog.forDataset(dataset).filter(e -> !visible.contains(e.slug())).ifPresent(hidden::add);
        }
        return hidden;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> extras(Map<String, Object> pkg) {
        Map<String, String> extras = new LinkedHashMap<>();
        ((List<Map<String, Object>>) pkg.get("extras"))
                .forEach(e -> extras.put((String) e.get("key"), (String) e.get("value")));
        return extras;
    }

    // ------------------------------------------------------------------ site

    @Test
    void theApiRootGivesItsVersion() throws Exception {
        MvcResult result = perform(get("/api/3"));
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        assertThat(body(result)).isEqualTo(Map.of("version", 3));
    }

    @Test
    void statusShowDescribesTheSiteByGetAndPost() throws Exception {
        Map<String, Object> status = okMap(action("status_show"));
        assertThat(status.get("ckan_version")).isEqualTo("2.10.0");
        assertThat(status.get("site_title")).isEqualTo("Datafloor");
        assertThat((String) status.get("site_url")).startsWith("http");
        assertThat(status.get("locale_default")).isEqualTo("vi");
        assertThat(status.get("extensions")).isEqualTo(List.of());
        assertThat(status).containsKey("site_description");
        assertThat(okMap(postJson("status_show", "{}"))).isEqualTo(status);
        assertThat(okMap(post(API + "status_show"))).as("POST without a body").isEqualTo(status);
    }

    @Test
    void helpShowAndTheHelpLinkOfEveryAnswer() throws Exception {
        MvcResult result = perform(action("package_list"));
        assertThat((String) body(result).get("help")).endsWith("/api/3/action/help_show?name=package_list");
        assertThat((String) ok(action("help_show").param("name", "package_search")))
                .contains("fq")
                .contains("rows");
        Map<String, Object> unknown = error(action("help_show").param("name", "package_create"), 404);
        assertThat(unknown.get("__type")).isEqualTo("Not Found Error");
    }

    @Test
    void browsersOnOtherSitesMayReadTheApi() throws Exception {
        MvcResult result = perform(action("package_list").header("Origin", "https://portal.example.org"));
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        assertThat(result.getResponse().getHeader("Access-Control-Allow-Origin"))
                .isEqualTo("*");
        assertThat(result.getResponse().getHeader("Access-Control-Allow-Credentials"))
                .isNull();
    }

    // ------------------------------------------------------------------ package_list and package_show

    @Test
    void packageListNamesExactlyThePublicDatasets() throws Exception {
        List<Object> names = okList(action("package_list"));
        assertThat(names).isEqualTo(new ArrayList<>(publicNames()));
        assertThat(names).contains(open.slug(), shared.slug()).doesNotContain(privateEntry.slug(), coreEntry.slug());
        assertThat(okList(action("package_list").param("limit", "1").param("offset", "1")))
                .containsExactly(names.get(1));
        assertThat(okList(get("/api/action/package_list")))
                .as("ckanapi's unversioned path")
                .isEqualTo(names);
        assertThat(okList(postJson("package_list", "{\"limit\": 1}"))).containsExactly(names.get(0));
    }

    @Test
    @SuppressWarnings("unchecked")
    void packageShowGivesTheCkanPackageOfAnOpenDataset() throws Exception {
        Map<String, Object> pkg = okMap(action("package_show").param("id", open.slug()));
        assertThat(pkg.get("name")).isEqualTo(open.slug());
        assertThat(pkg.get("id")).isEqualTo(CkanPackages.packageId(open));
        assertThat((String) pkg.get("id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(pkg.get("title")).isEqualTo("Sản phẩm công bố lưu thông trên thị trường");
        assertThat((String) pkg.get("notes")).startsWith("Mô tả ");
        assertThat(pkg)
                .containsEntry("type", "dataset")
                .containsEntry("state", "active")
                .containsEntry("private", false)
                .containsEntry("license_id", "cc-by-4.0")
                .containsEntry("isopen", true)
                .containsEntry("license_url", "https://creativecommons.org/licenses/by/4.0/")
                .containsEntry("maintainer", "Bộ phận dữ liệu")
                .containsEntry("maintainer_email", "dulieu@example.gov.vn")
                .containsEntry("author", "Cục Quản lý thị trường");
        assertThat((String) pkg.get("metadata_created")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        CatalogEntry current = catalog.forDataset(open.dataset()).orElseThrow();
        assertThat(pkg.get("metadata_modified")).isEqualTo(CkanPackages.time(current.updatedAt()));
        assertThat(pkg.get("metadata_created")).isEqualTo(CkanPackages.time(current.createdAt()));
        assertThat((String) pkg.get("url")).endsWith("/catalog/datasets/" + open.slug());

        Map<String, Object> org = (Map<String, Object>) pkg.get("organization");
        assertThat(org)
                .containsEntry("name", "cuc-quan-ly-thi-truong")
                .containsEntry("title", "Cục Quản lý thị trường")
                .containsEntry("type", "organization")
                .containsEntry("is_organization", true)
                .containsEntry("state", "active")
                .containsEntry("image_url", "");
        assertThat(pkg.get("owner_org")).isEqualTo(org.get("id"));

        List<Map<String, Object>> tags = (List<Map<String, Object>>) pkg.get("tags");
        assertThat(tags).extracting(t -> t.get("name")).containsExactly("sản phẩm", "GTIN", KEYWORD);
        assertThat(tags.get(0))
                .containsEntry("display_name", "sản phẩm")
                .containsEntry("state", "active")
                .containsEntry("vocabulary_id", null)
                .containsKey("id");
        assertThat(pkg.get("num_tags")).isEqualTo(3);
        List<Map<String, Object>> groups = (List<Map<String, Object>>) pkg.get("groups");
        assertThat(groups)
                .singleElement()
                .satisfies(g -> assertThat(g)
                        .containsEntry("name", "trade")
                        .containsEntry("title", "Thương mại")
                        .containsEntry("display_name", "Thương mại")
                        .containsKeys("id", "description", "image_display_url"));

        List<Map<String, Object>> resources = (List<Map<String, Object>>) pkg.get("resources");
        assertThat(resources).extracting(r -> r.get("format")).containsExactly("CSV", "PARQUET", "JSON");
        assertThat(pkg.get("num_resources")).isEqualTo(3);
        Map<String, Object> csv = resources.get(0);
        assertThat((String) csv.get("url")).endsWith("/catalog/datasets/" + open.slug() + "/download?format=csv");
        assertThat(csv)
                .containsEntry("package_id", pkg.get("id"))
                .containsEntry("mimetype", "text/csv")
                .containsEntry("size", null)
                .containsEntry("position", 0)
                .containsEntry("state", "active")
                .containsEntry("url_type", null)
                .containsKeys("id", "name", "description", "created", "last_modified");

        Map<String, String> extras = extras(pkg);
        assertThat(extras)
                .containsEntry("importance", "other")
                .containsEntry("sharing", "open")
                .containsEntry("frequency", "monthly")
                .containsEntry("spatial_text", "01,24")
                .containsEntry("temporal_start", "2024-01-01")
                .containsEntry("temporal_end", "2025-12-31")
                .containsEntry("personal_data", "false")
                .containsEntry("title_en", "Products on the market")
                .doesNotContainKey("spatial");
    }

    @Test
    @SuppressWarnings("unchecked")
    void packageShowFindsASharedDatasetByIdThroughPostJson() throws Exception {
        String id = CkanPackages.packageId(shared);
        Map<String, Object> pkg = okMap(postJson("package_show", "{\"id\": \"" + id + "\"}"));
        assertThat(pkg.get("name")).isEqualTo(shared.slug());
        assertThat(pkg).containsEntry("isopen", false).containsEntry("license_id", "restricted");
        List<Map<String, Object>> resources = (List<Map<String, Object>>) pkg.get("resources");
        assertThat(resources).singleElement().satisfies(r -> {
            assertThat(r.get("format")).isEqualTo("PARQUET");
            assertThat((String) r.get("url"))
                    .as("shared data: the dataset page, not a download")
                    .endsWith("/catalog/datasets/" + shared.slug());
        });
        assertThat(extras(pkg)).containsEntry("importance", "important").containsEntry("sharing", "shared");
        assertThat(((List<Map<String, Object>>) pkg.get("groups")))
                .extracting(g -> g.get("name"))
                .containsExactly("enterprise", "trade");
        assertThat(okMap(action("package_show").param("id", shared.slug())))
                .as("by name: the same package")
                .isEqualTo(pkg);
    }

    @Test
    void packageShowErrorsHaveCkansShape() throws Exception {
        Map<String, Object> missing = error(action("package_show"), 409);
        assertThat(missing).isEqualTo(Map.of("__type", "Validation Error", "name_or_id", List.of("Missing value")));
        assertThat(error(postJson("package_show", "{\"id\": \"\"}"), 409)).isEqualTo(missing);
        assertThat(error(action("package_show").param("id", "khong-co-bo-du-lieu-nay"), 404))
                .isEqualTo(Map.of("__type", "Not Found Error", "message", "Not found"));
    }

    // ------------------------------------------------------------------ what is never shown

    @Test
    void draftsPrivateAndCoreDatasetsAreNeverShown() throws Exception {
        List<CatalogEntry> hidden = hidden();
        assertThat(hidden).extracting(CatalogEntry::slug).contains(privateEntry.slug(), coreEntry.slug());
        List<Object> listed = okList(action("package_list"));
        Map<String, Object> everything = search("q", "*:*", "rows", "1000");
        for (CatalogEntry e : hidden) {
            assertThat(listed).doesNotContain(e.slug());
            assertThat(names(everything)).doesNotContain(e.slug());
            error(action("package_show").param("id", e.slug()), 404);
            error(action("package_show").param("id", CkanPackages.packageId(e)), 404);
            assertThat(count(search("fq", "name:" + e.slug()))).isZero();
            assertThat(names(search("q", e.titleVi(), "rows", "1000"))).doesNotContain(e.slug());
        }
        assertThat(count(search("fq", "tags:" + PRIVATE_KEYWORD))).isZero();
        assertThat(count(search("q", "tags:" + PRIVATE_KEYWORD, "include_private", "true", "include_drafts", "true")))
                .isZero();
        assertThat(okList(action("tag_list"))).doesNotContain(PRIVATE_KEYWORD);
        assertThat(count(search("fq", "sharing:private"))).isZero();
        assertThat(count(search("fq", "importance:core"))).isZero();
        // The private dataset's publisher publishes nothing public (unless another test published something of theirs).
        boolean healthPublishesSomething =
                catalog.publicEntries().stream().anyMatch(e -> e.orgId() == privateEntry.orgId());
        if (!healthPublishesSomething) {
            error(
                    action("organization_show").param("id", CkanPackages.organizationName(privateEntry.publisher())),
                    404);
            assertThat(okList(action("organization_list")))
                    .doesNotContain(CkanPackages.organizationName(privateEntry.publisher()));
        }
    }

    @Test
    void signedInCallersAndKeysSeeWhatAnonymousVisitorsSee() throws Exception {
        List<Object> anonymous = okList(action("package_list"));
        Map<String, Object> anonymousSearch = search("q", "*:*", "rows", "1000");
        for (String user : List.of("admin", "yte.dulieu", "thue.dulieu")) {
            MockHttpSession session = login(user);
            assertThat(okList(action("package_list").session(session))).as(user).isEqualTo(anonymous);
            assertThat(count(
                            okMap(action("package_search").param("rows", "1000").session(session))))
                    .isEqualTo(count(anonymousSearch));
            error(action("package_show").param("id", privateEntry.slug()).session(session), 404);
            error(action("package_show").param("id", coreEntry.slug()).session(session), 404);
        }
        // ckanapi sends its key raw in Authorization (no Bearer): it is not ours to check and changes nothing.
        assertThat(okList(action("package_list").header("Authorization", "0b1c2d3e-ckan-style-key")))
                .isEqualTo(anonymous);
    }

    // ------------------------------------------------------------------ package_search

    @Test
    @SuppressWarnings("unchecked")
    void searchingEverythingFindsEveryPublicDatasetWithFacets() throws Exception {
        Map<String, Object> result = search(
                "q",
                "*:*",
                "rows",
                "1000",
                "facet.field",
                "[\"organization\",\"tags\",\"groups\",\"res_format\",\"license_id\"]");
        assertThat(result).containsOnlyKeys("count", "facets", "results", "sort", "search_facets");
        assertThat(count(result)).isEqualTo(publicNames().size());
        assertThat(names(result)).containsExactlyInAnyOrderElementsOf(publicNames());
        assertThat(result.get("sort")).isEqualTo("score desc, metadata_modified desc");

        Map<String, Map<String, Object>> facets = (Map<String, Map<String, Object>>) result.get("facets");
        assertThat(facets).containsOnlyKeys("organization", "tags", "groups", "res_format", "license_id");
        List<CatalogEntry> entries = catalog.publicEntries();
        assertThat(facets.get("organization")).containsEntry("cuc-quan-ly-thi-truong", (int)
                entries.stream().filter(e -> e.orgId() == open.orgId()).count());
        assertThat(facets.get("tags")).containsEntry(KEYWORD, 2).doesNotContainKey(PRIVATE_KEYWORD);
        assertThat(facets.get("groups")).containsEntry("trade", (int)
                entries.stream().filter(e -> e.themes().contains("trade")).count());
        assertThat(facets.get("res_format"))
                .containsEntry(
                        "CSV", (int) entries.stream().filter(CatalogEntry::open).count())
                .containsEntry("PARQUET", entries.size());
        assertThat(facets.get("license_id")).containsKeys("cc-by-4.0", "restricted");

        Map<String, Map<String, Object>> searchFacets = (Map<String, Map<String, Object>>) result.get("search_facets");
        assertThat(searchFacets.get("groups").get("title")).isEqualTo("groups");
        List<Map<String, Object>> items =
                (List<Map<String, Object>>) searchFacets.get("organization").get("items");
        assertThat(items)
                .anySatisfy(i -> assertThat(i)
                        .containsEntry("name", "cuc-quan-ly-thi-truong")
                        .containsEntry("display_name", "Cục Quản lý thị trường")
                        .containsKey("count"));
        List<Map<String, Object>> themes =
                (List<Map<String, Object>>) searchFacets.get("groups").get("items");
        assertThat(themes)
                .anySatisfy(
                        i -> assertThat(i).containsEntry("name", "trade").containsEntry("display_name", "Thương mại"));
        List<Map<String, Object>> formats =
                (List<Map<String, Object>>) searchFacets.get("res_format").get("items");
        assertThat(formats.get(0)).as("most first").containsEntry("name", "PARQUET");

        // No facet.field: CKAN answers empty facets.
        Map<String, Object> plain = search();
        assertThat(plain.get("facets")).isEqualTo(Map.of());
        assertThat(plain.get("search_facets")).isEqualTo(Map.of());
        assertThat(names(plain)).hasSize((int) Math.min(10, count(plain)));
    }

    @Test
    void facetLimitCutsTheCounts() throws Exception {
        Map<String, Object> result = search("facet.field", "[\"res_format\",\"tags\"]", "facet.limit", "1");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> facets = (Map<String, Map<String, Object>>) result.get("facets");
        assertThat(facets.get("res_format")).hasSize(1).containsKey("PARQUET");
        assertThat(facets.get("tags")).hasSize(1);
    }

    @Test
    void filtersNarrowTheSearch() throws Exception {
        String qltt = "organization:cuc-quan-ly-thi-truong";
        assertThat(names(search("fq", qltt + " tags:" + KEYWORD))).containsExactly(open.slug());
        assertThat(names(search("fq", "tags:" + KEYWORD, "rows", "100")))
                .containsExactlyInAnyOrder(open.slug(), shared.slug());
        assertThat(names(search("fq", "+tags:" + KEYWORD + " +res_format:CSV"))).containsExactly(open.slug());
        assertThat(names(search("fq", "tags:" + KEYWORD + " AND license_id:restricted")))
                .containsExactly(shared.slug());
        assertThat(names(search("fq", "tags:\"" + KEYWORD + "\" groups:enterprise")))
                .containsExactly(shared.slug());
        assertThat(names(search("fq", "tags:" + KEYWORD + " owner_org:" + CkanPackages.organizationId(shared.orgId()))))
                .containsExactly(shared.slug());
        // ckanext-harvest's organisation filter: an OR of names.
        assertThat(names(search(
                        "fq",
                        "organization:cuc-quan-ly-thi-truong OR organization:so-ke-hoach-va-dau-tu-bac-ninh " + "tags:"
                                + KEYWORD)))
                .containsExactlyInAnyOrder(open.slug(), shared.slug());
        assertThat(count(search("fq", "organization:khong-ton-tai"))).isZero();
        assertThat(count(search("fq", "tags:" + KEYWORD + " state:draft"))).isZero();
        // In q, known fields filter too.
        assertThat(names(search("q", "tags:" + KEYWORD + " " + qltt))).containsExactly(open.slug());
    }

    @Test
    void filtersTheIndexCannotAnswerAloneAreAppliedHere() throws Exception {
        // Two values of one field, both required.
        assertThat(names(search("fq", "tags:" + KEYWORD + " tags:GTIN"))).containsExactly(open.slug());
        assertThat(names(search("fq", "groups:(trade AND enterprise) tags:" + KEYWORD)))
                .containsExactly(shared.slug());
        // By name or id.
        assertThat(names(search("fq", "name:" + shared.slug()))).containsExactly(shared.slug());
        assertThat(names(search("fq", "id:" + CkanPackages.packageId(open)))).containsExactly(open.slug());
        // Modified since: what ckanext-harvest asks on each run after the first.
        List<String> changedSince = catalog.publicEntries().stream()
                .filter(e -> !e.updatedAt().isBefore(between))
                .map(CatalogEntry::slug)
                .sorted()
                .toList();
        assertThat(changedSince).contains(shared.slug()).doesNotContain(open.slug());
        Map<String, Object> harvest = search(
                "fq",
                "metadata_modified:[" + between + " TO *]",
                "sort",
                "id asc",
                "rows",
                "100",
                "facet.field",
                "[\"tags\"]");
        assertThat(names(harvest)).containsExactlyInAnyOrderElementsOf(changedSince);
        assertThat(count(harvest)).isEqualTo(changedSince.size());
        assertThat(((Map<?, ?>) ((Map<?, ?>) harvest.get("facets")).get("tags")).get(KEYWORD))
                .isEqualTo(1);
        assertThat(names(search("fq", "tags:" + KEYWORD + " metadata_modified:[* TO " + between + "]")))
                .containsExactly(open.slug());
    }

    @Test
    void freeTextFindsByTitleAndDescription() throws Exception {
        assertThat(names(search("q", "sản phẩm công bố"))).contains(open.slug()).doesNotContain(shared.slug());
        assertThat(names(search("q", "san pham cong bo")))
                .as("without diacritics")
                .contains(open.slug());
        assertThat(names(search("q", "doanh nghiệp Bắc Ninh", "fq", "tags:" + KEYWORD)))
                .containsExactly(shared.slug());
        assertThat(count(search("q", "từkhôngcótrongdanhmục"))).isZero();
    }

    @Test
    void pagesAndSortsFollowCkan() throws Exception {
        List<String> all = publicNames();
        assertThat(names(search("sort", "name asc", "rows", "1000"))).isEqualTo(all);
        List<String> reversed = new ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        assertThat(names(search("sort", "name desc", "rows", "1000"))).isEqualTo(reversed);

        List<String> pages = new ArrayList<>();
        for (int start = 0; start < all.size(); start++) {
            Map<String, Object> page = search("sort", "name asc", "rows", "1", "start", Integer.toString(start));
            assertThat(count(page)).isEqualTo(all.size());
            pages.addAll(names(page));
        }
        assertThat(pages).isEqualTo(all);
        assertThat(names(search("start", "1000"))).isEmpty();
        assertThat(names(search("rows", "0"))).isEmpty();
        assertThat(count(search("rows", "0"))).isEqualTo(all.size());

        List<CatalogEntry> entries = catalog.publicEntries();
        List<String> byModified = entries.stream()
                .sorted(Comparator.comparing(CatalogEntry::updatedAt).reversed().thenComparing(CatalogEntry::slug))
                .map(CatalogEntry::slug)
                .toList();
        assertThat(names(search("sort", "metadata_modified desc", "rows", "1000")))
                .isEqualTo(byModified);
        assertThat(names(search("sort", "metadata_modified desc", "fq", "tags:" + KEYWORD)))
                .containsExactly(shared.slug(), open.slug());
        assertThat(names(search("sort", "metadata_modified asc", "fq", "tags:" + KEYWORD)))
                .containsExactly(open.slug(), shared.slug());
        List<String> byTitle = entries.stream()
                .sorted(Comparator.comparing((CatalogEntry e) -> CkanQuery.titleKey(e.titleVi()))
                        .thenComparing(CatalogEntry::slug))
                .map(CatalogEntry::slug)
                .toList();
        assertThat(names(search("sort", "title_string asc", "rows", "1000"))).isEqualTo(byTitle);
        List<String> byId = entries.stream()
                .sorted(Comparator.comparing(CkanPackages::packageId))
                .map(CatalogEntry::slug)
                .toList();
        assertThat(names(search("sort", "id asc", "rows", "1000"))).isEqualTo(byId);
        assertThat(search("sort", "name asc").get("sort")).isEqualTo("name asc");
    }

    @Test
    void postJsonAsksTheSameAsGet() throws Exception {
        Map<String, Object> viaGet = search(
                "q",
                "*:*",
                "fq",
                "tags:" + KEYWORD,
                "rows",
                "5",
                "sort",
                "name asc",
                "facet.field",
                "[\"groups\",\"organization\"]");
        Map<String, Object> viaPost = okMap(postJson(
                "package_search",
                "{\"q\": \"*:*\", \"fq\": \"tags:" + KEYWORD
                        + "\", \"rows\": 5, \"sort\": \"name asc\", \"facet.field\": [\"groups\", \"organization\"],"
                        + " \"include_private\": true}"));
        assertThat(viaPost).isEqualTo(viaGet);
        assertThat(count(viaPost)).isEqualTo(2);
        Map<String, Object> fqList =
                okMap(postJson("package_search", "{\"fq_list\": [\"tags:" + KEYWORD + "\", \"res_format:CSV\"]}"));
        assertThat(names(fqList)).containsExactly(open.slug());
        // Old jQuery clients post the JSON object as a form key.
        Map<String, Object> form = okMap(post(API + "package_search")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .content("{\"fq\": \"tags:" + KEYWORD + "\", \"sort\": \"name asc\"}="));
        assertThat(names(form)).isEqualTo(names(viaGet));
    }

    @Test
    void badSearchesAnswerWithCkansErrors() throws Exception {
        Map<String, Object> unbalanced = error(action("package_search").param("fq", "tags:\"open"), 409);
        assertThat(unbalanced.get("__type")).isEqualTo("Search Error");
        assertThat((String) unbalanced.get("message"))
                .startsWith("Search error: ")
                .contains("unbalanced quote");
        Map<String, Object> negative =
                error(action("package_search").param("fq", "-organization:cuc-quan-ly-thi-truong"), 409);
        assertThat(negative.get("__type")).isEqualTo("Search Error");
        assertThat((String) negative.get("message")).contains("not supported");
        assertThat((String) error(action("package_search").param("fq", "popularity:high"), 409)
                        .get("message"))
                .contains("unknown field 'popularity'");
        assertThat((String) error(action("package_search").param("fq", "tags:a OR groups:b"), 409)
                        .get("message"))
                .contains("OR is supported only between values of one field");

        Map<String, Object> sort = error(action("package_search").param("sort", "popularity desc"), 400);
        assertThat(sort.get("__type")).isEqualTo("Search Query Error");
        assertThat((String) sort.get("message")).startsWith("Search Query is invalid: Invalid \"sort\" parameter");

        assertThat(error(action("package_search").param("rows", "5000"), 409))
                .isEqualTo(Map.of("__type", "Validation Error", "rows", List.of("Must be less than or equal to 1000")));
        assertThat(error(postJson("package_search", "{\"rows\": 5000}"), 409))
                .containsEntry("rows", List.of("Must be less than or equal to 1000"));
        assertThat(error(action("package_search").param("rows", "abc"), 409))
                .isEqualTo(Map.of("__type", "Validation Error", "rows", List.of("Invalid integer")));
        assertThat(error(action("package_search").param("start", "-1"), 409))
                .isEqualTo(Map.of("__type", "Validation Error", "start", List.of("Must be a natural number")));
        assertThat(error(action("package_search").param("facet.field", "[organization"), 409))
                .isEqualTo(
                        Map.of("__type", "Validation Error", "facet.field", List.of("Could not parse as valid JSON")));
        assertThat(error(action("package_search").param("facet.limit", "x"), 409))
                .containsEntry("facet.limit", List.of("Invalid integer"));
    }

    // ------------------------------------------------------------------ request errors

    @Test
    void unknownActionsAndBadBodiesAreBadRequests() throws Exception {
        Map<String, Object> unknown = error(action("package_create"), 400);
        assertThat(unknown).containsEntry("message", "Bad request - Action name not known: package_create");
        assertThat(error(postJson("foo", "{}"), 400).get("message"))
                .isEqualTo("Bad request - Action name not known: foo");

        Map<String, Object> badJson = error(postJson("package_search", "{\"q\": "), 400);
        assertThat((String) badJson.get("message")).startsWith("Bad request - JSON Error: Error decoding JSON data.");
        Map<String, Object> notObject = error(postJson("package_search", "[1, 2]"), 400);
        assertThat((String) notObject.get("message"))
                .startsWith("Bad request - JSON Error: Request data JSON decoded to")
                .endsWith("but it needs to be a dictionary.");
        assertThat((String) error(postJson("package_search", "{\"q\": {\"nested\": 1}}"), 409)
                        .toString())
                .contains("Not a string");
    }

    // ------------------------------------------------------------------ organisations, groups, tags

    @Test
    @SuppressWarnings("unchecked")
    void organisationsAreThePublishersOfPublicDatasets() throws Exception {
        List<CatalogEntry> entries = catalog.publicEntries();
        Map<String, Long> expected = entries.stream()
                .collect(Collectors.groupingBy(
                        e -> CkanPackages.organizationName(e.publisher()), Collectors.counting()));
        List<Object> names = okList(action("organization_list").param("sort", "name asc"));
        assertThat(names)
                .containsExactlyElementsOf(expected.keySet().stream().sorted().toList());

        List<Object> dicts = okList(action("organization_list").param("all_fields", "true"));
        assertThat(dicts).hasSize(expected.size());
        for (Object o : dicts) {
            Map<String, Object> org = (Map<String, Object>) o;
            assertThat(((Number) org.get("package_count")).longValue())
                    .isEqualTo(expected.get((String) org.get("name")));
            assertThat(org)
                    .containsEntry("type", "organization")
                    .containsEntry("is_organization", true)
                    .containsKeys("id", "title", "created", "image_display_url");
        }
        assertThat(okList(action("organization_list")
                        .param("sort", "package_count desc")
                        .param("limit", "1")))
                .hasSize(1);
        assertThat(okList(action("organization_list").param("q", "thị trường")))
                .containsExactly("cuc-quan-ly-thi-truong");
        assertThat(error(action("organization_list").param("sort", "founded asc"), 409)
                        .get("__type"))
                .isEqualTo("Validation Error");

        Map<String, Object> byName = okMap(action("organization_show").param("id", "cuc-quan-ly-thi-truong"));
        assertThat(byName).containsEntry("title", "Cục Quản lý thị trường").doesNotContainKey("packages");
        Map<String, Object> byId = okMap(
                postJson("organization_show", "{\"id\": \"" + byName.get("id") + "\", \"include_datasets\": true}"));
        assertThat(byId.get("name")).isEqualTo("cuc-quan-ly-thi-truong");
        assertThat((List<Map<String, Object>>) byId.get("packages"))
                .extracting(p -> p.get("name"))
                .contains(open.slug());
        assertThat(error(action("organization_show"), 409))
                .isEqualTo(Map.of("__type", "Validation Error", "id", List.of("Missing value")));
        assertThat(error(action("organization_show").param("id", "khong-ton-tai"), 404)
                        .get("__type"))
                .isEqualTo("Not Found Error");
    }

    @Test
    @SuppressWarnings("unchecked")
    void groupsAreTheThemes() throws Exception {
        List<Object> groups = okList(action("group_list").param("sort", "name asc"));
        assertThat(groups)
                .hasSize(CatalogVocabulary.Theme.values().length)
                .contains("trade", "enterprise", "health")
                .isSortedAccordingTo(Comparator.comparing(Object::toString));
        List<Object> dicts =
                okList(action("group_list").param("all_fields", "true").param("groups", "[\"trade\",\"health\"]"));
        Map<String, Object> trade = (Map<String, Object>) dicts.stream()
                .filter(g -> "trade".equals(((Map<?, ?>) g).get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(((Number) trade.get("package_count")).longValue())
                .isEqualTo(catalog.publicEntries().stream()
                        .filter(e -> e.themes().contains("trade"))
                        .count());
        assertThat(trade).containsEntry("title", "Thương mại").containsEntry("description", "Trade");
        Map<?, ?> health = (Map<?, ?>) dicts.stream()
                .filter(g -> "health".equals(((Map<?, ?>) g).get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(((Number) health.get("package_count")).longValue())
                .as("the private dataset does not count")
                .isEqualTo(catalog.publicEntries().stream()
                        .filter(e -> e.themes().contains("health"))
                        .count());

        Map<String, Object> shown =
                okMap(action("group_show").param("id", "trade").param("include_datasets", "True"));
        assertThat((List<Map<String, Object>>) shown.get("packages"))
                .extracting(p -> p.get("name"))
                .contains(open.slug(), shared.slug());
        assertThat(okMap(action("group_show").param("id", (String) trade.get("id")))
                        .get("name"))
                .isEqualTo("trade");
        error(action("group_show").param("id", "khong-co"), 404);
    }

    @Test
    @SuppressWarnings("unchecked")
    void tagsAreTheKeywordsOfPublicDatasets() throws Exception {
        List<Object> tags = okList(action("tag_list"));
        assertThat(tags)
                .contains(KEYWORD, "GTIN", "sản phẩm", "doanh nghiệp")
                .doesNotContain(PRIVATE_KEYWORD, "bệnh nhân")
                .doesNotHaveDuplicates();
        assertThat(okList(action("tag_list").param("query", "san pham"))).containsExactly("sản phẩm");
        List<Object> dicts = okList(action("tag_list").param("query", "gtin").param("all_fields", "true"));
        assertThat(dicts)
                .singleElement()
                .satisfies(t -> assertThat((Map<String, Object>) t)
                        .containsEntry("name", "GTIN")
                        .containsEntry("vocabulary_id", null)
                        .containsKey("id"));
        assertThat(okList(action("tag_list").param("vocabulary_id", "genre"))).isEmpty();
    }

    // ------------------------------------------------------------------ everything answered by the index

    private List<String> expectedOrder(Comparator<CatalogEntry> order) {
        return catalog.publicEntries().stream()
                .sorted(order.thenComparing(CatalogEntry::slug))
                .map(CatalogEntry::slug)
                .toList();
    }

    @Test
    void everySortIsTheIndexOrderWithTheNameBreakingTies() throws Exception {
        Comparator<CatalogEntry> created = Comparator.comparing(CatalogEntry::createdAt);
        assertThat(names(search("sort", "metadata_created asc", "rows", "1000")))
                .isEqualTo(expectedOrder(created));
        assertThat(names(search("sort", "metadata_created desc", "rows", "1000")))
                .isEqualTo(expectedOrder(created.reversed()));
        Comparator<CatalogEntry> title = Comparator.comparing((CatalogEntry e) -> CkanQuery.titleKey(e.titleVi()));
        assertThat(names(search("sort", "title_string desc", "rows", "1000")))
                .isEqualTo(expectedOrder(title.reversed()));
        assertThat(names(search("sort", "id desc", "rows", "1000")))
                .isEqualTo(expectedOrder(
                        Comparator.comparing(CkanPackages::packageId).reversed()));
        // Several keys: each breaks the ties of the one before.
        Comparator<CatalogEntry> modifiedThenTitle =
                Comparator.comparing(CatalogEntry::updatedAt).thenComparing(title.reversed());
        assertThat(names(search("sort", "metadata_modified asc, title_string desc", "rows", "1000")))
                .isEqualTo(expectedOrder(modifiedThenTitle));
        // Pages of an index order neither repeat nor skip.
        List<String> paged = new ArrayList<>();
        for (int start = 0; start < publicNames().size(); start += 2) {
            paged.addAll(names(search("sort", "metadata_created desc", "rows", "2", "start", Integer.toString(start))));
        }
        assertThat(paged).isEqualTo(expectedOrder(created.reversed()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void dateRangesOnCreationAndFacetsOfEveryFilterComeFromTheIndex() throws Exception {
        Instant openCreated = open.createdAt();
        List<String> createdFrom = catalog.publicEntries().stream()
                .filter(e -> !e.createdAt().isBefore(openCreated))
                .map(CatalogEntry::slug)
                .sorted()
                .toList();
        assertThat(names(
                        search("fq", "metadata_created:[" + openCreated + " TO *]", "sort", "name asc", "rows", "100")))
                .isEqualTo(createdFrom);
        List<String> createdAfter = catalog.publicEntries().stream()
                .filter(e -> e.createdAt().isAfter(openCreated))
                .map(CatalogEntry::slug)
                .sorted()
                .toList();
        assertThat(names(
                        search("fq", "metadata_created:{" + openCreated + " TO *]", "sort", "name asc", "rows", "100")))
                .isEqualTo(createdAfter)
                .doesNotContain(open.slug());
        // A bare date is that instant.
        assertThat(names(search("fq", "tags:" + KEYWORD + " metadata_modified:\"" + open.updatedAt() + "\"")))
                .containsExactly(open.slug());
        assertThat(count(search("fq", "metadata_created:[* TO 2000-01-01]"))).isZero();

        // Two tags both required, with facets: the counts are over the matches only.
        Map<String, Object> both = search(
                "fq", "tags:" + KEYWORD + " tags:GTIN", "facet.field", "[\"tags\",\"res_format\",\"organization\"]");
        assertThat(names(both)).containsExactly(open.slug());
        Map<String, Map<String, Object>> facets = (Map<String, Map<String, Object>>) both.get("facets");
        assertThat(facets.get("tags"))
                .containsEntry(KEYWORD, 1)
                .containsEntry("GTIN", 1)
                .doesNotContainKey("doanh nghiệp");
        assertThat(facets.get("res_format")).containsOnlyKeys("CSV", "PARQUET", "JSON");
        assertThat(facets.get("organization")).containsExactly(Map.entry("cuc-quan-ly-thi-truong", 1));
        Map<String, Object> searchFacets = (Map<String, Object>) both.get("search_facets");
        assertThat((List<Map<String, Object>>) ((Map<String, Object>) searchFacets.get("organization")).get("items"))
                .singleElement()
                .satisfies(item -> assertThat(item).containsEntry("display_name", "Cục Quản lý thị trường"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void organisationGroupTagAndPackageListsMatchThePublicEntriesExactly() throws Exception {
        List<CatalogEntry> entries = catalog.publicEntries();
        Map<String, Object> org = okMap(action("organization_show")
                .param("id", "cuc-quan-ly-thi-truong")
                .param("include_datasets", "true"));
        assertThat((List<Map<String, Object>>) org.get("packages"))
                .extracting(p -> (String) p.get("name"))
                .isEqualTo(entries.stream()
                        .filter(e -> e.orgId() == open.orgId())
                        .map(CatalogEntry::slug)
                        .sorted()
                        .toList());
        Map<String, Object> trade =
                okMap(action("group_show").param("id", "trade").param("include_datasets", "true"));
        assertThat((List<Map<String, Object>>) trade.get("packages"))
                .extracting(p -> (String) p.get("name"))
                .isEqualTo(entries.stream()
                        .filter(e -> e.themes().contains("trade"))
                        .map(CatalogEntry::slug)
                        .sorted()
                        .toList());
        assertThat(((Number) trade.get("package_count")).longValue())
                .isEqualTo(entries.stream()
                        .filter(e -> e.themes().contains("trade"))
                        .count());
        List<String> keywords = entries.stream()
                .flatMap(e -> e.keywords().stream())
                .distinct()
                .sorted(Comparator.comparing(CkanQuery::fold).thenComparing(Comparator.naturalOrder()))
                .toList();
        assertThat(okList(action("tag_list"))).isEqualTo(List.copyOf(keywords));
        List<Object> orgsByCount = okList(action("organization_list").param("sort", "package_count desc"));
        Map<String, Long> counts = entries.stream()
                .collect(Collectors.groupingBy(
                        e -> CkanPackages.organizationName(e.publisher()), Collectors.counting()));
        assertThat(orgsByCount)
                .isEqualTo(counts.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue()
                                .reversed()
                                .thenComparing(Map.Entry.comparingByKey()))
                        .map(Map.Entry::getKey)
                        .toList());
        assertThat(okList(action("package_list").param("offset", "1").param("limit", "2")))
                .isEqualTo(publicNames().subList(1, Math.min(3, publicNames().size())));
        // By package id, found by the index.
        assertThat(okMap(action("package_show").param("id", CkanPackages.packageId(shared)))
                        .get("name"))
                .isEqualTo(shared.slug());
        assertThat(error(action("package_show").param("id", CkanPackages.packageId(privateEntry)), 404)
                        .get("__type"))
                .isEqualTo("Not Found Error");
    }
}
