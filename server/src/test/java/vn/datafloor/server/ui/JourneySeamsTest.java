package vn.datafloor.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.demo.DemoData;

/**
 * Seams of issue 15 that no other test held shut: where a citizen's "home" links lead, the steward's drafts on
 * their home, plain words and one way of writing numbers on the dashboards and run pages, blockers and form
 * errors in Vietnamese, the register's history and sex in words, UTF-8 declared on pages and text, and the
 * demo's quarantined rows within reach of a demo login.
 */
class JourneySeamsTest extends PlatformTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    vn.datafloor.server.linkage.RegisterService register;

    private MockHttpServletResponse response(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    private String page(String path, MockHttpSession session) throws Exception {
        MockHttpServletResponse response = response(get(path).session(session));
        assertThat(response.getStatus()).as(path).isEqualTo(200);
        String html = response.getContentAsString(StandardCharsets.UTF_8);
        assertThat(html).as(path + ": no untranslated key").doesNotContain("??");
        return html;
    }

    @Test
    void aCitizensLogoAndErrorPagesLeadToTheirOwnHomeNeverToTheDashboard() throws Exception {
        MockHttpSession citizen = login(DemoData.CITIZEN);
        for (String refused : List.of("/dashboard", "/users", "/exchange/contracts/987654321")) {
            MockHttpServletResponse error =
                    response(get(refused).session(citizen).accept("text/html"));
            assertThat(error.getStatus()).as(refused).isIn(403, 404);
            String html = error.getContentAsString(StandardCharsets.UTF_8);
            // The logo and "Về trang đầu" both lead to "/", never to a dashboard the citizen may not open.
            assertThat(html)
                    .as(refused)
                    .contains("class=\"brand\" href=\"/\"", "Về trang đầu", "id=\"nav-me\"")
                    .doesNotContain("href=\"/dashboard\"");
        }
        assertThat(response(get("/").session(citizen)).getRedirectedUrl()).isEqualTo("/me");
        assertThat(page("/me", citizen)).contains("id=\"nav-me\"");
    }

    private MvcResult upload(MockHttpSession session, String dataset, String content) throws Exception {
        return mvc.perform(multipart("/api/catalog/uploads")
                        .file(new MockMultipartFile(
                                "file", "tep.csv", "text/csv", content.getBytes(StandardCharsets.UTF_8)))
                        .param("dataset", dataset)
                        .session(session)
                        .with(csrf()))
                .andReturn();
    }

    private static final String DRAFT_CSV = """
            ma,ten_co_so,so_giuong
            1,Trạm y tế phường Ba Đình,12
            2,Trạm y tế phường Hoàn Kiếm,9
            """;

    @Test
    void theStewardsHomeNamesTheirDraftWaitingToBeDescribedAndPublished() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult uploaded = upload(steward, "yte.tram-y-te-nhap", DRAFT_CSV);
        assertThat(uploaded.getResponse().getStatus())
                .as(uploaded.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .isEqualTo(201);
        String home = page("/dashboard", steward);
        assertThat(home)
                .contains("data-task=\"catalogDescribe\"", "href=\"/catalog/queue\"")
                .contains("tập dữ liệu của tổ chức bạn chưa mô tả xong hoặc chưa công bố");
        assertThat(page("/catalog/queue", steward)).contains("yte-tram-y-te-nhap");
    }

    /**
     * In a Vietnamese page, a number of four digits or more without the thousands separator ("16228"), or a
     * decimal written with a point ("99.9"; "16.228" is a thousands separator and fine).
     */
    private static final Pattern UNGROUPED =
            Pattern.compile("class=\"num\">(\\d{4,}|\\d+\\.\\d{1,2})<|<td>(\\d{4,}|\\d+\\.\\d{1,2})</td>");

    @Test
    void dashboardsAndRunPagesSpeakPlainlyAndWriteEveryNumberTheReadersWay() throws Exception {
        MockHttpSession operator = login("admin");
        String home = page("/dashboard", operator);
        // The signed checkpoint in words a person uses, not the jargon of the first version.
        assertThat(home)
                .doesNotContain("Kích thước điểm kiểm tra", "điểm kiểm tra đã ký")
                .contains("Bản ghi đã được nền tảng ký xác nhận");
        Matcher ungrouped = UNGROUPED.matcher(home);
        assertThat(ungrouped.find())
                .as(ungrouped.find(0) ? ungrouped.group() : "")
                .isFalse();

        // A steward's run page and pipeline list: counts and scores as the explanation beside them writes them.
        MockHttpSession steward = login("hotich.dulieu");
        String runId = jdbc.sql("select r.id from pipeline_run r join app_user u on u.org_id = r.org_id "
                        + "where u.username = 'hotich.dulieu' and r.status = 'SUCCEEDED' "
                        + "order by r.queued_at desc limit 1")
                .query(String.class)
                .single();
        for (String path : List.of("/integration/runs/" + runId, "/integration/pipelines", "/dashboard")) {
            String html = page(path, steward);
            Matcher m = UNGROUPED.matcher(html);
            assertThat(m.find()).as(path + ": " + (m.find(0) ? m.group() : "")).isFalse();
            // The quality scores: a decimal comma in Vietnamese, never a point.
            assertThat(html).as(path).doesNotContainPattern(">\\d{1,3}\\.\\d( · [\\d.]+)?<");
        }
        String run = page("/integration/runs/" + runId, steward);
        assertThat(run).containsPattern("class=\"num\">\\d{1,3},\\d<");
        // The demo's civil registry extract has more than a thousand records: its count has a separator.
        long rowsIn = jdbc.sql("select rows_in from pipeline_run where id = ?")
                .param(runId)
                .query(Long.class)
                .single();
        assertThat(rowsIn).isGreaterThan(999);
        assertThat(run).contains("class=\"num\">" + String.format(Locale.GERMANY, "%,d", rowsIn) + "<");
        // Its log, as the engine wrote it in English, reads in Vietnamese.
        String log = run.substring(run.indexOf("id=\"run-log\""), run.indexOf("</pre>", run.indexOf("id=\"run-log\"")));
        assertThat(log).contains("Đã đọc", "Đã công bố").doesNotContain("Read ", "Published ", " rows");
        String english = page("/integration/runs/" + runId + "?lang=en", steward);
        assertThat(english)
                .containsPattern("class=\"num\">\\d{1,3}\\.\\d<")
                .contains("class=\"num\">" + String.format(Locale.UK, "%,d", rowsIn) + "<");
    }

    private static Set<String> englishBundleValues() throws IOException {
        Set<String> values = new HashSet<>();
        for (String name : List.of("messages_en.properties", "messages-steward_en.properties")) {
            Properties en = new Properties();
            try (InputStream in = JourneySeamsTest.class.getResourceAsStream("/" + name)) {
                en.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
            en.stringPropertyNames().forEach(k -> values.add(en.getProperty(k)));
        }
        return values;
    }

    @Test
    void aDraftsPublicationBlockersAndItsFormErrorsReadInVietnamese() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult uploaded = upload(steward, "yte.tram-y-te-loi", DRAFT_CSV);
        assertThat(uploaded.getResponse().getStatus()).isEqualTo(201);
        String slug = "yte-tram-y-te-loi";

        String editor = page("/catalog/datasets/" + slug + "/edit", steward);
        assertThat(editor)
                .contains("Hãy phân loại tập dữ liệu trước")
                .doesNotContain("Classify the dataset first", "classify the dataset (importance and sharing) first");

        // A description with a blank title and a wrong e-mail: every problem named, in Vietnamese.
        MockHttpServletResponse refused = response(post("/catalog/datasets/" + slug)
                .session(steward)
                .with(csrf())
                .param("titleVi", " ")
                .param("descriptionVi", "Danh sách trạm y tế")
                .param("contactName", "Phòng Kế hoạch")
                .param("contactEmail", "khong-phai-thu-dien-tu"));
        assertThat(refused.getStatus()).isEqualTo(200);
        String html = refused.getContentAsString(StandardCharsets.UTF_8);
        assertThat(html).contains("id=\"field-problems\"").doesNotContain("??");
        String problems = html.substring(
                html.indexOf("id=\"field-problems\""), html.indexOf("</ul>", html.indexOf("id=\"field-problems\"")));
        Matcher item = Pattern.compile("<li><span>([^<]+)</span>").matcher(problems);
        List<String> said = new ArrayList<>();
        while (item.find()) {
            said.add(item.group(1));
        }
        assertThat(said).as("the form's problems").hasSizeGreaterThanOrEqualTo(2);
        Set<String> english = englishBundleValues();
        assertThat(said).noneMatch(english::contains);
        assertThat(said).anyMatch(s -> s.chars().anyMatch(c -> c > 127));
    }

    @Test
    void theRegistersEntityPageWordsItsHistoryAndSex() throws Exception {
        // An entity made by linkage (its history starts with CREATED): other tests in this context split some.
        String id = jdbc.sql("""
                        select min(e.id) from register_entity e where e.sex = 'M' and e.retired_into is null
                        and exists (select 1 from register_event v where v.entity_id = e.id and v.kind = 'CREATED')""").query(String.class).single();
        String html = page("/register/entities/" + id, login("kiemtoan"));
        String golden =
                html.substring(html.indexOf("id=\"golden\""), html.indexOf("</table>", html.indexOf("id=\"golden\"")));
        assertThat(golden).contains("<td>Nam</td>").doesNotContain("<td>M</td>");
        // Dates one way on the page: the linked records' birth dates as the golden values write them.
        String members = html.substring(
                html.indexOf("id=\"members\""), html.indexOf("</table>", html.indexOf("id=\"members\"")));
        assertThat(members).containsPattern("\\d{2}/\\d{2}/\\d{4}").doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}");
        String history =
                html.substring(html.indexOf("id=\"history\""), html.indexOf("</ul>", html.indexOf("id=\"history\"")));
        assertThat(history)
                .contains("Tạo mới")
                .containsPattern("tạo từ \\d+ bản ghi")
                .doesNotContain("CREATED", "record(s)", "created from");
    }

    private static final String FIXTURE_RUN = "journey-seams-review";

    @Test
    void theReviewQueuePagesTwentyFiveAtATimeAndEveryPairIsOnAPage() throws Exception {
        // The demo leaves only a few uncertain pairs; more than a page of pairs between its real records,
        // with the evidence of a real pair, removed again at the end.
        var like = jdbc.sql("select probability, weight, contributions from register_review order by id limit 1")
                .query((rs, n) -> new Object[] {rs.getDouble(1), rs.getDouble(2), rs.getString(3)})
                .single();
        List<String> keys = jdbc.sql("select record_key from register_member order by record_key limit 41")
                .query(String.class)
                .list();
        try {
            for (int i = 0; i + 1 < keys.size(); i++) {
                jdbc.sql(
                                "insert into register_review(left_key, right_key, probability, weight, contributions, status, run_id) "
                                        + "select cast(? as varchar(250)), cast(? as varchar(250)), cast(? as double precision), "
                                        + "cast(? as double precision), cast(? as varchar(4000)), 'PENDING', cast(? as varchar(40)) "
                                        + "where not exists "
                                        + "(select 1 from register_review where left_key = ? and right_key = ?)")
                        .params(
                                keys.get(i),
                                keys.get(i + 1),
                                like[0],
                                like[1],
                                like[2],
                                FIXTURE_RUN,
                                keys.get(i),
                                keys.get(i + 1))
                        .update();
            }
            long pending = register.pendingReviews();
            assertThat(pending).as("more pairs than one page holds").isGreaterThan(25);
            long pages = (pending + 24) / 25;
            MockHttpSession operator = login("admin");
            Set<String> shown = new HashSet<>();
            for (long p = 0; p < pages; p++) {
                String html = page("/register/review?page=" + p, operator);
                long expected = p < pages - 1 ? 25 : pending - 25 * (pages - 1);
                assertThat(html.split("class=\"small secondary\"", -1).length - 1)
                        .as("both decisions of each pair on page " + p)
                        .isEqualTo(2 * (int) expected);
                assertThat(html.contains("id=\"review-previous\""))
                        .as("previous on page " + p)
                        .isEqualTo(p > 0);
                assertThat(html.contains("id=\"review-next\""))
                        .as("next on page " + p)
                        .isEqualTo(p < pages - 1);
                Matcher pair = Pattern.compile("id=\"review-(\\d+)\"").matcher(html);
                while (pair.find()) {
                    assertThat(shown.add(pair.group(1)))
                            .as("pair " + pair.group(1) + " on one page only")
                            .isTrue();
                }
            }
            List<String> all = jdbc.sql("select cast(id as varchar(20)) from register_review where status = 'PENDING'")
                    .query(String.class)
                    .list();
            assertThat(shown).containsExactlyInAnyOrderElementsOf(all);
        } finally {
            jdbc.sql("delete from register_review where run_id = ?")
                    .param(FIXTURE_RUN)
                    .update();
        }
    }

    @Test
    void thePortalHomeFeaturesOpenDataBesideTheRecentlyUpdated() throws Exception {
        String portal = response(get("/portal")).getContentAsString(StandardCharsets.UTF_8);
        assertThat(portal).contains("id=\"featured\"", "id=\"featured-qltt-san-pham\"", "id=\"recent\"");
    }

    @Test
    void pagesTextAndFilesDeclareUtf8() throws Exception {
        MockHttpSession auditor = login("kiemtoan");
        for (String path : List.of("/portal", "/catalog", "/catalog/datasets/qltt-san-pham", "/dashboard", "/audit")) {
            MockHttpServletResponse r = response(get(path).session(auditor).accept("text/html"));
            assertThat(r.getStatus()).as(path).isEqualTo(200);
            assertThat(r.getContentType()).as(path).isEqualToIgnoringCase("text/html;charset=UTF-8");
            assertThat(r.getContentAsString(StandardCharsets.UTF_8)).as(path).contains("<meta charset=\"utf-8\">");
        }
        MockHttpServletResponse missing =
                response(get("/catalog/datasets/khong-co-tap-nay").accept("text/html"));
        assertThat(missing.getStatus()).isEqualTo(404);
        assertThat(missing.getContentType()).isEqualToIgnoringCase("text/html;charset=UTF-8");
        mvc.perform(post("/api/ledger/checkpoints").session(login("admin")).with(csrf()));
        for (String path : List.of(
                "/ledger/checkpoint",
                "/ledger/public-key",
                "/catalog/datasets/qltt-san-pham/download?format=csv",
                "/catalog.ttl")) {
            MockHttpServletResponse r = response(get(path));
            assertThat(r.getStatus()).as(path).isEqualTo(200);
            assertThat(r.getContentType().toLowerCase(Locale.ROOT).replace(" ", ""))
                    .as(path)
                    .startsWith("text/")
                    .contains("charset=utf-8");
        }
    }

    @Test
    void theDemosQuarantinedRowsAreWithinReachOfTheirStewardAndTheOperator() throws Exception {
        List<String> runs = jdbc.sql("select id from pipeline_run where status = 'SUCCEEDED' and rows_quarantined > 0")
                .query(String.class)
                .list();
        assertThat(runs).as("the demo quarantines some rows").isNotEmpty();
        String runId = runs.get(0);
        String steward = jdbc.sql("select min(u.username) from app_user u join user_role r on r.user_id = u.id "
                        + "join pipeline_run p on p.org_id = u.org_id "
                        + "where p.id = ? and r.role = 'DATA_STEWARD'")
                .param(runId)
                .query(String.class)
                .single();
        assertThat(steward).as("a demo login stewards the run's organisation").isNotNull();
        MockHttpSession session = login(steward);
        String quarantine = page("/integration/runs/" + runId + "/quarantine", session);
        assertThat(quarantine).contains("id=\"quarantine\"", "rerun-with-fixes");
        long rows = jdbc.sql("select rows_quarantined from pipeline_run where id = ?")
                .param(runId)
                .query(Long.class)
                .single();
        assertThat(quarantine.split("/quarantine/", -1).length - 1)
                .as("each quarantined row, with a link to fix or release it")
                .isEqualTo((int) Math.min(rows, 50));
        // The operator reads them too (without deciding for the owner).
        assertThat(page("/integration/runs/" + runId + "/quarantine", login("admin")))
                .contains("id=\"quarantine\"")
                .doesNotContain("rerun-with-fixes");
    }
}
