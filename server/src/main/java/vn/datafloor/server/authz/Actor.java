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

    public Actor {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        scopes = Set.copyOf(scopes);
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
