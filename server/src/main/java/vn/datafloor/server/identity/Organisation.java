package vn.datafloor.server.identity;

import java.time.Instant;

/** A tenant: the operator, a state agency, an enterprise or a research institute. */
public record Organisation(
        long id, String name, OrganisationKind kind, boolean verified, boolean enabled, Instant createdAt) {}
