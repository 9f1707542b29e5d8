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

    /** 429 with {@code Retry-After: seconds}, which every 429 carries (RFC 6585 §4). */
    public static ProblemException tooManyRequests(
            String messageKey, String detail, long retryAfterSeconds, Object... args) {
        long seconds = Math.max(1, retryAfterSeconds);
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, messageKey, detail, args) {
            @Override
            public java.util.Map<String, String> headers() {
                return java.util.Map.of(org.springframework.http.HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            }

            @Override
            public java.util.Map<String, Object> extensions() {
                return java.util.Map.of("retryAfterSeconds", seconds);
            }
        };
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

    /** Response headers that belong to the answer, e.g. Retry-After on a 429. */
    public java.util.Map<String, String> headers() {
        return java.util.Map.of();
    }

    /** Extra members of the problem details (RFC 9457 §3.2), e.g. every problem of a spec with its line. */
    public java.util.Map<String, Object> extensions() {
        return java.util.Map.of();
    }
}
