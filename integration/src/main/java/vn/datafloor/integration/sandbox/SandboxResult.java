package vn.datafloor.integration.sandbox;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A sandbox answer: only noisy aggregates of groups that passed the threshold.
 *
 * @param columns the labels of the select list, in its order
 * @param rows one list per released group: grouping values as stored, counts as {@code Long}, sums
 *     and means as {@code BigDecimal} with the policy's precision
 * @param suppressedGroups how many groups were held back, itself noisy (it is computed from a noisy
 *     count of all groups, since the exact number of small groups would tell who is in them)
 * @param epsilonSpent what this answer cost
 * @param budget the agreement's budget after this answer, for the caller to persist
 */
public record SandboxResult(
        List<String> columns,
        List<List<Object>> rows,
        long suppressedGroups,
        BigDecimal epsilonSpent,
        PrivacyBudget budget) {

    public SandboxResult {
        columns = List.copyOf(columns);
        rows = rows.stream()
                .map(r -> Collections.unmodifiableList(new ArrayList<>(r)))
                .toList();
    }

    /** ε left for further answers under this agreement. */
    public BigDecimal remainingEpsilon() {
        return budget.remaining();
    }
}
