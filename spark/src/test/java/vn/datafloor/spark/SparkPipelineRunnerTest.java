package vn.datafloor.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.connect.InputLimits;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.integration.pipeline.PipelineException;
import vn.datafloor.integration.pipeline.PipelineRunner;
import vn.datafloor.integration.pipeline.PipelineSpec;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.QualityReport;
import vn.datafloor.integration.pipeline.QualityReports;
import vn.datafloor.integration.pipeline.RunControl;
import vn.datafloor.integration.pipeline.RunResult;
import vn.datafloor.integration.pipeline.SqlLibraries;
import vn.datafloor.synth.Noise;
import vn.datafloor.synth.ProgressListener;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * One pipeline spec on both engines over synth's noisy tax extract, with dirty rows added (a repeated record, an
 * empty name, an unreadable date, a record with too many fields): the same published rows, the same quarantine
 * with the same reasons, the same quality report; then a changed input and the same diff against each engine's
 * previous version. And what Spark refuses, refused with nothing published.
 */
@Tag("spark")
class SparkPipelineRunnerTest {

    static final String SPEC = """
            pipeline: tax-people
            source: {type: csv, path: tax/taxpayers.csv, encoding: auto}
            target: {dataset: tax.people, schema: person}
            mapping:
              person_id: record_id
              full_name: ho_ten
              sex_raw: gioi_tinh
              birth_date_raw: ngay_sinh
              personal_id_raw: so_cccd
              phone_raw: so_dien_thoai
              address: dia_chi
              registered_raw: ngay_dang_ky_thue
              name_length: length(ho_ten)
            standardize:
              full_name: std_person_name(full_name)
              sex: std_sex(sex_raw)
              birth_date: std_date(birth_date_raw).value
              registered_on: std_date(registered_raw).value
              personal_id: std_cccd(personal_id_raw, dob := birth_date, sex := sex_raw).value
              personal_id_status: std_cccd(personal_id_raw, dob := birth_date, sex := sex_raw).status
              phone: std_phone(phone_raw).value
            address:
              column: address
            quality:
              - {rule: completeness, columns: [person_id, full_name], severity: reject}
              - {rule: uniqueness, columns: [person_id], severity: reject}
              - {rule: validity, name: birth_date_parsed, check: "birth_date IS NOT NULL", severity: reject}
              - {rule: consistency, name: cccd_matches_birth, check: "personal_id_status IN ('valid', 'missing')", severity: warn}
              - {rule: uniqueness, name: phone_once, columns: [phone, sex], severity: warn}
              - {rule: timeliness, column: registered_on, max_age: P3650D, severity: warn}
            key: [person_id]
            """;

    @TempDir
    static Path root;

    static Path input;
    static SparkSession spark;
    static Lake duckLake;
    static Lake sparkLake;
    static RunResult onDuck;
    static RunResult onSpark;

    @BeforeAll
    static void runOnBothEngines() throws Exception {
        input = root.resolve("synth");
        SyntheticPopulation.generate(new SynthOptions(1_500, 11, Noise.defaults()), input, ProgressListener.NONE);
        Path csv = input.resolve("tax/taxpayers.csv");
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        String first = lines.get(1);
        String dirty = String.join(
                "\n",
                first, // the same record again: uniqueness
                "X-EMPTY-1,,02/03/1990,Nam,001090000001,\"12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội\",0912345678,01/01/2020",
                "X-BADDATE-1,Nguyễn Văn An,không rõ,Nam,001090000002,\"Xã Tân Lập, Tỉnh Phú Thọ\",0912345679,01/01/2020",
                "X-FIELDS-1,Trần Thị Bình,01/01/1985,Nữ,001185000003,Hà Nội,0912345670,01/01/2020,one too many",
                "X-OLD-1,Lê Văn Cường,05/06/1970,Nam,001070000004,\"Phường Ba Đình, Thành phố Hà Nội\",0912345671,01/01/2001");
        Files.writeString(csv, dirty + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        duckLake = Lake.open(root.resolve("duck/lake"), LakeKeys.local(root.resolve("duck/keys")));
        sparkLake = Lake.open(root.resolve("spark/lake"), LakeKeys.local(root.resolve("spark/keys")));
        spark = SparkSessions.open("local[2]", "spark-pipeline-test");
        PipelineSpec spec = spec(SPEC);
        onDuck = onDuck(spec, "duck-1");
        onSpark = onSpark(spec, "spark-1");
    }

    @AfterAll
    static void close() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void theSamePublishedRowsColumnsAndTypes() throws Exception {
        assertThat(onSpark.reused()).isFalse();
        assertThat(onSpark.rowsPublished()).isEqualTo(onDuck.rowsPublished()).isGreaterThan(300);
        assertThat(onSpark.version().manifest().rowCount())
                .isEqualTo(onDuck.version().manifest().rowCount());
        assertThat(onSpark.version().manifest().columns())
                .isEqualTo(onDuck.version().manifest().columns());
        assertThat(onSpark.version().manifest().columns().stream().map(c -> c.type()))
                .contains("DATE", "VARCHAR", "DOUBLE");
        assertThat(onSpark.version().manifest().lineage()).containsEntry("engine", "spark");
        // Sealed like the DuckDB engine's versions: readable in clear only through the lake's keys.
        assertThat(onSpark.version().encrypted()).isTrue();
        List<String> expected = rows(duckLake, onDuck.version());
        List<String> actual = rows(sparkLake, onSpark.version());
        assertThat(actual).hasSize((int) onDuck.rowsPublished()).isEqualTo(expected);
        // The address matcher ran inside the Spark tasks too: codes were found.
        assertThat(actual.stream().filter(r -> r.contains("address_method=commune_2025")))
                .isNotEmpty();
    }

    @Test
    void theSameQuarantineWithTheSameReasons() throws Exception {
        assertThat(onSpark.rowsQuarantined()).isEqualTo(onDuck.rowsQuarantined());
        List<List<String>> expected = quarantine(onDuck.quarantine());
        List<List<String>> actual = quarantine(onSpark.quarantine());
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            List<String> e = expected.get(i);
            List<String> a = actual.get(i);
            if (e.get(1).startsWith("reason=unreadable: ")) {
                // The reader's own words differ (DuckDB's and Spark's CSV readers); where and what do not.
                assertThat(a.get(1)).startsWith("reason=unreadable: ");
                assertThat(a.get(0)).isEqualTo(e.get(0));
                assertThat(a.get(2)).isEqualTo(e.get(2));
                assertThat(a.subList(3, a.size())).isEqualTo(e.subList(3, e.size()));
            } else {
                assertThat(a).isEqualTo(e);
            }
        }
        Map<String, Long> reasons = actual.stream()
                .flatMap(r -> List.of(r.get(1).replaceFirst("^reason=", "").split("; ")).stream())
                .collect(Collectors.groupingBy(r -> r.replaceAll(":.*", ":"), Collectors.counting()));
        assertThat(reasons).containsKeys("completeness_1", "uniqueness_2", "birth_date_parsed", "unreadable:");
        assertThat(actual.stream()
                        .filter(r -> r.get(1).startsWith("reason=unreadable: "))
                        .map(r -> r.get(2)))
                .singleElement()
                .asString()
                .contains("X-FIELDS-1");
    }

    @Test
    void theSameQualityReport() throws Exception {
        QualityReport expected = onDuck.report();
        QualityReport actual = onSpark.report();
        assertThat(actual.rowsIn()).isEqualTo(expected.rowsIn());
        assertThat(actual.malformed()).isEqualTo(expected.malformed()).isEqualTo(1);
        assertThat(actual.rowsClean()).isEqualTo(expected.rowsClean());
        assertThat(actual.scores()).isEqualTo(expected.scores());
        assertThat(actual.overallScore()).isEqualTo(expected.overallScore());
        // Rule by rule: counts, the first failing examples (masked), the automatic date-guess rules.
        assertThat(actual.rules()).isEqualTo(expected.rules());
        assertThat(actual.rules().stream().filter(QualityReport.RuleResult::automatic))
                .isNotEmpty();
        assertThat(actual.rules().stream()
                        .mapToLong(QualityReport.RuleResult::failed)
                        .sum())
                .isPositive();
        // Published with the version, as the DuckDB engine does.
        assertThat(QualityReports.fromJson(
                        Files.readString(onSpark.version().directory().resolve("quality.json"))))
                .isEqualTo(actual);
    }

    @Test
    void aNewInputGetsTheSameDiffAndAnUnchangedOneIsKeptAcrossEngines() throws Exception {
        Path changed = root.resolve("changed");
        Files.createDirectories(changed.resolve("tax"));
        List<String> lines = Files.readAllLines(input.resolve("tax/taxpayers.csv"), StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>(lines.subList(0, lines.size() - 40));
        kept.add(
                "X-NEW-1,Phạm Thị Dung,07/08/1992,Nữ,001192000005,\"Phường Láng, Thành phố Hà Nội\",0912345672,02/02/2022");
        kept.set(3, kept.get(3).replaceFirst(",(Nam|Nữ),", ",Khác,"));
        Files.write(changed.resolve("tax/taxpayers.csv"), kept, StandardCharsets.UTF_8);
        PipelineSpec spec = spec(SPEC);
        RunResult duck2 = new PipelineRunner(duckLake, root.resolve("duck/work"), "512MB", 2, SqlLibraries.standard())
                .run(spec, request("duck-2", changed), RunControl.quiet());
        RunResult spark2 = runner(sparkLake).run(spec, sparkRequest("spark-2", changed), RunControl.quiet());
        assertThat(spark2.version().version()).isEqualTo(2);
        assertThat(spark2.version().manifest().diff())
                .isEqualTo(duck2.version().manifest().diff());
        assertThat(spark2.version().manifest().diff().added()).isPositive();
        assertThat(spark2.version().manifest().diff().removed()).isPositive();
        assertThat(spark2.version().manifest().diff().changed()).isPositive();
        assertThat(rows(sparkLake, spark2.version())).isEqualTo(rows(duckLake, duck2.version()));

        // The DuckDB engine's version of this input and spec is recognised by the Spark engine: nothing new.
        RunResult again = runner(duckLake).run(spec, sparkRequest("spark-3", changed), RunControl.quiet());
        assertThat(again.reused()).isTrue();
        assertThat(again.version().version()).isEqualTo(duck2.version().version());
        assertThat(duckLake.versions("tax.people")).hasSize(2);
    }

    @Test
    void aParquetSourceWithTypedColumnsGivesTheSameResults() throws Exception {
        Path directory = Files.createDirectories(root.resolve("parquet/tax"));
        Path file = directory.resolve("taxpayers.parquet");
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement()) {
            // Typed as an agency's export would be: dates, integers and decimals, read back as text by both engines.
            statement.execute("COPY (SELECT record_id, ho_ten, ngay_sinh, gioi_tinh, so_cccd, dia_chi, so_dien_thoai,"
                    + " TRY_CAST(strptime(ngay_dang_ky_thue, '%d/%m/%Y') AS DATE) AS ngay_dang_ky_thue,"
                    + " CAST(length(ho_ten) AS BIGINT) AS do_dai, CAST(length(dia_chi) / 4.0 AS DOUBLE) AS ti_le"
                    + " FROM read_csv("
                    + DuckDbConnections.literal(
                            input.resolve("tax/taxpayers.csv").toString())
                    + ", header = true, all_varchar = true, ignore_errors = true)) TO "
                    + DuckDbConnections.literal(file.toString()) + " (FORMAT parquet)");
        }
        PipelineSpec spec = spec(SPEC.replace(
                        "source: {type: csv, path: tax/taxpayers.csv, encoding: auto}",
                        "source: {type: parquet, path: tax/taxpayers.parquet}")
                .replace("name_length: length(ho_ten)", "name_length: do_dai\n  ratio: ti_le")
                .replace("dataset: tax.people", "dataset: tax.people_parquet"));
        Path parquetInput = root.resolve("parquet");
        RunResult duck = new PipelineRunner(duckLake, root.resolve("duck/work"), "512MB", 2, SqlLibraries.standard())
                .run(spec, request("duck-pq", parquetInput), RunControl.quiet());
        RunResult onSparkToo = runner(sparkLake).run(spec, sparkRequest("spark-pq", parquetInput), RunControl.quiet());
        assertThat(onSparkToo.version().manifest().columns())
                .isEqualTo(duck.version().manifest().columns());
        assertThat(rows(sparkLake, onSparkToo.version())).isEqualTo(rows(duckLake, duck.version()));
        assertThat(onSparkToo.report()).isEqualTo(duck.report());
        assertThat(quarantine(onSparkToo.quarantine())).isEqualTo(quarantine(duck.quarantine()));
        assertThat(onSparkToo.version().manifest().inputFingerprint())
                .isEqualTo(duck.version().manifest().inputFingerprint());
    }

    @Test
    void aJsonLinesSourceGivesTheSameResultsAndUnreadableLines() throws Exception {
        Path jsonl = input.resolve("social-insurance/insured.jsonl");
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        Files.writeString(
                jsonl,
                String.join(
                                "\n",
                                lines.get(0), // the same record again
                                "not JSON at all",
                                "[1, 2, 3]",
                                "{\"record_id\": null, \"ho_ten\": \"Võ Văn Em\", \"ngay_sinh\": \"1990-01-02\"}")
                        + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        PipelineSpec spec = spec("""
                pipeline: insured-people
                source: {type: jsonl, path: social-insurance/insured.jsonl}
                target: {dataset: insurance.people, schema: person}
                mapping:
                  person_id: record_id
                  full_name: ho_ten
                  birth_date_raw: ngay_sinh
                  sex_raw: gioi_tinh
                  personal_id_raw: so_cccd
                  province: ma_tinh
                standardize:
                  full_name: std_person_name(full_name)
                  birth_date: std_date(birth_date_raw).value
                  sex: std_sex(sex_raw)
                quality:
                  - {rule: completeness, columns: [person_id, full_name], severity: reject}
                  - {rule: uniqueness, columns: [person_id], severity: reject}
                key: [person_id]
                """);
        RunResult duck = new PipelineRunner(duckLake, root.resolve("duck/work"), "512MB", 2, SqlLibraries.standard())
                .run(spec, request("duck-jsonl", input), RunControl.quiet());
        RunResult onSparkToo = runner(sparkLake).run(spec, sparkRequest("spark-jsonl", input), RunControl.quiet());
        assertThat(onSparkToo.rowsPublished()).isEqualTo(duck.rowsPublished()).isGreaterThan(100);
        assertThat(onSparkToo.version().manifest().columns())
                .isEqualTo(duck.version().manifest().columns());
        assertThat(rows(sparkLake, onSparkToo.version())).isEqualTo(rows(duckLake, duck.version()));
        assertThat(onSparkToo.report()).isEqualTo(duck.report());
        assertThat(onSparkToo.report().malformed()).isEqualTo(2);
        List<List<String>> quarantined = quarantine(onSparkToo.quarantine());
        assertThat(quarantined).isEqualTo(quarantine(duck.quarantine()));
        assertThat(quarantined.stream().map(r -> r.get(1)))
                .contains("reason=unreadable: not a JSON object", "reason=completeness_1", "reason=uniqueness_2");
    }

    @Test
    void aSourceSparkCannotReadIsRefusedAndNothingIsPublished() throws Exception {
        Lake lake = Lake.open(root.resolve("refused/lake"), LakeKeys.local(root.resolve("refused/keys")));
        PipelineSpec xlsx = spec(SPEC.replace(
                "source: {type: csv, path: tax/taxpayers.csv, encoding: auto}",
                "source: {type: xlsx, path: tax/book.xlsx}"));
        assertThatThrownBy(() -> runner(lake).run(xlsx, sparkRequest("refused-1", input), RunControl.quiet()))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("csv, jsonl and parquet file sources only, not a xlsx source")
                .hasMessageContaining("--engine duckdb");
        PipelineSpec database = spec(
                SPEC.replace(
                        "source: {type: csv, path: tax/taxpayers.csv, encoding: auto}",
                        "source: {type: jdbc, url: \"jdbc:postgresql://db.example.vn:5432/tax\", user: reader, table: people}"));
        assertThatThrownBy(() -> runner(lake).run(database, sparkRequest("refused-2", input), RunControl.quiet()))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("not a jdbc source");
        // A mistake in an expression: reported by its spec key, before any task runs.
        PipelineSpec typo = spec(SPEC.replace("full_name: ho_ten", "full_name: ho_va_ten"));
        assertThatThrownBy(() -> runner(lake).run(typo, sparkRequest("refused-3", input), RunControl.quiet()))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("mapping.full_name");
        assertThat(lake.datasets()).isEmpty();
        assertThat(lake.latest("tax.people")).isEmpty();
        try (var left = Files.walk(root.resolve("refused/lake"))) {
            assertThat(left.filter(Files::isRegularFile)
                            .map(p -> p.getFileName().toString()))
                    .allMatch(name -> name.equals(".lock"));
        }
        try (var work = Files.list(root.resolve("refused-work"))) {
            assertThat(work).isEmpty();
        }
    }

    // ---------------------------------------------------------------- helpers

    static PipelineSpec spec(String yaml) {
        // As a runner does when it is built: the standardizers are functions the expressions may call.
        vn.datafloor.integration.pipeline.SqlExpressions.allowFunctions(
                SqlLibraries.standard().functions());
        PipelineSpecs.Parsed parsed = PipelineSpecs.parse(yaml);
        assertThat(parsed.problems()).isEmpty();
        return parsed.spec();
    }

    static RunResult onDuck(PipelineSpec spec, String runId) {
        return new PipelineRunner(duckLake, root.resolve("duck/work"), "512MB", 2, SqlLibraries.standard())
                .run(spec, request(runId, input), RunControl.quiet());
    }

    static RunResult onSpark(PipelineSpec spec, String runId) {
        return runner(sparkLake).run(spec, sparkRequest(runId, input), RunControl.quiet());
    }

    static SparkPipelineRunner runner(Lake lake) {
        Path work = lake.root().getParent().getFileName().toString().equals("refused")
                ? root.resolve("refused-work")
                : lake.root().getParent().resolve("spark-work");
        return new SparkPipelineRunner(spark, lake, work, InputLimits.DEFAULTS);
    }

    static PipelineRunner.RunRequest request(String runId, Path inputDirectory) {
        return new PipelineRunner.RunRequest(
                runId,
                inputDirectory,
                null,
                name -> {
                    throw new IllegalStateException("no credentials");
                },
                PipelineRunner.SourceResolver.NONE,
                Map.of(),
                Instant.parse("2026-12-07T00:00:00Z"));
    }

    static SparkPipelineRunner.Request sparkRequest(String runId, Path inputDirectory) {
        return new SparkPipelineRunner.Request(runId, inputDirectory, Map.of(), Instant.parse("2026-12-07T00:00:00Z"));
    }

    /** A version's rows, every value as DuckDB writes it as text, sorted. */
    static List<String> rows(Lake lake, DatasetVersion version) throws Exception {
        Path scratch = Files.createTempDirectory(root, "clear");
        try (ClearVersion clear = lake.clear(version, scratch)) {
            return query(
                            "SELECT * FROM " + clear.readExpression(),
                            version.manifest().columns().stream()
                                    .map(c -> c.name())
                                    .toList())
                    .stream()
                    .map(r -> String.join("|", r))
                    .sorted()
                    .toList();
        }
    }

    /** The quarantine file's rows by source record: number, reason, raw, then the mapped columns as text. */
    static List<List<String>> quarantine(Path file) throws Exception {
        assertThat(file).isNotNull().exists();
        List<List<String>> rows =
                query("SELECT * FROM read_parquet(" + DuckDbConnections.literal(file.toString()) + ")", null);
        rows.sort(java.util.Comparator.<List<String>>comparingLong(r -> number(r.get(0)))
                .thenComparing(r -> String.join("|", r)));
        return rows;
    }

    private static long number(String labelled) {
        return Long.parseLong(labelled.substring(labelled.indexOf('=') + 1));
    }

    private static List<List<String>> query(String from, List<String> columns) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs = statement.executeQuery(from)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    if (columns == null || columns.contains(meta.getColumnLabel(c))) {
                        row.add(meta.getColumnLabel(c) + "=" + rs.getString(c));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
