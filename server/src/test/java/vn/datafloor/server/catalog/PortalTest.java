package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.AuditRecord;

/** The open data portal: home, publishers' pages, dataset requests, and the dataset page's seams (issue 15). */
class PortalTest extends PlatformTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditQueries audit;

    @Autowired
    MessageSource messages;

    private static String text(MvcResult result) throws Exception {
        return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    private String page(MockHttpServletRequestBuilder request) throws Exception {
        MvcResult result = mvc.perform(request).andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        String body = text(result);
        assertThat(body).as("no untranslated key").doesNotContain("??");
        return body;
    }

    private long orgOf(String slug) {
        return jdbc.sql("select org_id from catalog_dataset where slug = ?")
                .param(slug)
                .query(Long.class)
                .single();
    }

    /** A request from its own client address, so the per-address limit of one test does not touch another's. */
    private static MockHttpServletRequestBuilder from(MockHttpServletRequestBuilder request, String address) {
        return request.with(r -> {
            r.setRemoteAddr(address);
            return r;
        });
    }

    @Test
    void visitorsLandOnAPortalHomeWithThemesCountsRecentDatasetsAndPublishers() throws Exception {
        assertThat(mvc.perform(get("/")).andReturn().getResponse().getRedirectedUrl())
                .isEqualTo("/portal");
        String home = page(get("/portal"));
        assertThat(home).contains("id=\"portal-intro\"", "Datafloor là nền tảng dữ liệu quốc gia");
        // Search is there, with a suggestion that finds something.
        assertThat(home).contains("id=\"catalog-q\"");
        // Themes with counts: the open product list is about trade.
        assertThat(home).containsPattern("(?s)id=\"themes\".*Thương mại</span>\\s*<span class=\"count\">[1-9]");
        assertThat(home).contains("id=\"recent-qltt-san-pham\"");
        assertThat(home).contains("/catalog/publishers/" + orgOf("qltt-san-pham"));
        // Only what anyone may read: no draft, private or core dataset of the demo.
        List<String> hidden = jdbc.sql(
                        "select slug from catalog_dataset where status <> 'PUBLISHED' or sharing = 'private' "
                                + "or importance = 'core'")
                .query(String.class)
                .list();
        assertThat(hidden).isNotEmpty();
        for (String slug : hidden) {
            assertThat(home).doesNotContain("/catalog/datasets/" + slug + "\"");
        }
        assertThat(page(get("/portal").param("lang", "en"))).contains("Open data portal", "Recently updated");
    }

    @Test
    void aPublisherPageListsOnlyThatPublishersPublishedDatasets() throws Exception {
        long org = orgOf("qltt-san-pham");
        String publisher = page(get("/catalog/publishers/" + org));
        assertThat(publisher).contains("id=\"publisher-qltt-san-pham\"", "Cục Quản lý thị trường");
        for (String slug : jdbc.sql("select slug from catalog_dataset where org_id <> ?")
                .param(org)
                .query(String.class)
                .list()) {
            assertThat(publisher).doesNotContain("id=\"publisher-" + slug + "\"");
        }
        for (String slug : jdbc.sql("select slug from catalog_dataset where org_id = ? and status <> 'PUBLISHED'")
                .param(org)
                .query(String.class)
                .list()) {
            assertThat(publisher).doesNotContain("id=\"publisher-" + slug + "\"");
        }
        // Its own steward describes it; another organisation's steward may not.
        MockHttpSession steward = login("qltt.dulieu");
        assertThat(publisher).doesNotContain("id=\"describe-publisher\"");
        assertThat(page(get("/catalog/publishers/" + org).session(steward))).contains("id=\"describe-publisher\"");
        mvc.perform(post("/catalog/publishers/" + org)
                        .session(steward)
                        .with(csrf())
                        .param(
                                "descriptionVi",
                                "Cơ quan quản lý thị trường, công bố danh mục sản phẩm đã công bố chất lượng.")
                        .param("descriptionEn", "The market surveillance agency."))
                .andReturn();
        assertThat(page(get("/catalog/publishers/" + org))).contains("Cơ quan quản lý thị trường, công bố danh mục");
        assertThat(page(get("/catalog/publishers/" + org).param("lang", "en")))
                .contains("The market surveillance agency.");
        assertThat(mvc.perform(post("/catalog/publishers/" + org)
                                .session(login("yte.dulieu"))
                                .with(csrf())
                                .param("descriptionVi", "Không phải của tôi"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        assertThat(page(get("/catalog/publishers/" + org))).doesNotContain("Không phải của tôi");
        assertThat(audit.search("PUBLISHER_DESCRIBED", null, null, null, null, 20, 0))
                .isNotEmpty();
        assertThat(mvc.perform(get("/catalog/publishers/999999"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
    }

    @Test
    void anyoneRequestsADatasetPublicListingHidesTheContactAPublisherAnswersAndTheOperatorClosesSpam()
            throws Exception {
        long qltt = orgOf("qltt-san-pham");
        String contact = "nguoi.hoi@example.vn";
        // Anonymous without a contact: refused, with the form kept.
        MvcResult noContact = mvc.perform(from(post("/catalog/requests"), "198.51.100.21")
                        .with(csrf())
                        .param("title", "Giá lúa theo tỉnh")
                        .param("description", "Giá lúa hằng tháng theo tỉnh, 2020–2025, để nghiên cứu."))
                .andReturn();
        assertThat(noContact.getResponse().getStatus()).isEqualTo(400);
        assertThat(text(noContact)).contains("Hãy để lại thư điện tử hoặc số điện thoại", "Giá lúa theo tỉnh");
        // With a contact: filed, listed publicly without the contact, on the ledger without it either.
        MvcResult filed = mvc.perform(from(post("/catalog/requests"), "198.51.100.21")
                        .with(csrf())
                        .param("title", "Giá lúa theo tỉnh")
                        .param("description", "Giá lúa hằng tháng theo tỉnh, 2020–2025, để nghiên cứu.")
                        .param("contact", contact)
                        .param("publisher", Long.toString(qltt)))
                .andReturn();
        assertThat(filed.getResponse().getStatus()).isEqualTo(302);
        long id = jdbc.sql("select max(id) from catalog_request where title = 'Giá lúa theo tỉnh'")
                .query(Long.class)
                .single();
        String list = page(get("/catalog/requests"));
        assertThat(list)
                .contains("id=\"request-" + id + "\"", "Giá lúa theo tỉnh")
                .doesNotContain(contact);
        assertThat(page(get("/catalog/requests").session(login("yte.dulieu")))).doesNotContain(contact);
        assertThat(page(get("/catalog/requests").session(login("qltt.dulieu")))).contains(contact);
        assertThat(page(get("/catalog/requests").session(login("admin")))).contains(contact);
        AuditRecord requested = audit.search("DATASET_REQUESTED", null, null, null, null, 50, 0).stream()
                .filter(r -> r.summary().contains("#" + id + ":"))
                .findFirst()
                .orElseThrow();
        assertThat(text(mvc.perform(get("/ledger/entries/" + requested.ledgerIndex()))
                        .andReturn()))
                .doesNotContain(contact);
        assertThat(page(get("/catalog/publishers/" + qltt))).contains("Giá lúa theo tỉnh");

        // An analyst is no publisher: cannot answer. The publisher's steward answers, pointing at a dataset.
        assertThat(mvc.perform(post("/catalog/requests/" + id + "/answers")
                                .session(login("saomai.phantich"))
                                .with(csrf())
                                .param("body", "Có"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        mvc.perform(post("/catalog/requests/" + id + "/answers")
                        .session(login("qltt.dulieu"))
                        .with(csrf())
                        .param("body", "Chúng tôi chưa có giá lúa; danh mục sản phẩm có thể giúp.")
                        .param("dataset", "qltt-san-pham"))
                .andReturn();
        String answered = page(get("/catalog/requests"));
        assertThat(answered).contains("Chúng tôi chưa có giá lúa", "/catalog/datasets/qltt-san-pham");
        assertThat(jdbc.sql("select status from catalog_request where id = ?")
                        .param(id)
                        .query(String.class)
                        .single())
                .isEqualTo("ANSWERED");
        assertThat(audit.search("DATASET_REQUEST_ANSWERED", null, null, null, null, 50, 0))
                .anySatisfy(r -> assertThat(r.summary()).contains("#" + id + " "));

        // Only the operator closes; the closed request leaves the public list.
        assertThat(mvc.perform(post("/catalog/requests/" + id + "/closure")
                                .session(login("qltt.dulieu"))
                                .with(csrf())
                                .param("reason", "thư rác"))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        mvc.perform(post("/catalog/requests/" + id + "/closure")
                        .session(login("admin"))
                        .with(csrf())
                        .param("reason", "Thư rác"))
                .andReturn();
        assertThat(page(get("/catalog/requests"))).doesNotContain("id=\"request-" + id + "\"");
        assertThat(page(get("/catalog/requests").session(login("admin"))))
                .contains("id=\"request-" + id + "\"", "Thư rác");
        assertThat(audit.search("DATASET_REQUEST_CLOSED", null, null, null, null, 50, 0))
                .anySatisfy(r -> assertThat(r.summary()).contains("#" + id + " "));
    }

    @Test
    void requestsAreLimitedPerClientAddressAndInSize() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(mvc.perform(from(post("/catalog/requests"), "198.51.100.77")
                                    .with(csrf())
                                    .param("title", "Dữ liệu thử " + i)
                                    .param("description", "Một đề nghị để thử giới hạn.")
                                    .param("contact", "0912345678"))
                            .andReturn()
                            .getResponse()
                            .getStatus())
                    .isEqualTo(302);
        }
        MvcResult limited = mvc.perform(from(post("/catalog/requests"), "198.51.100.77")
                        .with(csrf())
                        .param("title", "Dữ liệu thử 6")
                        .param("description", "Một đề nghị để thử giới hạn.")
                        .param("contact", "0912345678"))
                .andReturn();
        assertThat(limited.getResponse().getStatus()).isEqualTo(429);
        assertThat(limited.getResponse().getHeader("Retry-After")).isNotBlank();
        MvcResult tooLong = mvc.perform(from(post("/catalog/requests"), "198.51.100.78")
                        .with(csrf())
                        .param("title", "x".repeat(201))
                        .param("description", "Một đề nghị quá dài.")
                        .param("contact", "0912345678"))
                .andReturn();
        assertThat(tooLong.getResponse().getStatus()).isEqualTo(400);
        MvcResult badContact = mvc.perform(from(post("/catalog/requests"), "198.51.100.78")
                        .with(csrf())
                        .param("title", "Dữ liệu thử")
                        .param("description", "Một đề nghị với liên hệ sai.")
                        .param("contact", "<script>"))
                .andReturn();
        assertThat(badContact.getResponse().getStatus()).isEqualTo(400);
    }

    @Test
    void aSharedDatasetsDownloadBoxSaysWhyAndWhatToDoNext() throws Exception {
        String shared = page(get("/catalog/datasets/dkkd-doanh-nghiep"));
        assertThat(shared).contains("id=\"download-why\"", "Dữ liệu dùng chung: gửi yêu cầu truy cập");
        assertThat(shared).contains("id=\"next-sign-in\"");
        assertThat(shared).doesNotContain("id=\"download-csv\"");
        assertThat(page(get("/catalog/datasets/dkkd-doanh-nghiep").param("lang", "en")))
                .contains("Shared data")
                .doesNotContain("??");
        // "Request access" opens the request form filled in with the dataset and its publisher.
        String form = page(get("/catalog/requests").param("dataset", "dkkd-doanh-nghiep"));
        assertThat(form).contains("Đề nghị truy cập: ");
        assertThat(form).containsPattern("value=\"" + orgOf("dkkd-doanh-nghiep") + "\" selected");
    }

    @Test
    void anOpenDatasetPageHasDownloadsFirstCodeToUseItAndHonestLabels() throws Exception {
        String open = page(get("/catalog/datasets/qltt-san-pham"));
        int downloads = open.indexOf("id=\"downloads\"");
        assertThat(downloads).isPositive().isLessThan(open.indexOf("id=\"preview\""));
        assertThat(downloads).isLessThan(open.indexOf("id=\"schema\""));
        assertThat(open).contains("id=\"use-from-code\"", "/api/3/action/package_show?id=qltt-san-pham");
        assertThat(open).contains("/catalog.ttl", "/catalog/datasets/qltt-san-pham/download?format=csv");
        // A published "other" dataset does not wait for the operator, and is not labelled so.
        assertThat(jdbc.sql(
                                "select importance || '/' || review_status from catalog_dataset where slug = 'qltt-san-pham'")
                        .query(String.class)
                        .single())
                .isEqualTo("other/PENDING");
        assertThat(open).doesNotContain("Chờ đơn vị vận hành xem xét").contains("không phải chờ đơn vị vận hành");
        // Every column says what it is, or that it has no description yet.
        int columns = count(open, "id=\"column-");
        assertThat(columns).isPositive();
        assertThat(count(open, "class=\"column-description\"") + count(open, "no-description\""))
                .isEqualTo(columns);
        // The demo has one version with a quality report: its score is a number, not a one-dot chart.
        assertThat(open).contains("id=\"quality-one\"").doesNotContain("<svg class=\"trend\"");
        // Tables scroll inside their box, not the page.
        assertThat(open).contains("<div class=\"scroll\"><table>");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void theCatalogCountsInTheRightPluralAndSuggestsSearchesThatFindSomething() throws Exception {
        assertThat(messages.getMessage("catalog.count", new Object[] {1L}, Locale.ENGLISH))
                .isEqualTo("1 dataset");
        assertThat(messages.getMessage("catalog.count", new Object[] {0L}, Locale.ENGLISH))
                .isEqualTo("No datasets");
        assertThat(messages.getMessage("catalog.count", new Object[] {16228L}, Locale.ENGLISH))
                .isEqualTo("16,228 datasets");
        assertThat(messages.getMessage("catalog.count", new Object[] {16228L}, Locale.forLanguageTag("vi")))
                .isEqualTo("16.228 tập dữ liệu");
        String english =
                page(get("/catalog").param("q", "san pham cong bo chat luong").param("lang", "en"));
        assertThat(english).doesNotContainPattern(">1 datasets<").containsPattern("id=\"catalog-count\">[^<]*dataset");
        // The placeholder's examples each find a public dataset.
        String placeholder = messages.getMessage("catalog.placeholder", null, Locale.forLanguageTag("vi"));
        String examples = placeholder.substring(placeholder.indexOf(':') + 1);
        for (String example : examples.split(",")) {
            String found = page(get("/catalog").param("q", example.strip()));
            assertThat(found).as(example).contains("id=\"hit-");
        }
        // Filters apply on change (a no-script button stays) and fold into a details element.
        String catalog = page(get("/catalog"));
        assertThat(catalog).contains("data-autosubmit", "data-nojs-only", "<details id=\"facet-details\"");
    }
}
