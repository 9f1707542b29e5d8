package vn.datafloor.policy;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The facts about the world a decision depends on, given by the caller so evaluation is a pure function: the time
 * now (from the caller's clock), when the agreement started (for {@code elapsedTime}), how often each rule or action
 * has been exercised already (for {@code count}: by rule uid, else by action) and which duties are fulfilled (by
 * duty uid or action).
 */
public record WorldState(Instant now, Instant agreementStart, Map<String, Long> counts, Set<String> fulfilled) {

    public WorldState {
        Objects.requireNonNull(now, "now");
        counts = Map.copyOf(counts);
        fulfilled = Set.copyOf(fulfilled);
    }

    public static WorldState at(Instant now) {
        return new WorldState(now, null, Map.of(), Set.of());
    }

    public WorldState startedAt(Instant start) {
        return new WorldState(now, start, counts, fulfilled);
    }

    public WorldState withCount(String ruleOrAction, long count) {
        Map<String, Long> more = new java.util.HashMap<>(counts);
        more.put(ruleOrAction, count);
        return new WorldState(now, agreementStart, more, fulfilled);
    }

    public WorldState withFulfilled(String dutyOrAction) {
        Set<String> more = new java.util.HashSet<>(fulfilled);
        more.add(dutyOrAction);
        return new WorldState(now, agreementStart, counts, more);
    }
}
