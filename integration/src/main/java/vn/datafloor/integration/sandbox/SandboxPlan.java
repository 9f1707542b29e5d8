package vn.datafloor.integration.sandbox;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.integration.lake.DuckDbParser;

/**
 * The bounded exact query DuckDB runs for a checked {@link SandboxQuery}, and how its budget is
 * split. The text is assembled only from the table's own column names (quoted), numbers the policy
 * set, and DuckDB's rendering of the checked WHERE tree; nothing the buyer typed is pasted in.
 *
 * <p>Contribution bounding, as Google's differential-privacy library defines it for its bounded
 * aggregations: rows without a person are dropped; each person keeps at most
 * {@code maxContributionsPerPartition} rows in each group (chosen by {@code row_number() OVER
 * (PARTITION BY person, group ORDER BY random())}) and counts in at most
 * {@code maxPartitionsContributed} groups (ranked by a hash of the group salted per query); summed
 * values are clamped to the column's bounds in fixed point. DuckDB's {@code random()} is not a
 * cryptographic generator, and need not be: which rows are kept does not affect the guarantee, only
 * that at most the bound are kept, whatever the choice.
 */
final class SandboxPlan {

    /** What one output column reads from the exact query, and the noise it needs. */
    record Measure(SandboxQuery.Output output, long lower, long upper) {}

    private final SandboxQuery query;
    private final SandboxPolicy policy;
    private final String sql;
    private final List<Measure> measures;
    private final long shareMicros;
    private final int shares;

    private SandboxPlan(
            SandboxQuery query,
            SandboxPolicy policy,
            String sql,
            List<Measure> measures,
            long shareMicros,
            int shares) {
        this.query = query;
        this.policy = policy;
        this.sql = sql;
        this.measures = measures;
        this.shareMicros = shareMicros;
        this.shares = shares;
    }

    /**
     * Plans a checked query over a table whose columns are {@code columns} (lower-case name → name
     * and DuckDB type as the table declares them).
     *
     * @param salt a fresh random number per query, for the choice of groups a person counts in
     */
    static SandboxPlan of(SandboxQuery query, SandboxPolicy policy, Map<String, Column> columns, long salt) {
        Column subject = columns.get(policy.subjectColumn().toLowerCase(Locale.ROOT));
        if (subject == null) {
            throw new IllegalStateException("the sandbox's subject column is not in the table");
        }
        for (String column : query.columns()) {
            if (!columns.containsKey(column)) {
                throw new SandboxException("sandbox.column", "Unknown column " + column);
            }
        }
        if (query.where() != null) {
            FilterTypes.check(query.where(), columns);
        }
        List<Measure> measures = new ArrayList<>();
        for (SandboxQuery.Output output : query.outputs()) {
            if (output.aggregate() == SandboxQuery.Aggregate.SUM || output.aggregate() == SandboxQuery.Aggregate.AVG) {
                Column column = columns.get(output.column());
                SandboxPolicy.Bounds bounds = policy.boundsOf(output.column());
                if (bounds == null) {
                    throw new SandboxException(
                            "sandbox.bounds",
                            "No bounds are declared for column " + column.name() + ": it cannot be summed or averaged");
                }
                if (!column.numeric()) {
                    throw new SandboxException(
                            "sandbox.column", "Column " + column.name() + " is not numeric: it cannot be summed");
                }
                measures.add(new Measure(output, policy.scaled(bounds.lower()), policy.scaled(bounds.upper())));
            } else {
                measures.add(new Measure(output, 0, 0));
            }
        }
        int shares = 1
                + (query.groupColumns().isEmpty() ? 0 : 1)
                + (int) query.outputs().stream()
                        .filter(o -> o.aggregate() != SandboxQuery.Aggregate.GROUP)
                        .count();
        long share = policy.epsilonPerQueryMicros() / shares;
        if (share < 2) {
            throw new IllegalStateException("epsilon per query too small to split among " + shares + " measures");
        }
        String sql = sql(query, policy, columns, subject, measures, salt);
        return new SandboxPlan(query, policy, sql, List.copyOf(measures), share, shares);
    }

    /** A column of the contracted table. */
    record Column(String name, String type) {
        static final Set<String> INTEGERS =
                Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT");
        static final Set<String> HUGE = Set.of("HUGEINT", "UHUGEINT");
        static final Set<String> FLOATS = Set.of("FLOAT", "DOUBLE", "REAL");

        boolean numeric() {
            String base = base();
            return INTEGERS.contains(base) || HUGE.contains(base) || FLOATS.contains(base) || "DECIMAL".equals(base);
        }

        /** The type without its parameters: DECIMAL for DECIMAL(18,2). */
        String base() {
            String upper = type.toUpperCase(Locale.ROOT);
            int paren = upper.indexOf('(');
            return paren < 0 ? upper : upper.substring(0, paren);
        }

        /** Width and scale of a DECIMAL(w,s) column (DuckDB's default DECIMAL is (18,3)). */
        int[] decimal() {
            String upper = type.toUpperCase(Locale.ROOT);
            int open = upper.indexOf('(');
            int comma = upper.indexOf(',');
            int close = upper.indexOf(')');
            if (open < 0 || comma < 0 || close < 0) {
                return new int[] {18, 3};
            }
            return new int[] {
                Integer.parseInt(upper.substring(open + 1, comma).strip()),
                Integer.parseInt(upper.substring(comma + 1, close).strip())
            };
        }
    }

    private static String sql(
            SandboxQuery query,
            SandboxPolicy policy,
            Map<String, Column> columns,
            Column subject,
            List<Measure> measures,
            long salt) {
        String person = identifier(subject.name());
        List<String> groups = query.groupColumns().stream()
                .map(c -> identifier(columns.get(c).name()))
                .toList();
        long scale = pow10(policy.precision());

        List<String> keep = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            keep.add(groups.get(i) + " AS g" + i);
        }
        keep.add(person + " AS p");
        for (int i = 0; i < measures.size(); i++) {
            Measure measure = measures.get(i);
            switch (measure.output().aggregate()) {
                case COUNT ->
                    keep.add(identifier(columns.get(measure.output().column()).name()) + " AS v" + i);
                case SUM, AVG -> {
                    String column =
                            identifier(columns.get(measure.output().column()).name());
                    // greatest/least skip NULLs, so a NULL must stay NULL before clamping
                    keep.add("CASE WHEN " + column + " IS NULL THEN NULL ELSE CAST(least(greatest(round(CAST("
                            + column + " AS DOUBLE) * " + scale + "), " + measure.lower() + "), "
                            + measure.upper() + ") AS BIGINT) END AS v" + i);
                }
                default -> {
                    // COUNT(*) and grouping columns need no value
                }
            }
        }
        String partition = groups.isEmpty() ? person : person + ", " + String.join(", ", groups);
        keep.add("row_number() OVER (PARTITION BY " + partition + " ORDER BY random()) AS row_in_group");
        if (!groups.isEmpty()) {
            keep.add("dense_rank() OVER (PARTITION BY " + person + " ORDER BY hash(" + String.join(", ", groups) + ", "
                    + salt + "), " + String.join(", ", groups) + ") AS group_rank");
        }

        List<String> select = new ArrayList<>();
        List<String> groupAliases = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            groupAliases.add("g" + i);
        }
        select.addAll(groupAliases);
        select.add("count(DISTINCT p)");
        for (int i = 0; i < measures.size(); i++) {
            switch (measures.get(i).output().aggregate()) {
                case COUNT_STAR -> select.add("count(*)");
                case COUNT -> select.add("count(v" + i + ")");
                case SUM -> select.add("CAST(coalesce(sum(v" + i + "), 0) AS VARCHAR)");
                case AVG -> {
                    select.add("CAST(coalesce(sum(v" + i + "), 0) AS VARCHAR)");
                    select.add("count(v" + i + ")");
                }
                default -> {
                    // grouping columns are selected above
                }
            }
        }
        StringBuilder sql = new StringBuilder()
                .append("WITH filtered AS (")
                .append(filtered(query))
                .append("), ranked AS (SELECT ")
                .append(String.join(", ", keep))
                .append(" FROM filtered WHERE ")
                .append(person)
                .append(" IS NOT NULL) SELECT ")
                .append(String.join(", ", select))
                .append(" FROM ranked WHERE row_in_group <= ")
                .append(policy.maxContributionsPerPartition());
        if (!groups.isEmpty()) {
            sql.append(" AND group_rank <= ").append(policy.maxPartitionsContributed());
            sql.append(" GROUP BY ").append(String.join(", ", groupAliases));
            List<String> order = new ArrayList<>();
            List<String> ordered = new ArrayList<>();
            for (SandboxQuery.Order term : query.order()) {
                String alias = "g" + query.groupColumns().indexOf(term.column());
                if (!ordered.contains(alias)) {
                    order.add(alias + (term.descending() ? " DESC" : " ASC"));
                    ordered.add(alias);
                }
            }
            for (String alias : groupAliases) {
                if (!ordered.contains(alias)) {
                    order.add(alias + " ASC");
                }
            }
            sql.append(" ORDER BY ").append(String.join(", ", order));
        }
        return sql.toString();
    }

    /**
     * {@code SELECT * FROM table WHERE <checked condition>}, written by DuckDB from a tree: the
     * template is parsed from trusted text and the buyer's checked WHERE tree is put into it.
     */
    private static String filtered(SandboxQuery query) {
        DuckDbParser.Parsed template = DuckDbParser.parseSelect("SELECT * FROM " + identifier(query.table()));
        if (!template.ok()) {
            throw new IllegalStateException("the sandbox template does not parse");
        }
        JsonNode statements = template.statements().deepCopy();
        if (query.where() != null) {
            ((ObjectNode) statements.get(0).path("node"))
                    .set("where_clause", query.where().deepCopy());
        }
        String sql = DuckDbParser.toSql(statements);
        if (!sql.startsWith("SELECT ")) {
            throw new IllegalStateException("DuckDB wrote the filter back as something else than a SELECT");
        }
        return sql;
    }

    static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }

    SandboxQuery query() {
        return query;
    }

    SandboxPolicy policy() {
        return policy;
    }

    String sql() {
        return sql;
    }

    List<Measure> measures() {
        return measures;
    }

    /** ε (millionths) of each measure: the person count for selection, the group count, each aggregate. */
    long shareMicros() {
        return shareMicros;
    }

    /** What the answer spends: every share, whether or not the groups pass the threshold. */
    long costMicros() {
        return shareMicros * shares;
    }

    boolean grouped() {
        return !query.groupColumns().isEmpty();
    }

    /**
     * The smallest noisy number of persons a group needs to be released. Without GROUP BY the one
     * row always exists, so k alone decides (plain post-processing of an ε-DP count). With GROUP BY
     * a group's very existence may be one person's doing: a group of one person passes with
     * probability P[1 + Z ≥ τ] = α^(τ-1)/(1+α), α = e^(-ε/Δ), for each of the Δ groups that person
     * may be in; τ is the smallest threshold, at least k, that keeps Δ·α^(τ-1)/(1+α) ≤
     * {@link SandboxPolicy#SELECTION_DELTA}. (A threshold, not a sample: doubles are fine here.)
     */
    long threshold() {
        long k = policy.minimumGroupSize();
        if (!grouped()) {
            return k;
        }
        return Math.max(k, selectionThreshold(partitionsPerPerson(), shareMicros, SandboxPolicy.SELECTION_DELTA));
    }

    static long selectionThreshold(long partitions, long microEpsilon, double delta) {
        double epsilonPerGroup = microEpsilon / (double) DiscreteLaplace.MICROS / partitions;
        double alpha = Math.exp(-epsilonPerGroup);
        double steps = Math.log(partitions / (delta * (1 + alpha))) / epsilonPerGroup;
        return 1 + (long) Math.ceil(Math.max(0, steps));
    }

    /** Groups one person may count in: the policy's bound, or 1 without GROUP BY. */
    long partitionsPerPerson() {
        return grouped() ? policy.maxPartitionsContributed() : 1;
    }
}
