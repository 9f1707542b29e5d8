package vn.datafloor.server.authz;

/** What a person may do. Staff roles belong to an organisation; CITIZEN is a data subject's account. */
public enum Role {
    OPERATOR_ADMIN,
    ORG_ADMIN,
    DATA_STEWARD,
    ANALYST,
    AUDITOR,
    CITIZEN,
    /**
     * The platform's own work: the scheduler, start-up recovery, the living register and the demo
     * loader. Held only by {@link Actor#SYSTEM}; never granted to an account.
     */
    SYSTEM;

    public boolean isStaff() {
        return this != CITIZEN && this != SYSTEM;
    }
}
