package vn.datafloor.server.dsp;

import java.util.List;

/**
 * What Datafloor's consumer side does after each message of a remote provider: the port through which a
 * consuming organisation's decisions reach the protocol. The default ({@link CautiousConsumer}) accepts only
 * what was asked for.
 */
interface ConsumerPlaybook {

    enum Event {
        /** The negotiation was created: its request is about to leave. */
        INITIATED,
        /** The provider made an offer. */
        OFFERED,
        /** The provider sent its agreement. */
        AGREED,
        /** The transfer process was created: its request is about to leave. */
        TRANSFER_INITIATED,
        /** The provider started the transfer (its data address is stored). */
        STARTED
    }

    enum Step {
        REQUEST,
        ACCEPT,
        COUNTER_REQUEST,
        VERIFY,
        TERMINATE,
        TRANSFER_REQUEST,
        SUSPEND,
        COMPLETE,
        TRANSFER_TERMINATE
    }

    List<Step> negotiation(DspStore.Negotiation negotiation, Event event, String offeredPolicy);

    List<Step> transfer(DspStore.Transfer transfer, Event event);
}
