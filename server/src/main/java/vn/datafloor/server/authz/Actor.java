package vn.datafloor.server.authz;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who is asking: a signed-in person, or a machine client acting for a person through an API key.
 *
 * @param orgId null for citizens, who belong to no organisation
 * @param apiKeyId set when the request came with an API key; then {@code scopes} limit what it may do
 */
public record Actor(long userId, String username, Long orgId, Set<Role> roles, String apiKeyId, Set<String> scopes)
        implements Serializable {

    /**
     * The platform acting on its own (scheduled runs, recovery, the living register, the demo), which
     * {@link AccessPolicy} decides for like anyone else: it may do what the {@code Action} table grants
     * {@link Role#SYSTEM}. It is nobody: records name no person for it.
     */
    public static final Actor SYSTEM = new Actor(0, "system", null, Set.of(Role.SYSTEM), null, Set.of());

    public Actor {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        scopes = Set.copyOf(scopes);
    }

    public boolean isSystem() {
        return roles.contains(Role.SYSTEM);
    }

    /** The person acting, for records: null when the platform acts. */
    public Long personId() {
        return isSystem() ? null : userId;
    }

    /** The person's login name, for records: null when the platform acts. */
    public String personName() {
        return isSystem() ? null : username;
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public boolean viaApiKey() {
        return apiKeyId != null;
    }

    public boolean belongsTo(Long organisationId) {
        return orgId != null && orgId.equals(organisationId);
    }
}
