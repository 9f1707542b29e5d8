package vn.datafloor.server.platform;

import org.springframework.http.HttpStatus;

/**
 * A failure the caller can act on. The message key names a translated explanation; the detail is
 * English text for API clients and never contains secrets or personal data.
 */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String messageKey;
    private final transient Object[] messageArgs;

    public ProblemException(HttpStatus status, String messageKey, String detail, Object... messageArgs) {
        super(detail);
        this.status = status;
        this.messageKey = messageKey;
        this.messageArgs = messageArgs;
    }

    public static ProblemException badRequest(String messageKey, String detail, Object... args) {
        return new ProblemException(HttpStatus.BAD_REQUEST, messageKey, detail, args);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(HttpStatus.NOT_FOUND, "error.notFound", detail);
    }

    public static ProblemException conflict(String messageKey, String detail, Object... args) {
        return new ProblemException(HttpStatus.CONFLICT, messageKey, detail, args);
    }

    public HttpStatus status() {
        return status;
    }

    public String messageKey() {
        return messageKey;
    }

    public Object[] messageArgs() {
        return messageArgs.clone();
    }

    /** Extra members of the problem details (RFC 9457 §3.2), e.g. every problem of a spec with its line. */
    public java.util.Map<String, Object> extensions() {
        return java.util.Map.of();
    }
}
