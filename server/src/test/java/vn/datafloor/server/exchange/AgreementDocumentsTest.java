package vn.datafloor.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.mock.web.MockMultipartFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.audit.ProofStatus;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.AgreementVerification.Outcome;
import vn.datafloor.server.exchange.OfferService.PriceModel;
import vn.datafloor.server.platform.ProblemException;

/**
 * Both parties download the same agreement as JSON, HTML and PDF in Vietnamese and English, and
 * anyone holding a copy can check it against the stored hash and the public ledger; one changed byte
 * fails, with where it changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgreementDocumentsTest extends ExchangeTest {

    private static final String BUYER_NAME = "Công ty Cổ phần Dữ liệu Sao Mai";

    @Autowired
    AgreementDocuments documents;

    @Autowired
    AgreementVerification verification;

    @Autowired
    JsonMapper json;

    ContractService.Contract contract;
    String providerName;

    /** A one-time purchase of the demo's listed product, for research, by Sao Mai. */
    @BeforeAll
    void buy() {
        Actor operator = actor("admin");
        offers.setFee(
                operator, new OfferService.NewFee("other", PriceModel.ONE_TIME, null, 2_000_000L, "Biểu phí thử"));
        ProductService.Product product = listedProduct();
        OfferService.Offer offer = offers.create(
                actor("qltt.dulieu"),
                product.id(),
                new OfferService.NewOffer(
                        "Bản thoả thuận thử",
                        PriceModel.ONE_TIME,
                        123L,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        false,
                        null,
                        new OfferService.Terms(List.of("df:research", "df:statistics"), "VN", List.of(), true, true),
                        null,
                        null));
        products.inspect(operator, product.id(), true, "Điều khoản mới đã được thẩm định");
        Actor buyer = actor("saomai.phantich");
        statements.credit(journal.account(buyer.orgId(), MoneyJournal.AccountKind.CASH), 5_000_000, "T-AGREE-1", null);
        contract = contracts.order(
                buyer,
                "agreement-doc-1",
                new ContractService.Order(offer.id(), "df:research", "Nghiên cứu giá hàng tiêu dùng theo tỉnh", "VN"));
        assertThat(contract.state()).isEqualTo(ContractService.State.FINALIZED);
        providerName = contracts.detail(buyer, contract.id()).provider();
    }

    private MockHttpServletResponse fetch(MockHttpSession session, String path) throws Exception {
        return mvc.perform(get(path).session(session)).andReturn().getResponse();
    }

    @Test
    void theHtmlShowsThePartiesThePriceAndTheTermsInVietnameseAndEnglish() throws Exception {
        MockHttpSession buyer = login("saomai.phantich");
        String base = "/api/exchange/agreements/" + contract.id() + "/document.html";
        MockHttpServletResponse vi = fetch(buyer, base);
        assertThat(vi.getStatus()).isEqualTo(200);
        assertThat(vi.getContentType()).startsWith("text/html");
        // Its one style is allowed by hash; nothing else may load or run.
        assertThat(vi.getHeader("Content-Security-Policy"))
                .startsWith("default-src 'none'; style-src 'sha256-")
                .isEqualTo(AgreementDocuments.CONTENT_SECURITY_POLICY);
        String html = vi.getContentAsString(StandardCharsets.UTF_8);
        assertThat(html)
                .contains("lang=\"vi\"")
                .contains("THOẢ THUẬN SỬ DỤNG DỮ LIỆU SỐ " + contract.id())
                .contains(BUYER_NAME)
                .contains(providerName)
                .contains("2.000.000 ₫")
                .contains("200.000 ₫")
                .contains("2.200.000 ₫")
                .contains("Nghiên cứu giá hàng tiêu dùng theo tỉnh")
                .contains("chỉ dùng cho nghiên cứu hoặc thống kê")
                .contains("Không được bán")
                .contains(contract.agreementHash())
                .contains("&quot;@type&quot; : &quot;Agreement&quot;");

        String en = fetch(buyer, base + "?lang=en").getContentAsString(StandardCharsets.UTF_8);
        assertThat(en)
                .contains("lang=\"en\"")
                .contains("DATA USE AGREEMENT NO. " + contract.id())
                .contains(BUYER_NAME)
                .contains("2.200.000 ₫")
                .contains("only for research or statistics")
                .contains("Price before VAT");
        // The document's language is not the reader's: the UI stays in Vietnamese.
        assertThat(fetch(buyer, base + "?lang=en").getCookie("datafloor-lang")).isNull();

        // The provider reads the same agreement.
        String provider = fetch(login("qltt.dulieu"), base).getContentAsString(StandardCharsets.UTF_8);
        assertThat(provider).contains(BUYER_NAME).contains(contract.agreementHash());
    }

    @Test
    void thePdfParsesBackWithItsVietnameseTextAndTheHash() throws Exception {
        MockHttpSession buyer = login("saomai.phantich");
        for (String lang : List.of("vi", "en")) {
            MockHttpServletResponse response =
                    fetch(buyer, "/api/exchange/agreements/" + contract.id() + "/document.pdf?lang=" + lang);
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentType()).isEqualTo("application/pdf");
            assertThat(response.getHeader("Content-Disposition"))
                    .startsWith("attachment")
                    .contains("agreement-" + contract.id() + "-" + lang + ".pdf");
            try (PDDocument pdf = Loader.loadPDF(response.getContentAsByteArray())) {
                String text = new PDFTextStripper().getText(pdf);
                assertThat(text)
                        .contains(BUYER_NAME)
                        .contains(providerName)
                        .contains(contract.agreementHash())
                        .contains("2.200.000 ₫")
                        .contains("Nghiên cứu giá hàng tiêu dùng theo tỉnh");
                if (lang.equals("vi")) {
                    assertThat(text)
                            .contains("chỉ dùng cho nghiên cứu hoặc thống kê")
                            .contains("Trang 1/");
                } else {
                    assertThat(text).contains("only for research or statistics").contains("Page 1 of");
                }
                // The appendix: the ODRL policy itself.
                assertThat(text).contains("\"@type\" : \"Agreement\"");
            }
        }
    }

    @Test
    void aLongAgreementWrapsAndRunsOverSeveralPages() throws Exception {
        String document =
                contracts.agreement(actor("saomai.phantich"), contract.id()).document();
        JsonNode node = json.readTree(document);
        ((tools.jackson.databind.node.ObjectNode) node)
                .put("scenario", "Phân tích chuỗi cung ứng theo từng xã, phường ".repeat(120) + "🚚 hết.");
        byte[] pdf = documents.pdf(documents.render(
                json.writerWithDefaultPrettyPrinter().writeValueAsString(node), 7L, Locale.forLanguageTag("vi")));
        try (PDDocument parsed = Loader.loadPDF(pdf)) {
            assertThat(parsed.getNumberOfPages()).isGreaterThan(2);
            String text = new PDFTextStripper().getText(parsed);
            // A character the font lacks is replaced, not fatal.
            assertThat(text).contains("? hết.").contains("Trang 3/");
        }
    }

    @Test
    void theStoredDocumentVerifiesAgainstTheLedgerAndATamperedCopyFails() throws Exception {
        MockHttpSession buyer = login("saomai.phantich");
        // A signed checkpoint covering the entry, so the inclusion proof is checked, not pending.
        mvc.perform(post("/api/ledger/checkpoints").session(login("admin")).with(csrf()));

        JsonNode stored = json.readTree(fetch(buyer, "/api/exchange/agreements/" + contract.id() + "/verification")
                .getContentAsString(StandardCharsets.UTF_8));
        assertThat(stored.path("verified").asBoolean()).isTrue();
        assertThat(stored.path("outcome").asString()).isEqualTo("VERIFIED");
        assertThat(stored.path("computedHash").asString()).isEqualTo(contract.agreementHash());
        assertThat(stored.path("ledgerHash").asString()).isEqualTo(contract.agreementHash());
        assertThat(stored.path("ledgerIndex").isNumber()).isTrue();
        assertThat(stored.path("inclusionProof").asString()).isEqualTo(ProofStatus.VERIFIED.name());

        // The JSON is exactly what was hashed.
        MockHttpServletResponse download = fetch(buyer, "/api/exchange/agreements/" + contract.id() + "/document.json");
        assertThat(download.getHeader("Content-Disposition")).startsWith("attachment");
        byte[] bytes = download.getContentAsByteArray();
        assertThat(AgreementVerification.sha256(bytes)).isEqualTo(contract.agreementHash());

        JsonNode copy = upload(buyer, bytes);
        assertThat(copy.path("verified").asBoolean()).isTrue();
        assertThat(copy.path("source").asString()).isEqualTo("uploaded");

        // One byte changed: 2.200.000 becomes 1.200.000.
        String text = new String(bytes, StandardCharsets.UTF_8);
        int at = text.indexOf("\"total\" : 2200000");
        assertThat(at).isPositive();
        byte[] tampered = bytes.clone();
        int digit = text.substring(0, at).getBytes(StandardCharsets.UTF_8).length + "\"total\" : ".length();
        tampered[digit] = '1';
        JsonNode failed = upload(buyer, tampered);
        assertThat(failed.path("verified").asBoolean()).isFalse();
        assertThat(failed.path("outcome").asString()).isEqualTo("DIFFERS_FROM_AGREEMENT");
        assertThat(failed.path("matchesLedger").asBoolean()).isFalse();
        assertThat(failed.path("firstDifference").asLong()).isEqualTo(digit);
        assertThat(failed.path("changedFields").toString()).contains("/price/total");
        assertThat(failed.path("explanation").asString())
                .contains("not the agreement")
                .contains("byte " + digit)
                .contains(contract.agreementHash());

        // A copy so damaged it no longer parses still names its contract, and fails.
        byte[] broken = bytes.clone();
        broken[0] = 'x';
        assertThat(upload(buyer, broken).path("outcome").asString()).isEqualTo("DIFFERS_FROM_AGREEMENT");
        // Something that is no agreement at all.
        assertThat(mvc.perform(multipart("/api/exchange/agreements/verification")
                                .file(new MockMultipartFile("document", "x.json", "application/json", "{}".getBytes()))
                                .session(buyer)
                                .with(csrf()))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(400);
    }

    @Test
    void aStoredCopyChangedBehindThePlatformsBackIsCaught() {
        Actor buyer = actor("saomai.phantich");
        String original = contracts.agreement(buyer, contract.id()).document();
        String forged = original.replace("\"total\" : 2200000", "\"total\" : 1200000");
        jdbc.sql("update exchange_contract set agreement = ? where id = ?")
                .params(forged, contract.id())
                .update();
        try {
            assertThat(verification.ofContract(buyer, contract.id()).outcome()).isEqualTo(Outcome.STORED_COPY_ALTERED);
            // Changing the stored hash too does not help: the ledger still holds the original.
            jdbc.sql("update exchange_contract set agreement_hash = ? where id = ?")
                    .params(ContractService.sha256(forged), contract.id())
                    .update();
            AgreementVerification.Verification check = verification.ofContract(buyer, contract.id());
            assertThat(check.outcome()).isEqualTo(Outcome.LEDGER_DISAGREES);
            assertThat(check.verified()).isFalse();
        } finally {
            jdbc.sql("update exchange_contract set agreement = ?, agreement_hash = ? where id = ?")
                    .params(original, contract.agreementHash(), contract.id())
                    .update();
        }
        assertThat(verification.ofContract(buyer, contract.id()).verified()).isTrue();
    }

    @Test
    void anotherOrganisationSeesNothing() throws Exception {
        MockHttpSession stranger = login("vien.phantich");
        for (String path : List.of("document.json", "document.html", "document.pdf?lang=en", "verification")) {
            assertThat(fetch(stranger, "/api/exchange/agreements/" + contract.id() + "/" + path)
                            .getStatus())
                    .as(path)
                    .isEqualTo(404);
        }
        assertThat(fetch(stranger, "/exchange/contracts/" + contract.id()).getStatus())
                .isEqualTo(404);
        // Holding a copy does not open the contract to them either.
        byte[] copy = contracts
                .agreement(actor("saomai.phantich"), contract.id())
                .document()
                .getBytes(StandardCharsets.UTF_8);
        assertThat(mvc.perform(multipart("/api/exchange/agreements/verification")
                                .file(new MockMultipartFile("document", "a.json", "application/json", copy))
                                .session(stranger)
                                .with(csrf()))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(404);
        assertThatThrownBy(() -> verification.ofContract(actor("vien.phantich"), contract.id()))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("No contract");
        // The operator and auditors may check any agreement.
        assertThat(verification.ofContract(actor("kiemtoan"), contract.id()).verified())
                .isTrue();
    }

    @Test
    void theContractPagesShowTheContractItsDocumentsAndItsVerification() throws Exception {
        MockHttpSession buyer = login("saomai.phantich");
        String list = fetch(buyer, "/exchange/contracts").getContentAsString(StandardCharsets.UTF_8);
        assertThat(list)
                .contains("contracts-bought")
                .contains("/exchange/contracts/" + contract.id())
                .contains(providerName)
                .contains("2.200.000 ₫");
        String page = fetch(buyer, "/exchange/contracts/" + contract.id()).getContentAsString(StandardCharsets.UTF_8);
        assertThat(page)
                .contains("/api/exchange/agreements/" + contract.id() + "/document.pdf?lang=en")
                .contains("/api/exchange/agreements/" + contract.id() + "/document.html?lang=vi")
                .contains("/api/exchange/agreements/" + contract.id() + "/document.json")
                .contains("/exchange/contracts/" + contract.id() + "/dispute")
                .contains("/exchange/products/" + contract.productId())
                .contains("id=\"history\"")
                .contains("id=\"invoices\"")
                .contains("id=\"verification\"")
                .contains(contract.agreementHash())
                .contains("id=\"terminate\"");
        // The provider sees it among its sales, without the buyer's terminate form.
        MockHttpSession provider = login("qltt.dulieu");
        assertThat(fetch(provider, "/exchange/contracts").getContentAsString(StandardCharsets.UTF_8))
                .contains("contracts-sold")
                .contains(BUYER_NAME);
        assertThat(fetch(provider, "/exchange/contracts/" + contract.id()).getContentAsString(StandardCharsets.UTF_8))
                .doesNotContain("id=\"terminate\"");

        // A copy checked on the page: the result comes back with the redirect.
        byte[] copy = contracts
                .agreement(actor("saomai.phantich"), contract.id())
                .document()
                .getBytes(StandardCharsets.UTF_8);
        copy[copy.length - 2] = ' ';
        var redirect = mvc.perform(multipart("/exchange/contracts/" + contract.id() + "/verification")
                        .file(new MockMultipartFile("document", "a.json", "application/json", copy))
                        .session(buyer)
                        .with(csrf()))
                .andReturn();
        assertThat(redirect.getResponse().getRedirectedUrl()).isEqualTo("/exchange/contracts/" + contract.id());
        String after = mvc.perform(get("/exchange/contracts/" + contract.id())
                        .session(buyer)
                        .flashAttrs(redirect.getFlashMap()))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(after).contains("id=\"uploaded\"").contains("Không hợp lệ: bản này khác văn bản đã thoả thuận.");
    }

    private JsonNode upload(MockHttpSession session, byte[] document) throws Exception {
        MockHttpServletResponse response = mvc.perform(multipart("/api/exchange/agreements/verification")
                        .file(new MockMultipartFile("document", "agreement.json", "application/json", document))
                        .session(session)
                        .with(csrf()))
                .andReturn()
                .getResponse();
        assertThat(response.getStatus())
                .as(response.getContentAsString(StandardCharsets.UTF_8))
                .isEqualTo(200);
        return json.readTree(response.getContentAsString(StandardCharsets.UTF_8));
    }
}
