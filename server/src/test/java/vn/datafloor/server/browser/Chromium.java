package vn.datafloor.server.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;

/**
 * A local headless Chromium for the browser suite, started from explicit paths so that Selenium
 * Manager (which would try to download a browser or driver) never runs: there is no network here.
 *
 * <p>The browser comes from {@code DATAFLOOR_CHROMIUM} or the usual Debian/Ubuntu locations, the
 * driver from {@code DATAFLOOR_CHROMEDRIVER} or likewise. As a JUnit condition it skips the suite,
 * with the reason in the report, when either is missing; it decides before Spring starts the
 * application for the test class.
 */
final class Chromium implements ExecutionCondition {

    static final String BROWSER_VARIABLE = "DATAFLOOR_CHROMIUM";
    static final String DRIVER_VARIABLE = "DATAFLOOR_CHROMEDRIVER";

    private static final List<String> BROWSER_CANDIDATES = List.of(
            "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium", "/usr/bin/google-chrome");
    private static final List<String> DRIVER_CANDIDATES = List.of(
            "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver", "/usr/lib/chromium-browser/chromedriver");

    static Optional<Path> browser() {
        return locate(BROWSER_VARIABLE, BROWSER_CANDIDATES);
    }

    static Optional<Path> driver() {
        return locate(DRIVER_VARIABLE, DRIVER_CANDIDATES);
    }

    private static Optional<Path> locate(String variable, List<String> candidates) {
        String configured = System.getenv(variable);
        Stream<String> paths =
                configured != null && !configured.isBlank() ? Stream.of(configured) : candidates.stream();
        return paths.map(Path::of).filter(Files::isExecutable).findFirst();
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (browser().isEmpty()) {
            return ConditionEvaluationResult.disabled("Chromium not found (set " + BROWSER_VARIABLE
                    + " or install the chromium package): browser suite skipped");
        }
        if (driver().isEmpty()) {
            return ConditionEvaluationResult.disabled("chromedriver not found (set " + DRIVER_VARIABLE
                    + " or install the chromium-driver package): browser suite skipped");
        }
        return ConditionEvaluationResult.enabled("Chromium at " + browser().get() + ", driver at " + driver().get());
    }

    /** A new headless browser with a profile of its own; the caller quits it. */
    /** A fresh directory under target/test-data for one test class's data or one browser profile. */
    /**
     * The element has left the page: the click on it navigated or the page replaced it. Like Selenium's
     * {@code stalenessOf}, and also when Chromium answers a question about the element while the old
     * document is being torn down: it then reports "Node with given id does not belong to the document" as
     * an unknown error instead of a stale element, which {@code stalenessOf} lets through as a failure.
     */
    static ExpectedCondition<Boolean> goneFromPage(WebElement element) {
        return driver -> {
            try {
                element.isEnabled();
                return false;
            } catch (StaleElementReferenceException gone) {
                return true;
            } catch (WebDriverException maybeGone) {
                String message = String.valueOf(maybeGone.getMessage());
                if (message.contains("does not belong to the document")) {
                    return true;
                }
                throw maybeGone;
            }
        };
    }

    static Path scratch(String prefix) {
        try {
            return java.nio.file.Files.createTempDirectory(
                            java.nio.file.Files.createDirectories(Path.of("target", "test-data")), prefix)
                    .toAbsolutePath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A headless Chromium with its own fresh profile. */
    static ChromeDriver start() {
        return start(scratch("chromium-"));
    }

    static ChromeDriver start(Path profileDir) {
        Path browser = browser().orElseThrow();
        Path driver = driver().orElseThrow();
        // Also tells Selenium's driver finder where the driver is, so it never falls back to Selenium Manager.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, driver.toString());
        try {
            Files.createDirectories(profileDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--window-size=1280,1000",
                // An English-speaking browser: Vietnamese must still be the default, by the platform's choice.
                "--lang=en-US",
                "--user-data-dir=" + profileDir.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.setPageLoadStrategy(org.openqa.selenium.PageLoadStrategy.NORMAL);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .withLogFile(profileDir.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        // Record Content-Security-Policy violations on every page, from before its own scripts run.
        chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                window.__datafloorCsp = [];
                document.addEventListener('securitypolicyviolation', function (e) {
                  window.__datafloorCsp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')
                      + ' at ' + (e.sourceFile || document.location.pathname) + ':' + (e.lineNumber || 0));
                });
                """));
        return chrome;
    }
}
