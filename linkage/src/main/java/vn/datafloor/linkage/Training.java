package vn.datafloor.linkage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import vn.datafloor.linkage.LinkageModel.Comparison;
import vn.datafloor.linkage.LinkageParameters.ComparisonParameters;
import vn.datafloor.linkage.LinkageParameters.EmRun;
import vn.datafloor.linkage.LinkageParameters.LevelParameters;

/**
 * Unsupervised training (docs/linkage.md, "Training") from what an engine measures: the count of the
 * deterministic rules' pairs (λ), the comparison levels of seeded random pairs (u), and each EM rule's
 * distinct comparison vectors with their counts (m, by EM with u held fixed). The measuring is the
 * engine's, on all the records where they are ({@link Linker} in DuckDB, the Spark linker on a
 * cluster); everything from these aggregates on is here, so both engines train to the same parameters.
 */
public final class Training {

    private static final double MIN_PROBABILITY = 1e-6;

    /** The smoothing of m from labelled matches: a level no labelled match falls in keeps a small m. */
    static final double LABEL_SMOOTHING = 0.5;

    private Training() {}

    /** The aggregates an engine measures over its records for training. */
    public interface Measurements {

        /** Distinct pairs found by the union of {@code training.deterministic_rules}. */
        long deterministicPairs(List<String> rules);

        /**
         * Counts per comparison (in the model's order) and level (0 … levels, "else" last) among the
         * cross product of the first {@code leftRows} and {@code rightRows} records of each side in the
         * order of {@link #SAMPLE_ORDER}, a record never paired with itself; pairs whose level is null
         * are not counted.
         */
        long[][] randomPairLevels(long leftRows, long rightRows, long seed);

        /** Candidate pairs that EM rule {@code rule} (an index into the EM rules) produces. */
        long emPairs(int rule);

        /** That rule's candidate pairs as distinct vectors of the {@code used} comparisons' levels, with counts. */
        List<Pattern> emPatterns(int rule, List<Integer> used);
    }

    /**
     * The order that picks random records, the same on every engine: the MD5 of the record's number
     * and the seed as text ({@code <_rid>:<seed>}), then the number. An engine's own hash would pick
     * other records on another engine.
     */
    public static final String SAMPLE_ORDER = "md5 of '<_rid>:<seed>', then _rid";

    /** One distinct comparison vector: a level per used comparison ({@code -1} for null) and how many pairs have it. */
    public record Pattern(int[] levels, long count) {}

    /** The EM blocking rules: {@code training.em_blocking_rules}, else the blocking rules. */
    public static List<String> emRules(LinkageModel model) {
        return model.training().emBlockingRules().isEmpty()
                ? model.blockingRules()
                : model.training().emBlockingRules();
    }

    public static double totalPairs(LinkageModel model, long leftCount, long rightCount) {
        return model.mode() == LinkageModel.Mode.LINK
                ? leftCount * (double) rightCount
                : leftCount * (leftCount - 1) / 2.0;
    }

    /**
     * Trains λ, u and m without labels, over {@code leftCount} and {@code rightCount} records on each side
     * (the same records twice when deduplicating). {@code decides} tells whether a rule decides a comparison (names
     * its column or one computed from the same file column): such a comparison is left out of that
     * rule's EM run, because the rule's pairs agree on it by construction.
     */
    public static LinkageParameters unsupervised(
            LinkageModel model,
            BiPredicate<String, Comparison> decides,
            long leftCount,
            long rightCount,
            Measurements data) {
        List<Comparison> comparisons = model.comparisons();
        double total = totalPairs(model, leftCount, rightCount);
        double lambda = lambda(model, data, total);
        double[][] u = u(model, data, leftCount, rightCount);
        double[][] mSum = new double[comparisons.size()][];
        int[] runsPerComparison = new int[comparisons.size()];
        for (int c = 0; c < comparisons.size(); c++) {
            mSum[c] = new double[comparisons.get(c).levels().size() + 1];
        }
        List<EmRun> runs = new ArrayList<>();
        List<String> emRules = emRules(model);
        for (int i = 0; i < emRules.size(); i++) {
            List<Integer> used = new ArrayList<>();
            for (int c = 0; c < comparisons.size(); c++) {
                if (!decides.test(emRules.get(i), comparisons.get(c))) {
                    used.add(c);
                }
            }
            long pairs = data.emPairs(i);
            if (used.isEmpty() || pairs == 0) {
                runs.add(new EmRun(emRules.get(i), pairs, 0, false, 0));
                continue;
            }
            double start = Math.min(0.9, Math.max(1e-4, lambda * total / pairs));
            ExpectationMaximisation.Result result = new ExpectationMaximisation(
                            comparisons,
                            used,
                            data.emPatterns(i, used),
                            u,
                            model.training().maxIterations(),
                            model.training().tolerance())
                    .run(start);
            runs.add(new EmRun(emRules.get(i), pairs, result.iterations(), result.converged(), result.lambda()));
            for (int c : used) {
                runsPerComparison[c]++;
                for (int k = 0; k < mSum[c].length; k++) {
                    mSum[c][k] += result.m()[c][k];
                }
            }
        }
        List<ComparisonParameters> parameters = new ArrayList<>();
        for (int c = 0; c < comparisons.size(); c++) {
            Comparison comparison = comparisons.get(c);
            boolean trained = runsPerComparison[c] > 0;
            double[] m = trained
                    ? mSum[c]
                    : ExpectationMaximisation.initialM(comparison.levels().size() + 1);
            List<LevelParameters> levels = new ArrayList<>();
            for (int k = 0; k < m.length; k++) {
                String label = k < comparison.levels().size()
                        ? comparison.levels().get(k).label()
                        : "else";
                double mk = trained ? m[k] / runsPerComparison[c] : m[k];
                levels.add(new LevelParameters(label, Math.max(mk, MIN_PROBABILITY), u[c][k], trained));
            }
            parameters.add(new ComparisonParameters(comparison.name(), levels));
        }
        return new LinkageParameters(model.name(), lambda, parameters, runs);
    }

    /** λ = pairs found by the deterministic rules ÷ their assumed recall ÷ all possible pairs, at most ½. */
    public static double lambda(LinkageModel model, Measurements data, double totalPairs) {
        List<String> rules = model.training().deterministicRules();
        if (rules.isEmpty()) {
            throw new LinkageException(
                    "training.deterministic_rules is needed to estimate the proportion of "
                            + "matches, e.g. [\"l.cccd = r.cccd\"], unless training.labelled_pairs names a file of labelled pairs");
        }
        long found = data.deterministicPairs(rules);
        if (found == 0) {
            throw new LinkageException("The deterministic rules " + rules + " match no pair, so the proportion of "
                    + "matches cannot be estimated; use a rule that some true matches satisfy");
        }
        return Math.min(0.5, found / model.training().deterministicRecall() / totalPairs);
    }

    /**
     * u = P(level | non-match), measured on random pairs (almost all random pairs are non-matches):
     * √N records a side crossed give the N pairs of {@code training.u_sample_pairs}.
     */
    public static double[][] u(LinkageModel model, Measurements data, long leftCount, long rightCount) {
        long target = Math.max(1, model.training().uSamplePairs());
        long leftRows = Math.min(leftCount, (long) Math.ceil(Math.sqrt(target)));
        long rightRows = Math.min(rightCount, (long) Math.ceil(target / (double) leftRows));
        long[][] counts =
                data.randomPairLevels(leftRows, rightRows, model.training().seed());
        List<Comparison> comparisons = model.comparisons();
        double[][] u = new double[comparisons.size()][];
        for (int c = 0; c < comparisons.size(); c++) {
            int levels = comparisons.get(c).levels().size() + 1;
            long total = 0;
            for (long n : counts[c]) {
                total += n;
            }
            u[c] = new double[levels];
            for (int k = 0; k < levels; k++) {
                // A level never seen among random pairs gets the weight of one observation, not infinity.
                u[c][k] = Math.max(counts[c][k], 1) / (double) Math.max(total, 1);
            }
        }
        return u;
    }

    /** Refuses labelled pairs without a match: m cannot be estimated from them. */
    public static void requireMatches(java.nio.file.Path file, long matches) {
        if (matches == 0) {
            throw new LinkageException("Labelled pairs " + file + ": no pair has is_match true, so m cannot be "
                    + "estimated; label some pairs of records that are the same entity");
        }
    }

    /** λ = (matches ÷ labelled pairs, among labelled candidate pairs) × candidate pairs ÷ all possible pairs. */
    public static double lambdaFromLabels(
            java.nio.file.Path file,
            long labelledCandidates,
            long matchingCandidates,
            long candidates,
            double totalPairs) {
        if (matchingCandidates == 0) {
            throw new LinkageException("Labelled pairs " + file + ": "
                    + (labelledCandidates == 0
                            ? "none of the labelled pairs is a candidate pair of the blocking rules"
                            : "no labelled candidate pair is a match")
                    + ", so the share of matches among candidates cannot be estimated; label a sample of the "
                    + "candidate pairs, or give training.deterministic_rules");
        }
        double lambda = matchingCandidates / (double) labelledCandidates * candidates / totalPairs;
        return Math.min(0.5, Math.max(MIN_PROBABILITY, lambda));
    }

    /**
     * The parameters from labelled pairs: m per level = (labelled matches at that level + α) ÷ (labelled
     * matches with both values + α·levels), from {@code matchLevels} (per comparison, the labelled matches
     * at each level, nulls not counted); a comparison no labelled match has both values of keeps its
     * starting m.
     */
    public static LinkageParameters fromLabels(
            LinkageModel model,
            java.nio.file.Path file,
            long labelled,
            long matches,
            double lambda,
            double[][] u,
            long[][] matchLevels) {
        List<ComparisonParameters> parameters = new ArrayList<>();
        List<Comparison> comparisons = model.comparisons();
        for (int c = 0; c < comparisons.size(); c++) {
            Comparison comparison = comparisons.get(c);
            int levels = comparison.levels().size() + 1;
            long total = 0;
            for (long n : matchLevels[c]) {
                total += n;
            }
            boolean trained = total > 0;
            double[] initial = ExpectationMaximisation.initialM(levels);
            List<LevelParameters> levelParameters = new ArrayList<>();
            for (int k = 0; k < levels; k++) {
                String label = k < comparison.levels().size()
                        ? comparison.levels().get(k).label()
                        : "else";
                double m = trained
                        ? (matchLevels[c][k] + LABEL_SMOOTHING) / (total + LABEL_SMOOTHING * levels)
                        : initial[k];
                levelParameters.add(new LevelParameters(label, Math.max(m, MIN_PROBABILITY), u[c][k], trained));
            }
            parameters.add(new ComparisonParameters(comparison.name(), levelParameters));
        }
        EmRun run = new EmRun("labelled pairs " + file.getFileName(), labelled, 0, true, matches / (double) labelled);
        return new LinkageParameters(model.name(), lambda, parameters, List.of(run));
    }
}
