package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The lake's object storage port (docs/object-storage.md): a flat namespace of immutable objects, as an
 * S3-compatible service offers it. The lake's default needs none of this: it keeps its versions in a local
 * directory and publishes them by an atomic rename. A lake opened on an object store publishes a version by
 * uploading its files and then its manifest in one conditional PUT, which is atomic on every such store.
 *
 * <p>Keys are relative to the store's own prefix. Implementations never put credentials in a message.
 */
public interface ObjectStore {

    /** One stored object, as a listing shows it. */
    record StoredObject(String key, long size) {}

    /** Uploads {@code file} as {@code key}, replacing any object there. */
    void put(String key, Path file);

    /**
     * Creates {@code key} with {@code content} only if no object has that key (a conditional PUT with
     * {@code If-None-Match: *}). Returns false, and changes nothing, when one exists.
     */
    boolean create(String key, byte[] content);

    /** The object's bytes, if it exists; refused when it is larger than {@code maxBytes}. */
    Optional<byte[]> read(String key, int maxBytes);

    /** Writes the object into {@code target} (created or replaced), returning its size. */
    long download(String key, Path target);

    /** Every object whose key starts with {@code prefix}, in key order. */
    List<StoredObject> list(String prefix);

    /**
     * The "folders" directly under {@code prefix} (which ends with {@code /}): the distinct next segments of
     * its keys, each with its trailing {@code /}, in key order.
     */
    List<String> folders(String prefix);

    /** Writes {@code content} as {@code key}, replacing any object there. */
    void createOrReplace(String key, byte[] content);

    /** The object's address as other programs name it (Spark, Trino): {@code s3://bucket/prefix/key}. */
    String uri(String key);

    /** The key of an address {@link #uri} gave; refused for an address outside this store. */
    String key(String uri);

    /** Deletes the object, if it exists. */
    void delete(String key);

    /** Where the store is, for messages and logs: never a credential. */
    String describe();
}
