package vn.datafloor.server.audit;

import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.AccessDenied;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Decision;

/** Puts refusals on the ledger and publishes checkpoints on a schedule. */
@Component
class AuditListeners {

    private final AuditLog audit;
    private final LedgerService ledger;

    AuditListeners(AuditLog audit, LedgerService ledger) {
        this.audit = audit;
        this.ledger = ledger;
    }

    /**
     * Refusals of signed-in callers are recorded. Anonymous probes are not: anyone could otherwise
     * grow the public ledger at will, and they reveal nothing about a person.
     */
    @EventListener
    void onAccessDenied(AccessDenied denied) {
        if (denied.decision() == Decision.UNAUTHENTICATED || denied.actor() == null) {
            return;
        }
        Actor actor = denied.actor();
        audit.record(new AuditEvent(
                EventType.ACCESS_DENIED,
                actor.userId(),
                actor.username(),
                actor.orgId(),
                AuditEvent.Outcome.DENIED,
                denied.clientAddress(),
                denied.method() + " " + denied.path() + " → " + denied.decision(),
                Map.of(
                        "action",
                        String.valueOf(denied.action()),
                        "method",
                        denied.method(),
                        "path",
                        denied.path(),
                        "decision",
                        denied.decision().name(),
                        "apiKey",
                        String.valueOf(actor.apiKeyId()))));
    }

    @Scheduled(
            initialDelayString = "${datafloor.ledger.checkpoint-interval}",
            fixedDelayString = "${datafloor.ledger.checkpoint-interval}")
    void publishPeriodically() {
        ledger.publishCheckpoint();
    }
}
