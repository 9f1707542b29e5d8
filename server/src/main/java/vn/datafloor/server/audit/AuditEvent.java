package vn.datafloor.server.audit;

import java.util.Map;

/**
 * One security-relevant event, before it goes on the ledger.
 *
 * @param actorUserId who did it (null: nobody signed in)
 * @param actorName the actor's login name; personal, so the ledger holds only a salted commitment
 * @param clientAddress where the request came from; personal, likewise committed
 * @param details non-personal facts (ids, role names, outcomes); never secrets
 */
public record AuditEvent(
        EventType type,
        Long actorUserId,
        String actorName,
        Long orgId,
        Outcome outcome,
        String clientAddress,
        String summary,
        Map<String, String> details) {

    public enum Outcome {
        SUCCESS,
        FAILURE,
        DENIED
    }

    public AuditEvent {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
