package vn.datafloor.server.identity;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.LocaleResolver;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.ActorHolder;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * Authentication (password, API key, optional OpenID Connect) and the web defences. Authorization
 * is not decided here beyond "signed in or not": the {@link AccessPolicy} decides, per handler.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfig {

    /** Pages and endpoints anyone may reach; everything else needs a signed-in caller. */
    static final String[] PUBLIC_PATHS = {
        "/", "/login", "/error", "/ledger/**", "/css/**", "/js/**", "/img/**", "/webjars/**", "/favicon.ico",
        "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**", "/actuator/health", "/actuator/health/**",
        // The catalog and open data portal: each handler still asks the policy (editing needs a steward).
        "/catalog", "/catalog/**", "/catalog.jsonld", "/catalog.ttl", "/api/catalog/**", "/api/3", "/api/3/**", "/api/action/**"
    };

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, AccessPolicy policy, ApiKeyService keys,
            IdentityStore store, AuditLog audit, Clock clock, ProblemResponses problems, LocaleResolver locales,
            JsonMapper json, LoginAttempts attempts, AccountDetailsService accounts, PasswordEncoder passwords,
            DatafloorProperties properties, ObjectProvider<ClientRegistrationRepository> oidcClients,
            OidcAccounts oidcAccounts) throws Exception {
        RequestMatcher api = request -> ProblemResponses.wantsJson(request);
        RequestMatcher bearer = ApiKeyAuthenticationFilter::hasBearer;

        http.authorizeHttpRequests(authorize -> authorize
                .requestMatchers(PUBLIC_PATHS).permitAll()
                .requestMatchers("/actuator/**").access(metricsAccess(policy))
                .anyRequest().authenticated());

        http.formLogin(form -> form
                .loginPage("/login")
                .successHandler(loginSucceeded(attempts))
                .failureHandler((request, response, exception) -> {
                    boolean lockedNow = attempts.failed(request.getParameter("username"), request.getRemoteAddr(), exception);
                    response.sendRedirect(request.getContextPath() + "/login?" + (lockedNow ? "locked" : failureCode(exception)));
                })
                .permitAll());
        http.authenticationProvider(throttled(accounts, passwords, attempts));

        http.logout(logout -> logout
                .logoutUrl("/logout")
                .addLogoutHandler((request, response, authentication) -> {
                    if (authentication != null && authentication.getPrincipal() instanceof ActorHolder holder) {
                        var actor = holder.actor();
                        audit.record(new AuditEvent(EventType.LOGOUT, actor.userId(), actor.username(), actor.orgId(),
                                AuditEvent.Outcome.SUCCESS, request.getRemoteAddr(), "logout", java.util.Map.of()));
                    }
                })
                .logoutSuccessUrl("/login?logout"));

        // Bearer-token calls carry no ambient credentials, so cross-site request forgery cannot reach them.
        // The CKAN action API is read-only and public: CKAN clients POST JSON without any token.
        http.csrf(csrf -> csrf.ignoringRequestMatchers(bearer,
                org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.withDefaults().matcher("/api/3/**"),
                org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.withDefaults().matcher("/api/action/**")));

        // Remember the page someone wanted before sign-in, but never create a session for API calls.
        org.springframework.security.web.savedrequest.HttpSessionRequestCache cache =
                new org.springframework.security.web.savedrequest.HttpSessionRequestCache();
        cache.setRequestMatcher(request -> !ProblemResponses.wantsJson(request) && "GET".equals(request.getMethod()));
        http.requestCache(requestCache -> requestCache.requestCache(cache));

        http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny())
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                .httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31536000)));

        http.exceptionHandling(exceptions -> exceptions
                .defaultAuthenticationEntryPointFor(
                        (request, response, e) -> writeProblem(request, response, HttpStatus.UNAUTHORIZED,
                                "error.unauthenticated", problems, locales, json), api)
                .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), request -> true)
                .accessDeniedHandler((request, response, e) -> writeProblem(request, response, HttpStatus.FORBIDDEN,
                        e instanceof org.springframework.security.web.csrf.CsrfException ? "error.csrf" : "error.forbidden",
                        problems, locales, json)));

        http.addFilterBefore(new ApiKeyAuthenticationFilter(keys, store, audit, clock, problems, locales, json),
                UsernamePasswordAuthenticationFilter.class);
        http.addFilterAfter(new AccountRefreshFilter(store, clock), org.springframework.security.web.authentication.AnonymousAuthenticationFilter.class);

        if (properties.oidc().enabled()) {
            if (oidcClients.getIfAvailable() == null) {
                throw new IllegalStateException("datafloor.oidc.enabled=true but no "
                        + "spring.security.oauth2.client.registration.* is configured (see docs/operations.md)");
            }
            http.oauth2Login(oidc -> oidc
                    .loginPage("/login")
                    .userInfoEndpoint(userInfo -> userInfo.oidcUserService(oidcAccounts))
                    .successHandler(loginSucceeded(attempts)));
        }
        return http.build();
    }

    private static SavedRequestAwareAuthenticationSuccessHandler loginSucceeded(LoginAttempts attempts) {
        SavedRequestAwareAuthenticationSuccessHandler redirect = new SavedRequestAwareAuthenticationSuccessHandler() {
            @Override
            public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                    Authentication authentication) throws jakarta.servlet.ServletException, IOException {
                if (authentication.getPrincipal() instanceof ActorHolder holder) {
                    var actor = holder.actor();
                    attempts.succeeded(actor.userId(), actor.username(), actor.orgId(), request.getRemoteAddr(),
                            authentication instanceof org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken
                                    ? "oidc" : "password");
                    setDefaultTargetUrl(actor.roles().contains(vn.datafloor.server.authz.Role.CITIZEN) ? "/account" : "/dashboard");
                }
                super.onAuthenticationSuccess(request, response, authentication);
            }
        };
        redirect.setDefaultTargetUrl("/dashboard");
        return redirect;
    }

    /** The password check, refused before it runs when the client address is being throttled. */
    private static AuthenticationProvider throttled(AccountDetailsService accounts, PasswordEncoder passwords,
            LoginAttempts attempts) {
        DaoAuthenticationProvider dao = new DaoAuthenticationProvider(accounts);
        dao.setPasswordEncoder(passwords);
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                String address = authentication.getDetails() instanceof WebAuthenticationDetails details
                        ? details.getRemoteAddress() : null;
                attempts.checkAddress(address);
                return dao.authenticate(authentication);
            }

            @Override
            public boolean supports(Class<?> type) {
                return dao.supports(type);
            }
        };
    }

    private static String failureCode(AuthenticationException exception) {
        if (exception instanceof LoginAttempts.ThrottledException) {
            return "throttled";
        }
        if (exception instanceof LockedException) {
            return "locked";
        }
        if (exception instanceof DisabledException) {
            return "disabled";
        }
        return exception instanceof BadCredentialsException ? "error" : "error";
    }

    private static AuthorizationManager<RequestAuthorizationContext> metricsAccess(AccessPolicy policy) {
        return (authentication, context) -> {
            Authentication auth = authentication.get();
            var actor = auth != null && auth.getPrincipal() instanceof ActorHolder holder ? holder.actor() : null;
            return new AuthorizationDecision(policy.decide(actor, Action.VIEW_METRICS).allowed());
        };
    }

    private static void writeProblem(HttpServletRequest request, HttpServletResponse response, HttpStatus status,
            String key, ProblemResponses problems, LocaleResolver locales, JsonMapper json) throws IOException {
        var problem = problems.problem(status, key, new Object[0], locales.resolveLocale(request), request);
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }
}
