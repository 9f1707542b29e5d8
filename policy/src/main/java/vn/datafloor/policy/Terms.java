package vn.datafloor.policy;

import java.util.Optional;
import java.util.Set;

/** Namespaces and the short names of the terms this engine knows. */
final class Terms {

    static final String ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld";
    static final String ODRL_NS = "http://www.w3.org/ns/odrl/2/";
    static final String DF_PROFILE = "https://datafloor.vn/odrl/profile";
    static final String DF_NS = DF_PROFILE + "#";

    /** ODRL core left operands the evaluator understands. */
    static final Set<String> LEFT_OPERANDS = Set.of(
            "purpose",
            "dateTime",
            "elapsedTime",
            "spatial",
            "count",
            "recipient",
            "industry",
            "deliveryChannel",
            "payAmount",
            "df:dataClassification",
            "df:legalBasis",
            "df:crossBorder",
            "df:organisationKind");

    private Terms() {}

    /**
     * The short name of a term: {@code odrl:x} and the full ODRL IRI become {@code x}, the Datafloor profile's IRI
     * becomes {@code df:x}; anything else is returned unchanged.
     */
    static String compact(String term) {
        if (term.startsWith("odrl:")) {
            return term.substring("odrl:".length());
        }
        if (term.startsWith(ODRL_NS)) {
            return term.substring(ODRL_NS.length());
        }
        if (term.startsWith(DF_NS)) {
            return "df:" + term.substring(DF_NS.length());
        }
        return term;
    }

    /** Whether a string is an absolute IRI or a prefixed name other than odrl:/df: (kept as an unknown term). */
    static boolean isIri(String term) {
        int colon = term.indexOf(':');
        return colon > 0
                && term.substring(0, colon)
                        .chars()
                        .allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.');
    }

    /** A known short name, or the IRI kept as is; empty when the term is a bare word ODRL does not define. */
    static Optional<String> term(String raw, Set<String> known) {
        String compact = compact(raw);
        if (known.contains(compact) || isIri(compact)) {
            return Optional.of(compact);
        }
        return Optional.empty();
    }
}
