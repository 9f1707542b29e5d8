package vn.datafloor.server.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vn.datafloor.synth.Noise;
import vn.datafloor.synth.Summary;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/** Writes a seeded synthetic population, agency extracts and ground truth for tests and benchmarks (docs/synth.md). */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Generate a synthetic Vietnamese population, its agencies' extracts and the ground truth.",
            "The extracts are those the civil registry, tax, social insurance, health, business registry and",
            "market agencies hold about the population; the ground truth says which records are one person.",
            "Same seed and options give the same files. Example: ./datafloor synth --people 50000 --seed 42"
        })
class SynthCommand implements Callable<Integer> {

    @Option(names = "--people", defaultValue = "50000", description = "Population size (default: ${DEFAULT-VALUE}).")
    long people;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--out",
            defaultValue = "./data/synth",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--noise-scale",
            defaultValue = "1.0",
            description = "Multiplies every noise rate; 0 gives clean extracts (default: ${DEFAULT-VALUE}).")
    double noiseScale;

    @Option(names = "--noise-typo", description = "Rate of one-character typos in names (default 0.02).")
    Double typo;

    @Option(names = "--noise-missing-diacritics", description = "Rate of names without diacritics (default 0.05).")
    Double missingDiacritics;

    @Option(names = "--noise-nfd", description = "Rate of names stored in NFD (default 0.05).")
    Double nfd;

    @Option(
            names = "--noise-tone-placement",
            description = "Rate of old/new tone placement swaps, hòa/hoà (default 0.10).")
    Double tonePlacement;

    @Option(names = "--noise-eth", description = "Rate of Đ written as Ð (U+00D0) (default 0.20).")
    Double ethForD;

    @Option(names = "--noise-swapped-names", description = "Rate of middle/given names swapped (default 0.01).")
    Double swappedNames;

    @Option(
            names = "--noise-missing-field",
            description = "Rate of records with an optional field left empty (default 0.03).")
    Double missingField;

    @Option(names = "--noise-day-month", description = "Rate of dates with day and month swapped (default 0.01).")
    Double dayMonthSwap;

    @Option(names = "--noise-duplicate", description = "Rate of records repeated within a source (default 0.02).")
    Double duplicate;

    @Option(
            names = "--noise-outdated-address",
            description = "Rate of pre-2025 addresses in current-address sources (default 0.10).")
    Double outdatedAddress;

    @Option(names = "--noise-id-error", description = "Rate of mistyped CCCD/tax codes (default 0.01).")
    Double idError;

    @Override
    public Integer call() {
        Noise d = Noise.defaults().scaled(noiseScale);
        Noise noise = new Noise(
                or(typo, d.typo()),
                or(missingDiacritics, d.missingDiacritics()),
                or(nfd, d.nfd()),
                or(tonePlacement, d.tonePlacement()),
                or(ethForD, d.ethForD()),
                or(swappedNames, d.swappedNames()),
                or(missingField, d.missingField()),
                or(dayMonthSwap, d.dayMonthSwap()),
                or(duplicate, d.duplicate()),
                or(outdatedAddress, d.outdatedAddress()),
                or(idError, d.idError()));
        long started = System.nanoTime();
        Summary summary = SyntheticPopulation.generate(new SynthOptions(people, seed, noise), out, SynthCommand::bar);
        System.err.println();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "Wrote %s in %.1f s: %,d people in %,d households, %,d businesses, %,d products.%n",
                summary.outDir().toAbsolutePath().normalize(),
                seconds,
                summary.people(),
                summary.households(),
                summary.businesses(),
                summary.products());
        System.out.printf(Locale.ROOT, "  %-34s %12s%n", "source", "records");
        for (Map.Entry<String, Long> e : summary.records().entrySet()) {
            System.out.printf(Locale.ROOT, "  %-34s %,12d%n", e.getKey(), e.getValue());
        }
        if (summary.unencodableChars() > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "  %,d characters had no Windows-1258 encoding and were replaced.%n",
                    summary.unencodableChars());
        }
        System.out.println("Ground truth: truth/; file list, columns and options: manifest.json.");
        return 0;
    }

    private static double or(Double given, double fallback) {
        return given != null ? given : fallback;
    }

    /** "\r[#####.....] 52% 5,200,000/10,000,000 people" on stderr, so stdout stays clean for the summary. */
    private static void bar(long done, long total) {
        int width = 30;
        int filled = (int) (width * done / Math.max(1, total));
        System.err.printf(
                Locale.ROOT,
                "\r[%s%s] %3d%% %,d/%,d people",
                "#".repeat(filled),
                ".".repeat(width - filled),
                100 * done / Math.max(1, total),
                done,
                total);
    }
}
