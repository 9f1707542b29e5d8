package vn.datafloor.server.storage;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips the PostgreSQL suite, with a reason in the report, when no server is configured. A condition
 * rather than an assumption inside the class: it is decided before Spring tries to build the context,
 * which without a server would fail instead of skip, and a skipped class shows up as skipped in the
 * surefire summary (an assumption in {@code @BeforeAll} would make the class vanish from the counts).
 */
class PostgresConfigured implements ExecutionCondition {

    static final String URL_VARIABLE = "DATAFLOOR_TEST_PG_URL";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String url = System.getenv(URL_VARIABLE);
        return url == null || url.isBlank()
                ? ConditionEvaluationResult.disabled(URL_VARIABLE + " not set: PostgreSQL suite skipped")
                : ConditionEvaluationResult.enabled(URL_VARIABLE + " is set");
    }
}
