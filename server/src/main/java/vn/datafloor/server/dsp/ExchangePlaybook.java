package vn.datafloor.server.dsp;

import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The exchange's rules for a request over the protocol: an offer that needs no approval is agreed at once
 * (the same purchase as on the web, with its terms checked and its money moved); an offer whose provider
 * approves each buyer is declined over the protocol (its buyers order it on the exchange, where the provider
 * decides); Datafloor sells its offers as listed, so counter-offers are declined; a verified agreement is
 * finalized; an HTTP-pull transfer under an agreement in force starts at once.
 */
@Component
class ExchangePlaybook implements ProviderPlaybook {

    @Override
    public List<Step> negotiation(DspStore.Negotiation negotiation, Event event, boolean approvalRequired) {
        return switch (event) {
            case REQUESTED, ACCEPTED -> List.of(approvalRequired ? Step.TERMINATE : Step.AGREE);
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
