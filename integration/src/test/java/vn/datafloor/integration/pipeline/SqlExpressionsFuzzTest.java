package vn.datafloor.integration.pipeline;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.lake.LockedConnection;

/**
 * Fuzzes the expression validator against the locked connection. A finding is an expression the
 * validator accepts that then reaches outside: DuckDB refusing it for touching a file, an extension
 * or a setting (the lock caught what validation missed), or any result carrying the canary file's
 * secret. Plain test runs replay the seed corpus in {@code SqlExpressionsFuzzTestInputs/}; CI fuzzes
 * for a bounded time with {@code JAZZER_FUZZ=1}.
 */
class SqlExpressionsFuzzTest {

    private static final List<String> COLUMNS = List.of("ho_ten", "ngay_sinh", "so_cccd");
    private static Path directory;
    private static Path canary;
    private static LockedConnection locked;

    @BeforeAll
    static void open() throws Exception {
        directory = Files.createTempDirectory("fuzz-sql");
        canary = Files.writeString(directory.resolve("canary.txt"), "CANARY-7f3a9c");
        Connection c = DuckDbConnections.open(null, "256MB", 1);
        try (Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE t AS SELECT 'Nguyễn Văn An' AS ho_ten, '1990-01-02' AS ngay_sinh, '001090000001' AS so_cccd");
        }
        locked = DuckDbConnections.lock(c, Lockdown.sealed(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void close() throws Exception {
        locked.close();
    }

    @FuzzTest(maxDuration = "60s")
    void acceptedExpressionsNeverReachOutside(String expression) throws Exception {
        if (expression == null) {
            return;
        }
        String probe = expression.replace("CANARY_PATH", canary.toString());
        SqlExpressions.Checked checked = SqlExpressions.check(probe, COLUMNS);
        if (!checked.ok()) {
            return;
        }
        try (Statement statement = locked.connection().createStatement()) {
            statement.setMaxRows(10);
            try (LockedConnection.Deadline deadline = locked.deadline(statement);
                    ResultSet rs = statement.executeQuery("SELECT " + checked.sql() + " AS v FROM t")) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    if (value != null && value.contains("CANARY-7f3a9c")) {
                        throw new AssertionError("accepted expression read the canary file: " + probe);
                    }
                }
            }
        } catch (SQLException e) {
            // Judged by DuckDB's error class, not by text anywhere in the message (a fuzzed 'Cextension(ATH'
            // echoed in a Binder Error is no finding).
            if (LockedConnection.refusedByLockdown(e)) {
                throw new AssertionError(
                        "accepted expression reached for the outside: " + probe + " → " + e.getMessage(), e);
            }
            // ordinary errors (types, conversions, timeouts) are not findings
        }
    }
}
