package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import vn.datafloor.integration.connect.InputLimits;

/** {@code datafloor.integration.limits.*} reach the loader; unset ones keep their defaults. */
class DatafloorPropertiesTest {

    private static DatafloorProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bind("datafloor", DatafloorProperties.class)
                .get();
    }

    @Test
    void inputLimitsAreBoundAndUnsetOnesKeepTheirDefaults() {
        DatafloorProperties properties = bind(Map.of(
                "datafloor.data-dir",
                "./data",
                "datafloor.integration.max-upload-bytes",
                "1000",
                "datafloor.integration.limits.max-rows",
                "1000",
                "datafloor.integration.limits.max-cell-bytes",
                "4096",
                "datafloor.integration.limits.max-compression-ratio",
                "50"));

        assertThat(properties.inputLimits())
                .isEqualTo(InputLimits.DEFAULTS
                        .withMaxRows(1000)
                        .withMaxCellBytes(4096)
                        .withMaxCompressionRatio(50));
        assertThat(bind(Map.of("datafloor.data-dir", "./data")).inputLimits()).isEqualTo(InputLimits.DEFAULTS);
    }
}
