package vn.datafloor.integration.lake;

import java.nio.file.Path;

/**
 * A lake on object storage ({@link Lake#open(Path, LakeKeys, ObjectStorage)}, docs/object-storage.md).
 *
 * @param store where the versions are
 * @param cache the local read-through cache of the versions' files (0700); versions never change, so it is
 *     never stale
 * @param cacheLimitBytes how many bytes of Parquet the cache keeps before it drops the least recently read;
 *     0 for no limit
 * @param icebergTables whether each published version is also committed as a snapshot of the dataset's Iceberg
 *     table (versions in clear only: no Iceberg reader can decrypt the lake's encrypted files)
 */
public record ObjectStorage(ObjectStore store, Path cache, long cacheLimitBytes, boolean icebergTables) {

    public ObjectStorage {
        if (store == null || cache == null) {
            throw new IllegalArgumentException("A lake on object storage needs its store and a cache directory");
        }
        if (cacheLimitBytes < 0) {
            throw new IllegalArgumentException("The lake's cache limit cannot be negative");
        }
    }
}
