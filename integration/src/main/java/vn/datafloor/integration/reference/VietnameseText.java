package vn.datafloor.integration.reference;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one way Vietnamese text is folded for comparison outside the search index: NFC or NFD alike,
 * the Icelandic eth {@code Ð}/{@code ð} (typed for {@code Đ}, they look identical) alike, tone and
 * vowel marks dropped, {@code đ} as {@code d}, lower case. "Nguyễn Văn Đức", "NGUYEN VAN DUC" and an
 * NFD "Nguyễn Văn Ðức" all fold to "nguyen van duc". The SQL macro {@code std_name_key} folds the
 * same way; the catalog's search index folds with its analyzer (Lucene's ASCII folding), which its
 * queries must match exactly, so it keeps its own.
 */
public final class VietnameseText {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private VietnameseText() {}

    /** Lower case, no marks, đ as d, white space collapsed and trimmed. */
    public static String fold(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String dless =
                text.replace('Đ', 'D').replace('đ', 'd').replace('\u00D0', 'D').replace('\u00F0', 'd');
        String plain =
                MARKS.matcher(Normalizer.normalize(dless, Normalizer.Form.NFD)).replaceAll("");
        return SPACES.matcher(plain.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }
}
