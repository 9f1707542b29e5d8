package vn.datafloor.server.ui;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
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

        /**
         * Decided on first use, action by action: the advice runs for every handler, API calls included,
         * and deciding every action up front for a request whose page shows none of them was a cost of
         * every API call.
         */
        public Map<Action, Boolean> can() {
            Actor actor = actor();
            return new AbstractMap<>() {
                private final Map<Action, Boolean> decided = new EnumMap<>(Action.class);

                @Override
                public Boolean get(Object key) {
                    return key instanceof Action action
                            ? decided.computeIfAbsent(
                                    action, a -> policy.decide(actor, a).allowed())
                            : null;
                }

                @Override
                public boolean containsKey(Object key) {
                    return key instanceof Action;
                }

                @Override
                public Set<Entry<Action, Boolean>> entrySet() {
                    for (Action action : Action.values()) {
                        get(action);
                    }
                    return Collections.unmodifiableMap(decided).entrySet();
                }
            };
        }
    }
}
