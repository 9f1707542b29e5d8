package vn.datafloor.linkage;

import static vn.datafloor.integration.lake.DuckDbConnections.identifier;

import java.util.List;
import vn.datafloor.linkage.LinkageModel.Comparison;
import vn.datafloor.linkage.LinkageModel.Level;

/**
 * Compiles comparisons to SQL over a pair of records aliased {@code l} and {@code r}. A comparison
 * vector holds one level index per comparison: -1 when either side is null (no evidence), 0..k-1 for
 * the configured levels in order (the first that holds wins), k for "else".
 */
final class ComparisonSql {

    /** A double as a DOUBLE literal: a plain "0.1234…" would be a narrow DECIMAL in DuckDB. */
    static String dbl(double value) {
        return "CAST(" + value + " AS DOUBLE)";
    }

    static final int NULL_LEVEL = -1;

    private ComparisonSql() {}

    /** The SQL expression giving the level index of one comparison. */
    static String gamma(Comparison comparison) {
        String a = "l." + identifier(comparison.column());
        String b = "r." + identifier(comparison.column());
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

    /** The gamma column name of a comparison in comparison-vector tables. */
    static String gammaColumn(Comparison comparison) {
        return identifier("g_" + comparison.name());
    }

    /**
     * One level's condition. Strings are compared as given: fold them in the input's column
     * expression (std_name_key, std_fold), once per record instead of once per pair.
     */
    static String condition(Level level, String a, String b) {
        String sa = a + "::VARCHAR";
        String sb = b + "::VARCHAR";
        String da = "TRY_CAST(" + a + " AS DATE)";
        String db = "TRY_CAST(" + b + " AS DATE)";
        return switch (level.kind()) {
            case EXACT -> a + " = " + b;
            case JARO_WINKLER -> "jaro_winkler_similarity(" + sa + ", " + sb + ") >= " + level.parameter();
            case LEVENSHTEIN -> "levenshtein(" + sa + ", " + sb + ") <= " + (int) level.parameter();
            case DAMERAU_LEVENSHTEIN -> "damerau_levenshtein(" + sa + ", " + sb + ") <= " + (int) level.parameter();
            // Exactly one of year, month, day differs: a typo in one part of the date.
            case DATE_ONE_COMPONENT ->
                "((year(" + da + ") <> year(" + db + "))::INTEGER + (month(" + da + ") <> month(" + db
                        + "))::INTEGER + (day(" + da + ") <> day(" + db + "))::INTEGER) = 1";
            // 05/03 read as 03/05: the commonest date error between dd/MM and MM/dd systems.
            case DATE_DAY_MONTH_SWAPPED ->
                "(year(" + da + ") = year(" + db + ") AND month(" + da + ") = day(" + db + ") AND day(" + da
                        + ") = month(" + db + "))";
            case DATE_SAME_YEAR -> "year(" + da + ") = year(" + db + ")";
            // Values of std_partial_date ('yyyy', 'yyyy-MM', 'yyyy-MM-dd'): at least one side is known only
            // to the year or month and the parts both sides know agree. Whole dates that agree are exact.
            case DATE_PARTIAL ->
                "((length(" + sa + ") < 10 OR length(" + sb + ") < 10) AND (starts_with(" + sa + ", " + sb
                        + ") OR starts_with(" + sb + ", " + sa + ")))";
            // The same words in another order: family name last, as bank and foreign systems write it.
            case NAME_REORDERED ->
                "list_sort(string_split(" + sa + ", ' ')) = list_sort(string_split(" + sb + ", ' '))";
            // Every word of the shorter name is in the longer one: a middle name left out or added.
            case NAME_WORDS_CONTAINED ->
                "(CASE WHEN length(" + sa + ") <= length(" + sb + ") THEN list_has_all(string_split(" + sb
                        + ", ' '), string_split(" + sa + ", ' ')) ELSE list_has_all(string_split(" + sa
                        + ", ' '), string_split(" + sb + ", ' ')) END)";
            case NUMBER_WITHIN ->
                "abs(TRY_CAST(" + a + " AS DOUBLE) - TRY_CAST(" + b + " AS DOUBLE)) <= " + level.parameter();
            case ID_ONE_DIGIT -> "(length(" + sa + ") = length(" + sb + ") AND hamming(" + sa + ", " + sb + ") = 1)";
            // Two neighbours swapped: two positions differ and one transposition repairs them.
            case ID_TRANSPOSITION ->
                "(length(" + sa + ") = length(" + sb + ") AND hamming(" + sa + ", " + sb
                        + ") = 2 AND damerau_levenshtein(" + sa + ", " + sb + ") = 1)";
            case SQL -> "(" + level.sql() + ")";
        };
    }
}
