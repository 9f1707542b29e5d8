package vn.datafloor.ledger;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process for {@link CrashRecoveryTest}: appends from several threads forever and prints
 * {@code ack <index> <thread> <seq> .} only after append has returned, until it is SIGKILLed.
 * Thread 0 also publishes a checkpoint now and then, so recovery exercises both the "rebuild from a
 * checkpoint" and "rebuild from scratch" paths.
 */
public final class CrashAppender {

    /** Entries vary in size so that a kill lands inside records of different lengths. */
    static byte[] content(int thread, long seq) {
        String id = thread + "/" + seq + ";";
        return id.repeat(1 + (int) ((seq * 31 + thread * 17) % 300)).getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        Ledger ledger = Ledger.open(dir);
        NoteSigner signer = NoteSigner.loadOrCreate(dir.resolveSibling("crash.key"), "crash-test");
        synchronized (out) {
            out.println("ready " + ledger.size());
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                try {
                    for (long seq = 0; ; seq++) {
                        long index = ledger.append(content(thread, seq));
                        synchronized (out) {
                            out.println("ack " + index + " " + thread + " " + seq + " .");
                        }
                        if (thread == 0 && seq % 40 == 39) {
                            ledger.publishCheckpoint(signer, "crash/test");
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            });
            th.start();
        }
    }
}
