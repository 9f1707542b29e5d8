package vn.datafloor.policy;

import java.util.Objects;

/**
 * A right operand value as written: a plain string, a number, a boolean, an IRI ({@code {"@id": ...}}) or a typed
 * literal ({@code {"@value": ..., "@type": ...}}). The evaluator interprets it by the left operand.
 */
public record Value(String text, Kind kind, String datatype) {

    public enum Kind {
        STRING,
        NUMBER,
        BOOLEAN,
        IRI,
        TYPED
    }

    public Value {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
    }

    public static Value string(String text) {
        return new Value(text, Kind.STRING, null);
    }

    public static Value number(long number) {
        return new Value(Long.toString(number), Kind.NUMBER, null);
    }

    public static Value bool(boolean value) {
        return new Value(Boolean.toString(value), Kind.BOOLEAN, null);
    }

    public static Value iri(String iri) {
        return new Value(iri, Kind.IRI, null);
    }

    public static Value typed(String text, String datatype) {
        return new Value(text, Kind.TYPED, datatype);
    }
}
