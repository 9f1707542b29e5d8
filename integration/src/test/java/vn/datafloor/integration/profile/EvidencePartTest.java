package vn.datafloor.integration.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.profile.EvidencePart.Category;
import vn.datafloor.integration.profile.EvidencePart.Code;
import vn.datafloor.integration.profile.EvidencePart.Column;
import vn.datafloor.integration.profile.EvidencePart.Columns;
import vn.datafloor.integration.profile.EvidencePart.Count;
import vn.datafloor.integration.profile.EvidencePart.Phrase;
import vn.datafloor.integration.profile.EvidencePart.Share;

class EvidencePartTest {

    @Test
    void partsReadAsTheEnglishTheDetectorAlwaysWrote() {
        List<EvidencePart> parts = List.of(
                EvidencePart.of(Code.NAME_AND_CONTENT_AGREE, new Phrase("sdt")),
                EvidencePart.of(Code.SHARE_PHONES, Share.of(174, 200), new Count(200), new Share(0.8)),
                EvidencePart.of(Code.BIRTH_YEAR_CONSISTENT, new Column("ngay_sinh"), new Share(1), new Count(300)));
        assertThat(EvidencePart.english(parts))
                .isEqualTo(
                        "name ('sdt') and content agree: 87% of 200 values are Vietnamese phone numbers (80% mobile);"
                                + " birth year consistent with ngay_sinh in 100% of 300 rows");

        assertThat(EvidencePart.english(List.of(
                        EvidencePart.of(
                                Code.NAME_SUGGESTS_BUT_ONLY, new Phrase("ho ten"), new Category(PersonalCategory.NAME)),
                        EvidencePart.of(Code.SHARE_PERSON_NAMES, new Share(0), new Count(60)),
                        EvidencePart.of(Code.NAME_HINT_ONLY))))
                .startsWith("column name ('ho ten') suggests name (surname, middle and given names, other names), "
                        + "but only 0% of 60 values look like")
                .endsWith("; name hint only");
        assertThat(EvidencePart.of(
                                Code.TAX_CODE_ABOUT_PEOPLE,
                                new Phrase("mst"),
                                new Columns(List.of("a", "b", "c"), true))
                        .english())
                .isEqualTo("name ('mst'): tax code in a dataset about people (a, b, c…)");
        assertThat(EvidencePart.of(Code.SHARE_COORDINATES, new Share(0.5), new Count(2))
                        .english())
                .isEqualTo("50% of 2 values are coordinates in Vietnam's range");
    }

    @Test
    void aPartTakesExactlyTheArgumentsItsWordingHas() {
        assertThat(Code.NO_ROWS.arity()).isZero();
        assertThat(Code.SHARE_IDENTITY_NUMBERS.arity()).isEqualTo(4);
        assertThatThrownBy(() -> EvidencePart.of(Code.SHARE_PHONES, new Share(1), new Count(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHARE_PHONES takes 3 arguments");
        for (Code code : Code.values()) {
            assertThat(code.english()).as(code.name()).doesNotContain("{" + code.arity() + "}");
        }
    }

    @Test
    void aShareIsAWholePercentThatNeverOverstatesOrHides() {
        assertThat(new Share(0.996).percent()).isEqualTo(99);
        assertThat(new Share(1).percent()).isEqualTo(100);
        assertThat(new Share(0.001).percent()).isEqualTo(1);
        assertThat(new Share(0).percent()).isZero();
        assertThat(Share.of(87, 100).percent()).isEqualTo(87);
        assertThat(Share.of(1, 0).percent()).isZero();
    }
}
