package vn.datafloor.integration.connect;

/** A source could not be read; the message says what to do about it, and nothing was published. */
public class SourceException extends RuntimeException {

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
