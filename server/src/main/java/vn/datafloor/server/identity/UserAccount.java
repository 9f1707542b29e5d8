package vn.datafloor.server.identity;

import java.time.Instant;
import java.util.Set;
import vn.datafloor.server.authz.Role;

/**
 * A person who signs in. Staff belong to one organisation; a citizen (data subject) belongs to none
 * and is identified by a 12-digit identity number.
 */
public record UserAccount(
        long id,
        Long orgId,
        String username,
        String displayName,
        String email,
        AccountKind kind,
        boolean enabled,
        Set<Role> roles,
        int failedAttempts,
        Instant lockedUntil,
        Instant lastLoginAt,
        Instant createdAt) {

    public enum AccountKind {
        STAFF,
        CITIZEN
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }
}
