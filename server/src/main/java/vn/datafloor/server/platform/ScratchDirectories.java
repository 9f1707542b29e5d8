package vn.datafloor.server.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Throw-away directories, such as a benchmark's whole data directory, removed with everything in them. */
public final class ScratchDirectories {

    private ScratchDirectories() {}

    /**
     * Deletes the directory and everything under it; what cannot be deleted is named on standard error and
     * left. Why a benchmark calls this: each run's database, lake and ledger take gigabytes, and a run that
     * left them behind filled the disk of the machine it measured.
     */
    public static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (var walk = Files.walk(directory)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    System.err.println("could not delete " + path + ": " + e.getMessage());
                }
            });
        } catch (IOException | RuntimeException e) {
            System.err.println("could not delete " + directory + ": " + e.getMessage());
        }
    }
}
