package vn.datafloor.server.harvest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.server.catalog.RemoteCatalog;

/** The readers against catalogs served on the loopback address, which the test allows as an operator would. */
class HarvestReadersTest {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestReadersTest.class);

    private static final NetworkPolicy LOOPBACK_ALLOWED = new NetworkPolicy(List.of("127.0.0.1"));
    private static final HarvestLimits LIMITS =
            new HarvestLimits(1024 * 1024, 5000, 100, 64, 100_000, 2, Duration.ofSeconds(10));

    private LocalCatalogServer server;

    @BeforeEach
    void start() {
        server = new LocalCatalogServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SourceFetcher fetcher(NetworkPolicy policy, HarvestLimits limits) {
        return new SourceFetcher(policy, limits);
    }

    private void serveCkan(List<Map<String, Object>> packages) {
        server.serve(
                "/api/3/action/package_search", q -> LocalCatalogServer.json(CatalogDocuments.ckanPage(packages, q)));
    }

    @Test
    void readsACkanPortalPageByPage() {
        List<Map<String, Object>> packages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            packages.add(CatalogDocuments.ckanPackage("id-" + i, "goi-" + i, "Gói dữ liệu " + i, "cc-by"));
        }
        serveCkan(packages);
        HarvestLimits twoPerPage = new HarvestLimits(1024 * 1024, 5000, 2, 64, 100_000, 2, Duration.ofSeconds(10));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, twoPerPage)) {
            Harvested h = CkanReader.read(f, server.base() + "/", "Cổng dữ liệu Lâm Đồng");
            assertThat(h.complete()).isTrue();
            assertThat(h.records())
                    .extracting(RemoteCatalog.RemoteRecord::remoteId)
                    .containsExactly("id-0", "id-1", "id-2", "id-3", "id-4");
            RemoteCatalog.RemoteRecord first = h.records().get(0);
            assertThat(first.title()).isEqualTo("Gói dữ liệu 0");
            assertThat(first.publisher()).isEqualTo("Sở Tài nguyên và Môi trường tỉnh Lâm Đồng");
            assertThat(first.licence()).isEqualTo("cc-by");
            assertThat(first.landingUrl()).isEqualTo(server.base() + "/dataset/goi-0");
            assertThat(first.keywords()).containsExactly("môi trường", "nước");
            assertThat(first.modified()).isEqualTo("2026-11-01T08:00:00Z");
        }
        assertThat(server.requests).hasSize(3);
        assertThat(server.requests.get(1).query())
                .contains("rows=2")
                .contains("start=2")
                .contains("sort=id%20asc");
    }

    @Test
    void stopsAtTheEntryLimitAndSaysTheHarvestIsPartial() {
        List<Map<String, Object>> packages = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            packages.add(CatalogDocuments.ckanPackage("id-" + i, "goi-" + i, "Gói " + i, "cc-by"));
        }
        serveCkan(packages);
        HarvestLimits five = new HarvestLimits(1024 * 1024, 5, 2, 64, 100_000, 2, Duration.ofSeconds(10));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, five)) {
            Harvested h = CkanReader.read(f, server.base(), "p");
            assertThat(h.records()).hasSize(5);
            assertThat(h.complete()).isFalse();
            assertThat(h.note()).contains("lists 7 packages").contains("first 5");
        }
    }

    @Test
    void aPackageWithoutAnIdMakesTheHarvestPartial() {
        Map<String, Object> broken = CatalogDocuments.ckanPackage("x", "x", "x", "cc-by");
        broken.remove("id");
        serveCkan(List.of(CatalogDocuments.ckanPackage("a", "a", "A", "cc-by"), broken));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            Harvested h = CkanReader.read(f, server.base(), "p");
            assertThat(h.records()).hasSize(1);
            assertThat(h.failed()).isEqualTo(1);
            assertThat(h.complete()).isFalse();
        }
    }

    @Test
    void harvestsAThousandCkanPackages() {
        List<Map<String, Object>> packages = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            packages.add(CatalogDocuments.ckanPackage(
                    String.format("id-%04d", i), "goi-" + i, "Gói dữ liệu số " + i, "cc-by"));
        }
        serveCkan(packages);
        HarvestLimits limits = new HarvestLimits(8 * 1024 * 1024, 5000, 500, 64, 100_000, 2, Duration.ofSeconds(30));
        long started = System.nanoTime();
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, limits)) {
            Harvested h = CkanReader.read(f, server.base(), "p");
            assertThat(h.records()).hasSize(1000);
            assertThat(h.complete()).isTrue();
        }
        // A measurement for the log, not an assertion: reading and parsing 1,000 packages in 2 pages.
        LOG.info("Read 1000 CKAN packages in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void readsDcatTurtle() {
        server.serve("/catalog.ttl", "text/turtle", CatalogDocuments.TURTLE);
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            Harvested h = DcatReader.read(f, server.base() + "/catalog.ttl", false, "Cổng dữ liệu mở");
            assertThat(h.complete()).isTrue();
            assertThat(h.records()).hasSize(2);
            RemoteCatalog.RemoteRecord air = h.records().stream()
                    .filter(r -> r.remoteId().endsWith("chat-luong-khong-khi"))
                    .findFirst()
                    .orElseThrow();
            assertThat(air.title()).isEqualTo("Chất lượng không khí Hà Nội");
            assertThat(air.publisher()).isEqualTo("Sở Tài nguyên và Môi trường Hà Nội");
            assertThat(air.licence()).isEqualTo("https://creativecommons.org/licenses/by/4.0/");
            assertThat(air.landingUrl()).isEqualTo("https://opendata.example.vn/dataset/chat-luong-khong-khi/page");
            assertThat(air.keywords()).containsExactlyInAnyOrder("không khí", "AQI");
            assertThat(air.modified()).isEqualTo("2026-10-30T00:00:00Z");
            RemoteCatalog.RemoteRecord schools = h.records().stream()
                    .filter(r -> r.remoteId().endsWith("diem-truong"))
                    .findFirst()
                    .orElseThrow();
            assertThat(schools.publisher())
                    .as("the source's publisher when the dataset names none")
                    .isEqualTo("Cổng dữ liệu mở");
            assertThat(schools.landingUrl()).isEqualTo("https://opendata.example.vn/dataset/diem-truong");
        }
    }

    @Test
    void readsDcatJsonLd() {
        server.serve("/catalog.jsonld", "application/ld+json", CatalogDocuments.JSON_LD);
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            Harvested h = DcatReader.read(f, server.base() + "/catalog.jsonld", true, "p");
            assertThat(h.records()).singleElement().satisfies(r -> {
                assertThat(r.remoteId()).isEqualTo("https://soyte.example.vn/dataset/co-so-kham-chua-benh");
                assertThat(r.title()).isEqualTo("Cơ sở khám chữa bệnh");
                assertThat(r.publisher()).isEqualTo("Sở Y tế");
                assertThat(r.licence()).isEqualTo("https://creativecommons.org/publicdomain/zero/1.0/");
            });
        }
    }

    @Test
    void aJsonLdContextNamedByUrlIsFetchedThroughTheGuard() {
        server.serve("/context.jsonld", "application/ld+json", """
                {"@context": {"dcat": "http://www.w3.org/ns/dcat#", "title": "http://purl.org/dc/terms/title",
                 "Dataset": "dcat:Dataset"}}""");
        server.serve("/catalog.jsonld", "application/ld+json", """
                {"@context": "%s/context.jsonld", "@id": "https://x.example.vn/ds/1", "@type": "Dataset", "title": "Tập một"}""".formatted(server.base()));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            Harvested h = DcatReader.read(f, server.base() + "/catalog.jsonld", true, "p");
            assertThat(h.records())
                    .extracting(RemoteCatalog.RemoteRecord::title)
                    .containsExactly("Tập một");
        }
        assertThat(server.requests).extracting(LocalCatalogServer.Request::path).contains("/context.jsonld");
    }

    @Test
    void readsADspCatalogWithItsOffers() {
        server.serve("/dsp/catalog/request", q -> LocalCatalogServer.json(CatalogDocuments.dspCatalog("1")));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            Harvested h = DspReader.read(f, server.base() + "/dsp/", "Sàn Lâm Đồng");
            assertThat(h.complete()).isTrue();
            assertThat(h.records()).singleElement().satisfies(r -> {
                assertThat(r.kind()).isEqualTo("OFFER");
                assertThat(r.title()).isEqualTo("Bảng giá đất tỉnh Lâm Đồng");
                assertThat(r.publisher()).isEqualTo("Sàn dữ liệu tỉnh Lâm Đồng");
                assertThat(r.dspEndpoint()).isEqualTo(server.base() + "/dsp");
                assertThat(r.offerId()).isEqualTo("urn:uuid:offer-gia-dat-1");
                assertThat(r.terms()).isEqualTo("permission: use (spatial eq VN); prohibition: distribute");
            });
        }
        LocalCatalogServer.Request request = server.requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.body())
                .contains("\"@type\": \"CatalogRequestMessage\"")
                .contains("https://w3id.org/dspace/2025/1/context.jsonld");
    }

    @Test
    void anOversizeDocumentIsRefusedBeforeParsing() {
        String big = CatalogDocuments.TURTLE + "#" + "x".repeat(4096) + "\n";
        server.serve("/catalog.ttl", "text/turtle", big);
        HarvestLimits small = new HarvestLimits(2048, 5000, 100, 64, 100_000, 2, Duration.ofSeconds(10));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, small)) {
            assertThatThrownBy(() -> DcatReader.read(f, server.base() + "/catalog.ttl", false, "p"))
                    .isInstanceOf(HarvestException.class)
                    .hasMessageContaining("larger than 2 KB")
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void tooManyTriplesAreRefused() {
        server.serve("/catalog.ttl", "text/turtle", CatalogDocuments.TURTLE);
        HarvestLimits fewTriples = new HarvestLimits(1024 * 1024, 5000, 100, 64, 5, 2, Duration.ofSeconds(10));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, fewTriples)) {
            assertThatThrownBy(() -> DcatReader.read(f, server.base() + "/catalog.ttl", false, "p"))
                    .isInstanceOf(HarvestException.class)
                    .hasMessageContaining("more than 5 triples");
        }
    }

    @Test
    void aTooDeepTurtleDocumentIsRefused() {
        String deep = "@prefix ex: <http://ex.example/> .\nex:a ex:p " + "[ ex:p ".repeat(200) + "ex:b"
                + " ]".repeat(200) + " .\n";
        server.serve("/catalog.ttl", "text/turtle", deep);
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            assertThatThrownBy(() -> DcatReader.read(f, server.base() + "/catalog.ttl", false, "p"))
                    .isInstanceOf(HarvestException.class)
                    .hasMessageContaining("nested deeper than 64 levels");
        }
    }

    @Test
    void bracketsInStringsIriAndCommentsDoNotCountAsNesting() {
        String turtle = "# [[[[ (((\n<http://x.example/[a]> <http://p.example/> \"[[[[ ((\" , '''[[[\n[[''' .\n";
        assertThat(TurtleDepth.of(turtle.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isZero();
        assertThat(TurtleDepth.of("<a> <b> [ <c> ( [ <d> 1 ] ) ] .".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(3);
    }

    @Test
    void aTooDeepJsonLdDocumentIsRefused() {
        String deep = "{\"@context\": {}, \"x\": " + "[".repeat(100) + "1" + "]".repeat(100) + "}";
        server.serve("/catalog.jsonld", "application/ld+json", deep);
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            assertThatThrownBy(() -> DcatReader.read(f, server.base() + "/catalog.jsonld", true, "p"))
                    .isInstanceOf(HarvestException.class)
                    .hasMessageContaining("nested deeper than 64 levels");
        }
    }

    @Test
    void theLoopbackAddressIsRefusedUnlessAllowed() {
        serveCkan(List.of(CatalogDocuments.ckanPackage("a", "a", "A", "cc-by")));
        try (SourceFetcher f = fetcher(NetworkPolicy.PUBLIC_ONLY, LIMITS)) {
            assertThatThrownBy(() -> CkanReader.read(f, server.base(), "p"))
                    .isInstanceOf(HarvestException.class)
                    .hasMessageContaining("is not allowed");
        }
        assertThat(server.requests).as("refused before any packet left").isEmpty();
    }

    @Test
    void anErrorStatusFailsTheHarvest() {
        server.serve("/api/3/action/package_search", 500, "text/plain", "boom".getBytes());
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            assertThatThrownBy(() -> CkanReader.read(f, server.base(), "p"))
                    .isInstanceOf(HarvestException.class)
                    .hasMessage("The source at 127.0.0.1 answered HTTP 500");
        }
    }

    @Test
    void aDspAnswerThatIsNotACatalogIsRefused() {
        server.serve("/dsp/catalog/request", q -> LocalCatalogServer.json("{\"@type\": \"CatalogError\"}"));
        try (SourceFetcher f = fetcher(LOOPBACK_ALLOWED, LIMITS)) {
            assertThatThrownBy(() -> DspReader.read(f, server.base() + "/dsp", "p"))
                    .isInstanceOf(HarvestException.class)
                    .hasMessageContaining("not a DSP Catalog");
        }
    }
}
