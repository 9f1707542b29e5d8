package vn.datafloor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;
import vn.datafloor.integration.pipeline.SqlLibraries;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * The full pipeline (read + map + standardize + validate + publish) over N synthetic person rows,
 * against DuckDB's plain CSV→Parquet copy of the same file in the same run. Target: at most 3× the
 * copy's time, heap at most 2 GB. The input is generated once and kept under bench/target.
 */
final class PipelineBench {

    private static final String SPEC = """
            pipeline: bench-people
            source: {type: csv, path: civil-registry/people.csv, encoding: auto}
            target: {dataset: bench.people, schema: person}
            mapping:
              person_id: record_id
              full_name: ho_ten
              sex_raw: gioi_tinh
              birth_date_raw: ngay_sinh
              personal_id_raw: so_cccd
              phone_raw: so_dien_thoai
              commune_code: ma_xa_thuong_tru
              province_code: ma_tinh_thuong_tru
            standardize:
              name_key: std_name_key(full_name)
              full_name: std_person_name(full_name)
              sex: std_sex(sex_raw)
              birth_date: std_date(birth_date_raw).value
              personal_id_status: std_cccd(personal_id_raw, dob := birth_date, sex := sex_raw).status
              phone: std_phone(phone_raw).value
            quality:
              - {rule: completeness, columns: [person_id, full_name, birth_date], severity: reject}
              - {rule: uniqueness, columns: [person_id], severity: reject}
              - {rule: consistency, name: cccd_matches_birth, check: "personal_id_status IN ('valid', 'missing')", severity: warn}
            key: [person_id]
            """;

    private PipelineBench() {}

    static void run(String[] options) throws Exception {
        long people = 5_000_000;
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals("--people") && i + 1 < options.length) {
                people = Long.parseLong(options[++i]);
            }
        }
        Path home = Path.of(System.getenv().getOrDefault("DATAFLOOR_HOME", ".")).toAbsolutePath();
        Path input = home.resolve("bench/target/synth-" + people);
        if (!Files.exists(input.resolve("manifest.json"))) {
            System.out.printf("generating %,d synthetic people (once; kept in %s)…%n", people, input);
            SyntheticPopulation.generate(SynthOptions.of(people, 42), input, null);
        }
        Path csv = input.resolve("civil-registry/people.csv");
        System.out.printf("input: %s (%,d bytes)%n", csv, Files.size(csv));
        Path work = Files.createTempDirectory("datafloor-bench-pipeline");
        try {
            int cores = Runtime.getRuntime().availableProcessors();
            // Baseline: DuckDB alone, CSV → Parquet, same file, same threads.
            long baselineStart = System.nanoTime();
            try (Connection duck = DuckDbConnections.open(work.resolve("spill"), "1GB", cores);
                    Statement statement = duck.createStatement()) {
                statement.execute("COPY (SELECT * FROM read_csv(" + DuckDbConnections.literal(csv.toString())
                        + ", header = true, all_varchar = true)) TO "
                        + DuckDbConnections.literal(work.resolve("copy.parquet").toString())
                        + " (FORMAT parquet, COMPRESSION zstd)");
            }
            double baseline = (System.nanoTime() - baselineStart) / 1e9;
            System.out.printf("baseline: DuckDB CSV→Parquet copy: %.2f s%n", baseline);

            resetHeapPeaks();
            // Encrypted as the platform's lake is (docs/encryption.md): the publish stage includes sealing.
            Lake lake = Lake.open(
                    work.resolve("lake"),
                    new vn.datafloor.integration.lake.LakeKeys(
                            vn.datafloor.integration.lake.LocalMasterKey.openOrCreate(
                                    work.resolve("keys").resolve("lake.keyset.json"))));
            PipelineRunner runner =
                    new PipelineRunner(lake, work.resolve("work"), "1GB", cores, SqlLibraries.standard());
            long start = System.nanoTime();
            long[] stageStart = {System.nanoTime()};
            String[] stage = {"starting"};
            RunControl control = new RunControl(new RunControl.Listener() {
                @Override
                public void progress(String next, int percent) {
                    long now = System.nanoTime();
                    System.out.printf("  %-17s %6.2f s%n", stage[0], (now - stageStart[0]) / 1e9);
                    stage[0] = next;
                    stageStart[0] = now;
                }

                @Override
                public void log(String level, String message) {}
            });
            RunResult result = runner.run(
                    PipelineSpecs.parse(SPEC).spec(),
                    new PipelineRunner.RunRequest(
                            "bench",
                            input,
                            null,
                            name -> "",
                            PipelineRunner.SourceResolver.NONE,
                            Map.of(),
                            Instant.now()),
                    control);
            double project = (System.nanoTime() - start) / 1e9;
            long heap = heapPeak();
            System.out.printf(
                    "pipeline: %,d rows in, %,d published, %,d quarantined, quality %.1f: %.2f s, peak heap %,d MB%n",
                    result.rowsIn(),
                    result.rowsPublished(),
                    result.rowsQuarantined(),
                    result.report().overallScore(),
                    project,
                    heap / (1024 * 1024));
            double ratio = project / baseline;
            boolean pass = ratio <= 3.0 && heap <= 2L * 1024 * 1024 * 1024;
            System.out.printf(
                    "BENCH pipeline-heap project=%dMB baseline=- ratio=- target=<=2048MB %s%n",
                    heap / (1024 * 1024), heap <= 2L * 1024 * 1024 * 1024 ? "PASS" : "FAIL");
            System.out.printf(
                    "BENCH pipeline project=%.2fs baseline=%.2fs ratio=%.2f target=<=3.0,heap<=2GB %s%n",
                    project, baseline, ratio, pass ? "PASS" : "FAIL");
        } finally {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void resetHeapPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** The sum of the heap pools' peaks since the reset: an upper bound of the heap the run needed. */
    private static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed())
                .sum();
    }
}
