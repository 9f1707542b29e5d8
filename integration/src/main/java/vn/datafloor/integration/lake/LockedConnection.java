package vn.datafloor.integration.lake;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A DuckDB connection after {@link DuckDbConnections#lock}: external access (files, network,
 * ATTACH), extension installing and loading and every configuration change are refused by DuckDB
 * itself, so the SQL a user wrote sees only the tables trusted code put in front of it, whatever a
 * validator missed. The only type through which user-written SQL may reach DuckDB.
 */
public final class LockedConnection implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "duckdb-statement-timeout");
        thread.setDaemon(true);
        return thread;
    });

    /** Reads a result; the result set is closed afterwards. */
    public interface ResultReader<T> {
        T read(ResultSet resultSet) throws SQLException;
    }

    private final Connection connection;
    private final Lockdown lockdown;

    LockedConnection(Connection connection, Lockdown lockdown) {
        this.connection = connection;
        this.lockdown = lockdown;
    }

    /**
     * Whether DuckDB refused a statement for reaching past a lockdown: a file, the network, an
     * extension or a setting. Judged by the error class that starts DuckDB's message, since the
     * statement's own literals may appear anywhere after it.
     */
    public static boolean refusedByLockdown(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        return message.startsWith("Permission Error")
                || message.startsWith("Invalid Input Error: Cannot change configuration");
    }

    /** The JDBC connection, for appenders and metadata; statements on it should go through {@link #deadline}. */
    public Connection connection() {
        return connection;
    }

    public Lockdown lockdown() {
        return lockdown;
    }

    /** Runs a statement, stopped when it runs longer than the lockdown's statement timeout. */
    public void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                Deadline deadline = deadline(statement)) {
            deadline.run(() -> statement.execute(sql));
        }
    }

    /** Runs a query and reads its result, under the statement timeout. */
    public <T> T query(String sql, ResultReader<T> reader) throws SQLException {
        try (Statement statement = connection.createStatement();
                Deadline deadline = deadline(statement)) {
            return deadline.call(() -> {
                try (ResultSet rs = statement.executeQuery(sql)) {
                    return reader.read(rs);
                }
            });
        }
    }

    /** Cancels {@code statement} when the statement timeout runs out; close it when the statement is done. */
    public Deadline deadline(Statement statement) {
        return new Deadline(statement, lockdown.statementTimeout());
    }

    /**
     * Another connection to the same database, under the same lockdown: the lock is the database's
     * (DuckDB's configuration is global and locked), so the new connection can loosen nothing either.
     * Lets one sealed database serve several statements side by side.
     */
    public LockedConnection duplicate() throws SQLException {
        return new LockedConnection(
                connection.unwrap(org.duckdb.DuckDBConnection.class).duplicate(), lockdown);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    /** A running statement's time limit. */
    public static final class Deadline implements AutoCloseable {
        private final AtomicBoolean expired = new AtomicBoolean();
        private final ScheduledFuture<?> timer;
        private final Duration limit;

        Deadline(Statement statement, Duration limit) {
            this.limit = limit;
            this.timer = TIMER.schedule(
                    () -> {
                        expired.set(true);
                        try {
                            statement.cancel();
                        } catch (SQLException | RuntimeException ignored) {
                            // the statement already ended
                        }
                    },
                    limit.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        /** Whether the limit ran out (the statement was cancelled because of it). */
        public boolean expired() {
            return expired.get();
        }

        interface SqlCall<T> {
            T call() throws SQLException;
        }

        interface SqlRun {
            void run() throws SQLException;
        }

        <T> T call(SqlCall<T> work) throws SQLException {
            try {
                return work.call();
            } catch (SQLException e) {
                throw translate(e);
            }
        }

        void run(SqlRun work) throws SQLException {
            call(() -> {
                work.run();
                return null;
            });
        }

        /** A cancellation caused by the time limit becomes a clear timeout; anything else is passed on. */
        public SQLException translate(SQLException e) {
            if (expired()) {
                return new SQLTimeoutException(
                        "The statement ran longer than " + describe(limit) + " and was stopped", e);
            }
            return e;
        }

        @Override
        public void close() {
            timer.cancel(false);
        }

        private static String describe(Duration limit) {
            return limit.toSeconds() >= 1 ? limit.toSeconds() + " s" : limit.toMillis() + " ms";
        }
    }
}
