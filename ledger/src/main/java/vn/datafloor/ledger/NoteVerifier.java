package vn.datafloor.ledger;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** Verifies C2SP signed notes against one Ed25519 verifier key. */
public final class NoteVerifier {

    // DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw key follows it.
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final String keyName;
    private final byte[] keyId;
    private final byte[] publicKey;

    private NoteVerifier(String keyName, byte[] keyId, byte[] publicKey) {
        this.keyName = keyName;
        this.keyId = keyId;
        this.publicKey = publicKey;
    }

    /**
     * Parses a verifier key {@code <name>+<8 hex digits>+<base64(0x01 ‖ 32-byte key)>}.
     *
     * @throws IllegalArgumentException if malformed, not Ed25519, or the key ID does not match
     */
    public static NoteVerifier fromVerifierKey(String vkey) {
        if (vkey == null) {
            throw new IllegalArgumentException("verifier key is null");
        }
        // Only the first two '+' separate fields: standard base64 may itself contain '+'.
        String[] parts = vkey.strip().split("\\+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("malformed verifier key: expected name+keyid+key");
        }
        NoteKeys.checkName(parts[0]);
        if (!parts[1].matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("malformed verifier key: key ID must be 8 lowercase hex digits");
        }
        byte[] typed;
        try {
            typed = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed verifier key: key is not base64", e);
        }
        if (typed.length != 33 || typed[0] != NoteKeys.ALG_ED25519) {
            throw new IllegalArgumentException("verifier key is not an Ed25519 (type 0x01) key");
        }
        byte[] pub = Arrays.copyOfRange(typed, 1, 33);
        byte[] id = HexFormat.of().parseHex(parts[1]);
        if (!Arrays.equals(id, NoteKeys.keyId(parts[0], pub))) {
            throw new IllegalArgumentException("verifier key ID does not match its name and key");
        }
        return new NoteVerifier(parts[0], id, pub);
    }

    public String keyName() {
        return keyName;
    }

    /**
     * True if the note carries a valid signature by this key. Signatures by other keys are
     * ignored, as C2SP signed-note allows co-signers; malformed notes yield false.
     */
    public boolean verify(String signedNote) {
        if (signedNote == null) {
            return false;
        }
        int split = signedNote.lastIndexOf("\n\n");
        if (split < 0 || !signedNote.endsWith("\n")) {
            return false;
        }
        String body = signedNote.substring(0, split + 1);
        String sigBlock = signedNote.substring(split + 2);
        byte[] message = body.getBytes(StandardCharsets.UTF_8);
        for (String line : sigBlock.substring(0, sigBlock.length() - 1).split("\n", -1)) {
            if (!line.startsWith(NoteKeys.SIGNATURE_PREFIX)) {
                return false;
            }
            String[] f = line.substring(NoteKeys.SIGNATURE_PREFIX.length()).split(" ", -1);
            if (f.length != 2 || !f[0].equals(keyName)) {
                continue;
            }
            byte[] keyAndSig;
            try {
                keyAndSig = Base64.getDecoder().decode(f[1]);
            } catch (IllegalArgumentException e) {
                return false;
            }
            if (keyAndSig.length != 4 + 64 || !MessageDigest.isEqual(Arrays.copyOf(keyAndSig, 4), keyId)) {
                continue;
            }
            if (verifyRaw(publicKey, message, Arrays.copyOfRange(keyAndSig, 4, keyAndSig.length))) {
                return true;
            }
        }
        return false;
    }

    static boolean verifyRaw(byte[] rawPublicKey, byte[] message, byte[] signature) {
        try {
            byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
            System.arraycopy(rawPublicKey, 0, der, X509_PREFIX.length, 32);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
