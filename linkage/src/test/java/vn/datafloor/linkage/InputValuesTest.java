package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.linkage.LinkageParameters.LevelParameters;

/** How the engine reads the values of outside files: blanks are missing, date text becomes dates. */
class InputValuesTest {

    @TempDir
    Path dir;

    static final List<LevelParameters> AGREE_OR_NOT =
            List.of(new LevelParameters("exact", 0.9, 0.01, true), new LevelParameters("else", 0.1, 0.99, true));

    ScoredPair pair(List<ScoredPair> pairs, String left, String right) {
        return pairs.stream()
                .filter(p -> p.leftId().equals(left) && p.rightId().equals(right))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no pair " + left + "-" + right + " in " + pairs));
    }

    // ------------------------------------------------------------------ blanks

    /** Empty, spaces, a tab with a no-break space, and a line break: all blank, in a JSON Lines file. */
    static final String BLANKS = """
            {"id": "1", "name": "", "city": "x", "cccd": "001090000001"}
            {"id": "2", "name": "   ", "city": "x", "cccd": " "}
            {"id": "3", "name": "\\t\\u00a0", "city": "y", "cccd": ""}
            {"id": "4", "name": "an", "city": "z", "cccd": "001090000004"}
            {"id": "5", "name": "an", "city": "z", "cccd": "\\n"}
            {"id": "6", "name": "\\n ", "city": "w", "cccd": "001090000006"}
            """;

    static final String BLANKS_MODEL = """
            mode: dedupe
            inputs:
              - {name: people, path: people.jsonl, id: id}
            blocking: [l.name = r.name, l.city = r.city, l.cccd = r.cccd]
            comparisons:
              - {name: name, column: name, levels: [{exact: {term_frequency: true}}]}
              - {name: cccd, column: cccd, levels: [exact]}
            """;

    @Test
    void blankValuesAreMissingInComparisonsBlockingAndTermFrequencies() throws Exception {
        Files.writeString(dir.resolve("people.jsonl"), BLANKS);
        try (Linker linker = Linker.open(LinkageModel.parse(BLANKS_MODEL, dir), dir)) {
            // Estimates are Σ n²/2 over blocks: the one block of two "an" gives 2; the four blank names
            // would add a block of four (8 more) if blank blocked with blank.
            assertThat(linker.estimatePairs("l.name = r.name")).isEqualTo(2);
            // Three CCCDs present, all different (3 × 1/2); the three blank ones would add 4.
            assertThat(linker.estimatePairs("l.cccd = r.cccd")).isEqualTo(1);
            LinkageParameters parameters = new LinkageParameters(
                    "blanks",
                    0.01,
                    List.of(
                            new ComparisonParameters("name", AGREE_OR_NOT),
                            new ComparisonParameters("cccd", AGREE_OR_NOT)),
                    List.of());
            // Candidates: 4-5 (name, city) and 1-2 (city) only.
            assertThat(linker.predict(parameters)).isEqualTo(2);
            List<ScoredPair> pairs = linker.pairs(0, 10);
            ScoredPair blanks = pair(pairs, "1", "2");
            assertThat(blanks.contributions())
                    .extracting(ScoredPair.Contribution::level)
                    .containsExactly("null", "null");
            assertThat(blanks.contributions())
                    .extracting(ScoredPair.Contribution::weight)
                    .containsExactly(0.0, 0.0);
            // "an" is the only name present, so its share of the names is 1 (not 2 of 6 records).
            ScoredPair an = pair(pairs, "4", "5");
            assertThat(an.contributions().get(0).level()).isEqualTo("exact (term frequency)");
            assertThat(an.contributions().get(0).weight()).isCloseTo(Math.log(0.9) / Math.log(2), within(1e-9));
            assertThat(an.contributions().get(1).level()).isEqualTo("null");
        }
    }

    @Test
    void blankTextInACsvIsMissingAndAColumnOfBlanksIsRefused() throws Exception {
        Files.writeString(dir.resolve("people.csv"), "id,name,city\n1,\" \",x\n2,\"\t\",x\n3,an,y\n4,an,y\n");
        String model = """
                mode: dedupe
                inputs:
                  - {name: people, path: people.csv, id: id}
                blocking: [l.name = r.name]
                comparisons:
                  - {name: name, column: name, levels: [exact]}
                """;
        try (Linker linker = Linker.open(LinkageModel.parse(model, dir), dir)) {
            assertThat(linker.estimatePairs("l.name = r.name")).isEqualTo(2);
            assertThat(linker.predict(new LinkageParameters(
                            "blanks", 0.01, List.of(new ComparisonParameters("name", AGREE_OR_NOT)), List.of())))
                    .isEqualTo(1);
            assertThat(linker.pairs(0, 10))
                    .singleElement()
                    .satisfies(p -> assertThat(p.leftId()).isEqualTo("3"));
        }
        Files.writeString(dir.resolve("people.csv"), "id,name,city\n1,\" \",x\n2,\"  \",x\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Linker.open(LinkageModel.parse(model, dir), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("column name is empty in every row");
    }

    // ------------------------------------------------------------------ dates

    static final String DATES = """
            id,dob,name
            1,1990-02-15,an
            2,19900215,an
            3,15/02/1990,an
            4,02/15/1990,binh
            5,1990.02.15,binh
            6,,binh
            7, 19901502 ,binh
            8,1990-15-02,cuong
            """;

    static final String DATES_MODEL = """
            mode: dedupe
            inputs:
              - {name: people, path: people.csv, id: id}
            blocking: [l.name = r.name, l.dob = r.dob]
            comparisons:
              - {name: dob, column: dob, levels: [exact, date_day_month_swapped, date_same_year]}
            """;

    @Test
    void dateTextInThreeShapesIsReadAsDatesAndTheRestIsCounted() throws Exception {
        Files.writeString(dir.resolve("people.csv"), DATES);
        try (Linker linker = Linker.open(LinkageModel.parse(DATES_MODEL, dir), dir)) {
            // 02/15/1990 (no month 15), 1990.02.15 (not a shape read), 19901502 and 1990-15-02 (no month 15);
            // the empty value is missing, not unreadable.
            assertThat(linker.unreadableDates()).containsExactly(new UnreadableDates("people", "dob", 4));
            // The three shapes of 15 February 1990 are one date, one block of three: 3²/2.
            assertThat(linker.estimatePairs("l.dob = r.dob")).isEqualTo(4);
            List<LevelParameters> levels = List.of(
                    new LevelParameters("exact", 0.9, 0.01, true),
                    new LevelParameters("date_day_month_swapped", 0.05, 0.01, true),
                    new LevelParameters("date_same_year", 0.03, 0.1, true),
                    new LevelParameters("else", 0.02, 0.88, true));
            linker.predict(
                    new LinkageParameters("dates", 0.01, List.of(new ComparisonParameters("dob", levels)), List.of()));
            List<ScoredPair> pairs = linker.pairs(0, 100);
            assertThat(pair(pairs, "1", "2").contributions().get(0).level()).isEqualTo("exact");
            assertThat(pair(pairs, "1", "3").contributions().get(0).level()).isEqualTo("exact");
            assertThat(pair(pairs, "2", "3").contributions().get(0).level()).isEqualTo("exact");
            // Unreadable and empty dates are no evidence either way.
            assertThat(pair(pairs, "4", "5").contributions().get(0).level()).isEqualTo("null");
            assertThat(pair(pairs, "5", "6").contributions().get(0).level()).isEqualTo("null");
        }
    }

    @Test
    void swappedDayAndMonthAreFoundInCompactText() throws Exception {
        Files.writeString(dir.resolve("people.csv"), "id,dob,name\n1,19900305,an\n2,03/05/1990,an\n3,19910305,an\n");
        try (Linker linker = Linker.open(LinkageModel.parse(DATES_MODEL, dir), dir)) {
            assertThat(linker.unreadableDates()).isEmpty();
            List<LevelParameters> levels = List.of(
                    new LevelParameters("exact", 0.9, 0.01, true),
                    new LevelParameters("date_day_month_swapped", 0.05, 0.01, true),
                    new LevelParameters("date_same_year", 0.03, 0.1, true),
                    new LevelParameters("else", 0.02, 0.88, true));
            linker.predict(
                    new LinkageParameters("dates", 0.01, List.of(new ComparisonParameters("dob", levels)), List.of()));
            List<ScoredPair> pairs = linker.pairs(0, 100);
            // 5 March 1990 against 3 May 1990.
            assertThat(pair(pairs, "1", "2").contributions().get(0).level()).isEqualTo("date_day_month_swapped");
            assertThat(pair(pairs, "1", "3").contributions().get(0).level()).isEqualTo("else");
        }
    }

    @Test
    void aColumnOfUnreadableDatesIsRefusedWithTheReason() throws Exception {
        Files.writeString(dir.resolve("people.csv"), "id,dob,name\n1,1990.02.15,an\n2,15-02-1990,an\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Linker.open(LinkageModel.parse(DATES_MODEL, dir), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("column dob is empty in every row (2 values are not dates in a shape read");
    }
}
