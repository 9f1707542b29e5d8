package vn.datafloor.server.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.LakeStorageException;

/** {@code datafloor.lake.*}: which store the lake is on, and what an operator is told when it is set wrong. */
class LakeStoreSettingsTest {

    @TempDir
    Path data;

    @Test
    void theLakeIsLocalUnlessTheOperatorChoosesS3() {
        var lake = IntegrationPaths.openLake(data, LakeKeys.local(data.resolve("keys")), new MockEnvironment());
        assertThat(lake.root()).isEqualTo(data.resolve("lake").toAbsolutePath());
        assertThat(lake.location()).isEqualTo(lake.root().toString());
    }

    @Test
    void anUnknownStoreOrAnS3LakeWithoutItsBucketIsRefusedAtStart() {
        LakeKeys keys = LakeKeys.local(data.resolve("keys"));
        assertThatThrownBy(() -> IntegrationPaths.openLake(
                        data, keys, new MockEnvironment().withProperty("datafloor.lake.store", "ftp")))
                .hasMessageContaining("local or s3");
        assertThatThrownBy(() -> IntegrationPaths.openLake(
                        data, keys, new MockEnvironment().withProperty("datafloor.lake.store", "s3")))
                .hasMessageContaining("datafloor.lake.s3.bucket");
    }

    @Test
    void aStoreThatCannotBeReachedFailsTheStartWithoutShowingTheSecret() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("datafloor.lake.store", "s3")
                .withProperty("datafloor.lake.s3.endpoint", "http://127.0.0.1:1")
                .withProperty("datafloor.lake.s3.bucket", "lake")
                .withProperty("datafloor.lake.s3.path-style", "true")
                .withProperty("datafloor.lake.s3.access-key-id", "operator")
                .withProperty("datafloor.lake.s3.secret-access-key", "very-secret-value");
        assertThatThrownBy(() -> IntegrationPaths.openLake(data, LakeKeys.local(data.resolve("keys")), environment))
                .isInstanceOf(LakeStorageException.class)
                .hasMessageContaining("s3://lake/lake/")
                .hasMessageNotContaining("very-secret-value");
    }
}
