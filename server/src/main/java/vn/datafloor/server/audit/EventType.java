package vn.datafloor.server.audit;

/** Kinds of security-relevant events recorded on the ledger. */
public enum EventType {
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    /** A name began to back off at one client address (see identity.LoginAttempts). */
    LOGIN_BACKOFF,
    /** No longer written: accounts are not locked any more (kept for entries already on the ledger). */
    ACCOUNT_LOCKED,
    LOGOUT,
    PASSWORD_CHANGED,
    API_KEY_CREATED,
    API_KEY_REVOKED,
    API_KEY_REJECTED,
    USER_CREATED,
    USER_ROLES_CHANGED,
    USER_DISABLED,
    USER_ENABLED,
    ORGANISATION_CREATED,
    ORGANISATION_VERIFIED,
    ORGANISATION_DISABLED,
    ORGANISATION_ENABLED,
    ACCESS_DENIED,
    CHECKPOINT_PUBLISHED,
    LEDGER_VERIFIED,
    PLATFORM_STARTED,
    SOURCE_REGISTERED,
    SOURCE_FILE_UPLOADED,
    /** Change data capture of a database source began or ended (docs/cdc.md). */
    SOURCE_FOLLOWING_STARTED,
    SOURCE_FOLLOWING_STOPPED,
    PIPELINE_SAVED,
    PIPELINE_RUN_STARTED,
    PIPELINE_RUN_FAILED,
    /** A signed-in user's attempt to reach beyond what is allowed (database URL, address, SQL) was refused. */
    SECURITY_REFUSED,
    /** The operator allowed or withdrew a host or range an organisation's sources may reach. */
    NETWORK_ALLOWANCE_GRANTED,
    NETWORK_ALLOWANCE_REVOKED,
    PIPELINE_RUN_CANCELLED,
    DATASET_PUBLISHED,
    QUARANTINE_VIEWED,
    /** A data steward fixed a quarantined row's values (which columns; never the values). */
    QUARANTINE_ROW_FIXED,
    /** A data steward released a quarantined row for publication, with the reason. */
    QUARANTINE_ROW_RELEASED,
    REGISTER_BUILT,
    REGISTER_VIEWED,
    ENTITY_MERGED,
    ENTITY_SPLIT,
    REVIEW_DECIDED,
    CATALOG_ENTRY_UPDATED,
    DATASET_CLASSIFIED,
    CLASSIFICATION_REVIEWED,
    PERSONAL_DATA_CONFIRMED,
    DATASET_LISTED,
    DATASET_UNLISTED,
    DATASET_DOWNLOADED,
    /** Someone asked for a dataset on the portal's public request list. */
    DATASET_REQUESTED,
    /** A publisher answered a dataset request. */
    DATASET_REQUEST_ANSWERED,
    /** The operator closed a dataset request (spam, off-topic), with a reason. */
    DATASET_REQUEST_CLOSED,
    /** A publisher changed the description on its portal page. */
    PUBLISHER_DESCRIBED,
    /** Money moved in the exchange's journal (a top-up, a purchase, a refund …): a balanced transaction. */
    MONEY_POSTED,
    /** A provider submitted a data product for the operator's inspection. */
    PRODUCT_SUBMITTED,
    /** The operator approved or refused a data product for listing, with reasons. */
    PRODUCT_INSPECTED,
    /** A provider added or withdrew an offer (price model, price, terms). */
    OFFER_CHANGED,
    /** The operator set a line of the State's fee schedule. */
    FEE_SCHEDULE_CHANGED,
    /** A contract moved between negotiation states (requested, agreed, verified, finalized, terminated). */
    CONTRACT_CHANGED,
    /** An agreement was formed: its document's SHA-256 is in the entry, so both parties can check their copy. */
    CONTRACT_AGREED,
    /** A Dataspace Protocol negotiation or transfer process with another connector changed state. */
    DSP_PROCESS_CHANGED,
    DSP_CREDENTIAL_SET,
    DSP_DATA_PULLED,
    /** An organisation imported the rows of a Dataspace Protocol transfer into a dataset of its own. */
    DSP_DATA_IMPORTED,
    /** A request to buy or use data was refused by the offer's terms (purpose, territory, kind of buyer). */
    EXCHANGE_REQUEST_DENIED,
    /** Usage of a pay-per-use contract was recorded (metering). */
    USAGE_RECORDED,
    /** A delivery channel refused a consumer: key scope, agreement not in force, terms, budget. */
    ACCESS_REFUSED,
    AUCTION_OPENED,
    BID_PLACED,
    AUCTION_CLOSED,
    DISPUTE_OPENED,
    DISPUTE_RESPONDED,
    DISPUTE_DECIDED,
    /** A data subject gave consent (the subject only as a salted commitment). */
    CONSENT_GIVEN,
    /** A data subject refused a consent that was asked. */
    CONSENT_REFUSED,
    /** A data subject withdrew a consent: deliveries stop at once. */
    CONSENT_WITHDRAWN,
    /** A consent reached the end of its validity. */
    CONSENT_EXPIRED,
    /** A data subject filed a request (access, correction, deletion …) to an organisation. */
    SUBJECT_REQUEST_FILED,
    /** An organisation acknowledged, progressed, completed or refused a data-subject request. */
    SUBJECT_REQUEST_CHANGED,
    /** A data-subject request passed its deadline and went to the operator. */
    SUBJECT_REQUEST_ESCALATED,
    /** The operator declared a personal-data breach (72 hours to notify the authority). */
    BREACH_DECLARED,
    /** The operator recorded that the authority was notified of a breach. */
    BREACH_NOTIFIED,
    /**
     * A consumer received data under a contract: who, purpose, channel, query fingerprint, rows, and a
     * commitment to the data subjects touched (root and count only; see privacy.SubjectCommitment).
     */
    DATA_ACCESSED,
    /**
     * The lake's master key has a new primary key ({@code ./datafloor lake rotate-key}); recorded by the
     * server when it sees the rotated keyset (docs/encryption.md).
     */
    LAKE_KEY_ROTATED,
    /** The operator registered, changed or removed a catalog harvested from another portal or exchange. */
    HARVEST_SOURCE_REGISTERED,
    HARVEST_SOURCE_CHANGED,
    HARVEST_SOURCE_REMOVED,
    /** A harvest of a source ended: what it added, updated and removed, or why it failed. */
    HARVEST_RUN_FINISHED,
    /** An administrator invited a person to a new account: a one-time link to set its password was issued. */
    USER_INVITED,
    /** An administrator started a password reset: a one-time link was issued (the older ones no longer work). */
    PASSWORD_RESET_STARTED,
    /** A person set their password through a one-time link (an invitation or a reset). */
    ACCOUNT_LINK_USED,
    /** A one-time link was presented but refused: unknown, expired, already used or replaced by a newer one. */
    ACCOUNT_LINK_REFUSED,
    /** Audit events were exported with their inclusion proofs (docs/audit-export.md). */
    AUDIT_EXPORTED;

    /** How much an event deserves a person's attention, for dashboards: most events are the platform working. */
    public enum Severity {
        /** The platform doing its work. */
        ROUTINE,
        /** Someone was refused something: normal one at a time (a typo, a link the viewer may not open). */
        REFUSAL,
        /** Repeated failures, a refusal by the security guards, or a breach: worth a look today. */
        ALARM
    }

    public Severity severity() {
        return switch (this) {
            case ACCOUNT_LOCKED,
                    LOGIN_BACKOFF,
                    API_KEY_REJECTED,
                    SECURITY_REFUSED,
                    BREACH_DECLARED,
                    SUBJECT_REQUEST_ESCALATED -> Severity.ALARM;
            case LOGIN_FAILED,
                    ACCESS_DENIED,
                    EXCHANGE_REQUEST_DENIED,
                    ACCESS_REFUSED,
                    PIPELINE_RUN_FAILED,
                    ACCOUNT_LINK_REFUSED -> Severity.REFUSAL;
            default -> Severity.ROUTINE;
        };
    }

    public boolean alarming() {
        return severity() == Severity.ALARM;
    }

    /** The severity of a type as stored; a name this version does not know is routine. */
    public static Severity severityOf(String name) {
        for (EventType type : values()) {
            if (type.name().equals(name)) {
                return type.severity();
            }
        }
        return Severity.ROUTINE;
    }
}
