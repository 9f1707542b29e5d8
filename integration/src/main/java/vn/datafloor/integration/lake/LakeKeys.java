package vn.datafloor.integration.lake;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Envelope encryption of the lake (docs/encryption.md). Every version a lake with keys publishes has its
 * own random data key (a Tink AES-256-GCM-HKDF streaming key) that encrypts each of its Parquet files;
 * the data key is stored in the version's {@code keys.json}, wrapped by the {@link MasterKey} with the
 * dataset and version as associated data, and written before the rename that publishes the version, so
 * a version is never visible without its key nor its key without the version.
 *
 * <p>The whole file is encrypted, not only the sensitive columns: DuckDB 1.4 can write Parquet modular
 * encryption only with the httpfs extension's OpenSSL, which is never loaded here, and a version's
 * classification is decided after it is published (detection, then the steward), so the lake encrypts
 * every version it writes, which covers every column that is or later becomes sensitive.
 *
 * <p>DuckDB cannot read these files directly. A trusted reader asks {@link Lake#clear} for clear copies in
 * its own private scratch directory, reads them and closes the {@link ClearVersion}, which deletes them.
 * The readers that may do so are listed in docs/encryption.md and held to that list by
 * {@code LakeKeysRulesTest}; user-written SQL never runs on a connection that can see the copies before
 * the rows it may see were copied out of them.
 */
public final class LakeKeys {

    static final String KEYS = "keys.json";
    private static final String FORMAT = "datafloor-lake-keys/1";
    private static final String CIPHER = "AES256_GCM_HKDF_1MB";

    /** What {@code keys.json} holds: the wrapped data key, and which files it encrypts. */
    record KeysFile(String format, String dataset, int version, String cipher, List<String> files, String dataKey) {}

    /** The lake's master keyset file in the platform's keys directory ({@code data/keys}). */
    public static final String KEYSET_FILE = "lake.keyset.json";

    private final MasterKey master;

    /** The platform's default: the local master keyset in {@code keysDir}, created on first use. */
    public static LakeKeys local(Path keysDir) {
        return new LakeKeys(LocalMasterKey.openOrCreate(keysDir.resolve(KEYSET_FILE)));
    }

    public LakeKeys(MasterKey master) {
        LocalMasterKey.register();
        this.master = master;
    }

    /** Whether the version's files are encrypted (it has a {@code keys.json}). */
    public static boolean encrypted(DatasetVersion version) {
        return Files.isRegularFile(version.directory().resolve(KEYS));
    }

    /**
     * Encrypts the staged {@code files} in place with a new data key and writes {@code keys.json}. Runs
     * inside {@link Lake#publish}, under the dataset's lock, once the version number is known; a crash here
     * leaves only staging, which the next open sweeps.
     */
    void seal(Path staging, String dataset, int version, List<String> files) throws IOException {
        try {
            KeysetHandle dataKey = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
            StreamingAead cipher = dataKey.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
            for (String name : files) {
                Path clear = staging.resolve(name);
                Path sealed = staging.resolve(name + ".sealing");
                try (InputStream in = Files.newInputStream(clear);
                        OutputStream out = cipher.newEncryptingStream(
                                Files.newOutputStream(sealed), fileData(dataset, version, name))) {
                    in.transferTo(out);
                }
                Files.move(sealed, clear, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            byte[] wrapped =
                    TinkProtoKeysetFormat.serializeEncryptedKeyset(dataKey, master.aead(), keyData(dataset, version));
            Path keys = staging.resolve(KEYS);
            Files.write(
                    keys,
                    Lake.JSON.writeValueAsBytes(new KeysFile(
                            FORMAT,
                            dataset,
                            version,
                            CIPHER,
                            List.copyOf(files),
                            Base64.getEncoder().encodeToString(wrapped))));
            PrivateFiles.restrictFile(keys);
        } catch (GeneralSecurityException e) {
            throw new LakeKeyException("Could not encrypt " + dataset + " v" + version, e);
        }
    }

    /**
     * Clear copies of {@code version}'s files in a new private directory under {@code scratch}. Only the
     * readers named in docs/encryption.md call this, through {@link Lake#clear}.
     */
    ClearVersion decrypt(DatasetVersion version, Path scratch) {
        StreamingAead cipher = dataKey(version);
        Path directory = null;
        try {
            directory = PrivateFiles.createDirectory(scratch.resolve("clear-" + UUID.randomUUID()));
            List<Path> copies = new ArrayList<>();
            for (String name : version.manifest().files()) {
                Path copy = directory.resolve(Path.of(name).getFileName().toString());
                Files.createFile(copy);
                PrivateFiles.restrictFile(copy);
                try (InputStream in = cipher.newDecryptingStream(
                                Files.newInputStream(version.directory().resolve(name)),
                                fileData(version.dataset(), version.version(), name));
                        OutputStream out = Files.newOutputStream(copy)) {
                    in.transferTo(out);
                }
                copies.add(copy);
            }
            return new ClearVersion(version, copies, directory);
        } catch (GeneralSecurityException | IOException e) {
            if (directory != null) {
                Lake.deleteRecursively(directory);
            }
            // Tink reports a failed segment as an IOException: a file altered, or swapped from another version.
            throw new LakeKeyException(
                    "Could not decrypt " + version.dataset() + " v" + version.version()
                            + ": a file is damaged or does not belong to this version",
                    e);
        }
    }

    /** The version's data key, unwrapped by the master key. */
    private StreamingAead dataKey(DatasetVersion version) {
        KeysFile keys = read(version.directory().resolve(KEYS));
        try {
            return unwrap(keys, version.dataset(), version.version())
                    .getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        } catch (GeneralSecurityException e) {
            throw new LakeKeyException(
                    "The data key of " + version.dataset() + " v" + version.version() + " is unusable", e);
        }
    }

    private KeysetHandle unwrap(KeysFile keys, String dataset, int version) {
        try {
            return TinkProtoKeysetFormat.parseEncryptedKeyset(
                    Base64.getDecoder().decode(keys.dataKey()), master.aead(), keyData(dataset, version));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new LakeKeyException(
                    "The data key of " + dataset + " v" + version + " cannot be unwrapped: the master keyset does"
                            + " not hold the key that wrapped it (a wrong keyset, or a key removed before its"
                            + " versions were re-wrapped), or keys.json was altered or moved from another version",
                    e);
        }
    }

    /**
     * Wraps every encrypted version's data key again with the master key's current primary, after a
     * rotation. Each {@code keys.json} is replaced by an atomic rename, so a crash leaves the old or the
     * new one, both readable while the old key is still in the keyset; running it again is harmless.
     * Returns how many versions were re-wrapped. It does not sweep staging (unlike {@link Lake#open}), so
     * it may run beside a server that is publishing.
     */
    public int rewrap(Path lakeRoot) {
        Lake lake = Lake.withoutSweeping(lakeRoot);
        int rewrapped = 0;
        for (String dataset : lake.datasets()) {
            for (DatasetVersion version : lake.versions(dataset)) {
                if (encrypted(version)) {
                    rewrap(version);
                    rewrapped++;
                }
            }
        }
        return rewrapped;
    }

    private void rewrap(DatasetVersion version) {
        Path file = version.directory().resolve(KEYS);
        KeysFile keys = read(file);
        KeysetHandle dataKey = unwrap(keys, version.dataset(), version.version());
        try {
            byte[] wrapped = TinkProtoKeysetFormat.serializeEncryptedKeyset(
                    dataKey, master.aead(), keyData(version.dataset(), version.version()));
            Path temporary = version.directory().resolve("." + KEYS + ".tmp");
            Files.deleteIfExists(temporary);
            Files.createFile(temporary);
            PrivateFiles.restrictFile(temporary);
            Files.write(
                    temporary,
                    Lake.JSON.writeValueAsBytes(new KeysFile(
                            keys.format(),
                            keys.dataset(),
                            keys.version(),
                            keys.cipher(),
                            keys.files(),
                            Base64.getEncoder().encodeToString(wrapped))));
            Lake.force(temporary);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Lake.forceDirectory(version.directory());
        } catch (GeneralSecurityException e) {
            throw new LakeKeyException(
                    "Could not re-wrap the data key of " + version.dataset() + " v" + version.version(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeysFile read(Path file) {
        try {
            KeysFile keys = Lake.JSON.readValue(file.toFile(), KeysFile.class);
            if (!FORMAT.equals(keys.format()) || !CIPHER.equals(keys.cipher())) {
                throw new LakeKeyException("Unknown key file format in " + file);
            }
            return keys;
        } catch (tools.jackson.core.JacksonException e) {
            throw new LakeKeyException("Unreadable key file " + file, e);
        }
    }

    /** The data key's associated data: it unwraps only for the version whose folder it is in. */
    private static byte[] keyData(String dataset, int version) {
        return ("datafloor-lake-key:" + dataset + "/v" + version).getBytes(StandardCharsets.UTF_8);
    }

    /** A file's associated data: a file moved to another version or name fails authentication. */
    private static byte[] fileData(String dataset, int version, String name) {
        return ("datafloor-lake-file:" + dataset + "/v" + version + "/" + name).getBytes(StandardCharsets.UTF_8);
    }
}
