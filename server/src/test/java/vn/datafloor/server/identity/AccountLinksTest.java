package vn.datafloor.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.AuditRecord;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Decision;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.demo.DemoData;
import vn.datafloor.server.platform.ProblemException;

@ExtendWith(OutputCaptureExtension.class)
class AccountLinksTest extends PlatformTest {

    private static final String GOOD_PASSWORD = "Con-ca-vang-boi-qua-song-Hong";

    @Autowired
    AccountLinks links;

    @Autowired
    UserService users;

    @Autowired
    AuditQueries audit;

    @Autowired
    AuditLog auditLog;

    @Autowired
    LedgerService ledger;

    private Actor actorOf(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private long healthOrg() {
        return users.findByUsername("yte.admin").orElseThrow().orgId();
    }

    private static String tokenOf(AccountLinks.Issued issued) {
        return issued.url().substring(issued.url().indexOf("token=") + "token=".length());
    }

    private MvcResult redeem(String token, String password, String confirmation) throws Exception {
        return mvc.perform(post("/account-link")
                        .param("token", token)
                        .param("password", password)
                        .param("confirmation", confirmation)
                        .with(csrf()))
                .andReturn();
    }

    @Test
    void anInvitedPersonSetsTheirPasswordOnceThroughTheLinkAndSignsIn(CapturedOutput output) throws Exception {
        AccountLinks.Issued issued = links.invite(
                actorOf("yte.admin"),
                healthOrg(),
                "yte.moi",
                "Trần Thị Mới",
                "tran.thi.moi@example.vn",
                EnumSet.of(Role.ANALYST));
        String token = tokenOf(issued);
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(issued.url()).endsWith("/account-link?token=" + token);
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(72)));

        // The default mail port wrote the message to the outbox; nothing left the machine, so the page shows the link.
        assertThat(issued.delivery().delivered()).isFalse();
        Path message = DATA_DIR.resolve(issued.delivery().where());
        String mail = Files.readString(message, StandardCharsets.UTF_8);
        assertThat(mail).contains("To: tran.thi.moi@example.vn").contains(issued.url());

        // The account exists without a password: nobody can sign in to it yet.
        assertThat(mvc.perform(post("/login")
                                .param("username", "yte.moi")
                                .param("password", GOOD_PASSWORD)
                                .with(csrf()))
                        .andReturn()
                        .getResponse()
                        .getRedirectedUrl())
                .contains("/login?error");

        MvcResult page = mvc.perform(get("/account-link").param("token", token)).andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(200);
        assertThat(page.getResponse().getContentAsString()).contains("yte.moi").contains("name=\"token\"");
        assertThat(page.getResponse().getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(page.getResponse().getHeader("Referrer-Policy")).isEqualTo("no-referrer");

        // A password the policy refuses, or two different ones, leave the link working.
        MvcResult weak = redeem(token, "matkhau123456", "matkhau123456");
        assertThat(weak.getResponse().getStatus()).isEqualTo(400);
        assertThat(weak.getResponse().getContentAsString()).contains("phổ biến");
        MvcResult differ = redeem(token, GOOD_PASSWORD, GOOD_PASSWORD + "!");
        assertThat(differ.getResponse().getStatus()).isEqualTo(400);
        assertThat(links.lookup(token).open()).isPresent();

        MvcResult done = redeem(token, GOOD_PASSWORD, GOOD_PASSWORD);
        assertThat(done.getResponse().getRedirectedUrl()).isEqualTo("/login");
        assertThat(done.getResponse().getRedirectedUrl()).doesNotContain("yte.moi");
        MockHttpSession session = login("yte.moi", GOOD_PASSWORD);
        assertThat(session).isNotNull();

        // Used once: the same link is refused, and the password stays.
        MvcResult again = redeem(token, GOOD_PASSWORD + "-2", GOOD_PASSWORD + "-2");
        assertThat(again.getResponse().getStatus()).isEqualTo(400);
        assertThat(links.lookup(token).refusal()).isEqualTo(AccountLinks.Refusal.USED);
        assertThat(login("yte.moi", GOOD_PASSWORD)).isNotNull();

        // Each step is on the ledger, and neither the token nor the password is anywhere: entries, index, logs.
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        long user = users.findByUsername("yte.moi").orElseThrow().id();
        List<AuditRecord> invited = audit.search("USER_INVITED", null, null, null, null, 50, 0);
        assertThat(invited).anyMatch(r -> r.summary().contains("user " + user));
        assertThat(audit.search("ACCOUNT_LINK_USED", null, null, null, user, 50, 0))
                .hasSize(1);
        assertThat(audit.search("ACCOUNT_LINK_REFUSED", null, null, null, null, 50, 0))
                .anyMatch(r -> r.summary().contains("used"));
        String tokenHashHex = AccountLinks.hash(token);
        for (long i = 0; i < ledger.size(); i++) {
            String entry = new String(ledger.entry(i), StandardCharsets.UTF_8);
            assertThat(entry).doesNotContain(token).doesNotContain(tokenHashHex).doesNotContain(GOOD_PASSWORD);
        }
        assertThat(audit.search(null, null, null, null, null, 500, 0))
                .allSatisfy(r -> assertThat(r.summary()).doesNotContain(token).doesNotContain(GOOD_PASSWORD));
        assertThat(output.getAll()).doesNotContain(token).doesNotContain(GOOD_PASSWORD);
    }

    @Test
    void aResetLinkExpiresAfterAnHour() throws Exception {
        long target = users.bootstrapStaff(
                        healthOrg(),
                        "yte.hethan",
                        "Người hết hạn",
                        "het.han@example.vn",
                        EnumSet.of(Role.ANALYST),
                        GOOD_PASSWORD)
                .id();
        AccountLinks.Issued issued = links.startReset(actorOf("yte.admin"), target);
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(61));
        assertThat(links.lookup(tokenOf(issued)).refusal()).isEqualTo(AccountLinks.Refusal.EXPIRED);
        MvcResult page = mvc.perform(get("/account-link").param("token", tokenOf(issued)))
                .andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(410);
        assertThat(page.getResponse().getContentAsString()).contains("hết hạn").doesNotContain("name=\"password\"");
        assertThat(redeem(tokenOf(issued), "Mot-cum-tu-moi-hoan-toan", "Mot-cum-tu-moi-hoan-toan")
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
        // The old password still signs in: the expired link changed nothing.
        assertThat(login("yte.hethan", GOOD_PASSWORD)).isNotNull();
    }

    @Test
    void aNewerLinkReplacesTheOlderOne() throws Exception {
        long target = users.bootstrapStaff(
                        healthOrg(), "yte.thaythe", "Người thay thế", null, EnumSet.of(Role.ANALYST), GOOD_PASSWORD)
                .id();
        AccountLinks.Issued older = links.startReset(actorOf("yte.admin"), target);
        AccountLinks.Issued newer = links.startReset(actorOf("admin"), target);
        // No e-mail address: nothing was written, the link is for the administrator to hand over.
        assertThat(newer.delivery().delivered()).isFalse();
        assertThat(newer.delivery().where()).isNull();
        assertThat(links.lookup(tokenOf(older)).refusal()).isEqualTo(AccountLinks.Refusal.REPLACED);
        assertThatThrownBy(() -> links.redeem(tokenOf(older), "Mat-khau-cua-lien-ket-cu", "Mat-khau-cua-lien-ket-cu"))
                .isInstanceOf(ProblemException.class)
                .extracting(e -> ((ProblemException) e).messageKey())
                .isEqualTo("accountLink.replaced");
        assertThat(links.redeem(tokenOf(newer), "Mat-khau-cua-lien-ket-moi", "Mat-khau-cua-lien-ket-moi"))
                .isEqualTo("yte.thaythe");
        assertThat(login("yte.thaythe", "Mat-khau-cua-lien-ket-moi")).isNotNull();
    }

    @Test
    void aWrongOrMalformedTokenOpensNothing() throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String wrong = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        for (String token : List.of(wrong, "short", wrong + "x", "../../etc/passwd", "")) {
            assertThat(links.lookup(token).refusal()).isEqualTo(AccountLinks.Refusal.UNKNOWN);
            MvcResult result = redeem(token, GOOD_PASSWORD, GOOD_PASSWORD);
            assertThat(result.getResponse().getStatus()).isEqualTo(400);
            assertThat(result.getResponse().getContentAsString())
                    .contains("không đúng")
                    .doesNotContain(GOOD_PASSWORD);
        }
        assertThat(mvc.perform(get("/account-link")).andReturn().getResponse().getStatus())
                .isEqualTo(400);
        assertThat(mvc.perform(get("/account-link").param("token", wrong))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
    }

    @Test
    void onlyThoseWhoManageTheAccountIssueLinks() {
        long saoMaiOrg = users.findByUsername("saomai.admin").orElseThrow().orgId();
        long saoMaiUser = users.findByUsername("saomai.phantich").orElseThrow().id();
        long citizen = users.findByUsername(DemoData.CITIZEN).orElseThrow().id();
        Actor healthAdmin = actorOf("yte.admin");
        // Another organisation's accounts are hidden from an organisation's administrator.
        assertThatThrownBy(() -> links.invite(
                        healthAdmin, saoMaiOrg, "saomai.moi", "Người mới", "moi@example.vn", EnumSet.of(Role.ANALYST)))
                .isInstanceOf(NotPermittedException.class)
                .extracting(e -> ((NotPermittedException) e).decision())
                .isEqualTo(Decision.HIDDEN);
        assertThatThrownBy(() -> links.startReset(healthAdmin, saoMaiUser)).isInstanceOf(NotPermittedException.class);
        // Citizens' accounts: the operator's.
        assertThatThrownBy(() -> links.startReset(healthAdmin, citizen)).isInstanceOf(NotPermittedException.class);
        assertThat(links.startReset(actorOf("admin"), citizen).delivery().where())
                .isNull();
        // Roles that see every tenant are the operator's to hand out.
        assertThatThrownBy(() -> links.invite(
                        healthAdmin,
                        healthOrg(),
                        "yte.kiemtoan",
                        "Kiểm toán",
                        "kt@example.vn",
                        EnumSet.of(Role.AUDITOR)))
                .isInstanceOf(NotPermittedException.class);
        // Stewards, analysts and auditors issue none.
        for (String username : List.of("yte.dulieu", "kiemtoan")) {
            Actor actor = actorOf(username);
            assertThatThrownBy(() -> links.startReset(actor, saoMaiUser)).isInstanceOf(NotPermittedException.class);
            assertThatThrownBy(() -> links.invite(
                            actor, healthOrg(), "yte.khong", "Không", "khong@example.vn", EnumSet.of(Role.ANALYST)))
                    .isInstanceOf(NotPermittedException.class);
        }
        // An invitation needs an address to go to.
        assertThatThrownBy(() -> links.invite(
                        healthAdmin, healthOrg(), "yte.khongthu", "Không thư", " ", EnumSet.of(Role.ANALYST)))
                .isInstanceOf(ProblemException.class);
        assertThat(users.findByUsername("yte.khongthu")).isEmpty();
        assertThat(users.findByUsername("saomai.moi")).isEmpty();
    }

    @Test
    void theUsersPageShowsTheIssuedLinkOnce() throws Exception {
        MockHttpSession session = login("yte.admin");
        MvcResult invited = mvc.perform(post("/users/invitations")
                        .session(session)
                        .param("orgId", Long.toString(healthOrg()))
                        .param("username", "yte.trang")
                        .param("displayName", "Phạm Thu Trang")
                        .param("email", "thu.trang@example.vn")
                        .param("roles", "DATA_STEWARD")
                        .with(csrf()))
                .andReturn();
        String target = invited.getResponse().getRedirectedUrl();
        assertThat(target).startsWith("/users");
        String url = (String) invited.getFlashMap().get("accountLinkUrl");
        assertThat(url).contains("/account-link?token=");
        MvcResult page = mvc.perform(get(target).session(session)).andReturn();
        assertThat(page.getResponse().getContentAsString()).contains(url).contains("outbox/");
        // Shown once: the next visit has no link.
        assertThat(mvc.perform(get(target).session(session))
                        .andReturn()
                        .getResponse()
                        .getContentAsString())
                .doesNotContain("/account-link?token=");
        try (Stream<Path> files = Files.list(DATA_DIR.resolve("outbox"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".eml"))).isNotEmpty();
        }
    }
}
