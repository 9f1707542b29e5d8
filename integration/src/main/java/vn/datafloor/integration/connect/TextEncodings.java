package vn.datafloor.integration.connect;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * Agencies' text files arrive in UTF-8 (with or without a byte-order mark), in Windows-1258, or
 * mixed. Windows-1258 keeps Vietnamese tone marks as separate combining characters, so decoded text
 * must be NFC-normalised; a few lines in another encoding must not poison a whole file.
 */
public final class TextEncodings {

    public static final Charset WINDOWS_1258 = Charset.forName("windows-1258");

    /** What was found, and how many lines had to be read in the fallback encoding. */
    public record Decoded(
            Path utf8File, String encoding, long lines, long fallbackLines, boolean hadBom, long nonAsciiLines) {}

    private TextEncodings() {}

    /**
     * Writes {@code input} as NFC UTF-8 to {@code output}, line by line. {@code declared}: "auto"
     * (UTF-8 where valid, else Windows-1258), "utf-8" or "windows-1258".
     */
    public static Decoded toUtf8(Path input, Path output, String declared) throws IOException {
        String mode = declared == null ? "auto" : declared.toLowerCase(java.util.Locale.ROOT);
        long lines = 0;
        long fallback = 0;
        long nonAscii = 0;
        boolean bom = false;
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharsetDecoder legacy = WINDOWS_1258
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(input), 1 << 16);
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
            LineReader reader = new LineReader(in);
            byte[] line;
            while ((line = reader.next()) != null) {
                int start = 0;
                if (lines == 0
                        && line.length >= 3
                        && (line[0] & 0xFF) == 0xEF
                        && (line[1] & 0xFF) == 0xBB
                        && (line[2] & 0xFF) == 0xBF) {
                    bom = true;
                    start = 3;
                }
                ByteBuffer bytes = ByteBuffer.wrap(line, start, line.length - start);
                for (int b = start; b < line.length; b++) {
                    if (line[b] < 0) {
                        nonAscii++;
                        break;
                    }
                }
                String text;
                if ("windows-1258".equals(mode)) {
                    text = legacy.decode(bytes).toString();
                } else {
                    try {
                        text = utf8.decode(bytes).toString();
                    } catch (CharacterCodingException e) {
                        if ("utf-8".equals(mode)) {
                            throw new IOException("Line " + (lines + 1)
                                    + " is not valid UTF-8; declare encoding: auto or windows-1258");
                        }
                        bytes.rewind();
                        text = legacy.decode(ByteBuffer.wrap(line, start, line.length - start))
                                .toString();
                        fallback++;
                    }
                }
                out.write(Normalizer.normalize(text, Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                lines++;
            }
        }
        // Plain ASCII lines read the same in both: only lines with other bytes tell the encodings apart.
        String encoding = "windows-1258".equals(mode) || (fallback > 0 && fallback == nonAscii)
                ? "windows-1258"
                : fallback > 0 ? "mixed (utf-8 and windows-1258)" : "utf-8";
        return new Decoded(output, encoding, lines, fallback, bom, nonAscii);
    }

    /** Tone marks: Windows-1258 keeps them as separate combining characters after the letter. */
    private static final String TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323";

    /**
     * Encodes Vietnamese text for Windows-1258. The code page has the letters with breve, circumflex
     * and horn (ă â ê ô ơ ư) and đ precomposed, but no letter carrying a tone mark: each letter is
     * rebuilt from its base and non-tone marks, and its tone mark follows as a combining character.
     */
    public static byte[] encodeWindows1258(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD);
        StringBuilder out = new StringBuilder(decomposed.length());
        int i = 0;
        while (i < decomposed.length()) {
            char base = decomposed.charAt(i++);
            StringBuilder letter = new StringBuilder().append(base);
            StringBuilder tones = new StringBuilder();
            while (i < decomposed.length() && Character.getType(decomposed.charAt(i)) == Character.NON_SPACING_MARK) {
                char mark = decomposed.charAt(i++);
                (TONE_MARKS.indexOf(mark) >= 0 ? tones : letter).append(mark);
            }
            out.append(Normalizer.normalize(letter, Normalizer.Form.NFC)).append(tones);
        }
        ByteBuffer encoded;
        try {
            encoded = WINDOWS_1258
                    .newEncoder()
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(out));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Text has characters Windows-1258 cannot hold", e);
        }
        return Arrays.copyOf(encoded.array(), encoded.limit());
    }

    /** Splits on \n (dropping a trailing \r) without decoding, so each line can pick its own encoding. */
    private static final class LineReader {
        private final InputStream in;
        private byte[] buffer = new byte[8192];

        LineReader(InputStream in) {
            this.in = in;
        }

        byte[] next() throws IOException {
            int length = 0;
            int b;
            boolean any = false;
            while ((b = in.read()) >= 0) {
                any = true;
                if (b == '\n') {
                    break;
                }
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                buffer[length++] = (byte) b;
            }
            if (!any) {
                return null;
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            return Arrays.copyOf(buffer, length);
        }
    }
}
