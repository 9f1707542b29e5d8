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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A visitor on a phone explores the demo's open dataset: from its page to the explorer, groups it, switches the
 * chart, and shares the link; no page scrolls sideways at 390 px.
 */
@Tag("browser")
@ExtendWith(Chromium.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"datafloor.demo=true", "datafloor.demo.people=1500", "datafloor.ledger.checkpoint-interval=PT12H"
        })
class ExplorerBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final int PHONE_WIDTH = 390;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        Path dataDir = Chromium.scratch("browser-explorer-");
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
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private void fitsAPhone(String screenshot) throws IOException {
        assertThat(browser.findElement(By.tagName("body")).getText()).doesNotContain("??");
        Number scrollWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
        Number clientWidth = (Number) browser.executeScript("return document.documentElement.clientWidth");
        assertThat(scrollWidth.intValue())
                .as("%s scrolls sideways at %d px", browser.getCurrentUrl(), clientWidth)
                .isLessThanOrEqualTo(clientWidth.intValue());
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(screenshot + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aVisitorOnAPhoneGroupsChartsAndSharesOpenData() throws Exception {
        browser.manage().window().setSize(new Dimension(PHONE_WIDTH, 900));
        browser.get(url("/catalog/datasets/qltt-san-pham"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("open-explorer")))
                .click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("explore-form")));
        assertThat(browser.findElement(By.id("explore-summary")).getText()).contains("dòng");
        fitsAPhone("explorer-start-390");

        new Select(browser.findElement(By.id("group"))).selectByValue("category");
        browser.findElement(By.id("explore")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("chart-bars")));
        assertThat(browser.getCurrentUrl()).contains("group=category");
        assertThat(browser.findElements(By.cssSelector("#chart-bars rect.bar"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#explore-table tbody tr")))
                .isNotEmpty();
        fitsAPhone("explorer-bars-390");

        browser.findElement(By.id("chart-line")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg#chart-line")));
        fitsAPhone("explorer-line-390");

        // The shared link opens the same view in a fresh session.
        String link = browser.findElement(By.id("share-link")).getText();
        assertThat(link).contains("group=category", "chart=line");
        browser.manage().deleteAllCookies();
        browser.get(link.replaceFirst("^https?://[^/]+", url("")));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("svg#chart-line")));
        assertThat(new Select(browser.findElement(By.id("group")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("category");
    }
}
