package vn.datafloor.server.identity;

import java.time.Clock;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/** Loads accounts for password login; citizens sign in with their 12-digit identity number as the username. */
@Component
class AccountDetailsService implements UserDetailsService {

    private final IdentityStore store;
    private final Clock clock;

    AccountDetailsService(IdentityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        UserAccount user = store.userByUsername(username == null ? "" : username.strip())
                .orElseThrow(() -> new UsernameNotFoundException("unknown account"));
        boolean orgEnabled = user.orgId() == null || store.organisation(user.orgId()).map(Organisation::enabled).orElse(false);
        return new AccountPrincipal(user, store.passwordHash(user.id()).orElse(null), orgEnabled, clock.instant());
    }
}
