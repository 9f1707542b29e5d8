package vn.datafloor.server.identity;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import vn.datafloor.server.authz.Actor;

/**
 * A session remembers who signed in, not what they may do: on each request the account is read
 * again, so a role change applies at once and a disabled account or organisation is signed out.
 */
class AccountRefreshFilter extends OncePerRequestFilter {

    private final IdentityStore store;
    private final Clock clock;

    AccountRefreshFilter(IdentityStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof AccountPrincipal principal) {
            Actor before = principal.actor();
            var current = store.user(before.userId()).orElse(null);
            boolean orgEnabled = current != null
                    && (current.orgId() == null
                            || store.organisation(current.orgId())
                                    .map(Organisation::enabled)
                                    .orElse(false));
            if (current == null || !current.enabled() || !orgEnabled) {
                SecurityContextHolder.clearContext();
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            } else if (!current.roles().equals(before.roles())) {
                AccountPrincipal refreshed = new AccountPrincipal(current, null, true, clock.instant());
                var token =
                        UsernamePasswordAuthenticationToken.authenticated(refreshed, null, refreshed.getAuthorities());
                var context = SecurityContextHolder.createEmptyContext();
                context.setAuthentication(token);
                SecurityContextHolder.setContext(context);
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.setAttribute("SPRING_SECURITY_CONTEXT", context);
                }
            }
        }
        chain.doFilter(request, response);
    }
}
