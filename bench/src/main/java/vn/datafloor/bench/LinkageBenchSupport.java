package vn.datafloor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/** Shared plumbing of the linkage benchmarks: options, synth inputs kept under bench/target, heap peaks. */
final class LinkageBenchSupport {

    private LinkageBenchSupport() {}

    static long longOpt(String[] args, String name, long dflt) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                return Long.parseLong(args[i + 1].replace("_", "").replace(",", ""));
            }
            if (args[i].startsWith(name + "=")) {
                return Long.parseLong(
                        args[i].substring(name.length() + 1).replace("_", "").replace(",", ""));
            }
        }
        return dflt;
    }

    static Path home() {
        return Path.of(System.getenv().getOrDefault("DATAFLOOR_HOME", "."))
                .toAbsolutePath()
                .normalize();
    }

    /** A synthetic population of {@code people} generated once into bench/target/synth-N-sSEED and reused. */
    static Path synth(long people, long seed) {
        Path dir = home().resolve("bench/target/synth-" + people + "-s" + seed);
        if (!Files.exists(dir.resolve("manifest.json"))) {
            System.out.printf("generating %,d synthetic people, seed %d (once; kept in %s)…%n", people, seed, dir);
            long t0 = System.nanoTime();
            SyntheticPopulation.generate(SynthOptions.of(people, seed), dir, null);
            System.out.printf("  generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        return dir;
    }

    static void resetHeapPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks since the last reset, in MB (an upper bound of the Java heap needed). */
    static long heapPeakMb() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(p -> p.getType() == MemoryType.HEAP)
                        .mapToLong(p -> p.getPeakUsage().getUsed())
                        .sum()
                / (1024 * 1024);
    }

    /** The process's peak resident set (Linux VmHWM) in MB: Java heap plus DuckDB's native memory; -1 elsewhere. */
    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
