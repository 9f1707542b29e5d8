package vn.datafloor.integration.connect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a CSV file's header row (RFC 4180 quoting), so the reader is told the columns instead of guessing. */
final class CsvHeader {

    private CsvHeader() {}

    /** The first line only, decoded as UTF-8, or Windows-1258 where it is not (names may be Vietnamese). */
    private static String firstLine(Path file) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (bytes.size() > 1_000_000) {
                    throw new SourceException("The header row is longer than 1 MB: is this a CSV file?");
                }
                bytes.write(b);
            }
            if (b < 0 && bytes.size() == 0) {
                return null;
            }
        }
        byte[] raw = bytes.toByteArray();
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(raw))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            text = java.text.Normalizer.normalize(
                    new String(raw, TextEncodings.WINDOWS_1258), java.text.Normalizer.Form.NFC);
        }
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * The header's column names; past {@code maxColumns} it stops and returns one more name than the
     * limit, for the caller to refuse, without reading the rest of the row.
     */
    static List<String> read(Path file, char delimiter, int maxColumns) throws IOException {
        String line = firstLine(file);
        if (line == null || line.isBlank()) {
            throw new SourceException("The file is empty: a CSV file needs a header row naming its columns");
        }
        if (line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        List<String> names = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == delimiter) {
                names.add(cell.toString().strip());
                cell.setLength(0);
                if (names.size() > maxColumns) {
                    return names;
                }
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new SourceException("The header row has an unclosed quote");
        }
        names.add(cell.toString().strip());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).isEmpty()) {
                throw new SourceException("Column " + (i + 1) + " of the header row has no name");
            }
            if (!seen.add(names.get(i))) {
                throw new SourceException("The header row names column " + names.get(i) + " twice");
            }
        }
        return names;
    }
}
