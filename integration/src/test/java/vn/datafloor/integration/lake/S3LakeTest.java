package vn.datafloor.integration.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake on a real S3 server (S3Proxy on loopback): the same guarantees as on disk, plus the cache's. */
@Tag("s3")
class S3LakeTest {

    private static final String DATASET = "health.people";

    @TempDir
    static Path serverDirectory;

    static S3ProxyServer server;

    @TempDir
    Path dir;

    S3ObjectStore store;

    @BeforeAll
    static void startServer() throws IOException {
        server = S3ProxyServer.start(serverDirectory);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void newBucket() {
        store = server.newStore("lake/");
    }

    private Lake open(String machine, LakeKeys keys, boolean iceberg, long cacheLimit) {
        return Lake.open(
                dir.resolve(machine).resolve("root"),
                keys,
                new ObjectStorage(store, dir.resolve(machine).resolve("cache"), cacheLimit, iceberg));
    }

    private Lake open(String machine) {
        return open(machine, null, false, 0);
    }

    static DatasetVersion publish(Lake lake, String dataset, int rows) throws Exception {
        Path staging = lake.stage(dataset);
        try (Connection c = DuckDbConnections.open(staging, "256MB", 1);
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT i::BIGINT AS id, 'Nguyễn Văn ' || i AS full_name FROM range(" + rows
                    + ") t(i)) TO "
                    + DuckDbConnections.literal(
                            staging.resolve("part-0.parquet").toString())
                    + " (FORMAT parquet)");
        }
        Files.writeString(staging.resolve("quality.json"), "{\"rows\":" + rows + "}");
        return lake.publish(staging, manifest(dataset, rows));
    }

    static LakeManifest manifest(String dataset, long rows) {
        return new LakeManifest(
                dataset,
                0,
                Instant.parse("2026-12-06T00:00:00Z"),
                rows,
                List.of(new LakeManifest.Column("id", "BIGINT"), new LakeManifest.Column("full_name", "VARCHAR")),
                List.of("part-0.parquet"),
                "in-" + rows,
                "spec",
                "run-" + rows,
                Map.of("source", "test"),
                null);
    }

    /** Rows and the sum of ids, read by DuckDB from what the lake hands a trusted reader. */
    static long[] read(Lake lake, DatasetVersion version, Path scratch) throws Exception {
        Files.createDirectories(scratch);
        try (ClearVersion clear = lake.clear(version, scratch);
                Connection c = DuckDbConnections.open(scratch, "256MB", 1);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(id), 0) FROM " + clear.readExpression())) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2)};
        }
    }

    private static long sumOfIds(int rows) {
        return (long) rows * (rows - 1) / 2;
    }

    @Test
    void versionsArePublishedInOrderAndReadOnAnotherMachineThroughItsCache() throws Exception {
        Lake writer = open("writer");
        assertThat(writer.versions(DATASET)).isEmpty();
        DatasetVersion first = publish(writer, DATASET, 3);
        DatasetVersion second = publish(writer, DATASET, 5);
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(writer.datasets()).containsExactly(DATASET);
        try (Stream<Path> staging = Files.list(dir.resolve("writer/root"))) {
            assertThat(staging.flatMap(S3LakeTest::children))
                    .noneMatch(p -> p.getFileName().toString().startsWith(".staging-"));
        }

        Lake reader = open("reader");
        List<DatasetVersion> versions = reader.versions(DATASET);
        assertThat(versions).extracting(DatasetVersion::version).containsExactly(1, 2);
        DatasetVersion latest = reader.latest(DATASET).orElseThrow();
        assertThat(latest.manifest().rowCount()).isEqualTo(5);
        // Listed: its small files are cached, its Parquet is not fetched until read.
        assertThat(latest.directory().resolve("quality.json")).hasContent("{\"rows\":5}");
        assertThat(latest.directory().resolve("part-0.parquet")).doesNotExist();
        assertThat(read(reader, latest, dir.resolve("scratch"))).containsExactly(5, sumOfIds(5));
        assertThat(latest.directory().resolve("part-0.parquet")).exists();
        assertThat(read(reader, versions.get(0), dir.resolve("scratch"))).containsExactly(3, sumOfIds(3));
        assertThat(reader.versionOf(latest.files().get(0))).contains(latest);
    }

    @Test
    void aVersionWithoutItsManifestIsInvisibleAndRecoveryRemovesItWithoutReusingItsNumber() throws Exception {
        Lake lake = open("a");
        publish(lake, DATASET, 2);
        // What a writer killed before its manifest leaves: a claim and some of its files.
        assertThat(store.create(DATASET + "/v2/claim.json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        Path part = Files.writeString(dir.resolve("part"), "half a file");
        store.put(DATASET + "/v2/part-0.parquet", part);
        assertThat(lake.versions(DATASET)).extracting(DatasetVersion::version).containsExactly(1);

        Lake reopened = open("a");
        assertThat(store.list(DATASET + "/v2/"))
                .extracting(ObjectStore.StoredObject::key)
                .containsExactly(DATASET + "/v2/manifest.json");
        assertThat(reopened.versions(DATASET))
                .extracting(DatasetVersion::version)
                .containsExactly(1);
        // The aborted number stays taken: a writer still alive could not publish it now.
        assertThat(store.create(DATASET + "/v2/manifest.json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(publish(reopened, DATASET, 4).version()).isEqualTo(3);
    }

    @Test
    void aPublishedVersionNeverChanges() throws Exception {
        Lake lake = open("a");
        DatasetVersion first = publish(lake, DATASET, 3);
        byte[] manifest = store.read(DATASET + "/v1/manifest.json", 1 << 20).orElseThrow();
        assertThat(store.create(DATASET + "/v1/manifest.json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        publish(lake, DATASET, 7);
        assertThat(store.read(DATASET + "/v1/manifest.json", 1 << 20)).contains(manifest);
        Lake other = open("b");
        assertThat(read(other, other.version(DATASET, 1).orElseThrow(), dir.resolve("scratch")))
                .containsExactly(3, sumOfIds(3));
        assertThat(other.version(DATASET, 1).orElseThrow().manifest()).isEqualTo(first.manifest());
    }

    @Test
    void aSecondWriterIsRefusedTheVersionAnotherClaimed() throws Exception {
        publish(open("a"), DATASET, 1);
        // The other writer claims version 2 after this one has counted the versions, before it claims.
        ObjectStore racing = new ObservedStore(store, write -> {
            if (write.equals("create " + DATASET + "/v2/claim.json")) {
                store.create(DATASET + "/v2/claim.json", "{\"writer\":\"other\"}".getBytes(StandardCharsets.UTF_8));
            }
        });
        Lake lake = Lake.open(dir.resolve("b/root"), null, new ObjectStorage(racing, dir.resolve("b/cache"), 0, false));
        Path staging = lake.stage(DATASET);
        Files.writeString(staging.resolve("part-0.parquet"), "x");
        assertThatThrownBy(() -> lake.publish(staging, manifest(DATASET, 1)))
                .isInstanceOf(ConcurrentPublishException.class)
                .hasMessageContaining("another writer");
        assertThat(store.list(DATASET + "/v2/"))
                .extracting(ObjectStore.StoredObject::key)
                .containsExactly(DATASET + "/v2/claim.json");
        assertThat(lake.versions(DATASET)).extracting(DatasetVersion::version).containsExactly(1);
        lake.discard(staging);
    }

    @Test
    void aWriterThatCountedBeforeAnotherPublishedCannotClaimThePublishedVersion() throws Exception {
        Lake first = open("a");
        // This writer counts no versions; before it claims version 1, the other writer publishes version 1
        // whole (claim, files, manifest, claim removed). Its claim then finds no claim object to collide with.
        ObjectStore late = new ObservedStore(store, write -> {
            if (write.equals("create " + DATASET + "/v1/claim.json")) {
                try {
                    publish(first, DATASET, 7);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        Lake lake = Lake.open(dir.resolve("b/root"), null, new ObjectStorage(late, dir.resolve("b/cache"), 0, false));
        Path staging = lake.stage(DATASET);
        try (Connection c = DuckDbConnections.open(staging, "256MB", 1);
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT i::BIGINT AS id, 'late ' || i AS full_name FROM range(3) t(i)) TO "
                    + DuckDbConnections.literal(
                            staging.resolve("part-0.parquet").toString())
                    + " (FORMAT parquet)");
        }
        Files.writeString(staging.resolve("quality.json"), "{\"rows\":3}");
        assertThatThrownBy(() -> lake.publish(staging, manifest(DATASET, 3)))
                .isInstanceOf(ConcurrentPublishException.class)
                .hasMessageContaining("another writer");
        lake.discard(staging);

        // Version 1 is the first writer's, whole: nothing of the late writer's run replaced any of its objects.
        Lake reader = open("reader");
        List<DatasetVersion> versions = reader.versions(DATASET);
        assertThat(versions).extracting(DatasetVersion::version).containsExactly(1);
        assertThat(read(reader, versions.get(0), dir.resolve("scratch"))).containsExactly(7, sumOfIds(7));
    }

    @Test
    void twoWritersRacingNeverShareAVersion() throws Exception {
        Lake a = open("a");
        Lake b = open("b");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Integer> published = Collections.synchronizedList(new ArrayList<>());
        List<Callable<Integer>> writers = new ArrayList<>();
        for (Lake lake : List.of(a, b)) {
            int rowsBase = lake == a ? 10 : 100;
            writers.add(() -> {
                int refused = 0;
                for (int i = 0; i < 6; i++) {
                    try {
                        published.add(publish(lake, DATASET, rowsBase + i).version());
                    } catch (ConcurrentPublishException e) {
                        refused++;
                    }
                }
                return refused;
            });
        }
        int refused = 0;
        for (Future<Integer> result : pool.invokeAll(writers)) {
            refused += result.get();
        }
        pool.shutdown();
        assertThat(published).doesNotHaveDuplicates().hasSize(12 - refused);
        Lake reader = open("reader");
        List<DatasetVersion> versions = reader.versions(DATASET);
        assertThat(versions).extracting(DatasetVersion::version).containsExactlyInAnyOrderElementsOf(published);
        for (DatasetVersion version : versions) {
            long rows = version.manifest().rowCount();
            assertThat(read(reader, version, dir.resolve("scratch"))).containsExactly(rows, sumOfIds((int) rows));
        }
    }

    @Test
    void aCachedFileThatWasDeletedIsFetchedAgain() throws Exception {
        Lake lake = open("a");
        DatasetVersion version = publish(lake, DATASET, 4);
        Path cached = version.files().get(0);
        assertThat(cached).exists();
        Files.delete(cached);
        assertThat(read(lake, version, dir.resolve("scratch"))).containsExactly(4, sumOfIds(4));
        assertThat(cached).exists();
    }

    @Test
    void aDamagedCachedFileIsDetectedAndReplaced() throws Exception {
        Lake lake = open("a");
        DatasetVersion version = publish(lake, DATASET, 50);
        Path cached = version.files().get(0);
        byte[] good = Files.readAllBytes(cached);
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(cached, damaged);

        assertThat(read(lake, version, dir.resolve("scratch"))).containsExactly(50, sumOfIds(50));
        assertThat(Files.readAllBytes(cached)).isEqualTo(good);
    }

    @Test
    void anObjectAlteredInTheBucketIsRefusedAndNeverCached() throws Exception {
        publish(open("writer"), DATASET, 5);
        Path other = dir.resolve("other.parquet");
        publish(open("scratch-writer"), "other.data", 6);
        Files.copy(
                open("scratch-writer")
                        .latest("other.data")
                        .orElseThrow()
                        .files()
                        .get(0),
                other);
        store.put(DATASET + "/v1/part-0.parquet", other);

        Lake reader = open("reader");
        DatasetVersion version = reader.latest(DATASET).orElseThrow();
        assertThatThrownBy(() -> read(reader, version, dir.resolve("scratch")))
                .isInstanceOf(LakeStorageException.class)
                .hasMessageContaining("does not match its manifest");
        try (Stream<Path> files = Files.list(version.directory())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("manifest.json", "quality.json");
        }
    }

    @Test
    void encryptedVersionsAreEncryptedInTheBucketAndReadableWithTheKeys() throws Exception {
        LakeKeys keys = LakeKeys.local(dir.resolve("keys"));
        Lake lake = open("a", keys, true, 0);
        publish(lake, DATASET, 8);
        Path downloaded = dir.resolve("downloaded");
        store.download(DATASET + "/v1/part-0.parquet", downloaded);
        byte[] head = new byte[4];
        System.arraycopy(Files.readAllBytes(downloaded), 0, head, 0, 4);
        assertThat(new String(head, StandardCharsets.US_ASCII)).isNotEqualTo("PAR1");
        assertThat(store.list(DATASET + "/v1/"))
                .extracting(ObjectStore.StoredObject::key)
                .contains(DATASET + "/v1/keys.json");

        Lake reader = open("reader", keys, true, 0);
        DatasetVersion version = reader.latest(DATASET).orElseThrow();
        assertThat(version.encrypted()).isTrue();
        assertThat(read(reader, version, dir.resolve("scratch"))).containsExactly(8, sumOfIds(8));
        Lake withoutKeys = open("thief");
        DatasetVersion seen = withoutKeys.latest(DATASET).orElseThrow();
        assertThatThrownBy(() -> read(withoutKeys, seen, dir.resolve("scratch")))
                .isInstanceOf(LakeKeyException.class);
        // No Iceberg reader could decrypt it: it is not committed to a table.
        assertThat(new IcebergTables(store).table(DATASET)).isEmpty();
    }

    @Test
    void eachVersionInClearIsASnapshotOfTheDatasetsIcebergTable() throws Exception {
        Lake lake = open("a", null, true, 0);
        publish(lake, DATASET, 3);
        publish(lake, DATASET, 5);

        Table table = new IcebergTables(store).table(DATASET).orElseThrow();
        assertThat(table.currentSnapshot().summary()).containsEntry("datafloor.version", "2");
        assertThat(table.history()).hasSize(2);
        assertThat(table.schema().columns())
                .extracting(f -> f.name() + ":" + f.type())
                .containsExactly("id:long", "full_name:string");
        List<FileScanTask> files = scan(table);
        assertThat(files).hasSize(1);
        assertThat(files.get(0).file().location()).isEqualTo(store.uri(DATASET + "/v2/part-0.parquet"));
        assertThat(files.get(0).file().recordCount()).isEqualTo(5);
        assertThat(table.properties()).containsKey("schema.name-mapping.default");
        assertThat(store.read("iceberg/datafloor/" + DATASET + "/metadata/version-hint.text", 100)
                        .map(b -> new String(b, StandardCharsets.UTF_8)))
                .hasValueSatisfying(hint -> assertThat(
                                store.list("iceberg/datafloor/" + DATASET + "/metadata/v" + hint + ".metadata.json"))
                        .hasSize(1));
    }

    @Test
    void aVersionPublishedButNotYetCommittedToIcebergIsCommittedAtRecovery() throws Exception {
        publish(open("a", null, true, 0), DATASET, 3);
        // A crash between the manifest and the Iceberg commit: the version is published, the table is behind.
        publish(open("a", null, false, 0), DATASET, 6);
        IcebergTables tables = new IcebergTables(store);
        assertThat(tables.committedVersion(DATASET)).isEqualTo(1);

        open("restarted", null, true, 0);
        assertThat(tables.committedVersion(DATASET)).isEqualTo(2);
        assertThat(scan(tables.table(DATASET).orElseThrow()).get(0).file().recordCount())
                .isEqualTo(6);
    }

    @Test
    void theCacheKeepsUnderItsLimitByDroppingTheLeastRecentlyRead() throws Exception {
        publish(open("writer"), DATASET, 100);
        publish(open("writer"), DATASET, 200);
        Lake reader = open("reader", null, false, 1);
        DatasetVersion first = reader.version(DATASET, 1).orElseThrow();
        DatasetVersion second = reader.version(DATASET, 2).orElseThrow();
        assertThat(read(reader, first, dir.resolve("scratch"))).containsExactly(100, sumOfIds(100));
        assertThat(first.files().get(0)).exists();
        assertThat(read(reader, second, dir.resolve("scratch"))).containsExactly(200, sumOfIds(200));
        assertThat(first.files().get(0)).doesNotExist();
        assertThat(second.files().get(0)).exists();
        assertThat(read(reader, first, dir.resolve("scratch"))).containsExactly(100, sumOfIds(100));
    }

    private static Stream<Path> children(Path directory) {
        try {
            return Files.isDirectory(directory) ? Files.list(directory).toList().stream() : Stream.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<FileScanTask> scan(Table table) throws IOException {
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            List<FileScanTask> all = new ArrayList<>();
            tasks.forEach(all::add);
            return all;
        }
    }
}
