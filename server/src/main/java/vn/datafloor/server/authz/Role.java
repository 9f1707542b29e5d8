package vn.datafloor.server.authz;

/** What a person may do. Staff roles belong to an organisation; CITIZEN is a data subject's account. */
public enum Role {
    OPERATOR_ADMIN,
    ORG_ADMIN,
    DATA_STEWARD,
    ANALYST,
    AUDITOR,
    CITIZEN;

    public boolean isStaff() {
        return this != CITIZEN;
    }
}
