package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training from an engine's aggregates alone ({@link Training}), the part both engines share: counts
 * made from a known mixture of matches and non-matches give back its λ and m.
 */
class TrainingTest {

    private static final String YAML = """
            mode: dedupe
            inputs:
              - {name: people, path: people.csv, id: id}
            blocking: [l.district = r.district]
            comparisons:
              - {name: name, column: name, levels: [exact]}
              - {name: dob, column: dob, levels: [exact]}
              - {name: phone, column: phone, levels: [exact]}
              - {name: district, column: district, levels: [exact]}
            training: {deterministic_rules: [l.cccd = r.cccd], deterministic_recall: 0.5}
            """;

    private static final LinkageModel MODEL = LinkageModel.parse(YAML, Path.of("."));

    // Per comparison: P(agree | match), P(agree | non-match); the blocking rule's pairs are 20 % matches.
    private static final double[] M = {0.9, 0.8, 0.6};
    private static final double[] U = {0.01, 0.05, 0.02};
    private static final double SHARE = 0.2;
    private static final long BLOCKED_PAIRS = 1_000_000;
    private static final long RECORDS = 10_001; // 50,005,000 pairs

    /** The aggregates of that mixture, as an engine would count them. */
    private static final class Mixture implements Training.Measurements {

        final List<List<Integer>> usedSeen = new ArrayList<>();

        @Override
        public long deterministicPairs(List<String> rules) {
            return 10_001; // λ = 10,001 ÷ 0.5 ÷ 50,005,000 = 0.0004
        }

        @Override
        public long[][] randomPairLevels(long leftRows, long rightRows, long seed) {
            long[][] counts = new long[4][];
            for (int c = 0; c < 3; c++) {
                counts[c] = new long[] {Math.round(U[c] * 1_000_000), Math.round((1 - U[c]) * 1_000_000)};
            }
            counts[3] = new long[] {100, 999_900};
            return counts;
        }

        @Override
        public long emPairs(int rule) {
            return BLOCKED_PAIRS;
        }

        @Override
        public List<Training.Pattern> emPatterns(int rule, List<Integer> used) {
            usedSeen.add(used);
            List<Training.Pattern> patterns = new ArrayList<>();
            for (int bits = 0; bits < 8; bits++) {
                double match = SHARE;
                double nonMatch = 1 - SHARE;
                int[] levels = new int[3];
                for (int c = 0; c < 3; c++) {
                    boolean agree = (bits & (1 << c)) != 0;
                    levels[c] = agree ? 0 : 1;
                    match *= agree ? M[c] : 1 - M[c];
                    nonMatch *= agree ? U[c] : 1 - U[c];
                }
                patterns.add(new Training.Pattern(levels, Math.round((match + nonMatch) * BLOCKED_PAIRS)));
            }
            // Pairs with a null name carry no evidence on it, and count for the others only.
            patterns.add(new Training.Pattern(new int[] {-1, 0, 0}, 0));
            return patterns;
        }
    }

    @Test
    void emOnTheCountedPatternsGivesBackTheMixturesMAndShare() {
        Mixture mixture = new Mixture();
        LinkageParameters trained = Training.unsupervised(
                MODEL, (rule, comparison) -> rule.contains(comparison.column()), RECORDS, RECORDS, mixture);

        assertThat(trained.lambda()).isCloseTo(0.0004, within(1e-9));
        // The blocking rule decides the district comparison, so EM saw the other three only.
        assertThat(mixture.usedSeen).containsExactly(List.of(0, 1, 2));
        for (int c = 0; c < 3; c++) {
            var levels = trained.comparisons().get(c).levels();
            assertThat(levels.get(0).m()).as("m of agreeing on comparison " + c).isCloseTo(M[c], within(1e-3));
            assertThat(levels.get(1).m()).isCloseTo(1 - M[c], within(1e-3));
            assertThat(levels.get(0).u()).isCloseTo(U[c], within(1e-9));
            assertThat(levels.get(0).trained()).isTrue();
        }
        var district = trained.comparisons().get(3).levels();
        assertThat(district.get(0).trained()).isFalse();
        assertThat(district.get(0).u()).isCloseTo(1e-4, within(1e-12));
        LinkageParameters.EmRun run = trained.training().get(0);
        assertThat(run.converged()).isTrue();
        assertThat(run.pairs()).isEqualTo(BLOCKED_PAIRS);
        assertThat(run.matchProportion()).isCloseTo(SHARE, within(1e-3));
    }

    @Test
    void withoutDeterministicRulesTheErrorSaysWhatToAdd() {
        LinkageModel noRules = LinkageModel.parse(
                YAML.replace("training: {deterministic_rules: [l.cccd = r.cccd], deterministic_recall: 0.5}\n", ""),
                Path.of("."));
        assertThatThrownBy(() -> Training.unsupervised(noRules, (r, c) -> false, RECORDS, RECORDS, new Mixture()))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("training.deterministic_rules is needed");
    }
}
