package vn.datafloor.policy;

import java.util.Optional;

/** The ODRL 2.2 core operators. An operator not in this list is kept as an IRI and never satisfied. */
public enum Operator {
    EQ("eq"),
    NEQ("neq"),
    LT("lt"),
    LTEQ("lteq"),
    GT("gt"),
    GTEQ("gteq"),
    IS_A("isA"),
    IS_ANY_OF("isAnyOf"),
    IS_NONE_OF("isNoneOf"),
    IS_ALL_OF("isAllOf"),
    IS_PART_OF("isPartOf"),
    HAS_PART("hasPart");

    private final String term;

    Operator(String term) {
        this.term = term;
    }

    public String term() {
        return term;
    }

    public static Optional<Operator> ofTerm(String term) {
        for (Operator operator : values()) {
            if (operator.term.equals(term)) {
                return Optional.of(operator);
            }
        }
        return Optional.empty();
    }
}
