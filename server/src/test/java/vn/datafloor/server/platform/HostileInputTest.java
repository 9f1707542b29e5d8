package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.PlatformTest;

/**
 * The requests of the penetration test, over HTTP: 20,000 nested parentheses, brackets and braces in
 * every parser of user text, and decompression bombs uploaded as a source's file and to the catalog.
 * Each is refused with a clear 4xx, logs no stack trace, and keeps or publishes nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileInputTest extends PlatformTest {

    private static final int DEEP = 20_000;
    private static final String CELL_VALUE = "GIA-TRI-BI-MAT";

    @Autowired
    JsonMapper json;

    private ListAppender<ILoggingEvent> logged;

    @BeforeEach
    void captureLog() {
        logged = new ListAppender<>();
        logged.start();
        root().addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        root().detachAppender(logged);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    @Test
    void twentyThousandParenthesesInACkanSearchAnswerCkansSearchErrorAndLogNoStackTrace(CapturedOutput output)
            throws Exception {
        String q = "(".repeat(DEEP) + "nuoc" + ")".repeat(DEEP);
        MvcResult asGet = mvc.perform(post("/api/3/action/package_search")
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .param("q", q))
                .andReturn();
        MvcResult asJson = mvc.perform(post("/api/3/action/package_search")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("q", q))))
                .andReturn();
        MvcResult asFq = mvc.perform(get("/api/3/action/package_search").param("fq", "(".repeat(DEEP)))
                .andReturn();
        // Short enough to pass the length limit: the depth limit refuses it.
        MvcResult deepButShort = mvc.perform(
                        get("/api/3/action/package_search").param("q", "(".repeat(4_900) + "nuoc" + ")".repeat(4_900)))
                .andReturn();

        for (MvcResult result : List.of(asGet, asJson, asFq, deepButShort)) {
            assertThat(result.getResponse().getStatus()).isEqualTo(409);
            Map<String, Object> body = body(result);
            assertThat(body.get("success")).isEqualTo(false);
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) body.get("error");
            assertThat(error.get("__type")).isEqualTo("Search Error");
            assertThat((String) error.get("message"))
                    .containsAnyOf("longer than 10000 characters", "nested parentheses")
                    .hasSizeLessThan(300);
        }
        assertThat(body(deepButShort).toString()).contains("more than 32 nested parentheses");
        assertNoStackTraceLogged(output);
    }

    @Test
    void deeplyNestedJsonAndYamlAndOverlongSearchTextAreClientErrors(CapturedOutput output) throws Exception {
        String brackets = "[".repeat(DEEP) + "]".repeat(DEEP);
        // CKAN's own JSON body: its "Bad Request" envelope.
        MvcResult ckan = mvc.perform(post("/api/3/action/package_search")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"q\": " + brackets + "}"))
                .andReturn();
        assertThat(ckan.getResponse().getStatus()).isEqualTo(400);
        assertThat(ckan.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .contains("Bad Request");

        MockHttpSession steward = login("yte.dulieu");
        // Any other JSON body: the server's JsonMapper refuses the depth, problem+json 400.
        MvcResult body = mvc.perform(post("/api/pipelines/validation")
                        .session(steward)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"spec\": " + brackets + "}"))
                .andReturn();
        assertThat(body.getResponse().getStatus()).isEqualTo(400);
        assertThat(body.getResponse().getContentType()).startsWith("application/problem+json");
        assertThat(body.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain("at tools.")
                .doesNotContain("[[[");

        // A pipeline spec's YAML nested 20,000 deep: a problem of the spec, not a crash.
        MvcResult yaml = mvc.perform(post("/api/pipelines/validation")
                        .session(steward)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("spec", "pipeline: " + brackets))))
                .andReturn();
        assertThat(yaml.getResponse().getStatus()).isEqualTo(200);
        assertThat(yaml.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .containsIgnoringCase("nesting depth");

        // Catalog search text: 20,000 parentheses are only characters there, but too many of them.
        MvcResult search = mvc.perform(get("/api/catalog/datasets").param("q", "(".repeat(DEEP)))
                .andReturn();
        assertThat(search.getResponse().getStatus()).isEqualTo(400);
        assertThat(body(search).get("type")).asString().endsWith("catalog-badQuery"); // the API's own 500 characters
        MvcResult page = mvc.perform(
                        get("/catalog").param("q", "(".repeat(DEEP)).accept(MediaType.APPLICATION_PROBLEM_JSON))
                .andReturn();
        assertThat(page.getResponse().getStatus()).isEqualTo(400);
        assertThat(body(page).get("type")).asString().endsWith("search-tooLong");

        assertNoStackTraceLogged(output);
    }

    @Test
    void aWorkbookBombUploadedAsASourceFileIsRefusedWith413AndNotKept(CapturedOutput output) throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult created = mvc.perform(post("/api/sources")
                        .session(steward)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(json.writeValueAsString(Map.of("name", "bom.xlsx", "type", "xlsx"))))
                .andReturn();
        assertThat(created.getResponse().getStatus()).isEqualTo(201);
        long id = ((Number) body(created).get("id")).longValue();
        byte[] bomb = workbookBomb(1_000_000);
        assertThat(bomb.length).isLessThan(1_000_000);

        MvcResult refused = mvc.perform(multipart("/api/sources/" + id + "/file")
                        .file(new MockMultipartFile(
                                "file",
                                "bom.xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                bomb))
                        .session(steward)
                        .with(csrf()))
                .andReturn();

        assertThat(refused.getResponse().getStatus()).isEqualTo(413);
        Map<String, Object> problem = body(refused);
        assertThat(problem.get("type")).asString().endsWith("upload-overLimit");
        assertThat(problem.get("limit")).isEqualTo("datafloor.integration.limits.max-compression-ratio");
        assertThat(problem.get("reason")).asString().contains("bom.xlsx", "xl/worksheets/sheet1.xml");
        assertThat(refused.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain(CELL_VALUE);
        Map<String, Object> source =
                body(mvc.perform(get("/api/sources/" + id).session(steward)).andReturn());
        assertThat(source.get("location")).as("the bomb was not kept").isNull();
        assertNoStackTraceLogged(output);
    }

    @Test
    void aWorkbookBombUploadedToTheCatalogIsRefusedWith413AndNothingIsPublished(CapturedOutput output)
            throws Exception {
        MockHttpSession steward = login("yte.dulieu");
        MvcResult refused = mvc.perform(multipart("/api/catalog/uploads")
                        .file(new MockMultipartFile(
                                "file",
                                "bom.xlsx",
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                workbookBomb(1_000_000)))
                        .param("dataset", "y-te.bom-giai-nen")
                        .session(steward)
                        .with(csrf()))
                .andReturn();

        assertThat(refused.getResponse().getStatus()).isEqualTo(413);
        assertThat(body(refused).get("type")).asString().endsWith("upload-overLimit");
        assertThat(refused.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain(CELL_VALUE);
        assertThat(mvc.perform(get("/api/datasets/y-te.bom-giai-nen").session(steward))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .as("nothing was published")
                .isEqualTo(404);
        assertNoStackTraceLogged(output);
    }

    // ------------------------------------------------------------------ helpers

    private void assertNoStackTraceLogged(CapturedOutput output) {
        assertThat(logged.list).as("no event with a stack trace").noneMatch(e -> e.getThrowableProxy() != null);
        assertThat(logged.list)
                .as("no error logged")
                .noneMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.ERROR);
        assertThat(output.getAll())
                .doesNotContain("StackOverflowError")
                .doesNotContain("\tat ")
                .doesNotContain(CELL_VALUE);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(MvcResult result) throws Exception {
        return json.readValue(result.getResponse().getContentAsString(StandardCharsets.UTF_8), Map.class);
    }

    /** A valid workbook whose one sheet holds a header and {@code rows} identical rows: a few hundred KB expanding a thousandfold. */
    private static byte[] workbookBomb(int rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(
                    zip,
                    "[Content_Types].xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/"
                            + "package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
                            + "relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/"
                            + "workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                            + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument."
                            + "spreadsheetml.worksheet+xml\"/></Types>");
            put(
                    zip,
                    "_rels/.rels",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/"
                            + "package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
                            + "2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
            put(
                    zip,
                    "xl/workbook.xml",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/"
                            + "spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                            + "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
            put(
                    zip,
                    "xl/_rels/workbook.xml.rels",
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas."
                            + "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats."
                            + "org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
            zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
            zip.write(
                    ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
                                    + "2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ma</t></is></c></row>")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] row = ("<row><c t=\"inlineStr\"><is><t>" + CELL_VALUE + "</t></is></c></row>")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < rows; i++) {
                zip.write(row);
            }
            zip.write("</sheetData></worksheet>".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
