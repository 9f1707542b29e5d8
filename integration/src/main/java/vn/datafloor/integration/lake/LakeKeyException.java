package vn.datafloor.integration.lake;

/**
 * A lake version could not be encrypted or decrypted: no master key, the wrong one, or a file that fails
 * authentication. The message names the version, never a key or a value.
 */
public final class LakeKeyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LakeKeyException(String message) {
        super(message);
    }

    LakeKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
