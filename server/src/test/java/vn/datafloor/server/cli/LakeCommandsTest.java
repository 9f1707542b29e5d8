package vn.datafloor.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.integration.lake.LocalMasterKey;

/** {@code ./datafloor lake rotate-key}, in process, on a lake the platform's keys encrypted. */
class LakeCommandsTest {

    @TempDir
    Path data;

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cli = new CommandLine(new DatafloorCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void rotatingKeepsTheOldKeyAndRewrapsEveryVersion() throws Exception {
        Lake lake = Lake.open(data.resolve("lake"), LakeKeys.local(data.resolve("keys")));
        DatasetVersion version = publish(lake);
        Path keyset = data.resolve("keys").resolve(LakeKeys.KEYSET_FILE);
        int before = LocalMasterKey.open(keyset).primaryKeyId();

        assertThat(run("lake", "rotate-key", "--data", data.toString())).isZero();

        LocalMasterKey rotated = LocalMasterKey.open(keyset);
        assertThat(rotated.size()).isEqualTo(2);
        assertThat(rotated.primaryKeyId()).isNotEqualTo(before);
        assertThat(out.toString()).contains("Re-wrapped the data keys of 1 version(s)");
        // The lake opened before the rotation (a running server) still reads the version.
        try (ClearVersion clear = lake.clear(version, data);
                Connection duck = DuckDbConnections.open(null, "128MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + clear.readExpression())) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3);
        }
    }

    @Test
    void withoutAKeysetNothingIsCreatedAndTheExitCodeSaysSo() {
        assertThat(run("lake", "rotate-key", "--data", data.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("No lake master keyset");
        assertThat(Files.exists(data.resolve("keys"))).isFalse();
    }

    private DatasetVersion publish(Lake lake) throws Exception {
        Path staging = lake.stage("civil.people");
        try (Connection duck = DuckDbConnections.open(null, "128MB", 1);
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT range AS id FROM range(3)) TO "
                    + DuckDbConnections.literal(
                            staging.resolve("part-0.parquet").toString()) + " (FORMAT parquet)");
        }
        return lake.publish(
                staging,
                new LakeManifest(
                        "civil.people",
                        0,
                        Instant.parse("2026-12-06T00:00:00Z"),
                        3,
                        List.of(new LakeManifest.Column("id", "BIGINT")),
                        List.of("part-0.parquet"),
                        "in",
                        "spec",
                        "run-1",
                        Map.of(),
                        null));
    }
}
