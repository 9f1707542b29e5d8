package vn.datafloor.integration.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/**
 * Functions (DuckDB macros, reference tables) a run's expressions may use, installed into each
 * run's database. The standardizers are one; a deployment may add its own.
 */
public interface SqlLibrary {

    void install(Connection duck) throws SQLException;

    /** Function names expressions may call; added to the {@link SqlExpressions} allow-list. */
    Set<String> functions();

    SqlLibrary NONE = new SqlLibrary() {
        @Override
        public void install(Connection duck) {}

        @Override
        public Set<String> functions() {
            return Set.of();
        }
    };
}
