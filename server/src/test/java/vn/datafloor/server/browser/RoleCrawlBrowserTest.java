package vn.datafloor.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import vn.datafloor.server.demo.DemoData;

/**
 * Every role's pages, crawled in a real browser: for each kind of user with a demo login (and the
 * anonymous visitor) the test signs in, then visits every link of the menu and every same-site link
 * of the pages it reaches, two clicks deep, and reports what a user of that role would fall into:
 *
 * <ul>
 *   <li>a link shown to the role that does not open for it (HTTP 4xx or 5xx);
 *   <li>a page served without a UTF-8 charset (the browser then guesses, and "—" becomes "â€”");
 *   <li>an unresolved message key ({@code ??key_vi??}) or a raw template expression ({@code ${…}});
 *   <li>English inside a Vietnamese page: a word of the English interface (a fixed list), or a
 *       sentence of the English message bundle that has a different Vietnamese wording;
 *   <li>for the visitor and the citizen, on a 390 px wide phone screen: a page wider than the screen.
 * </ul>
 *
 * <p>The crawl is bounded (depth 2, at most {@value #MAX_PAGES} pages a role and {@value #PER_SHAPE} pages of
 * one shape, such as {@code /catalog/datasets/{n}}), never follows sign-out, language switches,
 * downloads or the API, and submits no form. Each role's home page is saved in {@code
 * target/screenshots/crawl-<role>-home.png}; every finding is listed in the failure message and in
 * {@code target/crawl/<role>.txt}.
 *
 * <p>Needs Chromium and chromedriver (see {@link Chromium}); skipped with a reason otherwise.
 */
@Tag("browser")
@ExtendWith(Chromium.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"datafloor.demo=true", "datafloor.demo.people=2000"})
class RoleCrawlBrowserTest {

    static final int MAX_DEPTH = 2;
    static final int MAX_PAGES = 150;
    static final int PER_SHAPE = 2;
    private static final int PHONE_WIDTH = 390;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path REPORTS = Path.of("target", "crawl");

    /**
     * Words of an English interface that no Vietnamese page has a reason to show (matched as whole words,
     * any case). Short words that are also Vietnamese ("to", "in", "an", "no", "on") are not here.
     */
    static final Set<String> ENGLISH_WORDS = Set.of(
            "the",
            "and",
            "with",
            "from",
            "your",
            "this",
            "that",
            "of",
            "is",
            "are",
            "was",
            "were",
            "has",
            "have",
            "been",
            "will",
            "must",
            "should",
            "cannot",
            "not",
            "record",
            "records",
            "created",
            "updated",
            "deleted",
            "forbidden",
            "denied",
            "login",
            "logout",
            "password",
            "username",
            "error",
            "failed",
            "failure",
            "success",
            "succeeded",
            "pending",
            "running",
            "cancel",
            "save",
            "delete",
            "submit",
            "search",
            "download",
            "loading",
            "required",
            "invalid",
            "blank",
            "missing",
            "unknown",
            "draft",
            "published",
            "approved",
            "rejected",
            "blocked",
            "blocker",
            "blockers",
            "suggested",
            "personal",
            "value",
            "values",
            "field",
            "fields",
            "rows",
            "row",
            "column",
            "columns",
            "status",
            "page",
            "next",
            "previous",
            "back",
            "users",
            "user",
            "settings",
            "sign",
            "male",
            "female",
            "yes",
            "null",
            "true",
            "false",
            "none",
            "datasets",
            "dataset",
            "organisation",
            "organization",
            "organisations",
            "request",
            "requests",
            "rule",
            "rules",
            "quality",
            "score",
            "run",
            "runs",
            "started",
            "finished",
            "completed",
            "skipped",
            "accepted",
            "quarantined",
            "checkpoint");

    private static final Pattern RAW_TEMPLATE = Pattern.compile("\\?\\?[^?\\s]{1,120}\\?\\?|[$#*@]\\{");
    /** A word, or a technical name (a column, a scope, a path): those with _ : . / or digits are not words. */
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}_:./]+");

    private static final Pattern TECHNICAL = Pattern.compile(".*[\\p{N}_:./].*");

    /** A count of five digits or more written without the thousands separator ("16228", not "16.228"). */
    private static final Pattern UNGROUPED_NUMBER =
            Pattern.compile("(?<![\\p{L}\\p{N}#.,:/_*-])\\d{5,9}(?![\\p{L}\\p{N}.,:/_*-])");

    private static final Pattern NUMBER_RUN = Pattern.compile("\\d+");
    private static final Pattern FILE_LIKE =
            Pattern.compile(".*\\.(csv|json|jsonld|ttl|rdf|xml|pdf|parquet|zip|png|svg|txt|geojson)$");

    /** A kind of user: how they sign in (no username: not signed in), and whether their pages are a phone's. */
    record Role(String name, String username, boolean phone) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Role> roles() {
        return Stream.of(
                new Role("visitor", null, true),
                new Role("citizen", DemoData.CITIZEN, true),
                new Role("enterprise-analyst", "saomai.phantich", false),
                new Role("research-institute", "vien.phantich", false),
                new Role("provincial-steward", "hotich.dulieu", false),
                new Role("operator", "admin", false),
                new Role("auditor", "kiemtoan", false));
    }

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        Path dataDir = Chromium.scratch("browser-crawl-");
        registry.add("datafloor.data-dir", dataDir::toString);
    }

    @LocalServerPort
    int port;

    private ChromeDriver browser;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void everyLinkShownToTheRoleOpensInVietnameseWithoutSeams(Role role) throws Exception {
        browser = Chromium.start();
        if (role.phone()) {
            browser.manage().window().setSize(new Dimension(PHONE_WIDTH, 900));
        }
        String base = "http://localhost:" + port;
        String home = signIn(base, role);
        Files.createDirectories(SCREENSHOTS);
        Files.write(
                SCREENSHOTS.resolve("crawl-" + role.name() + "-home.png"), browser.getScreenshotAs(OutputType.BYTES));

        Crawl crawl = new Crawl(base, role, sessionCookies());
        crawl.run(home);

        Files.createDirectories(REPORTS);
        String report = crawl.report();
        Files.writeString(REPORTS.resolve(role.name() + ".txt"), report, StandardCharsets.UTF_8);
        System.out.printf(
                "[crawl] %s: %d pages, %d findings%n", role.name(), crawl.visited.size(), crawl.findings.size());
        assertThat(crawl.visited).as("pages crawled for " + role.name()).hasSizeGreaterThan(3);
        assertThat(crawl.findings).as(report).isEmpty();
    }

    /** Signs the role in through the sign-in page; returns the page it lands on (its home). */
    private String signIn(String base, Role role) {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        if (role.username() == null) {
            browser.get(base + "/");
            waitForPage(wait);
            return browser.getCurrentUrl();
        }
        browser.get(base + "/login");
        waitForPage(wait);
        browser.findElement(By.id("username")).sendKeys(role.username());
        browser.findElement(By.id("password")).sendKeys(DemoData.PASSWORD);
        WebElement submit = browser.findElement(By.id("login-submit"));
        submit.click();
        wait.until(Chromium.goneFromPage(submit));
        waitForPage(wait);
        assertThat(browser.getCurrentUrl()).as("where %s lands", role.name()).doesNotContain("/login");
        return browser.getCurrentUrl();
    }

    private static void waitForPage(WebDriverWait wait) {
        wait.until(d -> "complete".equals(((ChromeDriver) d).executeScript("return document.readyState")));
    }

    private String sessionCookies() {
        return browser.manage().getCookies().stream()
                .map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
    }

    /** One role's crawl: a breadth-first walk over same-site links, two clicks deep. */
    private final class Crawl {

        private final String base;
        private final Role role;
        private final String cookies;
        private final Set<String> visited = new LinkedHashSet<>();
        private final Map<String, Integer> shapes = new HashMap<>();
        private final Set<String> findings = new TreeSet<>();
        private final WebDriverWait wait;

        Crawl(String base, Role role, String cookies) {
            this.base = base;
            this.role = role;
            this.cookies = cookies;
            this.wait = new WebDriverWait(browser, WAIT);
        }

        record Visit(String path, int depth, String from) {}

        void run(String home) throws Exception {
            Deque<Visit> queue = new ArrayDeque<>();
            queue.add(new Visit(pathOf(home), 0, "(sign-in)"));
            Set<String> queued = new LinkedHashSet<>();
            queued.add(pathOf(home));
            while (!queue.isEmpty() && visited.size() < MAX_PAGES) {
                Visit visit = queue.poll();
                visited.add(visit.path());
                List<String> links = visit(visit);
                if (visit.depth() >= MAX_DEPTH) {
                    continue;
                }
                for (String link : links) {
                    String shape = shapeOf(link);
                    if (queued.contains(link) || shapes.getOrDefault(shape, 0) >= PER_SHAPE) {
                        continue;
                    }
                    shapes.merge(shape, 1, Integer::sum);
                    queued.add(link);
                    queue.add(new Visit(link, visit.depth() + 1, visit.path()));
                }
            }
        }

        /** Checks one page; returns the same-site links it shows, or none when it is not a page. */
        private List<String> visit(Visit visit) throws Exception {
            String path = visit.path();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .header("Cookie", cookies)
                            .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                            .timeout(WAIT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() >= 400) {
                findings.add("HTTP " + response.statusCode() + "  " + path + "  (linked from " + visit.from() + ")");
                return List.of();
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            // Text without a declared charset is read as windows-1252 by browsers: "—" becomes "â€”".
            if (contentType.startsWith("text/")
                    && !contentType.toLowerCase(Locale.ROOT).replace(" ", "").contains("charset=utf-8")) {
                findings.add("no UTF-8 charset (" + contentType + ")  " + path);
            }
            if (!contentType.startsWith("text/html")) {
                return List.of();
            }
            browser.get(base + path);
            waitForPage(wait);
            @SuppressWarnings("unchecked")
            Map<String, Object> page = (Map<String, Object>) browser.executeScript("""
                    // The page's own words: verbatim records (ledger entries, code, specifications being
                    // edited) and words marked as another language are left out.
                    const skip = 'pre, code, kbd, samp, script, style, noscript, textarea, template, [lang]:not([lang=vi]), [translate=no]';
                    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                    const words = [];
                    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                        if (!n.parentElement.closest(skip)) words.push(n.nodeValue);
                    }
                    const attributes = Array.from(document.querySelectorAll('[title], [placeholder], [aria-label], [alt]'))
                        .filter(e => !e.closest('[lang]:not([lang=vi])'))
                        .map(e => [e.title, e.placeholder, e.getAttribute('aria-label'), e.alt].filter(Boolean).join(' '));
                    const links = Array.from(document.querySelectorAll('a[href]'))
                        .filter(a => !a.hasAttribute('download') && a.origin === location.origin)
                        .map(a => a.pathname + a.search);
                    return {
                        lang: document.documentElement.lang,
                        charset: document.characterSet,
                        text: words.join(' '),
                        attributes: attributes.join(' | '),
                        links: links,
                        scrollWidth: document.documentElement.scrollWidth,
                        innerWidth: window.innerWidth
                    };
                    """);
            String where = "  " + path;
            if (!"UTF-8".equalsIgnoreCase(String.valueOf(page.get("charset")))) {
                findings.add("read as " + page.get("charset") + ", not UTF-8" + where);
            }
            String text = page.get("text") + "\n" + page.get("attributes");
            Matcher raw = RAW_TEMPLATE.matcher(text);
            while (raw.find()) {
                findings.add("raw key or template: \"" + around(text, raw.start(), raw.end()) + "\"" + where);
            }
            if ("vi".equals(page.get("lang"))) {
                englishWords(text, where);
                englishSentences(text, where);
                Matcher number = UNGROUPED_NUMBER.matcher(text);
                if (number.find()) {
                    findings.add("number without thousands separator: \"" + around(text, number.start(), number.end())
                            + "\"" + where);
                }
            } else {
                findings.add("not a Vietnamese page (lang=" + page.get("lang") + ")" + where);
            }
            if (role.phone() && isPhonePage(path)) {
                long scrollWidth = ((Number) page.get("scrollWidth")).longValue();
                long innerWidth = ((Number) page.get("innerWidth")).longValue();
                if (scrollWidth > innerWidth) {
                    findings.add("scrolls sideways: " + scrollWidth + " px on a " + innerWidth + " px screen" + where);
                }
            }
            @SuppressWarnings("unchecked")
            List<String> links = (List<String>) page.get("links");
            return links.stream().filter(Crawl::followable).distinct().toList();
        }

        private void englishWords(String text, String where) {
            Matcher words = WORD.matcher(text);
            Set<String> found = new TreeSet<>();
            while (words.find()) {
                String word = words.group().replaceAll("[.:]+$", "");
                if (!TECHNICAL.matcher(word).matches() && ENGLISH_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
                    found.add("\"" + around(text, words.start(), words.end()) + "\"");
                }
            }
            if (!found.isEmpty()) {
                findings.add("English words " + found.stream().limit(6).toList() + where);
            }
        }

        private void englishSentences(String text, String where) {
            Set<String> found = new TreeSet<>();
            for (String sentence : Bundles.ENGLISH_ONLY) {
                int at = text.indexOf(sentence);
                if (at >= 0 && wholeWords(text, at, at + sentence.length())) {
                    found.add("\"" + sentence + "\"");
                }
            }
            if (!found.isEmpty()) {
                findings.add("English bundle text " + found.stream().limit(6).toList() + where);
            }
        }

        String report() {
            StringBuilder out = new StringBuilder();
            out.append(role.name())
                    .append(": ")
                    .append(visited.size())
                    .append(" pages, ")
                    .append(findings.size())
                    .append(" findings\n");
            findings.forEach(f -> out.append("  ").append(f).append('\n'));
            out.append("pages visited:\n");
            visited.forEach(v -> out.append("  ").append(v).append('\n'));
            return out.toString();
        }

        /** Same-site pages a person would open: not sign-out, language switches, downloads, the API or its console. */
        static boolean followable(String link) {
            String path = link.contains("?") ? link.substring(0, link.indexOf('?')) : link;
            return !path.startsWith("/logout")
                    && !path.startsWith("/api/")
                    && !path.startsWith("/swagger")
                    && !path.startsWith("/v3/")
                    && !path.startsWith("/dsp")
                    && !path.contains("/download")
                    && !path.endsWith("/export")
                    && !FILE_LIKE.matcher(path.toLowerCase(Locale.ROOT)).matches()
                    && !link.contains("lang=");
        }

        /** The public pages (portal, catalog, datasets, products) and the citizen's, which must fit a phone. */
        static boolean isPhonePage(String path) {
            return path.equals("/")
                    || path.startsWith("/portal")
                    || path.startsWith("/catalog")
                    || path.startsWith("/exchange/products")
                    || path.equals("/exchange")
                    || path.startsWith("/me")
                    || path.startsWith("/login");
        }
    }

    /** The path and query of a URL of this site. */
    static String pathOf(String url) {
        URI uri = URI.create(url);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** A link with its numbers and query values blanked: pages of one shape are checked a few times, not all. */
    static String shapeOf(String link) {
        String shape = NUMBER_RUN.matcher(link).replaceAll("n");
        return shape.replaceAll("=[^&]*", "=");
    }

    private static String around(String text, int start, int end) {
        int from = Math.max(0, start - 30);
        int to = Math.min(text.length(), end + 30);
        return text.substring(from, to).replaceAll("\\s+", " ").strip();
    }

    private static boolean wholeWords(String text, int start, int end) {
        return (start == 0 || !Character.isLetterOrDigit(text.charAt(start - 1)))
                && (end >= text.length() || !Character.isLetterOrDigit(text.charAt(end)));
    }

    /** The English message bundles' sentences whose Vietnamese wording differs: English left in a Vietnamese page. */
    static final class Bundles {

        static final List<String> ENGLISH_ONLY = load();

        private static List<String> load() {
            List<String> sentences = new ArrayList<>();
            for (String name : List.of(
                    "messages",
                    "messages-market",
                    "messages-auction",
                    "messages-dispute",
                    "messages-statement",
                    "messages-supervision",
                    "messages-privacy",
                    "messages-citizen",
                    "messages-access",
                    "messages-cdc",
                    "messages-harvest",
                    "messages-home",
                    "messages-portal")) {
                Properties vi = properties(name + ".properties");
                Properties en = properties(name + "_en.properties");
                for (String key : en.stringPropertyNames()) {
                    String english = en.getProperty(key);
                    if (english.equals(vi.getProperty(key))) {
                        continue;
                    }
                    // The longest literal stretch between placeholders, if it is a phrase of several words.
                    for (String part : english.split("\\{[^}]*}|''|<[^>]*>")) {
                        String phrase = part.strip();
                        if (phrase.length() >= 12
                                && phrase.chars().filter(c -> c == ' ').count() >= 2
                                && phrase.chars().allMatch(c -> c < 128)) {
                            sentences.add(phrase);
                        }
                    }
                }
            }
            return List.copyOf(new LinkedHashSet<>(sentences));
        }

        private static Properties properties(String resource) {
            Properties properties = new Properties();
            try (InputStream in = RoleCrawlBrowserTest.class.getResourceAsStream("/" + resource)) {
                if (in != null) {
                    properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return properties;
        }
    }
}
