package vn.datafloor.server.platform;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.LocalMasterKey;

/**
 * AES-256-GCM (Tink) with the master keyset in {@code data/keys/secrets.keyset.json}, created on
 * first use with owner-only permissions; the same keyset file handling as the lake's master key
 * ({@link LocalMasterKey}), so a rotated keyset is picked up without a restart. Production keeps the
 * master key in a KMS instead.
 */
@Component
public class LocalKeysetSecretBox implements SecretBox {

    private final LocalMasterKey master;

    public LocalKeysetSecretBox(DatafloorProperties properties, ClusterNode node) {
        this.master =
                LocalMasterKey.openOrCreate(node.sharedKey(properties.keysDir().resolve("secrets.keyset.json")));
    }

    @Override
    public String seal(String secret, String context) {
        try {
            return Base64.getEncoder()
                    .encodeToString(master.aead()
                            .encrypt(
                                    secret.getBytes(StandardCharsets.UTF_8), context.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption failed", e);
        }
    }

    @Override
    public String open(String ciphertext, String context) {
        try {
            return new String(
                    master.aead()
                            .decrypt(Base64.getDecoder().decode(ciphertext), context.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A stored secret could not be decrypted (wrong key or tampered)", e);
        }
    }
}
