package vn.datafloor.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MvcResult;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.platform.ProblemException;

class ApiKeyTest extends PlatformTest {

    @Autowired
    ApiKeyService keys;

    @Autowired
    UserService users;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditQueries audit;

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private int status(String method, String url, String token) throws Exception {
        var request = "DELETE".equals(method) ? delete(url) : get(url);
        return mvc.perform(request.header("Authorization", "Bearer " + token))
                .andReturn()
                .getResponse()
                .getStatus();
    }

    @Test
    void aKeyIsShownOnceStoredOnlyAsAHashAndWorksUntilRevoked() throws Exception {
        var created = keys.create(actor("yte.admin"), "nightly export", Set.of("users:read"), Duration.ofDays(30));
        String token = created.token();
        assertThat(token).startsWith("dfk_" + created.key().id() + "_");
        // The secret may itself hold '_' (base64url): it is everything after the id's separator.
        String secret = token.substring(("dfk_" + created.key().id() + "_").length());
        String stored = jdbc.sql("select secret_hash from api_key where id = ?")
                .param(created.key().id())
                .query(String.class)
                .single();
        assertThat(stored).hasSize(64).doesNotContain(secret);
        assertThat(keys.visibleTo(actor("yte.admin")).toString()).doesNotContain(secret);

        assertThat(status("GET", "/api/users", token)).isEqualTo(200);
        assertThat(jdbc.sql("select last_used_at from api_key where id = ?")
                        .param(created.key().id())
                        .query(java.sql.Timestamp.class)
                        .single())
                .isNotNull();
        // The scope is the limit, whatever the roles allow.
        assertThat(status("GET", "/api/organisations", token)).isEqualTo(403);

        keys.revoke(actor("yte.admin"), created.key().id());
        assertThat(status("GET", "/api/users", token)).isEqualTo(401);
        assertThat(audit.search("API_KEY_REJECTED", null, null, null, null, 5, 0))
                .isNotEmpty();
    }

    @Test
    void expiredAndForgedKeysAreRefusedWithProblemDetails() throws Exception {
        var created = keys.create(actor("yte.admin"), "short", Set.of("users:read"), Duration.ofDays(1));
        String forged = created.token().substring(0, created.token().length() - 2) + "xx";
        MvcResult forgedResult = mvc.perform(get("/api/users").header("Authorization", "Bearer " + forged))
                .andReturn();
        assertThat(forgedResult.getResponse().getStatus()).isEqualTo(401);
        assertThat(forgedResult.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(forgedResult.getResponse().getHeader("WWW-Authenticate")).contains("invalid_token");
        assertThat(status("GET", "/api/users", "not-a-datafloor-key")).isEqualTo(401);

        assertThat(status("GET", "/api/users", created.token())).isEqualTo(200);
        clock.advance(Duration.ofDays(2));
        assertThat(status("GET", "/api/users", created.token())).isEqualTo(401);
    }

    @Test
    void keysCannotCarryScopesBeyondTheirOwnersRolesNorMintOtherKeys() throws Exception {
        assertThatThrownBy(
                        () -> keys.create(actor("yte.dulieu"), "too much", Set.of("users:write"), Duration.ofDays(1)))
                .isInstanceOf(ProblemException.class);
        assertThatThrownBy(
                        () -> keys.create(actor("yte.admin"), "too long", Set.of("users:read"), Duration.ofDays(400)))
                .isInstanceOf(ProblemException.class);
        var created = keys.create(actor("admin"), "ops", Set.of("organisations:read"), Duration.ofDays(1));
        Actor viaKey = new Actor(
                actor("admin").userId(),
                "admin",
                actor("admin").orgId(),
                actor("admin").roles(),
                created.key().id(),
                Set.of("apikeys:write"));
        assertThatThrownBy(() -> keys.create(viaKey, "child", Set.of("organisations:read"), Duration.ofDays(1)))
                .isInstanceOf(NotPermittedException.class);
        int minted = mvc.perform(post("/api/api-keys")
                        .header("Authorization", "Bearer " + created.token())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"name\":\"x\",\"scopes\":[\"organisations:read\"]}"))
                .andReturn()
                .getResponse()
                .getStatus();
        assertThat(minted).isEqualTo(403);
    }

    @Test
    void anotherOrganisationsKeyCannotBeRevokedOrEvenSeen() throws Exception {
        var other = keys.create(actor("saomai.admin"), "theirs", Set.of("organisations:read"), Duration.ofDays(1));
        assertThat(keys.visibleTo(actor("yte.admin")))
                .noneMatch(k -> k.id().equals(other.key().id()));
        assertThatThrownBy(() -> keys.revoke(actor("yte.admin"), other.key().id()))
                .isInstanceOf(NotPermittedException.class);
        assertThat(status("GET", "/api/organisations", other.token())).isEqualTo(200);
        // The operator may revoke anyone's key.
        keys.revoke(actor("admin"), other.key().id());
        assertThat(status("GET", "/api/organisations", other.token())).isEqualTo(401);
    }

    @Test
    void theApiKeysPageShowsTheNewTokenOnceAndTheAuditTrailRecordsIt() throws Exception {
        var session = login("yte.dulieu");
        MvcResult created = mvc.perform(
                        post("/api-keys")
                                .session(session)
                                .param("name", "trang thu")
                                .param("scopes", "organisations:read")
                                .param("days", "10")
                                .with(org.springframework.security.test.web.servlet.request
                                        .SecurityMockMvcRequestPostProcessors.csrf()))
                .andReturn();
        String token = (String) created.getFlashMap().get("newToken");
        assertThat(token).startsWith("dfk_");
        assertThat(status("GET", "/api/organisations", token)).isEqualTo(200);
        // The redirect after creation shows the token; any later visit does not.
        String shown = mvc.perform(get("/api-keys").session(session))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(shown).contains("trang thu", token);
        String later = mvc.perform(get("/api-keys").session(session))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(later).contains("trang thu").doesNotContain(token);
        assertThat(audit.search(
                        "API_KEY_CREATED", null, null, null, actor("yte.dulieu").userId(), 5, 0))
                .hasSize(1);
    }
}
