package vn.datafloor.integration.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Datasets as immutable versions of Parquet files under one root ({@code data/lake}):
 * {@code <dataset>/v<N>/part-*.parquet} and {@code manifest.json}. A version is written in a
 * staging directory, its manifest last, then renamed into place in one atomic step; a crash at any
 * point leaves either the whole version or nothing visible, and stale staging is swept on open.
 *
 * <p>A lake opened with {@link LakeKeys} encrypts every version it publishes (docs/encryption.md); its
 * trusted readers get clear copies from {@link #clear}.
 */
public final class Lake {

    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d+)");
    private static final Pattern DATASET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    static final String MANIFEST = "manifest.json";
    static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Path root;
    private final LakeKeys keys;
    /** The versions' object storage; null when they are in {@link #root} itself (the default). */
    private final ObjectLake remote;

    private Lake(Path root, LakeKeys keys) {
        this(root, keys, null);
    }

    private Lake(Path root, LakeKeys keys, ObjectLake remote) {
        this.root = root;
        this.keys = keys;
        this.remote = remote;
    }

    /** Opens (creating) the lake and removes what crashed runs left in staging. */
    private static final ConcurrentHashMap<String, java.util.concurrent.locks.ReentrantLock> PUBLISHING =
            new ConcurrentHashMap<>();

    public static Lake open(Path root) {
        return open(root, null);
    }

    /**
     * Opens (creating) the lake with its keys: versions published through it are encrypted, and
     * {@link #clear} decrypts them. Without keys ({@code null}) versions are published in clear and
     * encrypted ones cannot be read.
     */
    public static Lake open(Path root, LakeKeys keys) {
        try {
            Files.createDirectories(root);
            Lake lake = new Lake(root.toAbsolutePath().normalize(), keys);
            lake.sweepStaging();
            return lake;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the lake at " + root, e);
        }
    }

    /**
     * Opens a lake whose versions are on object storage (docs/object-storage.md): {@code root} keeps only
     * what a writer stages and quarantines, the versions' files are read through {@code storage}'s cache.
     * Recovery runs here, as the sweep of staging does for a local lake: versions crashed writers left
     * half-uploaded are aborted and removed, and published versions missing from their Iceberg table are
     * committed to it. Like a local lake, it assumes it is the lake's one writer while it opens.
     */
    public static Lake open(Path root, LakeKeys keys, ObjectStorage storage) {
        try {
            Files.createDirectories(root);
            Path absolute = root.toAbsolutePath().normalize();
            Path cache = PrivateFiles.createDirectory(
                    storage.cache().toAbsolutePath().normalize());
            ObjectLake remote = new ObjectLake(
                    storage.store(),
                    cache,
                    storage.cacheLimitBytes(),
                    keys,
                    storage.icebergTables() ? new IcebergTables(storage.store()) : null,
                    java.time.Clock.systemUTC());
            Lake lake = new Lake(absolute, keys, remote);
            lake.sweepStaging();
            remote.recover();
            return lake;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the lake at " + root, e);
        }
    }

    /**
     * A lake on object storage as a reader beside its writer sees it: no sweep, no recovery, no Iceberg
     * commits; it only lists and reads (through {@code cache}).
     */
    static Lake reading(ObjectStore store, LakeKeys keys, Path cache) {
        try {
            Path absolute = PrivateFiles.createDirectory(cache.toAbsolutePath().normalize());
            return new Lake(
                    absolute.resolveSibling(absolute.getFileName() + "-root"),
                    keys,
                    new ObjectLake(store, absolute, 0, keys, null, java.time.Clock.systemUTC()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the lake's cache " + cache, e);
        }
    }

    /** Where the versions are, for messages: the local directory or the object store. Never a credential. */
    public String location() {
        return remote == null ? root.toString() : remote.store().describe();
    }

    /** The lake as it is, for a tool that runs beside a server: what looks like stale staging may be a run's. */
    static Lake withoutSweeping(Path root) {
        return new Lake(root.toAbsolutePath().normalize(), null);
    }

    public Path root() {
        return root;
    }

    public static boolean validName(String dataset) {
        return dataset != null && DATASET_NAME.matcher(dataset).matches();
    }

    /** A fresh, private directory to write a new version's files into. */
    public Path stage(String dataset) {
        requireName(dataset);
        try {
            // 0700: the staged files are written by DuckDB with the default mode and hold clear data until published.
            return PrivateFiles.createDirectory(root.resolve(dataset).resolve(".staging-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes a staged directory the next version. {@code manifest} is completed with the version
     * number and written last; everything is forced to disk before the rename that publishes it.
     */
    public DatasetVersion publish(Path staging, LakeManifest manifest) {
        String dataset = manifest.dataset();
        requireName(dataset);
        if (remote != null) {
            DatasetVersion published = remote.publish(staging, manifest);
            Lake.deleteRecursively(staging);
            return published;
        }
        Path datasetDir = root.resolve(dataset);
        // The file lock keeps other processes out; threads of this one queue here first, because a
        // JVM holds a file lock for all its threads and a second lock() would throw, not wait.
        java.util.concurrent.locks.ReentrantLock local = PUBLISHING.computeIfAbsent(
                datasetDir.toAbsolutePath().normalize().toString(),
                k -> new java.util.concurrent.locks.ReentrantLock());
        local.lock();
        try (FileChannel lockChannel = FileChannel.open(
                        datasetDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            int next = versions(dataset).stream()
                            .mapToInt(DatasetVersion::version)
                            .max()
                            .orElse(0)
                    + 1;
            LakeManifest complete = new LakeManifest(
                    dataset,
                    next,
                    manifest.createdAt(),
                    manifest.rowCount(),
                    manifest.columns(),
                    manifest.files(),
                    manifest.inputFingerprint(),
                    manifest.specFingerprint(),
                    manifest.runId(),
                    manifest.lineage(),
                    manifest.diff());
            if (keys != null) {
                // Under the lock, where the version number is known: the data key is bound to it.
                keys.seal(staging, dataset, next, manifest.files());
            }
            try (Stream<Path> files = Files.list(staging)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    force(file);
                }
            }
            Path manifestFile = staging.resolve(MANIFEST);
            Files.write(manifestFile, JSON.writeValueAsBytes(complete));
            force(manifestFile);
            forceDirectory(staging);
            Path target = datasetDir.resolve("v" + next);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(
                        "The lake's file system cannot rename atomically; versions could be seen half-written", e);
            }
            forceDirectory(datasetDir);
            return new DatasetVersion(dataset, next, target, complete);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not publish a version of " + dataset, e);
        } finally {
            local.unlock();
        }
    }

    /**
     * The version's Parquet files in clear for a trusted reader: the files themselves when the version is
     * not encrypted, else copies decrypted into a private directory under {@code scratch}, deleted when
     * the result is closed. Only the readers listed in docs/encryption.md call this.
     *
     * @throws LakeKeyException when the version is encrypted and this lake has no keys, or the keys fail
     */
    public ClearVersion clear(DatasetVersion version, Path scratch) {
        if (remote != null && version.directory().startsWith(remote.cache())) {
            return remote.reading(version, () -> {
                remote.fetch(version);
                return clearLocal(version, scratch);
            });
        }
        return clearLocal(version, scratch);
    }

    private ClearVersion clearLocal(DatasetVersion version, Path scratch) {
        if (!version.encrypted()) {
            return new ClearVersion(version, version.files(), null);
        }
        if (keys == null) {
            throw new LakeKeyException(version.dataset() + " v" + version.version()
                    + " is encrypted, and the lake was opened without its master key");
        }
        return keys.decrypt(version, scratch);
    }

    /**
     * {@link #clear} for a version's files as an access view carries them ({@link DatasetVersion#files}).
     * Files that are no published version's in this lake are nothing it encrypted: returned as they are,
     * with no version.
     */
    public ClearVersion clear(List<Path> files, Path scratch) {
        Optional<DatasetVersion> version = files.isEmpty() ? Optional.empty() : versionOf(files.get(0));
        if (version.isEmpty()
                || !version.get()
                        .files()
                        .equals(files.stream()
                                .map(f -> f.toAbsolutePath().normalize())
                                .toList())) {
            if (files.stream().anyMatch(f -> versionOf(f).isPresent())) {
                throw new IllegalArgumentException("Files of a lake version are read together, all of them");
            }
            return new ClearVersion(null, files, null);
        }
        return clear(version.get(), scratch);
    }

    /** The published version {@code file} belongs to, if it is one of a version's files in this lake. */
    public Optional<DatasetVersion> versionOf(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        Path versionDirectory = absolute.getParent();
        Path versions = remote == null ? root : remote.cache();
        if (versionDirectory == null
                || versionDirectory.getParent() == null
                || !versions.equals(versionDirectory.getParent().getParent())) {
            return Optional.empty();
        }
        String dataset = versionDirectory.getParent().getFileName().toString();
        Matcher m = VERSION_DIR.matcher(versionDirectory.getFileName().toString());
        if (!validName(dataset) || !m.matches()) {
            return Optional.empty();
        }
        return version(dataset, Integer.parseInt(m.group(1)))
                .filter(v -> v.files().contains(absolute));
    }

    /** Throws away a staged directory (a failed or cancelled run). */
    public void discard(Path staging) {
        deleteRecursively(staging);
    }

    public List<String> datasets() {
        if (remote != null) {
            return remote.datasets();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(Lake::validName)
                    .filter(name -> !versions(name).isEmpty())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Published versions, oldest first. */
    public List<DatasetVersion> versions(String dataset) {
        requireName(dataset);
        if (remote != null) {
            return remote.versions(dataset);
        }
        Path datasetDir = root.resolve(dataset);
        if (!Files.isDirectory(datasetDir)) {
            return List.of();
        }
        List<DatasetVersion> versions = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(datasetDir)) {
            for (Path child : children) {
                Matcher m = VERSION_DIR.matcher(child.getFileName().toString());
                Path manifest = child.resolve(MANIFEST);
                if (m.matches() && Files.isRegularFile(manifest)) {
                    versions.add(new DatasetVersion(dataset, Integer.parseInt(m.group(1)), child, manifest(manifest)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        versions.sort(Comparator.comparingInt(DatasetVersion::version));
        return versions;
    }

    /**
     * A published version's manifest, parsed once: a version is renamed into place complete and never
     * rewritten, and reading every manifest again was most of the cost of asking for the latest version
     * on each data delivery. Kept by path with its size and modification time, so a version deleted and
     * published again under the same number is read afresh.
     */
    private LakeManifest manifest(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        ParsedManifest kept = manifests.get(file);
        if (kept != null && kept.size() == attributes.size() && kept.modified().equals(attributes.lastModifiedTime())) {
            return kept.manifest();
        }
        LakeManifest manifest = JSON.readValue(file.toFile(), LakeManifest.class);
        if (manifests.size() >= KEPT_MANIFESTS) {
            manifests.clear();
        }
        manifests.put(file, new ParsedManifest(attributes.size(), attributes.lastModifiedTime(), manifest));
        return manifest;
    }

    private static final int KEPT_MANIFESTS = 4096;

    private record ParsedManifest(long size, FileTime modified, LakeManifest manifest) {}

    private final ConcurrentHashMap<Path, ParsedManifest> manifests = new ConcurrentHashMap<>();

    public Optional<DatasetVersion> latest(String dataset) {
        List<DatasetVersion> versions = versions(dataset);
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    public Optional<DatasetVersion> version(String dataset, int version) {
        if (remote != null) {
            requireName(dataset);
            return remote.version(dataset, version);
        }
        return versions(dataset).stream().filter(v -> v.version() == version).findFirst();
    }

    private void sweepStaging() throws IOException {
        try (Stream<Path> datasets = Files.list(root)) {
            for (Path dataset : datasets.filter(Files::isDirectory).toList()) {
                try (Stream<Path> children = Files.list(dataset)) {
                    children.filter(c -> c.getFileName().toString().startsWith(".staging-"))
                            .forEach(Lake::deleteRecursively);
                }
            }
        }
    }

    private static void requireName(String dataset) {
        if (!validName(dataset)) {
            throw new IllegalArgumentException("Dataset names are 1-100 of a-z, 0-9, '.', '_', '-': " + dataset);
        }
    }

    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void forceDirectory(Path directory) {
        // Linux makes a rename durable only when the directory itself is forced; elsewhere this may be refused.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // not supported on this platform: nothing more can be done
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
