package vn.datafloor.integration.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs and compares like with like (no timing is asserted). */
class AccessBenchmarkTest {

    @TempDir
    Path dir;

    @Test
    void theEngineAndRawDuckDbAggregateTheSameRows() throws Exception {
        AccessBenchmark.Measurement m = AccessBenchmark.run(5_000, dir, 1);
        // provinces 01 and 79 are four of every five rows
        assertThat(m.permittedRows()).isEqualTo(4_000);
        assertThat(m.rows()).isEqualTo(5_000);
        assertThat(m.queryRatio()).isPositive();
    }
}
