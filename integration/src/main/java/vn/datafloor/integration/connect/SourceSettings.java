package vn.datafloor.integration.connect;

/**
 * The typed settings of one source kind, validated when built, so a loader never meets a missing
 * url or a malformed table name. A record per kind; its {@code toString} never shows a secret.
 */
public interface SourceSettings {

    /** A short label for logs and lineage: a file path, a table, a host; never a secret or a query string. */
    String describe();

    /** The name of a stored credential (a password or token), when the kind takes one; never the secret itself. */
    default String credential() {
        return null;
    }
}
