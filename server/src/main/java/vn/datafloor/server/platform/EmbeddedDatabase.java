package vn.datafloor.server.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The embedded control database (H2 2.x, MVStore) and the settings it is always opened with: the
 * server's default {@code spring.datasource.url} (see {@link EmbeddedDatabaseDefaults}) and the crash
 * test that proves a commit survives {@code kill -9} both take them from here.
 */
public final class EmbeddedDatabase {

    /**
     * Appended to {@code jdbc:h2:file:<path>}. {@code WRITE_DELAY=0} turns off the MVStore's background
     * writer (by default H2 writes committed changes to the file up to 500 ms later, and a killed process
     * loses them): every commit that changed something then stores its MVStore chunk with a synchronous
     * {@code FileChannel.write} before it returns. That survives the process being killed; it is not an
     * fsync, so a power loss can still lose what the OS had not written back (docs/operations.md).
     * {@code QUERY_CACHE_SIZE=64} keeps the parsed form of the statements a connection runs most (H2 keeps
     * 8; one purchase alone runs more distinct statements than that, and parsing them again is a cost).
     */
    public static final String SETTINGS =
            ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64";

    /** The default {@code spring.datasource.url}, resolved against {@code datafloor.data-dir} by Spring. */
    static final String URL_PROPERTY = "jdbc:h2:file:${datafloor.data-dir}/db/datafloor" + SETTINGS;

    private static final String FILE_URL_PREFIX = "jdbc:h2:file:";
    /** H2 keeps two copies of its store header in the file's first two blocks of this size. */
    private static final int HEADER_BLOCK = 4096;

    private EmbeddedDatabase() {}

    /** What {@link #recoverAfterCrash} found: the store version it recovered and how long the scan took. */
    public record Recovery(long version, long millis) {}

    /**
     * Brings the database file behind {@code jdbcUrl} to its newest complete state if the process that last
     * had it open did not close it, before anything opens it through JDBC. Returns what it did; empty when
     * the file was closed cleanly, does not exist, or is not an H2 file database.
     *
     * <p>Why: H2 2.x (2.5.252, checked against its source) finds its newest state after a crash by
     * following a chain of "next chunk" positions from the chunk its store header names. When a commit's
     * chunk is written somewhere else than the previous chunk predicted (in space freed by dead chunks,
     * which a server reuses once they are older than the retention time), H2 rewrites the store header,
     * but naming the previous chunk, not the new one; the header is rewritten again only about 20
     * versions later. A {@code kill -9} in between leaves those chunks, complete and synchronously
     * written, out of the chain: H2 then opens the older state, and up to 20 acknowledged commits are gone
     * ({@code H2CrashTest}, {@code AuditCrashTest}). H2's recovery mode scans the whole file instead and
     * takes the newest chunk whose chunk set is complete; it is opened here on the bare store and closed
     * again, which writes a clean header naming that chunk, so that H2's own open starts from it. The scan
     * reads the file once (about 0.4 s for 30 MB), and only after a crash.
     */
    public static Optional<Recovery> recoverAfterCrash(String jdbcUrl) {
        if (!isFile(jdbcUrl)) {
            return Optional.empty();
        }
        String path = jdbcUrl.substring(FILE_URL_PREFIX.length());
        int settings = path.indexOf(';');
        Path file = Path.of((settings < 0 ? path : path.substring(0, settings)) + ".mv.db");
        if (!Files.isRegularFile(file) || closedCleanly(file)) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        MVStore store;
        try {
            store = new MVStore.Builder()
                    .fileName(file.toString())
                    .recoveryMode()
                    .autoCommitDisabled()
                    .open();
        } catch (MVStoreException e) {
            // Open elsewhere (H2 locks the file), or damaged beyond a scan: H2's own open says which.
            return Optional.empty();
        }
        long version = store.getCurrentVersion();
        store.close(0);
        return Optional.of(new Recovery(version, (System.nanoTime() - start) / 1_000_000));
    }

    /** Whether {@code jdbcUrl} names an H2 database in a file (the embedded default's kind). */
    static boolean isFile(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith(FILE_URL_PREFIX);
    }

    /** Whether both copies of the store header carry H2's clean-shutdown mark ({@code clean:1}). */
    private static boolean closedCleanly(Path file) {
        ByteBuffer headers = ByteBuffer.allocate(2 * HEADER_BLOCK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (headers.hasRemaining() && channel.read(headers, headers.position()) > 0) {
                // a short read leaves the rest zero, and a zero header is not clean
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the control database " + file, e);
        }
        for (int block = 0; block < 2; block++) {
            String header =
                    new String(headers.array(), block * HEADER_BLOCK, HEADER_BLOCK, StandardCharsets.ISO_8859_1);
            int end = header.indexOf('\n');
            if (!("," + (end < 0 ? header : header.substring(0, end)) + ",").contains(",clean:1,")) {
                return false;
            }
        }
        return true;
    }

    /** The JDBC URL of the control database under {@code dataDir}, exactly as the server opens it. */
    public static String url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("db").resolve("datafloor") + SETTINGS;
    }
}
