package vn.datafloor.server.platform;

import java.nio.file.Path;

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

    private EmbeddedDatabase() {}

    /** The JDBC URL of the control database under {@code dataDir}, exactly as the server opens it. */
    public static String url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("db").resolve("datafloor") + SETTINGS;
    }
}
