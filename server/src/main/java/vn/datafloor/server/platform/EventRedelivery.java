package vn.datafloor.server.platform;

import java.time.Clock;
import java.time.Duration;
import org.springframework.modulith.events.EventPublication;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers again, while the server runs, the events whose listener failed (the registry already
 * delivers at start what a crash interrupted). Only failed ones, and only after a pause: a listener
 * still at work (a register update can take minutes) must not be handed its event a second time.
 */
@Component
class EventRedelivery {

    static final Duration PAUSE = Duration.ofMinutes(5);

    private final IncompleteEventPublications incomplete;
    private final Clock clock;

    EventRedelivery(IncompleteEventPublications incomplete, Clock clock) {
        this.incomplete = incomplete;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    void redeliverFailed() {
        incomplete.resubmitIncompletePublications(publication -> publication.getStatus()
                        == EventPublication.Status.FAILED
                && publication.getPublicationDate().isBefore(clock.instant().minus(PAUSE)));
    }
}
