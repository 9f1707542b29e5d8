package vn.datafloor.linkage;

/** A linkage that cannot run as configured; the message says what to change. */
public class LinkageException extends RuntimeException {

    public LinkageException(String message) {
        super(message);
    }

    public LinkageException(String message, Throwable cause) {
        super(message, cause);
    }
}
