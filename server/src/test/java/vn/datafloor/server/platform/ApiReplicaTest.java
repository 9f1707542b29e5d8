package vn.datafloor.server.platform;

import java.nio.file.Path;
import java.util.List;

/** {@link ApiReplicaContract} on the embedded database: the replica opens the writer's H2 file. */
class ApiReplicaTest extends ApiReplicaContract {

    @Override
    protected List<String> database(Path writerDir) {
        return List.of("--spring.datasource.url=" + EmbeddedDatabase.url(writerDir));
    }
}
