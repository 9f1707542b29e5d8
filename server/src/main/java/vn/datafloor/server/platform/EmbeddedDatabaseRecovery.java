package vn.datafloor.server.platform;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Before the pool of the embedded database hands out its first connection, brings the file to its newest
 * complete state if the server was killed ({@link EmbeddedDatabase#recoverAfterCrash}: H2's own crash
 * recovery can open an older state and lose acknowledged commits). PostgreSQL is left alone.
 */
@Component
class EmbeddedDatabaseRecovery implements BeanPostProcessor {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseRecovery.class);

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari) {
            EmbeddedDatabase.recoverAfterCrash(hikari.getJdbcUrl())
                    .ifPresent(recovery -> log.warn(
                            "The control database was not closed cleanly: its newest complete state (store version {}) "
                                    + "was found by scanning its file in {} ms",
                            recovery.version(),
                            recovery.millis()));
        }
        return bean;
    }
}
