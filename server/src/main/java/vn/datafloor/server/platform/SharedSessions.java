package vn.datafloor.server.platform;

import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.jdbc.config.annotation.web.http.EnableJdbcHttpSession;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * Sign-in sessions in the database where several processes serve (a writer and API replicas,
 * {@link ClusterNode}): a person signed in through a replica keeps their session on the writer's pages
 * and on any other replica, and a replica that goes away takes nobody's session with it. Attributes are
 * stored serialised (the security context, the CSRF token, a page's one-time messages). A single process
 * keeps them in memory as before. Expired sessions are deleted by the writer's scheduler.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${datafloor.node.role:single}'.trim().equalsIgnoreCase('single')")
@EnableJdbcHttpSession(tableName = "spring_session")
class SharedSessions {

    /** As {@code server.servlet.session.cookie.*} sets the in-memory sessions' cookie: not readable by scripts, Lax. */
    @Bean
    CookieSerializer sessionCookie() {
        DefaultCookieSerializer cookie = new DefaultCookieSerializer();
        cookie.setCookieName("SESSION");
        cookie.setCookiePath("/");
        cookie.setUseHttpOnlyCookie(true);
        cookie.setSameSite("Lax");
        return cookie;
    }

    /** The same idle timeout as the in-memory sessions ({@code server.servlet.session.timeout}). */
    @Bean
    SessionRepositoryCustomizer<JdbcIndexedSessionRepository> sessionTimeout(
            @Value("${server.servlet.session.timeout:30m}") Duration timeout) {
        return repository -> repository.setDefaultMaxInactiveInterval(timeout);
    }

    /** Before Spring Security's filters, which read the session, and for every kind of dispatch. */
    @Bean
    FilterRegistrationBean<SessionRepositoryFilter<?>> sessionRepositoryFilterRegistration(
            SessionRepositoryFilter<?> filter) {
        FilterRegistrationBean<SessionRepositoryFilter<?>> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(SessionRepositoryFilter.DEFAULT_ORDER);
        registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
        return registration;
    }
}
