package vn.datafloor.server.authz;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Asks the {@link AccessPolicy} before any handler method runs. The action comes from
 * {@link Permit}; a handler without one is refused, so a forgotten annotation fails closed.
 */
@Component
public class AuthorizationInterceptor implements HandlerInterceptor {

    private final AccessPolicy policy;
    private final ApplicationEventPublisher events;

    public AuthorizationInterceptor(AccessPolicy policy, ApplicationEventPublisher events) {
        this.policy = policy;
        this.events = events;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) {
            return true; // static resources: served to everyone, contain no data
        }
        Action action = actionOf(method);
        Actor actor = AccessPolicy.currentActor().orElse(null);
        Decision decision = action == null
                ? (actor == null ? Decision.UNAUTHENTICATED : Decision.FORBIDDEN)
                : policy.decide(actor, action);
        if (!decision.allowed()) {
            events.publishEvent(new AccessDenied(
                    actor, action, decision, request.getMethod(), request.getRequestURI(), request.getRemoteAddr()));
            throw new NotPermittedException(decision, action);
        }
        return true;
    }

    /** The action a handler performs, or null when it declares none (then it is refused). */
    public static Action actionOf(HandlerMethod method) {
        Permit permit = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(), Permit.class);
        if (permit == null) {
            permit = AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), Permit.class);
        }
        if (permit != null) {
            return permit.value();
        }
        String type = method.getBeanType().getName();
        // Framework handlers we cannot annotate: the OpenAPI description and the error page are public.
        if (type.startsWith("org.springdoc.") || type.endsWith(".BasicErrorController")) {
            return Action.VIEW_PUBLIC;
        }
        return null;
    }
}
