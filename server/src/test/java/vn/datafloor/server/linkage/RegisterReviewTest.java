package vn.datafloor.server.linkage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import vn.datafloor.server.linkage.RegisterReview.Adjustments;
import vn.datafloor.server.linkage.RegisterStore.Decision;

/** A steward's decisions outrank the model's clusters, oldest first. */
class RegisterReviewTest {

    @Test
    void aMatchJoinsTwoClustersAndANonMatchTakesTheSecondRecordOut() {
        Adjustments adjustments = RegisterReview.adjustments(
                List.of(new Decision("a", "b", true), new Decision("c", "d", false), new Decision("x", "gone", true)),
                Map.of("a", "A", "b", "B", "c", "C", "d", "C", "x", "X"));

        assertThat(adjustments.joined()).containsExactly(Map.entry("B", "A"));
        assertThat(adjustments.keptApart()).containsExactly("d");
    }

    @Test
    void aNonMatchSeesTheClustersAsEarlierDecisionsLeftThem() {
        // b leaves a's cluster; c was then no longer with b, so c stays.
        Adjustments adjustments = RegisterReview.adjustments(
                List.of(new Decision("a", "b", false), new Decision("b", "c", false)),
                Map.of("a", "K", "b", "K", "c", "K"));

        assertThat(adjustments.keptApart()).containsExactly("b");
    }
}
