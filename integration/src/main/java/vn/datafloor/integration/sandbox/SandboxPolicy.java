package vn.datafloor.integration.sandbox;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the agreement's sandbox allows, set by trusted code (the server takes it from the offer and
 * the dataset's profile), never by the buyer.
 *
 * @param table the contracted table's name, the only one a query may read
 * @param subjectColumn the column identifying the person a row is about: the unit of privacy
 * @param minimumGroupSize k: groups whose noisy number of persons is below it are suppressed
 * @param maxPartitionsContributed the most groups one person's rows may count in, per query
 * @param maxContributionsPerPartition the most rows of one person counted in one group
 * @param bounds per column, the interval its values are clamped to before SUM and AVG; a column
 *     without bounds cannot be summed or averaged
 * @param precision decimal digits kept of summed values (fixed point: values are scaled by
 *     10^precision to integers, so noise on sums stays discrete)
 * @param epsilonPerQuery the ε every answer spends (split among its aggregates)
 */
public record SandboxPolicy(
        String table,
        String subjectColumn,
        int minimumGroupSize,
        int maxPartitionsContributed,
        int maxContributionsPerPartition,
        Map<String, Bounds> bounds,
        int precision,
        BigDecimal epsilonPerQuery) {

    /** k when the offer sets none. */
    public static final int DEFAULT_MINIMUM_GROUP_SIZE = 10;

    /**
     * δ of the release of group keys: the chance that a group only one person is in (a key only
     * they could have revealed) passes the threshold. Grouped queries raise k to the smallest
     * threshold with that chance, as Google's partition selection does.
     */
    public static final double SELECTION_DELTA = 1e-6;

    /** Largest scaled bound |bound| · 10^precision, so every sensitivity fits the exact sampler. */
    static final long MAX_SCALED_BOUND = 1_000_000_000_000L;

    /** Largest sensitivity the exact sampler takes: Δ·10⁶ must fit in a long. */
    static final long MAX_SENSITIVITY = Long.MAX_VALUE / DiscreteLaplace.MICROS;

    /** The interval a column's values are clamped to; both ends have at most {@code precision} decimals. */
    public record Bounds(BigDecimal lower, BigDecimal upper) {
        public Bounds {
            if (lower.compareTo(upper) > 0) {
                throw new IllegalArgumentException("lower bound above upper bound");
            }
        }
    }

    public SandboxPolicy {
        if (table == null || table.isBlank() || subjectColumn == null || subjectColumn.isBlank()) {
            throw new IllegalArgumentException("a sandbox needs its table and subject column");
        }
        if (minimumGroupSize < 1 || maxPartitionsContributed < 1 || maxContributionsPerPartition < 1) {
            throw new IllegalArgumentException("k and contribution bounds must be at least 1");
        }
        if (maxPartitionsContributed > 1000 || maxContributionsPerPartition > 1000) {
            throw new IllegalArgumentException("contribution bounds above 1000 leave no useful answer");
        }
        if (precision < 0 || precision > 6) {
            throw new IllegalArgumentException("precision must be 0 to 6 decimals");
        }
        long micro = PrivacyBudget.microEpsilon(epsilonPerQuery);
        if (micro <= 0) {
            throw new IllegalArgumentException("epsilon per query must be positive");
        }
        Map<String, Bounds> normalized = new LinkedHashMap<>();
        for (Map.Entry<String, Bounds> entry : bounds.entrySet()) {
            for (BigDecimal end :
                    new BigDecimal[] {entry.getValue().lower(), entry.getValue().upper()}) {
                BigDecimal scaled = end.movePointRight(precision);
                if (scaled.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException(
                            "bounds of " + entry.getKey() + " have more decimals than the precision");
                }
                if (scaled.abs().compareTo(BigDecimal.valueOf(MAX_SCALED_BOUND)) > 0) {
                    throw new IllegalArgumentException("bounds of " + entry.getKey() + " are too wide");
                }
            }
            // the largest sensitivity this column gives (a sum's max |bound|, a mean's width), per person
            BigDecimal lower = entry.getValue().lower().movePointRight(precision);
            BigDecimal upper = entry.getValue().upper().movePointRight(precision);
            BigDecimal widest = lower.abs().max(upper.abs()).max(upper.subtract(lower));
            BigDecimal perPerson =
                    widest.multiply(BigDecimal.valueOf((long) maxPartitionsContributed * maxContributionsPerPartition));
            if (perPerson.compareTo(BigDecimal.valueOf(MAX_SENSITIVITY)) > 0) {
                throw new IllegalArgumentException(
                        "bounds of " + entry.getKey() + " are too wide for exact noise with these contribution bounds");
            }
            normalized.put(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue());
        }
        bounds = Map.copyOf(normalized);
    }

    /** A policy with k = 10, one group and one row per person, two decimals. */
    public static SandboxPolicy of(
            String table, String subjectColumn, Map<String, Bounds> bounds, BigDecimal epsilonPerQuery) {
        return new SandboxPolicy(table, subjectColumn, DEFAULT_MINIMUM_GROUP_SIZE, 1, 1, bounds, 2, epsilonPerQuery);
    }

    /** The bounds of a column (any case), or null. */
    Bounds boundsOf(String column) {
        return bounds.get(column.toLowerCase(Locale.ROOT));
    }

    long epsilonPerQueryMicros() {
        return PrivacyBudget.microEpsilon(epsilonPerQuery);
    }

    /** A bound in fixed point: value · 10^precision, exact. */
    long scaled(BigDecimal value) {
        return value.movePointRight(precision).longValueExact();
    }
}
