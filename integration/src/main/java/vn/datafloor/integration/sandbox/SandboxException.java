package vn.datafloor.integration.sandbox;

/**
 * Why the sandbox refused or could not answer a query: a stable {@link #code()} (for example
 * {@code sandbox.notAggregate}, {@code sandbox.table}, {@code sandbox.budget}) and a message for the
 * person who wrote the query. Messages name the clause or column at fault, never a value from the
 * data or a constant from the query.
 */
public final class SandboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;

    public SandboxException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The machine-readable reason, {@code sandbox.<reason>}. */
    public String code() {
        return code;
    }
}
