package vn.datafloor.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.mock.web.MockHttpSession;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.demo.DemoData;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.linkage.RegisterService;
import vn.datafloor.server.platform.NumberFormat;

/** Each role's dashboard says what waits for it, with links only to what it may open. */
class DashboardTasksTest extends PlatformTest {

    @Autowired
    NextSteps nextSteps;

    @Autowired
    RegisterService register;

    @Autowired
    UserService users;

    @Autowired
    NumberFormat numbers;

    @Autowired
    AuditLog auditLog;

    @AfterEach
    void resetLocale() {
        LocaleContextHolder.resetLocaleContext();
    }

    private String page(String path, MockHttpSession session) throws Exception {
        return mvc.perform(get(path).session(session))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void theOperatorSeesThePairsWaitingForReviewWithTheirCountAndLink() throws Exception {
        long pending = register.pendingReviews();
        assertThat(pending).as("the demo register leaves pairs for review").isPositive();
        List<NextSteps.Task> tasks = nextSteps.of(actor("admin"));
        assertThat(tasks)
                .filteredOn(t -> t.key().equals("registerReview"))
                .singleElement()
                .satisfies(t -> {
                    assertThat(t.count()).isEqualTo(pending);
                    assertThat(t.href()).isEqualTo("/register/review");
                });
        String html = page("/dashboard", login("admin"));
        assertThat(html)
                .contains("id=\"next-steps\"", "data-task=\"registerReview\"", "href=\"/register/review\"")
                .contains("đang chờ bạn xem xét có phải cùng một người không")
                .doesNotContain("??");
        // The register page the task links to opens for the operator.
        assertThat(mvc.perform(get("/register/review").session(login("admin")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
    }

    @Test
    void repeatedFailedSignInsBecomeAnAlertFirstInTheOperatorsListAndRoutineEventsAreGrey() throws Exception {
        for (int i = 0; i < 6; i++) {
            mvc.perform(post("/login")
                    .param("username", "khong.co.ai.bang.dieu.khien")
                    .param("password", "not-the-password-" + i)
                    .with(csrf()));
        }
        Actor admin = actor("admin");
        // The alert is counted from the ledger's index, which the audit relay fills after the event.
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        List<NextSteps.Task> tasks = nextSteps.of(admin);
        assertThat(tasks.get(0).key()).isEqualTo("securityAlerts");
        assertThat(tasks.get(0).urgent()).isTrue();
        String html = page("/dashboard", login("admin"));
        assertThat(html).contains("data-task=\"securityAlerts\"", "bar severity-routine");
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    @Test
    void aStewardGetsNoOperatorTasksAndEveryTaskLinkOpensForThem() throws Exception {
        Actor steward = actor("yte.dulieu");
        List<NextSteps.Task> tasks = nextSteps.of(steward);
        assertThat(tasks)
                .extracting(NextSteps.Task::key)
                .doesNotContain("inspections", "registerReview", "securityAlerts", "disputesToDecide");
        MockHttpSession session = login("yte.dulieu");
        for (NextSteps.Task task : tasks) {
            assertThat(mvc.perform(get(task.href()).session(session))
                            .andReturn()
                            .getResponse()
                            .getStatus())
                    .as(task.key() + " → " + task.href())
                    .isEqualTo(200);
        }
    }

    @Test
    void theAuditorSeesWhenTheWholeLedgerWasLastVerifiedAndItsLatestCheckpoint() throws Exception {
        MockHttpSession auditor = login("kiemtoan");
        assertThat(mvc.perform(post("/api/ledger/verify").session(auditor).with(csrf()))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(200);
        String home = page("/dashboard", auditor);
        assertThat(home)
                .contains("id=\"ledger-integrity\"")
                .contains("không phát hiện sai lệch")
                .doesNotContain("chưa được kiểm tra toàn bộ");
        // Only those who may read the audit trail get the card.
        assertThat(page("/dashboard", login("yte.dulieu"))).doesNotContain("ledger-integrity");
    }

    @Test
    void theAnalystSeesTheirAgreementsInForceWithLinksToUseThem() throws Exception {
        String home = page("/dashboard", login("saomai.phantich"));
        assertThat(home).contains("id=\"held-agreements\"").contains("Hợp đồng số ");
        // Each agreement shown opens for the analyst, and so does its data access page.
        java.util.regex.Matcher links = java.util.regex.Pattern.compile(
                        "href=\"(/(?:exchange/contracts|access)/\\d+)\"")
                .matcher(home);
        int opened = 0;
        MockHttpSession session = login("saomai.phantich");
        while (links.find()) {
            assertThat(mvc.perform(get(links.group(1)).session(session))
                            .andReturn()
                            .getResponse()
                            .getStatus())
                    .as(links.group(1))
                    .isEqualTo(200);
            opened++;
        }
        assertThat(opened).isGreaterThanOrEqualTo(2);
        // A steward who buys nothing gets no such card.
        assertThat(page("/dashboard", login("yte.dulieu"))).doesNotContain("held-agreements");
    }

    @Test
    void theOperatorSeesThePlatformsHealthAndOthersDoNot() throws Exception {
        String home = page("/dashboard", login("admin"));
        assertThat(home)
                .contains("id=\"platform-health\"")
                .contains("chưa vào sổ cái")
                .contains("chưa được niêm phong")
                .contains("trên ổ chứa thư mục dữ liệu");
        assertThat(page("/dashboard", login("kiemtoan"))).doesNotContain("platform-health");
        assertThat(page("/dashboard", login("saomai.phantich"))).doesNotContain("platform-health");
    }

    @Test
    void theHomeLinkTakesACitizenToTheirOwnPageAndStaffToTheDashboard() throws Exception {
        assertThat(mvc.perform(get("/").session(login(DemoData.CITIZEN)))
                        .andReturn()
                        .getResponse()
                        .getRedirectedUrl())
                .isEqualTo("/me");
        assertThat(mvc.perform(get("/").session(login("saomai.phantich")))
                        .andReturn()
                        .getResponse()
                        .getRedirectedUrl())
                .isEqualTo("/dashboard");
        assertThat(mvc.perform(get("/")).andReturn().getResponse().getRedirectedUrl())
                .isEqualTo("/portal");
    }

    @Test
    void numbersAreWrittenTheReadersWay() {
        LocaleContextHolder.setLocale(Locale.forLanguageTag("vi"));
        assertThat(numbers.integer(16228)).isEqualTo("16.228");
        assertThat(numbers.decimal(99.94, 1)).isEqualTo("99,9");
        LocaleContextHolder.setLocale(Locale.ENGLISH);
        assertThat(numbers.integer(16228)).isEqualTo("16,228");
        assertThat(numbers.decimal(99.94, 1)).isEqualTo("99.9");
    }

    @Test
    void onlyRepeatedFailuresGuardRefusalsAndBreachesAreAlarms() {
        assertThat(EventType.LOGIN_SUCCEEDED.severity()).isEqualTo(EventType.Severity.ROUTINE);
        assertThat(EventType.LOGIN_FAILED.severity()).isEqualTo(EventType.Severity.REFUSAL);
        assertThat(EventType.ACCOUNT_LOCKED.alarming()).isTrue();
        assertThat(EventType.severityOf("NO_SUCH_TYPE")).isEqualTo(EventType.Severity.ROUTINE);
    }
}
