package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/**
 * Audit events as a person reads them (issue 15): the ledger keeps user and organisation numbers, the
 * audit list and each event's page name who acted and for which organisation, in words, beside the exact
 * ledger entry.
 */
class AuditEventPageTest extends PlatformTest {

    @Autowired
    AuditQueries queries;

    @Autowired
    AuditLog auditLog;

    @Autowired
    UserService users;

    @Autowired
    OrganisationService organisations;

    private String page(String path, MockHttpSession session) throws Exception {
        var response = mvc.perform(get(path).session(session)).andReturn().getResponse();
        assertThat(response.getStatus()).as(path).isEqualTo(200);
        return response.getContentAsString(StandardCharsets.UTF_8);
    }

    @Test
    void anEventNamesWhoActedAndTheirOrganisationNotTheirNumbers() throws Exception {
        UserAccount steward = users.findByUsername("yte.dulieu").orElseThrow();
        login("yte.dulieu");
        assertThat(auditLog.awaitRelayed(Duration.ofSeconds(30))).isTrue();
        List<AuditRecord> signIns = queries.search("LOGIN_SUCCEEDED", null, null, null, steward.id(), 1, 0);
        assertThat(signIns).isNotEmpty();
        long index = signIns.get(0).ledgerIndex();
        String organisation = organisations.find(steward.orgId()).orElseThrow().name();

        MockHttpSession auditor = login("kiemtoan");
        String event = page("/audit/events/" + index, auditor);
        String facts = event.substring(
                event.indexOf("id=\"event-facts\""), event.indexOf("</table>", event.indexOf("id=\"event-facts\"")));
        assertThat(facts)
                .contains("id=\"event-who\">" + steward.displayName() + " (yte.dulieu)<")
                .contains("id=\"event-organisation\">" + organisation + "<")
                .contains("Đăng nhập (mật khẩu)")
                .doesNotContain("LOGIN_SUCCEEDED", "\"actor\"");
        // The exact entry stays, for verification; it holds the numbers the names were read from.
        assertThat(event).contains("id=\"event-entry\"", "&quot;actor&quot;:" + steward.id());

        String list = page("/audit?type=LOGIN_SUCCEEDED", auditor);
        assertThat(list).contains(steward.displayName() + " (yte.dulieu)", " · " + organisation);

        // The platform's own events say so, in words.
        List<AuditRecord> platform = queries.search("PLATFORM_STARTED", null, null, null, null, 1, 0);
        assertThat(platform)
                .singleElement()
                .satisfies(p -> assertThat(p.actorUserId()).isNull());
        assertThat(page("/audit/events/" + platform.get(0).ledgerIndex(), auditor))
                .contains("id=\"event-who\">Nền tảng (tác vụ tự động)<");

        // English readers get the same facts in English.
        String english = page("/audit/events/" + index + "?lang=en", auditor);
        assertThat(english).contains("Who", steward.displayName() + " (yte.dulieu)");
    }
}
