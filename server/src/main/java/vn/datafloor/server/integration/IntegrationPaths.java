package vn.datafloor.server.integration;

import java.nio.file.Path;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.LocalMasterKey;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * Where the integration capability keeps files (the lake, each organisation's inbox, scratch space),
 * and how much a file there may expand to once read.
 */
@Component
public class IntegrationPaths {

    private final Path dataDir;
    private final LocalMasterKey lakeMasterKey;
    private final Lake lake;
    private final InputLimits inputLimits;

    IntegrationPaths(DatafloorProperties properties) {
        this.dataDir = properties.dataDir().toAbsolutePath().normalize();
        this.lakeMasterKey = LocalMasterKey.openOrCreate(properties.keysDir().resolve(LakeKeys.KEYSET_FILE));
        this.lake = Lake.open(dataDir.resolve("lake"), new LakeKeys(lakeMasterKey));
        this.inputLimits = properties.inputLimits();
    }

    /** The lake's master key, as the file holds it now (a rotation shows at the next call). */
    LocalMasterKey lakeMasterKey() {
        return lakeMasterKey;
    }

    /** {@code datafloor.integration.limits.*}: every upload is checked against them, every run reads under them. */
    public InputLimits inputLimits() {
        return inputLimits;
    }

    public Lake lake() {
        return lake;
    }

    /** Uploaded source files of one organisation; a pipeline's file paths are relative to it. */
    public Path inbox(long orgId) {
        return dataDir.resolve("inbox").resolve(Long.toString(orgId));
    }

    Path work() {
        return dataDir.resolve("work");
    }

    /** The functions pipeline expressions may call: the standardizers. */
    @org.springframework.context.annotation.Bean
    static vn.datafloor.integration.pipeline.SqlLibrary sqlLibrary() {
        return vn.datafloor.integration.pipeline.SqlLibraries.standard();
    }
}
