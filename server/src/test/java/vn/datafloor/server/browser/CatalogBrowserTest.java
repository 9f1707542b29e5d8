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
import java.util.List;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A first-time visitor in a real browser, never signed in: lands on the open data portal, finds a
 * dataset by typing without diacritics, reads its classification, quality and lineage, sees masked
 * rows of a shared dataset, and downloads the open one.
 */
@Tag("browser")
@ExtendWith(Chromium.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"datafloor.demo=true", "datafloor.demo.people=2000", "datafloor.ledger.checkpoint-interval=PT12H"
        })
class CatalogBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        Path dataDir = Chromium.scratch("browser-catalog-");
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

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aVisitorFindsReadsAndDownloadsOpenDataWithoutSigningIn() throws Exception {
        browser.get(url("/"));
        wait.until(ExpectedConditions.urlContains("/portal"));
        WebElement search = browser.findElement(By.id("catalog-q"));
        search.sendKeys("san pham cong bo chat luong");
        search.submit();
        WebElement hit = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("hit-qltt-san-pham")));
        assertThat(hit.getText()).contains("Danh mục sản phẩm đã công bố chất lượng", "Dữ liệu mở");
        screenshot("catalog-search");

        hit.findElement(By.tagName("a")).click();
        WebElement title = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dataset-title")));
        assertThat(title.getText()).isEqualTo("Danh mục sản phẩm đã công bố chất lượng");
        assertThat(browser.findElement(By.id("sharing")).getText()).isEqualTo("Dữ liệu mở");
        assertThat(browser.findElement(By.id("classification")).getText()).contains("Ai cũng xem và tải về được");
        // One version with a quality report: its scores as numbers, no one-dot chart.
        assertThat(browser.findElements(By.cssSelector("#quality .legend li"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#quality svg.trend"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#lineage svg.lineage .node-version")))
                .isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#preview tbody tr"))).isNotEmpty();
        screenshot("catalog-dataset");

        // The download link works for a client with no session at all.
        String href = browser.findElement(By.id("download-csv")).getAttribute("href");
        HttpResponse<String> csv = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(href)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().lines().count()).isGreaterThan(1);

        // A shared dataset: its description is public, its personal columns masked in the preview.
        browser.get(url("/catalog?sharing=shared&lang=en"));
        WebElement shared = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("hit-dkkd-doanh-nghiep")));
        shared.findElement(By.tagName("a")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("preview")));
        assertThat(browser.findElement(By.id("preview")).getText()).contains("masked");
        List<WebElement> maskedHeaders = browser.findElements(By.cssSelector("#preview th.masked"));
        assertThat(maskedHeaders).isNotEmpty();
        assertThat(browser.findElements(By.id("download-csv"))).isEmpty();
        screenshot("catalog-shared");
    }

    private static final int PHONE_WIDTH = 390;

    /** Opens a page at phone width: it must not scroll sideways nor show an untranslated key. */
    private void fitsAPhone(String path, String screenshot) throws IOException {
        browser.get(url(path));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.tagName("h1")));
        String text = browser.findElement(By.tagName("body")).getText();
        assertThat(text).as(path).doesNotContain("??");
        Number scrollWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
        Number clientWidth = (Number) browser.executeScript("return document.documentElement.clientWidth");
        assertThat(clientWidth.intValue()).isLessThanOrEqualTo(PHONE_WIDTH);
        assertThat(scrollWidth.intValue())
                .as("%s scrolls sideways at %d px", path, clientWidth)
                .isLessThanOrEqualTo(clientWidth.intValue());
        screenshot(screenshot);
    }

    @Test
    void thePortalItsDatasetAndPublisherPagesFitAPhoneAndFiltersApplyOnChange() throws Exception {
        browser.manage().window().setSize(new Dimension(PHONE_WIDTH, 900));
        fitsAPhone("/portal", "portal-home-390");
        assertThat(browser.findElements(By.cssSelector("#themes a.chip"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("#recent .dataset-hit"))).isNotEmpty();
        String publisher = browser.findElement(By.cssSelector("#recent-qltt-san-pham a[href*='/catalog/publishers/']"))
                .getAttribute("href");

        fitsAPhone("/catalog/datasets/qltt-san-pham", "portal-dataset-390");
        // The downloads and the code to use them come before the preview.
        Number downloadsTop = (Number)
                browser.executeScript("return document.getElementById('downloads').getBoundingClientRect().top");
        Number previewTop =
                (Number) browser.executeScript("return document.getElementById('preview').getBoundingClientRect().top");
        assertThat(downloadsTop.doubleValue()).isLessThan(previewTop.doubleValue());
        assertThat(browser.findElement(By.id("code-ckan")).getText()).contains("package_show?id=qltt-san-pham");

        fitsAPhone("/catalog/datasets/dkkd-doanh-nghiep", "portal-shared-dataset-390");
        assertThat(browser.findElement(By.id("next-sign-in")).isDisplayed()).isTrue();

        fitsAPhone(publisher.substring(publisher.indexOf("/catalog/")), "portal-publisher-390");
        assertThat(browser.findElements(By.id("publisher-qltt-san-pham"))).isNotEmpty();

        fitsAPhone("/catalog/requests", "portal-requests-390");

        // On a phone the filters are folded, so the first result comes before them.
        fitsAPhone("/catalog", "portal-catalog-390");
        assertThat(browser.findElement(By.id("facet-details")).getAttribute("open"))
                .isNull();
        assertThat(browser.findElements(By.cssSelector("[data-nojs-only]")))
                .allSatisfy(b -> assertThat(b.isDisplayed()).isFalse());
        Number firstHit = (Number) browser.executeScript(
                "return document.querySelector('#catalog-results .dataset-hit').getBoundingClientRect().top");
        assertThat(firstHit.doubleValue()).isLessThan(900);

        // On a wide screen they are open, and ticking one applies it at once.
        browser.manage().window().setSize(new Dimension(1280, 1000));
        browser.get(url("/catalog"));
        WebElement open = wait.until(
                ExpectedConditions.elementToBeClickable(By.cssSelector("#facet-sharing input[value='open']")));
        open.click();
        wait.until(ExpectedConditions.urlContains("sharing=open"));
        assertThat(browser.findElement(By.id("hit-qltt-san-pham")).isDisplayed())
                .isTrue();
    }

    @Test
    void aStewardUploadsAFileAndSeesProposedPersonalDataAndWhatBlocksPublication() throws Exception {
        browser.get(url("/login?lang=en"));
        browser.findElement(By.id("username")).sendKeys("yte.dulieu");
        browser.findElement(By.id("password")).sendKeys("Datafloor-demo-2026");
        WebElement submit = browser.findElement(By.id("login-submit"));
        submit.click();
        wait.until(Chromium.goneFromPage(submit));
        Path csv = Files.createTempFile(Files.createDirectories(Path.of("target", "test-data")), "khach-hang-", ".csv");
        Files.writeString(csv, """
                ma,ho_ten,ngay_sinh,so_cccd,so_dien_thoai
                1,Nguyễn Thị Minh Khai,15/03/1985,001185012345,0912345678
                2,Trần Văn Bình,02/11/1990,001090023456,0987654321
                3,Lê Hoàng Nam,20/07/1978,001078034567,0903123456
                """);
        browser.get(url("/catalog/upload"));
        browser.findElement(By.name("dataset")).sendKeys("yte.khach-hang-trinh-duyet");
        browser.findElement(By.name("file")).sendKeys(csv.toAbsolutePath().toString());
        WebElement upload = browser.findElement(By.id("upload-button"));
        upload.click();
        WebElement schema = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("schema")));
        assertThat(browser.getCurrentUrl()).contains("/catalog/datasets/yte-khach-hang-trinh-duyet/edit");
        assertThat(new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("personal-so_cccd")))
                        .getFirstSelectedOption()
                        .getAttribute("value"))
                .isEqualTo("identity_number");
        assertThat(schema.getText()).contains("Not confirmed");
        assertThat(browser.findElement(By.id("publication")).getText()).contains("Classify the dataset first");
        assertThat(browser.findElement(By.id("publish-dataset")).isEnabled()).isFalse();
        screenshot("catalog-editor");
    }
}
