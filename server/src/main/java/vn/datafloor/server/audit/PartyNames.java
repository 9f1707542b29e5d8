package vn.datafloor.server.audit;

/**
 * Who an event's numbers stand for, as a person reads them: the ledger keeps a user's and an
 * organisation's number (names would be personal data on a public log), and the audit pages show the
 * name behind each. Implemented by the identity capability, which owns accounts and organisations.
 */
public interface PartyNames {

    /** The account's name as "Display name (username)", or null when there is no such account any more. */
    String person(long userId);

    /** The organisation's name, or null when there is no such organisation. */
    String organisation(long orgId);
}
