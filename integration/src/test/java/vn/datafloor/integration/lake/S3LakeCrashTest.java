package vn.datafloor.integration.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM (SIGKILL) at random writes while it recovers the lake on S3 and publishes to it: the
 * bucket must then hold only complete versions and versions that no reader sees; after the next open's
 * recovery nothing of a dead writer is left but abort markers, every version a writer acknowledged is there,
 * and the Iceberg table shows the newest version in clear.
 *
 * <p>A dozen child JVMs take two minutes or more, so the suite is tagged {@code s3-crash}: excluded from
 * {@code ./mvnw verify} and run by .ci/run.
 */
@Tag("s3-crash")
class S3LakeCrashTest {

    @TempDir
    Path dir;

    @Test
    void killingAWriterAtAnyWriteLeavesNoHalfVisibleVersion() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(dir.resolve("server"))) {
            S3ObjectStore store = server.newStore("lake/");
            S3ObjectStore.Settings settings = server.settings(bucketOf(store), "lake/");
            Path keysDir = dir.resolve("keys");
            LakeKeys keys = LakeKeys.local(keysDir);
            Random random = new Random(20261206L);
            Map<String, Set<Integer>> acknowledged = new HashMap<>();
            Set<String> read = new HashSet<>();
            int killed = 0;
            for (int round = 0; round < 12; round++) {
                boolean encrypted = round % 2 == 1;
                String dataset = encrypted ? "crash.sealed" : "crash.clear";
                // About 5 to 8 writes per version, 3 versions: most rounds die somewhere in them.
                int killAt = 1 + random.nextInt(24);
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        S3CrashingPublisher.class.getName()));
                command.addAll(server.arguments(settings));
                command.addAll(List.of(
                        dir.resolve("child/root").toString(),
                        dir.resolve("child/cache").toString(),
                        encrypted ? keysDir.toString() : "-",
                        dataset,
                        "3",
                        Integer.toString(10 * round + 1)));
                Process child =
                        new ProcessBuilder(command).redirectErrorStream(true).start();
                boolean wasKilled = false;
                int writes = 0;
                StringBuilder output = new StringBuilder();
                try (BufferedReader lines = new BufferedReader(
                                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                        Writer control =
                                new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.startsWith("OP ")) {
                            if (++writes == killAt) {
                                child.destroyForcibly();
                                wasKilled = true;
                                break;
                            }
                            control.write("go\n");
                            control.flush();
                        } else {
                            output.append(line).append('\n');
                        }
                        if (line.startsWith("PUBLISHED ")) {
                            String[] parts = line.split(" ");
                            acknowledged
                                    .computeIfAbsent(parts[1], k -> new HashSet<>())
                                    .add(Integer.parseInt(parts[2]));
                        }
                    }
                }
                assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
                if (wasKilled) {
                    killed++;
                } else {
                    assertThat(child.exitValue())
                            .as("round %d ended by itself:%n%s%nbucket: %s", round, output, store.list("crash."))
                            .isZero();
                }

                // What a reader sees before any recovery: complete versions only.
                assertEveryVisibleVersionIsComplete(
                        new ObjectLakeView(store, keys, dir.resolve("peek-" + round)).lake(),
                        store,
                        acknowledged,
                        read,
                        dir);

                // A restart's recovery: aborts and removes what the dead writer left, repairs Iceberg.
                Lake recovered = Lake.open(
                        dir.resolve("parent/root"),
                        keys,
                        new ObjectStorage(store, dir.resolve("parent/cache-" + round), 0, true));
                assertEveryVisibleVersionIsComplete(recovered, store, acknowledged, read, dir);
                assertNothingHalfLeft(store);
                List<DatasetVersion> clear = recovered.versions("crash.clear");
                if (!clear.isEmpty()) {
                    assertThat(new IcebergTables(store).committedVersion("crash.clear"))
                            .isEqualTo(clear.get(clear.size() - 1).version());
                }
            }
            assertThat(killed).isGreaterThanOrEqualTo(6);
            assertThat(acknowledged).isNotEmpty();
        }
    }

    /**
     * Every version listed has all its objects, at their recorded sizes; each is read in full (decrypted,
     * checked, counted) the first time it is seen, since a version never changes.
     */
    private static void assertEveryVisibleVersionIsComplete(
            Lake lake, ObjectStore store, Map<String, Set<Integer>> acknowledged, Set<String> read, Path dir)
            throws Exception {
        for (String dataset : List.of("crash.clear", "crash.sealed")) {
            List<Integer> visible = new ArrayList<>();
            for (DatasetVersion version : lake.versions(dataset)) {
                visible.add(version.version());
                String base = dataset + "/v" + version.version() + "/";
                ObjectLake.StoredVersion stored = Lake.JSON.readValue(
                        store.read(base + "manifest.json", 1 << 20).orElseThrow(), ObjectLake.StoredVersion.class);
                Map<String, Long> sizes = new HashMap<>();
                store.list(base).forEach(o -> sizes.put(o.key().substring(base.length()), o.size()));
                stored.objects()
                        .forEach((name, file) ->
                                assertThat(sizes).as("%s%s", base, name).containsEntry(name, file.size()));
                if (read.add(base)) {
                    long rows = version.manifest().rowCount();
                    assertThat(S3LakeTest.read(lake, version, dir.resolve("scratch")))
                            .as("%s v%d", dataset, version.version())
                            .containsExactly(rows, rows * (rows - 1) / 2);
                }
            }
            assertThat(visible).containsAll(acknowledged.getOrDefault(dataset, Set.of()));
        }
    }

    /** After recovery: each version folder is a published version or a bare abort marker; no claims remain. */
    private static void assertNothingHalfLeft(ObjectStore store) {
        Map<String, List<String>> folders = new TreeMap<>();
        for (ObjectStore.StoredObject object : store.list("crash.")) {
            String key = object.key();
            int slash = key.indexOf('/', key.indexOf('/') + 1);
            folders.computeIfAbsent(key.substring(0, slash + 1), k -> new ArrayList<>())
                    .add(key.substring(slash + 1));
        }
        for (Map.Entry<String, List<String>> folder : folders.entrySet()) {
            assertThat(folder.getValue())
                    .as(folder.getKey())
                    .contains("manifest.json")
                    .doesNotContain("claim.json");
            String manifest = new String(
                    store.read(folder.getKey() + "manifest.json", 1 << 20).orElseThrow(), StandardCharsets.UTF_8);
            if (manifest.contains("\"aborted\" : true") || manifest.contains("\"aborted\":true")) {
                assertThat(folder.getValue()).as(folder.getKey()).containsExactly("manifest.json");
            }
        }
    }

    private static String bucketOf(S3ObjectStore store) {
        String described = store.describe();
        return described.substring("s3://".length(), described.indexOf('/', "s3://".length()));
    }

    /** A reader's view of the bucket that runs no recovery: what any server would see right after the kill. */
    private record ObjectLakeView(ObjectStore store, LakeKeys keys, Path cache) {
        Lake lake() {
            return Lake.reading(store, keys, cache);
        }
    }
}
