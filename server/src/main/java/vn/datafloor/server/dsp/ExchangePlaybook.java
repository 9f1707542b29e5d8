package vn.datafloor.server.dsp;

import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The exchange's rules for a request over the protocol: an offer that needs no approval is agreed at once
 * (the same purchase as on the web, with its terms checked and its money moved); an offer whose provider
 * approves each buyer is ordered the same way and the negotiation waits for the provider's decision on the
 * exchange, which then agrees or ends it; Datafloor sells its offers as listed, so counter-offers are declined; a verified agreement is
 * finalized; an HTTP-pull transfer under an agreement in force starts at once.
 */
@Component
class ExchangePlaybook implements ProviderPlaybook {

    @Override
    public List<Step> negotiation(DspStore.Negotiation negotiation, Event event, boolean approvalRequired) {
        return switch (event) {
            // An offer needing approval is ordered too: the order waits for the provider, and so does the negotiation.
            case REQUESTED, ACCEPTED -> List.of(Step.AGREE);
            case COUNTER_REQUESTED -> List.of(Step.TERMINATE);
            case VERIFIED -> List.of(Step.FINALIZE);
            case TRANSFER_REQUESTED -> List.of();
        };
    }

    @Override
    public List<Step> transfer(DspStore.Transfer transfer, Event event) {
        return event == Event.TRANSFER_REQUESTED ? List.of(Step.START) : List.of();
    }
}
