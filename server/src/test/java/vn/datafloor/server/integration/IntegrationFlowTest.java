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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;

/** A steward connects a file, writes a pipeline, runs it and reads the results, through the HTTP API. */
class IntegrationFlowTest extends PlatformTest {

    @Autowired
    JsonMapper json;

    @Autowired
    AuditQueries audit;

    @Autowired
    JdbcClient jdbc;

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

    private long registerAndUpload(MockHttpSession steward, String name, String csv) throws Exception {
        MvcResult created = postJson(
                steward, "/api/sources", Map.of("name", name, "type", "csv", "settings", Map.of("encoding", "auto")));
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        long id = ((Number) body(created).get("id")).longValue();
        MvcResult uploaded = mvc.perform(multipart("/api/sources/" + id + "/file")
                        .file(new MockMultipartFile(
                                "file", "nguoi.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)))
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(uploaded.getResponse().getStatus()).isEqualTo(200);
        assertThat(body(uploaded).get("location")).asString().endsWith("nguoi.csv");
        return id;
    }

    private Map<String, Object> waitForEnd(MockHttpSession session, String runId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            Map<String, Object> run =
                    body(mvc.perform(get("/api/runs/" + runId).session(session)).andReturn());
            if (!List.of("QUEUED", "RUNNING").contains(run.get("status"))) {
                return run;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("run " + runId + " did not end within 60 s");
    }

    @Test
    void aStewardConnectsASourceWritesAPipelineRunsItAndReadsTheResults() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        registerAndUpload(steward, "flow.nguoi", """
                record_id,ho_ten,ngay_sinh
                1,Nguyễn Văn An,1990-01-02
                2,,1985-04-03
                3,Trần Thị Bình,1985-04-03
                3,Trần Thị Bình,1985-04-03
                """);
        String bad = """
                pipeline: flow-nguoi
                source: {ref: flow.nguoi}
                target: {dataset: flow.nguoi}
                mapping:
                  record_id: record_id
                  full_name: ho_ten; DROP TABLE x
                """;
        MvcResult rejected = postJson(steward, "/api/pipelines", Map.of("spec", bad));
        assertThat(rejected.getResponse().getStatus()).isEqualTo(422);
        assertThat(rejected.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("line 6");

        String good = """
                pipeline: flow-nguoi
                source: {ref: flow.nguoi}
                target: {dataset: flow.nguoi}
                mapping:
                  record_id: record_id
                  full_name: ho_ten
                  birth_date: ngay_sinh
                quality:
                  - {rule: completeness, columns: [full_name], severity: reject}
                  - {rule: uniqueness, columns: [record_id], severity: reject}
                key: [record_id]
                """;
        MvcResult saved = postJson(steward, "/api/pipelines", Map.of("spec", good));
        assertThat(saved.getResponse().getStatus()).isEqualTo(200);
        long pipelineId = ((Number) body(saved).get("id")).longValue();

        MvcResult started = mvc.perform(post("/api/pipelines/" + pipelineId + "/runs")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(started.getResponse().getStatus()).isEqualTo(202);
        Map<String, Object> run = waitForEnd(steward, (String) body(started).get("id"));
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");
        assertThat(((Number) run.get("rowsIn")).longValue()).isEqualTo(4);
        assertThat(((Number) run.get("rowsPublished")).longValue()).isEqualTo(2);
        assertThat(((Number) run.get("rowsQuarantined")).longValue()).isEqualTo(2);

        // The quarantine holds personal data: stewards may read it, and the read is recorded.
        MvcResult quarantine = mvc.perform(
                        get("/api/runs/" + run.get("id") + "/quarantine").session(steward))
                .andReturn();
        assertThat(quarantine.getResponse().getStatus()).isEqualTo(200);
        assertThat(quarantine.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("completeness", "uniqueness");
        assertThat(audit.search("QUARANTINE_VIEWED", null, null, null, null, 10, 0))
                .isNotEmpty();
        assertThat(audit.search("DATASET_PUBLISHED", null, null, null, null, 50, 0))
                .anySatisfy(e -> assertThat(e.summary()).contains("flow.nguoi v1"));

        MvcResult datasets =
                mvc.perform(get("/api/datasets/flow.nguoi").session(steward)).andReturn();
        assertThat(datasets.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("\"rows\":2");

        // Another organisation sees neither the run nor the dataset.
        MockHttpSession other = login("saomai.admin");
        assertThat(mvc.perform(get("/api/runs/" + run.get("id")).session(other))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        assertThat(mvc.perform(get("/api/datasets/flow.nguoi").session(other))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);

        // The run page and the editor render.
        String page = mvc.perform(get("/integration/runs/" + run.get("id")).session(steward))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(page).contains("flow-nguoi", "quality", "v1");
    }

    @Test
    void twoSimultaneousStartsOfOnePipelineMakeOneRun() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        StringBuilder csv = new StringBuilder("record_id,ho_ten\n");
        for (int i = 0; i < 60_000; i++) {
            csv.append(i).append(",Người thứ ").append(i).append('\n');
        }
        registerAndUpload(steward, "flow.dong-thoi", csv.toString());
        long pipelineId = ((Number) body(postJson(steward, "/api/pipelines", Map.of("spec", """
                pipeline: flow-dong-thoi
                source: {ref: flow.dong-thoi}
                target: {dataset: flow.dong-thoi}
                mapping: {record_id: record_id, full_name: ho_ten}
                key: [record_id]
                """)))
                        .get("id"))
                .longValue();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Callable<Integer> start = () -> {
            go.await();
            return mvc.perform(post("/api/pipelines/" + pipelineId + "/runs")
                            .session(steward)
                            .with(csrf()))
                    .andReturn()
                    .getResponse()
                    .getStatus();
        };
        Future<Integer> a = pool.submit(start);
        Future<Integer> b = pool.submit(start);
        go.countDown();
        List<Integer> statuses = List.of(a.get(), b.get());
        pool.shutdown();
        assertThat(statuses).containsExactlyInAnyOrder(202, 409);
        long runs = jdbc.sql("select count(*) from pipeline_run where pipeline_id = ?")
                .param(pipelineId)
                .query(Long.class)
                .single();
        assertThat(runs).isEqualTo(1);
    }

    @Test
    void oversizedUploadsAreRefusedAndLeaveNothingBehind() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult created = postJson(steward, "/api/sources", Map.of("name", "flow.qua-lon", "type", "csv"));
        long id = ((Number) body(created).get("id")).longValue();
        byte[] big = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        MvcResult tooBig = mvc.perform(multipart("/api/sources/" + id + "/file")
                        .file(new MockMultipartFile("file", "big.csv", "text/csv", big))
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(tooBig.getResponse().getStatus()).isEqualTo(413);
        assertThat(tooBig.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(body(mvc.perform(get("/api/sources/" + id).session(steward)).andReturn())
                        .get("location"))
                .isNull();
    }

    @Test
    void secretsAreSealedAndDatabaseUrlsThatCouldOpenServerFilesAreRefused() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult created = postJson(
                steward,
                "/api/sources",
                Map.of(
                        "name",
                        "flow.csdl",
                        "type",
                        "jdbc",
                        "settings",
                        Map.of(
                                "url",
                                "jdbc:postgresql://db.example:5432/benhvien",
                                "user",
                                "doc",
                                "table",
                                "benh_nhan"),
                        "secret",
                        "Mat-khau-rat-bi-mat"));
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        assertThat(created.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain("Mat-khau-rat-bi-mat")
                .contains("\"hasSecret\":true");
        String stored = jdbc.sql("select secret_ciphertext from data_source where name = 'flow.csdl'")
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain("Mat-khau");
        for (String url : List.of("jdbc:h2:file:/etc/passwd", "jdbc:duckdb:/etc/shadow", "jdbc:duckdb:../../keys/x")) {
            MvcResult refused = postJson(
                    steward,
                    "/api/sources",
                    Map.of(
                            "name",
                            "flow.xau" + Math.abs(url.hashCode()),
                            "type",
                            "jdbc",
                            "settings",
                            Map.of("url", url, "table", "t")));
            assertThat(refused.getResponse().getStatus()).as(url).isEqualTo(400);
        }
    }

    @Test
    void runErrorsCarryNoValuesAndOnlyTheOwnerOrganisationReadsThem() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        registerAndUpload(steward, "flow.loi", "record_id,ho_ten,so_cccd\n1,Nguyễn Văn Bình,001203004567\n");
        String spec = """
                pipeline: flow-loi
                source: {ref: flow.loi}
                target: {dataset: flow.loi}
                mapping:
                  record_id: record_id
                  full_name: ho_ten
                  birth_date: CAST(so_cccd AS DATE)
                key: [record_id]
                """;
        long pipelineId = ((Number) body(postJson(steward, "/api/pipelines", Map.of("spec", spec)))
                        .get("id"))
                .longValue();
        String runId = (String) body(mvc.perform(post("/api/pipelines/" + pipelineId + "/runs")
                                .session(steward)
                                .with(csrf()))
                        .andReturn())
                .get("id");
        Map<String, Object> run = waitForEnd(steward, runId);
        assertThat(run.get("status")).isEqualTo("FAILED");
        String log = mvc.perform(get("/api/runs/" + runId + "/log").session(steward))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(String.valueOf(run.get("error")) + log)
                .contains("failed")
                .doesNotContain("001203004567")
                .doesNotContain("Bình");

        // The operator's auditor sees that the run failed, not why: the error and the log are the owner's.
        MockHttpSession auditor = login("kiemtoan");
        Map<String, Object> seen =
                body(mvc.perform(get("/api/runs/" + runId).session(auditor)).andReturn());
        assertThat(seen.get("status")).isEqualTo("FAILED");
        assertThat(seen.get("error")).isNull();
        assertThat(mvc.perform(get("/api/runs/" + runId + "/log").session(auditor))
                        .andReturn()
                        .getResponse()
                        .getContentAsString(StandardCharsets.UTF_8))
                .isEqualTo("[]");
    }

    @Test
    void reachingForTheServerIsRefusedAndRecordedAndTheOperatorDecidesPrivateNetworks() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        String inline = """
                pipeline: flow-h2
                source: {type: jdbc, url: "jdbc:h2:mem:x;INIT=CREATE ALIAS P FOR 'java.lang.System.getProperty'", query: "SELECT 1"}
                target: {dataset: flow.h2}
                mapping:
                  record_id: "1"
                key: [record_id]
                """;
        long before = jdbc.sql("select count(*) from audit_event where event_type = 'SECURITY_REFUSED'")
                .query(Long.class)
                .single();
        MvcResult refused = postJson(steward, "/api/pipelines", Map.of("spec", inline));
        assertThat(refused.getResponse().getStatus()).isEqualTo(422);
        assertThat(refused.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("source.url");
        MvcResult reading = postJson(
                steward,
                "/api/pipelines",
                Map.of(
                        "spec",
                        inline.replace(
                                        "source: {type: jdbc, url: \"jdbc:h2:mem:x;INIT=CREATE ALIAS P FOR 'java.lang.System.getProperty'\", query: \"SELECT 1\"}",
                                        "source: {ref: flow.nguoi}")
                                .replace("record_id: \"1\"", "record_id: read_text('/etc/hostname')")));
        assertThat(reading.getResponse().getStatus()).isEqualTo(422);
        assertThat(reading.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("read_text");
        long after = jdbc.sql("select count(*) from audit_event where event_type = 'SECURITY_REFUSED'")
                .query(Long.class)
                .single();
        assertThat(after).isEqualTo(before + 2);

        // Private networks: the operator's decision, on the ledger; a steward may not make it.
        long health = jdbc.sql("select org_id from app_user where username = 'yte.dulieu'")
                .query(Long.class)
                .single();
        String path = "/api/organisations/" + health + "/network-allowances";
        assertThat(postJson(steward, path, Map.of("allowance", "10.20.0.0/16", "reason", "x"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        MockHttpSession operator = login("admin");
        assertThat(postJson(operator, path, Map.of("allowance", "10.20.0.0/99", "reason", "x"))
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
        MvcResult allowed =
                postJson(operator, path, Map.of("allowance", "10.20.0.0/16", "reason", "bệnh viện trong mạng riêng"));
        assertThat(allowed.getResponse().getStatus()).isEqualTo(201);
        assertThat(jdbc.sql(
                                "select count(*) from audit_event where event_type = 'NETWORK_ALLOWANCE_GRANTED' and org_id = ?")
                        .param(health)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        long id = ((Number) body(allowed).get("id")).longValue();
        assertThat(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete(
                                        path + "/" + id)
                                .session(operator)
                                .with(csrf()))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(204);
    }
}
