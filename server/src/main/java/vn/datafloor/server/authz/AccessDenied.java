package vn.datafloor.server.authz;

/** Published for every refusal, so that the audit capability puts it on the ledger. */
public record AccessDenied(
        Actor actor, Action action, Decision decision, String method, String path, String clientAddress) {}
