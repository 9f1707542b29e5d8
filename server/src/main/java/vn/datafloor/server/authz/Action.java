package vn.datafloor.server.authz;

import static vn.datafloor.server.authz.Role.ANALYST;
import static vn.datafloor.server.authz.Role.AUDITOR;
import static vn.datafloor.server.authz.Role.CITIZEN;
import static vn.datafloor.server.authz.Role.DATA_STEWARD;
import static vn.datafloor.server.authz.Role.OPERATOR_ADMIN;
import static vn.datafloor.server.authz.Role.ORG_ADMIN;
import static vn.datafloor.server.authz.Role.SYSTEM;

import java.util.EnumSet;
import java.util.Set;

/**
 * Everything a request can ask to do, with who may do it. This table is the policy: the decision
 * point reads it, nothing else decides.
 *
 * <ul>
 *   <li>{@code roles}: who may perform the action at all (empty with {@code anyone}: no login needed);
 *   <li>{@code crossTenantRoles}: who may perform it on another organisation's objects;
 *   <li>{@code scope}: what an API key must carry to perform it (null: API keys may not).
 * </ul>
 */
public enum Action {
    /** Public pages and the public ledger: anyone, signed in or not. */
    VIEW_PUBLIC(true, Set.of(), Set.of(), "public"),
    /** One's own account: profile, password, language. */
    VIEW_OWN_ACCOUNT(false, EnumSet.allOf(Role.class), Set.of(), null),
    VIEW_DASHBOARD(false, EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, ANALYST, AUDITOR), Set.of(), null),
    LIST_ORGANISATIONS(
            false,
            EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, ANALYST, AUDITOR),
            EnumSet.of(OPERATOR_ADMIN, AUDITOR),
            "organisations:read"),
    MANAGE_ORGANISATIONS(false, EnumSet.of(OPERATOR_ADMIN), EnumSet.of(OPERATOR_ADMIN), "organisations:write"),
    LIST_USERS(
            false, EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, AUDITOR), EnumSet.of(OPERATOR_ADMIN, AUDITOR), "users:read"),
    MANAGE_USERS(false, EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN), EnumSet.of(OPERATOR_ADMIN), "users:write"),
    MANAGE_API_KEYS(
            false,
            EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, ANALYST, AUDITOR),
            EnumSet.of(OPERATOR_ADMIN),
            "apikeys:write"),
    /**
     * Opening a one-time link (an invitation or a password reset) and setting one's password with it: anyone
     * holding the link, since the person is not signed in; the link's token is the credential (docs/accounts.md).
     * Issuing links is {@link #MANAGE_USERS}.
     */
    USE_ACCOUNT_LINK(true, Set.of(), Set.of(), null),
    VIEW_AUDIT(false, EnumSet.of(OPERATOR_ADMIN, AUDITOR), EnumSet.of(OPERATOR_ADMIN, AUDITOR), "audit:read"),
    PUBLISH_CHECKPOINT(false, EnumSet.of(OPERATOR_ADMIN), Set.of(), "ledger:write"),
    VIEW_METRICS(false, EnumSet.of(OPERATOR_ADMIN), Set.of(), "metrics:read"),
    /** Sources, pipelines, runs, quality reports and datasets (not the quarantined rows). */
    VIEW_INTEGRATION(
            false,
            EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, ANALYST, AUDITOR, SYSTEM),
            EnumSet.of(OPERATOR_ADMIN, AUDITOR, SYSTEM),
            "pipelines:read"),
    /**
     * A run's error text and log: the owner organisation's staff only, like its quarantine (decided
     * inside the run service; the endpoints themselves need {@link #VIEW_INTEGRATION}).
     */
    VIEW_RUN_DETAILS(
            false, EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, ANALYST, AUDITOR), Set.of(), "pipelines:read"),
    /** Registering sources and credentials, editing and running pipelines (the platform: schedules and the demo). */
    MANAGE_INTEGRATION(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD, SYSTEM), EnumSet.of(SYSTEM), "pipelines:write"),
    /**
     * Quarantined rows hold personal data in clear: the organisation's stewards, and the operator, who runs the
     * platform's pipelines and answers for their quality (every read is on the ledger).
     */
    VIEW_QUARANTINE(
            false, EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD), EnumSet.of(OPERATOR_ADMIN), "quarantine:read"),
    /** Fixing or releasing a quarantined row: the data's own stewards only, who answer for what they publish. */
    CORRECT_QUARANTINE(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD), Set.of(), "quarantine:write"),
    /** The national register of people: personal data of everyone, for the operator and auditors. */
    VIEW_REGISTER(false, EnumSet.of(OPERATOR_ADMIN, AUDITOR), EnumSet.of(OPERATOR_ADMIN, AUDITOR), "register:read"),
    /** Building and updating the register (the platform too: after each person dataset, and the demo). */
    MANAGE_REGISTER(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "register:write"),
    /** Deciding uncertain pairs of the register: the operator's own people. */
    REVIEW_REGISTER(false, EnumSet.of(OPERATOR_ADMIN), Set.of(), "register:write"),
    /**
     * Every catalog entry, drafts and private ones included (not their data in clear). Decided inside
     * the catalog service: catalog pages themselves are public and show each caller what it may see.
     */
    VIEW_WHOLE_CATALOG(
            false,
            EnumSet.of(OPERATOR_ADMIN, AUDITOR, SYSTEM),
            EnumSet.of(OPERATOR_ADMIN, AUDITOR, SYSTEM),
            "catalog:read"),
    /** Describing, classifying, confirming personal data, uploading and publishing an organisation's datasets. */
    MANAGE_CATALOG(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD, SYSTEM), EnumSet.of(SYSTEM), "catalog:write"),
    /**
     * Harvesting other portals' catalogs and other exchanges' DSP catalogs: registering sources, their
     * schedule, running them (the platform: the schedule).
     */
    MANAGE_HARVEST(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "harvest:write"),
    /**
     * Asking for a dataset on the portal's public request list: anyone, signed in or not (rate-limited per
     * client address; an anonymous contact is never shown publicly). Publishers answer with {@link #MANAGE_CATALOG}.
     */
    REQUEST_DATASET(true, Set.of(), Set.of(), "public"),
    /** Closing a dataset request as spam or off-topic, with a reason on the ledger: the operator. */
    MODERATE_DATASET_REQUESTS(false, EnumSet.of(OPERATOR_ADMIN), Set.of(), "catalog:review"),
    /** The steward's and operator's work queue. */
    VIEW_CATALOG_QUEUE(
            false, EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD), EnumSet.of(OPERATOR_ADMIN), "catalog:write"),
    /** An organisation's money: its balance, transfer reference and transactions; every account for the operator and auditors. */
    VIEW_MONEY(
            false, EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, AUDITOR), EnumSet.of(OPERATOR_ADMIN, AUDITOR), "money:read"),
    /** The journal's trial balance: every account and the total, which must be zero. */
    VIEW_JOURNAL(false, EnumSet.of(OPERATOR_ADMIN, AUDITOR), EnumSet.of(OPERATOR_ADMIN, AUDITOR), "journal:read"),
    /** Matching the bank's statement to top-ups: the operator, who holds the platform's bank account. */
    RECONCILE_PAYMENTS(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "payments:write"),
    /** Building and submitting an organisation's data products from its catalog entries. */
    MANAGE_PRODUCTS(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD, SYSTEM), EnumSet.of(SYSTEM), "products:write"),
    /** The mandatory inspection of data products before listing: the operator. */
    INSPECT_PRODUCTS(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "products:inspect"),
    /** The State's fee schedule for state data: the operator. */
    MANAGE_FEES(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "fees:write"),
    /** Ordering data and bidding in auctions for one's organisation (its money). */
    BUY_DATA(false, EnumSet.of(ORG_ADMIN, ANALYST, SYSTEM), EnumSet.of(SYSTEM), "exchange:buy"),
    /** An organisation's contracts, as buyer or provider; every contract for the operator and auditors. */
    VIEW_CONTRACTS(
            false,
            EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, ANALYST, AUDITOR, SYSTEM),
            EnumSet.of(OPERATOR_ADMIN, AUDITOR, SYSTEM),
            "contracts:read"),
    /** A provider approving or refusing requests for its offers, and terminating its contracts. */
    DECIDE_CONTRACTS(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD, SYSTEM), EnumSet.of(SYSTEM), "contracts:write"),
    /** Metering: recording what a buyer used under a pay-per-use contract (the delivery channels, the platform). */
    RECORD_USAGE(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "usage:write"),
    /** Reading the data of one's organisation's agreements through the delivery channels. */
    ACCESS_DATA(false, EnumSet.of(ORG_ADMIN, ANALYST, SYSTEM), EnumSet.of(SYSTEM), "data:access"),
    /**
     * Taking part in the Dataspace Protocol as an organisation's connector: the catalog, negotiations and
     * transfer processes, as consumer or as provider answering (docs/dsp.md). Machine clients: API keys.
     */
    DSP_PROTOCOL(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD, ANALYST), Set.of(), "dsp:participate"),
    /** Opening auctions on an organisation's offers. */
    MANAGE_AUCTIONS(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD, SYSTEM), EnumSet.of(SYSTEM), "auctions:write"),
    /** Opening a dispute on one's contract and answering one. */
    OPEN_DISPUTES(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD, ANALYST), Set.of(), "disputes:write"),
    /** Mediating and deciding disputes: the operator. */
    MEDIATE_DISPUTES(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "disputes:mediate"),
    /** A provider's sales, usage of its products and revenue; every provider's for the operator and auditors. */
    VIEW_SALES(
            false,
            EnumSet.of(OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, AUDITOR),
            EnumSet.of(OPERATOR_ADMIN, AUDITOR),
            "sales:read"),
    /** The market supervision dashboard: the operator and auditors. */
    SUPERVISE_MARKET(false, EnumSet.of(OPERATOR_ADMIN, AUDITOR), EnumSet.of(OPERATOR_ADMIN, AUDITOR), "market:read"),
    /** Paying providers their revenue out of the platform's bank account: the operator. */
    PAY_OUT(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "payments:write"),
    /** Reviewing a provider's classification: the operator. */
    REVIEW_CLASSIFICATION(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), Set.of(), "catalog:review"),
    /** A citizen giving, refusing and withdrawing their own consents. */
    GIVE_CONSENT(false, EnumSet.of(Role.CITIZEN), Set.of(), "consents:write"),
    /** Consent records: a citizen's own; those an organisation is controller or recipient of; all for the operator and auditors. */
    VIEW_CONSENTS(
            false,
            EnumSet.of(Role.CITIZEN, OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, AUDITOR),
            EnumSet.of(OPERATOR_ADMIN, AUDITOR),
            "consents:read"),
    /** A citizen filing data-subject requests (access, export, correction, deletion, restriction, objection, withdrawal). */
    FILE_SUBJECT_REQUESTS(false, EnumSet.of(Role.CITIZEN), Set.of(), "subject-requests:write"),
    /** Data-subject requests: a citizen's own; an organisation's inbox; all (escalations) for the operator and auditors. */
    VIEW_SUBJECT_REQUESTS(
            false,
            EnumSet.of(Role.CITIZEN, OPERATOR_ADMIN, ORG_ADMIN, DATA_STEWARD, AUDITOR),
            EnumSet.of(OPERATOR_ADMIN, AUDITOR),
            "subject-requests:read"),
    /** An organisation acknowledging, completing or refusing the requests addressed to it. */
    HANDLE_SUBJECT_REQUESTS(false, EnumSet.of(ORG_ADMIN, DATA_STEWARD), Set.of(), "subject-requests:write"),
    /** The platform's privacy clockwork: escalating overdue requests, expiring consents. */
    RUN_PRIVACY_DEADLINES(false, EnumSet.of(SYSTEM), EnumSet.of(SYSTEM), null),
    /** Personal-data breaches and the calendar's extra days off: the operator (and the demo). */
    MANAGE_PRIVACY(false, EnumSet.of(OPERATOR_ADMIN, SYSTEM), EnumSet.of(SYSTEM), "privacy:write"),
    /** Reading declared breaches and their notifications: the operator and auditors. */
    VIEW_BREACHES(false, EnumSet.of(OPERATOR_ADMIN, AUDITOR, SYSTEM), Set.of(), "privacy:read"),
    /**
     * A citizen's own "who saw my data": the accesses that touched them and their proofs. Only the
     * citizen, signed in in person (no API keys); the services read by the citizen's own identity
     * number, never by one the request names.
     */
    VIEW_OWN_ACCESSES(false, EnumSet.of(CITIZEN), Set.of(), null),
    /** A citizen's own record in the register: its values and the agencies they came from. Likewise. */
    VIEW_OWN_DATA(false, EnumSet.of(CITIZEN), Set.of(), null);

    private final boolean anyone;
    private final Set<Role> roles;
    private final Set<Role> crossTenantRoles;
    private final String scope;

    Action(boolean anyone, Set<Role> roles, Set<Role> crossTenantRoles, String scope) {
        this.anyone = anyone;
        this.roles = roles;
        this.crossTenantRoles = crossTenantRoles;
        this.scope = scope;
    }

    public boolean anyone() {
        return anyone;
    }

    public Set<Role> roles() {
        return roles;
    }

    public Set<Role> crossTenantRoles() {
        return crossTenantRoles;
    }

    /** The API-key scope this action needs, or null when API keys may not perform it. */
    public String scope() {
        return scope;
    }
}
