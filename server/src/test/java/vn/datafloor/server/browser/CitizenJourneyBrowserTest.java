package vn.datafloor.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.MessageSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.demo.DemoData;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.identity.UserAccount;
import vn.datafloor.server.identity.UserService;

/**
 * The demo citizen's whole journey in a real browser, on a phone-sized screen: they sign in with their
 * identity number, land on their home, see that the bank (Sao Mai) received their data under its
 * credit-scoring contract, check the proof of that access, see their open request and its deadlines, and
 * withdraw their consent to the bank; the bank's very next request over its agreement key no longer
 * returns them. No citizen page scrolls sideways at 390 px.
 *
 * <p>Needs Chromium and chromedriver (see {@link Chromium}); skipped with a reason otherwise.
 * Screenshots go to {@code target/screenshots/}.
 */
@Tag("browser")
@ExtendWith(Chromium.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "datafloor.demo=true",
            "datafloor.demo.people=2000",
            // Checkpoints come often, so the citizen's proof becomes verifiable while the test waits for it.
            "datafloor.ledger.checkpoint-interval=PT2S"
        })
class CitizenJourneyBrowserTest {

    private static final Locale VIETNAMESE = Locale.forLanguageTag("vi");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String BANK = "Công ty Cổ phần Dữ liệu Sao Mai";
    private static final int PHONE_WIDTH = 390;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        Path dataDir = Chromium.scratch("browser-citizen-");
        registry.add("datafloor.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    MessageSource messages;

    @Autowired
    JsonMapper json;

    @Autowired
    UserService users;

    @Autowired
    ContractService contracts;

    @Autowired
    ApiKeyService apiKeys;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    @BeforeEach
    void openBrowser() {
        browser = Chromium.start();
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theCitizenSeesTheBanksAccessChecksItsProofAndWithdrawsTheirConsent() throws Exception {
        browser.manage().window().setSize(new Dimension(PHONE_WIDTH, 900));

        // Sign in with the identity number: a citizen lands on their own home, not on a staff page.
        open("/login");
        browser.findElement(By.id("username")).sendKeys(DemoData.CITIZEN);
        browser.findElement(By.id("password")).sendKeys(DemoData.PASSWORD);
        WebElement submit = browser.findElement(By.id("login-submit"));
        submit.click();
        wait.until(Chromium.goneFromPage(submit));
        wait.until(ExpectedConditions.urlMatches("/me$"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(text("citizen.home.title"));

        // The bank's access: who, for what, under which contract.
        WebElement access = bankAccess();
        String card = access.getText();
        assertThat(card)
                .contains(text("citizen.accesses.by", BANK))
                .contains(text("consent.purpose.df:creditScoring"))
                .doesNotContain("df:");
        Matcher contractNumber = Pattern.compile("#(\\d+)").matcher(card);
        assertThat(contractNumber.find()).as(card).isTrue();
        long agreementId = Long.parseLong(contractNumber.group(1));
        ContractService.Contract contract = contracts.visible(actor("saomai.admin"), agreementId);
        assertThat(contract.buyerOrg()).isEqualTo(orgOf("saomai.admin"));
        assertThat(contract.purpose()).isEqualTo("df:creditScoring");
        assertCitizenPage("citizen-home");

        // Its proof, checked on the page with the ledger's key once a signed checkpoint covers it.
        String accessId = access.getAttribute("id").substring("access-".length());
        access.findElement(By.cssSelector("a[href$='/me/accesses/" + accessId + "']"))
                .click();
        wait.until(ExpectedConditions.urlContains("/me/accesses/" + accessId));
        wait.until(d -> {
            List<WebElement> verdict = d.findElements(By.cssSelector("#verdict.success"));
            if (verdict.isEmpty()) {
                d.navigate().refresh();
                return false;
            }
            return true;
        });
        assertThat(browser.findElement(By.id("verdict")).getText()).isEqualTo(text("citizen.proof.ok"));
        assertThat(browser.findElements(By.cssSelector("#verification .steps .badge")))
                .hasSize(4)
                .allSatisfy(b -> assertThat(b.getAttribute("class")).contains("ok"));
        assertThat(browser.findElement(By.id("download")).getAttribute("href"))
                .endsWith("/api/me/accesses/" + accessId + "/proof");
        assertCitizenPage("citizen-proof");

        // Every access, and the data the agencies hold about them, from the home's links.
        open("/me");
        follow("all-accesses");
        assertThat(browser.findElement(By.id("access-" + accessId)).getText()).contains(BANK);
        assertCitizenPage("citizen-accesses");
        open("/me");
        follow("link-data");
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains(DemoData.CITIZEN_NAME)
                .doesNotContain("ho-tich.cong-dan");
        // In words and as people write dates (the identity number states a man born in that year).
        assertThat(browser.findElement(By.id("value-sex")).getText()).contains(": " + text("citizen.sex.M"));
        assertThat(browser.findElement(By.id("value-birth_date")).getText())
                .containsPattern(": \\d{2}/\\d{2}/" + birthYear(DemoData.CITIZEN));
        assertCitizenPage("citizen-data");
        open("/me");
        follow("link-account");
        assertCitizenPage("citizen-account");

        // The open request, with its deadlines.
        open("/me");
        follow("link-requests");
        WebElement request = browser.findElements(By.cssSelector("[id^=request-]")).stream()
                .filter(r -> r.getText().contains(text("subjectRequest.kind.ACCESS")))
                .findFirst()
                .orElseThrow();
        assertThat(request.getText())
                .contains(text("subjectRequest.state.SUBMITTED"))
                .contains(text("subjectRequest.acknowledgeDue"))
                .contains(text("subjectRequest.completeDue"));
        assertThat(request.findElements(By.cssSelector("dd")).get(1).getText()).matches(".*\\d{4}.*");
        assertCitizenPage("citizen-requests");

        // The bank reads its agreement's rows with its key: the citizen is among them.
        String token = apiKeys.createForAgreement(
                        actor("saomai.admin"), "chấm điểm", "agreement:" + agreementId, Duration.ofHours(1))
                .token();
        String subjectColumn = maskedColumn(agreementId, token, "KEYED_HASH");
        String birthColumn = maskedColumn(agreementId, token, "YEAR_ONLY");
        Map<String, JsonNode> before = rowsBySubject(agreementId, token, subjectColumn);

        // The citizen withdraws their consent to the bank.
        open("/me");
        follow("link-consents");
        WebElement consent = browser.findElements(By.cssSelector("[id^=consent-]")).stream()
                .filter(c -> c.getText().contains(BANK)
                        && c.getText().contains(text("consent.status.GIVEN"))
                        && c.getText().contains(text("consent.purpose.df:creditScoring")))
                .findFirst()
                .orElseThrow();
        assertCitizenPage("citizen-consents");
        String consentId = consent.getAttribute("id");
        WebElement withdraw = consent.findElement(By.cssSelector("button[id^=withdraw-]"));
        withdraw.click();
        wait.until(Chromium.goneFromPage(withdraw));
        assertThat(browser.findElement(By.cssSelector(".alert.success")).getText())
                .isEqualTo(text("consent.withdrawnNow"));
        WebElement withdrawn = browser.findElement(By.id(consentId));
        assertThat(withdrawn.getText()).contains(text("consent.status.WITHDRAWN"));
        assertThat(withdrawn.findElements(By.cssSelector("button[id^=withdraw-]")))
                .isEmpty();
        assertCitizenPage("citizen-consent-withdrawn");

        // The bank's next request no longer returns them: exactly one person fewer, born in their year.
        Map<String, JsonNode> after = rowsBySubject(agreementId, token, subjectColumn);
        assertThat(after).hasSize(before.size() - 1);
        assertThat(before.keySet()).containsAll(after.keySet());
        Set<String> gone = new java.util.HashSet<>(before.keySet());
        gone.removeAll(after.keySet());
        JsonNode theirs = before.get(gone.iterator().next());
        assertThat(theirs.get(birthColumn).asInt()).isEqualTo(birthYear(DemoData.CITIZEN));
    }

    // --- helpers

    /** The newest access of the bank on the citizen's home. */
    private WebElement bankAccess() {
        return browser.findElements(By.cssSelector("#recent-accesses li.access")).stream()
                .filter(a -> a.getText().contains(BANK))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access by the bank on /me: "
                        + browser.findElement(By.tagName("main")).getText()));
    }

    /**
     * What every citizen page must be: Vietnamese throughout (no message key left unresolved, no raw
     * purpose code), and for a phone: nothing wider than the screen.
     */
    private void assertCitizenPage(String screenshot) throws IOException {
        String page = browser.getCurrentUrl();
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("vi");
        // (A proof's ledger entry is shown verbatim, as signed: its text is not the page's words.)
        String words = (String) browser.executeScript("const copy = document.body.cloneNode(true);"
                + " copy.querySelectorAll('pre').forEach(p => p.remove()); return copy.textContent;");
        assertThat(words).as(page).doesNotContain("??").doesNotContain("df:");
        // The developers' API console is in English and of no use to a citizen: not in their menu.
        assertThat(browser.findElements(By.cssSelector("header a[href*='swagger']")))
                .as(page)
                .isEmpty();
        assertThat(browser.findElement(By.tagName("h1")).getText())
                .as(page)
                .isNotBlank()
                .isNotEqualTo(text("error.title"));
        Number scrollWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
        Number innerWidth = (Number) browser.executeScript("return window.innerWidth");
        assertThat(innerWidth.intValue()).isLessThanOrEqualTo(PHONE_WIDTH);
        assertThat(scrollWidth.intValue())
                .as("%s scrolls sideways at %d px", page, innerWidth)
                .isLessThanOrEqualTo(innerWidth.intValue());
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(screenshot + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private String maskedColumn(long agreementId, String token, String mask) throws Exception {
        JsonNode described = get("/api/access/" + agreementId, token);
        for (Map.Entry<String, JsonNode> e : described.get("masks").properties()) {
            if (e.getValue().asString().equals(mask)) {
                return e.getKey();
            }
        }
        throw new AssertionError("no " + mask + " column in " + described);
    }

    /** Every row the agreement delivers now, by its keyed hash of the identity number. */
    private Map<String, JsonNode> rowsBySubject(long agreementId, String token, String subjectColumn) throws Exception {
        JsonNode page = get("/api/access/" + agreementId + "/rows?limit=1000", token);
        assertThat(page.get("truncated").asBoolean()).isFalse();
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        for (JsonNode row : page.get("rows")) {
            rows.put(row.get(subjectColumn).asString(), row);
        }
        assertThat(rows).isNotEmpty().doesNotContainKey(DemoData.CITIZEN);
        return rows;
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json")
                        .timeout(WAIT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** The year of birth a CCCD states: century from the 4th digit, year of the century from the 5th and 6th. */
    private static int birthYear(String cccd) {
        int centuryAndSex = cccd.charAt(3) - '0';
        return 1900 + 100 * (centuryAndSex / 2) + Integer.parseInt(cccd.substring(4, 6));
    }

    /** Clicks a link of the current page and waits for the page it leads to. */
    private void follow(String linkId) {
        WebElement link = browser.findElement(By.id(linkId));
        String target = link.getAttribute("href");
        link.click();
        wait.until(Chromium.goneFromPage(link));
        wait.until(d -> "complete".equals(browser.executeScript("return document.readyState")));
        assertThat(browser.getCurrentUrl()).isEqualTo(target);
    }

    private void open(String path) {
        browser.get("http://localhost:" + port + path);
        wait.until(d -> "complete".equals(browser.executeScript("return document.readyState")));
    }

    private String text(String key, Object... args) {
        return messages.getMessage(key, args, VIETNAMESE);
    }

    private Actor actor(String username) {
        UserAccount u = users.findByUsername(username).orElseThrow();
        return new Actor(u.id(), u.username(), u.orgId(), u.roles(), null, Set.of());
    }

    private long orgOf(String username) {
        return users.findByUsername(username).orElseThrow().orgId();
    }
}
