package vn.datafloor.server.platform;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * AES-256-GCM (Tink) with the master keyset in {@code data/keys/secrets.keyset.json}, created on
 * first use with owner-only permissions. Production keeps the master key in a KMS instead.
 */
@Component
public class LocalKeysetSecretBox implements SecretBox {

    private final Aead aead;

    public LocalKeysetSecretBox(DatafloorProperties properties) {
        try {
            AeadConfig.register();
            Path file = properties.keysDir().resolve("secrets.keyset.json");
            KeysetHandle keyset;
            if (Files.exists(file)) {
                keyset = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(file), InsecureSecretKeyAccess.get());
            } else {
                Files.createDirectories(file.getParent());
                keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
                Files.writeString(
                        file, TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException notPosix) {
                    // Windows: the data directory's permissions protect it.
                }
            }
            aead = keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The secrets keyset is unusable", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the secrets keyset", e);
        }
    }

    @Override
    public String seal(String secret, String context) {
        try {
            return Base64.getEncoder()
                    .encodeToString(aead.encrypt(
                            secret.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption failed", e);
        }
    }

    @Override
    public String open(String ciphertext, String context) {
        try {
            return new String(
                    aead.decrypt(Base64.getDecoder().decode(ciphertext), context.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A stored secret could not be decrypted (wrong key or tampered)", e);
        }
    }
}
