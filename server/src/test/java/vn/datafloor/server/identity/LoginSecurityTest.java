package vn.datafloor.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.platform.DatafloorProperties;

class LoginSecurityTest extends PlatformTest {

    @Autowired
    UserService users;

    @Autowired
    OrganisationService organisations;

    @Autowired
    AuditQueries audit;

    @Autowired
    LedgerService ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PasswordEncoder passwords;

    @Autowired
    AccountDetailsService accounts;

    @Autowired
    LoginAttempts attempts;

    @Autowired
    IdentityStore store;

    @Autowired
    vn.datafloor.server.audit.AuditLog auditLog;

    @Autowired
    DatafloorProperties properties;

    @Autowired
    vn.datafloor.server.platform.ProblemResponses problems;

    @Autowired
    org.springframework.web.servlet.LocaleResolver locales;

    @Autowired
    JsonMapper json;

    private String attempt(String username, String password) throws Exception {
        return attemptFrom("127.0.0.1", username, password);
    }

    /** Signs in from {@code address} (MockMvc only: nothing is sent anywhere) and returns where it redirects. */
    private String attemptFrom(String address, String username, String password) throws Exception {
        MvcResult result = mvc.perform(post("/login")
                        .param("username", username)
                        .param("password", password)
                        .with(csrf())
                        .with(request -> {
                            request.setRemoteAddr(address);
                            return request;
                        }))
                .andReturn();
        return result.getResponse().getRedirectedUrl();
    }

    /** The sign-in entries appended to the ledger since {@code from}, parsed (background work may add others). */
    private List<JsonNode> entriesSince(long from) {
        List<JsonNode> entries = new java.util.ArrayList<>();
        for (long i = from; i < ledger.size(); i++) {
            JsonNode entry = json.readTree(new String(ledger.entry(i), StandardCharsets.UTF_8));
            if (entry.get("type").asString().startsWith("LOGIN_")) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** An entry with what differs between any two entries (time, salted commitments) blanked out: its shape. */
    private static String shape(JsonNode entry) {
        tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) entry.deepCopy();
        copy.put("at", "·");
        // Every entry's id is random (it lets recovery recognise the entry), so it says nothing of the name.
        assertThat(copy.get("id").asString()).matches("[0-9a-f-]{36}");
        copy.put("id", "·");
        for (String field : List.of("actorName", "client")) {
            if (copy.has(field)) {
                assertThat(copy.get(field).asString()).matches("sha256:[0-9a-f]{64}");
                copy.put(field, "sha256:·");
            }
        }
        return copy.toString();
    }

    private long newUser(String username, String password) {
        long org = users.findByUsername("yte.admin").orElseThrow().orgId();
        return users.bootstrapStaff(org, username, "Người thử", null, EnumSet.of(Role.ANALYST), password)
                .id();
    }

    @Test
    void passwordsAreStoredAsArgon2idWithOwaspMinimumParameters() {
        String hash = jdbc.sql("select password_hash from app_user where username = 'admin'")
                .query(String.class)
                .single();
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(passwords.matches("Datafloor-demo-2026", hash)).isTrue();
        assertThat(passwords.matches("Datafloor-demo-2027", hash)).isFalse();
    }

    @Test
    void repeatedFailuresBackOffOnlyThatNameAtThatAddressAndTheRefusalReadsLikeAWrongPassword() throws Exception {
        newUser("khoa.thu", "Khoa-thu-mat-khau-1");
        String guesser = "203.0.113.21";
        for (int i = 0; i < 5; i++) {
            assertThat(attemptFrom(guesser, "khoa.thu", "wrong-password-" + i)).isEqualTo("/login?error");
        }
        // Backing off at the guesser's address: even the right password gets the wrong-password answer.
        assertThat(attemptFrom(guesser, "khoa.thu", "Khoa-thu-mat-khau-1")).isEqualTo("/login?error");
        // The owner, at their own address, is not locked out by someone else's guessing.
        assertThat(attemptFrom("198.51.100.7", "khoa.thu", "Khoa-thu-mat-khau-1"))
                .isEqualTo("/dashboard");
        // The back-off ends after a minute...
        clock.advance(Duration.ofSeconds(61));
        assertThat(attemptFrom(guesser, "khoa.thu", "wrong-password-5")).isEqualTo("/login?error");
        // ...and each further failure doubles it: two minutes now.
        clock.advance(Duration.ofSeconds(61));
        assertThat(attemptFrom(guesser, "khoa.thu", "Khoa-thu-mat-khau-1")).isEqualTo("/login?error");
        clock.advance(Duration.ofSeconds(60));
        assertThat(attemptFrom(guesser, "khoa.thu", "Khoa-thu-mat-khau-1")).isEqualTo("/dashboard");
        assertThat(users.findByUsername("khoa.thu").orElseThrow().lockedUntil()).isNull();
    }

    @Test
    void anUnknownNameAWrongPasswordAndABackOffLookAlikeOnThePublicLedger() throws Exception {
        newUser("hinh.dang", "Hinh-dang-mat-khau-1");
        long before = ledger.size();
        // Six tries of each name, each name from its own address: five failures, the back-off, one refused try.
        for (int i = 0; i < 6; i++) {
            assertThat(attemptFrom("203.0.113.31", "hinh.dang", "sai-mat-khau-" + i))
                    .isEqualTo("/login?error");
        }
        long between = ledger.size();
        for (int i = 0; i < 6; i++) {
            assertThat(attemptFrom("203.0.113.32", "khong.ai.ca", "sai-mat-khau-" + i))
                    .isEqualTo("/login?error");
        }
        List<String> real = entriesSince(before).stream()
                .limit(entriesSince(before).size() - entriesSince(between).size())
                .map(LoginSecurityTest::shape)
                .toList();
        List<String> unknown =
                entriesSince(between).stream().map(LoginSecurityTest::shape).toList();
        assertThat(unknown).isEqualTo(real);
        assertThat(real).hasSize(7); // six failures and the start of the back-off
        for (JsonNode entry : entriesSince(before)) {
            assertThat(entry.has("actor")).isFalse();
            assertThat(entry.has("org")).isFalse();
            assertThat(entry.get("type").asString()).isIn("LOGIN_FAILED", "LOGIN_BACKOFF");
        }
        // Only the control database can open the name commitments: a real name, or a placeholder for the rest.
        long userId = users.findByUsername("hinh.dang").orElseThrow().id();
        assertThat(jdbc.sql(
                                "select count(*) from ledger_commitment where clear_value = 'hinh.dang' and subject_user_id = ?")
                        .param(userId)
                        .query(Long.class)
                        .single())
                .isEqualTo(7);
        assertThat(jdbc.sql("select count(*) from ledger_commitment where clear_value = 'khong.ai.ca'")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select count(*) from audit_event where ledger_index >= ? and event_type like 'LOGIN_%'"
                                + " and (actor_user_id is not null or org_id is not null)")
                        .param(before)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void everyTryVerifiesExactlyOneArgon2HashWhetherOrNotTheAccountExists() {
        newUser("bam.gio", "Bam-gio-mat-khau-1");
        java.util.concurrent.atomic.AtomicInteger verifications = new java.util.concurrent.atomic.AtomicInteger();
        PasswordEncoder counting = new PasswordEncoder() {
            @Override
            public String encode(CharSequence raw) {
                return passwords.encode(raw);
            }

            @Override
            public boolean matches(CharSequence raw, String encoded) {
                assertThat(encoded).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
                verifications.incrementAndGet();
                return passwords.matches(raw, encoded);
            }
        };
        PasswordSignIn signIn = new PasswordSignIn(accounts, counting, attempts, "decoy-" + System.nanoTime());
        String address = "203.0.113.41";
        java.util.function.Function<String[], String> attempt = namePassword -> {
            var token = UsernamePasswordAuthenticationToken.unauthenticated(namePassword[0], namePassword[1]);
            token.setDetails(new WebAuthenticationDetails(address, null));
            int start = verifications.get();
            try {
                signIn.authenticate(token);
                return "signed in after " + (verifications.get() - start);
            } catch (org.springframework.security.core.AuthenticationException e) {
                return e.getClass().getSimpleName() + " after " + (verifications.get() - start);
            }
        };
        assertThat(attempt.apply(new String[] {"khong.co.ai", "Bat-ky-mat-khau-1"}))
                .isEqualTo("BadCredentialsException after 1");
        for (int i = 0; i < 5; i++) {
            assertThat(attempt.apply(new String[] {"bam.gio", "sai-" + i}))
                    .isEqualTo("BadCredentialsException after 1");
        }
        // Backing off now: refused like a wrong password, and still exactly one verification.
        assertThat(attempt.apply(new String[] {"bam.gio", "Bam-gio-mat-khau-1"}))
                .isEqualTo("BadCredentialsException after 1");
        clock.advance(Duration.ofSeconds(61));
        assertThat(attempt.apply(new String[] {"bam.gio", "Bam-gio-mat-khau-1"}))
                .isEqualTo("signed in after 1");
    }

    @Test
    void successAndFailureAreOnTheLedgerWithoutThePasswordOrTheNameInClear() throws Exception {
        newUser("ledger.thu", "Ledger-thu-mat-khau-1");
        long before = ledger.size();
        attempt("ledger.thu", "Sai-mat-khau-rat-bi-mat");
        attempt("ledger.thu", "Ledger-thu-mat-khau-1");
        long userId = users.findByUsername("ledger.thu").orElseThrow().id();
        // The failure names no actor; the success does.
        assertThat(entriesSince(before))
                .extracting(e -> e.get("type").asString())
                .containsExactly("LOGIN_FAILED", "LOGIN_SUCCEEDED");
        assertThat(entriesSince(before).get(0).has("actor")).isFalse();
        assertThat(entriesSince(before).get(1).get("actor").asLong()).isEqualTo(userId);
        assertThat(audit.search("LOGIN_SUCCEEDED", null, null, null, userId, 10, 0))
                .hasSize(1);
        for (long i = before; i < ledger.size(); i++) {
            String entry = new String(ledger.entry(i), StandardCharsets.UTF_8);
            assertThat(entry).doesNotContain("Sai-mat-khau", "Ledger-thu-mat-khau", "ledger.thu", "127.0.0.1");
        }
    }

    @Test
    void unknownAccountsFailLikeWrongPasswordsAndTheTriedNameIsNotKept() throws Exception {
        long before = ledger.size();
        assertThat(attempt("khong.ton.tai", "Bat-ky-mat-khau-1")).isEqualTo("/login?error");
        assertThat(jdbc.sql("select count(*) from ledger_commitment where clear_value = 'khong.ton.tai'")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(new String(ledger.entry(before), StandardCharsets.UTF_8))
                .contains("LOGIN_FAILED")
                .doesNotContain("khong.ton.tai");
    }

    @Test
    void disabledAccountsCannotSignInAndAreSignedOutAtOnce() throws Exception {
        long id = newUser("tat.thu", "Tat-thu-mat-khau-1");
        var session = login("tat.thu", "Tat-thu-mat-khau-1");
        assertThat(mvc.perform(get("/api/me").session(session))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
        jdbc.sql("update app_user set enabled = false where id = ?").param(id).update();
        assertThat(mvc.perform(get("/api/me").session(session))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(401);
        assertThat(attempt("tat.thu", "Tat-thu-mat-khau-1")).isEqualTo("/login?disabled");
        // Only the right password learns that the account is disabled.
        assertThat(attempt("tat.thu", "Sai-mat-khau-khac-1")).isEqualTo("/login?error");
    }

    @Test
    void aThrottledAddressIsRefusedWith429AndRetryAfterUntilItsFailuresAgeOut() {
        var login = properties.login();
        DatafloorProperties strict = new DatafloorProperties(
                properties.dataDir(),
                properties.publicUrl(),
                properties.ledger(),
                new DatafloorProperties.Login(login.maxFailures(), login.backoff(), login.maxBackoff(), 3),
                properties.apiKeys(),
                properties.oidc(),
                properties.integration(),
                properties.trustedProxies(),
                properties.clientAddressHeader());
        LoginAttempts throttle = new LoginAttempts(store, auditLog, clock, strict);
        String address = "203.0.113.51";
        for (int i = 0; i < 3; i++) {
            throttle.checkAddress(address);
            throttle.failed("nguoi.doan." + i, null, address, LoginAttempts.Failure.CREDENTIALS);
            clock.advance(Duration.ofSeconds(10));
        }
        // Three failures within the minute, whatever the names: refused until the first is a minute old.
        assertThatThrownBy(() -> throttle.checkAddress(address))
                .isInstanceOfSatisfying(
                        LoginAttempts.ThrottledException.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(30));
        throttle.checkAddress("203.0.113.52"); // another address is not affected
        clock.advance(Duration.ofSeconds(30));
        throttle.checkAddress(address);
    }

    @Test
    void theThrottledAnswerIs429WithRetryAfterForPeopleAndForApiClients() throws Exception {
        var page = new org.springframework.mock.web.MockHttpServletRequest("POST", "/login");
        var pageResponse = new org.springframework.mock.web.MockHttpServletResponse();
        SecurityConfig.loginFailed(
                page, pageResponse, new LoginAttempts.ThrottledException(42), problems, locales, json);
        assertThat(pageResponse.getStatus()).isEqualTo(429);
        assertThat(pageResponse.getHeader("Retry-After")).isEqualTo("42");
        assertThat(pageResponse.getForwardedUrl()).isEqualTo("/login?throttled");

        var api = new org.springframework.mock.web.MockHttpServletRequest("POST", "/login");
        api.addHeader("Accept", "application/json");
        var apiResponse = new org.springframework.mock.web.MockHttpServletResponse();
        SecurityConfig.loginFailed(api, apiResponse, new LoginAttempts.ThrottledException(42), problems, locales, json);
        assertThat(apiResponse.getStatus()).isEqualTo(429);
        assertThat(apiResponse.getHeader("Retry-After")).isEqualTo("42");
        assertThat(apiResponse.getContentType()).startsWith("application/problem+json");
    }

    @Test
    void aForgedForwardingHeaderNeitherResetsTheBackOffNorReachesTheLedger() throws Exception {
        newUser("gia.mao", "Gia-mao-mat-khau-1");
        String peer = "203.0.113.61"; // not a trusted proxy: whatever it claims in X-Forwarded-For is ignored
        long before = ledger.size();
        for (int i = 0; i < 5; i++) {
            String forged = "198.18.0." + (100 + i);
            mvc.perform(post("/login")
                            .param("username", "gia.mao")
                            .param("password", "sai-" + i)
                            .with(csrf())
                            .header("X-Forwarded-For", forged)
                            .with(request -> {
                                request.setRemoteAddr(peer);
                                return request;
                            }))
                    .andReturn();
        }
        String answer = mvc.perform(post("/login")
                        .param("username", "gia.mao")
                        .param("password", "Gia-mao-mat-khau-1")
                        .with(csrf())
                        .header("X-Forwarded-For", "198.18.0.200")
                        .with(request -> {
                            request.setRemoteAddr(peer);
                            return request;
                        }))
                .andReturn()
                .getResponse()
                .getRedirectedUrl();
        assertThat(answer).isEqualTo("/login?error");
        assertThat(jdbc.sql("select count(*) from ledger_commitment where clear_value like '198.18.0.%'")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select count(*) from ledger_commitment where clear_value = ?")
                        .param(peer)
                        .query(Long.class)
                        .single())
                .isGreaterThanOrEqualTo(6);
        assertThat(ledger.size()).isGreaterThan(before);
        // Through the trusted proxy, the address it forwards is the client's: a fresh address, no back-off.
        String viaProxy = mvc.perform(post("/login")
                        .param("username", "gia.mao")
                        .param("password", "Gia-mao-mat-khau-1")
                        .with(csrf())
                        .header("X-Forwarded-For", "198.18.1.1")
                        .with(request -> {
                            request.setRemoteAddr(TRUSTED_PROXY);
                            return request;
                        }))
                .andReturn()
                .getResponse()
                .getRedirectedUrl();
        assertThat(viaProxy).isEqualTo("/dashboard");
        assertThat(jdbc.sql("select count(*) from ledger_commitment where clear_value = '198.18.1.1'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void changingThePasswordRefusesTheCurrentOneAndCommonOnes() throws Exception {
        newUser("doi.mat.khau", "Doi-mat-khau-cu-1");
        var session = login("doi.mat.khau", "Doi-mat-khau-cu-1");
        MvcResult same = mvc.perform(post("/api/me/password")
                        .session(session)
                        .with(csrf())
                        .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                        .content("{\"currentPassword\":\"Doi-mat-khau-cu-1\",\"newPassword\":\"Doi-mat-khau-cu-1\"}"))
                .andReturn();
        assertThat(same.getResponse().getStatus()).isEqualTo(400);
        assertThat(same.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("khác mật khẩu hiện tại")
                .doesNotContain("Doi-mat-khau-cu-1");
        MvcResult walk = mvc.perform(post("/api/me/password")
                        .session(session)
                        .with(csrf())
                        .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                        .content("{\"currentPassword\":\"Doi-mat-khau-cu-1\",\"newPassword\":\"qwertyuiopasdf\"}"))
                .andReturn();
        assertThat(walk.getResponse().getStatus()).isEqualTo(400);
        MvcResult changed = mvc.perform(
                        post("/api/me/password")
                                .session(session)
                                .with(csrf())
                                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                                .content(
                                        "{\"currentPassword\":\"Doi-mat-khau-cu-1\",\"newPassword\":\"Mot cum tu rieng ve pho co\"}"))
                .andReturn();
        assertThat(changed.getResponse().getStatus()).isLessThan(300);
    }

    @Test
    void roleChangesApplyToOpenSessionsAtOnce() throws Exception {
        long id = newUser("vaitro.thu", "Vai-tro-mat-khau-1");
        var session = login("vaitro.thu", "Vai-tro-mat-khau-1");
        assertThat(mvc.perform(get("/api/users").session(session))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
        jdbc.sql("insert into user_role(user_id, role) values (?, 'ORG_ADMIN')")
                .param(id)
                .update();
        assertThat(mvc.perform(get("/api/users").session(session))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
    }

    @Test
    void loginPageIsVietnameseByDefaultAndEnglishOnRequest() throws Exception {
        String vi = mvc.perform(get("/login")).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(vi).contains("lang=\"vi\"", "Đăng nhập", "Tên đăng nhập");
        var english = mvc.perform(get("/login").param("lang", "en")).andReturn();
        assertThat(english.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("lang=\"en\"", "Sign in", "Username");
        // The choice is remembered in a cookie.
        var cookie = english.getResponse().getCookie("datafloor-lang");
        assertThat(cookie).isNotNull();
        assertThat(mvc.perform(get("/login").cookie(cookie))
                        .andReturn()
                        .getResponse()
                        .getContentAsString(StandardCharsets.UTF_8))
                .contains("Sign in");
    }
}
