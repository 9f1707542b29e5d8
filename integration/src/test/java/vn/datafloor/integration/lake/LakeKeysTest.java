package vn.datafloor.integration.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeKeysTest {

    /** A value of a sensitive column (a citizen ID number) that must never be on disk in clear. */
    private static final String CITIZEN_ID = "079203001234";

    @TempDir
    Path root;

    @TempDir
    Path scratch;

    @Test
    void aPublishedVersionHoldsNoClearValueAndItsKeyIsPublishedWithIt() throws Exception {
        Lake lake = Lake.open(root.resolve("lake"), keys(root.resolve("keys/lake.keyset.json")));
        Path staging = lake.stage("civil.people");
        writePeople(staging, CITIZEN_ID);
        // The clear file holds the value: the check below is not vacuous.
        assertThat(contains(staging.resolve("part-0.parquet"), CITIZEN_ID)).isTrue();

        DatasetVersion version = lake.publish(staging, manifest("civil.people"));

        assertThat(version.encrypted()).isTrue();
        assertThat(version.directory().resolve("keys.json")).exists();
        try (Stream<Path> files = Files.walk(version.directory())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(contains(file, CITIZEN_ID)).as(file.toString()).isFalse();
            }
        }
        assertThat(readIds(lake, version)).containsExactly(CITIZEN_ID, "001090000001");
    }

    @Test
    void clearCopiesAreDeletedOnCloseAndEncryptedFilesAreNotHandedToDuckDb() throws Exception {
        Lake lake = Lake.open(root.resolve("lake"), keys(root.resolve("keys/lake.keyset.json")));
        DatasetVersion version = publish(lake, "civil.people");
        Path copy;
        try (ClearVersion clear = lake.clear(version, scratch)) {
            copy = clear.files().get(0);
            assertThat(copy).exists().startsWith(scratch);
        }
        assertThat(copy).doesNotExist();
        assertThatThrownBy(version::readExpression)
                .isInstanceOf(LakeKeyException.class)
                .hasMessageContaining("civil.people v1 is encrypted");
    }

    @Test
    void versionsWrittenBeforeARotationStayReadableAndAreRewrappedWithTheNewKey() throws Exception {
        Path keyFile = root.resolve("keys/lake.keyset.json");
        LocalMasterKey master = LocalMasterKey.openOrCreate(keyFile);
        Lake lake = Lake.open(root.resolve("lake"), new LakeKeys(master));
        DatasetVersion before = publish(lake, "civil.people");
        int oldKey = master.primaryKeyId();

        int newKey = master.rotate();

        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(master.size()).isEqualTo(2);
        DatasetVersion after = publish(lake, "civil.people");
        // The old key is still in the keyset: the old version reads before it is re-wrapped.
        assertThat(readIds(lake, before)).contains(CITIZEN_ID);
        assertThat(readIds(lake, after)).contains(CITIZEN_ID);

        assertThat(new LakeKeys(master).rewrap(lake.root())).isEqualTo(2);
        // Once every data key is wrapped by the new key, the old one can go: both versions still read.
        keepOnlyPrimary(keyFile);
        Lake retired = Lake.open(root.resolve("lake"), new LakeKeys(LocalMasterKey.open(keyFile)));
        assertThat(readIds(retired, retired.version("civil.people", 1).orElseThrow()))
                .contains(CITIZEN_ID);
        assertThat(readIds(retired, retired.version("civil.people", 2).orElseThrow()))
                .contains(CITIZEN_ID);
    }

    @Test
    void aRunningReaderPicksUpARotationMadeByAnotherProcess() throws Exception {
        Path keyFile = root.resolve("keys/lake.keyset.json");
        // The server and the command line each hold their own view of the same keyset file.
        Lake server = Lake.open(root.resolve("lake"), new LakeKeys(LocalMasterKey.openOrCreate(keyFile)));
        DatasetVersion version = publish(server, "civil.people");
        assertThat(readIds(server, version)).contains(CITIZEN_ID);

        LocalMasterKey commandLine = LocalMasterKey.open(keyFile);
        commandLine.rotate();
        new LakeKeys(commandLine).rewrap(root.resolve("lake"));
        keepOnlyPrimary(keyFile);

        // Wrapped by a key the server had not loaded: it reads the new keyset file, no restart.
        assertThat(readIds(server, version)).contains(CITIZEN_ID);
        assertThat(readIds(server, publish(server, "civil.people"))).contains(CITIZEN_ID);
    }

    @Test
    void aWrongOrMissingMasterKeyIsAClearErrorNotGarbage() throws Exception {
        Lake lake = Lake.open(root.resolve("lake"), keys(root.resolve("keys/lake.keyset.json")));
        DatasetVersion version = publish(lake, "civil.people");

        Lake wrong = Lake.open(root.resolve("lake"), keys(root.resolve("other/lake.keyset.json")));
        assertThatThrownBy(() -> wrong.clear(version, scratch))
                .isInstanceOf(LakeKeyException.class)
                .hasMessageContaining("data key of civil.people v1 cannot be unwrapped");

        Lake keyless = Lake.open(root.resolve("lake"));
        assertThatThrownBy(() -> keyless.clear(version, scratch))
                .isInstanceOf(LakeKeyException.class)
                .hasMessageContaining("opened without its master key");

        assertThatThrownBy(() -> LocalMasterKey.open(root.resolve("nowhere/lake.keyset.json")))
                .isInstanceOf(LakeKeyException.class)
                .hasMessageContaining("no master keyset");
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aKeyOrFileMovedToAnotherVersionDoesNotDecrypt() throws Exception {
        Lake lake = Lake.open(root.resolve("lake"), keys(root.resolve("keys/lake.keyset.json")));
        DatasetVersion first = publish(lake, "civil.people");
        DatasetVersion second = publish(lake, "civil.people");

        Files.copy(
                first.directory().resolve("part-0.parquet"),
                second.directory().resolve("part-0.parquet"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> lake.clear(second, scratch))
                .isInstanceOf(LakeKeyException.class)
                .hasMessageContaining("does not belong to this version");

        Files.copy(
                first.directory().resolve("keys.json"),
                second.directory().resolve("keys.json"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> lake.clear(second, scratch))
                .isInstanceOf(LakeKeyException.class)
                .hasMessageContaining("cannot be unwrapped");
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aPublishThatFailsWhileSealingLeavesNoVersionAndNoClearFileBehind() throws Exception {
        Path keyFile = root.resolve("keys/lake.keyset.json");
        LocalMasterKey real = LocalMasterKey.openOrCreate(keyFile);
        // The master key fails after the files were encrypted, before keys.json is written: like a crash there.
        MasterKey failing = () -> {
            throw new LakeKeyException("the KMS is unreachable");
        };
        Lake lake = Lake.open(root.resolve("lake"), new LakeKeys(failing));
        Path staging = lake.stage("civil.people");
        writePeople(staging, CITIZEN_ID);
        assertThatThrownBy(() -> lake.publish(staging, manifest("civil.people")))
                .hasMessageContaining("KMS is unreachable");
        assertThat(lake.versions("civil.people")).isEmpty();

        Lake reopened = Lake.open(root.resolve("lake"), new LakeKeys(real));
        assertThat(Files.exists(staging)).isFalse();
        assertThat(reopened.versions("civil.people")).isEmpty();
        DatasetVersion next = publish(reopened, "civil.people");
        assertThat(next.version()).isEqualTo(1);
        assertThat(readIds(reopened, next)).contains(CITIZEN_ID);
    }

    @Test
    void aRewrapCutShortLeavesEveryVersionReadable() throws Exception {
        Path keyFile = root.resolve("keys/lake.keyset.json");
        LocalMasterKey master = LocalMasterKey.openOrCreate(keyFile);
        Lake lake = Lake.open(root.resolve("lake"), new LakeKeys(master));
        DatasetVersion version = publish(lake, "civil.people");
        master.rotate();
        // A crash before the rename leaves the temporary file and the old keys.json, still unwrappable.
        Files.writeString(version.directory().resolve(".keys.json.tmp"), "{\"half\":");
        assertThat(readIds(lake, version)).contains(CITIZEN_ID);
        assertThat(new LakeKeys(master).rewrap(lake.root())).isEqualTo(1);
        assertThat(version.directory().resolve(".keys.json.tmp")).doesNotExist();
        assertThat(readIds(lake, version)).contains(CITIZEN_ID);
    }

    @Test
    void versionsPublishedInClearBeforeEncryptionStayReadable() throws Exception {
        DatasetVersion clear = publish(Lake.open(root.resolve("lake")), "civil.people");
        Lake lake = Lake.open(root.resolve("lake"), keys(root.resolve("keys/lake.keyset.json")));
        assertThat(clear.encrypted()).isFalse();
        try (ClearVersion read = lake.clear(clear, scratch)) {
            assertThat(read.files()).isEqualTo(clear.files());
        }
        assertThat(readIds(lake, clear)).contains(CITIZEN_ID);
        assertThat(lake.versionOf(clear.files().get(0))).contains(clear);
        assertThat(lake.versionOf(scratch.resolve("part-0.parquet"))).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static LakeKeys keys(Path keyFile) {
        return new LakeKeys(LocalMasterKey.openOrCreate(keyFile));
    }

    private DatasetVersion publish(Lake lake, String dataset) throws Exception {
        Path staging = lake.stage(dataset);
        writePeople(staging, CITIZEN_ID);
        return lake.publish(staging, manifest(dataset));
    }

    private List<String> readIds(Lake lake, DatasetVersion version) throws Exception {
        try (ClearVersion clear = lake.clear(version, scratch);
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT citizen_id FROM " + clear.readExpression() + " ORDER BY name")) {
            List<String> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        }
    }

    /** Uncompressed, so that a clear file certainly holds the value's bytes. */
    private static void writePeople(Path staging, String citizenId) throws Exception {
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement()) {
            statement.execute("COPY (SELECT * FROM (VALUES ('Nguyễn Văn An', '" + citizenId
                    + "'), ('Trần Thị Bình', '001090000001')) t(name, citizen_id)) TO "
                    + DuckDbConnections.literal(
                            staging.resolve("part-0.parquet").toString())
                    + " (FORMAT parquet, COMPRESSION uncompressed)");
        }
    }

    private static boolean contains(Path file, String value) throws Exception {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(value);
    }

    private static LakeManifest manifest(String dataset) {
        return new LakeManifest(
                dataset,
                0,
                Instant.parse("2026-12-06T00:00:00Z"),
                2,
                List.of(new LakeManifest.Column("name", "VARCHAR"), new LakeManifest.Column("citizen_id", "VARCHAR")),
                List.of("part-0.parquet"),
                "in",
                "spec",
                "run-1",
                Map.of(),
                null);
    }

    /** Retires every key but the primary, as an operator would once all versions are re-wrapped. */
    private static void keepOnlyPrimary(Path keyFile) throws Exception {
        KeysetHandle keyset =
                TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(keyFile), InsecureSecretKeyAccess.get());
        KeysetHandle.Builder builder = KeysetHandle.newBuilder(keyset);
        for (int i = builder.size() - 1; i >= 0; i--) {
            if (!keyset.getAt(i).isPrimary()) {
                builder.deleteAt(i);
            }
        }
        KeysetHandle primaryOnly = builder.build();
        assertThat(primaryOnly.size()).isEqualTo(1);
        assertThat(primaryOnly.getPrimitive(com.google.crypto.tink.RegistryConfiguration.get(), Aead.class))
                .isNotNull();
        Path temporary = keyFile.resolveSibling("retire.tmp");
        Files.writeString(
                temporary, TinkJsonProtoKeysetFormat.serializeKeyset(primaryOnly, InsecureSecretKeyAccess.get()));
        Files.move(temporary, keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
