package vn.datafloor.integration.connect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Text sources (CSV, JSON Lines) may arrive gzip-compressed ({@code people.csv.gz}). DuckDB would
 * unpack them itself, chosen by the file's extension and with no limit; instead the loader tells
 * DuckDB never to decompress, and a gzip file is unpacked here, its bytes counted as they come,
 * refused past {@link InputLimits#maxDecompressedBytes()}.
 */
final class GzipGuard {

    private GzipGuard() {}

    /** Whether the file starts with the gzip magic number, whatever its name. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B;
        }
    }

    /** Unpacks without keeping the content, only to count it: an upload's check. */
    static void count(Path file, String shownName, InputLimits limits) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            unpack(in, OutputStream.nullOutputStream(), shownName, limits);
        } catch (ZipException | java.io.EOFException e) {
            throw new SourceException("The compressed file " + shownName + " is not a complete gzip file", e);
        }
    }

    private static void unpack(InputStream in, OutputStream out, String shownName, InputLimits limits)
            throws IOException {
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
            total += n;
            if (total > limits.maxDecompressedBytes()) {
                throw new InputLimitException(
                        "maxDecompressedBytes",
                        "The compressed file " + shownName
                                + " expands to more than " + limits.maxDecompressedBytes()
                                + " bytes (limit maxDecompressedBytes); "
                                + "split it into smaller files");
            }
            out.write(buffer, 0, n);
        }
    }

    /**
     * The file to read: {@code file} itself, or its gzip content unpacked into {@code target}.
     *
     * @throws InputLimitException when the content passes {@code maxDecompressedBytes}
     */
    static Path plain(Path file, Path target, String shownName, InputLimits limits) throws IOException {
        if (!isGzip(file)) {
            return file;
        }
        // Several gzip members one after another are one stream (RFC 1952 §2.2); GZIPInputStream reads them all.
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
                OutputStream out = Files.newOutputStream(target)) {
            unpack(in, out, shownName, limits);
        } catch (ZipException | java.io.EOFException e) {
            Files.deleteIfExists(target);
            throw new SourceException("The compressed file " + shownName + " is not a complete gzip file", e);
        } catch (RuntimeException | IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        return target;
    }
}
