package vn.datafloor.server.identity;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcherEntry;
import org.springframework.web.servlet.LocaleResolver;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.ActorHolder;
import vn.datafloor.server.platform.ClientAddress;
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
        "/",
        "/login",
        // The one-time link page (invitations, password resets): its token is the credential.
        "/account-link",
        "/error",
        "/ledger/**",
        // A replica's call to the writer: its node token is the credential, checked by the handler.
        "/internal/ledger/relay",
        "/css/**",
        "/js/**",
        "/img/**",
        "/webjars/**",
        "/favicon.ico",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/v3/api-docs.yaml",
        "/swagger-ui.html",
        "/swagger-ui/**",
        "/actuator/health",
        "/actuator/health/**",
        // The catalog and open data portal: each handler still asks the policy (editing needs a steward).
        "/portal",
        "/catalog",
        "/catalog/**",
        "/catalog.jsonld",
        "/catalog.ttl",
        "/api/catalog/**",
        "/api/3",
        "/api/3/**",
        "/api/action/**",
        // The Dataspace Protocol's version document is public by the protocol; its other endpoints are not.
        "/.well-known/dspace-version",
        // The exchange's listing: each handler still asks the policy (building and submitting need a steward).
        "/exchange",
        "/exchange/products/**",
        "/exchange/fees",
        "/exchange/auctions",
        "/exchange/auctions/**",
        "/api/exchange/products",
        "/api/exchange/products/**",
        "/api/exchange/offers/**",
        "/api/exchange/fees",
        "/api/exchange/auctions",
        "/api/exchange/auctions/**"
    };

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            + "form-action 'self'; frame-ancestors 'none'";

    /**
     * The only password check. As the single {@link AuthenticationProvider} bean it is the global
     * authentication manager's provider, and Spring Boot adds no user store of its own.
     */
    @Bean
    PasswordSignIn passwordSignIn(
            AccountDetailsService accounts, PasswordEncoder passwords, LoginAttempts attempts, SecureRandom random) {
        byte[] decoy = new byte[32];
        random.nextBytes(decoy);
        return new PasswordSignIn(accounts, passwords, attempts, HexFormat.of().formatHex(decoy));
    }

    @Bean
    SecurityFilterChain securityFilterChain(
            HttpSecurity http,
            AccessPolicy policy,
            ApiKeyService keys,
            IdentityStore store,
            AuditLog audit,
            Clock clock,
            ProblemResponses problems,
            LocaleResolver locales,
            JsonMapper json,
            LoginAttempts attempts,
            DatafloorProperties properties,
            ObjectProvider<ClientRegistrationRepository> oidcClients,
            OidcAccounts oidcAccounts)
            throws Exception {
        RequestMatcher api = request -> ProblemResponses.wantsJson(request);
        RequestMatcher bearer = ApiKeyAuthenticationFilter::hasBearer;
        RequestMatcher signInForm = PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/login");
        // Nobody signed in: API callers get 401 problem details, people the sign-in page.
        DelegatingAuthenticationEntryPoint signIn = new DelegatingAuthenticationEntryPoint(
                new LoginUrlAuthenticationEntryPoint("/login"),
                List.of(new RequestMatcherEntry<>(api, (request, response, e) -> {
                    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                    writeProblem(
                            request,
                            response,
                            HttpStatus.UNAUTHORIZED,
                            "error.unauthenticated",
                            new Object[0],
                            problems,
                            locales,
                            json);
                })));

        http.authorizeHttpRequests(authorize -> authorize
                .requestMatchers(PUBLIC_PATHS)
                .permitAll()
                .requestMatchers("/actuator/**")
                .access(metricsAccess(policy))
                .anyRequest()
                .authenticated());

        http.formLogin(form -> form.loginPage("/login")
                .authenticationDetailsSource(request -> new WebAuthenticationDetails(
                        ClientAddress.of(request),
                        request.getSession(false) == null
                                ? null
                                : request.getSession(false).getId()))
                .successHandler(loginSucceeded(attempts))
                .failureHandler((request, response, exception) ->
                        loginFailed(request, response, exception, problems, locales, json))
                .permitAll());
        http.logout(logout -> logout.logoutUrl("/logout")
                .addLogoutHandler((request, response, authentication) -> {
                    if (authentication != null && authentication.getPrincipal() instanceof ActorHolder holder) {
                        var actor = holder.actor();
                        audit.record(new AuditEvent(
                                EventType.LOGOUT,
                                actor.userId(),
                                actor.username(),
                                actor.orgId(),
                                AuditEvent.Outcome.SUCCESS,
                                ClientAddress.of(request),
                                "logout",
                                java.util.Map.of()));
                    }
                })
                .logoutSuccessUrl("/login?logout"));

        // Bearer-token calls carry no ambient credentials, so cross-site request forgery cannot reach them.
        // The CKAN action API is read-only and public: CKAN clients POST JSON without any token.
        // The token is read from the X-CSRF-TOKEN header or a form body, never from the query string.
        http.csrf(csrf -> csrf.csrfTokenRequestHandler(new HeaderOrFormCsrfTokenHandler())
                .ignoringRequestMatchers(
                        bearer,
                        PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/internal/ledger/relay"),
                        PathPatternRequestMatcher.withDefaults().matcher("/api/3/**"),
                        PathPatternRequestMatcher.withDefaults().matcher("/api/action/**")));

        // Remember the page someone wanted before sign-in, but never create a session for API calls.
        org.springframework.security.web.savedrequest.HttpSessionRequestCache cache =
                new org.springframework.security.web.savedrequest.HttpSessionRequestCache();
        cache.setRequestMatcher(request -> !ProblemResponses.wantsJson(request) && "GET".equals(request.getMethod()));
        http.requestCache(requestCache -> requestCache.requestCache(cache));

        http.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .frameOptions(frame -> frame.deny())
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN))
                .httpStrictTransportSecurity(
                        hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31536000)));

        http.exceptionHandling(exceptions -> exceptions
                .authenticationEntryPoint(signIn)
                .accessDeniedHandler((request, response, e) -> {
                    // A missing or wrong CSRF token from someone not signed in: what they lack first is a sign-in
                    // (401), as for any protected call. The sign-in form itself keeps its 403: it needs the token.
                    if (e instanceof CsrfException && nobodySignedIn() && !signInForm.matches(request)) {
                        signIn.commence(request, response, new InsufficientAuthenticationException("not signed in"));
                        return;
                    }
                    if (e instanceof CsrfException) {
                        // A signed-in session sending a state change without its token: a forged request, or a
                        // token smuggled in the URL. Either way a security event for that user.
                        Authentication authentication =
                                SecurityContextHolder.getContext().getAuthentication();
                        if (authentication != null && authentication.getPrincipal() instanceof ActorHolder holder) {
                            audit.record(new AuditEvent(
                                    EventType.SECURITY_REFUSED,
                                    holder.actor().userId(),
                                    null,
                                    holder.actor().orgId(),
                                    AuditEvent.Outcome.FAILURE,
                                    ClientAddress.current(),
                                    "state change without a valid CSRF token refused: " + request.getMethod() + " "
                                            + request.getRequestURI(),
                                    java.util.Map.of("what", "csrf", "method", request.getMethod())));
                        }
                    }
                    writeProblem(
                            request,
                            response,
                            HttpStatus.FORBIDDEN,
                            e instanceof CsrfException ? "error.csrf" : "error.forbidden",
                            new Object[0],
                            problems,
                            locales,
                            json);
                }));

        http.addFilterBefore(
                new ApiKeyAuthenticationFilter(keys, store, audit, clock, problems, locales, json),
                UsernamePasswordAuthenticationFilter.class);
        http.addFilterAfter(
                new AccountRefreshFilter(store, clock),
                org.springframework.security.web.authentication.AnonymousAuthenticationFilter.class);

        if (properties.oidc().enabled()) {
            if (oidcClients.getIfAvailable() == null) {
                throw new IllegalStateException("datafloor.oidc.enabled=true but no "
                        + "spring.security.oauth2.client.registration.* is configured (see docs/operations.md)");
            }
            http.oauth2Login(oidc -> oidc.loginPage("/login")
                    .userInfoEndpoint(userInfo -> userInfo.oidcUserService(oidcAccounts))
                    .successHandler(loginSucceeded(attempts)));
        }
        return http.build();
    }

    private static SavedRequestAwareAuthenticationSuccessHandler loginSucceeded(LoginAttempts attempts) {
        SavedRequestAwareAuthenticationSuccessHandler redirect = new SavedRequestAwareAuthenticationSuccessHandler() {
            @Override
            public void onAuthenticationSuccess(
                    HttpServletRequest request, HttpServletResponse response, Authentication authentication)
                    throws jakarta.servlet.ServletException, IOException {
                if (authentication.getPrincipal() instanceof ActorHolder holder) {
                    var actor = holder.actor();
                    attempts.recordSuccess(
                            actor.userId(),
                            actor.username(),
                            actor.orgId(),
                            ClientAddress.of(request),
                            authentication
                                            instanceof
                                            org.springframework.security.oauth2.client.authentication
                                                    .OAuth2AuthenticationToken
                                    ? "oidc"
                                    : "password");
                    setDefaultTargetUrl(
                            actor.roles().contains(vn.datafloor.server.authz.Role.CITIZEN) ? "/me" : "/dashboard");
                }
                super.onAuthenticationSuccess(request, response, authentication);
            }
        };
        redirect.setDefaultTargetUrl("/dashboard");
        return redirect;
    }

    /**
     * Where a failed sign-in goes: the same page for an unknown name, a wrong password and a name
     * backing off; the disabled notice only after the right password; and for a throttled address a
     * 429 with Retry-After, showing the sign-in page again to people.
     */
    static void loginFailed(
            HttpServletRequest request,
            HttpServletResponse response,
            AuthenticationException exception,
            ProblemResponses problems,
            LocaleResolver locales,
            JsonMapper json)
            throws IOException, ServletException {
        if (exception instanceof LoginAttempts.ThrottledException throttled) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(throttled.retryAfterSeconds()));
            if (ProblemResponses.wantsJson(request)) {
                writeProblem(
                        request,
                        response,
                        HttpStatus.TOO_MANY_REQUESTS,
                        "login.throttled",
                        new Object[] {throttled.retryAfterSeconds()},
                        problems,
                        locales,
                        json);
                return;
            }
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            request.getRequestDispatcher("/login?throttled")
                    .forward(
                            new HttpServletRequestWrapper(request) {
                                @Override
                                public String getMethod() {
                                    return "GET"; // render the sign-in page, not a second sign-in
                                }
                            },
                            response);
            return;
        }
        response.sendRedirect(request.getContextPath()
                + (exception instanceof DisabledException ? "/login?disabled" : "/login?error"));
    }

    private static boolean nobodySignedIn() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication == null
                || authentication instanceof AnonymousAuthenticationToken
                || !authentication.isAuthenticated();
    }

    private static AuthorizationManager<RequestAuthorizationContext> metricsAccess(AccessPolicy policy) {
        return (authentication, context) -> {
            Authentication auth = authentication.get();
            var actor = auth != null && auth.getPrincipal() instanceof ActorHolder holder ? holder.actor() : null;
            return new AuthorizationDecision(
                    policy.decide(actor, Action.VIEW_METRICS).allowed());
        };
    }

    private static void writeProblem(
            HttpServletRequest request,
            HttpServletResponse response,
            HttpStatus status,
            String key,
            Object[] args,
            ProblemResponses problems,
            LocaleResolver locales,
            JsonMapper json)
            throws IOException {
        var problem = problems.problem(status, key, args, locales.resolveLocale(request), request);
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }
}
