package vn.datafloor.integration.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The mechanism's samples against the exact discrete Laplace law. Seed-free (a real
 * {@link SecureRandom}, as in production) with many samples and thresholds at about six standard
 * deviations or a false-alarm probability of 10⁻⁹, so the tests fail for a wrong sampler and
 * practically never for a right one.
 */
class DiscreteLaplaceTest {

    private static final int SAMPLES = 200_000;

    /** Upper quantile of the standard normal at 10⁻⁹. */
    private static final double Z_1E9 = 5.998;

    private final DiscreteLaplace mechanism = new DiscreteLaplace(new SecureRandom());

    /** e^{-ε/Δ}, the ratio of neighbouring probabilities. */
    private static double alpha(long sensitivity, long microEpsilon) {
        return Math.exp(-(double) microEpsilon / (sensitivity * (double) DiscreteLaplace.MICROS));
    }

    /** The exact probability mass at {@code z}. */
    private static double pmf(long z, double alpha) {
        return (1 - alpha) / (1 + alpha) * Math.pow(alpha, (double) Math.abs(z));
    }

    private Map<Long, Integer> histogram(DiscreteLaplace source, long sensitivity, long microEpsilon, int n) {
        Map<Long, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(source.sample(sensitivity, microEpsilon), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Pearson's statistic against the exact pmf, the outer bins pooled into two tails so every bin
     * expects at least 20 samples; returns {statistic, degrees of freedom}.
     */
    private static double[] chiSquare(Map<Long, Integer> counts, int n, double alpha) {
        long edge = 0;
        while (n * pmf(edge + 1, alpha) >= 20) {
            edge++;
        }
        double tail = n * Math.pow(alpha, (double) (edge + 1)) / (1 + alpha); // P[Z > edge] = α^{edge+1}/(1+α)
        double statistic = 0;
        int bins = 0;
        for (long z = -edge; z <= edge; z++) {
            double expected = n * pmf(z, alpha);
            double observed = counts.getOrDefault(z, 0);
            statistic += (observed - expected) * (observed - expected) / expected;
            bins++;
        }
        long lowTail = 0;
        long highTail = 0;
        for (Map.Entry<Long, Integer> e : counts.entrySet()) {
            if (e.getKey() < -edge) {
                lowTail += e.getValue();
            } else if (e.getKey() > edge) {
                highTail += e.getValue();
            }
        }
        statistic += (lowTail - tail) * (lowTail - tail) / tail + (highTail - tail) * (highTail - tail) / tail;
        bins += 2;
        return new double[] {statistic, bins - 1};
    }

    /** Wilson–Hilferty: the chi-square quantile with false-alarm probability 10⁻⁹. */
    private static double critical(double df) {
        double c = 2 / (9 * df);
        return df * Math.pow(1 - c + Z_1E9 * Math.sqrt(c), 3);
    }

    @Test
    void samplesFollowTheExactPmf() {
        long sensitivity = 1;
        long microEpsilon = 500_000; // ε = 0.5
        double alpha = alpha(sensitivity, microEpsilon);
        double[] chi = chiSquare(histogram(mechanism, sensitivity, microEpsilon, SAMPLES), SAMPLES, alpha);

        assertThat(chi[1]).isGreaterThan(20); // the test looks at the shape, not at three bins
        assertThat(chi[0]).isLessThan(critical(chi[1]));
    }

    @Test
    void theGoodnessOfFitTestNoticesASlightlyWrongScale() {
        // Power check of the test above: samples at ε = 0.6 judged against the pmf of ε = 0.5.
        double alpha = alpha(1, 500_000);
        double[] chi = chiSquare(histogram(mechanism, 1, 600_000, SAMPLES), SAMPLES, alpha);

        assertThat(chi[0]).isGreaterThan(critical(chi[1]));
    }

    @Test
    void neighbouringValuesAreEToTheEpsilonApart() {
        // ε = 1, Δ = 1: P[Z = k] / P[Z = k + 1] = e, the privacy guarantee itself.
        Map<Long, Integer> counts = histogram(mechanism, 1, 1_000_000, SAMPLES);

        for (long k = -2; k <= 2; k++) {
            long next = k >= 0 ? k + 1 : k - 1;
            double ratio = (double) counts.get(k) / counts.get(next);
            assertThat(ratio).as("P[%d]/P[%d]", k, next).isCloseTo(Math.E, within(Math.E * 0.2));
        }
        // and symmetric around zero
        for (long k = 1; k <= 3; k++) {
            double ratio = (double) counts.get(k) / counts.get(-k);
            assertThat(ratio).as("P[%d]/P[-%d]", k, k).isCloseTo(1.0, within(0.15));
        }
    }

    @Test
    void meanIsZeroAndVarianceIsTheoreticalAtALargeScale() {
        // Δ = 1000, ε = 0.1: scale 10⁴, the regime of sums over bounded money values.
        long sensitivity = 1000;
        long microEpsilon = 100_000;
        double alpha = alpha(sensitivity, microEpsilon);
        double variance = 2 * alpha / ((1 - alpha) * (1 - alpha));
        int n = SAMPLES;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            double x = mechanism.sample(sensitivity, microEpsilon);
            sum += x;
            sumSquares += x * x;
        }
        double mean = sum / n;
        double sampleVariance = sumSquares / n - mean * mean;

        assertThat(mean).isCloseTo(0.0, within(6 * Math.sqrt(variance / n)));
        // Laplace kurtosis is 6: the sample variance's relative error is about sqrt(5/n) ≈ 0.5%.
        assertThat(sampleVariance / variance).isCloseTo(1.0, within(0.04));
    }

    @Test
    void meanAndVarianceAtUnitScale() {
        double alpha = alpha(1, 1_000_000);
        double variance = 2 * alpha / ((1 - alpha) * (1 - alpha));
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < SAMPLES; i++) {
            double x = mechanism.sample(1, 1_000_000);
            sum += x;
            sumSquares += x * x;
        }
        double mean = sum / SAMPLES;

        assertThat(mean).isCloseTo(0.0, within(6 * Math.sqrt(variance / SAMPLES)));
        assertThat((sumSquares / SAMPLES - mean * mean) / variance).isCloseTo(1.0, within(0.04));
    }

    @Test
    void bernoulliOfExpMinusGammaHasTheRightRate() {
        // γ = 3/2 goes through both branches of CKS Algorithm 1 (the whole part and the fraction).
        int hits = 0;
        for (int i = 0; i < SAMPLES; i++) {
            if (mechanism.bernoulliExp(3, 2)) {
                hits++;
            }
        }
        double p = Math.exp(-1.5);
        assertThat((double) hits / SAMPLES).isCloseTo(p, within(6 * Math.sqrt(p * (1 - p) / SAMPLES)));
    }

    @Test
    void refusesMeaninglessParameters() {
        assertThatThrownBy(() -> mechanism.sample(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mechanism.sample(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> mechanism.sample(Long.MAX_VALUE / 10, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
