package vn.datafloor.server.exchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.Normalizer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Service;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.policy.OdrlJson;
import vn.datafloor.policy.PlainLanguage;
import vn.datafloor.server.authz.Actor;

/**
 * An agreement as people read it: HTML and PDF, in Vietnamese and English, rendered from the stored
 * JSON document, the one thing that was hashed and put on the ledger. Every figure and name comes from
 * that document, never from the contract's current row, so a rendering always shows what was agreed;
 * the document's SHA-256 and its ledger entry are printed with the steps to check them.
 *
 * <p>The PDF embeds DejaVu Sans (shipped under {@code fonts/}, Bitstream Vera licence): PDF's standard
 * fonts have no Vietnamese letters, and a font looked up on the machine would make the build depend on
 * what is installed.
 */
@Service
public class AgreementDocuments {

    private static final ZoneId VIETNAM = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm").withZone(VIETNAM);

    /**
     * The HTML's only style. Pages of the platform may run no inline style (its Content-Security-Policy), so
     * this one is allowed by its hash, and a saved copy still prints well without the platform's stylesheet.
     */
    static final String CSS = "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:52rem;margin:2rem auto;"
            + "padding:0 1rem;color:#1b1f24;line-height:1.45}h1{font-size:1.5rem;margin-bottom:.2rem}"
            + "h2{font-size:1.1rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:1.6rem}"
            + ".sub,.note{color:#555;font-size:.9rem}table{border-collapse:collapse;width:100%}"
            + "th{text-align:left;vertical-align:top;width:16rem;padding:.25rem .75rem .25rem 0;font-weight:600}"
            + "td{padding:.25rem 0}.code,pre{font-family:'DejaVu Sans Mono',monospace;font-size:.85rem;"
            + "overflow-wrap:anywhere}pre{white-space:pre-wrap;background:#f5f6f8;padding:.75rem;border:1px solid #dde}"
            + "@media print{body{margin:0;max-width:none}pre{background:none}}";

    /** The Content-Security-Policy an HTML rendering is served with: nothing but its own style. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'sha256-" + cssHash()
            + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** A label and its value, as a row of the document. */
    public record Row(String label, String value, boolean code) {}

    /** A part of the document: rows, or items (numbered for steps), and a note under its heading. */
    public record Section(
            String id, String heading, String note, List<Row> rows, List<String> items, boolean numbered) {}

    /** The document in one language, ready for HTML or PDF: every label already translated. */
    public record Rendered(
            long contractId,
            String lang,
            String title,
            String subtitle,
            String note,
            List<Section> sections,
            String appendixTitle,
            String policyJson,
            String hash,
            Long ledgerIndex,
            String footer) {}

    private final ContractService contracts;
    private final AgreementVerification verification;
    private final MessageSource messages;
    private final ITemplateEngine templates;
    private final JsonMapper json;
    private final byte[] regular;
    private final byte[] bold;

    AgreementDocuments(
            ContractService contracts,
            AgreementVerification verification,
            MessageSource messages,
            ITemplateEngine templates,
            JsonMapper json) {
        this.contracts = contracts;
        this.verification = verification;
        this.messages = messages;
        this.templates = templates;
        this.json = json;
        this.regular = font("fonts/DejaVuSans.ttf");
        this.bold = font("fonts/DejaVuSans-Bold.ttf");
    }

    private static byte[] font(String resource) {
        try (InputStream in = AgreementDocuments.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The font " + resource + " is missing from the application");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Vietnamese unless English is asked for. */
    public static Locale locale(String lang) {
        return "en".equalsIgnoreCase(lang == null ? "" : lang.strip()) ? Locale.ENGLISH : Locale.forLanguageTag("vi");
    }

    // ------------------------------------------------------------------ the content

    /** The agreement of a contract the actor may see, in the locale's language. */
    public Rendered render(Actor actor, long contractId, Locale locale) {
        ContractService.AgreementDocument stored = contracts.agreement(actor, contractId);
        ContractService.Contract contract = contracts.visible(actor, contractId);
        Optional<AgreementVerification.LedgerEntry> entry = verification.agreedEntry(contract);
        return render(
                stored.document(),
                entry.map(AgreementVerification.LedgerEntry::index).orElse(null),
                locale);
    }

    /** Renders a stored agreement document; {@code ledgerIndex} is its CONTRACT_AGREED entry, if found. */
    Rendered render(String document, Long ledgerIndex, Locale locale) {
        boolean en = "en".equals(locale.getLanguage());
        JsonNode doc = json.readTree(document);
        JsonNode price = doc.path("price");
        String hash = ContractService.sha256(document);
        long id = doc.path("agreement").asLong();
        List<Section> sections = new ArrayList<>();

        sections.add(new Section(
                "parties",
                text(locale, "agreement.doc.parties"),
                null,
                List.of(
                        row(text(locale, "agreement.doc.provider"), party(doc.path("provider"), locale)),
                        row(text(locale, "agreement.doc.buyer"), party(doc.path("buyer"), locale))),
                List.of(),
                false));

        List<Row> product = new ArrayList<>();
        product.add(row(
                text(locale, "agreement.doc.productTitle"),
                doc.path("product").path("title").asString("") + " (" + text(locale, "agreement.doc.number") + " "
                        + doc.path("product").path("id").asLong() + ")"));
        product.add(row(
                text(locale, "agreement.doc.offer"),
                doc.path("offer").path("title").asString("") + " (" + text(locale, "agreement.doc.number") + " "
                        + doc.path("offer").path("id").asLong() + ")"));
        product.add(row(
                text(locale, "agreement.doc.priceModel"),
                label(
                        locale,
                        "agreement.priceModel.",
                        doc.path("offer").path("priceModel").asString(""))));
        for (JsonNode dataset : doc.path("datasets")) {
            JsonNode version = dataset.path("version");
            String which = version.isNumber()
                    ? text(locale, "agreement.doc.version", version.asLong())
                    : text(locale, "agreement.doc.latest");
            product.add(row(
                    text(locale, "agreement.doc.dataset"), dataset.path("slug").asString("") + " — " + which));
        }
        sections.add(new Section("product", text(locale, "agreement.doc.product"), null, product, List.of(), false));

        String purpose = doc.path("purpose").asString("");
        sections.add(new Section(
                "use",
                text(locale, "agreement.doc.use"),
                null,
                List.of(
                        row(
                                text(locale, "agreement.doc.purpose"),
                                purposeLabel(purpose, locale) + " (" + purpose + ")"),
                        row(
                                text(locale, "agreement.doc.scenario"),
                                doc.path("scenario").asString(""))),
                List.of(),
                false));

        List<Row> money = new ArrayList<>();
        long net = price.path("net").asLong();
        money.add(row(text(locale, "agreement.doc.net"), dong(net)));
        money.add(row(
                text(locale, "agreement.doc.vatRate"), price.path("vatPercent").asLong() + "%"));
        money.add(row(text(locale, "agreement.doc.vat"), dong(price.path("vat").asLong())));
        money.add(row(
                text(locale, "agreement.doc.total"), dong(price.path("total").asLong())));
        if (price.has("period")) {
            money.add(row(
                    text(locale, "agreement.doc.period"),
                    label(locale, "agreement.period.", price.path("period").asString(""))));
        }
        if (price.has("unit")) {
            money.add(row(
                    text(locale, "agreement.doc.unitPrice"),
                    dong(price.path("unitPrice").asLong())));
            money.add(row(
                    text(locale, "agreement.doc.unit"),
                    label(locale, "agreement.unit.", price.path("unit").asString(""))));
        }
        if (price.has("monthlyCap")) {
            money.add(row(
                    text(locale, "agreement.doc.cap"),
                    dong(price.path("monthlyCap").asLong())));
        }
        long feePercent = price.path("platformFeePercent").asLong();
        money.add(row(
                text(locale, "agreement.doc.platformFee"),
                text(
                        locale,
                        "agreement.doc.platformFee.value",
                        Long.toString(feePercent),
                        dong(Math.floorDiv(Math.multiplyExact(net, feePercent), 100)))));
        sections.add(new Section(
                "price",
                text(locale, "agreement.doc.price"),
                text(locale, "agreement.doc.currency"),
                money,
                List.of(),
                false));

        sections.add(new Section(
                "dates",
                text(locale, "agreement.doc.dates"),
                null,
                List.of(
                        row(text(locale, "agreement.doc.requestedAt"), when(doc.path("requestedAt"))),
                        row(text(locale, "agreement.doc.agreedAt"), when(doc.path("agreedAt"))),
                        row(text(locale, "agreement.doc.startsAt"), when(doc.path("startsAt"))),
                        row(text(locale, "agreement.doc.endsAt"), when(doc.path("endsAt")))),
                List.of(),
                false));

        String policyJson = json.writerWithDefaultPrettyPrinter().writeValueAsString(doc.path("policy"));
        List<String> terms = PlainLanguage.render(
                        OdrlJson.read(doc.path("policy").toString()), locale)
                .lines()
                .toList();
        sections.add(new Section(
                "terms",
                text(locale, "agreement.doc.terms"),
                text(locale, "agreement.doc.termsNote"),
                List.of(),
                terms,
                false));

        List<Row> integrity = new ArrayList<>();
        integrity.add(new Row(text(locale, "agreement.doc.hash"), hash, true));
        integrity.add(row(
                text(locale, "agreement.doc.ledgerIndex"),
                ledgerIndex == null ? text(locale, "agreement.doc.notOnLedger") : Long.toString(ledgerIndex)));
        String index = ledgerIndex == null ? "N" : Long.toString(ledgerIndex);
        List<String> steps = List.of(
                text(locale, "agreement.doc.verify.1", "/api/exchange/agreements/" + id + "/document.json"),
                text(locale, "agreement.doc.verify.2", "/ledger/entries/" + index, Long.toString(id)),
                text(locale, "agreement.doc.verify.3", "/ledger/proof/inclusion?index=" + index + "&size=…"),
                text(locale, "agreement.doc.verify.4", "/api/exchange/agreements/verification"));
        sections.add(new Section(
                "integrity",
                text(locale, "agreement.doc.integrity"),
                text(locale, "agreement.doc.integrityNote"),
                integrity,
                steps,
                true));

        return new Rendered(
                id,
                en ? "en" : "vi",
                text(locale, "agreement.doc.title", Long.toString(id)),
                text(locale, "agreement.doc.subtitle", doc.path("uid").asString("")),
                text(locale, "agreement.doc.note"),
                List.copyOf(sections),
                text(locale, "agreement.doc.appendix"),
                policyJson,
                hash,
                ledgerIndex,
                text(locale, "agreement.doc.footer", Long.toString(id), hash));
    }

    private String party(JsonNode party, Locale locale) {
        return party.path("name").asString("") + " (" + text(locale, "agreement.doc.organisation") + " "
                + party.path("id").asLong() + ")";
    }

    private String purposeLabel(String purpose, Locale locale) {
        String name = purpose.startsWith("df:") ? purpose.substring(3) : purpose;
        return messages.getMessage("agreement.purpose." + name, null, purpose, locale);
    }

    private String label(Locale locale, String prefix, String value) {
        return messages.getMessage(prefix + value, null, value, locale);
    }

    private String text(Locale locale, String key, Object... args) {
        return messages.getMessage(key, args.length == 0 ? null : args, locale);
    }

    private static Row row(String label, String value) {
        return new Row(label, value, false);
    }

    /** Whole đồng with dots between thousands, as the platform's pages show money. */
    static String dong(long amount) {
        DecimalFormatSymbols symbols = new DecimalFormatSymbols(Locale.ROOT);
        symbols.setGroupingSeparator('.');
        symbols.setMinusSign('-');
        DecimalFormat format = new DecimalFormat("#,##0", symbols);
        return format.format(amount) + " ₫";
    }

    /** Vietnam time, to the minute; a value that is not a time is shown as written. */
    static String when(JsonNode value) {
        String text = value.asString("");
        if (text.isEmpty()) {
            return "—";
        }
        try {
            return WHEN.format(Instant.parse(text));
        } catch (DateTimeParseException notAnInstant) {
            return text;
        }
    }

    // ------------------------------------------------------------------ HTML

    /** A standalone HTML page: no script, no outside resource, its one style allowed by hash. */
    public String html(Actor actor, long contractId, Locale locale) {
        return html(render(actor, contractId, locale));
    }

    String html(Rendered rendered) {
        Context context = new Context(locale(rendered.lang()), Map.of("doc", rendered, "css", CSS));
        return templates.process("exchange/agreement-document", context);
    }

    private static String cssHash() {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(CSS.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ PDF

    public byte[] pdf(Actor actor, long contractId, Locale locale) {
        return pdf(render(actor, contractId, locale));
    }

    byte[] pdf(Rendered rendered) {
        try (PDDocument document = new PDDocument()) {
            PdfLayout layout = new PdfLayout(
                    document,
                    PDType0Font.load(document, new java.io.ByteArrayInputStream(regular), true),
                    PDType0Font.load(document, new java.io.ByteArrayInputStream(bold), true));
            document.getDocumentInformation().setTitle(rendered.title());
            document.getDocumentInformation().setSubject(rendered.subtitle());
            document.getDocumentInformation().setKeywords("SHA-256 " + rendered.hash());
            document.getDocumentInformation().setCreator("Datafloor");
            document.getDocumentCatalog().setLanguage(rendered.lang());
            layout.title(rendered.title());
            layout.paragraph(rendered.subtitle(), 9, true);
            layout.paragraph(rendered.note(), 9, true);
            for (Section section : rendered.sections()) {
                layout.heading(section.heading());
                if (section.note() != null) {
                    layout.paragraph(section.note(), 8.5f, true);
                }
                for (Row row : section.rows()) {
                    if (row.code()) {
                        layout.row(row.label(), "");
                        layout.code(row.value(), 9);
                    } else {
                        layout.row(row.label(), row.value());
                    }
                }
                int n = 1;
                for (String item : section.items()) {
                    layout.item(section.numbered() ? (n++) + "." : "•", item);
                }
            }
            layout.newPage();
            layout.heading(rendered.appendixTitle());
            for (String line : rendered.policyJson().lines().toList()) {
                layout.code(line, 7.5f);
            }
            layout.finish(rendered.footer(), text(locale(rendered.lang()), "agreement.doc.page"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the agreement as PDF", e);
        }
    }

    /**
     * A top-down text layout on A4 pages: wraps lines to the width by measuring the font's glyphs,
     * starts a new page when one is full, and numbers the pages at the end.
     */
    private static final class PdfLayout {

        private static final float MARGIN = 50;
        private static final float TOP = PDRectangle.A4.getHeight() - 56;
        private static final float BOTTOM = 64;
        private static final float WIDTH = PDRectangle.A4.getWidth() - 2 * MARGIN;
        private static final float LABEL_WIDTH = 190;

        private final PDDocument document;
        private final PDType0Font regular;
        private final PDType0Font bold;
        private final Map<Integer, Boolean> drawable = new HashMap<>();
        private PDPageContentStream stream;
        private float y;

        PdfLayout(PDDocument document, PDType0Font regular, PDType0Font bold) throws IOException {
            this.document = document;
            this.regular = regular;
            this.bold = bold;
            newPage();
        }

        void newPage() throws IOException {
            if (stream != null) {
                stream.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            stream = new PDPageContentStream(document, page);
            y = TOP;
        }

        void title(String text) throws IOException {
            for (String line : wrap(text, bold, 15, WIDTH)) {
                line(line, bold, 15, MARGIN, 20, 0.05f);
            }
            space(4);
            ensure(4);
            stream.setStrokingColor(0.6f, 0.62f, 0.7f);
            stream.setLineWidth(0.8f);
            stream.moveTo(MARGIN, y);
            stream.lineTo(MARGIN + WIDTH, y);
            stream.stroke();
            space(10);
        }

        void heading(String text) throws IOException {
            space(10);
            // A heading is never the last line of a page.
            if (y - 16 - 3 * 13 < BOTTOM) {
                newPage();
            }
            for (String line : wrap(text, bold, 11.5f, WIDTH)) {
                line(line, bold, 11.5f, MARGIN, 16, 0.1f);
            }
            space(3);
        }

        void paragraph(String text, float size, boolean muted) throws IOException {
            for (String line : wrap(text, regular, size, WIDTH)) {
                line(line, regular, size, MARGIN, size * 1.45f, muted ? 0.35f : 0.1f);
            }
            space(3);
        }

        void row(String label, String value) throws IOException {
            List<String> labels = wrap(label, bold, 9.5f, LABEL_WIDTH - 8);
            List<String> values = value.isEmpty() ? List.of() : wrap(value, regular, 9.5f, WIDTH - LABEL_WIDTH);
            int lines = Math.max(labels.size(), values.size());
            for (int i = 0; i < lines; i++) {
                ensure(13.5f);
                y -= 13.5f;
                if (i < labels.size()) {
                    show(labels.get(i), bold, 9.5f, MARGIN, 0.2f);
                }
                if (i < values.size()) {
                    show(values.get(i), regular, 9.5f, MARGIN + LABEL_WIDTH, 0.05f);
                }
            }
            space(2);
        }

        void item(String marker, String text) throws IOException {
            List<String> lines = wrap(text, regular, 9.5f, WIDTH - 18);
            for (int i = 0; i < lines.size(); i++) {
                ensure(13.5f);
                y -= 13.5f;
                if (i == 0) {
                    show(marker, regular, 9.5f, MARGIN + 2, 0.1f);
                }
                show(lines.get(i), regular, 9.5f, MARGIN + 18, 0.05f);
            }
            space(2);
        }

        /** A line of code (JSON, a hash): wrapped anywhere, continuation lines keep its indentation. */
        void code(String text, float size) throws IOException {
            int indent = 0;
            while (indent < text.length() && text.charAt(indent) == ' ') {
                indent++;
            }
            float offset = Math.min(indent * size * 0.32f, WIDTH / 2);
            for (String line : wrap(text.substring(indent), regular, size, WIDTH - offset)) {
                line(line, regular, size, MARGIN + offset, size * 1.35f, 0.1f);
            }
        }

        private void line(String text, PDType0Font font, float size, float x, float leading, float grey)
                throws IOException {
            ensure(leading);
            y -= leading;
            show(text, font, size, x, grey);
        }

        private void show(String text, PDType0Font font, float size, float x, float grey) throws IOException {
            stream.beginText();
            stream.setFont(font, size);
            stream.setNonStrokingColor(grey, grey, grey);
            stream.newLineAtOffset(x, y);
            stream.showText(text);
            stream.endText();
        }

        private void space(float points) {
            y -= points;
        }

        private void ensure(float height) throws IOException {
            if (y - height < BOTTOM) {
                newPage();
            }
        }

        /** The footer of every page: what this is, its hash, and "page i of n". */
        void finish(String footer, String pagePattern) throws IOException {
            stream.close();
            int total = document.getNumberOfPages();
            for (int i = 0; i < total; i++) {
                PDPage page = document.getPage(i);
                try (PDPageContentStream foot =
                        new PDPageContentStream(document, page, PDPageContentStream.AppendMode.APPEND, true, true)) {
                    foot.setStrokingColor(0.8f, 0.8f, 0.85f);
                    foot.setLineWidth(0.5f);
                    foot.moveTo(MARGIN, BOTTOM - 22);
                    foot.lineTo(MARGIN + WIDTH, BOTTOM - 22);
                    foot.stroke();
                    String pageText = java.text.MessageFormat.format(pagePattern, i + 1, total);
                    float pageWidth = width(pageText, regular, 7);
                    List<String> lines = wrap(footer, regular, 7, WIDTH - pageWidth - 12);
                    float at = BOTTOM - 32;
                    for (String line : lines) {
                        foot.beginText();
                        foot.setFont(regular, 7);
                        foot.setNonStrokingColor(0.4f, 0.4f, 0.4f);
                        foot.newLineAtOffset(MARGIN, at);
                        foot.showText(line);
                        foot.endText();
                        at -= 9;
                    }
                    foot.beginText();
                    foot.setFont(regular, 7);
                    foot.newLineAtOffset(MARGIN + WIDTH - pageWidth, BOTTOM - 32);
                    foot.showText(pageText);
                    foot.endText();
                }
            }
        }

        /** Splits at spaces to fit {@code width}; a word longer than a line is cut where it must be. */
        private List<String> wrap(String raw, PDType0Font font, float size, float width) throws IOException {
            String text = drawable(raw, font);
            List<String> lines = new ArrayList<>();
            for (String paragraph : text.split("\n", -1)) {
                StringBuilder line = new StringBuilder();
                for (String word : paragraph.split(" ", -1)) {
                    String candidate = line.length() == 0 ? word : line + " " + word;
                    if (width(candidate, font, size) <= width) {
                        line.setLength(0);
                        line.append(candidate);
                        continue;
                    }
                    if (line.length() > 0) {
                        lines.add(line.toString());
                        line.setLength(0);
                    }
                    // The word alone: cut it into pieces that fit.
                    String rest = word;
                    while (width(rest, font, size) > width) {
                        int cut = rest.length() - 1;
                        while (cut > 1 && width(rest.substring(0, cut), font, size) > width) {
                            cut--;
                        }
                        if (Character.isHighSurrogate(rest.charAt(cut - 1))) {
                            cut--;
                        }
                        lines.add(rest.substring(0, cut));
                        rest = rest.substring(cut);
                    }
                    line.append(rest);
                }
                lines.add(line.toString());
            }
            return lines;
        }

        private static float width(String text, PDType0Font font, float size) throws IOException {
            return font.getStringWidth(text) / 1000 * size;
        }

        /**
         * What the font can draw: composed Vietnamese letters (NFC: the font has them precomposed and
         * PDF draws no combining marks onto letters), spaces for tabs, no control characters, and "?"
         * for a character the font lacks, rather than failing the whole document.
         */
        private String drawable(String raw, PDType0Font font) throws IOException {
            String text = Normalizer.normalize(raw == null ? "" : raw, Normalizer.Form.NFC)
                    .replace("\r\n", "\n")
                    .replace('\r', '\n')
                    .replace("\t", "    ");
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); ) {
                int cp = text.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == '\n') {
                    out.append('\n');
                } else if (Character.isISOControl(cp)) {
                    out.append(' ');
                } else if (canDraw(cp, font)) {
                    out.appendCodePoint(cp);
                } else {
                    out.append('?');
                }
            }
            return out.toString();
        }

        private boolean canDraw(int codePoint, PDType0Font font) throws IOException {
            int key = font == bold ? -codePoint - 1 : codePoint;
            Boolean known = drawable.get(key);
            if (known == null) {
                try {
                    font.encode(new String(Character.toChars(codePoint)));
                    known = true;
                } catch (IllegalArgumentException noGlyph) {
                    known = false;
                }
                drawable.put(key, known);
            }
            return known;
        }
    }
}
