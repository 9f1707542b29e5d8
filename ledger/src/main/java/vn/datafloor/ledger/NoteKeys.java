package vn.datafloor.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/** C2SP signed-note key naming shared by signer and verifier. */
final class NoteKeys {

    /** C2SP signed-note signature type for Ed25519. */
    static final byte ALG_ED25519 = 0x01;

    static final String SIGNATURE_PREFIX = "\u2014 ";

    private NoteKeys() {}

    /** C2SP signed-note: key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4]. */
    static byte[] keyId(String name, byte[] publicKey) {
        MessageDigest md = MerkleProofs.newSha256();
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0A);
        md.update(ALG_ED25519);
        md.update(publicKey);
        return Arrays.copyOf(md.digest(), 4);
    }

    /** C2SP signed-note: names are non-empty and contain no whitespace or '+'. */
    static void checkName(String name) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c == '+' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException("key name must be non-empty without spaces or '+': '" + name + "'");
        }
    }
}
