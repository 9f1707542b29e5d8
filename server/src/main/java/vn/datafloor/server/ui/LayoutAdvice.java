package vn.datafloor.server.ui;

import java.util.EnumMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;

/**
 * What the shared layout needs on every page: who is signed in and which sections they may open,
 * decided by the same policy that guards the sections themselves.
 */
@ControllerAdvice(annotations = Controller.class)
class LayoutAdvice {

    private final AccessPolicy policy;

    LayoutAdvice(AccessPolicy policy) {
        this.policy = policy;
    }

    @ModelAttribute("currentActor")
    Actor currentActor() {
        return AccessPolicy.currentActor().orElse(null);
    }

    /** {@code can.LIST_USERS} etc. for navigation; hiding a link is convenience, the handler still decides. */
    @ModelAttribute("can")
    Map<Action, Boolean> can() {
        Actor actor = AccessPolicy.currentActor().orElse(null);
        Map<Action, Boolean> can = new EnumMap<>(Action.class);
        for (Action action : Action.values()) {
            can.put(action, policy.decide(actor, action).allowed());
        }
        return can;
    }
}
