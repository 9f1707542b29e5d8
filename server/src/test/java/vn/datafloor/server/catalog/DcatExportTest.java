package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.shacl.validation.ReportEntry;
import org.apache.jena.shacl.validation.Severity;
import org.apache.jena.vocabulary.DCAT;
import org.apache.jena.vocabulary.DCTerms;
import org.apache.jena.vocabulary.RDF;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletResponse;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.catalog.CatalogService.Classification;
import vn.datafloor.server.catalog.CatalogService.Description;
import vn.datafloor.server.catalog.CatalogService.Review;
import vn.datafloor.server.platform.DatafloorProperties;

/** The DCAT-AP export over HTTP, as harvesters see it, checked against the SEMIC shapes. */
class DcatExportTest extends PlatformTest {

    private static final Path SHAPES = Path.of("")
            .toAbsolutePath()
            .getParent()
            .resolve("../shared/testdata/dcat-ap")
            .normalize();

    @Autowired
    CatalogService catalog;

    @Autowired
    CatalogStore store;

    @Autowired
    DatafloorProperties properties;

    /** Publishes one open and one shared dataset as their stewards would (the demo may have done so already). */
    @BeforeEach
    void publishSome() {
        describeOnce(
                "qltt.san-pham",
                new Description(
                        "Danh mục sản phẩm đã công bố chất lượng",
                        "Products with published quality declarations",
                        "Danh sách sản phẩm hàng hóa đã được doanh nghiệp công bố tiêu chuẩn chất lượng: mã GTIN, tên sản phẩm, nhóm hàng, "
                                + "mã số thuế nhà sản xuất và ngày công bố.",
                        "Goods whose producers declared their quality standards: GTIN, product name, category, producer tax code "
                                + "and declaration date.",
                        "Phòng Thông tin thị trường",
                        "dulieu@qltt.gov.vn",
                        List.of("trade", "enterprise"),
                        List.of("sản phẩm", "GTIN", "mã vạch", "công bố chất lượng", "hàng hóa"),
                        List.of(),
                        LocalDate.of(2020, 1, 1),
                        null,
                        "monthly",
                        "cc-by-4.0",
                        null),
                // Detection flags "name" weakly (a name hint only): it is the product's name.
                Map.of("name", "none"),
                new Classification(
                        "other",
                        "open",
                        "Thông tin công khai theo quy định về công bố chất lượng; không chứa dữ liệu cá nhân"),
                null);
        describeOnce(
                "dkkd.doanh-nghiep",
                new Description(
                        "Đăng ký doanh nghiệp tỉnh Bắc Ninh",
                        "Business registrations, Bắc Ninh",
                        "Doanh nghiệp đăng ký tại Sở Kế hoạch và Đầu tư Bắc Ninh: mã số doanh nghiệp, tên, ngành nghề, địa chỉ trụ sở, "
                                + "ngày đăng ký và người đại diện theo pháp luật.",
                        "Enterprises registered in Bắc Ninh: enterprise code, name, industry, head-office address, registration date "
                                + "and legal representative.",
                        "Phòng Đăng ký kinh doanh",
                        "dkkd@bacninh.gov.vn",
                        List.of("enterprise"),
                        List.of("doanh nghiệp", "mã số thuế", "đăng ký kinh doanh"),
                        List.of("24"),
                        LocalDate.of(2020, 1, 1),
                        null,
                        "daily",
                        "restricted",
                        null),
                Map.of(),
                new Classification(
                        "important",
                        "shared",
                        "Có họ tên người đại diện (dữ liệu cá nhân cơ bản); chia sẻ có điều kiện"),
                new Review("APPROVE", null, null, "Đã xem xét (kiểm thử)"));
    }

    private void describeOnce(
            String dataset,
            Description description,
            Map<String, String> personal,
            Classification classification,
            Review review) {
        CatalogEntry entry =
                catalog.forDataset(dataset).orElseThrow(() -> new AssertionError("no catalog entry for " + dataset));
        if (!entry.published()) {
            catalog.describeAtOnce(
                    vn.datafloor.server.authz.Actor.SYSTEM,
                    dataset,
                    description,
                    personal,
                    classification,
                    review,
                    true);
        }
    }

    @Test
    void turtleAndJsonLdByNegotiationAndAtStableUrls() throws Exception {
        for (String[] request : new String[][] {
            {"/catalog", "text/turtle"},
            {"/catalog", "application/ld+json"},
            {"/catalog.ttl", "*/*"},
            {"/catalog.jsonld", "*/*"}
        }) {
            MockHttpServletResponse response = fetch(request[0], request[1]);
            String expected = request[0].endsWith(".jsonld") || request[1].equals("application/ld+json")
                    ? "application/ld+json"
                    : "text/turtle";
            assertThat(response.getStatus())
                    .as("%s as %s", request[0], request[1])
                    .isEqualTo(200);
            assertThat(response.getContentType())
                    .as("%s as %s", request[0], request[1])
                    .startsWith(expected);
            assertThat(response.getHeader(HttpHeaders.CACHE_CONTROL)).contains("max-age=300");
            Model model = parse(response);
            assertThat(model.listSubjectsWithProperty(RDF.type, DCAT.Catalog).toList())
                    .extracting(Resource::getURI)
                    .containsExactly(base() + "/catalog");
            assertThat(publishedSlugs(model)).contains("qltt-san-pham", "dkkd-doanh-nghiep");
        }
        assertThat(String.join(",", fetch("/catalog", "application/ld+json").getHeaders(HttpHeaders.VARY)))
                .contains("Accept");
    }

    @Test
    void everyPublicEntryIsADatasetAndNothingElse() throws Exception {
        Set<String> inRdf = publishedSlugs(parse(fetch("/catalog.ttl", "text/turtle")));
        List<CatalogEntry> all = store.all();
        Set<String> expected = all.stream()
                .filter(CatalogEntry::publicMetadata)
                .map(CatalogEntry::slug)
                .collect(Collectors.toSet());
        Set<String> hidden = all.stream()
                .filter(e -> !e.publicMetadata())
                .map(CatalogEntry::slug)
                .collect(Collectors.toSet());
        assertThat(hidden).as("drafts or private entries to leave out").isNotEmpty();
        assertThat(inRdf).isEqualTo(expected).doesNotContainAnyElementsOf(hidden);
    }

    @Test
    void openDataHasDownloadsAndSharedDataIsRequested() throws Exception {
        Model model = parse(fetch("/catalog.ttl", "text/turtle"));
        Resource open = model.getResource(base() + "/catalog/datasets/qltt-san-pham");
        assertThat(open.getPropertyResourceValue(DCTerms.accessRights).getURI())
                .isEqualTo("http://publications.europa.eu/resource/authority/access-right/PUBLIC");
        assertThat(model.listObjectsOfProperty(open, DCAT.distribution).toList())
                .hasSize(3);
        for (String format : List.of("csv", "parquet", "json")) {
            Resource distribution =
                    model.getResource(base() + "/catalog/datasets/qltt-san-pham/distributions/" + format);
            assertThat(distribution.getPropertyResourceValue(DCAT.downloadURL).getURI())
                    .isEqualTo(base() + "/catalog/datasets/qltt-san-pham/download?format=" + format);
            assertThat(distribution.getPropertyResourceValue(DCTerms.license).getURI())
                    .isEqualTo("https://creativecommons.org/licenses/by/4.0/");
        }
        assertThat(model.listObjectsOfProperty(open, DCTerms.title).toList())
                .extracting(n -> n.asLiteral().getLanguage())
                .contains("vi", "en");

        Resource shared = model.getResource(base() + "/catalog/datasets/dkkd-doanh-nghiep");
        assertThat(shared.getPropertyResourceValue(DCTerms.accessRights).getURI())
                .isEqualTo("http://publications.europa.eu/resource/authority/access-right/RESTRICTED");
        List<Resource> distributions = model.listObjectsOfProperty(shared, DCAT.distribution)
                .mapWith(n -> n.asResource())
                .toList();
        assertThat(distributions).hasSize(1);
        assertThat(distributions.get(0).getPropertyResourceValue(DCAT.accessURL).getURI())
                .isEqualTo(shared.getURI());
        assertThat(distributions.get(0).hasProperty(DCAT.downloadURL)).isFalse();
        assertThat(shared.getPropertyResourceValue(DCTerms.spatial).getURI()).isEqualTo(base() + "/units/24");
    }

    @Test
    void conformsToDcatAp3Shapes() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(SHAPES), SHAPES + " not found: DCAT-AP SHACL validation skipped");
        Model turtle = parse(fetch("/catalog.ttl", "text/turtle"));
        Model jsonLd = parse(fetch("/catalog.jsonld", "application/ld+json"));
        assertThat(jsonLd.isIsomorphicWith(turtle))
                .as("JSON-LD and Turtle carry the same graph")
                .isTrue();
        for (String file : List.of("dcat-ap-3.0.0-SHACL.ttl", "dcat-ap-3.0.1-shapes.ttl")) {
            Shapes shapes =
                    Shapes.parse(RDFDataMgr.loadGraph(SHAPES.resolve(file).toString()));
            ValidationReport report = ShaclValidator.get().validate(shapes, turtle.getGraph());
            Map<String, Long> bySeverity = new TreeMap<>(report.getEntries().stream()
                    .collect(Collectors.groupingBy(e -> e.severity().level().getLocalName(), Collectors.counting())));
            System.out.println("DCAT-AP " + file + ": " + (bySeverity.isEmpty() ? "no results" : bySeverity));
            List<String> violations = report.getEntries().stream()
                    .filter(e -> e.severity().equals(Severity.Violation))
                    .map(DcatExportTest::describe)
                    .toList();
            assertThat(violations)
                    .as("sh:Violation results of %s:%n%s", file, String.join("\n", violations))
                    .isEmpty();
        }
    }

    @Test
    void aChangeShowsAtOnceDespiteTheCache() throws Exception {
        Model before = parse(fetch("/catalog.ttl", "text/turtle"));
        clock.advance(Duration.ofMinutes(1));
        CatalogEntry entry = catalog.forDataset("qltt.san-pham").orElseThrow();
        Map<String, String> decided = entry.columns().stream()
                .filter(c -> c.personalCategory() != null)
                .collect(Collectors.toMap(CatalogEntry.Column::name, CatalogEntry.Column::personalCategory));
        catalog.describeAtOnce(
                vn.datafloor.server.authz.Actor.SYSTEM,
                "qltt.san-pham",
                CatalogService.descriptionOf(entry),
                decided,
                new Classification(entry.importance(), entry.sharing(), entry.classificationReason()),
                null,
                true);
        Model after = parse(fetch("/catalog.ttl", "text/turtle"));
        String dataset = base() + "/catalog/datasets/qltt-san-pham";
        assertThat(modified(after, dataset)).isAfter(modified(before, dataset));
    }

    @Test
    void browsersAskingForHtmlGetNoRdf() throws Exception {
        MockHttpServletResponse response = fetch("/catalog", "text/html");
        // 406 here; the catalog's HTML page where that handler exists.
        assertThat(String.valueOf(response.getContentType()))
                .doesNotContain("turtle")
                .doesNotContain("ld+json");
    }

    @Test
    void negotiationFollowsQualityAndSpecificity() {
        assertThat(CatalogExportController.negotiate(null)).isEqualTo(DcatExport.Syntax.TURTLE);
        assertThat(CatalogExportController.negotiate("*/*")).isEqualTo(DcatExport.Syntax.TURTLE);
        assertThat(CatalogExportController.negotiate("application/ld+json")).isEqualTo(DcatExport.Syntax.JSON_LD);
        assertThat(CatalogExportController.negotiate("text/turtle;q=0.5, application/ld+json"))
                .isEqualTo(DcatExport.Syntax.JSON_LD);
        assertThat(CatalogExportController.negotiate("*/*, application/ld+json"))
                .isEqualTo(DcatExport.Syntax.JSON_LD);
        assertThat(CatalogExportController.negotiate("application/*")).isEqualTo(DcatExport.Syntax.JSON_LD);
        assertThat(CatalogExportController.negotiate("text/turtle;q=0, */*")).isEqualTo(DcatExport.Syntax.JSON_LD);
        assertThat(CatalogExportController.negotiate("not a type")).isEqualTo(DcatExport.Syntax.TURTLE);
    }

    // ------------------------------------------------------------------ helpers

    /** An anonymous request, as a harvester makes it. */
    private MockHttpServletResponse fetch(String path, String accept) throws Exception {
        return mvc.perform(get(path).header(HttpHeaders.ACCEPT, accept))
                .andReturn()
                .getResponse();
    }

    private static Model parse(MockHttpServletResponse response) {
        assertThat(response.getStatus()).as("status of the export").isEqualTo(200);
        Lang lang = response.getContentType().startsWith("application/ld+json") ? Lang.JSONLD : Lang.TURTLE;
        Model model = ModelFactory.createDefaultModel();
        RDFDataMgr.read(model, new ByteArrayInputStream(response.getContentAsByteArray()), lang);
        return model;
    }

    private static Set<String> publishedSlugs(Model model) {
        return model.listSubjectsWithProperty(RDF.type, DCAT.Dataset)
                .mapWith(d -> d.getProperty(DCTerms.identifier).getString())
                .toSet();
    }

    private static Instant modified(Model model, String dataset) {
        return Instant.parse(model.getResource(dataset)
                .getProperty(DCTerms.modified)
                .getLiteral()
                .getLexicalForm());
    }

    private String base() {
        String url = properties.publicUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String describe(ReportEntry e) {
        return e.focusNode() + " " + e.resultPath() + ": " + e.message();
    }
}
