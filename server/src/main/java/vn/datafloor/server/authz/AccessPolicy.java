package vn.datafloor.server.authz;

import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
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

    private final ObjectProvider<OrganisationSectors> sectors;

    /** The sectors are looked up when first needed: the identity capability that knows them asks this policy too. */
    public AccessPolicy(ObjectProvider<OrganisationSectors> sectors) {
        this.sectors = sectors;
    }

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
        return decide(actor, action).allowed() && actor.roles().stream().anyMatch(action.crossTenantRoles()::contains);
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

    // ------------------------------------------------------------------ API keys

    /** Whose API keys an actor sees and manages. */
    public enum KeyReach {
        /** Every organisation's (the operator). */
        ALL,
        /** Its organisation's (the organisation's administrator). */
        ORGANISATION,
        /** Its own only. */
        OWN
    }

    public KeyReach apiKeyReach(Actor actor) {
        require(actor, Action.MANAGE_API_KEYS);
        if (seesAllTenants(actor, Action.MANAGE_API_KEYS)) {
            return KeyReach.ALL;
        }
        return actor.has(Role.ORG_ADMIN) ? KeyReach.ORGANISATION : KeyReach.OWN;
    }

    /** May the actor manage (revoke) the key of user {@code keyUserId} in organisation {@code keyOrgId}? */
    public Decision decideOnApiKey(Actor actor, long keyUserId, Long keyOrgId) {
        Decision decision = decide(actor, Action.MANAGE_API_KEYS, keyOrgId);
        if (!decision.allowed() || actor.userId() == keyUserId) {
            return decision;
        }
        return apiKeyReach(actor) == KeyReach.OWN ? Decision.HIDDEN : Decision.ALLOW;
    }

    // ------------------------------------------------------------------ the catalog

    /**
     * What a catalog entry shows of itself to the decision.
     *
     * @param publicMetadata published with open or shared sharing: anyone may read its description
     * @param core core or important data (the Data Law's classes), whose shared entries state staff may read
     */
    public record CatalogEntryFacts(
            long ownerOrgId, boolean published, boolean publicMetadata, boolean core, boolean privateSharing) {}

    /**
     * May the actor (null: nobody signed in) read the entry's description? Its owner's staff, those who
     * see the whole catalog and, for a published entry, anyone when its description is public, or the
     * state sector's staff when it is core data that is not private.
     */
    public boolean mayReadCatalogEntry(Actor actor, CatalogEntryFacts entry) {
        if (actor != null
                && (actor.belongsTo(entry.ownerOrgId())
                        || decide(actor, Action.VIEW_WHOLE_CATALOG).allowed())) {
            return true;
        }
        if (entry.publicMetadata()) {
            return true;
        }
        return entry.published() && entry.core() && !entry.privateSharing() && readsStateSectorCatalog(actor);
    }

    /** Whether the actor is state-sector staff, who may read the shared core entries of every state body. */
    public boolean readsStateSectorCatalog(Actor actor) {
        return actor != null && actor.orgId() != null && sectors.getObject().inStateSector(actor.orgId());
    }

    /** May the actor see the entry's data in clear, personal columns included? The owner's staff, signed in in person. */
    public boolean mayReadCatalogDataInClear(Actor actor, long ownerOrgId) {
        return actor != null
                && !actor.viaApiKey()
                && actor.belongsTo(ownerOrgId)
                && actor.roles().stream().anyMatch(Role::isStaff);
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
