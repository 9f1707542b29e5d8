package vn.datafloor.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What someone asks to do: an action on a target asset by an assignee, with the facts the constraints may test,
 * keyed by left operand short name ({@code purpose}, {@code spatial}, {@code payAmount}, {@code df:crossBorder} ...).
 *
 * <p>An operand may carry several values: the first is the value itself, the rest what it is part of or an instance
 * of ({@code spatial: ["VN-HN", "VN"]}), which is how {@code isPartOf} and {@code isA} are decided without an
 * ontology. {@code payAmount} is in đồng.
 */
public record Request(String assignee, String action, String target, Map<String, List<String>> operands) {

    public Request {
        Objects.requireNonNull(action, "action");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        operands.forEach((k, v) -> copy.put(Terms.compact(k), List.copyOf(v)));
        operands = java.util.Collections.unmodifiableMap(copy);
    }

    public static Request of(String assignee, String action, String target) {
        return new Request(assignee, Terms.compact(action), target, Map.of());
    }

    /** This request with one more fact (values: the value, then what it is part of). */
    public Request with(String leftOperand, String... values) {
        Map<String, List<String>> more = new LinkedHashMap<>(operands);
        more.put(Terms.compact(leftOperand), List.of(values));
        return new Request(assignee, action, target, more);
    }
}
