package vn.datafloor.integration.pipeline;

import java.util.List;

/**
 * One problem with a pipeline spec.
 *
 * @param line the spec's line (1-based), 0 when the problem has no line
 * @param field the key it is about ("target.dataset"), or null
 * @param message the problem in English: the API's text and the CLI's
 * @param code a stable code that is also the message key a page words the problem with in its reader's language
 *     ("pipeline.problem.unknownKey"), or null when the problem has none (the page shows {@code message})
 * @param args the wording's arguments, in order (names, line and column numbers as text)
 */
public record SpecProblem(int line, String field, String message, String code, List<String> args) {

    public SpecProblem {
        args = args == null ? List.of() : List.copyOf(args);
    }

    /** A problem with no code: shown as its English message in every language. */
    public SpecProblem(int line, String field, String message) {
        this(line, field, message, null, List.of());
    }

    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ": " : "") + (field == null ? "" : field + ": ") + message;
    }
}
