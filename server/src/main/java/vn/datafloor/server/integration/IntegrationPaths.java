package vn.datafloor.server.integration;

import java.nio.file.Path;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.server.platform.DatafloorProperties;

/**
 * Where the integration capability keeps files (the lake, each organisation's inbox, scratch space),
 * and how much a file there may expand to once read.
 */
@Component
public class IntegrationPaths {

    private final Path dataDir;
    private final Lake lake;
    private final InputLimits inputLimits;

    IntegrationPaths(DatafloorProperties properties) {
        this.dataDir = properties.dataDir().toAbsolutePath().normalize();
        this.lake = Lake.open(dataDir.resolve("lake"));
        this.inputLimits = properties.inputLimits();
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
