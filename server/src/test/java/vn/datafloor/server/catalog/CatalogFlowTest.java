package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.AuditRecord;

/** A visitor finds, reads and downloads open data; a steward registers, describes, classifies and publishes a dataset. */
class CatalogFlowTest extends PlatformTest {

    @Autowired
    JsonMapper json;

    @Autowired
    AuditQueries audit;

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(MvcResult result) throws Exception {
        return json.readValue(result.getResponse().getContentAsString(StandardCharsets.UTF_8), Map.class);
    }

    private String text(MvcResult result) throws Exception {
        return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private List<String> slugs(MvcResult result) throws Exception {
        return ((List<Map<String, Object>>) body(result).get("results"))
                .stream().map(r -> (String) r.get("slug")).toList();
    }

    private MvcResult putJson(MockHttpSession session, String url, Object body) throws Exception {
        return mvc.perform(put(url).session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(body)))
                .andReturn();
    }

    private MvcResult postJson(MockHttpSession session, String url, Object body) throws Exception {
        return mvc.perform(post(url)
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(body)))
                .andReturn();
    }

    private MvcResult upload(MockHttpSession session, String dataset, String fileName, String content)
            throws Exception {
        return mvc.perform(multipart("/api/catalog/uploads")
                        .file(new MockMultipartFile(
                                "file", fileName, "text/csv", content.getBytes(StandardCharsets.UTF_8)))
                        .param("dataset", dataset)
                        .session(session)
                        .with(csrf()))
                .andReturn();
    }

    private static Map<String, Object> description(String title) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("titleVi", title);
        d.put("titleEn", "Pharmacy customers");
        d.put("descriptionVi", "Khách hàng của các nhà thuốc được cấp phép tại Hà Nội, dùng để nghiên cứu.");
        d.put("contactName", "Phòng Nghiệp vụ Dược");
        d.put("contactEmail", "duoc@soyte.hanoi.gov.vn");
        d.put("themes", List.of("health"));
        d.put("keywords", List.of("nhà thuốc", "dược"));
        d.put("spatial", List.of("01"));
        d.put("temporalStart", "2024-01-01");
        d.put("frequency", "daily");
        d.put("licence", "restricted");
        return d;
    }

    static final String PEOPLE_CSV = """
            ma,ho_ten,ngay_sinh,so_cccd,so_dien_thoai,ghi_chu
            1,Nguyễn Thị Minh Khai,15/03/1985,001185012345,0912345678,khach quen
            2,Trần Văn Bình,02/11/1990,001090023456,0987654321,
            3,Lê Hoàng Nam,20/07/1978,001078034567,0903123456,mua thuoc ho
            4,Phạm Thu Hà,09/09/2001,001301045678,0934567890,
            5,Hoàng Đức Anh,30/12/1995,001095056789,0977123456,
            """;

    @Test
    void aVisitorFindsOpenDataWithoutDiacriticsReadsItAndDownloadsItWithoutSigningIn() throws Exception {
        // "san pham" finds "Danh mục sản phẩm…", folded, anonymously.
        MvcResult found = mvc.perform(get("/api/catalog/datasets").param("q", "san pham cong bo"))
                .andReturn();
        assertThat(found.getResponse().getStatus()).isEqualTo(200);
        assertThat(slugs(found)).contains("qltt-san-pham");
        assertThat(text(mvc.perform(get("/catalog").param("q", "SAN PHAM")).andReturn()))
                .contains("id=\"hit-qltt-san-pham\"");
        // The register is core data: a visitor does not find it, the operator does.
        assertThat(slugs(mvc.perform(get("/api/catalog/datasets").param("q", "dan cu"))
                        .andReturn()))
                .doesNotContain("register-nguoi");
        assertThat(slugs(mvc.perform(get("/api/catalog/datasets")
                                .param("q", "dan cu")
                                .session(login("admin")))
                        .andReturn()))
                .contains("register-nguoi");
        // Private and draft entries are invisible to visitors, visible to their owners.
        assertThat(mvc.perform(get("/catalog/datasets/thue-nguoi-nop-thue"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        assertThat(mvc.perform(get("/catalog/datasets/y-te-benh-nhan"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        assertThat(mvc.perform(get("/catalog/datasets/y-te-benh-nhan").session(login("yte.dulieu")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);

        String page = text(mvc.perform(get("/catalog/datasets/qltt-san-pham")).andReturn());
        assertThat(page)
                .contains(
                        "Dữ liệu mở",
                        "Ai cũng xem và tải về được",
                        "id=\"lineage\"",
                        "id=\"quality\"",
                        "id=\"quality-one\"",
                        "id=\"preview\"",
                        "application/ld+json",
                        "\"@type\"")
                .doesNotContain("withdraw-dataset", "edit-dataset");
        assertThat(text(mvc.perform(get("/catalog/datasets/qltt-san-pham").session(login("qltt.dulieu")))
                        .andReturn()))
                .contains("withdraw-dataset", "edit-dataset");

        int before = Integer.parseInt(
                text(mvc.perform(get("/catalog/datasets/qltt-san-pham")).andReturn())
                        .replaceAll("(?s).*id=\"download-count\">(\\d+)<.*", "$1"));
        clock.advance(Duration.ofMinutes(2)); // a fresh download allowance
        MvcResult csv = mvc.perform(
                        get("/catalog/datasets/qltt-san-pham/download").param("format", "csv"))
                .andReturn();
        assertThat(csv.getResponse().getStatus()).isEqualTo(200);
        assertThat(csv.getResponse().getContentType()).startsWith("text/csv");
        assertThat(csv.getResponse().getHeader("Content-Disposition")).contains("qltt-san-pham-v");
        assertThat(text(csv).lines().findFirst().orElseThrow()).contains("gtin");
        MvcResult parquet = mvc.perform(
                        get("/catalog/datasets/qltt-san-pham/download").param("format", "parquet"))
                .andReturn();
        assertThat(new String(parquet.getResponse().getContentAsByteArray(), 0, 4, StandardCharsets.US_ASCII))
                .isEqualTo("PAR1");
        MvcResult jsonDownload = mvc.perform(
                        get("/catalog/datasets/qltt-san-pham/download").param("format", "json"))
                .andReturn();
        assertThat(json.readValue(text(jsonDownload), List.class)).isNotEmpty();
        int after = Integer.parseInt(
                text(mvc.perform(get("/catalog/datasets/qltt-san-pham")).andReturn())
                        .replaceAll("(?s).*id=\"download-count\">(\\d+)<.*", "$1"));
        assertThat(after).isEqualTo(before + 3);
        assertThat(mvc.perform(get("/catalog/datasets/qltt-san-pham/download").param("format", "exe"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
        // Shared data is described publicly but not downloadable here.
        MvcResult shared = mvc.perform(
                        get("/catalog/datasets/dkkd-doanh-nghiep/download").accept(MediaType.APPLICATION_JSON))
                .andReturn();
        assertThat(shared.getResponse().getStatus()).isEqualTo(403);
        assertThat(shared.getResponse().getContentType()).startsWith("application/problem+json");
    }

    @Test
    void downloadsAreLimitedPerClientAndTheLimitResetsAfterAMinute() throws Exception {
        clock.advance(Duration.ofMinutes(2));
        int ok = 0;
        MvcResult refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            MvcResult r = mvc.perform(get("/catalog/datasets/qltt-san-pham/download")
                            .param("format", "csv")
                            .accept(MediaType.APPLICATION_JSON))
                    .andReturn();
            if (r.getResponse().getStatus() == 429) {
                refused = r;
            } else {
                assertThat(r.getResponse().getStatus()).isEqualTo(200);
                ok++;
            }
        }
        assertThat(ok).isEqualTo(30);
        assertThat(refused).isNotNull();
        assertThat(body(refused).get("retryAfterSeconds")).isNotNull();
        // Retry-After (seconds) in the header too, as every 429 carries it.
        assertThat(refused.getResponse().getHeader("Retry-After"))
                .isEqualTo(String.valueOf(body(refused).get("retryAfterSeconds")))
                .matches("[1-9][0-9]*");
        clock.advance(Duration.ofSeconds(61));
        assertThat(mvc.perform(get("/catalog/datasets/qltt-san-pham/download"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
    }

    /** One download from {@code peer} (MockMvc only: nothing is sent anywhere), claiming {@code forwardedFor}. */
    private int downloadFrom(String peer, String forwardedFor) throws Exception {
        return mvc.perform(get("/catalog/datasets/qltt-san-pham/download")
                        .param("format", "csv")
                        .header("X-Forwarded-For", forwardedFor)
                        .with(request -> {
                            request.setRemoteAddr(peer);
                            return request;
                        }))
                .andReturn()
                .getResponse()
                .getStatus();
    }

    @Test
    void aForgedForwardingHeaderDoesNotResetTheDownloadLimitButATrustedProxysDoesSeparateClients() throws Exception {
        clock.advance(Duration.ofMinutes(2));
        // A client that is no trusted proxy claims a new address on every request: it is still one client.
        for (int i = 0; i < 30; i++) {
            assertThat(downloadFrom("203.0.113.71", "198.18.3." + i)).isEqualTo(200);
        }
        assertThat(downloadFrom("203.0.113.71", "198.18.3.200")).isEqualTo(429);
        // Behind the trusted proxy, each forwarded client has its own allowance.
        for (int i = 0; i < 30; i++) {
            assertThat(downloadFrom(TRUSTED_PROXY, "6.6.6.6, 198.18.4.1")).isEqualTo(200);
        }
        assertThat(downloadFrom(TRUSTED_PROXY, "7.7.7.7, 198.18.4.1"))
                .as("forged left part ignored")
                .isEqualTo(429);
        assertThat(downloadFrom(TRUSTED_PROXY, "198.18.4.2")).isEqualTo(200);
    }

    @Test
    void previewsMaskPersonalColumnsForAnyoneButTheOwner() throws Exception {
        Map<String, Object> anonymous = body(mvc.perform(get("/api/catalog/datasets/dkkd-doanh-nghiep/preview"))
                .andReturn());
        Map<String, Object> owner = body(mvc.perform(
                        get("/api/catalog/datasets/dkkd-doanh-nghiep/preview").session(login("dkkd.dulieu")))
                .andReturn());
        @SuppressWarnings("unchecked")
        List<Boolean> masked = (List<Boolean>) anonymous.get("masked");
        assertThat(masked).contains(true);
        assertThat(((List<?>) owner.get("masked")).contains(Boolean.TRUE)).isFalse();
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) anonymous.get("rows");
        @SuppressWarnings("unchecked")
        List<List<String>> clearRows = (List<List<String>>) owner.get("rows");
        int column = masked.indexOf(true);
        assertThat(rows.get(0).get(column)).isNotEqualTo(clearRows.get(0).get(column));
        assertThat(rows.stream().map(r -> r.get(column)).filter(v -> v != null && !v.isBlank()))
                .allMatch(v -> v.contains("*"));
        // The first rows are read once per version and kept clear: the owner's clear view must not reach
        // the next anonymous viewer.
        Map<String, Object> again = body(mvc.perform(get("/api/catalog/datasets/dkkd-doanh-nghiep/preview"))
                .andReturn());
        assertThat(again.get("rows")).isEqualTo(rows);
        assertThat(again.get("masked")).isEqualTo(masked);
    }

    @Test
    void aStewardUploadsDescribesClassifiesAndPublishesAndEveryStepIsChecked() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult uploaded = upload(steward, "yte.khach-hang-nha-thuoc", "khach-hang.csv", PEOPLE_CSV);
        assertThat(uploaded.getResponse().getStatus()).as(text(uploaded)).isEqualTo(201);
        Map<String, Object> entry = body(uploaded);
        String slug = (String) entry.get("slug");
        assertThat(slug).isEqualTo("yte-khach-hang-nha-thuoc");
        assertThat(entry.get("status")).isEqualTo("DRAFT");
        Map<String, String> proposals = new LinkedHashMap<>();
        for (Object c : (List<?>) entry.get("columns")) {
            Map<?, ?> column = (Map<?, ?>) c;
            proposals.put((String) column.get("name"), (String) column.get("proposedCategory"));
        }
        assertThat(proposals)
                .containsEntry("ho_ten", "name")
                .containsEntry("so_cccd", "identity_number")
                .containsEntry("so_dien_thoai", "phone")
                .containsEntry("ngay_sinh", "date_of_birth");

        // Nothing can be published yet, and the answer says why.
        MvcResult early = mvc.perform(post("/api/catalog/datasets/" + slug + "/publication")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(early.getResponse().getStatus()).isEqualTo(422);
        assertThat(text(early)).contains("classif", "not confirmed", "contactEmail");

        // Invalid metadata: every problem at once, with its field.
        Map<String, Object> bad = description("");
        bad.put("themes", List.of("health", "astrology"));
        bad.put("spatial", List.of("01", "99", "00004"));
        bad.put("descriptionVi", "x".repeat(20_001));
        MvcResult invalid = putJson(steward, "/api/catalog/datasets/" + slug, bad);
        assertThat(invalid.getResponse().getStatus()).isEqualTo(422);
        assertThat(invalid.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(text(invalid))
                .contains("titleVi", "astrology", "'99'", "descriptionVi")
                .doesNotContain("'00004'");

        // HTML in text is stored as written and rendered inert.
        MvcResult described = putJson(
                steward,
                "/api/catalog/datasets/" + slug,
                description("Khách hàng nhà thuốc <script>alert(1)</script>"));
        assertThat(described.getResponse().getStatus()).as(text(described)).isEqualTo(200);
        String editor = text(
                mvc.perform(get("/catalog/datasets/" + slug).session(steward)).andReturn());
        assertThat(editor).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");

        // Another organisation's steward cannot touch it.
        MockHttpSession other = login("dkkd.dulieu");
        assertThat(putJson(other, "/api/catalog/datasets/" + slug, description("x"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        assertThat(putJson(
                                other,
                                "/api/catalog/datasets/" + slug + "/classification",
                                Map.of("importance", "other", "sharing", "open", "reason", "x"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);

        // Confirm the personal columns (ghi_chu overridden as not personal), then open data is refused: it holds
        // personal data.
        Map<String, String> decisions = new LinkedHashMap<>();
        proposals.forEach((column, proposed) -> decisions.put(column, proposed == null ? "none" : proposed));
        decisions.put("ghi_chu", "health");
        assertThat(putJson(steward, "/api/catalog/datasets/" + slug + "/personal-data", Map.of("ho_ten", "astrology"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(422);
        MvcResult confirmed = putJson(steward, "/api/catalog/datasets/" + slug + "/personal-data", decisions);
        assertThat(confirmed.getResponse().getStatus()).as(text(confirmed)).isEqualTo(200);
        MvcResult open = putJson(
                steward,
                "/api/catalog/datasets/" + slug + "/classification",
                Map.of("importance", "other", "sharing", "open", "reason", "thử"));
        assertThat(open.getResponse().getStatus()).isEqualTo(422);
        assertThat(text(open)).contains("personal data");
        assertThat(putJson(
                                steward,
                                "/api/catalog/datasets/" + slug + "/classification",
                                Map.of("importance", "important", "sharing", "shared"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(422);
        MvcResult classified = putJson(
                steward,
                "/api/catalog/datasets/" + slug + "/classification",
                Map.of(
                        "importance",
                        "important",
                        "sharing",
                        "shared",
                        "reason",
                        "Có dữ liệu sức khỏe; chia sẻ cho nghiên cứu có hợp đồng"));
        assertThat(classified.getResponse().getStatus()).isEqualTo(200);
        assertThat(body(classified).get("reviewStatus")).isEqualTo("PENDING");
        List<AuditRecord> events = audit.search("DATASET_CLASSIFIED", null, null, null, null, 20, 0);
        assertThat(events).anySatisfy(e -> assertThat(e.summary()).contains(slug, "important/shared"));
        assertThat(audit.search("PERSONAL_DATA_CONFIRMED", null, null, null, null, 20, 0))
                .anySatisfy(e -> assertThat(e.summary()).contains(slug));

        // Important data waits for the operator; the steward cannot approve it.
        MvcResult waiting = mvc.perform(post("/api/catalog/datasets/" + slug + "/publication")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(waiting.getResponse().getStatus()).isEqualTo(422);
        assertThat(text(waiting)).contains("reviewed");
        assertThat(postJson(steward, "/api/catalog/datasets/" + slug + "/review", Map.of("decision", "APPROVE"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        MockHttpSession operator = login("admin");
        String queue = text(mvc.perform(get("/catalog/queue").session(operator)).andReturn());
        assertThat(queue).contains("review-" + slug);
        MvcResult approved = postJson(
                operator, "/api/catalog/datasets/" + slug + "/review", Map.of("decision", "APPROVE", "note", "Đồng ý"));
        assertThat(approved.getResponse().getStatus()).as(text(approved)).isEqualTo(200);
        assertThat(audit.search("CLASSIFICATION_REVIEWED", null, null, null, null, 20, 0))
                .anySatisfy(e -> assertThat(e.summary()).contains(slug, "approved"));

        MvcResult published = mvc.perform(post("/api/catalog/datasets/" + slug + "/publication")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(published.getResponse().getStatus()).as(text(published)).isEqualTo(200);
        assertThat(slugs(mvc.perform(get("/api/catalog/datasets").param("q", "khach hang nha thuoc"))
                        .andReturn()))
                .contains(slug);
        String page = text(mvc.perform(get("/catalog/datasets/" + slug)).andReturn());
        assertThat(page).contains("Dữ liệu dùng chung", "Y tế").doesNotContain("Nguyễn Thị Minh Khai");
        // A visitor cannot download shared data; the owner can, and that download is on the ledger.
        assertThat(mvc.perform(get("/catalog/datasets/" + slug + "/download"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        clock.advance(Duration.ofMinutes(2));
        MvcResult own = mvc.perform(
                        get("/catalog/datasets/" + slug + "/download").session(steward))
                .andReturn();
        assertThat(own.getResponse().getStatus()).isEqualTo(200);
        assertThat(text(own)).contains("Nguyễn Thị Minh Khai");
        assertThat(audit.search("DATASET_DOWNLOADED", null, null, null, null, 20, 0))
                .anySatisfy(e -> assertThat(e.summary()).contains(slug));
        // Freshness: promised daily, three days later it is flagged stale.
        clock.advance(Duration.ofDays(3));
        assertThat(text(mvc.perform(get("/catalog/datasets/" + slug)).andReturn()))
                .contains("id=\"stale-badge\"");
    }

    @Test
    void badUploadsPublishNothingAndSayWhy() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult broken = upload(steward, "yte.hong", "hong.csv", "a,b\n1,\"unterminated\n2,3\n");
        assertThat(broken.getResponse().getStatus()).as(text(broken)).isIn(422);
        assertThat(body(broken).get("type")).isEqualTo("https://datafloor.vn/problems/upload-rejected");
        assertThat(text(broken)).contains("Chưa có gì được công bố");
        MvcResult wrongType = upload(steward, "yte.hong", "virus.exe", "MZ");
        assertThat(wrongType.getResponse().getStatus()).isEqualTo(415);
        MvcResult empty = upload(steward, "yte.hong", "empty.csv", "a,b\n");
        assertThat(empty.getResponse().getStatus()).isEqualTo(422);
        MvcResult badName = upload(steward, "../../etc", "x.csv", "a\n1\n");
        assertThat(badName.getResponse().getStatus()).isEqualTo(400);
        assertThat(mvc.perform(get("/api/catalog/datasets/yte-hong").session(steward))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        // Another organisation's dataset name cannot be taken over.
        MvcResult takeover = upload(login("dkkd.dulieu"), "y-te.benh-nhan", "x.csv", "a\n1\n");
        assertThat(takeover.getResponse().getStatus()).isIn(404, 409);
    }

    @Test
    void twoUploadsAtOnceMakeTwoVersionsOfOneEntry() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Callable<Integer> call = () -> {
                    start.await();
                    return upload(steward, "yte.dong-thoi", "a.csv", PEOPLE_CSV)
                            .getResponse()
                            .getStatus();
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            for (Future<Integer> r : results) {
                assertThat(r.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Object> entry =
                body(mvc.perform(get("/api/catalog/datasets/yte-dong-thoi").session(steward))
                        .andReturn());
        assertThat(((Map<?, ?>) entry.get("latest")).get("version")).isEqualTo(2);
        List<?> versions = json.readValue(
                text(mvc.perform(get("/api/catalog/datasets/yte-dong-thoi/versions")
                                .session(steward))
                        .andReturn()),
                List.class);
        assertThat(versions).hasSize(2);
    }

    @Autowired
    CatalogService catalogService;

    @Autowired
    vn.datafloor.server.integration.DatasetPublishing publishing;

    @Autowired
    vn.datafloor.server.integration.IntegrationPaths paths;

    @Test
    void aVersionPublishedJustBeforeACrashIsFollowedAtTheNextStart() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        assertThat(upload(steward, "yte.sau-su-co", "a.csv", PEOPLE_CSV)
                        .getResponse()
                        .getStatus())
                .isEqualTo(201);
        // A second version reaches the lake, and the process dies before the catalog hears of it.
        clock.advance(Duration.ofMinutes(1));
        java.nio.file.Path staging = paths.lake().stage("yte.sau-su-co");
        try (java.sql.Connection duck = vn.datafloor.integration.lake.DuckDbConnections.open(null, "256MB", 1);
                java.sql.Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT 'x' AS ma, 'Nguyễn Văn An' AS ho_ten, 'chan doan' AS chan_doan) TO '"
                    + staging.resolve("part-0.parquet") + "' (FORMAT parquet)");
        }
        paths.lake()
                .publish(
                        staging,
                        new vn.datafloor.integration.lake.LakeManifest(
                                "yte.sau-su-co",
                                0,
                                clock.instant(),
                                1,
                                List.of(
                                        new vn.datafloor.integration.lake.LakeManifest.Column("ma", "VARCHAR"),
                                        new vn.datafloor.integration.lake.LakeManifest.Column("ho_ten", "VARCHAR"),
                                        new vn.datafloor.integration.lake.LakeManifest.Column("chan_doan", "VARCHAR")),
                                List.of("part-0.parquet"),
                                "test",
                                "test",
                                null,
                                Map.of("source", "test"),
                                null));
        assertThat(catalogService.forDataset("yte.sau-su-co").orElseThrow().columns())
                .extracting(CatalogEntry.Column::name)
                .doesNotContain("chan_doan");
        publishing.recordMissing(); // what the next start does: the lake is the truth
        assertThat(publishing.recorded("yte.sau-su-co", 2)).isTrue();
        CatalogEntry entry = catalogService.forDataset("yte.sau-su-co").orElseThrow();
        assertThat(entry.columns()).extracting(CatalogEntry.Column::name).containsExactly("ma", "ho_ten", "chan_doan");
        assertThat(entry.columns().get(2).proposedCategory()).isEqualTo("health");
        assertThat(entry.latest().version()).isEqualTo(2);
    }

    @Test
    void facetsNarrowResultsAndBadQueriesGetClearErrors() throws Exception {
        Map<String, Object> all = body(mvc.perform(get("/api/catalog/datasets")).andReturn());
        @SuppressWarnings("unchecked")
        Map<String, List<Map<String, Object>>> facets = (Map<String, List<Map<String, Object>>>) all.get("facets");
        assertThat(facets.get("sharing"))
                .extracting(f -> f.get("value"))
                .contains("open", "shared")
                .doesNotContain("private");
        MvcResult trade = mvc.perform(get("/api/catalog/datasets").param("theme", "trade"))
                .andReturn();
        assertThat(slugs(trade)).contains("qltt-san-pham");
        assertThat((List<?>) body(trade).get("results"))
                .allSatisfy(r -> assertThat(((List<?>) ((Map<?, ?>) r).get("themes")).contains("trade"))
                        .isTrue());
        assertThat(slugs(mvc.perform(get("/api/catalog/datasets")
                                .param("sharing", "open")
                                .param("personal", "yes"))
                        .andReturn()))
                .isEmpty();
        assertThat(mvc.perform(get("/api/catalog/datasets").param("sort", "price"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
        assertThat(mvc.perform(get("/api/catalog/datasets").param("limit", "5000"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
        for (String hostile : List.of("title:(x OR", "\"unbalanced", "*?\\", "AND OR NOT", "x".repeat(499))) {
            assertThat(mvc.perform(get("/api/catalog/datasets").param("q", hostile))
                            .andReturn()
                            .getResponse()
                            .getStatus())
                    .as(hostile)
                    .isEqualTo(200);
        }
        String html = text(mvc.perform(get("/catalog").param("theme", "trade").param("q", "<b>x</b>"))
                .andReturn());
        assertThat(html).contains("&lt;b&gt;x&lt;/b&gt;").doesNotContain("<b>x</b>");
        assertThat(text(mvc.perform(get("/catalog")).andReturn()))
                .contains("id=\"facet-theme\"", "id=\"facet-sharing\"");
        assertThat(text(mvc.perform(get("/dashboard").session(login("yte.dulieu")))
                        .andReturn()))
                .contains("id=\"tile-catalog\"");
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** Words the Vietnamese evidence must not hold: it is worded in Vietnamese, not the detector's English. */
    private static final java.util.Set<String> ENGLISH = java.util.Set.of(
            "of",
            "values",
            "are",
            "is",
            "the",
            "and",
            "in",
            "column",
            "name",
            "suggests",
            "suggested",
            "agree",
            "content",
            "phone",
            "numbers",
            "mobile",
            "rows",
            "birth",
            "year",
            "consistent",
            "with",
            "identity",
            "dates",
            "plausible",
            "look",
            "like",
            "person",
            "names",
            "proposed",
            "only",
            "hint",
            "but");

    /** The evidence under a column's personal-data choice on the steward's page, as the reader sees it. */
    private static String evidence(String page, String column) {
        java.util.regex.Matcher row = java.util.regex.Pattern.compile(
                        "id=\"edit-column-" + column + "\"(.*?)</tr>", java.util.regex.Pattern.DOTALL)
                .matcher(page);
        assertThat(row.find()).as(column).isTrue();
        java.util.regex.Matcher small = java.util.regex.Pattern.compile(
                        "<small class=\"muted evidence\">(.*?)</small>", java.util.regex.Pattern.DOTALL)
                .matcher(row.group(1));
        assertThat(small.find()).as(column + " evidence").isTrue();
        return org.springframework.web.util.HtmlUtils.htmlUnescape(small.group(1));
    }

    private static List<String> words(String text) {
        return List.of(text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}]+"));
    }

    @Test
    void personalDataEvidenceIsInTheReadersLanguageAndOlderProposalsShowTheirStoredText() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult uploaded = upload(steward, "yte.khach-hang-ngon-ngu", "khach-hang.csv", PEOPLE_CSV);
        assertThat(uploaded.getResponse().getStatus()).as(text(uploaded)).isEqualTo(201);
        Map<String, Object> entry = body(uploaded);
        String slug = (String) entry.get("slug");
        Map<String, String> apiEvidence = new LinkedHashMap<>();
        for (Object c : (List<?>) entry.get("columns")) {
            Map<?, ?> column = (Map<?, ?>) c;
            apiEvidence.put((String) column.get("name"), (String) column.get("proposedEvidence"));
            assertThat(column.containsKey("proposedEvidenceParts")).isFalse();
        }
        List<String> columns = List.of("ho_ten", "ngay_sinh", "so_cccd", "so_dien_thoai", "ma");

        String vietnamese =
                text(mvc.perform(get("/catalog/datasets/" + slug + "/edit").session(steward))
                        .andReturn());
        for (String column : columns) {
            String said = evidence(vietnamese, column);
            assertThat(words(said)).as(said).doesNotContainAnyElementsOf(ENGLISH);
        }
        assertThat(evidence(vietnamese, "so_dien_thoai"))
                .startsWith("Đề xuất Số điện thoại (")
                .contains("100% trong 5 giá trị là số điện thoại Việt Nam (100% là số di động)");
        assertThat(evidence(vietnamese, "so_cccd")).contains("năm sinh khớp với cột ngay_sinh: 100% trong 5 dòng");

        String english = text(
                mvc.perform(get("/catalog/datasets/" + slug + "/edit?lang=en").session(steward))
                        .andReturn());
        for (String column : columns) {
            // The page words the parts through the English bundle; the API's text is the detector's: the same.
            assertThat(evidence(english, column)).endsWith(apiEvidence.get(column));
        }
        assertThat(evidence(english, "so_dien_thoai"))
                .startsWith("Proposed Phone number (")
                .contains("100% of 5 values are Vietnamese phone numbers (100% mobile)");

        // A proposal stored before evidence had parts keeps its English text, shown as it was.
        jdbc.sql("update catalog_column set proposed_evidence_parts = null, proposed_evidence = ? where name = ?"
                        + " and dataset_id = (select id from catalog_dataset where slug = ?)")
                .params("column name ('sdt') suggests phone number", "so_dien_thoai", slug)
                .update();
        String older = text(
                mvc.perform(get("/catalog/datasets/" + slug + "/edit?lang=vi").session(steward))
                        .andReturn());
        assertThat(evidence(older, "so_dien_thoai")).endsWith(": column name ('sdt') suggests phone number");
        assertThat(words(evidence(older, "ho_ten"))).doesNotContainAnyElementsOf(ENGLISH);
    }
}
