package vn.datafloor.integration.lake;

/**
 * Another writer holds the version number this one was about to publish: the lake has one writer, and an
 * object store says so with a conditional PUT. Nothing of this run became visible; run it again later.
 */
public final class ConcurrentPublishException extends LakeStorageException {

    private static final long serialVersionUID = 1L;

    public ConcurrentPublishException(String message) {
        super(message);
    }
}
