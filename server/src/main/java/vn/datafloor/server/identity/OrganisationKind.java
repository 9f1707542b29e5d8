package vn.datafloor.server.identity;

/** What sort of body an organisation is; it decides what it may do on the exchange later. */
public enum OrganisationKind {
    OPERATOR,
    STATE_AGENCY,
    ENTERPRISE,
    RESEARCH_INSTITUTE
}
