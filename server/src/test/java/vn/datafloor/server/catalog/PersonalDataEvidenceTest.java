package vn.datafloor.server.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.ResourceBundleMessageSource;
import vn.datafloor.integration.profile.EvidencePart;
import vn.datafloor.integration.profile.EvidencePart.Code;
import vn.datafloor.integration.profile.EvidencePart.Count;
import vn.datafloor.integration.profile.EvidencePart.Phrase;
import vn.datafloor.integration.profile.EvidencePart.Share;
import vn.datafloor.integration.profile.PersonalCategory;
import vn.datafloor.server.platform.NumberFormat;

/** The evidence of a personal-data proposal, worded in the reader's language from the detector's parts. */
class PersonalDataEvidenceTest {

    private static final Locale VI = Locale.forLanguageTag("vi");

    private final PersonalDataEvidence evidence;

    PersonalDataEvidenceTest() {
        ResourceBundleMessageSource messages = new ResourceBundleMessageSource();
        messages.setBasenames("messages");
        messages.setDefaultEncoding("UTF-8");
        messages.setFallbackToSystemLocale(false);
        evidence = new PersonalDataEvidence(messages, new NumberFormat(), new CatalogLabels(messages));
    }

    private static EvidencePart part(Code code, EvidencePart.Argument... args) {
        return new EvidencePart(code, List.of(args));
    }

    /** Every code, with small counts as arguments (written alike in both languages). */
    private static List<EvidencePart> everyCode() {
        return java.util.Arrays.stream(Code.values())
                .map(c -> new EvidencePart(c, Collections.nCopies(c.arity(), (EvidencePart.Argument) new Count(7))))
                .toList();
    }

    @Test
    void theEnglishPageSaysWhatTheDetectorSaysAndTheVietnamesePageSaysItInVietnamese() {
        for (EvidencePart part : everyCode()) {
            String english = evidence.text(List.of(part), Locale.ENGLISH);
            String vietnamese = evidence.text(List.of(part), VI);
            assertThat(english).as(part.code().name()).isEqualTo(part.english());
            assertThat(vietnamese).as(part.code().name()).isNotEqualTo(english).doesNotContain("{", "''");
        }
        List<EvidencePart> parts = List.of(
                part(Code.NAME_AND_CONTENT_AGREE, new Phrase("so dien thoai")),
                part(Code.SHARE_PHONES, Share.of(1044, 1200), new Count(1200), new Share(0.8)),
                part(Code.NAME_SUGGESTED, new Phrase("sdt"), new EvidencePart.Category(PersonalCategory.PHONE)));
        assertThat(evidence.text(parts, VI))
                .isEqualTo("tên cột (“so dien thoai”) và nội dung thống nhất: 87% trong 1.200 giá trị là số điện"
                        + " thoại Việt Nam (80% là số di động); tên cột (“sdt”) lại gợi ý số điện thoại");
        assertThat(evidence.text(parts, Locale.ENGLISH))
                .isEqualTo("name ('so dien thoai') and content agree: 87% of 1,200 values are Vietnamese phone"
                        + " numbers (80% mobile); the name ('sdt') suggested phone number");
    }

    @Test
    void partsAreStoredAsJsonAndReadBack() {
        List<EvidencePart> parts = List.of(
                part(Code.TAX_CODE_ABOUT_PEOPLE, new Phrase("mst"), new EvidencePart.Columns(List.of("ho_ten"), true)),
                part(Code.BIRTH_YEAR_AGREES, new EvidencePart.Column("so_cccd"), new Share(0.25), new Count(40)),
                part(Code.NAME_SUGGESTS, new Phrase("x"), new EvidencePart.Category(PersonalCategory.HEALTH)),
                part(Code.NO_ROWS));
        String json = PersonalDataEvidence.json(parts);
        assertThat(json).hasSizeLessThanOrEqualTo(PersonalDataEvidence.MAX_STORED);
        assertThat(PersonalDataEvidence.parse(json)).contains(parts);
    }

    @Test
    void aProposalWithoutReadablePartsShowsItsStoredText() {
        String stored = "87% of 200 values are Vietnamese phone numbers (80% mobile)";
        for (String parts : new String[] {
            null,
            "",
            "[{\"code\":\"NO_ROWS\",\"args\":[", // cut
            "[{\"code\":\"SOMETHING_NEWER\",\"args\":[]}]", // a code this server does not know
            "[{\"code\":\"SHARE_PHONES\",\"args\":[{\"count\":1}]}]", // wrong number of arguments
            "[{\"code\":\"NAME_SUGGESTS\",\"args\":[{\"phrase\":\"x\"},{\"category\":\"astrology\"}]}]",
            "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]", // deeper than evidence ever is
            "[" + "{\"code\":\"NO_ROWS\",\"args\":[]},".repeat(200) + "{\"code\":\"NO_ROWS\",\"args\":[]}]"
        }) {
            CatalogEntry.Column column = new CatalogEntry.Column(
                    0, "sdt", "VARCHAR", null, null, null, null, List.of(), "phone", 0.83, stored, null, parts);
            assertThat(evidence.text(column, VI)).as(String.valueOf(parts)).isEqualTo(stored);
        }
    }

    @Test
    void evidenceTooLongToStoreIsNotStored() {
        List<EvidencePart> parts = List.of(part(
                Code.TAX_CODE_ABOUT_PEOPLE,
                new Phrase("mst"),
                new EvidencePart.Columns(List.of("c".repeat(3000), "d".repeat(3000)), false)));
        assertThat(PersonalDataEvidence.json(parts)).isNull();
    }
}
