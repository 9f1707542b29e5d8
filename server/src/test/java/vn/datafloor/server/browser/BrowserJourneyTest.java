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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
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
import vn.datafloor.server.demo.DemoData;

/**
 * The platform in a real headless Chromium, as a person uses it: sign in, switch language, mint an
 * API key and call the API with it over HTTP, then find that event on the audit page, sign a
 * checkpoint and watch the event's inclusion proof turn verified, and verify the whole ledger.
 * Also: the sign-in back-off as the sign-in page shows it (as a wrong password), and no Content-Security-Policy
 * violations on the main pages.
 *
 * <p>Needs Chromium and chromedriver (see {@link Chromium}); skipped with a reason otherwise.
 * Screenshots for people go to {@code target/screenshots/}.
 */
@Tag("browser")
@ExtendWith(Chromium.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "datafloor.demo=true",
            "datafloor.demo.people=2000",
            // Checkpoints only when the test asks for one, so "awaiting checkpoint" is a stable state to observe.
            "datafloor.ledger.checkpoint-interval=PT12H"
        })
class BrowserJourneyTest {

    private static final Locale VIETNAMESE = Locale.forLanguageTag("vi");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) throws IOException {
        Path parent = Files.createDirectories(Path.of("target", "test-data"));
        Path dataDir = Files.createTempDirectory(parent, "browser-").toAbsolutePath();
        registry.add("datafloor.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    MessageSource messages;

    @Autowired
    JsonMapper json;

    private ChromeDriver browser;
    private WebDriverWait wait;
    private String base;
    private final List<String> cspViolations = new ArrayList<>();
    private boolean consoleReadable = true;

    @BeforeEach
    void openBrowser() throws IOException {
        base = "http://localhost:" + port;
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-data")), "chromium-");
        browser = Chromium.start(profile);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void signInSwitchLanguageMintAnApiKeyAndVerifyItsAuditProof() throws Exception {
        // Sign in. Vietnamese is the default even though the browser asks for English.
        open("/login");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo(text("login.title", VIETNAMESE));
        signIn("admin", DemoData.PASSWORD);
        wait.until(ExpectedConditions.urlContains("/dashboard"));
        WebElement dashboardLink = navLink("/dashboard");
        assertThat(dashboardLink.getText())
                .isEqualTo(text("nav.dashboard", VIETNAMESE))
                .isEqualTo("Tổng quan");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("vi");
        collectCspViolations();

        // Switch to English; the choice sticks for the following pages.
        browser.findElement(By.id("lang-en")).click();
        wait.until(Chromium.goneFromPage(dashboardLink));
        wait.until(d -> navLink("/dashboard").getText().equals(text("nav.dashboard", Locale.ENGLISH)));
        assertThat(navLink("/dashboard").getText()).isEqualTo("Dashboard");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        screenshot("dashboard");
        collectCspViolations();

        // Mint an API key that may read the audit log.
        open("/api-keys");
        String keyName = "browser journey " + UUID.randomUUID().toString().substring(0, 8);
        browser.findElement(By.id("key-name")).sendKeys(keyName);
        WebElement auditScope = browser.findElement(By.id("scope-audit-read"));
        auditScope.click();
        assertThat(auditScope.isSelected()).isTrue();
        WebElement create = browser.findElement(By.id("key-create"));
        create.click();
        wait.until(Chromium.goneFromPage(create));
        String token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-token")))
                .getText()
                .strip();
        assertThat(token).startsWith("dfk_");
        String keyId = token.substring(4, token.indexOf('_', 4));
        assertThat(browser.findElement(By.id("key-" + keyId)).getText()).contains(keyName, "audit:read");
        collectCspViolations();

        // Use it over real HTTP: the key reads the audit log, and finds its own creation there.
        HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
        HttpResponse<String> withKey = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/audit/events?type=API_KEY_CREATED"))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", "application/json")
                        .timeout(WAIT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withKey.statusCode()).as(withKey.body()).isEqualTo(200);
        JsonNode events = json.readTree(withKey.body());
        assertThat(events.isArray()).isTrue();
        JsonNode created = null;
        for (JsonNode event : events) {
            if (event.get("summary").asString().contains(keyId)) {
                created = event;
            }
        }
        assertThat(created)
                .as("API_KEY_CREATED event for key %s in %s", keyId, withKey.body())
                .isNotNull();
        assertThat(created.get("proof").asString()).isEqualTo("PENDING");
        HttpResponse<String> withoutKey = http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/audit/events"))
                        .header("Accept", "application/json")
                        .timeout(WAIT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withoutKey.statusCode()).isEqualTo(401);
        assertThat(withoutKey.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));

        // The audit page shows the event, awaiting a checkpoint.
        open("/audit");
        WebElement row = eventRow(keyId);
        assertThat(row.findElement(By.cssSelector("td.event-type")).getText())
                .isEqualTo(text("event.API_KEY_CREATED", Locale.ENGLISH))
                .isEqualTo("API key created");
        assertThat(proofBadge(row).getAttribute("class")).contains("proof-PENDING");
        assertThat(proofBadge(row).getText()).isEqualTo(text("proof.PENDING", Locale.ENGLISH));
        collectCspViolations();

        // Sign a checkpoint: the event is now provably in the signed tree.
        WebElement publish =
                browser.findElement(By.cssSelector("form[action$='/audit/checkpoint'] button[type=submit]"));
        assertThat(publish.getText()).isEqualTo(text("audit.publish", Locale.ENGLISH));
        publish.click();
        wait.until(Chromium.goneFromPage(publish));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("checkpoint")));
        row = eventRow(keyId);
        assertThat(proofBadge(row).getAttribute("class")).contains("proof-VERIFIED");
        assertThat(proofBadge(row).getText()).isEqualTo(text("proof.VERIFIED", Locale.ENGLISH));

        // Verify the whole ledger in place (htmx), then see the proof still verified.
        browser.findElement(By.id("verify-ledger")).click();
        WebElement result = wait.until(d -> d.findElements(By.cssSelector("#verify-ok, #verify-failed")).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null));
        assertThat(result.getAttribute("id")).as(result.getText()).isEqualTo("verify-ok");
        assertThat(result.getText()).startsWith("The ledger is intact");
        assertThat(browser.getCurrentUrl()).endsWith("/audit");
        screenshot("audit");
        collectCspViolations();

        open("/audit");
        assertThat(proofBadge(eventRow(keyId)).getAttribute("class")).contains("proof-VERIFIED");
        assertThat(browser.findElements(By.cssSelector("#events .proof-FAILED")))
                .isEmpty();
        collectCspViolations();

        // The other main pages, for the Content-Security-Policy check below.
        for (String page : List.of("/organisations", "/users", "/account", "/audit/events/0")) {
            open(page);
            assertThat(browser.findElement(By.tagName("h1")).getText())
                    .as(page)
                    .isNotBlank()
                    .doesNotContain(text("error.title", Locale.ENGLISH));
            collectCspViolations();
        }
        assertNoCspViolations();
    }

    @Test
    void repeatedWrongPasswordsBackOffWithoutSayingSo() {
        String username = "yte.dulieu";
        String error = text("login.error", VIETNAMESE);
        open("/login");
        collectCspViolations();
        for (int attempt = 1; attempt <= 5; attempt++) {
            signIn(username, "wrong password number " + attempt);
            assertThat(alertText()).as("attempt %d", attempt).isEqualTo(error);
        }
        // Backing off now, from this address: even the right password gets the very same answer, so a
        // guesser cannot tell a real account, a wrong password or a back-off apart.
        signIn(username, DemoData.PASSWORD);
        assertThat(alertText()).isEqualTo(error);
        assertThat(browser.getCurrentUrl()).contains("/login?error");
        assertThat(browser.findElements(By.id("logout"))).as("not signed in").isEmpty();
        collectCspViolations();
        assertNoCspViolations();
    }

    // --- helpers

    private void open(String path) {
        browser.get(base + path);
        wait.until(d -> "complete".equals(browser.executeScript("return document.readyState")));
    }

    /** Fills in the sign-in form on the current page and waits for the next page to load. */
    private void signIn(String username, String password) {
        WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        user.clear();
        user.sendKeys(username);
        WebElement secret = browser.findElement(By.id("password"));
        secret.clear();
        secret.sendKeys(password);
        WebElement submit = browser.findElement(By.id("login-submit"));
        submit.click();
        wait.until(Chromium.goneFromPage(submit));
        wait.until(d -> "complete".equals(browser.executeScript("return document.readyState")));
    }

    private String alertText() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("p.alert.error")))
                .getText();
    }

    private WebElement navLink(String path) {
        return browser.findElement(By.cssSelector("header nav a[href$='" + path + "']"));
    }

    private WebElement eventRow(String keyId) {
        return wait.until(d -> d.findElements(By.cssSelector("#events tbody tr")).stream()
                .filter(r -> r.getText().contains("API key " + keyId + " created"))
                .findFirst()
                .orElse(null));
    }

    private static WebElement proofBadge(WebElement row) {
        return row.findElement(By.cssSelector("span[class*='proof-']"));
    }

    private String text(String key, Locale locale) {
        return messages.getMessage(key, null, locale);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /**
     * Gathers CSP violations on the current page from two sources: the page's own
     * {@code securitypolicyviolation} events (recorded by a script Chromium injects before the page's
     * scripts) and the browser console, where Chromium reports every refused resource.
     */
    private void collectCspViolations() {
        String page = browser.getCurrentUrl();
        Object recorded = browser.executeScript("return window.__datafloorCsp || []");
        if (recorded instanceof List<?> list) {
            list.forEach(v -> cspViolations.add(page + ": " + v));
        }
        if (!consoleReadable) {
            return;
        }
        List<LogEntry> console;
        try {
            console = browser.manage().logs().get(LogType.BROWSER).getAll();
        } catch (WebDriverException unsupported) {
            // Newer drivers may drop the legacy log endpoint; the page's own violation events still count.
            consoleReadable = false;
            return;
        }
        for (LogEntry entry : console) {
            String message = entry.getMessage();
            if (message.contains("Content Security Policy") || message.contains("Content-Security-Policy")) {
                cspViolations.add(page + ": " + message);
            }
        }
    }

    private void assertNoCspViolations() {
        assertThat(cspViolations).as("Content-Security-Policy violations").isEmpty();
    }
}
