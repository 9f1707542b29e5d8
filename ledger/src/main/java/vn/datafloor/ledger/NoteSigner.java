package vn.datafloor.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 signer for C2SP signed notes.
 *
 * <p>The key file holds the PKCS#8 private key and, because the JDK cannot derive an Ed25519
 * public key from a PKCS#8 v1 private key, the X.509 public key next to it (both PEM).
 */
public final class NoteSigner {

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]*)-----END \\1-----");

    private final String keyName;
    private final PrivateKey privateKey;
    private final byte[] publicKey;
    private final byte[] keyId;

    private NoteSigner(String keyName, PrivateKey privateKey, byte[] publicKey) {
        this.keyName = keyName;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = NoteKeys.keyId(keyName, publicKey);
    }

    /**
     * Loads the Ed25519 key from {@code keyFile}, or generates one and writes it there with
     * owner-only permissions (where the file system supports POSIX permissions).
     */
    public static NoteSigner loadOrCreate(Path keyFile, String keyName) throws IOException {
        NoteKeys.checkName(keyName);
        Objects.requireNonNull(keyFile, "keyFile");
        if (!Files.exists(keyFile)) {
            try {
                return create(keyFile, keyName);
            } catch (FileAlreadyExistsException raced) {
                // Another process created it first: use theirs, never overwrite a key.
            }
        }
        return load(keyFile, keyName);
    }

    private static NoteSigner create(Path keyFile, String keyName) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without Ed25519", e);
        }
        String pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded())
                + pem("PUBLIC KEY", pair.getPublic().getEncoded());
        if (keyFile.getParent() != null) {
            Files.createDirectories(keyFile.getParent());
        }
        boolean posix = keyFile.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                }
                : new FileAttribute<?>[0];
        // CREATE_NEW so the key exists with restricted permissions from its first byte.
        try (var ch = Files.newByteChannel(
                keyFile, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
            ch.write(java.nio.ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII)));
        }
        return new NoteSigner(keyName, pair.getPrivate(), rawPublicKey(pair.getPublic()));
    }

    private static NoteSigner load(Path keyFile, String keyName) throws IOException {
        String text = Files.readString(keyFile, StandardCharsets.US_ASCII);
        byte[] pkcs8 = null;
        byte[] x509 = null;
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> pkcs8 = der;
                case "PUBLIC KEY" -> x509 = der;
                default -> {}
            }
        }
        if (pkcs8 == null || x509 == null) {
            throw new IOException(keyFile + ": expected a PEM PRIVATE KEY (PKCS#8) and PUBLIC KEY block");
        }
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(x509));
            NoteSigner signer = new NoteSigner(keyName, priv, rawPublicKey(pub));
            // A mismatched pair would publish signatures nobody can verify; catch it at load time.
            byte[] probe = "key check".getBytes(StandardCharsets.US_ASCII);
            if (!NoteVerifier.verifyRaw(signer.publicKey, probe, signer.signRaw(probe))) {
                throw new IOException(keyFile + ": private and public key do not match");
            }
            return signer;
        } catch (GeneralSecurityException e) {
            throw new IOException(keyFile + ": not an Ed25519 key", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** An Ed25519 X.509 SubjectPublicKeyInfo ends with the 32-byte raw key. */
    static byte[] rawPublicKey(PublicKey pub) {
        byte[] enc = pub.getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }

    public String keyName() {
        return keyName;
    }

    /** C2SP verifier key: {@code <name>+<hex key ID>+<base64(0x01 ‖ public key)>}. */
    public String verifierKey() {
        byte[] typed = new byte[33];
        typed[0] = NoteKeys.ALG_ED25519;
        System.arraycopy(publicKey, 0, typed, 1, 32);
        return keyName + "+" + HexFormat.of().formatHex(keyId) + "+"
                + Base64.getEncoder().encodeToString(typed);
    }

    /**
     * Signs a note body (which must end with a newline) and returns the complete signed note:
     * body, blank line, one signature line.
     */
    public String sign(String body) {
        if (body == null || !body.endsWith("\n") || body.contains("\n\n")) {
            throw new IllegalArgumentException("note body must be non-empty lines each ending in a newline");
        }
        byte[] sig = signRaw(body.getBytes(StandardCharsets.UTF_8));
        byte[] keyAndSig = new byte[4 + sig.length];
        System.arraycopy(keyId, 0, keyAndSig, 0, 4);
        System.arraycopy(sig, 0, keyAndSig, 4, sig.length);
        return body + "\n" + NoteKeys.SIGNATURE_PREFIX + keyName + " "
                + Base64.getEncoder().encodeToString(keyAndSig) + "\n";
    }

    private byte[] signRaw(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }
}
