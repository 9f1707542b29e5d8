package vn.datafloor.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
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

    /**
     * The draws of the noisy copy, as select items over a registry read as text: the date {@code d}, one uniform
     * number per kind of noise (from the record id, so a copy is the same every time) and a position {@code p} in
     * the name. {@link #NOISY_COLUMNS} reads them.
     */
    static String noiseDraws() {
        String u = "(hash(record_id, %d) %% 1000000) / 1000000.0";
        return "CAST(ngay_sinh AS DATE) AS d, "
                + String.format(Locale.ROOT, u, 1) + " AS u_name, "
                + String.format(Locale.ROOT, u, 2) + " AS u_dob, "
                + String.format(Locale.ROOT, u, 3) + " AS u_id, "
                + String.format(Locale.ROOT, u, 4) + " AS u_phone, "
                + "1 + CAST(hash(record_id, 5) % greatest(length(ho_ten), 1) AS BIGINT) AS p";
    }

    /**
     * A noisy copy's columns after its record id: a name with a deleted or substituted character (1 % each) or
     * upper-case without diacritics (10 %), the birth date as dd/MM/yyyy with day and month swapped (1 %, when the
     * day is at most 12), the CCCD missing (3 %) or with its last digit changed (1 %), the phone missing (5 %).
     */
    static final String NOISY_COLUMNS =
            "CASE WHEN u_name < 0.01 THEN substr(ho_ten, 1, p - 1) || substr(ho_ten, p + 1) "
                    + "WHEN u_name < 0.02 THEN substr(ho_ten, 1, p - 1) || 'y' || substr(ho_ten, p + 1) "
                    + "WHEN u_name < 0.12 THEN upper(strip_accents(ho_ten)) ELSE ho_ten END AS ho_ten, "
                    + "CASE WHEN u_dob < 0.01 AND day(d) <= 12 THEN strftime(make_date(year(d), day(d), month(d)), '%d/%m/%Y') "
                    + "ELSE strftime(d, '%d/%m/%Y') END AS ngay_sinh, "
                    + "gioi_tinh, "
                    + "CASE WHEN u_id < 0.03 THEN NULL WHEN u_id < 0.04 AND length(so_cccd) = 12 THEN substr(so_cccd, 1, 11) "
                    + "|| CAST((CAST(substr(so_cccd, 12, 1) AS INTEGER) + 1) % 10 AS VARCHAR) ELSE so_cccd END AS so_cccd, "
                    + "CASE WHEN u_phone < 0.05 THEN NULL ELSE so_dien_thoai END AS so_dien_thoai";

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
