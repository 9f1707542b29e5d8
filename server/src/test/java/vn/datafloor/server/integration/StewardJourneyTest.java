package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;

/**
 * The steward's part of every role's journey (issue 15): a quality report with human rule names and an honest
 * score, a quarantine the operator can read too, fixing and releasing quarantined rows and running again with
 * the fixes, and pipeline schedules set in the editor and run by the platform.
 */
class StewardJourneyTest extends PlatformTest {

    @Autowired
    JsonMapper json;

    @Autowired
    AuditQueries audit;

    @Autowired
    RunService runs;

    @Autowired
    IntegrationStore store;

    @Autowired
    DatasetColumnTags tags;

    static final String CSV = """
            record_id,ho_ten,ngay_sinh,trang_thai
            1,Nguyễn Văn An,1990-01-02,A
            2,,05/03/1991,B
            3,Trần Thị Bình,1985-04-03,SAI
            3,Trần Thị Bình,1985-04-03,A
            """;

    static String spec(String name, String dataset) {
        return """
                pipeline: %s
                source: {ref: steward.nguoi}
                target: {dataset: %s}
                mapping:
                  record_id: record_id
                  full_name: ho_ten
                  birth_raw: ngay_sinh
                  status_code: trang_thai
                standardize:
                  birth_date: std_date(birth_raw).value
                quality:
                  - {rule: completeness, columns: [full_name], severity: reject}
                  - {rule: uniqueness, columns: [record_id], severity: reject}
                  - {rule: validity, name: status_known, check: "status_code IN ('A', 'B')", severity: reject}
                key: [record_id]
                """.formatted(name, dataset);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(MvcResult result) throws Exception {
        return json.readValue(result.getResponse().getContentAsString(StandardCharsets.UTF_8), Map.class);
    }

    private MvcResult postJson(MockHttpSession session, String url, Object body) throws Exception {
        return mvc.perform(post(url)
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(body)))
                .andReturn();
    }

    private int status(MockHttpSession session, String url) throws Exception {
        return mvc.perform(get(url).session(session)).andReturn().getResponse().getStatus();
    }

    private String page(MockHttpSession session, String url) throws Exception {
        MvcResult result = mvc.perform(get(url).session(session)).andReturn();
        assertThat(result.getResponse().getStatus()).as(url).isEqualTo(200);
        return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    private Map<String, Object> waitForEnd(MockHttpSession session, String runId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(300));
        while (Instant.now().isBefore(deadline)) {
            Map<String, Object> run =
                    body(mvc.perform(get("/api/runs/" + runId).session(session)).andReturn());
            if (!List.of("QUEUED", "RUNNING").contains(run.get("status"))) {
                return run;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("run " + runId + " did not end within 300 s");
    }

    private Map<String, Object> runNow(MockHttpSession steward, long pipelineId) throws Exception {
        MvcResult started = mvc.perform(post("/api/pipelines/" + pipelineId + "/runs")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(started.getResponse().getStatus()).isEqualTo(202);
        Map<String, Object> run = waitForEnd(steward, (String) body(started).get("id"));
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");
        return run;
    }

    private void registerSource(MockHttpSession steward) throws Exception {
        if (status(steward, "/api/sources") == 200
                && mvc.perform(get("/api/sources").session(steward))
                        .andReturn()
                        .getResponse()
                        .getContentAsString(StandardCharsets.UTF_8)
                        .contains("steward.nguoi")) {
            return;
        }
        MvcResult created = postJson(
                steward,
                "/api/sources",
                Map.of("name", "steward.nguoi", "type", "csv", "settings", Map.of("encoding", "auto")));
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        long id = ((Number) body(created).get("id")).longValue();
        assertThat(mvc.perform(multipart("/api/sources/" + id + "/file")
                                .file(new MockMultipartFile(
                                        "file", "nguoi.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8)))
                                .session(steward)
                                .with(csrf()))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
    }

    @Test
    void aStewardReadsAnHonestReportFixesAndReleasesQuarantinedRowsAndRunsAgainWithTheFixes() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        registerSource(steward);
        MvcResult saved = postJson(steward, "/api/pipelines", Map.of("spec", spec("steward-nguoi", "steward.nguoi")));
        assertThat(saved.getResponse().getStatus()).isEqualTo(200);
        long pipelineId = ((Number) body(saved).get("id")).longValue();

        Map<String, Object> first = runNow(steward, pipelineId);
        String runId = (String) first.get("id");
        assertThat(((Number) first.get("rowsPublished")).longValue()).isEqualTo(1);
        assertThat(((Number) first.get("rowsQuarantined")).longValue()).isEqualTo(3);

        // The score counts clean records only: row 1; row 2's 05/03/1991 is also a guessed date.
        @SuppressWarnings("unchecked")
        Map<String, Object> quality = (Map<String, Object>) first.get("quality");
        assertThat(((Number) quality.get("overallScore")).doubleValue()).isEqualTo(25.0);
        assertThat(((Number) quality.get("rowsClean")).longValue()).isEqualTo(1);

        // The catalog's tags reach the next report's masks: a status code is not personal, a name is.
        Instant described = Instant.now().plus(Duration.ofSeconds(30));
        while (!tags.notPersonal("steward.nguoi").contains("status_code")
                && Instant.now().isBefore(described)) {
            Thread.onSpinWait();
        }
        assertThat(tags.notPersonal("steward.nguoi")).contains("status_code").doesNotContain("full_name");

        // The report page names rules for people and says how the score is made.
        String report = page(steward, "/integration/runs/" + runId);
        assertThat(report)
                .contains("Họ và tên không được để trống")
                .contains("Mã bản ghi không được trùng lặp")
                .contains("Ngày sinh phải đọc được chắc chắn")
                .contains("tỉ lệ bản ghi sạch");

        // The operator reads the quarantine (on the ledger); an auditor does not; another organisation sees nothing.
        MockHttpSession operator = login("admin");
        assertThat(page(operator, "/integration/runs/" + runId + "/quarantine")).contains("SAI");
        assertThat(status(login("kiemtoan"), "/integration/runs/" + runId + "/quarantine"))
                .isEqualTo(403);
        MockHttpSession otherSteward = login("thue.dulieu");
        assertThat(status(otherSteward, "/api/runs/" + runId + "/quarantine")).isEqualTo(404);
        assertThat(postJson(otherSteward, "/api/runs/" + runId + "/quarantine/2/release", Map.of("reason", "x"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        // The operator reads but does not decide for the data's owner.
        assertThat(postJson(operator, "/api/runs/" + runId + "/quarantine/2/release", Map.of("reason", "x"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);

        // A fix that still fails is refused, naming the rule; one that passes is kept.
        MvcResult stillBad = postJson(
                steward, "/api/runs/" + runId + "/quarantine/3/fix", Map.of("values", Map.of("status_code", "SAI2")));
        assertThat(stillBad.getResponse().getStatus()).isEqualTo(422);
        assertThat(stillBad.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("status_known");
        MvcResult fixed = postJson(
                steward, "/api/runs/" + runId + "/quarantine/3/fix", Map.of("values", Map.of("status_code", "A")));
        assertThat(fixed.getResponse().getStatus()).isEqualTo(200);
        assertThat(body(fixed).get("decision")).isEqualTo("FIX");
        // Only mapped columns can be corrected.
        assertThat(postJson(
                                steward,
                                "/api/runs/" + runId + "/quarantine/3/fix",
                                Map.of("values", Map.of("birth_date", "1985-04-03")))
                        .getResponse()
                        .getStatus())
                .isEqualTo(422);

        // A release needs a reason; a duplicate key is not released.
        MvcResult noReason = postJson(steward, "/api/runs/" + runId + "/quarantine/2/release", Map.of("reason", "  "));
        assertThat(noReason.getResponse().getStatus()).isEqualTo(422);
        assertThat(postJson(
                                steward,
                                "/api/runs/" + runId + "/quarantine/4/release",
                                Map.of("reason", "the same person"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(422);
        MvcResult released = postJson(
                steward,
                "/api/runs/" + runId + "/quarantine/2/release",
                Map.of("reason", "Họ tên được xác nhận bổ sung sau"));
        assertThat(released.getResponse().getStatus()).isEqualTo(200);
        assertThat(audit.search("QUARANTINE_ROW_RELEASED", null, null, null, null, 10, 0))
                .anySatisfy(e -> assertThat(e.summary()).contains("Họ tên được xác nhận bổ sung sau"));
        assertThat(audit.search("QUARANTINE_ROW_FIXED", null, null, null, null, 10, 0))
                .anySatisfy(e -> assertThat(e.summary()).contains("record 3").doesNotContain("SAI"));

        // The quarantine page shows the decisions; the row page offers both ways.
        assertThat(page(steward, "/integration/runs/" + runId + "/quarantine"))
                .contains("Đã sửa", "Đã cho qua", "rerun-with-fixes");
        assertThat(page(steward, "/integration/runs/" + runId + "/quarantine/4"))
                .contains("fix-form", "release-form");

        // Run again: the fixed and the released rows are published in the next version; the duplicate stays out.
        Map<String, Object> second = runNow(steward, pipelineId);
        assertThat(second.get("reused")).isEqualTo(false);
        assertThat(((Number) second.get("rowsPublished")).longValue()).isEqualTo(3);
        assertThat(((Number) second.get("rowsQuarantined")).longValue()).isEqualTo(1);
        assertThat(((Number) second.get("datasetVersion")).intValue())
                .isGreaterThan(((Number) first.get("datasetVersion")).intValue());
    }

    @Test
    void aScheduleSetInTheEditorIsShownInWordsAndThePlatformRunsItWhenDue() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        registerSource(steward);
        String yaml = spec("steward-lich", "steward.lich");

        // A schedule a person cannot mean is refused, saying what to write.
        String refused = mvc.perform(post("/integration/pipelines")
                        .session(steward)
                        .with(csrf())
                        .param("spec", yaml)
                        .param("schedule", "0 0 25 * * *"))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(refused).contains("giờ 0–23");

        MvcResult saved = mvc.perform(post("/integration/pipelines")
                        .session(steward)
                        .with(csrf())
                        .param("spec", yaml)
                        .param("schedule", "0 2 * * *"))
                .andReturn();
        assertThat(saved.getResponse().getRedirectedUrl()).startsWith("/integration/pipelines/");
        IntegrationStore.PipelineRow pipeline = store.pipelines(null).stream()
                .filter(p -> p.name().equals("steward-lich"))
                .findFirst()
                .orElseThrow();
        assertThat(pipeline.schedule()).isEqualTo("0 0 2 * * *");
        assertThat(pipeline.spec()).contains("schedule: \"0 0 2 * * *\"");

        String list = page(steward, "/integration/pipelines");
        assertThat(list).contains("Hằng ngày lúc 02:00");
        String english = mvc.perform(get("/integration/pipelines")
                        .session(login("yte.dulieu"))
                        .param("lang", "en"))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(english).contains("Every day at 02:00");

        // Not due yet: nothing starts.
        runs.startScheduled();
        assertThat(scheduledRuns(pipeline.id())).isEmpty();

        // A day later the platform starts it, once.
        clock.advance(Duration.ofDays(1));
        runs.startScheduled();
        List<IntegrationStore.RunRow> scheduled = scheduledRuns(pipeline.id());
        assertThat(scheduled).hasSize(1);
        Map<String, Object> run = waitForEnd(steward, scheduled.get(0).id());
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");
        runs.startScheduled();
        assertThat(scheduledRuns(pipeline.id())).hasSize(1);
    }

    /** The task a home page shows under {@code key}, if any: its whole list item. */
    private static String task(String home, String key) {
        java.util.regex.Matcher item = java.util.regex.Pattern.compile(
                        "<li[^>]*data-task=\"" + key + "\"[^>]*>.*?</li>", java.util.regex.Pattern.DOTALL)
                .matcher(home);
        return item.find() ? item.group() : null;
    }

    @Test
    void aFailedRunIsAnUrgentAlertOnItsStewardsAndTheOperatorsHomeUntilARunSucceeds() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        registerSource(steward);
        String failing = """
                pipeline: steward-hong
                source: {ref: steward.nguoi}
                target: {dataset: steward.hong}
                mapping:
                  record_id: record_id
                  full_name: ho_ten
                  birth_date: CAST(trang_thai AS DATE)
                key: [record_id]
                """;
        MvcResult saved = postJson(steward, "/api/pipelines", Map.of("spec", failing));
        assertThat(saved.getResponse().getStatus()).isEqualTo(200);
        long pipelineId = ((Number) body(saved).get("id")).longValue();
        MvcResult started = mvc.perform(post("/api/pipelines/" + pipelineId + "/runs")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(started.getResponse().getStatus()).isEqualTo(202);
        String runId = (String) body(started).get("id");
        assertThat(waitForEnd(steward, runId).get("status")).isEqualTo("FAILED");

        for (String who : List.of("yte.dulieu", "admin")) {
            MockHttpSession session = login(who);
            String home = page(session, "/dashboard");
            String alert = task(home, "failedRuns");
            assertThat(alert).as(who + ": a failed-run alert").isNotNull();
            assertThat(alert).as(who).contains("class=\"urgent\"");
            String href = alert.replaceAll("(?s).*href=\"([^\"]+)\".*", "$1");
            String target = page(session, href);
            assertThat(target).as(who + " → " + href).containsAnyOf(runId.substring(0, 8), "steward-hong");
        }

        // The pipeline fixed (saved again under its name) and run again a little later: it no longer counts as
        // failed. (The test clock stands still unless moved; runs are ordered by when they were queued.)
        long failedBefore = failedCount(page(steward, "/dashboard"));
        clock.advance(Duration.ofMinutes(10));
        MvcResult fixed = postJson(steward, "/api/pipelines", Map.of("spec", spec("steward-hong", "steward.hong")));
        assertThat(fixed.getResponse().getStatus()).isEqualTo(200);
        assertThat(((Number) body(fixed).get("id")).longValue()).isEqualTo(pipelineId);
        runNow(steward, pipelineId);
        assertThat(failedCount(page(steward, "/dashboard"))).isEqualTo(failedBefore - 1);
    }

    private static long failedCount(String home) {
        String alert = task(home, "failedRuns");
        if (alert == null) {
            return 0;
        }
        java.util.regex.Matcher count =
                java.util.regex.Pattern.compile("class=\"count\">([\\d.]+)<").matcher(alert);
        assertThat(count.find()).isTrue();
        return Long.parseLong(count.group(1).replace(".", ""));
    }

    private List<IntegrationStore.RunRow> scheduledRuns(long pipelineId) {
        return store.runs(null, pipelineId, 50).stream()
                .filter(r -> "SCHEDULE".equals(r.trigger()))
                .toList();
    }

    /** The editor's problem list for a spec, as the page shows it while the person types. */
    private String problems(MockHttpSession session, String spec, String lang) throws Exception {
        MvcResult result = mvc.perform(post("/integration/pipelines/validation")
                        .session(session)
                        .with(csrf())
                        .param("spec", spec)
                        .param("lang", lang))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        return org.springframework.web.util.HtmlUtils.htmlUnescape(
                result.getResponse().getContentAsString(StandardCharsets.UTF_8));
    }

    @Test
    void theEditorSaysASpecsProblemsInTheReadersLanguageWhileTheApiKeepsEnglish() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        // A source no test registers: its problem is there whatever ran before.
        String spec = spec("steward-loi", "steward.loi").replace("steward.nguoi", "steward.chua-co")
                + "schedule: \"0 0 25 * * *\"\nowner: x\n";

        String vietnamese = problems(steward, spec, "vi");
        assertThat(vietnamese)
                .contains("giờ 0–23") // the schedule line: the schedule field's own words
                .contains("Không có khóa này ở đây; các khóa dùng được: ")
                .contains("Đơn vị của bạn chưa có nguồn tên steward.chua-co")
                .doesNotContain("Unknown key", "Spring can read", "Your organisation");
        String english = problems(steward, spec, "en");
        assertThat(english)
                .contains("hours 0–23", "Unknown key here; the keys allowed: ", "no source named steward.chua-co")
                .doesNotContain("Không có khóa", "giờ 0–23");

        String broken = "pipeline: steward-loi\nsource: {ref: a\ntarget: x\n";
        assertThat(problems(steward, broken, "vi"))
                .containsPattern("YAML không đọc được ở dòng \\d+, cột \\d+: kiểm tra");
        assertThat(problems(steward, broken, "en")).containsPattern("Not valid YAML at line \\d+, column \\d+: ");
        String noName = "source: {ref: a}\ntarget: {dataset: b.c}\nmapping: {x: y}\n";
        assertThat(problems(steward, noName, "vi")).contains("<code>pipeline</code> <span>Thiếu trường bắt buộc này.");
        assertThat(problems(steward, noName, "en")).contains("<code>pipeline</code> <span>Missing: this field is");

        // The schedule field refused on saving, in the page's language.
        String refused = mvc.perform(post("/integration/pipelines")
                        .session(steward)
                        .with(csrf())
                        .param("lang", "en")
                        .param("spec", spec("steward-loi", "steward.loi"))
                        .param("schedule", "0 0 25 * * *"))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(refused).contains("hours 0–23").doesNotContain("giờ 0–23");

        // The API says the same problems in English, each with its code and arguments for a client to word.
        MvcResult api = postJson(steward, "/api/pipelines/validation", Map.of("spec", spec));
        assertThat(api.getResponse().getStatus()).isEqualTo(200);
        String answer = api.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(answer)
                .contains("The schedule is not a cron expression Spring can read", "Unknown key; expected one of")
                .contains("\"code\":\"pipeline.problem.unknownKey\"", "\"code\":\"schedule.problem.values\"")
                .doesNotContain("giờ 0–23");
    }
}
