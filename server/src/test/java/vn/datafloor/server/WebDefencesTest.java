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

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
    org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping requestMappings;

    @Test
    void theApplicationsMappingsAreTheOnesWithTheLiteralStartTest() {
        assertThat(requestMappings.getClass().getName())
                .isEqualTo("vn.datafloor.server.platform.LiteralPrefixRequestMappings");
        assertThat(requestMappings.getHandlerMethods()).hasSizeGreaterThan(100);
    }

    @Test
    void pagesCarryTheSecurityHeaders() throws Exception {
        MvcResult result = mvc.perform(get("/login")).andReturn();
        assertThat(result.getResponse().getHeader("Content-Security-Policy"))
                .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe");
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
        MvcResult result = mvc.perform(post("/organisations")
                        .session(session)
                        .param("name", "Không có mã CSRF")
                        .param("kind", "ENTERPRISE"))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(403);
        MvcResult api = mvc.perform(post("/api/organisations")
                        .session(session)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"x\",\"kind\":\"ENTERPRISE\"}"))
                .andReturn();
        assertThat(api.getResponse().getStatus()).isEqualTo(403);
        assertThat(api.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("biểu mẫu");
    }

    /** The CSRF token a page gives a signed-in person (masked afresh for each page, as browsers get it). */
    private String csrfTokenOf(org.springframework.mock.web.MockHttpSession session) throws Exception {
        String page = mvc.perform(get("/account").session(session))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"")
                .matcher(page);
        assertThat(token.find()).as("csrf-token meta tag").isTrue();
        return token.group(1);
    }

    @Test
    void csrfTokensAreTakenFromTheHeaderOrTheFormBodyButNeverFromTheUrl() throws Exception {
        var session = login("yte.admin");
        String key = "{\"name\":\"csrf check\",\"scopes\":[\"organisations:read\"],\"days\":1}";
        // In the query string: refused, however it is spelled.
        for (String parameter : java.util.List.of("_csrf", "%5Fcsrf", "%5fcsrf")) {
            MvcResult inUrl = mvc.perform(post("/api/api-keys?" + parameter + "=" + csrfTokenOf(session))
                            .session(session)
                            .contentType(MediaType.APPLICATION_JSON)
                            .content(key))
                    .andReturn();
            assertThat(inUrl.getResponse().getStatus()).as(parameter).isEqualTo(403);
        }
        MvcResult formInUrl = mvc.perform(post("/api-keys?_csrf=" + csrfTokenOf(session))
                        .session(session)
                        .param("name", "csrf check")
                        .param("scopes", "organisations:read")
                        .param("days", "1"))
                .andReturn();
        assertThat(formInUrl.getResponse().getStatus()).isEqualTo(403);
        // In the header, or in the form's body: accepted.
        MvcResult inHeader = mvc.perform(post("/api/api-keys")
                        .session(session)
                        .header("X-CSRF-TOKEN", csrfTokenOf(session))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(key))
                .andReturn();
        assertThat(inHeader.getResponse().getStatus()).isEqualTo(201);
        MvcResult inForm = mvc.perform(post("/api-keys")
                        .session(session)
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .content("name=csrf+form&scopes=organisations%3Aread&days=1&_csrf="
                                + java.net.URLEncoder.encode(csrfTokenOf(session), StandardCharsets.UTF_8)))
                .andReturn();
        assertThat(inForm.getResponse().getStatus()).isEqualTo(302);
        assertThat(inForm.getResponse().getRedirectedUrl()).doesNotContain("login");
    }

    @Test
    void anonymousCallsToProtectedOperationsAnswer401EvenWithoutACsrfToken() throws Exception {
        MvcResult api = mvc.perform(post("/api/organisations")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"x\",\"kind\":\"ENTERPRISE\"}"))
                .andReturn();
        assertThat(api.getResponse().getStatus()).isEqualTo(401);
        assertThat(api.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(api.getResponse().getHeader("WWW-Authenticate")).startsWith("Bearer");
        MvcResult read = mvc.perform(get("/api/organisations")).andReturn();
        assertThat(read.getResponse().getStatus()).isEqualTo(401);
        assertThat(read.getResponse().getHeader("WWW-Authenticate")).startsWith("Bearer");
        // People are sent to sign in.
        MvcResult page = mvc.perform(post("/organisations").param("name", "x").param("kind", "ENTERPRISE"))
                .andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(302);
        assertThat(page.getResponse().getRedirectedUrl()).endsWith("/login");
        // The sign-in form itself still needs its token.
        MvcResult signIn = mvc.perform(post("/login").param("username", "admin").param("password", "x"))
                .andReturn();
        assertThat(signIn.getResponse().getStatus()).isEqualTo(403);
    }

    @Test
    void theSchemeAProxyReportsIsBelievedOnlyFromATrustedProxy() throws Exception {
        MvcResult direct =
                mvc.perform(get("/login").header("X-Forwarded-Proto", "https")).andReturn();
        assertThat(direct.getResponse().getHeader("Strict-Transport-Security")).isNull();
        MvcResult proxied = mvc.perform(get("/login")
                        .header("X-Forwarded-Proto", "https")
                        .header("X-Forwarded-For", "198.18.5.1")
                        .with(request -> {
                            request.setRemoteAddr(TRUSTED_PROXY);
                            return request;
                        }))
                .andReturn();
        assertThat(proxied.getResponse().getHeader("Strict-Transport-Security")).contains("max-age=31536000");
    }

    @Test
    void malformedJsonGetsAClearProblemAndNoStackTrace() throws Exception {
        var session = login("admin");
        MvcResult result = mvc.perform(post("/api/organisations")
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\": "))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(400);
        assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(body).contains("\"status\":400").doesNotContain("Exception", "jackson", "\tat ");
    }

    @Test
    void problemDetailsSpeakEnglishWhenAsked() throws Exception {
        MvcResult viaCookie = mvc.perform(
                        get("/api/organisations").cookie(new jakarta.servlet.http.Cookie("datafloor-lang", "en")))
                .andReturn();
        assertThat(viaCookie.getResponse().getStatus()).isEqualTo(401);
        assertThat(viaCookie.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("Sign-in required");
        MvcResult viaHeader = mvc.perform(get("/api/organisations").header("Accept-Language", "en-GB,en;q=0.8"))
                .andReturn();
        assertThat(viaHeader.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("Sign-in required");
        MvcResult byDefault = mvc.perform(get("/api/organisations")).andReturn();
        assertThat(byDefault.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("Cần đăng nhập");
    }

    @Test
    void anOrganisationAdminCannotTouchAnotherOrganisationsPeople() throws Exception {
        var healthAdmin = login("yte.admin");
        long saoMai = users.findByUsername("saomai.admin").orElseThrow().orgId();
        long saoMaiAnalyst =
                users.findByUsername("saomai.phantich").orElseThrow().id();
        MvcResult create = mvc.perform(post("/api/organisations/" + saoMai + "/users")
                        .session(healthAdmin)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"username\":\"ke.gian\",\"displayName\":\"Kẻ gian\",\"roles\":[\"ORG_ADMIN\"],"
                                + "\"password\":\"Mot-mat-khau-dai-1\"}"))
                .andReturn();
        assertThat(create.getResponse().getStatus()).isEqualTo(404);
        assertThat(users.findByUsername("ke.gian")).isEmpty();
        MvcResult roles = mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put(
                                "/api/users/" + saoMaiAnalyst + "/roles")
                        .session(healthAdmin)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"roles\":[\"ORG_ADMIN\"]}"))
                .andReturn();
        assertThat(roles.getResponse().getStatus()).isEqualTo(404);
        MvcResult disable = mvc.perform(post("/api/users/" + saoMaiAnalyst + "/status")
                        .session(healthAdmin)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"enabled\":false}"))
                .andReturn();
        assertThat(disable.getResponse().getStatus()).isEqualTo(404);
        assertThat(users.findByUsername("saomai.phantich").orElseThrow().enabled())
                .isTrue();
        assertThat(users.findByUsername("saomai.phantich").orElseThrow().roles())
                .containsExactly(Role.ANALYST);
    }

    @Test
    void onlyTheOperatorGrantsCrossTenantRoles() throws Exception {
        var healthAdmin = login("yte.admin");
        long health = users.findByUsername("yte.admin").orElseThrow().orgId();
        MvcResult auditor = mvc.perform(post("/api/organisations/" + health + "/users")
                        .session(healthAdmin)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(
                                "{\"username\":\"tu.kiem.toan\",\"displayName\":\"Tự kiểm toán\",\"roles\":[\"AUDITOR\"],"
                                        + "\"password\":\"Mot-mat-khau-dai-1\"}"))
                .andReturn();
        assertThat(auditor.getResponse().getStatus()).isEqualTo(403);
        MvcResult steward = mvc.perform(post("/api/organisations/" + health + "/users")
                        .session(healthAdmin)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(
                                "{\"username\":\"nguoi.moi\",\"displayName\":\"Người Mới\",\"roles\":[\"DATA_STEWARD\"],"
                                        + "\"password\":\"Mot-mat-khau-dai-1\"}"))
                .andReturn();
        assertThat(steward.getResponse().getStatus()).isEqualTo(201);
        assertThat(users.findByUsername("nguoi.moi").orElseThrow().roles()).isEqualTo(EnumSet.of(Role.DATA_STEWARD));
        MvcResult weak = mvc.perform(
                        post("/api/organisations/" + health + "/users")
                                .session(healthAdmin)
                                .with(csrf())
                                .contentType(MediaType.APPLICATION_JSON)
                                .content(
                                        "{\"username\":\"yeu.qua\",\"displayName\":\"Yếu\",\"roles\":[\"ANALYST\"],\"password\":\"123456\"}"))
                .andReturn();
        assertThat(weak.getResponse().getStatus()).isEqualTo(400);
        assertThat(weak.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("12");
    }
}
