package vn.datafloor.integration.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The lake's versions on an {@link ObjectStore} (docs/object-storage.md). A version {@code N} of a dataset is
 * the objects under {@code <dataset>/vN/}; it exists if and only if its {@code manifest.json} object exists
 * and is not an abort marker. Publishing:
 *
 * <ol>
 *   <li>claims the number: a conditional PUT of {@code vN/claim.json}, so two writers never upload into the same
 *       version (the second is refused with {@link ConcurrentPublishException}), then checks that the number
 *       has no manifest yet (a writer that published it has removed its claim);
 *   <li>uploads every staged file (encrypted first when the lake has keys);
 *   <li>writes the manifest last, in one conditional PUT, with each file's size and SHA-256: that PUT is the
 *       publication;
 *   <li>then commits the version to the dataset's Iceberg table, if the lake keeps them.
 * </ol>
 *
 * <p>A crash before step 3 leaves a claim and some files that no reader sees; recovery ({@link #recover})
 * aborts such a version by writing an abort marker where its manifest would be (conditionally, so a writer
 * still alive cannot publish it afterwards), deletes its files, and never reuses the number. A crash after
 * step 3 leaves a published version that Iceberg may not show yet; recovery commits it.
 *
 * <p>Readers see versions in a local read-through cache: a version's small files (manifest, keys, quality
 * report) are fetched when it is listed, its Parquet files when a reader asks for them ({@link #fetch}).
 * Versions never change, so a cached file never goes stale; each is downloaded to a temporary name,
 * checked against the manifest's size and SHA-256, and only then renamed into place.
 */
final class ObjectLake {

    private static final System.Logger LOG = System.getLogger(ObjectLake.class.getName());
    static final String CLAIM = "claim.json";
    static final String FORMAT = "datafloor-lake-version/1";
    private static final Pattern VERSION_KEY = Pattern.compile("v(\\d+)/(.+)");
    private static final int MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
    private static final int KEPT_VERSIONS = 4096;

    /** What a version's {@code manifest.json} object holds: the manifest, and every other object of the version. */
    record StoredVersion(
            String format, boolean aborted, String writer, LakeManifest manifest, Map<String, StoredFile> objects) {}

    /** A version's object: its size and SHA-256 (hex), checked on every download. */
    record StoredFile(long size, String sha256) {}

    private final ObjectStore store;
    private final Path cache;
    private final long cacheLimitBytes;
    private final LakeKeys keys;
    private final IcebergTables iceberg;
    private final Clock clock;
    private final String writer = UUID.randomUUID().toString();
    private final ConcurrentHashMap<String, ReentrantLock> publishing = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, StoredVersion> stored = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Path, FileTime> verified = new ConcurrentHashMap<>();
    /** Readers copying out of the cache hold it shared; trimming the cache waits for none of them, it skips. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock reading =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    ObjectLake(ObjectStore store, Path cache, long cacheLimitBytes, LakeKeys keys, IcebergTables iceberg, Clock clock) {
        this.store = store;
        this.cache = cache;
        this.cacheLimitBytes = cacheLimitBytes;
        this.keys = keys;
        this.iceberg = iceberg;
        this.clock = clock;
    }

    Path cache() {
        return cache;
    }

    ObjectStore store() {
        return store;
    }

    DatasetVersion publish(Path staging, LakeManifest manifest) {
        String dataset = manifest.dataset();
        ReentrantLock lock = publishing.computeIfAbsent(dataset, k -> new ReentrantLock());
        lock.lock();
        try {
            int next = highestNumber(dataset) + 1;
            String base = dataset + "/v" + next + "/";
            byte[] claim = ("{\"writer\":\"" + writer + "\",\"claim\":\"" + UUID.randomUUID() + "\",\"at\":\""
                            + clock.instant() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (!createOwn(base + CLAIM, claim)) {
                String holder = store.read(base + CLAIM, MAX_MANIFEST_BYTES)
                        .map(b -> new String(b, StandardCharsets.UTF_8))
                        .orElse("(gone)");
                throw new ConcurrentPublishException("Version " + next + " of " + dataset
                        + " is being published by another writer (its claim: " + holder
                        + "); the lake has one writer at a time");
            }
            // A writer that published this number removed its claim afterwards, so the claim alone does not
            // prove the number free: one that counted the versions before that publication would otherwise
            // upload over the published version's objects. Its manifest was written before its claim was
            // removed, so it is seen here.
            if (store.read(base + Lake.MANIFEST, MAX_MANIFEST_BYTES).isPresent()) {
                store.delete(base + CLAIM);
                throw new ConcurrentPublishException("Version " + next + " of " + dataset
                        + " was published by another writer while this one was preparing; publish again");
            }
            boolean published = false;
            try {
                LakeManifest complete = numbered(manifest, next);
                if (keys != null) {
                    keys.seal(staging, dataset, next, manifest.files());
                }
                Map<String, StoredFile> objects = new TreeMap<>();
                for (Path file : stagedFiles(staging)) {
                    String name = relativeName(staging, file);
                    if (name.equals(CLAIM)) {
                        throw new IllegalArgumentException("A staged file may not be named " + CLAIM);
                    }
                    objects.put(name, new StoredFile(Files.size(file), sha256(file)));
                    store.put(base + name, file);
                }
                for (String name : complete.files()) {
                    if (!objects.containsKey(name)) {
                        throw new IllegalArgumentException(
                                "The manifest of " + dataset + " lists " + name + ", which was not staged");
                    }
                }
                StoredVersion version = new StoredVersion(FORMAT, false, writer, complete, objects);
                if (!createOwn(base + Lake.MANIFEST, Lake.JSON.writeValueAsBytes(version))) {
                    // Only recovery writes here besides the claimant: it aborted this version as a crashed one's.
                    throw new ConcurrentPublishException("Version " + next + " of " + dataset
                            + " was aborted by a recovery while it was being published; nothing of it is visible");
                }
                published = true;
                stored.put(dataset + "/" + next, version);
                store.delete(base + CLAIM);
                Path directory = cacheStaged(staging, dataset, next, complete);
                DatasetVersion result = new DatasetVersion(dataset, next, directory, complete);
                commitToIceberg(result, version);
                return result;
            } finally {
                if (!published) {
                    abortQuietly(base);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not publish a version of " + dataset + " to " + store.describe(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Published versions, oldest first; each with its small files in the cache. */
    List<DatasetVersion> versions(String dataset) {
        TreeSet<Integer> numbers = new TreeSet<>();
        for (ObjectStore.StoredObject object : store.list(dataset + "/v")) {
            Matcher m = VERSION_KEY.matcher(object.key().substring(dataset.length() + 1));
            if (m.matches() && m.group(2).equals(Lake.MANIFEST)) {
                numbers.add(Integer.parseInt(m.group(1)));
            }
        }
        List<DatasetVersion> versions = new ArrayList<>();
        for (int number : numbers) {
            head(dataset, number).ifPresent(versions::add);
        }
        return versions;
    }

    Optional<DatasetVersion> version(String dataset, int number) {
        return head(dataset, number);
    }

    List<String> datasets() {
        List<String> datasets = new ArrayList<>();
        for (String folder : store.folders("")) {
            String name = folder.substring(0, folder.length() - 1);
            if (Lake.validName(name) && !versions(name).isEmpty()) {
                datasets.add(name);
            }
        }
        return datasets;
    }

    /**
     * The version's Parquet files in the cache, downloaded if missing or damaged. Damage is found by the
     * SHA-256 the manifest records (once per file and modification, then by size and time): a damaged file is
     * discarded and fetched again, and an object that arrives damaged is refused.
     */
    void fetch(DatasetVersion version) {
        StoredVersion meta = stored(version.dataset(), version.version())
                .orElseThrow(() -> new LakeStorageException(
                        version.dataset() + " v" + version.version() + " is not in " + store.describe()));
        for (String name : version.manifest().files()) {
            cached(version.dataset(), version.version(), name, meta.objects().get(name), true);
        }
    }

    /**
     * Runs {@code read} (fetching a version and copying its rows out of the cache) while no trim of the cache
     * can delete the files it reads, then trims the cache to its limit if no other reader is busy.
     */
    <T> T reading(DatasetVersion version, java.util.function.Supplier<T> read) {
        T result;
        reading.readLock().lock();
        try {
            result = read.get();
        } finally {
            reading.readLock().unlock();
        }
        if (reading.writeLock().tryLock()) {
            try {
                evict(version.directory());
            } finally {
                reading.writeLock().unlock();
            }
        }
        return result;
    }

    /**
     * Settles what crashed writers left: versions claimed but never published are aborted and their files
     * deleted; published versions missing from their Iceberg table are committed to it. Returns how many
     * versions were aborted.
     */
    int recover() {
        int aborted = 0;
        for (String folder : store.folders("")) {
            String dataset = folder.substring(0, folder.length() - 1);
            if (!Lake.validName(dataset)) {
                continue;
            }
            Map<Integer, List<String>> byVersion = new TreeMap<>();
            for (ObjectStore.StoredObject object : store.list(folder + "v")) {
                Matcher m = VERSION_KEY.matcher(object.key().substring(folder.length()));
                if (m.matches()) {
                    byVersion
                            .computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>())
                            .add(m.group(2));
                }
            }
            for (Map.Entry<Integer, List<String>> entry : byVersion.entrySet()) {
                String base = folder + "v" + entry.getKey() + "/";
                List<String> names = entry.getValue();
                if (!names.contains(Lake.MANIFEST)) {
                    if (abort(base)) {
                        aborted++;
                    }
                } else if (names.size() > 1
                        && (names.contains(CLAIM)
                                || storedUncached(base).orElseThrow().aborted())) {
                    // A claim left after publication, or files an interrupted abort did not delete.
                    if (!abort(base)) {
                        store.delete(base + CLAIM);
                    }
                }
            }
            if (iceberg != null) {
                int committed = iceberg.committedVersion(dataset);
                for (DatasetVersion version : versions(dataset)) {
                    if (version.version() > committed && !version.encrypted()) {
                        fetch(version);
                        commitToIceberg(
                                version, stored(dataset, version.version()).orElseThrow());
                    }
                }
            }
        }
        return aborted;
    }

    /**
     * A conditional PUT that recognises its own success: when the store reports the key taken, it may be this
     * very write, applied by the server and then retried by the client after its answer was lost (the SDK
     * retries failed requests), so the object is read back and compared.
     */
    private boolean createOwn(String key, byte[] content) {
        if (store.create(key, content)) {
            return true;
        }
        return store.read(key, MAX_MANIFEST_BYTES)
                .map(existing -> java.util.Arrays.equals(existing, content))
                .orElse(false);
    }

    /** Aborts a version this writer claimed and could not publish, so that nothing of it lingers. */
    private void abortQuietly(String base) {
        try {
            abort(base);
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not remove an unpublished version's objects; the next recovery will: " + e.getMessage());
        }
    }

    /** Marks the version under {@code base} aborted, unless it was published, and deletes its other objects. */
    private boolean abort(String base) {
        StoredVersion marker = new StoredVersion(FORMAT, true, writer, null, Map.of());
        boolean markedNow = store.create(base + Lake.MANIFEST, Lake.JSON.writeValueAsBytes(marker));
        Optional<StoredVersion> version = storedUncached(base);
        if (version.isPresent() && version.get().aborted()) {
            for (ObjectStore.StoredObject object : store.list(base)) {
                if (!object.key().equals(base + Lake.MANIFEST)) {
                    store.delete(object.key());
                }
            }
        }
        return markedNow;
    }

    private void commitToIceberg(DatasetVersion version, StoredVersion meta) {
        if (iceberg == null) {
            return;
        }
        try {
            iceberg.commit(version, meta);
        } catch (RuntimeException e) {
            // The version is published; its Iceberg snapshot is repaired at the next recovery (Lake.open).
            LOG.log(
                    System.Logger.Level.WARNING,
                    "Could not commit " + version.dataset() + " v" + version.version()
                            + " to its Iceberg table; the next recovery will: " + e.getMessage());
        }
    }

    private int highestNumber(String dataset) {
        int highest = 0;
        for (ObjectStore.StoredObject object : store.list(dataset + "/v")) {
            Matcher m = VERSION_KEY.matcher(object.key().substring(dataset.length() + 1));
            if (m.matches()) {
                highest = Math.max(highest, Integer.parseInt(m.group(1)));
            }
        }
        return highest;
    }

    private Optional<DatasetVersion> head(String dataset, int number) {
        Optional<StoredVersion> meta = stored(dataset, number);
        if (meta.isEmpty() || meta.get().aborted()) {
            return Optional.empty();
        }
        Path directory = versionDirectory(dataset, number);
        Path manifest = directory.resolve(Lake.MANIFEST);
        try {
            if (!Files.isRegularFile(manifest)) {
                PrivateFiles.createDirectory(directory);
                for (Map.Entry<String, StoredFile> object : meta.get().objects().entrySet()) {
                    if (!meta.get().manifest().files().contains(object.getKey())) {
                        cached(dataset, number, object.getKey(), object.getValue(), false);
                    }
                }
                Path temporary = directory.resolve("." + Lake.MANIFEST + "." + UUID.randomUUID() + ".part");
                Files.write(temporary, Lake.JSON.writeValueAsBytes(meta.get().manifest()));
                Files.move(temporary, manifest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not cache " + dataset + " v" + number, e);
        }
        return Optional.of(
                new DatasetVersion(dataset, number, directory, meta.get().manifest()));
    }

    private Optional<StoredVersion> stored(String dataset, int number) {
        String key = dataset + "/" + number;
        StoredVersion kept = stored.get(key);
        if (kept != null) {
            return Optional.of(kept);
        }
        Optional<StoredVersion> read = storedUncached(dataset + "/v" + number + "/");
        read.ifPresent(v -> {
            if (stored.size() >= KEPT_VERSIONS) {
                stored.clear();
            }
            stored.put(key, v);
        });
        return read;
    }

    private Optional<StoredVersion> storedUncached(String base) {
        Optional<byte[]> bytes = store.read(base + Lake.MANIFEST, MAX_MANIFEST_BYTES);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        StoredVersion version;
        try {
            version = Lake.JSON.readValue(bytes.get(), StoredVersion.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw new LakeStorageException("The manifest " + base + Lake.MANIFEST + " is unreadable", e);
        }
        if (!FORMAT.equals(version.format())
                || (!version.aborted() && (version.manifest() == null || version.objects() == null))) {
            throw new LakeStorageException("The manifest " + base + Lake.MANIFEST + " is not one this lake wrote");
        }
        return Optional.of(version);
    }

    /** The file in the cache, checked; downloaded (to a temporary name, then renamed) when missing or damaged. */
    private Path cached(String dataset, int number, String name, StoredFile expected, boolean data) {
        Path directory = versionDirectory(dataset, number);
        Path file = directory.resolve(name).normalize();
        if (!file.startsWith(directory) || expected == null) {
            throw new LakeStorageException("The manifest of " + dataset + " v" + number + " names a file it holds no"
                    + " record of, or one outside its version: " + name);
        }
        try {
            if (Files.isRegularFile(file)) {
                if (intact(file, expected)) {
                    if (data) {
                        Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
                        verified.put(file, Files.getLastModifiedTime(file));
                    }
                    return file;
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        "The cached " + name + " of " + dataset + " v" + number
                                + " does not match its manifest; fetching it again");
                Files.deleteIfExists(file);
                verified.remove(file);
            }
            PrivateFiles.createDirectory(file.getParent());
            Path temporary = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".part");
            try {
                Files.createFile(temporary);
                PrivateFiles.restrictFile(temporary);
                store.download(dataset + "/v" + number + "/" + name, temporary);
                if (Files.size(temporary) != expected.size()
                        || !sha256(temporary).equals(expected.sha256())) {
                    throw new LakeStorageException("The object " + name + " of " + dataset + " v" + number + " in "
                            + store.describe() + " does not match its manifest: it was altered or damaged");
                }
                Lake.force(temporary);
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("The lake's cache directory cannot rename atomically", e);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
            verified.put(file, Files.getLastModifiedTime(file));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not cache " + name + " of " + dataset + " v" + number, e);
        }
    }

    private boolean intact(Path file, StoredFile expected) throws IOException {
        if (Files.size(file) != expected.size()) {
            return false;
        }
        FileTime modified = Files.getLastModifiedTime(file);
        if (modified.equals(verified.get(file))) {
            return true;
        }
        return sha256(file).equals(expected.sha256());
    }

    /**
     * Keeps the cache's Parquet files under the limit, least recently read first; never {@code keep}'s. Runs
     * only while no reader holds the cache ({@link #reading}); a version in clear is read by DuckDB from the
     * cache after {@link Lake#clear} returns, so under a tight limit it may lose a file mid-read and the read
     * fails (run again, it is fetched again). The platform's versions are encrypted and copied out first.
     */
    private void evict(Path keep) {
        if (cacheLimitBytes <= 0) {
            return;
        }
        record Cached(Path file, long size, FileTime used) {}
        List<Cached> files = new ArrayList<>();
        long total = 0;
        try (Stream<Path> walk = Files.walk(cache, 3)) {
            for (Path directory : walk.filter(p -> p.getFileName().toString().matches("v\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve(Lake.MANIFEST)))
                    .toList()) {
                LakeManifest manifest =
                        Lake.JSON.readValue(directory.resolve(Lake.MANIFEST).toFile(), LakeManifest.class);
                for (String name : manifest.files()) {
                    Path file = directory.resolve(name);
                    if (Files.isRegularFile(file)) {
                        long size = Files.size(file);
                        total += size;
                        if (!directory.equals(keep)) {
                            files.add(new Cached(file, size, Files.getLastModifiedTime(file)));
                        }
                    }
                }
            }
            files.sort(Comparator.comparing(Cached::used));
            for (Cached file : files) {
                if (total <= cacheLimitBytes) {
                    break;
                }
                Files.deleteIfExists(file.file());
                verified.remove(file.file());
                total -= file.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not trim the lake's cache " + cache, e);
        }
    }

    /** Moves the published staging directory into the cache: the version's files need not be downloaded again. */
    private Path cacheStaged(Path staging, String dataset, int number, LakeManifest complete) throws IOException {
        Path directory = versionDirectory(dataset, number);
        Files.write(staging.resolve(Lake.MANIFEST), Lake.JSON.writeValueAsBytes(complete));
        PrivateFiles.createDirectory(directory.getParent());
        try {
            Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            Lake.deleteRecursively(staging);
        } catch (IOException e) {
            // A non-empty directory of a cache from an earlier bucket: fetched again on demand.
            Lake.deleteRecursively(staging);
        }
        return directory;
    }

    private Path versionDirectory(String dataset, int number) {
        return cache.resolve(dataset).resolve("v" + number);
    }

    private void deleteFiles(String base, Iterable<String> names) {
        for (String name : names) {
            store.delete(base + name);
        }
    }

    private static LakeManifest numbered(LakeManifest manifest, int version) {
        return new LakeManifest(
                manifest.dataset(),
                version,
                manifest.createdAt(),
                manifest.rowCount(),
                manifest.columns(),
                manifest.files(),
                manifest.inputFingerprint(),
                manifest.specFingerprint(),
                manifest.runId(),
                manifest.lineage(),
                manifest.diff());
    }

    private static List<Path> stagedFiles(Path staging) throws IOException {
        try (Stream<Path> walk = Files.walk(staging)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().equals(Lake.MANIFEST))
                    .sorted()
                    .toList();
        }
    }

    private static String relativeName(Path staging, Path file) {
        return staging.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
