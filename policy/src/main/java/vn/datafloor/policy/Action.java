package vn.datafloor.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An action: an ODRL core term by its short name ({@code use}), a Datafloor term ({@code df:...}) or any other IRI,
 * kept as written. {@code refinements} narrow the action (ODRL's action refinement).
 */
public record Action(String name, List<Constraint> refinements) {

    /** The ODRL 2.2 core vocabulary actions this engine knows by name. */
    static final Set<String> KNOWN = Set.of(
            "use",
            "transfer",
            "acceptTracking",
            "aggregate",
            "annotate",
            "anonymize",
            "archive",
            "attribute",
            "compensate",
            "concurrentUse",
            "delete",
            "derive",
            "digitize",
            "display",
            "distribute",
            "ensureExclusivity",
            "execute",
            "extract",
            "give",
            "grantUse",
            "include",
            "index",
            "inform",
            "install",
            "modify",
            "move",
            "nextPolicy",
            "obtainConsent",
            "play",
            "present",
            "print",
            "read",
            "reproduce",
            "reviewPolicy",
            "sell",
            "stream",
            "synchronize",
            "textToSpeech",
            "transform",
            "translate",
            "uninstall",
            "watermark");

    /**
     * ODRL 2.2 puts {@code give} and {@code sell} under {@code transfer}; every other core action except
     * {@code transfer} itself is included in {@code use}. Finer "includedIn" links are left out on purpose: a wrong
     * link would widen a permission.
     */
    private static final Map<String, String> PARENT = Map.of("give", "transfer", "sell", "transfer");

    public Action {
        Objects.requireNonNull(name, "name");
        refinements = List.copyOf(refinements);
    }

    public static Action of(String name) {
        return new Action(name, List.of());
    }

    public boolean known() {
        return KNOWN.contains(name);
    }

    /**
     * Whether permitting or prohibiting this action covers {@code requested}: the same action, or one the
     * vocabulary includes in it. Unknown actions only match themselves.
     */
    public boolean includes(String requested) {
        String current = requested;
        for (int hops = 0; current != null && hops < 8; hops++) {
            if (current.equals(name)) {
                return true;
            }
            String parent = PARENT.get(current);
            if (parent == null && KNOWN.contains(current) && !current.equals("use") && !current.equals("transfer")) {
                parent = "use";
            }
            current = parent;
        }
        return false;
    }
}
