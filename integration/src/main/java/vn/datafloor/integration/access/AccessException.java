package vn.datafloor.integration.access;

/**
 * A request the contract does not allow, or one that ran out of its limits. The message says what
 * is wrong in general terms and never repeats values from the query or the data.
 */
public final class AccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a request was refused; stable, for the API's problem types. */
    public enum Code {
        EMPTY,
        TOO_LONG,
        SYNTAX,
        NOT_SELECT,
        MULTIPLE_STATEMENTS,
        TABLE_NOT_ALLOWED,
        FUNCTION_NOT_ALLOWED,
        CONSTRUCT_NOT_ALLOWED,
        RECURSIVE_CTE,
        TOO_DEEP,
        UNKNOWN_TABLE,
        UNKNOWN_COLUMN,
        INVALID_REQUEST,
        TIMEOUT,
        RESOURCE_LIMIT,
        REFUSED_BY_LOCKDOWN,
        EXECUTION_FAILED
    }

    private final Code code;

    AccessException(Code code, String message) {
        super(message);
        this.code = code;
    }

    AccessException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
