package vn.datafloor.server.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import vn.datafloor.integration.lake.PrivateFiles;

/** The scope an API key needs for one agreement, and the server's secret for per-agreement hash keys. */
final class AccessKeys {

    private AccessKeys() {}

    /** The scope of a key that may use this agreement's data. */
    static String scope(long agreementId) {
        return "agreement:" + agreementId;
    }

    /**
     * The 32-byte secret from which each agreement's keyed-hash key is derived, created on first start
     * and readable by the server's account only. Losing it changes every keyed hash the buyers hold.
     */
    static byte[] secret(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                Files.createDirectories(file.getParent());
                Path staged = Files.createTempFile(file.getParent(), "access-hash", ".tmp");
                PrivateFiles.restrictFile(staged);
                Files.write(staged, fresh);
                Files.move(staged, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            byte[] secret = Files.readAllBytes(file);
            if (secret.length != 32) {
                throw new IllegalStateException(file + " must hold 32 bytes");
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
