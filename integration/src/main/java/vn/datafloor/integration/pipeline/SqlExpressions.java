package vn.datafloor.integration.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the SQL expressions a pipeline spec may contain (mappings, standardizations, quality
 * checks) before they get near DuckDB. A spec is written by a data steward, not trusted: an
 * expression may only combine columns, literals, operators and functions from an allow-list. No
 * statements, no subqueries, no table functions (which could read or write files), no comments.
 */
public final class SqlExpressions {

    /** Built-in functions that compute on values only. */
    static final Set<String> BUILT_INS = Set.of("lower", "upper", "trim", "ltrim", "rtrim", "length", "substr",
            "substring", "replace", "concat", "concat_ws", "coalesce", "nullif", "abs", "round", "floor", "ceil",
            "greatest", "least", "strptime", "try_strptime", "strftime", "try_cast", "cast", "regexp_matches",
            "regexp_replace", "regexp_extract", "regexp_full_match", "strip_accents", "nfc_normalize", "lpad", "rpad",
            "left", "right", "split_part", "starts_with", "ends_with", "contains", "prefix", "suffix", "date_diff",
            "date_part", "year", "month", "day", "current_date", "today", "make_date", "list_contains", "string_split",
            "len", "array_length", "md5", "sha256", "jaro_winkler_similarity", "levenshtein", "damerau_levenshtein",
            "if", "iif", "format", "printf", "struct_extract", "list_extract", "array_extract", "ifnull", "to_json");

    /** Words that would turn an expression into a statement or a subquery. */
    private static final Set<String> FORBIDDEN_WORDS = Set.of("select", "from", "copy", "attach", "detach", "install",
            "load", "pragma", "set", "reset", "call", "export", "import", "create", "drop", "insert", "update", "delete",
            "alter", "with", "union", "into", "table", "checkpoint", "vacuum", "use", "begin", "commit", "rollback",
            "describe", "summarize", "show", "execute", "prepare", "macro", "function", "secret", "pivot", "unpivot");

    private static volatile Set<String> extraFunctions = Set.of();

    private SqlExpressions() {}

    /** Adds functions (the standardizer macros) that expressions may call. */
    public static void allowFunctions(Set<String> names) {
        Set<String> all = new LinkedHashSet<>(extraFunctions);
        names.forEach(n -> all.add(n.toLowerCase(Locale.ROOT)));
        extraFunctions = Set.copyOf(all);
    }

    /** What is wrong with an expression; empty when it may be used. */
    public static List<String> problems(String expression) {
        List<String> problems = new ArrayList<>();
        if (expression.length() > 2000) {
            problems.add("Expression longer than 2000 characters");
            return problems;
        }
        int i = 0;
        int depth = 0;
        String previousWord = null;
        while (i < expression.length()) {
            char c = expression.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '\'') {
                int end = i + 1;
                while (true) {
                    end = expression.indexOf('\'', end);
                    if (end < 0) {
                        problems.add("Unclosed string literal");
                        return problems;
                    }
                    if (end + 1 < expression.length() && expression.charAt(end + 1) == '\'') {
                        end += 2;
                        continue;
                    }
                    break;
                }
                i = end + 1;
                previousWord = null;
                continue;
            }
            if (c == '"') {
                int end = expression.indexOf('"', i + 1);
                if (end < 0) {
                    problems.add("Unclosed quoted column name");
                    return problems;
                }
                i = end + 1;
                previousWord = null;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < expression.length() && (Character.isLetterOrDigit(expression.charAt(end)) || expression.charAt(end) == '_')) {
                    end++;
                }
                String word = expression.substring(i, end).toLowerCase(Locale.ROOT);
                int next = end;
                while (next < expression.length() && Character.isWhitespace(expression.charAt(next))) {
                    next++;
                }
                boolean call = next < expression.length() && expression.charAt(next) == '(';
                if (FORBIDDEN_WORDS.contains(word)) {
                    problems.add("'" + word + "' is not allowed in an expression: use columns, literals, operators and functions");
                } else if (call && !BUILT_INS.contains(word) && !extraFunctions.contains(word)
                        && !Set.of("in", "and", "or", "not", "when", "then", "else", "case", "exists").contains(word)) {
                    problems.add("Unknown or disallowed function " + word + "()");
                }
                if (call && "exists".equals(word)) {
                    problems.add("Subqueries are not allowed");
                }
                previousWord = word;
                i = end;
                continue;
            }
            if (Character.isDigit(c)) {
                i++;
                while (i < expression.length() && (Character.isDigit(expression.charAt(i)) || expression.charAt(i) == '.')) {
                    i++;
                }
                previousWord = null;
                continue;
            }
            if (c == ';') {
                problems.add("';' is not allowed: an expression is not a statement");
                return problems;
            }
            if ((c == '-' && i + 1 < expression.length() && expression.charAt(i + 1) == '-')
                    || (c == '/' && i + 1 < expression.length() && expression.charAt(i + 1) == '*')) {
                problems.add("Comments are not allowed in expressions");
                return problems;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    problems.add("Unbalanced parentheses");
                    return problems;
                }
            } else if ("+-*/%|=<>!,.:[]".indexOf(c) < 0) {
                problems.add("Character '" + c + "' is not allowed in an expression");
                return problems;
            }
            i++;
            previousWord = null;
        }
        if (depth != 0) {
            problems.add("Unbalanced parentheses");
        }
        if (previousWord != null && previousWord.isEmpty()) {
            problems.add("Empty expression");
        }
        return problems;
    }
}
