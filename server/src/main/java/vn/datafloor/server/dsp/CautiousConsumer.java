package vn.datafloor.server.dsp;

import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The default consumer: it sends what its organisation asked for, accepts an offer only when its rules are
 * exactly the ones requested (anything else is ended, never silently accepted), verifies an agreement for
 * what it accepted, and leaves a started transfer to its organisation, which pulls the data and completes
 * it.
 */
@Component
class CautiousConsumer implements ConsumerPlaybook {

    @Override
    public List<Step> negotiation(DspStore.Negotiation negotiation, Event event, String offeredPolicy) {
        return switch (event) {
            case INITIATED -> List.of(Step.REQUEST);
            case OFFERED ->
                sameRules(negotiation.policy(), offeredPolicy) ? List.of(Step.ACCEPT) : List.of(Step.TERMINATE);
            case AGREED -> List.of(Step.VERIFY);
            default -> List.of();
        };
    }

    @Override
    public List<Step> transfer(DspStore.Transfer transfer, Event event) {
        return event == Event.TRANSFER_INITIATED ? List.of(Step.TRANSFER_REQUEST) : List.of();
    }

    static boolean sameRules(String requested, String offered) {
        if (requested == null || offered == null) {
            return false;
        }
        JsonNode a = DspJson.parse(requested);
        JsonNode b = DspJson.parse(offered);
        for (String rules : new String[] {"permission", "prohibition", "obligation"}) {
            JsonNode x = a.get(rules);
            JsonNode y = b.get(rules);
            if (x == null ? y != null : !x.equals(y)) {
                return false;
            }
        }
        return true;
    }
}
