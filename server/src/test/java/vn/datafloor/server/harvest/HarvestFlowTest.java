package vn.datafloor.server.harvest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;

/**
 * The operator registers catalogs served on the loopback address and harvests them through the HTTP
 * API: entries are added, updated, removed only after a complete harvest, found on the portal with
 * their origin and a link back, and never offered for download; runs are on the ledger. Datafloor's
 * own CKAN API and DCAT-AP export, served over real HTTP, are harvested back as a round trip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HarvestFlowTest extends PlatformTest {

    @Autowired
    JsonMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CatalogService catalog;

    private LocalCatalogServer server;
    private MockHttpSession operator;
    private long operatorOrg;
    private long allowanceId = -1;
    private final List<Map<String, Object>> packages = new ArrayList<>();
    private final List<Long> sourcesCreated = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        server = new LocalCatalogServer();
        operator = login("admin");
        operatorOrg = jdbc.sql("select org_id from app_user where username = 'admin'")
                .query(Long.class)
                .single();
        server.serve(
                "/ckan/api/3/action/package_search",
                q -> LocalCatalogServer.json(CatalogDocuments.ckanPage(List.copyOf(packages), q)));
    }

    @AfterAll
    void stop() throws Exception {
        for (long id : sourcesCreated) {
            mvc.perform(delete("/api/harvest/sources/" + id).session(operator).with(csrf()));
        }
        revokeLoopback();
        server.close();
    }

    private void allowLoopback() throws Exception {
        if (allowanceId < 0) {
            MvcResult allowed = postJson(
                    "/api/organisations/" + operatorOrg + "/network-allowances",
                    Map.of("allowance", "127.0.0.1", "reason", "kiểm thử thu thập danh mục trên máy"));
            assertThat(allowed.getResponse().getStatus()).isEqualTo(201);
            allowanceId = ((Number) body(allowed).get("id")).longValue();
        }
    }

    private void revokeLoopback() throws Exception {
        if (allowanceId >= 0) {
            mvc.perform(delete("/api/organisations/" + operatorOrg + "/network-allowances/" + allowanceId)
                    .session(operator)
                    .with(csrf()));
            allowanceId = -1;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(MvcResult result) throws Exception {
        return json.readValue(result.getResponse().getContentAsString(StandardCharsets.UTF_8), Map.class);
    }

    private MvcResult postJson(String url, Object body) throws Exception {
        return mvc.perform(post(url)
                        .session(operator)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(body)))
                .andReturn();
    }

    private long register(String name, String kind, String url) throws Exception {
        MvcResult created = postJson(
                "/api/harvest/sources",
                Map.of(
                        "name",
                        name,
                        "kind",
                        kind,
                        "url",
                        url,
                        "publisher",
                        "Đơn vị công bố " + name,
                        "intervalMinutes",
                        60,
                        // the schedule is paused: these tests harvest by hand, the scheduler stays out of them
                        "enabled",
                        false));
        assertThat(created.getResponse().getStatus())
                .as(created.getResponse().getContentAsString())
                .isEqualTo(201);
        long id = ((Number) body(created).get("id")).longValue();
        sourcesCreated.add(id);
        return id;
    }

    private Map<String, Object> harvestNow(long id) throws Exception {
        MvcResult run = mvc.perform(post("/api/harvest/sources/" + id + "/runs")
                        .session(operator)
                        .with(csrf()))
                .andReturn();
        assertThat(run.getResponse().getStatus()).isEqualTo(200);
        return body(run);
    }

    private List<String> titles(long sourceId) throws Exception {
        MvcResult entries = mvc.perform(
                        get("/api/harvest/sources/" + sourceId + "/entries").session(operator))
                .andReturn();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list =
                json.readValue(entries.getResponse().getContentAsString(StandardCharsets.UTF_8), List.class);
        return list.stream().map(e -> (String) e.get("titleVi")).sorted().toList();
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void aLoopbackSourceIsRefusedWithoutAnAllowanceAndChangesNothing() throws Exception {
        revokeLoopback();
        packages.clear();
        packages.add(CatalogDocuments.ckanPackage("lb-1", "lb-1", "Gói không được phép", "cc-by"));
        long id = register("Cổng nội bộ", "CKAN", server.base() + "/ckan");
        int before = server.requests.size();
        Map<String, Object> run = harvestNow(id);
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat((String) run.get("error")).contains("is not allowed");
        assertThat(run.get("added")).isEqualTo(0);
        assertThat(server.requests).as("nothing reached the server").hasSize(before);
        assertThat(titles(id)).isEmpty();
    }

    @Test
    void harvestsACkanPortalAndFollowsItsChanges() throws Exception {
        allowLoopback();
        packages.clear();
        packages.add(
                CatalogDocuments.ckanPackage("p-1", "quan-trac-nuoc", "Quan trắc chất lượng nước Lâm Đồng", "cc-by"));
        packages.add(CatalogDocuments.ckanPackage("p-2", "rung-phong-ho", "Diện tích rừng phòng hộ", "cc-by"));
        packages.add(CatalogDocuments.ckanPackage("p-3", "ho-chua", "Danh sách hồ chứa thủy lợi", "odc-odbl"));
        long id = register("Cổng dữ liệu Lâm Đồng", "CKAN", server.base() + "/ckan");

        Map<String, Object> first = harvestNow(id);
        assertThat(first)
                .containsEntry("status", "SUCCEEDED")
                .containsEntry("added", 3)
                .containsEntry("removed", 0);
        assertThat(first.get("ledgerIndex")).isNotNull();
        assertThat(titles(id))
                .containsExactly(
                        "Danh sách hồ chứa thủy lợi", "Diện tích rừng phòng hộ", "Quan trắc chất lượng nước Lâm Đồng");

        // On the portal for anyone, labelled with its origin, linking back, without a download.
        String results = page("/catalog?q=quan+trac+nuoc+lam+dong");
        assertThat(results).contains("từ Cổng dữ liệu Lâm Đồng").contains("/catalog/remote/");
        String remoteId = results.replaceAll("(?s).*?/catalog/remote/(\\d+).*", "$1");
        String entry = page("/catalog/remote/" + remoteId);
        assertThat(entry)
                .contains("Quan trắc chất lượng nước Lâm Đồng")
                .contains("href=\"" + server.base() + "/ckan/dataset/quan-trac-nuoc\"")
                .contains("Sở Tài nguyên và Môi trường tỉnh Lâm Đồng")
                .doesNotContain("/download");
        // Datafloor's own CKAN API describes its own datasets only: harvesting each other copies nothing back.
        String ckan = page("/api/3/action/package_search?q=quan+trac+nuoc+lam+dong");
        assertThat(ckan).contains("\"count\":0");

        // Unchanged: nothing updated.
        Map<String, Object> again = harvestNow(id);
        assertThat(again).containsEntry("added", 0).containsEntry("updated", 0).containsEntry("removed", 0);

        // One changed, one gone: updated and removed.
        packages.get(1).put("title", "Diện tích rừng phòng hộ (2026)");
        packages.remove(2);
        Map<String, Object> changed = harvestNow(id);
        assertThat(changed)
                .containsEntry("status", "SUCCEEDED")
                .containsEntry("added", 0)
                .containsEntry("updated", 1)
                .containsEntry("removed", 1);
        assertThat(titles(id)).containsExactly("Diện tích rừng phòng hộ (2026)", "Quan trắc chất lượng nước Lâm Đồng");
        assertThat(page("/catalog?q=ho+chua+thuy+loi")).doesNotContain("Danh sách hồ chứa thủy lợi");

        // The source fails: nothing is removed.
        server.serve("/ckan/api/3/action/package_search", 503, "text/plain", "maintenance".getBytes());
        Map<String, Object> failed = harvestNow(id);
        assertThat(failed).containsEntry("status", "FAILED").containsEntry("removed", 0);
        assertThat((String) failed.get("error")).isEqualTo("The source at 127.0.0.1 answered HTTP 503");
        assertThat(titles(id)).hasSize(2);

        // A partial harvest (a package without an id) adds what it read and removes nothing.
        Map<String, Object> broken = CatalogDocuments.ckanPackage("x", "x", "x", "cc-by");
        broken.remove("id");
        server.serve(
                "/ckan/api/3/action/package_search",
                q -> LocalCatalogServer.json(CatalogDocuments.ckanPage(List.of(broken), q)));
        Map<String, Object> partial = harvestNow(id);
        assertThat(partial)
                .containsEntry("status", "PARTIAL")
                .containsEntry("failed", 1)
                .containsEntry("removed", 0);
        assertThat(titles(id)).hasSize(2);

        // Every run is on the ledger, the failed one as a failure.
        assertThat(jdbc.sql("select count(*) from audit_event where event_type = 'HARVEST_RUN_FINISHED' and org_id = ?")
                        .param(operatorOrg)
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(5);

        // The operator's page lists it with its last run.
        String sources = mvc.perform(get("/harvest").session(operator))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(sources).contains("Cổng dữ liệu Lâm Đồng").contains("Một phần");

        // Removing the source removes its entries.
        mvc.perform(delete("/api/harvest/sources/" + id).session(operator).with(csrf()));
        sourcesCreated.remove(Long.valueOf(id));
        assertThat(page("/catalog?q=quan+trac+nuoc+lam+dong")).doesNotContain("từ Cổng dữ liệu Lâm Đồng");
        assertThat(page("/catalog/remote/" + remoteId)).doesNotContain("Quan trắc chất lượng nước Lâm Đồng");
        server.serve(
                "/ckan/api/3/action/package_search",
                q -> LocalCatalogServer.json(CatalogDocuments.ckanPage(List.copyOf(packages), q)));
    }

    @Test
    void harvestsDcatTurtleAndJsonLd() throws Exception {
        allowLoopback();
        server.serve("/dcat/catalog.ttl", "text/turtle", CatalogDocuments.TURTLE);
        server.serve("/dcat/catalog.jsonld", "application/ld+json", CatalogDocuments.JSON_LD);
        long turtle = register("Cổng dữ liệu mở Hà Nội", "DCAT_TURTLE", server.base() + "/dcat/catalog.ttl");
        long jsonLd = register("Cổng dữ liệu y tế", "DCAT_JSONLD", server.base() + "/dcat/catalog.jsonld");
        assertThat(harvestNow(turtle)).containsEntry("status", "SUCCEEDED").containsEntry("added", 2);
        assertThat(harvestNow(jsonLd)).containsEntry("status", "SUCCEEDED").containsEntry("added", 1);
        assertThat(page("/catalog?q=chat+luong+khong+khi")).contains("từ Cổng dữ liệu mở Hà Nội");
        assertThat(page("/catalog?q=co+so+kham+chua+benh")).contains("từ Cổng dữ liệu y tế");

        // An oversize answer is refused with a clear error and changes nothing.
        server.serve("/dcat/catalog.ttl", 200, "text/turtle", new byte[40 * 1024 * 1024]);
        Map<String, Object> oversize = harvestNow(turtle);
        assertThat(oversize).containsEntry("status", "FAILED").containsEntry("removed", 0);
        assertThat((String) oversize.get("error")).contains("larger than 32 MB");
        assertThat(titles(turtle)).hasSize(2);

        // A document nested too deeply is refused likewise.
        server.serve(
                "/dcat/catalog.ttl",
                "text/turtle",
                "@prefix ex: <http://ex.example/> .\nex:a ex:p " + "[ ex:p ".repeat(100) + "ex:b" + " ]".repeat(100)
                        + " .\n");
        Map<String, Object> deep = harvestNow(turtle);
        assertThat(deep).containsEntry("status", "FAILED");
        assertThat((String) deep.get("error")).contains("nested deeper than 64 levels");
        assertThat(titles(turtle)).hasSize(2);
    }

    @Test
    void listsAnotherExchangesProductsWithTheirTermsAndWhereToNegotiate() throws Exception {
        allowLoopback();
        server.serve("/dsp/catalog/request", q -> LocalCatalogServer.json(CatalogDocuments.dspCatalog("v1")));
        long id = register("Sàn dữ liệu Lâm Đồng", "DSP", server.base() + "/dsp");
        assertThat(harvestNow(id)).containsEntry("status", "SUCCEEDED").containsEntry("added", 1);
        String products = page("/catalog/remote");
        assertThat(products).contains("Bảng giá đất tỉnh Lâm Đồng").contains("Sàn dữ liệu tỉnh Lâm Đồng");
        String remoteId = products.replaceAll("(?s).*?/catalog/remote/(\\d+).*", "$1");
        String product = page("/catalog/remote/" + remoteId);
        assertThat(product)
                .contains("permission: use (spatial eq VN); prohibition: distribute")
                .contains(server.base() + "/dsp")
                .contains("urn:uuid:offer-gia-dat-v1")
                .contains("urn:uuid:ds-gia-dat");

        // A new offer replaces the old one: the old offer is removed, the new one added.
        server.serve("/dsp/catalog/request", q -> LocalCatalogServer.json(CatalogDocuments.dspCatalog("v2")));
        assertThat(harvestNow(id)).containsEntry("added", 1).containsEntry("removed", 1);
        assertThat(server.requests.stream()
                        .filter(r -> r.path().equals("/dsp/catalog/request"))
                        .allMatch(r -> r.method().equals("POST") && r.body().contains("CatalogRequestMessage")))
                .isTrue();
    }

    @Test
    void harvestsDatafloorsOwnCkanApiAndDcatExportAsARoundTrip() throws Exception {
        allowLoopback();
        // Datafloor's own answers, served over real HTTP on the loopback address.
        for (String path : List.of("/self/api/3/action/package_search", "/self/catalog.ttl")) {
            server.serve(path, q -> {
                try {
                    String target = path.substring("/self".length()) + (q.isEmpty() ? "" : "?" + q);
                    // A URI, not a template: the query is already encoded.
                    MvcResult r = mvc.perform(get(java.net.URI.create(target))).andReturn();
                    return new LocalCatalogServer.Answer(
                            r.getResponse().getStatus(),
                            r.getResponse().getContentType(),
                            r.getResponse().getContentAsByteArray());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        List<String> published = catalog.publicEntries().stream()
                .map(CatalogEntry::titleVi)
                .sorted()
                .toList();
        assertThat(published).isNotEmpty();

        long ckan = register("Datafloor (CKAN)", "CKAN", server.base() + "/self");
        assertThat(harvestNow(ckan)).containsEntry("status", "SUCCEEDED").containsEntry("added", published.size());
        assertThat(titles(ckan)).containsExactlyElementsOf(published);

        long dcat = register("Datafloor (DCAT-AP)", "DCAT_TURTLE", server.base() + "/self/catalog.ttl");
        assertThat(harvestNow(dcat)).containsEntry("status", "SUCCEEDED").containsEntry("added", published.size());
        assertThat(titles(dcat)).containsExactlyElementsOf(published);
    }

    @Test
    void refusesAnInvalidRegistration() throws Exception {
        MvcResult bad = postJson(
                "/api/harvest/sources",
                Map.of("name", "x", "kind", "FTP", "url", "https://x.example.vn", "publisher", "p"));
        assertThat(bad.getResponse().getStatus()).isEqualTo(400);
        assertThat(bad.getResponse().getContentType()).startsWith("application/problem+json");
        MvcResult credentials = postJson(
                "/api/harvest/sources",
                Map.of("name", "x", "kind", "CKAN", "url", "https://u:p@x.example.vn", "publisher", "p"));
        assertThat(credentials.getResponse().getStatus()).isEqualTo(400);
        MvcResult steward = mvc.perform(get("/api/harvest/sources").session(login("yte.dulieu")))
                .andReturn();
        assertThat(steward.getResponse().getStatus()).isEqualTo(403);
    }
}
