package vn.datafloor.server.privacy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import vn.datafloor.server.authz.Actor;

/**
 * The privacy clockwork, run by the platform as {@link Actor#SYSTEM}: data-subject requests past a
 * deadline go to the operator, consents past their validity expire. Both read the injected clock.
 */
@Component
class PrivacySchedule {

    private static final Logger LOG = LoggerFactory.getLogger(PrivacySchedule.class);

    private final SubjectRequestService requests;
    private final ConsentService consents;

    PrivacySchedule(SubjectRequestService requests, ConsentService consents) {
        this.requests = requests;
        this.consents = consents;
    }

    @Scheduled(fixedDelayString = "${datafloor.privacy.deadline-interval:PT15M}", initialDelayString = "PT2M")
    void run() {
        int escalated = requests.escalateOverdue(Actor.SYSTEM);
        int expired = consents.expireDue(Actor.SYSTEM);
        if (escalated + expired > 0) {
            LOG.info(
                    "Privacy: {} overdue request(s) escalated to the operator, {} consent(s) expired",
                    escalated,
                    expired);
        }
    }
}
