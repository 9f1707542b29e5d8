package vn.datafloor.integration.sandbox;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The privacy budget of one agreement: the total ε its sandbox answers may spend, and what they
 * have spent. Kept in millionths of ε ({@code long}), so spending is exact and a thousand small
 * answers add up to exactly what they cost, with no floating-point drift that a long series of
 * queries could exploit. A value: {@link #spend} returns the new state, which the caller persists
 * (with the old state as the expected one, so two concurrent answers cannot both spend the same
 * remainder).
 */
public record PrivacyBudget(long totalMicroEpsilon, long spentMicroEpsilon) {

    public PrivacyBudget {
        if (totalMicroEpsilon < 0 || spentMicroEpsilon < 0 || spentMicroEpsilon > totalMicroEpsilon) {
            throw new IllegalArgumentException("a budget spends between 0 and its total");
        }
    }

    /** A fresh budget of {@code totalEpsilon} (at most six decimals), nothing spent. */
    public static PrivacyBudget of(BigDecimal totalEpsilon) {
        return new PrivacyBudget(microEpsilon(totalEpsilon), 0);
    }

    /** ε in millionths; refuses negative values and more than six decimals rather than rounding. */
    public static long microEpsilon(BigDecimal epsilon) {
        if (epsilon.signum() < 0) {
            throw new IllegalArgumentException("epsilon must not be negative");
        }
        try {
            return epsilon.movePointRight(6).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("epsilon has more than six decimals or is too large", e);
        }
    }

    /** Millionths of ε back to ε. */
    public static BigDecimal epsilon(long microEpsilon) {
        return BigDecimal.valueOf(microEpsilon, 6).setScale(6, RoundingMode.UNNECESSARY);
    }

    public long remainingMicroEpsilon() {
        return totalMicroEpsilon - spentMicroEpsilon;
    }

    public BigDecimal remaining() {
        return epsilon(remainingMicroEpsilon());
    }

    public BigDecimal spent() {
        return epsilon(spentMicroEpsilon);
    }

    public boolean canSpend(long microEpsilon) {
        return microEpsilon >= 0 && microEpsilon <= remainingMicroEpsilon();
    }

    /**
     * The budget after spending {@code microEpsilon}.
     *
     * @throws SandboxException {@code sandbox.budget} when that would spend more than remains
     */
    public PrivacyBudget spend(long microEpsilon) {
        if (microEpsilon < 0) {
            throw new IllegalArgumentException("a cost is not negative");
        }
        if (!canSpend(microEpsilon)) {
            throw new SandboxException(
                    "sandbox.budget",
                    "The privacy budget of this agreement is spent: this query needs ε "
                            + epsilon(microEpsilon).stripTrailingZeros().toPlainString() + ", "
                            + remaining().stripTrailingZeros().toPlainString() + " remains");
        }
        return new PrivacyBudget(totalMicroEpsilon, spentMicroEpsilon + microEpsilon);
    }
}
