package vn.datafloor.integration.connect;

/**
 * A source refused for security: a database URL outside the allow-list, an address the network
 * policy refuses, SQL that tried to reach outside its locked connection. Callers record these on
 * the ledger as security events; the message says what to do and never holds row values.
 */
public class SecurityRefusal extends SourceException {
    public SecurityRefusal(String message) {
        super(message);
    }

    public SecurityRefusal(String message, Throwable cause) {
        super(message, cause);
    }
}
