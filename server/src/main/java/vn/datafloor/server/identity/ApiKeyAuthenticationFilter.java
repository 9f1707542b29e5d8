package vn.datafloor.server.identity;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.LocaleResolver;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.ActorHolder;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * Authenticates {@code Authorization: Bearer dfk_…} for the request alone (no session). A
 * presented key that is wrong, revoked or expired is refused outright with 401 rather than treated
 * as anonymous, so a client never silently loses its identity.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private final ApiKeyService keys;
    private final IdentityStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final ProblemResponses problems;
    private final LocaleResolver locales;
    private final JsonMapper json;

    /** How stale a key's "last used" time may be. */
    static final java.time.Duration LAST_USED_PRECISION = java.time.Duration.ofMinutes(1);

    ApiKeyAuthenticationFilter(
            ApiKeyService keys,
            IdentityStore store,
            AuditLog audit,
            Clock clock,
            ProblemResponses problems,
            LocaleResolver locales,
            JsonMapper json) {
        this.keys = keys;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.problems = problems;
        this.locales = locales;
        this.json = json;
    }

    /**
     * A streamed answer (an export download) ends in an async dispatch through the security chain; without
     * the key's identity there it is anonymous, refused after the response is committed, and the client
     * gets a truncated body. The key is checked again, as on any request.
     */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    static boolean hasBearer(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasBearer(request)) {
            chain.doFilter(request, response);
            return;
        }
        String token = request.getHeader("Authorization").substring(7).strip();
        var match = keys.match(token);
        if (match.isEmpty()) {
            reject(request, response, null, "unknown or malformed key");
            return;
        }
        IdentityStore.StoredApiKey key = match.get();
        var user = store.user(key.userId()).orElse(null);
        boolean orgEnabled =
                store.organisation(key.orgId()).map(Organisation::enabled).orElse(false);
        if (key.revokedAt() != null
                || !key.expiresAt().isAfter(clock.instant())
                || user == null
                || !user.enabled()
                || !orgEnabled) {
            reject(request, response, key, key.revokedAt() != null ? "revoked" : "expired or owner disabled");
            return;
        }
        // "Last used" to the minute: a busy key (a buyer's delivery client) does not write a row per request.
        if (key.lastUsedAt() == null
                || key.lastUsedAt().isBefore(clock.instant().minus(LAST_USED_PRECISION))) {
            keys.touch(key.id());
        }
        Set<String> scopes = new TreeSet<>(Arrays.asList(key.scopes().split(" ")));
        Actor actor = new Actor(user.id(), user.username(), user.orgId(), user.roles(), key.id(), scopes);
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new ApiKeyAuthentication(actor));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private void reject(
            HttpServletRequest request, HttpServletResponse response, IdentityStore.StoredApiKey key, String why)
            throws IOException {
        if (key != null) {
            audit.record(new AuditEvent(
                    EventType.API_KEY_REJECTED,
                    key.userId(),
                    null,
                    key.orgId(),
                    AuditEvent.Outcome.DENIED,
                    ClientAddress.of(request),
                    "API key " + key.id() + " rejected: " + why,
                    Map.of("apiKey", key.id(), "reason", why)));
        }
        var problem = problems.problem(
                HttpStatus.UNAUTHORIZED,
                "error.apiKeyRejected",
                new Object[0],
                locales.resolveLocale(request),
                request);
        response.setStatus(401);
        response.setContentType("application/problem+json");
        response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }

    /** The authentication of one API request. */
    static final class ApiKeyAuthentication extends AbstractAuthenticationToken {
        private final ApiKeyPrincipal principal;

        ApiKeyAuthentication(Actor actor) {
            super(actor.roles().stream()
                    .map(r -> new SimpleGrantedAuthority("ROLE_" + r.name()))
                    .toList());
            this.principal = new ApiKeyPrincipal(actor);
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return principal;
        }
    }

    record ApiKeyPrincipal(Actor actor) implements ActorHolder {
        @Override
        public String toString() {
            return "ApiKeyPrincipal[key " + actor.apiKeyId() + "]";
        }
    }
}
