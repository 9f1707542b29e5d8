package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;

/**
 * Following a database changes source through the API, without a database: only that kind can be followed,
 * its host goes through the organisation's network policy (a refusal is on the ledger and nothing runs),
 * the status says so, and the page shows the kind in the registration form.
 */
class ChangeFollowingTest extends PlatformTest {

    private static final String SECRET = "Mat-khau-CDC-khong-duoc-lo";

    @Autowired
    JsonMapper json;

    @Test
    void aLoopbackHostIsRefusedBeforeAnyConnectionAndTheStatusSaysWhy() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult registered = mvc.perform(post("/api/sources")
                        .session(steward)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of(
                                "name",
                                "cdc.loopback",
                                "type",
                                "pg_changes",
                                "settings",
                                Map.of(
                                        "url",
                                        "jdbc:postgresql://127.0.0.1:5432/agency",
                                        "user",
                                        "datafloor_cdc",
                                        "table",
                                        "public.benh_nhan",
                                        "dataset",
                                        "yte.cdc-loopback"),
                                "secret",
                                SECRET))))
                .andReturn();
        assertThat(registered.getResponse().getStatus()).isEqualTo(201);
        long id = json.readTree(registered.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .get("id")
                .asLong();

        MvcResult start = mvc.perform(post("/api/sources/" + id + "/following")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(start.getResponse().getStatus()).isEqualTo(400);
        String body = start.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(body).doesNotContain(SECRET);

        JsonNode status = json.readTree(
                mvc.perform(get("/api/sources/" + id + "/following").session(steward))
                        .andReturn()
                        .getResponse()
                        .getContentAsString(StandardCharsets.UTF_8));
        assertThat(status.get("state").asString()).isEqualTo("failed");
        assertThat(status.get("error").asString()).isNotBlank().doesNotContain(SECRET);

        // Stopping what does not run changes nothing and answers with the status.
        MvcResult stop = mvc.perform(delete("/api/sources/" + id + "/following")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(stop.getResponse().getStatus()).isEqualTo(200);

        String page = mvc.perform(get("/integration/sources").session(steward))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(page).contains("cdc.loopback").contains("pg_changes");
    }

    @Test
    void onlyADatabaseChangesSourceCanBeFollowed() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult registered = mvc.perform(post("/api/sources")
                        .session(steward)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(
                                Map.of("name", "cdc.not-changes", "type", "csv", "settings", Map.of()))))
                .andReturn();
        long id = json.readTree(registered.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .get("id")
                .asLong();
        MvcResult start = mvc.perform(post("/api/sources/" + id + "/following")
                        .session(steward)
                        .with(csrf()))
                .andReturn();
        assertThat(start.getResponse().getStatus()).isEqualTo(400);
        assertThat(json.readTree(start.getResponse().getContentAsString(StandardCharsets.UTF_8))
                        .get("type")
                        .asString())
                .endsWith("following-notChanges");
    }
}
