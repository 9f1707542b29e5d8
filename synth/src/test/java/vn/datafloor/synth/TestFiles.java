package vn.datafloor.synth;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal readers for the generated files, independent of the writer's code. */
final class TestFiles {
    private TestFiles() {}

    /** Rows of a CSV file as column→value maps (RFC 4180 quoting; empty = null). */
    static List<Map<String, String>> csv(Path file, Charset charset) throws IOException {
        String text = Files.readString(file, charset);
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                cell.append(c);
            }
        }
        List<String> header = rows.get(0);
        List<Map<String, String>> result = new ArrayList<>();
        for (List<String> r : rows.subList(1, rows.size())) {
            if (r.size() != header.size()) {
                throw new IllegalStateException(
                        file + ": " + r.size() + " cells, header has " + header.size() + ": " + r);
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i), r.get(i).isEmpty() ? null : r.get(i));
            }
            result.add(m);
        }
        return result;
    }

    static String nfc(String s) {
        return s == null ? null : Normalizer.normalize(s, Normalizer.Form.NFC);
    }

    /** Parses one JSON object whose values are strings, numbers or null; throws on anything malformed. */
    static Map<String, Object> jsonObject(String line) {
        JsonCursor c = new JsonCursor(line);
        Map<String, Object> m = new LinkedHashMap<>();
        c.expect('{');
        if (c.peek() != '}') {
            do {
                String key = c.string();
                c.expect(':');
                m.put(key, c.value());
            } while (c.consume(','));
        }
        c.expect('}');
        if (c.pos != line.length()) {
            throw new IllegalArgumentException("trailing characters: " + line);
        }
        return m;
    }

    private static final class JsonCursor {
        final String s;
        int pos;

        JsonCursor(String s) {
            this.s = s;
        }

        char peek() {
            return s.charAt(pos);
        }

        boolean consume(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!consume(c)) {
                throw new IllegalArgumentException("expected " + c + " at " + pos + ": " + s);
            }
        }

        Object value() {
            if (s.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            if (peek() == '"') {
                return string();
            }
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '-')) {
                pos++;
            }
            return Long.parseLong(s.substring(start, pos));
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 'r' -> b.append('\r');
                        case 't' -> b.append('\t');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> b.append(e);
                    }
                } else if (c < 0x20) {
                    throw new IllegalArgumentException("raw control character in string: " + s);
                } else {
                    b.append(c);
                }
            }
        }
    }
}
