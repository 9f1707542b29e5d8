package vn.datafloor.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import vn.datafloor.server.demo.DemoData;

/**
 * The exchange in a real browser: a visitor sees the listed product; the operator finds the business
 * register in the inspection queue with its checklist, cannot approve what fails a blocking check and
 * refuses it with a reason; an enterprise's administrator sees its balance and how to top up.
 */
@Tag("browser")
@ExtendWith(Chromium.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"datafloor.demo=true", "datafloor.demo.people=2000", "datafloor.ledger.checkpoint-interval=PT12H"
        })
class ExchangeBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        Path dataDir = Chromium.scratch("browser-exchange-");
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

    private void open(String path) {
        browser.get("http://localhost:" + port + path);
        wait.until(d -> "complete".equals(browser.executeScript("return document.readyState")));
    }

    private void signIn(String username) {
        open("/login");
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(DemoData.PASSWORD);
        WebElement submit = browser.findElement(By.id("login-submit"));
        submit.click();
        wait.until(Chromium.goneFromPage(submit));
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void theOperatorInspectsAndABuyerSeesHowToPay() throws Exception {
        open("/exchange");
        assertThat(browser.findElement(By.id("listed")).getText()).contains("Danh mục sản phẩm hàng hoá");
        assertThat(browser.findElement(By.id("listed")).getText()).doesNotContain("Sổ đăng ký dân cư");
        screenshot("exchange-listing");

        signIn("admin");
        open("/exchange/inspections");
        List<WebElement> cards = browser.findElements(By.cssSelector("[id^=inspect-]"));
        assertThat(cards).hasSize(1);
        WebElement card = cards.get(0);
        assertThat(card.getText()).contains("Đăng ký doanh nghiệp");
        List<WebElement> failed = card.findElements(By.cssSelector("li.error"));
        WebElement approve = card.findElement(By.cssSelector("button[value=true]"));
        assertThat(approve.isEnabled())
                .as("approvable only when no blocking check fails")
                .isEqualTo(failed.isEmpty());
        screenshot("exchange-inspection");
        card.findElement(By.name("reason")).sendKeys("Còn tên người đại diện chưa khử định danh.");
        WebElement refuse = card.findElement(By.cssSelector("button[value=false]"));
        refuse.click();
        wait.until(Chromium.goneFromPage(refuse));
        assertThat(browser.findElement(By.cssSelector(".alert.success")).getText())
                .contains("sổ cái");
        assertThat(browser.findElements(By.cssSelector("[id^=inspect-]"))).isEmpty();

        open("/exchange/money");
        assertThat(browser.findElement(By.id("trial-total")).getText()).contains("bằng 0");

        browser.manage().deleteAllCookies();
        signIn("saomai.admin");
        open("/exchange/money");
        assertThat(browser.findElement(By.id("transfer-reference")).getText()).matches("DF[A-Z2-9]{8}");
        // 50,000,000 topped up; 2,200,000 bought once, 550,000 for the first month, 34,100,000 held for its bid.
        assertThat(browser.findElement(By.id("available")).getText()).contains("13.150.000");
        screenshot("exchange-money");
    }

    @Test
    void anAnalystBuysForADeclaredPurposeAndGetsAnAgreementInForce() throws Exception {
        signIn("vien.phantich");
        open("/dashboard");
        WebElement forSale = browser.findElement(By.id("for-sale"));
        assertThat(forSale.getText()).contains("Danh mục sản phẩm hàng hoá");
        // The market surveillance's product list (the demo also lists the civil registry, offered free).
        forSale.findElements(By.cssSelector("li a")).stream()
                .filter(a -> a.getText().contains("Danh mục sản phẩm hàng hoá"))
                .findFirst()
                .orElseThrow()
                .click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".offer")));
        WebElement once = browser.findElements(By.cssSelector(".offer")).stream()
                .filter(o -> o.getText().contains("mua một lần"))
                .findFirst()
                .orElseThrow();
        assertThat(once.getText())
                .contains("2.000.000 ₫ + VAT 10% = 2.200.000 ₫")
                .contains("Không được bán");
        screenshot("exchange-product");
        new org.openqa.selenium.support.ui.Select(once.findElement(By.name("purpose"))).selectByValue("df:research");
        once.findElement(By.name("scenario")).sendKeys("Nghiên cứu cơ cấu hàng hoá tiêu dùng theo nhóm hàng");
        WebElement buy = once.findElement(By.cssSelector("button[type=submit]"));
        buy.click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("contract-state")));
        assertThat(browser.findElement(By.id("contract-state")).getText()).isNotBlank();
        assertThat(browser.findElement(By.id("in-force")).getAttribute("class")).contains("ok");
        assertThat(browser.findElement(By.id("contract-total")).getText()).contains("2.200.000");
        assertThat(browser.findElement(By.id("invoices")).getText()).contains("2.200.000");
        assertThat(browser.findElement(By.id("downloads")).findElements(By.cssSelector("a[href$='lang=vi']")))
                .isNotEmpty();
        screenshot("exchange-contract");
    }
}
