package vn.datafloor.server.identity;

import java.time.Clock;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.ActorHolder;

/**
 * Maps a person signed in by an OpenID Connect provider (a national e-ID, Keycloak) to an existing
 * Datafloor account by verified e-mail. Nobody is created on the fly: accounts and roles stay
 * decided by organisation administrators.
 */
@Component
class OidcAccounts implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService delegate = new OidcUserService();
    private final IdentityStore store;
    private final Clock clock;

    OidcAccounts(IdentityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser oidcUser = delegate.loadUser(request);
        return toAccount(oidcUser);
    }

    OidcUser toAccount(OidcUser oidcUser) {
        String email = oidcUser.getEmail();
        if (email == null || !Boolean.TRUE.equals(oidcUser.getEmailVerified())) {
            throw new OAuth2AuthenticationException(new OAuth2Error(
                    "unverified_email", "The identity provider did not vouch for an e-mail address", null));
        }
        UserAccount account = store.userByEmail(email)
                .filter(UserAccount::enabled)
                .filter(u -> !u.lockedAt(clock.instant()))
                .orElseThrow(() -> new OAuth2AuthenticationException(
                        new OAuth2Error("no_account", "No enabled Datafloor account has this e-mail address", null)));
        return new OidcAccountPrincipal(oidcUser, AccountPrincipal.actorOf(account));
    }

    static final class OidcAccountPrincipal extends DefaultOidcUser implements ActorHolder {
        private final Actor actor;

        OidcAccountPrincipal(OidcUser user, Actor actor) {
            super(user.getAuthorities(), user.getIdToken(), user.getUserInfo());
            this.actor = actor;
        }

        @Override
        public Actor actor() {
            return actor;
        }

        @Override
        public String getName() {
            return actor.username();
        }
    }
}
