package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.util.List;

/**
 * A version's files as a trusted reader may read them: the version's own files when it is not encrypted,
 * else clear copies in a private directory that {@link #close} deletes. Close it as soon as the rows it
 * needs are read (docs/encryption.md).
 */
public final class ClearVersion implements AutoCloseable {

    private final DatasetVersion version;
    private final List<Path> files;
    private final Path copies;

    ClearVersion(DatasetVersion version, List<Path> files, Path copies) {
        this.version = version;
        this.files = List.copyOf(files);
        this.copies = copies;
    }

    /** The version read; null for files that are no lake version's ({@link Lake#clear(java.util.List, Path)}). */
    public DatasetVersion version() {
        return version;
    }

    /** The Parquet files to read. */
    public List<Path> files() {
        return files;
    }

    /** A DuckDB table expression reading them. */
    public String readExpression() {
        return DatasetVersion.readExpression(files);
    }

    /** Deletes the clear copies, if any. */
    @Override
    public void close() {
        if (copies != null) {
            Lake.deleteRecursively(copies);
        }
    }
}
