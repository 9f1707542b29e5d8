package vn.datafloor.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpec;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.QualityReport;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;
import vn.datafloor.integration.pipeline.SqlExpressions;
import vn.datafloor.integration.pipeline.SqlLibraries;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * DuckDB against Spark on the same pipeline ({@code ./datafloor bench spark --pipeline-rows N}): the civil
 * registry of N synthetic people (seed 42) read, mapped, standardized, checked and published into an
 * encrypted lake by each engine, with the spec of {@code ./datafloor bench pipeline}. The whole run is timed
 * (reading to publishing, the Spark session started beforehand); the target is equal results (rows published
 * and quarantined, every rule's failures, the scores). The ratio Spark ÷ DuckDB is reported, not targeted.
 */
final class SparkPipelineBench {

    /** The spec of bench/…/PipelineBench, on the same file. */
    static final String SPEC = """
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

    private SparkPipelineBench() {}

    static int run(long people, long seed, String master, Path home) throws Exception {
        Path synth = home.resolve("bench/target/synth-" + people + "-s" + seed);
        if (!Files.exists(synth.resolve("manifest.json"))) {
            System.out.printf("generating %,d synthetic people, seed %d (once; kept in %s)…%n", people, seed, synth);
            SyntheticPopulation.generate(SynthOptions.of(people, seed), synth, null);
        }
        SqlExpressions.allowFunctions(SqlLibraries.standard().functions());
        PipelineSpec spec = PipelineSpecs.parse(SPEC).spec();
        Path scratch = Files.createTempDirectory("datafloor-bench-spark-pipeline");
        try {
            int cores = Runtime.getRuntime().availableProcessors();
            Lake duckLake = lake(scratch.resolve("duck"));
            long t0 = System.nanoTime();
            RunResult duck = new PipelineRunner(
                            duckLake, scratch.resolve("duck/work"), "1GB", cores, SqlLibraries.standard())
                    .run(
                            spec,
                            new PipelineRunner.RunRequest(
                                    "bench-duckdb",
                                    synth,
                                    null,
                                    name -> "",
                                    PipelineRunner.SourceResolver.NONE,
                                    Map.of(),
                                    Instant.now()),
                            RunControl.quiet());
            double duckSeconds = seconds(t0);
            System.out.printf(Locale.ROOT, "  duckdb: %s in %.2f s%n", summary(duck), duckSeconds);

            SparkSession spark = SparkSessions.open(master, "datafloor-bench-spark-pipeline");
            RunResult onSpark;
            double sparkSeconds;
            try {
                Lake sparkLake = lake(scratch.resolve("spark"));
                long t1 = System.nanoTime();
                onSpark = new SparkPipelineRunner(spark, sparkLake, scratch.resolve("spark/work"), InputLimits.DEFAULTS)
                        .run(
                                spec,
                                new SparkPipelineRunner.Request("bench-spark", synth, Map.of(), Instant.now()),
                                RunControl.quiet());
                sparkSeconds = seconds(t1);
                System.out.printf(
                        Locale.ROOT,
                        "  spark (%s): %s in %.2f s%n",
                        spark.sparkContext().master(),
                        summary(onSpark),
                        sparkSeconds);
            } finally {
                spark.stop();
            }
            boolean equal = sameResults(duck, onSpark);
            System.out.printf(Locale.ROOT, "DuckDB at %,d rows: %.2f s%n", people, duckSeconds);
            System.out.printf(Locale.ROOT, "Spark  at %,d rows: %.2f s%n", people, sparkSeconds);
            System.out.printf("results equal: %s (rows, quarantine, every rule's failures, scores)%n", equal);
            System.out.printf(
                    Locale.ROOT,
                    "BENCH spark-pipeline project=%.2fs baseline=%.2fs ratio=%.2f target=results-equal %s%n",
                    sparkSeconds,
                    duckSeconds,
                    sparkSeconds / duckSeconds,
                    equal ? "PASS" : "FAIL");
            return 0;
        } finally {
            SparkMain.deleteTree(scratch);
        }
    }

    private static Lake lake(Path directory) {
        return Lake.open(directory.resolve("lake"), LakeKeys.local(directory.resolve("keys")));
    }

    private static boolean sameResults(RunResult a, RunResult b) {
        QualityReport x = a.report();
        QualityReport y = b.report();
        List<Long> failedA =
                x.rules().stream().map(QualityReport.RuleResult::failed).toList();
        List<Long> failedB =
                y.rules().stream().map(QualityReport.RuleResult::failed).toList();
        return a.rowsIn() == b.rowsIn()
                && a.rowsPublished() == b.rowsPublished()
                && a.rowsQuarantined() == b.rowsQuarantined()
                && failedA.equals(failedB)
                && x.scores().equals(y.scores())
                && x.overallScore() == y.overallScore();
    }

    private static String summary(RunResult result) {
        return String.format(
                Locale.ROOT,
                "%,d rows in, %,d published, %,d quarantined, quality %.1f",
                result.rowsIn(),
                result.rowsPublished(),
                result.rowsQuarantined(),
                result.report().overallScore());
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
