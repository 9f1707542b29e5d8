package vn.datafloor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.linkage.Evaluation;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;

/**
 * Linkage at national scale: deduplicating N records (default 10,000,000) of one file end to end (load and
 * standardize, block, train, score, cluster) with the documented model, the {@code vietnamese_person} preset, as
 * a new user would write it (docs/linkage.md, "Presets"). Target: N = 10M in at most 10 minutes, Java heap at most
 * 2 GB, F1 at least 0.99 (clusters against the generator's truth).
 *
 * <p>Inputs: a synthetic population of 70 % of N people (seed 42, generated once into bench/target); the file holds
 * every person's civil-registry record and, for the remaining 30 % of N, a second record of a person (chosen by a
 * hash) made noisy by SQL as in the linkage-speed benchmark: a name with a deleted or substituted character (1 %
 * each) or upper-case without diacritics (10 %), the birth date written dd/MM/yyyy with day and month swapped (1 %,
 * when the day is at most 12), the CCCD missing (3 %) or with its last digit changed (1 %), the phone missing (5 %).
 * So the file mixes ISO and dd/MM/yyyy dates, as merged agency extracts do. Truth: each record's person.
 *
 * <p>The Linker's DuckDB works under a 2 GB memory limit, spilling to a scratch directory, and the JVM under
 * -Xmx2g; the run prints each phase, the candidate pairs, the Java heap peak and the process's peak RSS. There
 * is no other tool to run side by side at this size on this machine (Duke does not finish 1M, see linkage-speed),
 * so the target is absolute and the baseline is {@code -}.
 */
final class LinkageScaleBench {

    private static final long SEED = 42;

    private LinkageScaleBench() {}

    static String config(String file) {
        return "name: bench-scale\n"
                + "mode: dedupe\n"
                + "preset: vietnamese_person\n"
                + "inputs:\n"
                + "  - name: people\n"
                + "    path: " + file + "\n"
                + "    id: record_id\n"
                + "    fields: {name: ho_ten, birth_date: ngay_sinh, cccd: so_cccd, sex: gioi_tinh, "
                + "phone: so_dien_thoai}\n";
    }

    static void run(String[] args) throws Exception {
        long records = LinkageBenchSupport.longOpt(args, "--records", 10_000_000);
        if (records < 10) {
            throw new IllegalArgumentException("--records must be at least 10");
        }
        long people = Math.max(1, records * 7 / 10);
        Path scratch = Files.createTempDirectory("datafloor-bench-linkage-scale");
        try {
            Path synth = LinkageBenchSupport.synth(people, SEED);
            String file = inputs(synth, people, records - people, scratch);
            LinkageBenchSupport.resetHeapPeaks();
            long t0 = System.nanoTime();
            Evaluation evaluation;
            double seconds;
            LinkageModel model = LinkageModel.parse(config(file), synth);
            try (Linker linker = Linker.open(model, scratch)) {
                double loaded = LinkageBenchSupport.seconds(t0);
                LinkageParameters parameters = linker.train();
                double trained = LinkageBenchSupport.seconds(t0);
                long candidates = linker.predict(parameters);
                double scored = LinkageBenchSupport.seconds(t0);
                long clusters = linker.cluster(model.clustering().threshold());
                double clustered = LinkageBenchSupport.seconds(t0);
                seconds = clustered;
                System.out.printf(
                        Locale.ROOT,
                        "  load %.2f s, block+train %.2f s, score %.2f s (%,d candidate pairs, %.2f per record), "
                                + "cluster %.2f s (%,d clusters)%n",
                        loaded,
                        trained - loaded,
                        scored - trained,
                        candidates,
                        candidates / (double) records,
                        clustered - scored,
                        clusters);
                // Read after the clock stopped: checking against the truth is not the linkage's time.
                evaluation = linker.evaluateClusters(synth.resolve(file.replace("records.csv", "truth.csv")));
            }
            long heap = LinkageBenchSupport.heapPeakMb();
            long rss = LinkageBenchSupport.peakRssMb();
            System.out.printf(
                    Locale.ROOT,
                    "dedupe of %,d records (%,d people): %.2f s, %s; peak Java heap %,d MB, peak process RSS %,d MB "
                            + "(DuckDB limit 2 GB)%n",
                    records,
                    people,
                    seconds,
                    evaluation,
                    heap,
                    rss);
            boolean pass = seconds <= 600 && heap <= 2048 && evaluation.f1() >= 0.99;
            System.out.printf(
                    Locale.ROOT,
                    "BENCH linkage-scale project=%.2fs baseline=- ratio=- target=<=600s,heap<=2GB,F1>=0.99 "
                            + "(records=%d,heap=%dMB,F1=%.4f) %s%n",
                    seconds,
                    records,
                    heap,
                    evaluation.f1(),
                    pass ? "PASS" : "FAIL");
        } finally {
            LinkageBenchSupport.deleteTree(scratch);
        }
    }

    /**
     * The file to deduplicate, relative to {@code synth}: the registry plus {@code copies} noisy second records,
     * and the truth beside it; made once and reused.
     */
    static String inputs(Path synth, long people, long copies, Path scratch) throws Exception {
        String dirName = "linkage-scale-" + (people + copies);
        Path dir = synth.resolve(dirName);
        if (Files.exists(dir.resolve("truth.csv"))) {
            return dirName + "/records.csv";
        }
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        String registry = DuckDbConnections.literal(
                synth.resolve("civil-registry/people.csv").toString());
        try (Connection db = DuckDbConnections.open(
                        scratch, "1GB", Runtime.getRuntime().availableProcessors());
                Statement s = db.createStatement()) {
            s.execute("CREATE TEMP TABLE base AS SELECT record_id, ho_ten, ngay_sinh, gioi_tinh, so_cccd, "
                    + "so_dien_thoai FROM read_csv(" + registry + ", header = true, all_varchar = true)");
            s.execute("CREATE TEMP TABLE picked AS SELECT *, " + LinkageBenchSupport.noiseDraws()
                    + " FROM base ORDER BY hash(record_id, 9) LIMIT " + copies);
            s.execute("COPY (SELECT record_id, ho_ten, ngay_sinh, gioi_tinh, so_cccd, so_dien_thoai FROM base "
                    + "UNION ALL SELECT 'c' || record_id, " + LinkageBenchSupport.NOISY_COLUMNS + " FROM picked) TO "
                    + DuckDbConnections.literal(dir.resolve("records.csv").toString()) + " (HEADER)");
            s.execute("COPY (SELECT 'people' AS source, record_id, record_id AS entity_id FROM base "
                    + "UNION ALL SELECT 'people', 'c' || record_id, record_id FROM picked) TO "
                    + DuckDbConnections.literal(dir.resolve("truth.csv").toString()) + " (HEADER)");
        }
        System.out.printf(
                Locale.ROOT,
                "made the file of %,d records (%,d with a noisy second record) in %.1f s (%s)%n",
                people + copies,
                copies,
                LinkageBenchSupport.seconds(t0),
                dir);
        return dirName + "/records.csv";
    }
}
