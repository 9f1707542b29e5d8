package vn.datafloor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.identity.UserService;

/** Headers, CSRF, error rendering and tenant isolation of changes. */
class WebDefencesTest extends PlatformTest {

    @Autowired
    UserService users;

    @Test
    void pagesCarryTheSecurityHeaders() throws Exception {
        MvcResult result = mvc.perform(get("/login")).andReturn();
        assertThat(result.getResponse().getHeader("Content-Security-Policy"))
                .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(result.getResponse().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(result.getResponse().getHeader("X-Frame-Options")).isEqualTo("DENY");
        // HSTS only over TLS, where it means something.
        assertThat(result.getResponse().getHeader("Strict-Transport-Security")).isNull();
        MvcResult secure = mvc.perform(get("/login").secure(true)).andReturn();
        assertThat(secure.getResponse().getHeader("Strict-Transport-Security")).contains("max-age=31536000");
    }

    @Test
    void formsWithoutTheCsrfTokenAreRefused() throws Exception {
        var session = login("admin");
        MvcResult result = mvc.perform(post("/organisations").session(session).param("name", "Không có mã CSRF")
                .param("kind", "ENTERPRISE")).andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(403);
        MvcResult api = mvc.perform(post("/api/organisations").session(session).contentType(MediaType.APPLICATION_JSON)
                .content("{\"name\":\"x\",\"kind\":\"ENTERPRISE\"}")).andReturn();
        assertThat(api.getResponse().getStatus()).isEqualTo(403);
        assertThat(api.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("biểu mẫu");
    }

    @Test
    void malformedJsonGetsAClearProblemAndNoStackTrace() throws Exception {
        var session = login("admin");
        MvcResult result = mvc.perform(post("/api/organisations").session(session).with(csrf())
                .contentType(MediaType.APPLICATION_JSON).content("{\"name\": ")).andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(400);
        assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(body).contains("\"status\":400").doesNotContain("Exception", "jackson", "\tat ");
    }

    @Test
    void problemDetailsSpeakEnglishWhenAsked() throws Exception {
        MvcResult viaCookie = mvc.perform(get("/api/organisations").cookie(new jakarta.servlet.http.Cookie("datafloor-lang", "en")))
                .andReturn();
        assertThat(viaCookie.getResponse().getStatus()).isEqualTo(401);
        assertThat(viaCookie.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("Sign-in required");
        MvcResult viaHeader = mvc.perform(get("/api/organisations").header("Accept-Language", "en-GB,en;q=0.8")).andReturn();
        assertThat(viaHeader.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("Sign-in required");
        MvcResult byDefault = mvc.perform(get("/api/organisations")).andReturn();
        assertThat(byDefault.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("Cần đăng nhập");
    }

    @Test
    void anOrganisationAdminCannotTouchAnotherOrganisationsPeople() throws Exception {
        var healthAdmin = login("yte.admin");
        long saoMai = users.findByUsername("saomai.admin").orElseThrow().orgId();
        long saoMaiAnalyst = users.findByUsername("saomai.phantich").orElseThrow().id();
        MvcResult create = mvc.perform(post("/api/organisations/" + saoMai + "/users").session(healthAdmin).with(csrf())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"ke.gian\",\"displayName\":\"Kẻ gian\",\"roles\":[\"ORG_ADMIN\"],"
                        + "\"password\":\"Mot-mat-khau-dai-1\"}")).andReturn();
        assertThat(create.getResponse().getStatus()).isEqualTo(404);
        assertThat(users.findByUsername("ke.gian")).isEmpty();
        MvcResult roles = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .put("/api/users/" + saoMaiAnalyst + "/roles").session(healthAdmin).with(csrf())
                .contentType(MediaType.APPLICATION_JSON).content("{\"roles\":[\"ORG_ADMIN\"]}")).andReturn();
        assertThat(roles.getResponse().getStatus()).isEqualTo(404);
        MvcResult disable = mvc.perform(post("/api/users/" + saoMaiAnalyst + "/status").session(healthAdmin).with(csrf())
                .contentType(MediaType.APPLICATION_JSON).content("{\"enabled\":false}")).andReturn();
        assertThat(disable.getResponse().getStatus()).isEqualTo(404);
        assertThat(users.findByUsername("saomai.phantich").orElseThrow().enabled()).isTrue();
        assertThat(users.findByUsername("saomai.phantich").orElseThrow().roles()).containsExactly(Role.ANALYST);
    }

    @Test
    void onlyTheOperatorGrantsCrossTenantRoles() throws Exception {
        var healthAdmin = login("yte.admin");
        long health = users.findByUsername("yte.admin").orElseThrow().orgId();
        MvcResult auditor = mvc.perform(post("/api/organisations/" + health + "/users").session(healthAdmin).with(csrf())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"tu.kiem.toan\",\"displayName\":\"Tự kiểm toán\",\"roles\":[\"AUDITOR\"],"
                        + "\"password\":\"Mot-mat-khau-dai-1\"}")).andReturn();
        assertThat(auditor.getResponse().getStatus()).isEqualTo(403);
        MvcResult steward = mvc.perform(post("/api/organisations/" + health + "/users").session(healthAdmin).with(csrf())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"nguoi.moi\",\"displayName\":\"Người Mới\",\"roles\":[\"DATA_STEWARD\"],"
                        + "\"password\":\"Mot-mat-khau-dai-1\"}")).andReturn();
        assertThat(steward.getResponse().getStatus()).isEqualTo(201);
        assertThat(users.findByUsername("nguoi.moi").orElseThrow().roles()).isEqualTo(EnumSet.of(Role.DATA_STEWARD));
        MvcResult weak = mvc.perform(post("/api/organisations/" + health + "/users").session(healthAdmin).with(csrf())
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"username\":\"yeu.qua\",\"displayName\":\"Yếu\",\"roles\":[\"ANALYST\"],\"password\":\"123456\"}"))
                .andReturn();
        assertThat(weak.getResponse().getStatus()).isEqualTo(400);
        assertThat(weak.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("12");
    }
}
