package vn.datafloor.integration.access;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the SQL channel. A finding is a query the checks accept that then reaches past the
 * lockdown (DuckDB refuses it for a file, an extension or a setting), or any result holding the
 * canary file's text or a clear citizen id (the column is masked). Plain test runs replay the seed
 * corpus in {@code AccessSqlFuzzTestInputs/}; CI fuzzes for a bounded time with {@code JAZZER_FUZZ=1}.
 */
class AccessSqlFuzzTest {

    private static Path directory;
    private static Path canary;
    private static Path parquet;
    private static AccessSession session;

    @BeforeAll
    static void open() throws Exception {
        directory = Files.createTempDirectory("fuzz-access");
        canary = Files.writeString(directory.resolve("canary.txt"), "CANARY-5b1e07");
        parquet = People.write(directory);
        session = AccessSession.open(
                List.of(People.view(
                        parquet, Map.of("citizen_id", Mask.LAST4), List.of(), Optional.empty(), People.key(1))),
                AccessLimits.defaults().withStatementTimeout(Duration.ofSeconds(2)),
                directory.resolve("work"));
    }

    @AfterAll
    static void close() throws Exception {
        session.close();
    }

    @FuzzTest(maxDuration = "60s")
    void acceptedQueriesNeverReachOutside(String sql) {
        if (sql == null) {
            return;
        }
        String probe = sql.replace("CANARY_PATH", canary.toString()).replace("RAW_PATH", parquet.toString());
        QueryResult result;
        try {
            result = session.query(probe, 50);
        } catch (AccessException e) {
            if (e.code() == AccessException.Code.REFUSED_BY_LOCKDOWN) {
                throw new AssertionError("accepted query reached for the outside: " + probe, e);
            }
            return; // refused by the checks, or an ordinary error (types, timeouts)
        }
        for (List<Object> row : result.rows()) {
            for (Object value : row) {
                String text = String.valueOf(value);
                if (text.contains("CANARY-5b1e07") || text.matches("(?s).*0790000000[0-9]{2}.*")) {
                    throw new AssertionError("accepted query returned what it may not: " + probe);
                }
            }
        }
    }
}
