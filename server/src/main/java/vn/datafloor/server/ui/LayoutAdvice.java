package vn.datafloor.server.ui;

import java.util.EnumMap;
import java.util.Map;
import org.springframework.stereotype.Component;
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

    private final Layout layout;

    LayoutAdvice(Layout layout) {
        this.layout = layout;
    }

    @ModelAttribute("currentActor")
    Actor currentActor() {
        return layout.actor();
    }

    /** {@code can.LIST_USERS} etc. for navigation; hiding a link is convenience, the handler still decides. */
    @ModelAttribute("can")
    Map<Action, Boolean> can() {
        return layout.can();
    }

    /**
     * The same for the layout itself, as {@code @layout}: error pages are rendered by exception handlers,
     * whose views get no model attributes, and a signed-in person's 403 or 404 must still show their menu.
     */
    @Component("layout")
    static class Layout {

        private final AccessPolicy policy;

        Layout(AccessPolicy policy) {
            this.policy = policy;
        }

        public Actor actor() {
            return AccessPolicy.currentActor().orElse(null);
        }

        public Map<Action, Boolean> can() {
            Actor actor = actor();
            Map<Action, Boolean> can = new EnumMap<>(Action.class);
            for (Action action : Action.values()) {
                can.put(action, policy.decide(actor, action).allowed());
            }
            return can;
        }
    }
}
