package vn.datafloor.server.identity;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/** Organisations: onboarding, verification, disabling. Tenant checks go through the {@link AccessPolicy}. */
@Service
public class OrganisationService implements vn.datafloor.server.authz.OrganisationSectors {

    private final IdentityStore store;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;

    /** State agencies and the operator. */
    @Override
    public boolean inStateSector(long orgId) {
        return kind(orgId)
                .map(k -> k == OrganisationKind.STATE_AGENCY || k == OrganisationKind.OPERATOR)
                .orElse(false);
    }

    /**
     * An organisation's kind is set when it is made and never changes, and ids are never reused, so each
     * is read once: authorization and every data delivery ask for it.
     */
    private final java.util.concurrent.ConcurrentMap<Long, OrganisationKind> kinds =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The organisation's kind, if it exists. */
    public java.util.Optional<OrganisationKind> kind(long id) {
        OrganisationKind known = kinds.get(id);
        if (known != null) {
            return java.util.Optional.of(known);
        }
        java.util.Optional<OrganisationKind> kind = store.organisation(id).map(Organisation::kind);
        kind.ifPresent(k -> kinds.put(id, k));
        return kind;
    }

    /** An organisation's name never changes either (there is no renaming): every agreement names both parties. */
    private final java.util.concurrent.ConcurrentMap<Long, String> names =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The organisation's name, if it exists. */
    public java.util.Optional<String> name(long id) {
        String known = names.get(id);
        if (known != null) {
            return java.util.Optional.of(known);
        }
        java.util.Optional<String> name = store.organisation(id).map(Organisation::name);
        name.ifPresent(n -> names.put(id, n));
        return name;
    }

    OrganisationService(IdentityStore store, AccessPolicy policy, AuditLog audit, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    /** The organisations the actor may see: all of them for operators and auditors, else their own. */
    public List<Organisation> visibleTo(Actor actor) {
        policy.require(actor, Action.LIST_ORGANISATIONS);
        if (policy.seesAllTenants(actor, Action.LIST_ORGANISATIONS)) {
            return store.organisations();
        }
        return store.organisation(actor.orgId()).stream().toList();
    }

    public Organisation get(Actor actor, long id) {
        policy.require(actor, Action.LIST_ORGANISATIONS, id);
        return store.organisation(id).orElseThrow(() -> ProblemException.notFound("No organisation " + id));
    }

    @Transactional
    public Organisation create(Actor actor, String name, OrganisationKind kind) {
        policy.require(actor, Action.MANAGE_ORGANISATIONS);
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > 200) {
            throw ProblemException.badRequest("organisation.nameInvalid", "Name must be 1 to 200 characters");
        }
        if (kind == null) {
            throw ProblemException.badRequest("organisation.kindMissing", "Kind is required");
        }
        if (store.organisationByName(clean).isPresent()) {
            throw ProblemException.conflict("organisation.nameTaken", "An organisation with this name exists");
        }
        long id = store.insertOrganisation(clean, kind, false, clock.instant());
        record(
                actor,
                EventType.ORGANISATION_CREATED,
                id,
                "organisation created (" + kind + ")",
                Map.of("kind", kind.name()));
        return store.organisation(id).orElseThrow();
    }

    @Transactional
    public Organisation setVerified(Actor actor, long id, boolean verified) {
        Organisation org = forManagement(actor, id);
        store.setOrganisationFlags(id, verified, org.enabled());
        record(
                actor,
                EventType.ORGANISATION_VERIFIED,
                id,
                verified ? "organisation verified" : "verification withdrawn",
                Map.of("verified", Boolean.toString(verified)));
        return store.organisation(id).orElseThrow();
    }

    @Transactional
    public Organisation setEnabled(Actor actor, long id, boolean enabled) {
        Organisation org = forManagement(actor, id);
        if (!enabled && actor.belongsTo(id)) {
            throw ProblemException.conflict(
                    "organisation.cannotDisableOwn", "You cannot disable your own organisation");
        }
        store.setOrganisationFlags(id, org.verified(), enabled);
        record(
                actor,
                enabled ? EventType.ORGANISATION_ENABLED : EventType.ORGANISATION_DISABLED,
                id,
                enabled ? "organisation enabled" : "organisation disabled",
                Map.of());
        return store.organisation(id).orElseThrow();
    }

    /** For bootstrap and the demo only: creates a verified organisation without an actor. */
    public Organisation bootstrap(String name, OrganisationKind kind) {
        return store.organisationByName(name).orElseGet(() -> {
            long id = store.insertOrganisation(name, kind, true, clock.instant());
            audit.record(new AuditEvent(
                    EventType.ORGANISATION_CREATED,
                    null,
                    null,
                    id,
                    AuditEvent.Outcome.SUCCESS,
                    null,
                    "organisation created at bootstrap (" + kind + ")",
                    Map.of("kind", kind.name())));
            return store.organisation(id).orElseThrow();
        });
    }

    /** An organisation by id, for public facts such as a dataset's publisher; not an authorization check. */
    public java.util.Optional<Organisation> find(long id) {
        return store.organisation(id);
    }

    /** The operator organisation (the data center itself), if it exists. */
    public java.util.Optional<Long> operatorId() {
        return store.organisations().stream()
                .filter(o -> o.kind() == OrganisationKind.OPERATOR)
                .map(Organisation::id)
                .findFirst();
    }

    public long count() {
        return store.organisations().size();
    }

    /**
     * The enabled organisations by name, for public facts such as whom a citizen names in a consent or
     * a request (names and kinds are public, as a dataset's publisher is); not an authorization check.
     */
    public List<Organisation> directory() {
        return store.organisations().stream()
                .filter(Organisation::enabled)
                .sorted(java.util.Comparator.comparing(Organisation::name))
                .toList();
    }

    private Organisation forManagement(Actor actor, long id) {
        policy.require(actor, Action.MANAGE_ORGANISATIONS, id);
        return store.organisation(id).orElseThrow(() -> ProblemException.notFound("No organisation " + id));
    }

    private void record(Actor actor, EventType type, long orgId, String summary, Map<String, String> details) {
        Map<String, String> all = new java.util.HashMap<>(details);
        all.put("organisation", Long.toString(orgId));
        audit.record(new AuditEvent(
                type,
                actor.userId(),
                actor.username(),
                orgId,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                summary,
                all));
    }
}
