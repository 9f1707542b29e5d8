package vn.datafloor.spark;

import java.util.List;
import vn.datafloor.linkage.LinkageException;
import vn.datafloor.linkage.LinkageModel.Comparison;
import vn.datafloor.linkage.LinkageModel.Level;

/**
 * The comparison levels in Spark SQL, over a pair of records aliased {@code l} and {@code r}: the same
 * conditions the DuckDB linker compiles (vn.datafloor.linkage.ComparisonSql), level for level, written
 * with Spark's functions. Jaro-Winkler is {@link JaroWinkler}, registered as a function, because Spark
 * has none; SparkLinkerTest checks both engines give the same levels on synthetic people.
 */
final class SparkComparisons {

    static final int NULL_LEVEL = -1;

    private SparkComparisons() {}

    /** The level index of one comparison: -1 when either side is null, 0..k-1 the first level that holds, k else. */
    static String gamma(Comparison comparison) {
        String a = "l." + quote(comparison.column());
        String b = "r." + quote(comparison.column());
        StringBuilder sql = new StringBuilder("CASE WHEN ")
                .append(a)
                .append(" IS NULL OR ")
                .append(b)
                .append(" IS NULL THEN ")
                .append(NULL_LEVEL);
        List<Level> levels = comparison.levels();
        for (int i = 0; i < levels.size(); i++) {
            sql.append(" WHEN coalesce(")
                    .append(condition(levels.get(i), a, b))
                    .append(", false) THEN ")
                    .append(i);
        }
        return sql.append(" ELSE ").append(levels.size()).append(" END").toString();
    }

    static String gammaColumn(Comparison comparison) {
        return quote("g_" + comparison.name());
    }

    static String condition(Level level, String a, String b) {
        String sa = "CAST(" + a + " AS STRING)";
        String sb = "CAST(" + b + " AS STRING)";
        String da = "try_cast(" + a + " AS DATE)";
        String db = "try_cast(" + b + " AS DATE)";
        return switch (level.kind()) {
            case EXACT -> a + " = " + b;
            case JARO_WINKLER -> "jaro_winkler_similarity(" + sa + ", " + sb + ") >= " + dbl(level.parameter());
            case LEVENSHTEIN -> "levenshtein(" + sa + ", " + sb + ") <= " + (int) level.parameter();
            case DAMERAU_LEVENSHTEIN ->
                throw new LinkageException("Level damerau_levenshtein is not available on the Spark engine yet;"
                        + " use levenshtein, or run this model with --engine duckdb");
            case DATE_ONE_COMPONENT ->
                "(CAST(year(" + da + ") <> year(" + db + ") AS INT) + CAST(month(" + da + ") <> month(" + db
                        + ") AS INT) + CAST(day(" + da + ") <> day(" + db + ") AS INT)) = 1";
            case DATE_DAY_MONTH_SWAPPED ->
                "(year(" + da + ") = year(" + db + ") AND month(" + da + ") = day(" + db + ") AND day(" + da
                        + ") = month(" + db + "))";
            case DATE_SAME_YEAR -> "year(" + da + ") = year(" + db + ")";
            case DATE_PARTIAL ->
                "((length(" + sa + ") < 10 OR length(" + sb + ") < 10) AND (startswith(" + sa + ", " + sb
                        + ") OR startswith(" + sb + ", " + sa + ")))";
            case NAME_REORDERED -> "array_sort(split(" + sa + ", ' ')) = array_sort(split(" + sb + ", ' '))";
            // list_has_all(longer, shorter): every word of the shorter name is a word of the longer.
            case NAME_WORDS_CONTAINED ->
                "(CASE WHEN length(" + sa + ") <= length(" + sb + ") THEN size(array_except(split(" + sa
                        + ", ' '), split(" + sb + ", ' '))) = 0 ELSE size(array_except(split(" + sb + ", ' '), split("
                        + sa + ", ' '))) = 0 END)";
            case NUMBER_WITHIN ->
                "abs(try_cast(" + a + " AS DOUBLE) - try_cast(" + b + " AS DOUBLE)) <= " + dbl(level.parameter());
            case ID_ONE_DIGIT -> "(length(" + sa + ") = length(" + sb + ") AND " + hamming(sa, sb) + " = 1)";
            // Two neighbouring characters swapped: exactly two positions differ, next to each other, crosswise equal.
            case ID_TRANSPOSITION -> {
                // get() is null past the end (an index would throw under ANSI mode, which does not short-circuit AND)
                String d = differing(sa, sb);
                yield "(length(" + sa + ") = length(" + sb + ") AND size(" + d + ") = 2 AND get(" + d + ", 1) = get("
                        + d + ", 0) + 1 AND substr(" + sa + ", get(" + d + ", 0), 1) = substr(" + sb + ", get(" + d
                        + ", 1), 1) AND substr(" + sa + ", get(" + d + ", 1), 1) = substr(" + sb + ", get(" + d
                        + ", 0), 1))";
            }
            case SQL -> "(" + level.sql() + ")";
        };
    }

    /** The 1-based positions where two strings of equal length differ. */
    private static String differing(String a, String b) {
        return "filter(sequence(1, length(" + a + ")), i -> substr(" + a + ", i, 1) <> substr(" + b + ", i, 1))";
    }

    private static String hamming(String a, String b) {
        return "size(" + differing(a, b) + ")";
    }

    /** A double exactly as Java holds it (a bare 0.92 is a DECIMAL in Spark SQL). */
    static String dbl(double value) {
        return "CAST('" + value + "' AS DOUBLE)";
    }

    static String quote(String name) {
        return '`' + name.replace("`", "``") + '`';
    }
}
