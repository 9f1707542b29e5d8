package vn.datafloor.integration.lake;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.Objects;

/**
 * A Tink AES-256-GCM keyset in a local file (owner-only), created on first use: the platform's default
 * master key, for the lake's data keys and for sealed secrets. {@link #rotate} adds a new primary key and
 * keeps the old ones, so everything wrapped before stays readable; it replaces the file by an atomic
 * rename, and every holder of this key notices the new file at its next use (a stat per use), so a
 * running server picks up a rotation done by the command line without a restart.
 */
public final class LocalMasterKey implements MasterKey {

    /** What the file looked like when it was read: a rename gives it another file key. */
    private record Loaded(Object fileKey, long modified, long size, KeysetHandle keyset, Aead aead) {}

    private final Path file;
    private volatile Loaded loaded;

    private LocalMasterKey(Path file) {
        this.file = file;
    }

    /** The keyset in {@code file}, generated (one AES-256-GCM key, file mode 0600) when there is none. */
    public static LocalMasterKey openOrCreate(Path file) {
        register();
        LocalMasterKey key = new LocalMasterKey(file.toAbsolutePath().normalize());
        try {
            if (!Files.exists(key.file)) {
                PrivateFiles.createDirectory(key.file.getParent());
                key.write(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate a master key", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the master keyset " + key.file, e);
        }
        key.current();
        return key;
    }

    /** The keyset in {@code file}, which must exist: for tools that must not create a key by mistake. */
    public static LocalMasterKey open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LakeKeyException("There is no master keyset at " + file);
        }
        return openOrCreate(file);
    }

    @Override
    public Aead aead() {
        return current().aead();
    }

    /** The id of the key that wraps from now on. */
    public int primaryKeyId() {
        return current().keyset().getPrimary().getId();
    }

    /** How many keys the keyset holds (the primary and the older ones kept for reading). */
    public int size() {
        return current().keyset().size();
    }

    /**
     * Adds a fresh AES-256-GCM key and makes it the primary; older keys stay for unwrapping. Returns the
     * new primary's id. Then re-wrap what the old key wrapped ({@link LakeKeys#rewrap}).
     */
    public synchronized int rotate() {
        try {
            KeysetHandle rotated = KeysetHandle.newBuilder(current().keyset())
                    .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                            .withRandomId()
                            .makePrimary())
                    .build();
            write(rotated);
            return current().keyset().getPrimary().getId();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not add a master key", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the rotated master keyset " + file, e);
        }
    }

    private Loaded current() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Loaded seen = loaded;
            if (seen != null
                    && Objects.equals(seen.fileKey(), attributes.fileKey())
                    && seen.modified() == attributes.lastModifiedTime().toMillis()
                    && seen.size() == attributes.size()) {
                return seen;
            }
            KeysetHandle keyset =
                    TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get());
            Loaded fresh = new Loaded(
                    attributes.fileKey(),
                    attributes.lastModifiedTime().toMillis(),
                    attributes.size(),
                    keyset,
                    keyset.getPrimitive(RegistryConfiguration.get(), Aead.class));
            loaded = fresh;
            return fresh;
        } catch (GeneralSecurityException e) {
            throw new LakeKeyException("The master keyset " + file + " is unusable", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the master keyset " + file, e);
        }
    }

    /** Writes a sibling file, forces it, then renames it over the keyset: a crash leaves the old or the new one. */
    private void write(KeysetHandle keyset) throws GeneralSecurityException, IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary);
        PrivateFiles.restrictFile(temporary);
        Files.writeString(temporary, TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
        Lake.force(temporary);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Lake.forceDirectory(file.getParent());
    }

    static void register() {
        try {
            AeadConfig.register();
            com.google.crypto.tink.streamingaead.StreamingAeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink could not register its primitives", e);
        }
    }
}
