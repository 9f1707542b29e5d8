package vn.datafloor.linkage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the equality conditions out of a blocking rule so its pair count can be estimated from
 * block sizes (Σ n_l(b)·n_r(b)) with one GROUP BY per side, before any pair is built.
 */
final class BlockingRules {

    private static final Pattern LEFT = Pattern.compile("(?i)(?<![\\w.])l\\.");
    private static final Pattern RIGHT = Pattern.compile("(?i)(?<![\\w.])r\\.");

    /** {@code leftKey} mentions only l., {@code rightKey} only r.; the rule requires them equal. */
    record EquiKey(String leftKey, String rightKey) {}

    private BlockingRules() {}

    /** The top-level {@code x = y} conjuncts that join an l-only expression to an r-only one. */
    static List<EquiKey> equiKeys(String rule) {
        List<EquiKey> keys = new ArrayList<>();
        for (String conjunct : splitTopLevel(rule, "AND")) {
            int eq = topLevelEquals(conjunct);
            if (eq < 0) {
                continue;
            }
            String x = conjunct.substring(0, eq).trim();
            String y = conjunct.substring(eq + 1).trim();
            if (onlyLeft(x) && onlyRight(y)) {
                keys.add(new EquiKey(x, y));
            } else if (onlyLeft(y) && onlyRight(x)) {
                keys.add(new EquiKey(y, x));
            }
        }
        return keys;
    }

    /** Whether the rule mentions a column of this name on either side. */
    static boolean mentions(String rule, String column) {
        return Pattern.compile("(?i)(?<![\\w.])[lr]\\.\"?" + Pattern.quote(column) + "\\b")
                .matcher(rule)
                .find();
    }

    private static boolean onlyLeft(String s) {
        return LEFT.matcher(s).find() && !RIGHT.matcher(s).find();
    }

    private static boolean onlyRight(String s) {
        return RIGHT.matcher(s).find() && !LEFT.matcher(s).find();
    }

    /** Index of a lone '=' outside parentheses and quotes (not part of <=, >=, !=, ==), or -1. */
    private static int topLevelEquals(String s) {
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted && depth == 0 && c == '=') {
                char before = i > 0 ? s.charAt(i - 1) : ' ';
                char after = i + 1 < s.length() ? s.charAt(i + 1) : ' ';
                if ("<>!=".indexOf(before) < 0 && after != '=') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static List<String> splitTopLevel(String s, String keyword) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        String upper = s.toUpperCase(java.util.Locale.ROOT);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            } else if (!quoted
                    && depth == 0
                    && upper.startsWith(keyword, i)
                    && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))
                    && i + keyword.length() < s.length()
                    && Character.isWhitespace(s.charAt(i + keyword.length()))) {
                parts.add(s.substring(start, i));
                start = i + keyword.length();
            }
        }
        parts.add(s.substring(start));
        return parts;
    }
}
