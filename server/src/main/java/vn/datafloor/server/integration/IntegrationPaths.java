package vn.datafloor.server.integration;

import java.nio.file.Path;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.server.platform.DatafloorProperties;

/** Where the integration capability keeps files: the lake, each organisation's inbox, scratch space. */
@Component
public class IntegrationPaths {

    private final Path dataDir;
    private final Lake lake;

    IntegrationPaths(DatafloorProperties properties) {
        this.dataDir = properties.dataDir().toAbsolutePath().normalize();
        this.lake = Lake.open(dataDir.resolve("lake"));
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
