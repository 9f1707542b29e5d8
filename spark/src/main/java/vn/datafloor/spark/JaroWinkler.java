package vn.datafloor.spark;

import java.nio.charset.StandardCharsets;

/**
 * Jaro-Winkler similarity as DuckDB's {@code jaro_winkler_similarity} computes it, so a level such as
 * {@code jaro_winkler: 0.92} holds for the same pairs on both engines: over the UTF-8 bytes, a match
 * window of max(len)/2 − 1, the common prefix (at most 4) scaled by 0.1 and added only above 0.7.
 * Apache Commons Text's JaroWinklerSimilarity differs (its scaling is min(0.1, 1/max length), so
 * names longer than ten letters would score lower), which is why this is not that library.
 */
public final class JaroWinkler {

    private JaroWinkler() {}

    public static double similarity(String left, String right) {
        byte[] a = left.getBytes(StandardCharsets.UTF_8);
        byte[] b = right.getBytes(StandardCharsets.UTF_8);
        double jaro = jaro(a, b);
        if (jaro <= 0.7) {
            return jaro;
        }
        int prefix = 0;
        int limit = Math.min(4, Math.min(a.length, b.length));
        while (prefix < limit && a[prefix] == b[prefix]) {
            prefix++;
        }
        return jaro + prefix * 0.1 * (1.0 - jaro);
    }

    static double jaro(byte[] a, byte[] b) {
        if (a.length == 0 && b.length == 0) {
            return 1.0;
        }
        if (a.length == 0 || b.length == 0) {
            return 0.0;
        }
        int window = Math.max(0, Math.max(a.length, b.length) / 2 - 1);
        boolean[] matchedA = new boolean[a.length];
        boolean[] matchedB = new boolean[b.length];
        int matches = 0;
        for (int i = 0; i < a.length; i++) {
            int from = Math.max(0, i - window);
            int to = Math.min(b.length - 1, i + window);
            for (int j = from; j <= to; j++) {
                if (!matchedB[j] && a[i] == b[j]) {
                    matchedA[i] = true;
                    matchedB[j] = true;
                    matches++;
                    break;
                }
            }
        }
        if (matches == 0) {
            return 0.0;
        }
        int transpositions = 0;
        int j = 0;
        for (int i = 0; i < a.length; i++) {
            if (matchedA[i]) {
                while (!matchedB[j]) {
                    j++;
                }
                if (a[i] != b[j]) {
                    transpositions++;
                }
                j++;
            }
        }
        double m = matches;
        return (m / a.length + m / b.length + (m - transpositions / 2) / m) / 3.0;
    }
}
