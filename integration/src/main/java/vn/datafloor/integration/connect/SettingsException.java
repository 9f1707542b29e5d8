package vn.datafloor.integration.connect;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A source's settings are missing or wrong. Every problem names its field; none repeats the value
 * of a secret (and a url is named, not quoted, because a url may carry a token).
 */
public class SettingsException extends SourceException {

    /** What kind of problem, so a server can answer with its own translated message. */
    public enum Reason {
        MISSING,
        INVALID,
        /** A secret written where settings are shown and logged (a password in a url). */
        SECRET_IN_URL,
        /** Refused for security: the address or driver is not one a source may use (see {@link JdbcSources}). */
        REFUSED
    }

    /** One problem with one setting. */
    public record Problem(String field, Reason reason, String message) {}

    private final List<Problem> problems;

    public SettingsException(List<Problem> problems) {
        super(problems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** The first problem for security, if any: callers record those on the ledger. */
    public java.util.Optional<Problem> refusal() {
        return problems.stream().filter(p -> p.reason() == Reason.REFUSED).findFirst();
    }
}
