package vn.datafloor.synth;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.text.Normalizer;

/**
 * Text to Windows-1258 bytes. Code page 1258 has the Vietnamese base letters with hat, breve and horn
 * (â ê ô ă ơ ư đ) precomposed but tone marks only as combining characters, so "ễ" must be written as
 * "ê" + U+0303. NFD alone is not enough (it also splits ê into e + U+0302, which 1258 lacks): each
 * character is decomposed, its tone mark set aside, the rest recomposed, and the tone mark appended.
 * A character that still cannot be encoded is written without its diacritics, or as '?' if even that
 * fails; {@link #replaced()} counts those so the manifest can report them.
 */
final class Windows1258 {
    static final Charset CHARSET = Charset.forName("windows-1258");
    private static final String TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323";

    /** Bytes per BMP character, computed on first use: null = not seen yet. */
    private final byte[][] table = new byte[0x10000][];

    private final boolean[] lossy = new boolean[0x10000];
    private final CharsetEncoder encoder = CHARSET.newEncoder();
    private long replaced;

    long replaced() {
        return replaced;
    }

    /** Appends the encoding of {@code text} to {@code out}, growing it as needed; returns the new length. */
    int encode(CharSequence text, ByteBuffer out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            byte[] bytes = table[c];
            if (bytes == null) {
                bytes = table[c] = bytesFor(c);
            }
            if (lossy[c]) {
                replaced++;
            }
            out.put(bytes);
        }
        return out.length;
    }

    private byte[] bytesFor(char c) {
        if (Character.isSurrogate(c)) {
            lossy[c] = true;
            return new byte[] {'?'};
        }
        String prepared = prepare(String.valueOf(c));
        if (encoder.canEncode(prepared)) {
            return prepared.getBytes(CHARSET);
        }
        lossy[c] = true;
        String bare = Corruptor.stripDiacritics(String.valueOf(c));
        if (encoder.canEncode(bare)) {
            return bare.getBytes(CHARSET);
        }
        return new byte[] {'?'};
    }

    /** The code-page-1258 form: base letter with its non-tone marks composed, then the tone mark. */
    static String prepare(String s) {
        String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(nfd.length());
        StringBuilder cluster = new StringBuilder();
        char tone = 0;
        for (int i = 0; i <= nfd.length(); i++) {
            char c = i < nfd.length() ? nfd.charAt(i) : 0;
            boolean mark = i < nfd.length() && Character.getType(c) == Character.NON_SPACING_MARK;
            if (mark && TONE_MARKS.indexOf(c) >= 0 && tone == 0) {
                tone = c;
                continue;
            }
            if (mark) {
                cluster.append(c);
                continue;
            }
            if (cluster.length() > 0) {
                out.append(Normalizer.normalize(cluster, Normalizer.Form.NFC));
                if (tone != 0) {
                    out.append(tone);
                }
            }
            cluster.setLength(0);
            tone = 0;
            if (i < nfd.length()) {
                cluster.append(c);
            }
        }
        return out.toString();
    }

    /** A growable byte buffer, because java.nio.ByteBuffer cannot grow. */
    static final class ByteBuffer {
        byte[] bytes = new byte[1024];
        int length;

        void put(byte[] b) {
            if (length + b.length > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + b.length));
            }
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
        }
    }
}
