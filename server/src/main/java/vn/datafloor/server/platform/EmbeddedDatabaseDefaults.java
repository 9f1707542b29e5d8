package vn.datafloor.server.platform;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@link EmbeddedDatabase}'s URL the default {@code spring.datasource.url}, with the lowest
 * precedence: {@code application-postgres.yml}, {@code --spring.datasource.url} or an environment
 * variable still replace it. Registered in {@code META-INF/spring.factories}.
 */
public class EmbeddedDatabaseDefaults implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE_NAME = "datafloorEmbeddedDatabase";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        SOURCE_NAME, Map.of("spring.datasource.url", EmbeddedDatabase.URL_PROPERTY)));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
