package vn.datafloor.server.access;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.access.AccessView;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lockdown;
import vn.datafloor.integration.lake.LockedConnection;
import vn.datafloor.integration.lake.PrivateFiles;
import vn.datafloor.integration.sandbox.PrivacyBudget;
import vn.datafloor.integration.sandbox.SandboxException;
import vn.datafloor.integration.sandbox.SandboxPolicy;
import vn.datafloor.integration.sandbox.SandboxResult;
import vn.datafloor.integration.sandbox.SandboxRunner;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemException;

/**
 * The "usable but not visible" channel: aggregate queries answered with differential-privacy noise
 * (docs/sandbox.md), each spending the agreement's privacy budget ε, kept here with compare-and-set so
 * two answers never spend the same remainder.
 */
@Component
class SandboxChannel {

    private final JdbcClient jdbc;
    private final Clock clock;
    private final BigDecimal totalEpsilon;
    private final BigDecimal epsilonPerQuery;
    private final BigDecimal upperBound;
    private final DatasetService datasets;
    private final Path scratch;

    SandboxChannel(
            JdbcClient jdbc,
            Clock clock,
            @Value("${datafloor.access.sandbox.epsilon-total:10}") BigDecimal totalEpsilon,
            @Value("${datafloor.access.sandbox.epsilon-per-query:1}") BigDecimal epsilonPerQuery,
            @Value("${datafloor.access.sandbox.upper-bound:1000000000}") BigDecimal upperBound,
            DatasetService datasets,
            DatafloorProperties properties) {
        this.datasets = datasets;
        this.scratch = properties.dataDir().resolve("access").resolve("sandbox");
        this.jdbc = jdbc;
        this.clock = clock;
        this.totalEpsilon = totalEpsilon;
        this.epsilonPerQuery = epsilonPerQuery;
        this.upperBound = upperBound;
    }

    /** The agreement's budget now: its full ε before the first answer. */
    PrivacyBudget budget(long agreementId) {
        return jdbc.sql("select total_micro, spent_micro from access_sandbox_budget where contract_id = ?")
                .param(agreementId)
                .query((rs, n) -> new PrivacyBudget(rs.getLong(1), rs.getLong(2)))
                .optional()
                .orElseGet(() -> new PrivacyBudget(PrivacyBudget.microEpsilon(totalEpsilon), 0));
    }

    /**
     * Answers {@code sql} over the view (its masks applied, the consent filter too) with noise, spends the
     * budget and returns the answer; refuses with the engine's reason.
     */
    SandboxResult answer(long agreementId, AccessView view, List<CatalogEntry.Column> columns, String sql) {
        PrivacyBudget before = budget(agreementId);
        Map<String, SandboxPolicy.Bounds> bounds = new LinkedHashMap<>();
        for (CatalogEntry.Column column : columns) {
            if (numeric(column.type()) && !view.masks().containsKey(column.name())) {
                // Fixed bounds, not the data's own extremes, which would themselves disclose (docs/sandbox.md).
                bounds.put(column.name(), new SandboxPolicy.Bounds(BigDecimal.ZERO, upperBound));
            }
        }
        SandboxPolicy policy = SandboxPolicy.of(view.name(), view.subjectColumn(), bounds, epsilonPerQuery);
        SandboxResult result;
        try (LockedConnection connection = open(view, datasets, scratch)) {
            result = new SandboxRunner(policy).run(connection, sql, before);
        } catch (SandboxException e) {
            throw new ProblemException(
                    "sandbox.budget".equals(e.code())
                            ? org.springframework.http.HttpStatus.CONFLICT
                            : org.springframework.http.HttpStatus.BAD_REQUEST,
                    "access.sandbox",
                    e.getMessage(),
                    e.getMessage());
        } catch (SQLException e) {
            throw new IllegalStateException("The sandbox could not be opened", e);
        }
        spend(agreementId, before, result.budget());
        return result;
    }

    private void spend(long agreementId, PrivacyBudget before, PrivacyBudget after) {
        Timestamp now = Timestamp.from(clock.instant());
        int updated = jdbc.sql("update access_sandbox_budget set spent_micro = ?, updated_at = ? "
                        + "where contract_id = ? and spent_micro = ?")
                .params(after.spentMicroEpsilon(), now, agreementId, before.spentMicroEpsilon())
                .update();
        if (updated == 1) {
            return;
        }
        try {
            if (before.spentMicroEpsilon() == 0) {
                jdbc.sql("insert into access_sandbox_budget(contract_id, total_micro, spent_micro, updated_at) "
                                + "values (?,?,?,?)")
                        .params(agreementId, after.totalMicroEpsilon(), after.spentMicroEpsilon(), now)
                        .update();
                return;
            }
        } catch (org.springframework.dao.DuplicateKeyException concurrentFirstAnswer) {
            // another answer spent first: this one is withheld below
        }
        throw ProblemException.conflict(
                "access.sandboxConcurrent", "Another answer spent this budget meanwhile; send the query again");
    }

    /** A DuckDB connection holding the view as a table of the agreement's name, then locked down. */
    private static LockedConnection open(AccessView view, DatasetService datasets, Path scratch) throws SQLException {
        Connection duck = DuckDbConnections.open(null, "512MB", 1);
        // Decrypted after the grant, only until the view is materialised below (docs/encryption.md).
        try (Statement statement = duck.createStatement();
                ClearVersion clear = datasets.clear(view.files(), PrivateFiles.createDirectory(scratch))) {
            String source = clear.readExpression();
            if (view.consent().isPresent()) {
                statement.execute("CREATE TEMP TABLE consented(id VARCHAR PRIMARY KEY)");
                try (PreparedStatement insert = duck.prepareStatement("INSERT INTO consented VALUES (?)")) {
                    for (String id : view.consent().get().consented()) {
                        insert.setString(1, id);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                source = "(SELECT * FROM " + source + " WHERE CAST("
                        + DuckDbConnections.identifier(view.consent().get().subjectColumn())
                        + " AS VARCHAR) IN (SELECT id FROM consented))";
            }
            if (!view.rowFilters().isEmpty()) {
                // The terms' row scope, as every other channel applies it (PermittedViews): noise is no licence to
                // answer over rows that were not sold.
                source = "(SELECT * FROM " + source + " WHERE "
                        + view.rowFilters().stream()
                                .map(f -> f.sql(DuckDbConnections.identifier(f.column())))
                                .collect(java.util.stream.Collectors.joining(" AND "))
                        + ")";
            }
            // Materialised before lockdown: the locked connection then reads no file at all.
            statement.execute("CREATE TEMP TABLE " + DuckDbConnections.identifier(view.name()) + " AS SELECT "
                    + String.join(
                            ", ",
                            view.visibleColumns().stream()
                                    .map(DuckDbConnections::identifier)
                                    .toList())
                    + " FROM " + source);
        } catch (SQLException | RuntimeException e) {
            duck.close();
            throw e;
        } catch (java.io.IOException e) {
            duck.close();
            throw new java.io.UncheckedIOException(e);
        }
        return DuckDbConnections.lock(duck, Lockdown.sealed(Duration.ofSeconds(30)));
    }

    private static boolean numeric(String type) {
        if (type == null) {
            return false;
        }
        String t = type.toUpperCase(Locale.ROOT);
        return t.contains("INT")
                || t.contains("DECIMAL")
                || t.contains("DOUBLE")
                || t.contains("FLOAT")
                || t.contains("NUMERIC")
                || t.contains("REAL");
    }
}
