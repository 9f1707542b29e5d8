package vn.datafloor.integration.lake;

import java.nio.file.Path;

/**
 * Makes a staged folder the next version of its dataset. The lake itself is one ({@link Lake#publish});
 * a platform hands a pipeline run its own, which also records the version (the server's publishing
 * service puts it on the ledger and tells the catalog), so that every version has one way in.
 */
@FunctionalInterface
public interface VersionPublisher {

    DatasetVersion publish(Path staging, LakeManifest manifest);
}
