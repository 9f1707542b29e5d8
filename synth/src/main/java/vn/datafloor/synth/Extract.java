package vn.datafloor.synth;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One output file written a row at a time (begin, field…, end) so nothing is held beyond the current
 * line: CSV in UTF-8 or Windows-1258, or JSON Lines. Knows what the manifest says about it.
 */
final class Extract implements AutoCloseable {
    enum Format {
        CSV,
        JSONL
    }

    final String source;
    final String relativePath;
    final Format format;
    final String encoding;
    final List<String> columns;
    private final OutputStream out;
    private final Windows1258 cp1258;
    private final StringBuilder line = new StringBuilder(512);
    private final Windows1258.ByteBuffer encoded = new Windows1258.ByteBuffer();
    private int field;
    long records;

    private Extract(Path outDir, String relativePath, Format format, Windows1258 cp1258, List<String> columns) {
        this.relativePath = relativePath;
        this.source = relativePath.substring(0, relativePath.lastIndexOf('.'));
        this.format = format;
        this.cp1258 = cp1258;
        this.encoding = cp1258 == null ? "UTF-8" : "windows-1258";
        this.columns = List.copyOf(columns);
        try {
            Path file = outDir.resolve(relativePath);
            Files.createDirectories(file.getParent());
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (format == Format.CSV) {
            begin();
            columns.forEach(this::add);
            finish(false);
        }
    }

    static Extract csv(Path outDir, String relativePath, String... columns) {
        return new Extract(outDir, relativePath, Format.CSV, null, List.of(columns));
    }

    static Extract csv1258(Path outDir, String relativePath, Windows1258 encoder, String... columns) {
        return new Extract(outDir, relativePath, Format.CSV, encoder, List.of(columns));
    }

    static Extract jsonl(Path outDir, String relativePath, String... columns) {
        return new Extract(outDir, relativePath, Format.JSONL, null, List.of(columns));
    }

    Extract begin() {
        line.setLength(0);
        field = 0;
        if (format == Format.JSONL) {
            line.append('{');
        }
        return this;
    }

    /** Appends the next column's value; null means missing (empty in CSV, JSON null). */
    Extract add(String value) {
        if (format == Format.CSV) {
            if (field > 0) {
                line.append(',');
            }
            appendCsv(value);
        } else {
            if (field > 0) {
                line.append(',');
            }
            appendJsonString(columns.get(field));
            line.append(':');
            if (value == null) {
                line.append("null");
            } else {
                appendJsonString(value);
            }
        }
        field++;
        return this;
    }

    Extract add(long value) {
        if (format == Format.JSONL) {
            if (field > 0) {
                line.append(',');
            }
            appendJsonString(columns.get(field));
            line.append(':').append(value);
            field++;
            return this;
        }
        return add(Long.toString(value));
    }

    void end() {
        finish(true);
    }

    private void finish(boolean counts) {
        if (field != columns.size()) {
            throw new IllegalStateException(relativePath + ": row has " + field + " of " + columns.size() + " columns");
        }
        if (format == Format.JSONL) {
            line.append('}');
        }
        line.append('\n');
        try {
            if (cp1258 != null) {
                encoded.length = 0;
                cp1258.encode(line, encoded);
                out.write(encoded.bytes, 0, encoded.length);
            } else {
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (counts) {
            records++;
        }
    }

    private void appendCsv(String value) {
        if (value == null) {
            return;
        }
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            line.append(value);
            return;
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                line.append('"');
            }
            line.append(c);
        }
        line.append('"');
    }

    private void appendJsonString(String value) {
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> line.append("\\\"");
                case '\\' -> line.append("\\\\");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> {
                    if (c < 0x20) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        line.append('"');
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
