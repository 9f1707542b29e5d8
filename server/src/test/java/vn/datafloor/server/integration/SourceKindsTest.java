package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.connect.Setting;
import vn.datafloor.integration.connect.SourceConnector;
import vn.datafloor.integration.connect.SourceConnectors;
import vn.datafloor.server.PlatformTest;

/** The kinds of source the API and the page offer are exactly the engine's registry, each translated. */
class SourceKindsTest extends PlatformTest {

    private static final String SECRET = "Mat-khau-khong-duoc-lo-2026";

    @Autowired
    JsonMapper json;

    @Test
    void theApiListsExactlyTheRegistryWithEachSettingsNatureAndTheSecretMarked() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult answer =
                mvc.perform(get("/api/source-kinds").session(steward)).andReturn();
        assertThat(answer.getResponse().getStatus()).isEqualTo(200);
        JsonNode kinds = json.readTree(answer.getResponse().getContentAsString(StandardCharsets.UTF_8));
        assertThat(kinds.size()).isEqualTo(SourceConnectors.all().size());
        for (int i = 0; i < kinds.size(); i++) {
            SourceConnector<?> connector = SourceConnectors.all().get(i);
            JsonNode kind = kinds.get(i);
            assertThat(kind.get("kind").asString()).isEqualTo(connector.kind());
            assertThat(kind.get("takesFile").asBoolean())
                    .isEqualTo(connector.reach() == SourceConnector.Reach.UPLOADED_FILE);
            assertThat(kind.get("settings").size())
                    .isEqualTo(connector.settings().size());
            for (int s = 0; s < connector.settings().size(); s++) {
                Setting setting = connector.settings().get(s);
                JsonNode listed = kind.get("settings").get(s);
                assertThat(listed.get("name").asString()).isEqualTo(setting.name());
                assertThat(listed.get("required").asBoolean())
                        .as(setting.name())
                        .isEqualTo(setting.required());
                assertThat(listed.get("secret").asBoolean()).as(setting.name()).isEqualTo(setting.secret());
            }
        }
        assertThat(kinds.findValues("secret").stream()
                        .filter(JsonNode::asBoolean)
                        .count())
                .as("jdbc's password, pg_changes' password, http's token")
                .isEqualTo(3);
    }

    @Test
    void theSourcesPageOffersEveryKindInTheRegistry() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        String page = mvc.perform(get("/integration/sources").session(steward))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        for (String kind : SourceConnectors.kinds()) {
            assertThat(page).contains("<option value=\"" + kind + "\"").contains("data-kind=\"" + kind + "\"");
        }
    }

    @Test
    void everyKindSettingAndChoiceIsTranslatedInBothLanguages() throws IOException {
        for (String file : List.of("messages.properties", "messages_en.properties")) {
            Properties messages = new Properties();
            try (InputStream in = SourceKindsTest.class.getResourceAsStream("/" + file)) {
                messages.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
            for (SourceConnector<?> connector : SourceConnectors.all()) {
                assertThat(messages).as(file).containsKey("source.type." + connector.kind());
                for (Setting setting : connector.settings()) {
                    assertThat(messages).as(file).containsKey("source.setting." + setting.name());
                    setting.choices().forEach(c -> assertThat(messages).as(file).containsKey("source.choice." + c));
                }
            }
        }
    }

    @Test
    void registrationTakesOnlyTheKindsOwnSettingsAndNamesTheWrongOneWithoutEchoingASecret() throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult foreign = register(
                steward,
                Map.of("name", "kinds.csv-url", "type", "csv", "settings", Map.of("url", "https://api.example/x")));
        assertThat(foreign.getResponse().getStatus()).isEqualTo(400);
        assertThat(problemType(foreign)).endsWith("source-settingUnknown");

        MvcResult badNumber = register(
                steward,
                Map.of(
                        "name",
                        "kinds.http-timeout",
                        "type",
                        "http",
                        "settings",
                        Map.of("url", "https://api.example/x", "timeout_seconds", SECRET)));
        assertThat(badNumber.getResponse().getStatus()).isEqualTo(400);
        assertThat(problemType(badNumber)).endsWith("source-settingInvalid");
        assertThat(badNumber.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain(SECRET);

        MvcResult inUrl = register(
                steward,
                Map.of(
                        "name",
                        "kinds.jdbc-password",
                        "type",
                        "jdbc",
                        "settings",
                        Map.of("url", "jdbc:sqlserver://db.example;password=" + SECRET, "table", "t")));
        assertThat(inUrl.getResponse().getStatus()).isEqualTo(400);
        assertThat(inUrl.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain(SECRET);

        MvcResult secretAsSetting = register(
                steward,
                Map.of(
                        "name",
                        "kinds.jdbc-credential",
                        "type",
                        "jdbc",
                        "settings",
                        Map.of("url", "jdbc:postgresql://db.example/x", "table", "t", "credential", SECRET)));
        assertThat(secretAsSetting.getResponse().getStatus())
                .as("a secret goes in the secret field, never the settings")
                .isEqualTo(400);
        assertThat(secretAsSetting.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain(SECRET);
    }

    private MvcResult register(MockHttpSession session, Map<String, Object> body) throws Exception {
        return mvc.perform(post("/api/sources")
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(body)))
                .andReturn();
    }

    private String problemType(MvcResult result) throws Exception {
        return json.readTree(result.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .get("type")
                .asString();
    }
}
