package vn.datafloor.server.identity;

import java.time.Clock;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Loads accounts for password sign-in ({@link PasswordSignIn}); citizens sign in with their 12-digit
 * identity number as the username. Deliberately not a Spring Security {@code UserDetailsService}:
 * one would give the framework a second password check of its own, behind this one.
 */
@Component
class AccountDetailsService {

    private final IdentityStore store;
    private final Clock clock;

    AccountDetailsService(IdentityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The id and password hash of the account a typed login name belongs to (case and surrounding
     * spaces aside), in one query whether or not there is one, so that looking tells nothing by its time.
     */
    Optional<IdentityStore.Credentials> credentials(String username) {
        return store.credentials(username == null ? "" : username.strip());
    }

    /** The account as it signs in: with its password hash and whether it and its organisation are enabled. */
    Optional<AccountPrincipal> principal(long userId) {
        return store.user(userId).map(user -> {
            boolean orgEnabled = user.orgId() == null
                    || store.organisation(user.orgId())
                            .map(Organisation::enabled)
                            .orElse(false);
            return new AccountPrincipal(user, store.passwordHash(user.id()).orElse(null), orgEnabled, clock.instant());
        });
    }
}
