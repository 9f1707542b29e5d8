package vn.datafloor.server.integration;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.LocalMasterKey;
import vn.datafloor.integration.lake.ObjectStorage;
import vn.datafloor.integration.lake.S3ObjectStore;
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

    IntegrationPaths(
            DatafloorProperties properties, Environment environment, vn.datafloor.server.platform.ClusterNode node) {
        this.dataDir = properties.dataDir().toAbsolutePath().normalize();
        this.lakeMasterKey =
                LocalMasterKey.openOrCreate(node.sharedKey(properties.keysDir().resolve(LakeKeys.KEYSET_FILE)));
        String store = environment.getProperty("datafloor.lake.store", "local").trim();
        if (!node.writes()
                && "local".equalsIgnoreCase(store)
                && !environment.getProperty("datafloor.lake.shared-volume", Boolean.class, false)) {
            // Its own empty data/lake would show an empty catalog and fail every delivery, quietly.
            throw new IllegalStateException("An API replica reads the lake the writer writes: set "
                    + "datafloor.lake.store=s3 (docs/object-storage.md), or datafloor.lake.shared-volume=true when "
                    + "data/lake is a volume every process mounts (docs/deployment.md)");
        }
        this.lake = openLake(dataDir, new LakeKeys(lakeMasterKey), environment);
        this.inputLimits = properties.inputLimits();
    }

    /**
     * {@code datafloor.lake.store}: {@code local} (the default, the versions under {@code data/lake}) or
     * {@code s3} (docs/object-storage.md). The S3 credentials are read from the environment or the SDK's
     * default chain and go nowhere else: not into logs, messages or the lake's description.
     */
    static Lake openLake(Path dataDir, LakeKeys keys, Environment environment) {
        String store =
                environment.getProperty("datafloor.lake.store", "local").trim().toLowerCase(Locale.ROOT);
        Path root = dataDir.resolve("lake");
        switch (store) {
            case "local":
                return Lake.open(root, keys);
            case "s3":
                String endpoint = environment.getProperty("datafloor.lake.s3.endpoint", "");
                S3ObjectStore s3 = new S3ObjectStore(new S3ObjectStore.Settings(
                        endpoint.isBlank() ? null : URI.create(endpoint),
                        environment.getProperty("datafloor.lake.s3.bucket"),
                        environment.getProperty("datafloor.lake.s3.region", "us-east-1"),
                        environment.getProperty("datafloor.lake.s3.path-style", Boolean.class, false),
                        environment.getProperty("datafloor.lake.s3.prefix", "lake/"),
                        blankToNull(environment.getProperty("datafloor.lake.s3.access-key-id")),
                        blankToNull(environment.getProperty("datafloor.lake.s3.secret-access-key"))));
                String cache = environment.getProperty("datafloor.lake.cache.dir", "");
                DataSize limit = DataSize.parse(environment.getProperty("datafloor.lake.cache.max-size", "10GB"));
                return Lake.open(
                        root,
                        keys,
                        new ObjectStorage(
                                s3,
                                cache.isBlank() ? dataDir.resolve("lake-cache") : Path.of(cache),
                                limit.toBytes(),
                                environment.getProperty("datafloor.lake.iceberg", Boolean.class, true)));
            default:
                throw new IllegalArgumentException("datafloor.lake.store is local or s3, not " + store);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
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
