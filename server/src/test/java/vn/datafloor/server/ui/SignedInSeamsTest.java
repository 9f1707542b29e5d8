package vn.datafloor.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import vn.datafloor.server.PlatformTest;

/** A signed-in person never falls out of their layout, and is never offered a link that refuses them. */
class SignedInSeamsTest extends PlatformTest {

    private MockHttpServletResponse page(String path, MockHttpSession session) throws Exception {
        return mvc.perform(get(path).session(session).accept("text/html"))
                .andReturn()
                .getResponse();
    }

    @Test
    void forbiddenAndMissingPagesKeepTheSignedInMenu() throws Exception {
        MockHttpSession analyst = login("saomai.phantich");
        MockHttpServletResponse forbidden = page("/users", analyst);
        assertThat(forbidden.getStatus()).isEqualTo(403);
        String html = forbidden.getContentAsString(StandardCharsets.UTF_8);
        assertThat(html)
                .contains("saomai.phantich", "id=\"logout\"", "href=\"/dashboard\"")
                .doesNotContain("id=\"sign-in\"");
        MockHttpServletResponse missing = page("/exchange/contracts/987654321", analyst);
        assertThat(missing.getStatus()).isEqualTo(404);
        assertThat(missing.getContentAsString(StandardCharsets.UTF_8))
                .contains("id=\"logout\"")
                .doesNotContain("id=\"sign-in\"");
        // A visitor's error page keeps the visitor's menu.
        MockHttpServletResponse visitor = mvc.perform(
                        get("/exchange/contracts/987654321").accept("text/html"))
                .andReturn()
                .getResponse();
        assertThat(visitor.getContentAsString(StandardCharsets.UTF_8)).doesNotContain("id=\"logout\"");
    }

    @Test
    void organisationNamesLinkToTheirUsersOnlyWhereTheViewerMayListThem() throws Exception {
        for (String username : new String[] {"yte.dulieu", "saomai.phantich", "yte.admin", "admin"}) {
            MockHttpSession session = login(username);
            String html = page("/organisations", session).getContentAsString(StandardCharsets.UTF_8);
            Matcher links = Pattern.compile("href=\"(/users\\?org=\\d+)\"").matcher(html);
            int count = 0;
            while (links.find()) {
                count++;
                assertThat(page(links.group(1), session).getStatus())
                        .as(username + " → " + links.group(1))
                        .isEqualTo(200);
            }
            if (username.equals("admin")) {
                assertThat(count)
                        .as("the operator lists every organisation's users")
                        .isGreaterThan(1);
            }
            if (username.equals("yte.dulieu") || username.equals("saomai.phantich")) {
                assertThat(count)
                        .as(username + " may list no organisation's users")
                        .isZero();
            }
        }
    }
}
