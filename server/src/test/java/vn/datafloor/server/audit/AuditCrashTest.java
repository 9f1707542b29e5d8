package vn.datafloor.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kill -9 a whole server while it records ledger entries, in and outside transactions, then start it
 * again and check, every round: every acknowledged entry is on the ledger exactly once, with its row
 * when it was written with one; no entry speaks of a row that was rolled back or lost; no commitment
 * lost its salt; the index covers the whole ledger and the outbox is empty.
 */
class AuditCrashTest {

    private static final int ROUNDS = 3;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void rowsAndLedgerAgreeAfterEveryKill() throws Exception {
        Path dataDir = tmp.resolve("data");
        Set<String> acked = new HashSet<>();
        Random rnd = new Random(20261206L);
        for (int round = 0; round <= ROUNDS; round++) {
            boolean last = round == ROUNDS;
            Process p = child(last ? "check" : "write", dataDir, round);
            int ackedBefore = acked.size();
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                // The server logs to standard output too: skip its start-up to the state line.
                String line = in.readLine();
                while (line != null && !line.startsWith("{\"onLedger\"")) {
                    line = in.readLine();
                }
                assertThat(line)
                        .as("child did not start; stderr: %s", stderr(round))
                        .isNotNull();
                // What the previous round's kill left, after this start's recovery.
                check(line, acked, round);
                if (last) {
                    break;
                }
                line = in.readLine();
                assertThat(line)
                        .as("child did not get ready; stderr: %s", stderr(round))
                        .isEqualTo("ready");
                int killAfter = 20 + rnd.nextInt(300);
                for (int seen = 0; seen < killAfter; ) {
                    line = in.readLine();
                    assertThat(line)
                            .as("child ended early; stderr: %s", stderr(round))
                            .isNotNull();
                    if (record(line, acked)) {
                        seen++;
                    }
                }
                assertThat(p.toHandle().destroyForcibly()).isTrue();
                for (String rest; (rest = in.readLine()) != null; ) {
                    record(rest, acked);
                }
            } finally {
                p.destroyForcibly();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(acked.size()).isGreaterThan(ackedBefore);
        }
        assertThat(acked.size()).isGreaterThan(ROUNDS * 20);
    }

    @SuppressWarnings("unchecked")
    private void check(String result, Set<String> acked, int round) {
        Map<String, Object> state = JsonMapper.builder().build().readValue(result, Map.class);
        int kill = round - 1; // the kill being checked (-1: none yet)
        Set<String> rows = ((List<Number>) state.get("rows"))
                .stream().map(n -> "t" + n.longValue()).collect(Collectors.toSet());
        Map<String, Integer> onLedger = (Map<String, Integer>) state.get("onLedger");

        assertThat(onLedger.values())
                .as("kill %d: an entry appended twice", kill)
                .allMatch(count -> count == 1);
        for (String id : acked) {
            assertThat(onLedger)
                    .as("kill %d: acknowledged %s is not on the ledger", kill, id)
                    .containsKey(id);
            if (id.startsWith("t")) {
                assertThat(rows)
                        .as("kill %d: acknowledged row %s lost", kill, id)
                        .contains(id);
            }
        }
        // Database first, ledger second: a committed row always gets its entry, an entry never lacks its row.
        for (String row : rows) {
            assertThat(onLedger)
                    .as(
                            "kill %d: row %s committed but its entry never appended (outbox rows left %s, unindexed "
                                    + "entries %s)",
                            kill, row, state.get("outbox"), state.get("unindexed"))
                    .containsKey(row);
        }
        for (String id : onLedger.keySet()) {
            if (id.startsWith("t")) {
                assertThat(rows)
                        .as("kill %d: entry %s speaks of a row that does not exist", kill, id)
                        .contains(id);
            }
        }
        assertThat(((Number) state.get("unopenable")).intValue())
                .as("kill %d: commitments without their salt", kill)
                .isZero();
        assertThat(((Number) state.get("unindexed")).longValue())
                .as("kill %d: ledger entries not indexed", kill)
                .isZero();
        assertThat(((Number) state.get("outbox")).longValue())
                .as("kill %d: outbox rows left", kill)
                .isZero();
    }

    private Process child(String mode, Path dataDir, int n) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx384m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        AuditCrashChild.class.getName(),
                        mode,
                        dataDir.toString())
                .redirectError(tmp.resolve("stderr-" + n + ".txt").toFile())
                .start();
    }

    private String stderr(int n) {
        try {
            String text = Files.readString(tmp.resolve("stderr-" + n + ".txt"));
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /** An {@code ack} line whose end survived the kill. */
    private static boolean record(String line, Set<String> acked) {
        String[] f = line.split(" ");
        if (f.length == 3 && f[0].equals("ack") && f[2].equals(".")) {
            assertThat(acked.add(f[1])).as("acknowledged twice: %s", f[1]).isTrue();
            return true;
        }
        return false;
    }
}
