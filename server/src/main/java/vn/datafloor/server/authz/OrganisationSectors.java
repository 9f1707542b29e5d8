package vn.datafloor.server.authz;

/**
 * What the decision point needs to know about an organisation and the actor does not carry: whether
 * it belongs to the state sector (state agencies and the operator), whose staff may read the shared
 * part of the national catalog. Implemented by the identity capability.
 */
public interface OrganisationSectors {

    boolean inStateSector(long orgId);
}
