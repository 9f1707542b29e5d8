package vn.datafloor.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MvcResult;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.AuditRecord;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.Role;

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

    private String attempt(String username, String password) throws Exception {
        MvcResult result = mvc.perform(post("/login").param("username", username).param("password", password).with(csrf()))
                .andReturn();
        return result.getResponse().getRedirectedUrl();
    }

    private long newUser(String username, String password) {
        long org = users.findByUsername("yte.admin").orElseThrow().orgId();
        return users.bootstrapStaff(org, username, "Người thử", null, EnumSet.of(Role.ANALYST), password).id();
    }

    @Test
    void passwordsAreStoredAsArgon2idWithOwaspMinimumParameters() {
        String hash = jdbc.sql("select password_hash from app_user where username = 'admin'").query(String.class).single();
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(passwords.matches("Datafloor-demo-2026", hash)).isTrue();
        assertThat(passwords.matches("Datafloor-demo-2027", hash)).isFalse();
    }

    @Test
    void repeatedFailuresLockTheAccountEvenForTheRightPasswordUntilTheLockoutEnds() throws Exception {
        newUser("khoa.thu", "Khoa-thu-mat-khau-1");
        for (int i = 0; i < 4; i++) {
            assertThat(attempt("khoa.thu", "wrong-password-" + i)).isEqualTo("/login?error");
        }
        // The failure that locks the account says so at once.
        assertThat(attempt("khoa.thu", "wrong-password-5")).isEqualTo("/login?locked");
        // Locked now: the right password is refused, and says so.
        assertThat(attempt("khoa.thu", "Khoa-thu-mat-khau-1")).isEqualTo("/login?locked");
        List<AuditRecord> locks = audit.search("ACCOUNT_LOCKED", null, null, null,
                users.findByUsername("khoa.thu").orElseThrow().id(), 10, 0);
        assertThat(locks).hasSize(1);

        clock.advance(Duration.ofMinutes(16));
        assertThat(attempt("khoa.thu", "Khoa-thu-mat-khau-1")).isEqualTo("/dashboard");
        assertThat(users.findByUsername("khoa.thu").orElseThrow().failedAttempts()).isZero();
    }

    @Test
    void successAndFailureAreOnTheLedgerWithoutThePasswordOrTheNameInClear() throws Exception {
        newUser("ledger.thu", "Ledger-thu-mat-khau-1");
        long before = ledger.size();
        attempt("ledger.thu", "Sai-mat-khau-rat-bi-mat");
        attempt("ledger.thu", "Ledger-thu-mat-khau-1");
        long userId = users.findByUsername("ledger.thu").orElseThrow().id();
        assertThat(audit.search("LOGIN_FAILED", null, null, null, userId, 10, 0)).hasSize(1);
        assertThat(audit.search("LOGIN_SUCCEEDED", null, null, null, userId, 10, 0)).hasSize(1);
        for (long i = before; i < ledger.size(); i++) {
            String entry = new String(ledger.entry(i), StandardCharsets.UTF_8);
            assertThat(entry).doesNotContain("Sai-mat-khau", "Ledger-thu-mat-khau", "ledger.thu", "127.0.0.1");
        }
    }

    @Test
    void unknownAccountsFailLikeWrongPasswordsAndTheTriedNameIsNotKept() throws Exception {
        long before = ledger.size();
        assertThat(attempt("khong.ton.tai", "Bat-ky-mat-khau-1")).isEqualTo("/login?error");
        assertThat(jdbc.sql("select count(*) from ledger_commitment where clear_value = 'khong.ton.tai'").query(Long.class).single())
                .isZero();
        assertThat(new String(ledger.entry(before), StandardCharsets.UTF_8)).contains("LOGIN_FAILED").doesNotContain("khong.ton.tai");
    }

    @Test
    void disabledAccountsCannotSignInAndAreSignedOutAtOnce() throws Exception {
        long id = newUser("tat.thu", "Tat-thu-mat-khau-1");
        var session = login("tat.thu", "Tat-thu-mat-khau-1");
        assertThat(mvc.perform(get("/api/me").session(session)).andReturn().getResponse().getStatus()).isEqualTo(200);
        jdbc.sql("update app_user set enabled = false where id = ?").param(id).update();
        assertThat(mvc.perform(get("/api/me").session(session)).andReturn().getResponse().getStatus()).isEqualTo(401);
        assertThat(attempt("tat.thu", "Tat-thu-mat-khau-1")).isEqualTo("/login?disabled");
    }

    @Test
    void roleChangesApplyToOpenSessionsAtOnce() throws Exception {
        long id = newUser("vaitro.thu", "Vai-tro-mat-khau-1");
        var session = login("vaitro.thu", "Vai-tro-mat-khau-1");
        assertThat(mvc.perform(get("/api/users").session(session)).andReturn().getResponse().getStatus()).isEqualTo(403);
        jdbc.sql("insert into user_role(user_id, role) values (?, 'ORG_ADMIN')").param(id).update();
        assertThat(mvc.perform(get("/api/users").session(session)).andReturn().getResponse().getStatus()).isEqualTo(200);
    }

    @Test
    void loginPageIsVietnameseByDefaultAndEnglishOnRequest() throws Exception {
        String vi = mvc.perform(get("/login")).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(vi).contains("lang=\"vi\"", "Đăng nhập", "Tên đăng nhập");
        var english = mvc.perform(get("/login").param("lang", "en")).andReturn();
        assertThat(english.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("lang=\"en\"", "Sign in", "Username");
        // The choice is remembered in a cookie.
        var cookie = english.getResponse().getCookie("datafloor-lang");
        assertThat(cookie).isNotNull();
        assertThat(mvc.perform(get("/login").cookie(cookie)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("Sign in");
    }
}
