package vn.datafloor.server.dsp;

import java.util.List;

/**
 * What the provider side does after each message of a counterparty: the port through which a provider's
 * decisions reach the protocol. The default ({@link ExchangePlaybook}) is the exchange's own rules.
 */
interface ProviderPlaybook {

    /** What happened, from the provider's side. */
    enum Event {
        /** A consumer's first contract request for an offer. */
        REQUESTED,
        /** A consumer's counter-request after an offer of the provider. */
        COUNTER_REQUESTED,
        /** The consumer accepted the provider's offer. */
        ACCEPTED,
        /** The consumer verified the agreement. */
        VERIFIED,
        /** A consumer asked for a transfer under an agreement. */
        TRANSFER_REQUESTED
    }

    /** What the provider does, in order. */
    enum Step {
        OFFER,
        AGREE,
        FINALIZE,
        TERMINATE,
        START,
        SUSPEND,
        COMPLETE
    }

    List<Step> negotiation(DspStore.Negotiation negotiation, Event event, boolean approvalRequired);

    List<Step> transfer(DspStore.Transfer transfer, Event event);
}
