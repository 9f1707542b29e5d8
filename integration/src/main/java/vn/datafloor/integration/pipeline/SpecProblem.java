package vn.datafloor.integration.pipeline;

/** A mistake in a pipeline spec, with the 1-based line it is on (0 when it concerns the whole spec). */
public record SpecProblem(int line, String field, String message) {

    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ": " : "") + (field == null ? "" : field + ": ") + message;
    }
}
