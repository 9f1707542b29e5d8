package vn.datafloor.server.authz;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The one policy decision point. Every handler (through {@link AuthorizationInterceptor}), the
 * metrics endpoint and every service method that touches an organisation's objects ask it, and
 * nothing else decides. Deny by default: an action not granted here is refused.
 */
@Component
public class AccessPolicy {

    /** May {@code actor} (null: nobody signed in) perform {@code action} at all? */
    public Decision decide(Actor actor, Action action) {
        if (action.anyone()) {
            return Decision.ALLOW;
        }
        if (actor == null) {
            return Decision.UNAUTHENTICATED;
        }
        if (actor.roles().stream().noneMatch(action.roles()::contains)) {
            return Decision.FORBIDDEN;
        }
        if (actor.viaApiKey() && (action.scope() == null || !actor.scopes().contains(action.scope()))) {
            return Decision.FORBIDDEN;
        }
        return Decision.ALLOW;
    }

    /**
     * May {@code actor} perform {@code action} on an object owned by organisation {@code ownerOrgId}?
     * Another tenant's object is hidden (404) unless the actor holds a cross-tenant role for it.
     */
    public Decision decide(Actor actor, Action action, Long ownerOrgId) {
        Decision base = decide(actor, action);
        if (!base.allowed() || action.anyone()) {
            return base;
        }
        if (actor.belongsTo(ownerOrgId)) {
            return Decision.ALLOW;
        }
        return actor.roles().stream().anyMatch(action.crossTenantRoles()::contains) ? Decision.ALLOW : Decision.HIDDEN;
    }

    /** Whether the actor may see objects of every organisation for this action (operators, auditors). */
    public boolean seesAllTenants(Actor actor, Action action) {
        return decide(actor, action).allowed()
                && actor.roles().stream().anyMatch(action.crossTenantRoles()::contains);
    }

    public void require(Actor actor, Action action) {
        Decision decision = decide(actor, action);
        if (!decision.allowed()) {
            throw new NotPermittedException(decision, action);
        }
    }

    public void require(Actor actor, Action action, Long ownerOrgId) {
        Decision decision = decide(actor, action, ownerOrgId);
        if (!decision.allowed()) {
            throw new NotPermittedException(decision, action);
        }
    }

    /** The actor of the current request, if someone is signed in. */
    public static Optional<Actor> currentActor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof ActorHolder holder) {
            return Optional.of(holder.actor());
        }
        return Optional.empty();
    }
}
