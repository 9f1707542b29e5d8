package vn.datafloor.integration.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeTest {

    @TempDir
    Path root;

    private LakeManifest manifest(String dataset, long rows) {
        return new LakeManifest(
                dataset,
                0,
                Instant.parse("2026-11-23T00:00:00Z"),
                rows,
                List.of(new LakeManifest.Column("id", "VARCHAR")),
                List.of("part-0.parquet"),
                "in",
                "spec",
                "run-1",
                Map.of("source", "csv:people.csv"),
                null);
    }

    @Test
    void aVersionIsInvisibleUntilPublishedAndNumberedInOrder() throws Exception {
        Lake lake = Lake.open(root);
        Path staging = lake.stage("health.people");
        Files.writeString(staging.resolve("part-0.parquet"), "not really parquet");
        assertThat(lake.versions("health.people")).isEmpty();
        assertThat(lake.datasets()).isEmpty();

        DatasetVersion first = lake.publish(staging, manifest("health.people", 10));
        assertThat(first.version()).isEqualTo(1);
        assertThat(Files.exists(staging)).isFalse();
        assertThat(first.directory().resolve("manifest.json")).exists();

        Path again = lake.stage("health.people");
        Files.writeString(again.resolve("part-0.parquet"), "x");
        DatasetVersion second = lake.publish(again, manifest("health.people", 12));
        assertThat(second.version()).isEqualTo(2);
        assertThat(lake.versions("health.people"))
                .extracting(DatasetVersion::version)
                .containsExactly(1, 2);
        assertThat(lake.latest("health.people").orElseThrow().manifest().rowCount())
                .isEqualTo(12);
        assertThat(lake.datasets()).containsExactly("health.people");
    }

    @Test
    void whatACrashLeavesInStagingIsNeverSeenAndIsSweptOnOpen() throws Exception {
        Lake lake = Lake.open(root);
        Path staging = lake.stage("tax.people");
        Files.writeString(staging.resolve("part-0.parquet"), "half written");
        // A version directory without its manifest (a crash between rename preparations) is not a version.
        Files.createDirectories(root.resolve("tax.people/v7"));
        assertThat(Lake.open(root).versions("tax.people")).isEmpty();
        assertThat(Files.exists(staging)).isFalse();
    }

    @Test
    void datasetNamesCannotClimbOutOfTheLake() {
        Lake lake = Lake.open(root);
        assertThatThrownBy(() -> lake.stage("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lake.versions("a/b")).isInstanceOf(IllegalArgumentException.class);
    }
}
