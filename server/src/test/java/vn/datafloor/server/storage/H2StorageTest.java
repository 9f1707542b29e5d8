package vn.datafloor.server.storage;

import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The storage contract on the embedded default: an H2 file database (PostgreSQL mode) in a fresh data directory. */
class H2StorageTest extends StorageContract {

    @DynamicPropertySource
    static void h2(DynamicPropertyRegistry registry) {
        Path dataDir = newDataDir("h2-");
        registry.add("datafloor.data-dir", dataDir::toString);
    }
}
