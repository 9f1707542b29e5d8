package vn.datafloor.server.authz;

/** The outcome of one authorization decision. */
public enum Decision {
    ALLOW,
    /** Nobody is signed in: 401. */
    UNAUTHENTICATED,
    /** Signed in, but not allowed: 403. */
    FORBIDDEN,
    /** Another organisation's private object: 404, so that its existence stays private. */
    HIDDEN;

    public boolean allowed() {
        return this == ALLOW;
    }
}
