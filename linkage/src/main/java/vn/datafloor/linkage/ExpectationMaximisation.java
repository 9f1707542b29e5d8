package vn.datafloor.linkage;

import java.util.List;
import vn.datafloor.linkage.LinkageModel.Comparison;

/**
 * EM for the m probabilities of Fellegi–Sunter over one blocking rule's pairs, with u held at the
 * values measured on random pairs. The engine has collapsed the pairs to distinct comparison vectors
 * with a count ({@link Training.Pattern}: a few hundred however many pairs, on any engine), so each
 * iteration is a pass over them here: the E step computes each vector's match probability, the M step
 * sums it per level.
 */
final class ExpectationMaximisation {

    record Result(double[][] m, double lambda, int iterations, boolean converged) {}

    private static final double FLOOR = 1e-6;

    private final List<Comparison> comparisons;
    private final List<Integer> used;
    private final List<Training.Pattern> patterns;
    private final double[][] u;
    private final int maxIterations;
    private final double tolerance;

    ExpectationMaximisation(
            List<Comparison> comparisons,
            List<Integer> used,
            List<Training.Pattern> patterns,
            double[][] u,
            int maxIterations,
            double tolerance) {
        this.comparisons = comparisons;
        this.used = used;
        this.patterns = patterns;
        this.u = u;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /** Starting m: most matches agree exactly, a few fall in the fuzzy levels, fewer still in "else". */
    static double[] initialM(int levels) {
        double[] m = new double[levels];
        if (levels == 1) {
            m[0] = 1;
            return m;
        }
        m[0] = 0.85;
        m[levels - 1] = 0.05;
        for (int k = 1; k < levels - 1; k++) {
            m[k] = 0.10 / (levels - 2);
        }
        if (levels == 2) {
            m[0] = 0.95;
        }
        return m;
    }

    Result run(double startLambda) {
        double[][] m = new double[comparisons.size()][];
        for (int c : used) {
            m[c] = initialM(comparisons.get(c).levels().size() + 1);
        }
        double lambda = startLambda;
        int iteration = 0;
        boolean converged = false;
        while (iteration < maxIterations && !converged) {
            iteration++;
            double[][] sums = new double[comparisons.size()][];
            for (int c : used) {
                sums[c] = new double[m[c].length];
            }
            double newLambda = step(m, lambda, sums);
            double change = Math.abs(newLambda - lambda);
            for (int c : used) {
                double total = 0;
                for (double v : sums[c]) {
                    total += v;
                }
                if (total <= 0) {
                    continue; // no expected matches saw this field: keep the previous m
                }
                double norm = 0;
                double[] next = new double[m[c].length];
                for (int k = 0; k < next.length; k++) {
                    next[k] = Math.max(sums[c][k] / total, FLOOR);
                    norm += next[k];
                }
                for (int k = 0; k < next.length; k++) {
                    next[k] /= norm;
                    change = Math.max(change, Math.abs(next[k] - m[c][k]));
                }
                m[c] = next;
            }
            lambda = Math.min(Math.max(newLambda, FLOOR), 1 - FLOOR);
            converged = change < tolerance;
        }
        return new Result(m, lambda, iteration, converged);
    }

    /**
     * One E+M step: p = 1 / (1 + 2^−(log2 λ/(1−λ) + Σ log2 m/u)) per vector (a null level adds
     * nothing), then Σ n·p per comparison level into {@code sums}; returns Σ n·p / Σ n, the new λ.
     */
    private double step(double[][] m, double lambda, double[][] sums) {
        double[][] weights = new double[comparisons.size()][];
        for (int c : used) {
            weights[c] = new double[m[c].length];
            for (int k = 0; k < m[c].length; k++) {
                weights[c][k] = log2(m[c][k] / u[c][k]);
            }
        }
        double prior = log2(lambda / (1 - lambda));
        double expected = 0;
        double pairs = 0;
        for (Training.Pattern pattern : patterns) {
            int[] levels = pattern.levels();
            double weight = prior;
            for (int j = 0; j < used.size(); j++) {
                int level = levels[j];
                if (level >= 0 && level < weights[used.get(j)].length) {
                    weight += weights[used.get(j)][level];
                }
            }
            double n = pattern.count();
            double np = n / (1.0 + Math.pow(2.0, -weight));
            for (int j = 0; j < used.size(); j++) {
                int level = levels[j];
                if (level >= 0 && level < sums[used.get(j)].length) {
                    sums[used.get(j)][level] += np;
                }
            }
            expected += np;
            pairs += n;
        }
        return pairs == 0 ? lambda : expected / pairs;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
