package vn.datafloor.server.platform;

import jakarta.servlet.DispatcherType;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.i18n.CookieLocaleResolver;
import org.springframework.web.servlet.i18n.LocaleChangeInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Time, randomness and language: the things every capability shares. */
@Configuration(proxyBeanMethods = false)
public class PlatformConfig implements WebMvcConfigurer {

    public static final Locale VIETNAMESE = Locale.forLanguageTag("vi");

    /** Spring's request mappings, each first tested by the literal start of its paths (see the class). */
    @Bean
    WebMvcRegistrations literalPrefixRequestMappings() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
                return new LiteralPrefixRequestMappings();
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    /**
     * Decides each request's client address before any other filter (security, throttles, audit)
     * looks at it; see {@link ClientAddress}.
     */
    @Bean
    FilterRegistrationBean<ClientAddressFilter> clientAddressFilter(DatafloorProperties properties) {
        FilterRegistrationBean<ClientAddressFilter> registration = new FilterRegistrationBean<>(new ClientAddressFilter(
                ClientAddress.TrustedProxies.of(properties.trustedProxies()), properties.clientAddressHeader()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
        return registration;
    }

    /** On an API replica, the writer's paths are refused with 421 before anything else runs (see {@link WriterPaths}). */
    @Bean
    FilterRegistrationBean<WriterPaths> writerPaths(ClusterNode node) {
        FilterRegistrationBean<WriterPaths> registration = new FilterRegistrationBean<>(new WriterPaths(node));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /** The error page requested directly (only REQUEST dispatches: a real error comes as an ERROR one) is a 404. */
    @Bean
    FilterRegistrationBean<DirectErrorPageFilter> directErrorPageFilter(
            @org.springframework.beans.factory.annotation.Value("${server.error.path:/error}") String errorPath) {
        FilterRegistrationBean<DirectErrorPageFilter> registration =
                new FilterRegistrationBean<>(new DirectErrorPageFilter());
        registration.addUrlPatterns(errorPath);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        return registration;
    }

    /**
     * Vietnamese unless the person chose English with ?lang=en (remembered in a cookie). API clients,
     * which keep no cookies, may ask for English with Accept-Language.
     */
    @Bean
    LocaleResolver localeResolver() {
        CookieLocaleResolver resolver = new CookieLocaleResolver("datafloor-lang");
        resolver.setDefaultLocaleFunction(request -> {
            String accept = request.getHeader("Accept-Language");
            if (accept != null
                    && ProblemResponses.wantsJson(request)
                    && "en".equals(request.getLocale().getLanguage())) {
                return Locale.ENGLISH;
            }
            return VIETNAMESE;
        });
        return resolver;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        LocaleChangeInterceptor change = new LocaleChangeInterceptor();
        change.setParamName("lang");
        change.setIgnoreInvalidLocale(true);
        // An agreement document's ?lang= picks the document's language, not the reader's: it must not change the UI's.
        registry.addInterceptor(change).excludePathPatterns("/api/exchange/agreements/**");
    }
}
