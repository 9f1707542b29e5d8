package vn.datafloor.linkage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import vn.datafloor.linkage.LinkageModel.Comparison;

/**
 * EM for the m probabilities of Fellegi–Sunter over one blocking rule's pairs, with u held at the
 * values measured on random pairs. Pairs are first collapsed to distinct comparison vectors with a
 * count (a few hundred rows however many pairs), so each iteration is one small SQL aggregate: the
 * E step computes each vector's match probability, the M step sums it per level.
 */
final class ExpectationMaximisation {

    record Result(double[][] m, double lambda, int iterations, boolean converged) {}

    private static final double FLOOR = 1e-6;

    private final Connection db;
    private final List<Comparison> comparisons;
    private final List<Integer> used;
    private final String ruleColumn;
    private final double[][] u;
    private final int maxIterations;
    private final double tolerance;

    ExpectationMaximisation(
            Connection db,
            List<Comparison> comparisons,
            List<Integer> used,
            String ruleColumn,
            double[][] u,
            int maxIterations,
            double tolerance) {
        this.db = db;
        this.comparisons = comparisons;
        this.used = used;
        this.ruleColumn = ruleColumn;
        this.u = u;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /** Starting m: most matches agree exactly, a few fall in the fuzzy levels, fewer still in "else". */
    static double[] initialM(int levels) {
        double[] m = new double[levels];
        if (levels == 1) {
            m[0] = 1;
            return m;
        }
        m[0] = 0.85;
        m[levels - 1] = 0.05;
        for (int k = 1; k < levels - 1; k++) {
            m[k] = 0.10 / (levels - 2);
        }
        if (levels == 2) {
            m[0] = 0.95;
        }
        return m;
    }

    Result run(double startLambda) {
        double[][] m = new double[comparisons.size()][];
        for (int c : used) {
            m[c] = initialM(comparisons.get(c).levels().size() + 1);
        }
        double lambda = startLambda;
        StringBuilder columns = new StringBuilder();
        for (int c : used) {
            columns.append(columns.length() == 0 ? "" : ", ").append(ComparisonSql.gammaColumn(comparisons.get(c)));
        }
        execute("CREATE OR REPLACE TEMP TABLE em_patterns AS SELECT " + columns + ", count(*)::DOUBLE AS n"
                + " FROM vectors WHERE " + ruleColumn + " GROUP BY ALL");
        int iteration = 0;
        boolean converged = false;
        while (iteration < maxIterations && !converged) {
            iteration++;
            double[][] sums = new double[comparisons.size()][];
            for (int c : used) {
                sums[c] = new double[m[c].length];
            }
            double newLambda = lambda;
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery(iterationSql(m, lambda))) {
                while (rs.next()) {
                    int c = rs.getInt(1);
                    if (c < 0) {
                        newLambda = rs.getDouble(3);
                    } else {
                        sums[c][rs.getInt(2)] = rs.getDouble(3);
                    }
                }
            } catch (SQLException e) {
                throw new LinkageException("EM iteration failed: " + e.getMessage(), e);
            }
            double change = Math.abs(newLambda - lambda);
            for (int c : used) {
                double total = 0;
                for (double v : sums[c]) {
                    total += v;
                }
                if (total <= 0) {
                    continue; // no expected matches saw this field: keep the previous m
                }
                double norm = 0;
                double[] next = new double[m[c].length];
                for (int k = 0; k < next.length; k++) {
                    next[k] = Math.max(sums[c][k] / total, FLOOR);
                    norm += next[k];
                }
                for (int k = 0; k < next.length; k++) {
                    next[k] /= norm;
                    change = Math.max(change, Math.abs(next[k] - m[c][k]));
                }
                m[c] = next;
            }
            lambda = Math.min(Math.max(newLambda, FLOOR), 1 - FLOOR);
            converged = change < tolerance;
        }
        execute("DROP TABLE em_patterns");
        return new Result(m, lambda, iteration, converged);
    }

    /**
     * One E+M step: p = 1 / (1 + 2^−(log2 λ/(1−λ) + Σ log2 m/u)) per vector, then Σ n·p per
     * comparison level (rows c, level, mass) and Σ n·p / Σ n as the new λ (row −1).
     */
    private String iterationSql(double[][] m, double lambda) {
        // Literals as DOUBLE: DuckDB would type "0.1234…" as a narrow DECIMAL and overflow on a larger branch.
        StringBuilder weight =
                new StringBuilder().append(ComparisonSql.dbl(Math.log(lambda / (1 - lambda)) / Math.log(2)));
        for (int c : used) {
            weight.append(" + CASE ").append(ComparisonSql.gammaColumn(comparisons.get(c)));
            for (int k = 0; k < m[c].length; k++) {
                weight.append(" WHEN ")
                        .append(k)
                        .append(" THEN ")
                        .append(ComparisonSql.dbl(Math.log(m[c][k] / u[c][k]) / Math.log(2)));
            }
            weight.append(" ELSE 0.0 END");
        }
        StringBuilder sql = new StringBuilder("WITH p AS (SELECT *, n / (1.0 + pow(2.0, -(")
                .append(weight)
                .append("))) AS np FROM em_patterns) ");
        for (int c : used) {
            String g = ComparisonSql.gammaColumn(comparisons.get(c));
            sql.append("SELECT ")
                    .append(c)
                    .append(" AS c, ")
                    .append(g)
                    .append(" AS level, sum(np) AS mass FROM p WHERE ")
                    .append(g)
                    .append(" >= 0 GROUP BY ")
                    .append(g)
                    .append(" UNION ALL ");
        }
        return sql.append("SELECT -1, -1, sum(np) / sum(n) FROM p").toString();
    }

    private void execute(String sql) {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new LinkageException("EM failed: " + e.getMessage(), e);
        }
    }
}
