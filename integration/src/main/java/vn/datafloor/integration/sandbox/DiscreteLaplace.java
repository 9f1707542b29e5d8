package vn.datafloor.integration.sandbox;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * The discrete Laplace (two-sided geometric) mechanism: integer noise {@code Z} with
 * {@code P[Z = z] ∝ exp(-|z| · ε / Δ)}, which makes an integer query of L1 sensitivity {@code Δ}
 * ε-differentially private (Ghosh, Roughgarden, Sundararajan 2009).
 *
 * <p>Sampled exactly, as Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
 * Privacy" (NeurIPS 2020), Algorithm 1 (Bernoulli(exp(-γ)) for rational γ) and Algorithm 2
 * (discrete Laplace of rational scale {@code t/s}): only uniform integers and rational comparisons,
 * no floating point. Floating-point Laplace noise leaks the exact value through the pattern of
 * representable doubles (Mironov, CCS 2012); integer noise on integer aggregates has no such holes.
 *
 * <p>ε is given in micro-units ({@code s = microEpsilon}) and the scale is {@code Δ/ε =
 * Δ·10⁶/microEpsilon = t/s}, so every quantity the sampler touches is an exact integer.
 */
public final class DiscreteLaplace implements NoiseSource {

    /** ε is counted in millionths. */
    static final long MICROS = 1_000_000L;

    private final RandomGenerator random;

    /** Noise from a fresh {@link SecureRandom}: the only choice for answers. */
    public DiscreteLaplace() {
        this(new SecureRandom());
    }

    /** Noise from the given source; tests may pass any generator, answers need a {@link SecureRandom}. */
    public DiscreteLaplace(RandomGenerator random) {
        this.random = random;
    }

    /**
     * One sample of noise for a query of integer L1 sensitivity {@code sensitivity} released with
     * {@code microEpsilon / 10⁶} of privacy budget.
     *
     * @throws IllegalArgumentException when the sensitivity or ε is not positive, or their scale
     *     {@code sensitivity · 10⁶} does not fit in a long
     */
    @Override
    public long sample(long sensitivity, long microEpsilon) {
        if (sensitivity <= 0 || microEpsilon <= 0) {
            throw new IllegalArgumentException("sensitivity and epsilon must be positive");
        }
        long t;
        try {
            t = Math.multiplyExact(sensitivity, MICROS);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("sensitivity too large for exact noise", e);
        }
        return sampleScale(t, microEpsilon);
    }

    /**
     * CKS Algorithm 2: a sample of the discrete Laplace with scale {@code t/s}, that is
     * {@code P[Z = z] = (1 - e^{-s/t}) / (1 + e^{-s/t}) · e^{-|z|·s/t}}.
     */
    long sampleScale(long t, long s) {
        while (true) {
            long u = random.nextLong(t);
            if (!bernoulliExp(u, t)) {
                continue;
            }
            long v = 0;
            while (bernoulliExp(1, 1)) {
                v++;
            }
            // X = U + t·V is geometric with parameter e^{-1/t}; Y = ⌊X/s⌋ is geometric with e^{-s/t}.
            BigInteger x = BigInteger.valueOf(t).multiply(BigInteger.valueOf(v)).add(BigInteger.valueOf(u));
            long y = x.divide(BigInteger.valueOf(s)).longValueExact();
            boolean negative = random.nextBoolean();
            if (negative && y == 0) {
                continue;
            }
            return negative ? -y : y;
        }
    }

    /** CKS Algorithm 1: true with probability exp(-n/d), for integers n ≥ 0, d ≥ 1. */
    boolean bernoulliExp(long n, long d) {
        long whole = n / d;
        for (long i = 0; i < whole; i++) {
            if (!bernoulliExpAtMostOne(1, 1)) {
                return false;
            }
        }
        return bernoulliExpAtMostOne(n % d, d);
    }

    /**
     * exp(-γ) for γ = n/d in [0, 1]: K is one more than the run of successes of Bernoulli(γ/k),
     * so P[K > k] = γ^k/k! and P[K odd] = Σ (-γ)^j/j! = e^{-γ}.
     */
    private boolean bernoulliExpAtMostOne(long n, long d) {
        long k = 1;
        // Bernoulli(γ/k) as Bernoulli(n/d) and Bernoulli(1/k), so d·k never overflows.
        while (bernoulli(n, d) && bernoulli(1, k)) {
            k++;
        }
        return k % 2 == 1;
    }

    /** True with probability n/d, exactly. */
    private boolean bernoulli(long n, long d) {
        return random.nextLong(d) < n;
    }
}
