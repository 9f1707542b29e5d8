package vn.datafloor.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a real appending JVM at random points, repeatedly on the same ledger, and check that
 * every append that had returned survived with its exact content.
 */
class CrashRecoveryTest {

    private static final int ITERATIONS = 20;

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
        Path dir = tmp.resolve("ledger");
        Map<Long, long[]> acked = new HashMap<>();
        Random rnd = new Random(20260611L);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        long lastMax = -1;
        for (int it = 0; it < ITERATIONS; it++) {
            Path err = tmp.resolve("stderr-" + it + ".txt");
            Process p = new ProcessBuilder(
                            java, "-Xmx128m", "-cp", cp, CrashAppender.class.getName(), dir.toString(), "4")
                    .redirectError(err.toFile())
                    .start();
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String ready = in.readLine();
                assertThat(ready)
                        .as("child did not open the ledger; stderr: %s", readQuietly(err))
                        .startsWith("ready ");
                long sizeAtOpen = Long.parseLong(ready.substring(6));
                assertThat(sizeAtOpen)
                        .as("iteration %d reopened with fewer entries than were acknowledged", it)
                        .isGreaterThan(lastMax);
                int killAfter = rnd.nextInt(250);
                int seen = 0;
                while (seen < killAfter) {
                    String line = in.readLine();
                    assertThat(line)
                            .as("child ended early; stderr: %s", readQuietly(err))
                            .isNotNull();
                    if (record(line, acked)) {
                        seen++;
                    }
                }
                // SIGKILL through the handle: Process.destroyForcibly would also close our end of the pipe.
                assertThat(p.toHandle().destroyForcibly()).isTrue();
                // Lines already in the pipe were acknowledged too; a line cut by the kill lacks its " ." end.
                for (String line; (line = in.readLine()) != null; ) {
                    record(line, acked);
                }
            } finally {
                p.destroyForcibly();
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            lastMax = acked.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
        }

        try (Ledger l = Ledger.open(dir)) {
            assertThat(l.size()).isGreaterThan(lastMax);
            for (Map.Entry<Long, long[]> e : acked.entrySet()) {
                byte[] want = CrashAppender.content((int) e.getValue()[0], e.getValue()[1]);
                assertThat(l.entry(e.getKey())).as("entry %d", e.getKey()).isEqualTo(want);
            }
            long n = l.size();
            long i = n / 3;
            assertThat(MerkleProofs.verifyInclusion(
                            i, n, MerkleProofs.leafHash(l.entry(i)), l.inclusionProof(i, n), l.rootHash(n)))
                    .isTrue();
        }
        assertThat(acked.size()).isGreaterThan(ITERATIONS * 50);
        String vkey =
                NoteSigner.loadOrCreate(tmp.resolve("crash.key"), "crash-test").verifierKey();
        VerificationReport report = LedgerVerifier.verify(dir, Optional.of(vkey));
        assertThat(report.firstProblem()).isNull();
        assertThat(report.checkpointsChecked()).isPositive();
    }

    /** Parses an {@code ack} line; an index acknowledged twice would mean a lost append was reused. */
    private static boolean record(String line, Map<Long, long[]> acked) {
        List<String> f = List.of(line.split(" "));
        if (f.size() != 5 || !f.get(0).equals("ack") || !f.get(4).equals(".")) {
            return false;
        }
        long index = Long.parseLong(f.get(1));
        long[] prev = acked.put(index, new long[] {Long.parseLong(f.get(2)), Long.parseLong(f.get(3))});
        assertThat(prev).as("index %d acknowledged twice", index).isNull();
        return true;
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
