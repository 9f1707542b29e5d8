package vn.datafloor.integration.lake;

/**
 * The lake's object storage failed or holds something the lake cannot trust (a damaged object, a version
 * another writer is publishing). The message names the dataset and version, never a credential.
 */
public class LakeStorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LakeStorageException(String message) {
        super(message);
    }

    public LakeStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
