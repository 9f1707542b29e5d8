package vn.datafloor.catalog;

import java.text.Normalizer;
import java.util.Locale;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;

/**
 * String normalisation shared by indexing and querying, so both sides fold exactly alike.
 *
 * <p>Agency data arrives in NFC, in NFD (base letter + combining marks, e.g. from macOS or old
 * VNI-converted files), and with the Icelandic eth {@code Ð} U+00D0 typed for the Vietnamese
 * {@code Đ} U+0110 (they look identical). All three must search as the same word.
 */
final class Text {

    /** Facet values and sort keys longer than this are cut: doc-values terms are capped at 32 KB. */
    static final int MAX_VALUE_CHARS = 256;

    private Text() {}

    /** NFC, and eth mapped to the Vietnamese đ (ASCII folding would fold both to d, but lower-casing alone would not). */
    static String normalize(String s) {
        if (s == null) {
            return "";
        }
        String nfc = Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
        return mapEth(nfc);
    }

    static String mapEth(String s) {
        return s.indexOf('\u00D0') < 0 && s.indexOf('\u00F0') < 0
                ? s
                : s.replace('\u00D0', '\u0110').replace('\u00F0', '\u0111');
    }

    static boolean isMark(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    /**
     * The folded form of one token as the analyzer emits it for a query (lower-cased, no stray
     * marks): exactly the folded term {@link CatalogAnalyzer} indexes next to it.
     */
    static String fold(String token) {
        char[] in = token.toCharArray();
        char[] out = new char[in.length * 4];
        int n = ASCIIFoldingFilter.foldToASCII(in, 0, out, 0, in.length);
        return new String(out, 0, n);
    }

    /** Drops combining marks NFC could not compose into a letter; a token that is nothing but marks is kept. */
    static String stripMarks(char[] chars, int length) {
        StringBuilder kept = null;
        for (int i = 0; i < length; ) {
            int cp = Character.codePointAt(chars, i, length);
            int width = Character.charCount(cp);
            if (isMark(cp)) {
                if (kept == null) {
                    kept = new StringBuilder(length).append(chars, 0, i);
                }
            } else if (kept != null) {
                kept.appendCodePoint(cp);
            }
            i += width;
        }
        if (kept == null || kept.length() == 0) {
            return new String(chars, 0, length);
        }
        return kept.toString();
    }

    /** Title order: case- and diacritics-insensitive ("Đà Nẵng" between "Cà Mau" and "Hà Nội"). */
    static String sortKey(String title) {
        String s = normalize(title).strip().toLowerCase(Locale.ROOT);
        if (s.length() > MAX_VALUE_CHARS) {
            s = s.substring(0, MAX_VALUE_CHARS);
        }
        return fold(stripMarks(s.toCharArray(), s.length()));
    }

    /** A facet value as indexed and as matched by filters: normalised, no control characters, capped. */
    static String facetValue(String value) {
        if (value == null) {
            return "";
        }
        String s = normalize(value);
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(s.length()).append(s, 0, i);
                }
                b.append(' ');
            } else if (b != null) {
                b.append(c);
            }
        }
        s = (b == null ? s : b.toString()).strip();
        if (s.length() > MAX_VALUE_CHARS) {
            int end = Character.isHighSurrogate(s.charAt(MAX_VALUE_CHARS - 1)) ? MAX_VALUE_CHARS - 1 : MAX_VALUE_CHARS;
            s = s.substring(0, end);
        }
        return s;
    }
}
