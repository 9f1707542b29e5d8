package vn.datafloor.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A C2SP {@code tlog-checkpoint} body: origin line, decimal tree size, base64 root hash, each
 * terminated by a newline. Extension lines are rejected rather than silently dropped, because
 * {@link #body()} must reproduce exactly the bytes that were signed.
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {

    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(rootHash, "rootHash");
        if (origin.isEmpty() || origin.indexOf('\n') >= 0 || !origin.strip().equals(origin)) {
            throw new IllegalArgumentException("origin must be a non-empty single line without surrounding spaces");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (rootHash.length != MerkleProofs.HASH_SIZE) {
            throw new IllegalArgumentException("root hash must be 32 bytes, got " + rootHash.length);
        }
        rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The note body that gets signed (C2SP tlog-checkpoint), including its final newline. */
    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
    }

    /**
     * Parses a checkpoint from either a bare body or a full signed note (signatures are ignored
     * here; check them with {@link NoteVerifier}).
     *
     * @throws IllegalArgumentException if the text is not a well-formed checkpoint
     */
    public static Checkpoint parse(String noteText) {
        Objects.requireNonNull(noteText, "noteText");
        String text = noteText;
        int blank = text.indexOf("\n\n");
        String body = blank >= 0 ? text.substring(0, blank + 1) : text;
        if (!body.endsWith("\n")) {
            throw new IllegalArgumentException("malformed checkpoint: body must end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length != 3) {
            throw new IllegalArgumentException(
                    "malformed checkpoint: expected 3 body lines (origin, size, root hash), got " + lines.length);
        }
        String sizeText = lines[1];
        if (sizeText.isEmpty()
                || sizeText.length() > 19
                || !sizeText.chars().allMatch(c -> c >= '0' && c <= '9')
                || (sizeText.length() > 1 && sizeText.charAt(0) == '0')) {
            throw new IllegalArgumentException(
                    "malformed checkpoint: tree size is not a canonical decimal: '" + sizeText + "'");
        }
        long size;
        try {
            size = Long.parseLong(sizeText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed checkpoint: tree size out of range: " + sizeText, e);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2].getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed checkpoint: root hash is not base64", e);
        }
        return new Checkpoint(lines[0], size, root);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c
                && c.size == size
                && c.origin.equals(origin)
                && Arrays.equals(c.rootHash, rootHash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(rootHash));
    }

    @Override
    public String toString() {
        return "Checkpoint[origin=" + origin + ", size=" + size + ", rootHash="
                + HexFormat.of().formatHex(rootHash) + "]";
    }
}
