package vn.datafloor.linkage;

import java.util.List;

/**
 * One candidate pair with its match weight explained: {@code priorWeight} plus the sum of the
 * contributions equals {@code matchWeight}; probability = 1 / (1 + 2^−weight).
 */
public record ScoredPair(
        String leftSource,
        String leftId,
        String rightSource,
        String rightId,
        double priorWeight,
        List<Contribution> contributions,
        double matchWeight,
        double matchProbability) {

    /** One comparison's share of the weight; level "null" contributes 0 (no evidence either way). */
    public record Contribution(String comparison, String level, double weight) {}

    public ScoredPair {
        contributions = List.copyOf(contributions);
    }
}
