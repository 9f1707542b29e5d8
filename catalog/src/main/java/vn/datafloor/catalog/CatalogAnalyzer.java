package vn.datafloor.catalog;

import java.io.IOException;
import java.io.Reader;
import java.text.Normalizer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.charfilter.BaseCharFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Text analysis for the catalog: {@code StandardTokenizer → LowerCaseFilter → StripMarksFilter →
 * ASCIIFoldingFilter(preserveOriginal)}. Every field first goes through {@link NormalizingCharFilter}
 * (NFC, Ð→Đ), so NFD input and the look-alike eth tokenise like clean NFC Vietnamese.
 *
 * <p>A word with diacritics is indexed twice at one position, as written ("bệnh") and folded
 * ("benh"): folded terms make every search diacritics-insensitive, the terms as written let a query
 * typed with diacritics rank exact matches first. One field and one analysis pass serve both, and
 * BM25 ignores the stacked token when measuring field length. The {@link #QUERY} pseudo-field
 * stops before folding: it gives a query's words as typed.
 */
final class CatalogAnalyzer extends Analyzer {

    /** Not indexed: analysing text under this name yields its words normalised and lower-cased, unfolded. */
    static final String QUERY = "_query";

    CatalogAnalyzer() {
        super(PER_FIELD_REUSE_STRATEGY);
    }

    @Override
    protected Reader initReader(String fieldName, Reader reader) {
        return new NormalizingCharFilter(reader);
    }

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        StandardTokenizer tokenizer = new StandardTokenizer();
        TokenStream stream = new StripMarksFilter(new LowerCaseFilter(tokenizer));
        if (!fieldName.equals(QUERY)) {
            stream = new ASCIIFoldingFilter(stream, true);
        }
        return new TokenStreamComponents(tokenizer, stream);
    }

    /** Removes combining marks that NFC could not compose onto a letter (so odd stacks still fold, and alike). */
    static final class StripMarksFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

        StripMarksFilter(TokenStream in) {
            super(in);
        }

        @Override
        public boolean incrementToken() throws IOException {
            if (!input.incrementToken()) {
                return false;
            }
            char[] buffer = term.buffer();
            int length = term.length();
            for (int i = 0; i < length; i++) {
                // Fast path: every combining mark is at U+0300 or above, and most text is below.
                if (buffer[i] >= 0x300) {
                    String stripped = Text.stripMarks(buffer, length);
                    term.setEmpty().append(stripped);
                    break;
                }
            }
            return true;
        }
    }

    /**
     * Reads the whole field (catalog texts are short) and writes it back in NFC with eth mapped to
     * Đ/đ, keeping offsets correct. Composition is done per base letter plus its following marks,
     * which is what Vietnamese needs; the whole-text check skips the work for text already in NFC.
     */
    static final class NormalizingCharFilter extends BaseCharFilter {
        private char[] out;
        private int length;
        private int pos;

        NormalizingCharFilter(Reader in) {
            super(in);
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            if (out == null) {
                fill();
            }
            if (pos >= length) {
                return -1;
            }
            int n = Math.min(len, length - pos);
            System.arraycopy(out, pos, cbuf, off, n);
            pos += n;
            return n;
        }

        private void fill() throws IOException {
            StringBuilder raw = new StringBuilder();
            char[] chunk = new char[1024];
            for (int r; (r = input.read(chunk)) != -1; ) {
                raw.append(chunk, 0, r);
            }
            String s = raw.toString();
            String normalized;
            if (Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
                normalized = Text.mapEth(s);
            } else {
                StringBuilder b = new StringBuilder(s.length());
                int cumulative = 0;
                for (int i = 0; i < s.length(); ) {
                    int j = i + Character.charCount(s.codePointAt(i));
                    while (j < s.length() && Text.isMark(s.codePointAt(j))) {
                        j += Character.charCount(s.codePointAt(j));
                    }
                    String cluster = Normalizer.normalize(s.substring(i, j), Normalizer.Form.NFC);
                    b.append(cluster);
                    int diff = (j - i) - cluster.length();
                    if (diff != 0) {
                        cumulative += diff;
                        addOffCorrectMap(b.length(), cumulative);
                    }
                    i = j;
                }
                normalized = Text.mapEth(b.toString());
            }
            out = normalized.toCharArray();
            length = out.length;
        }
    }
}
