package vn.datafloor.server.identity;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.ActorHolder;

/** A person signed in with a password. The hash is dropped once authentication is done. */
final class AccountPrincipal
        implements UserDetails, ActorHolder, org.springframework.security.core.CredentialsContainer {

    private final Actor actor;
    private final String displayName;
    private transient String passwordHash;
    private final boolean enabled;
    private final boolean nonLocked;

    AccountPrincipal(UserAccount user, String passwordHash, boolean organisationEnabled, Instant now) {
        this.actor = actorOf(user);
        this.displayName = user.displayName();
        this.passwordHash = passwordHash;
        this.enabled = user.enabled() && organisationEnabled;
        this.nonLocked = !user.lockedAt(now);
    }

    static Actor actorOf(UserAccount user) {
        return new Actor(user.id(), user.username(), user.orgId(), user.roles(), null, java.util.Set.of());
    }

    @Override
    public Actor actor() {
        return actor;
    }

    String displayName() {
        return displayName;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return actor.roles().stream()
                .map(r -> new SimpleGrantedAuthority("ROLE_" + r.name()))
                .toList();
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return actor.username();
    }

    @Override
    public boolean isAccountNonLocked() {
        return nonLocked;
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void eraseCredentials() {
        passwordHash = null;
    }

    @Override
    public String toString() {
        return "AccountPrincipal[user " + actor.userId() + "]"; // no personal data in logs
    }

    static List<String> roleNames(Actor actor) {
        return actor.roles().stream().map(Enum::name).sorted().toList();
    }
}
