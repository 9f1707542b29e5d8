package vn.datafloor.integration.connect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import vn.datafloor.integration.lake.DuckDbConnections;

/**
 * A local file source made ready for an engine that reads the file itself (the Spark pipeline runner):
 * the same checks and preparation {@link SourceLoader} makes before DuckDB reads it — the path kept
 * inside the input directory, gzip unpacked under its limit, the text decoded to UTF-8 as the csv
 * source's {@code encoding} says, the header's column names read and checked, a Parquet footer held
 * to the limits — and the same fingerprint, so a run on either engine recognises the other's input.
 */
public final class FileInputs {

    private FileInputs() {}

    /**
     * A CSV file as UTF-8 text with its header's columns.
     *
     * @param file what to read: the original, or its UTF-8 / unpacked copy under the work directory
     * @param encoding what the text was read as ("utf-8", "windows-1258", "mixed" …, as a DuckDB run reports it)
     */
    public record Csv(
            Path file,
            List<String> columns,
            char delimiter,
            String encoding,
            List<String> warnings,
            String fingerprint) {}

    /** A Parquet file within the limits, with its fingerprint. */
    public record Parquet(Path file, String fingerprint) {}

    /** A JSON Lines file as plain text (gzip unpacked), with the fingerprint of the file as given. */
    public record JsonLines(Path file, List<String> warnings, String fingerprint) {}

    /** A file inside the input directory; paths that climb out of it are refused. */
    public static Path file(Path inputDirectory, String relative) {
        Path root = inputDirectory.toAbsolutePath().normalize();
        Path path = root.resolve(relative).normalize();
        if (!path.startsWith(root)) {
            throw new SourceException("The path " + relative + " leaves the input directory; give a path inside it");
        }
        if (!Files.isRegularFile(path)) {
            throw new SourceException("No file at " + relative + " (looked in " + root + ")");
        }
        return path;
    }

    /**
     * Prepares a csv source. Text that is not UTF-8 is decoded as {@link SourceLoader} decodes it for DuckDB
     * ({@link TextEncodings#toUtf8}); a file declared {@code utf-8} that is not valid UTF-8 is refused (DuckDB
     * quarantines such lines one by one, which a reader that decodes whole files cannot do).
     */
    public static Csv csv(Path inputDirectory, CsvSettings settings, Path workDirectory, InputLimits limits) {
        try {
            Path original = file(inputDirectory, settings.path());
            String shownName = original.getFileName().toString();
            Path path = GzipGuard.plain(original, workDirectory.resolve("source.gunzip.csv"), shownName, limits);
            List<String> warnings = new ArrayList<>();
            if (path != original) {
                warnings.add("The file was gzip-compressed; it was unpacked");
            }
            String fingerprint = fingerprint(original);
            String encoding = settings.encoding();
            boolean bom = startsWithBom(path);
            String used = "utf-8";
            Path readable = path;
            boolean validUtf8 = !"windows-1258".equals(encoding) && validUtf8(path);
            if ("utf-8".equals(encoding) && !validUtf8) {
                throw new SourceException("The file " + shownName
                        + " is not valid UTF-8 throughout; declare encoding auto or windows-1258");
            }
            if (bom || "windows-1258".equals(encoding) || !validUtf8) {
                TextEncodings.Decoded decoded =
                        TextEncodings.toUtf8(path, workDirectory.resolve("source.utf8.csv"), encoding);
                readable = decoded.utf8File();
                used = decoded.encoding();
                if (decoded.hadBom()) {
                    warnings.add("The file starts with a byte-order mark; it was removed");
                }
                if (decoded.fallbackLines() > 0 && decoded.fallbackLines() < decoded.nonAsciiLines()) {
                    warnings.add(decoded.fallbackLines() + " of " + decoded.lines()
                            + " lines were not UTF-8 and were read as Windows-1258: check them");
                }
            }
            List<String> header = CsvHeader.read(readable, settings.delimiterChar(), limits.maxColumns());
            if (header.size() > limits.maxColumns()) {
                throw tooManyColumns(shownName, limits);
            }
            header.forEach(SourceLoader::requireSafeColumn);
            return new Csv(readable, List.copyOf(header), settings.delimiterChar(), used, warnings, fingerprint);
        } catch (IOException e) {
            throw new SourceException("The source could not be read: " + e.getMessage(), e);
        }
    }

    /** Prepares a jsonl source: gzip unpacked under its limit, as the DuckDB loader does. */
    public static JsonLines jsonLines(
            Path inputDirectory, JsonLinesSettings settings, Path workDirectory, InputLimits limits) {
        try {
            Path original = file(inputDirectory, settings.path());
            String fingerprint = fingerprint(original);
            Path plain = GzipGuard.plain(
                    original,
                    workDirectory.resolve("source.gunzip.jsonl"),
                    original.getFileName().toString(),
                    limits);
            List<String> warnings = new ArrayList<>();
            if (plain != original) {
                warnings.add("The file was gzip-compressed; it was unpacked");
            }
            return new JsonLines(plain, warnings, fingerprint);
        } catch (IOException e) {
            throw new SourceException("The source could not be read: " + e.getMessage(), e);
        }
    }

    /** The columns DuckDB's loader gives a JSON Lines file: over at most {@code maxColumns + 1}, refused. */
    public static InputLimitException tooManyColumns(String shownName, InputLimits limits) {
        return new InputLimitException(
                "maxColumns",
                "The file " + shownName + " has more than " + limits.maxColumns()
                        + " columns (limit maxColumns); remove the unused columns or split the table");
    }

    /** Prepares a parquet source: its footer against the limits, read by DuckDB's metadata functions. */
    public static Parquet parquet(Path inputDirectory, ParquetSettings settings, InputLimits limits) {
        Path path = file(inputDirectory, settings.path());
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1)) {
            ParquetGuard.check(duck, path, path.getFileName().toString(), limits);
            return new Parquet(path, fingerprint(path));
        } catch (SQLException e) {
            throw new SourceException("The source could not be read: " + SourceLoader.firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new SourceException("The source could not be read: " + e.getMessage(), e);
        }
    }

    /** Column names a source may have (letters, digits, spaces, '_', '.', '-'), as the DuckDB loader requires. */
    public static void requireSafeColumn(String name) {
        SourceLoader.requireSafeColumn(name);
    }

    /** SHA-256 of the file, as a DuckDB run records it. */
    public static String fingerprint(Path file) throws IOException {
        return SourceLoader.fingerprint(file);
    }

    private static boolean startsWithBom(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(3);
            return head.length == 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF;
        }
    }

    /** Streams the file through a strict UTF-8 decoder. */
    private static boolean validUtf8(Path path) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
        CharBuffer chars = CharBuffer.allocate(1 << 16);
        try (InputStream in = Files.newInputStream(path)) {
            boolean end = false;
            while (!end) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                if (n < 0) {
                    end = true;
                } else {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
                CoderResult result = decoder.decode(bytes, chars, end);
                if (result.isError()) {
                    return false;
                }
                chars.clear();
                bytes.compact();
            }
            return !decoder.flush(chars).isError() && bytes.position() == 0;
        }
    }
}
