package vn.datafloor.server.platform;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * One commit at a time on the embedded H2 database, so that a {@code kill -9} never leaves half a
 * transaction behind.
 *
 * <p>H2's MVStore makes a commit visible map by map (table by table, index by index), and a store of the
 * file that runs meanwhile, for another session's commit, may write some of those maps with the commit
 * applied and others without it; if the process dies before the next store, the file holds a partial
 * transaction (h2database issue #2080, open: "consistent snapshot is only ensured for a single map, not
 * across all of them"). {@code AuditCrashTest} saw it as a committed probe row whose outbox row, from the same
 * transaction, was gone. Here every commit of the embedded database, and the commit of every statement run in
 * auto-commit, takes one lock: no store can then run while another commit is half applied. A statement in
 * auto-commit runs as a transaction of its own (its execution outside the lock, since it may wait for a row
 * another transaction holds; its commit inside). PostgreSQL commits atomically and is left alone.
 */
@Component
class EmbeddedCommitGate implements BeanPostProcessor {

    private static final Set<String> UPDATES =
            Set.of("execute", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final ReentrantLock gate = new ReentrantLock();

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari && EmbeddedDatabase.isFile(hikari.getJdbcUrl())) {
            return new Gated(hikari);
        }
        return bean;
    }

    /** The pool behind the gate; {@code unwrap} still reaches it (metrics, health). */
    private final class Gated extends DelegatingDataSource {

        Gated(DataSource pool) {
            super(pool);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return gated(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return gated(super.getConnection(username, password));
        }
    }

    private Connection gated(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("commit")) {
                return locked(() -> invoke(method, connection, args));
            }
            Object result = invoke(method, connection, args);
            if (result instanceof Statement statement
                    && (name.equals("createStatement")
                            || name.equals("prepareStatement")
                            || name.equals("prepareCall"))) {
                return gatedStatement(statement, method.getReturnType(), connection);
            }
            return result;
        };
        return (Connection)
                Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private Object gatedStatement(Statement statement, Class<?> type, Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (!UPDATES.contains(method.getName()) || !connection.getAutoCommit()) {
                return invoke(method, statement, args);
            }
            // Auto-commit: the statement alone, then its commit behind the gate.
            connection.setAutoCommit(false);
            try {
                Object result = invoke(method, statement, args);
                locked(() -> {
                    connection.commit();
                    return null;
                });
                return result;
            } catch (Throwable failed) {
                connection.rollback();
                throw failed;
            } finally {
                connection.setAutoCommit(true);
            }
        };
        return Proxy.newProxyInstance(Statement.class.getClassLoader(), new Class<?>[] {type}, handler);
    }

    private interface Call {
        Object run() throws Throwable;
    }

    private Object locked(Call call) throws Throwable {
        gate.lock();
        try {
            return call.run();
        } finally {
            gate.unlock();
        }
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
