package vn.datafloor.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A data steward in a real browser: the spec editor shows problems with their lines as they type, a
 * run shows live progress until it ends, and the quarantine opens from the run's page.
 */
@Tag("browser")
@ExtendWith(Chromium.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"datafloor.demo=true", "datafloor.demo.people=2000", "datafloor.ledger.checkpoint-interval=PT12H"
        })
class PipelineBrowserTest {

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        Path dataDir = Chromium.scratch("browser-pipeline-");
        registry.add("datafloor.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() throws IOException {
        browser = Chromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get("http://localhost:" + port + "/login?lang=en");
        browser.findElement(By.id("username")).sendKeys("thue.dulieu");
        browser.findElement(By.id("password")).sendKeys("Datafloor-demo-2026");
        WebElement submit = browser.findElement(By.id("login-submit"));
        submit.click();
        wait.until(Chromium.goneFromPage(submit));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theEditorShowsProblemsWithTheirLinesWhileTyping() {
        browser.get("http://localhost:" + port + "/integration/pipelines");
        browser.findElement(By.linkText("thue-nguoi-nop-thue")).click();
        WebElement spec = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("spec")));
        spec.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "\nbogus_key: 1\n");
        WebElement problems = wait.until(d -> {
            WebElement p = d.findElement(By.id("problems"));
            return p.getText().contains("bogus_key") ? p : null;
        });
        assertThat(problems.getText()).containsPattern("Line \\d+:");
    }

    @Test
    void aRunShowsLiveProgressUntilItEndsAndItsQuarantineOpens() throws IOException {
        browser.get("http://localhost:" + port + "/integration/pipelines");
        // The demo's first run of the tax pipeline quarantined the records whose ID disagrees with their birth.
        WebElement demoRun = browser.findElements(By.cssSelector("#runs tbody tr")).stream()
                .filter(r -> r.getText().contains("thue.nguoi-nop-thue"))
                .reduce((first, second) -> second)
                .orElseThrow()
                .findElement(By.tagName("a"));
        demoRun.click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quality")));
        browser.findElement(By.id("open-quarantine")).click();
        WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("quarantine")));
        assertThat(table.getText()).contains("cccd_matches_birth");

        browser.get("http://localhost:" + port + "/integration/pipelines");
        browser.findElements(By.cssSelector("#pipelines tbody tr")).stream()
                .filter(r -> r.getText().contains("thue-nguoi-nop-thue"))
                .findFirst()
                .orElseThrow()
                .findElement(By.tagName("button"))
                .click();
        // The page polls the run; its state ends as succeeded without a reload.
        WebElement state = wait.until(d -> {
            WebElement s = d.findElement(By.id("run-state"));
            return s.getText().equals("Succeeded") ? s : null;
        });
        assertThat(state.getAttribute("class")).contains("run-SUCCEEDED");
        Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(Path.of("target", "screenshots", "pipeline-run.png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
