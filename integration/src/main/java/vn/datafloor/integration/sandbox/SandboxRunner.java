package vn.datafloor.integration.sandbox;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.LockedConnection;

/**
 * Answers a buyer's sandbox query with differential privacy: checks it ({@link SandboxQuery}),
 * charges the agreement's budget, runs the contribution-bounded exact query on a locked connection
 * ({@link SandboxPlan}), then adds discrete Laplace noise in Java and suppresses groups whose noisy
 * number of persons is below k (with GROUP BY, below the larger threshold {@link SandboxPlan#threshold}
 * that bounds δ of releasing the group keys).
 *
 * <p>The answer's ε is split evenly into shares: one for the noisy number of persons per group (the
 * threshold), one for the noisy number of groups (the suppressed count; grouped queries only), and
 * one per aggregate; AVG splits its share between a noisy count and a noisy sum, as Google's
 * BoundedMean does. Sequential composition makes the answer ε-DP for the share sum, apart from the
 * release of group keys, which thresholding makes (ε, δ)-DP with δ = {@link
 * SandboxPolicy#SELECTION_DELTA}.
 */
public final class SandboxRunner {

    private final SandboxPolicy policy;
    private final NoiseSource noise;
    private final RandomGenerator random;

    /** A runner with noise from {@link SecureRandom}: the one to answer buyers with. */
    public SandboxRunner(SandboxPolicy policy) {
        this(policy, new DiscreteLaplace(new SecureRandom()), new SecureRandom());
    }

    /** Tests only: {@link NoiseSource#NONE} shows the bounded exact aggregates. */
    SandboxRunner(SandboxPolicy policy, NoiseSource noise, RandomGenerator random) {
        this.policy = policy;
        this.noise = noise;
        this.random = random;
    }

    /**
     * Answers {@code sql} over the connection's contracted table (trusted code has created it under
     * {@link SandboxPolicy#table()} and locked the connection).
     *
     * @throws SandboxException when the query is refused ({@code sandbox.*} codes from
     *     {@link SandboxQuery}), the budget cannot pay for it ({@code sandbox.budget}, nothing run),
     *     or DuckDB could not run it ({@code sandbox.execution}, {@code sandbox.timeout}; nothing
     *     released, nothing spent, and DuckDB's message, which may quote values, is not passed on)
     */
    public SandboxResult run(LockedConnection connection, String sql, PrivacyBudget budget) {
        SandboxQuery query = SandboxQuery.validate(sql, policy.table());
        SandboxPlan plan = SandboxPlan.of(query, policy, columns(connection), random.nextLong());
        PrivacyBudget after = budget.spend(plan.costMicros());
        List<ExactGroup> exact;
        try {
            exact = connection.query(plan.sql(), rs -> {
                List<ExactGroup> groups = new ArrayList<>();
                int width = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> values = new ArrayList<>(width);
                    for (int i = 0; i < width; i++) {
                        values.add(rs.getObject(i + 1));
                    }
                    groups.add(new ExactGroup(values));
                }
                return groups;
            });
        } catch (SQLTimeoutException e) {
            throw new SandboxException("sandbox.timeout", "The query ran too long and was stopped");
        } catch (SQLException e) {
            throw new SandboxException("sandbox.execution", "The query could not be run on this table");
        }
        return release(plan, exact, after);
    }

    /** One row of the exact bounded query: group values, persons, then each measure's values. */
    record ExactGroup(List<Object> values) {}

    SandboxResult release(SandboxPlan plan, List<ExactGroup> exact, PrivacyBudget after) {
        long share = plan.shareMicros();
        long partitions = plan.partitionsPerPerson();
        long rowsPerPerson = Math.multiplyExact(partitions, policy.maxContributionsPerPartition());
        int groupWidth = plan.query().groupColumns().size();
        long threshold = plan.threshold();
        List<List<Object>> rows = new ArrayList<>();
        for (ExactGroup group : exact) {
            List<Object> values = group.values();
            long persons = ((Number) values.get(groupWidth)).longValue();
            if (persons + noise.sample(partitions, share) < threshold) {
                continue;
            }
            List<Object> row = new ArrayList<>();
            int next = groupWidth + 1;
            for (SandboxPlan.Measure measure : plan.measures()) {
                SandboxQuery.Output output = measure.output();
                switch (output.aggregate()) {
                    case GROUP -> row.add(values.get(plan.query().groupColumns().indexOf(output.column())));
                    case COUNT_STAR, COUNT -> {
                        long count = ((Number) values.get(next++)).longValue();
                        row.add(Math.max(0, count + noise.sample(rowsPerPerson, share)));
                    }
                    case SUM -> {
                        BigInteger sum = new BigInteger(values.get(next++).toString());
                        long sensitivity = Math.multiplyExact(
                                rowsPerPerson,
                                Math.max(1, Math.max(Math.abs(measure.lower()), Math.abs(measure.upper()))));
                        BigInteger noisy = sum.add(BigInteger.valueOf(noise.sample(sensitivity, share)));
                        row.add(new BigDecimal(noisy, policy.precision()));
                    }
                    case AVG -> {
                        BigInteger sum = new BigInteger(values.get(next++).toString());
                        long count = ((Number) values.get(next++)).longValue();
                        row.add(mean(measure, sum, count, rowsPerPerson, share));
                    }
                }
            }
            rows.add(row);
        }
        long suppressed;
        if (plan.grouped()) {
            // The exact number of groups minus the released ones would count the small groups
            // exactly; a noisy number of groups (one person adds at most maxPartitions) does not.
            long noisyGroups = exact.size() + noise.sample(partitions, share);
            suppressed = Math.max(0, noisyGroups - rows.size());
        } else {
            suppressed = (long) exact.size() - rows.size();
        }
        return new SandboxResult(
                plan.query().labels(), rows, suppressed, PrivacyBudget.epsilon(plan.costMicros()), after);
    }

    /**
     * Google's BoundedMean: a noisy count (half the share) and a noisy sum of values shifted to the
     * interval's middle (the other half), so the sum's sensitivity is half the interval's width; the
     * quotient is clamped to the bounds. In fixed point, 2·v − (lower + upper) keeps it an integer.
     */
    private BigDecimal mean(SandboxPlan.Measure measure, BigInteger sum, long count, long rowsPerPerson, long share) {
        long countShare = share / 2;
        long sumShare = share - countShare;
        long lower = measure.lower();
        long upper = measure.upper();
        long noisyCount = Math.max(1, count + noise.sample(rowsPerPerson, countShare));
        BigInteger shifted =
                sum.shiftLeft(1).subtract(BigInteger.valueOf(count).multiply(BigInteger.valueOf(lower + upper)));
        long sensitivity = Math.multiplyExact(rowsPerPerson, Math.max(1, upper - lower));
        BigInteger noisyShifted = shifted.add(BigInteger.valueOf(noise.sample(sensitivity, sumShare)));
        BigDecimal scaledMean = new BigDecimal(noisyShifted)
                .divide(BigDecimal.valueOf(2 * noisyCount), MathContext.DECIMAL128)
                .add(BigDecimal.valueOf(lower + upper).divide(BigDecimal.valueOf(2), MathContext.DECIMAL128));
        BigDecimal clamped = scaledMean.max(BigDecimal.valueOf(lower)).min(BigDecimal.valueOf(upper));
        return clamped.movePointLeft(policy.precision()).setScale(policy.precision(), RoundingMode.HALF_EVEN);
    }

    private Map<String, SandboxPlan.Column> columns(LockedConnection connection) {
        try {
            return connection.query(
                    "SELECT * FROM " + DuckDbConnections.identifier(policy.table()) + " LIMIT 0", rs -> {
                        ResultSetMetaData meta = rs.getMetaData();
                        Map<String, SandboxPlan.Column> columns = new LinkedHashMap<>();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            columns.put(
                                    meta.getColumnName(i).toLowerCase(Locale.ROOT),
                                    new SandboxPlan.Column(meta.getColumnName(i), meta.getColumnTypeName(i)));
                        }
                        return columns;
                    });
        } catch (SQLException e) {
            throw new IllegalStateException("the sandbox's table is not on the connection", e);
        }
    }
}
