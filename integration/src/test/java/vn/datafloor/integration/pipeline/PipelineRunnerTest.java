package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.connect.TextEncodings;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;

class PipelineRunnerTest {

    @TempDir
    Path dir;

    Path input;
    Lake lake;
    PipelineRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        input = Files.createDirectories(dir.resolve("input"));
        lake = Lake.open(dir.resolve("lake"));
        runner = new PipelineRunner(lake, dir.resolve("work"), "512MB", 2, SqlLibrary.NONE);
    }

    private PipelineSpec spec(String yaml) {
        PipelineSpecs.Parsed parsed = PipelineSpecs.parse(yaml);
        assertThat(parsed.problems()).isEmpty();
        return parsed.spec();
    }

    private RunResult run(PipelineSpec spec) {
        return run(spec, null, RunControl.quiet());
    }

    private RunResult run(PipelineSpec spec, String watermark, RunControl control) {
        // The test's HTTP API listens on loopback, which only an operator's allowance opens.
        return runner.run(
                spec,
                new PipelineRunner.RunRequest(
                        UUID.randomUUID().toString(),
                        input,
                        watermark,
                        name -> "secret",
                        PipelineRunner.SourceResolver.NONE,
                        Map.of(),
                        Instant.now(),
                        new vn.datafloor.integration.connect.NetworkPolicy(java.util.List.of("127.0.0.0/8"))),
                control);
    }

    private static String people(String source) {
        return """
                pipeline: people
                source: %s
                target: {dataset: test.people}
                mapping:
                  record_id: record_id
                  full_name: ho_ten
                  birth: ngay_sinh
                standardize:
                  full_name: trim(full_name)
                quality:
                  - rule: completeness
                    columns: [full_name]
                    severity: reject
                  - rule: uniqueness
                    columns: [record_id]
                    severity: reject
                  - rule: validity
                    name: birth_format
                    check: "try_strptime(birth, '%%d/%%m/%%Y') IS NOT NULL"
                    severity: warn
                key: [record_id]
                """.formatted(source);
    }

    private long count(Path parquet) throws Exception {
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM read_parquet(" + DuckDbConnections.literal(parquet.toString()) + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void goodRowsArePublishedBadOnesQuarantinedAndNoRowIsLost() throws Exception {
        Files.writeString(input.resolve("people.csv"), """
                record_id,ho_ten,ngay_sinh
                1,Nguyễn Văn An,01/02/1990
                2,,03/04/1985
                3,Trần Thị Bình,1985-04-03
                3,Trần Thị Bình (bản sao),03/04/1985
                4,"Lê, Văn Tư",31/12/1970
                5,"Phạm Thị unclosed,01/01/2000
                """);
        RunResult result = run(spec(people("{type: csv, path: people.csv}")));
        assertThat(result.rowsIn()).isEqualTo(result.rowsPublished() + result.rowsQuarantined());
        assertThat(result.rowsPublished()).isEqualTo(3);
        assertThat(result.version().version()).isEqualTo(1);
        assertThat(count(result.version().files().get(0))).isEqualTo(3);
        QualityReport report = result.report();
        assertThat(report.rules())
                .filteredOn(r -> r.name().equals("birth_format"))
                .singleElement()
                .satisfies(r -> assertThat(r.failed()).isEqualTo(1));
        assertThat(report.rules().get(0).examples()).isNotEmpty();
        assertThat(report.malformed()).isGreaterThanOrEqualTo(1);
        assertThat(result.quarantine()).exists();
        assertThat(count(result.quarantine())).isEqualTo(result.rowsQuarantined());
        assertThat(result.version().manifest().lineage()).containsKey("source");
    }

    @Test
    void aReRunOverTheSameInputIsIdempotentAndAChangedInputGetsADiff() throws Exception {
        Files.writeString(
                input.resolve("people.csv"), "record_id,ho_ten,ngay_sinh\n1,An,01/01/1990\n2,Bình,02/02/1990\n");
        PipelineSpec spec = spec(people("{type: csv, path: people.csv}"));
        RunResult first = run(spec);
        RunResult again = run(spec);
        assertThat(again.reused()).isTrue();
        assertThat(again.version().version()).isEqualTo(first.version().version());
        assertThat(lake.versions("test.people")).hasSize(1);

        Files.writeString(
                input.resolve("people.csv"),
                "record_id,ho_ten,ngay_sinh\n1,An,01/01/1990\n2,Bình Minh,02/02/1990\n3,Chi,03/03/1990\n");
        RunResult second = run(spec);
        assertThat(second.version().version()).isEqualTo(2);
        assertThat(second.version().manifest().diff().added()).isEqualTo(1);
        assertThat(second.version().manifest().diff().changed()).isEqualTo(1);
        assertThat(second.version().manifest().diff().removed()).isZero();
    }

    @Test
    void anEncryptedLakeStillGetsItsDiffFromThePreviousVersion() throws Exception {
        lake = Lake.open(
                dir.resolve("lake"),
                new vn.datafloor.integration.lake.LakeKeys(vn.datafloor.integration.lake.LocalMasterKey.openOrCreate(
                        dir.resolve("keys/lake.keyset.json"))));
        runner = new PipelineRunner(lake, dir.resolve("work"), "512MB", 2, SqlLibrary.NONE);
        Files.writeString(
                input.resolve("people.csv"), "record_id,ho_ten,ngay_sinh\n1,An,01/01/1990\n2,Bình,02/02/1990\n");
        PipelineSpec spec = spec(people("{type: csv, path: people.csv}"));
        RunResult first = run(spec);
        assertThat(first.version().encrypted()).isTrue();

        Files.writeString(
                input.resolve("people.csv"),
                "record_id,ho_ten,ngay_sinh\n1,An,01/01/1990\n2,Bình Minh,02/02/1990\n3,Chi,03/03/1990\n");
        RunResult second = run(spec);
        assertThat(second.version().manifest().diff().added()).isEqualTo(1);
        assertThat(second.version().manifest().diff().changed()).isEqualTo(1);
        // The clear copy of the previous version went with the run's scratch space.
        try (java.util.stream.Stream<Path> work = Files.list(dir.resolve("work"))) {
            assertThat(work).isEmpty();
        }
    }

    @Test
    void windows1258AndMixedEncodingsAndBomsAreReadCorrectly() throws Exception {
        Files.write(
                input.resolve("legacy.csv"),
                TextEncodings.encodeWindows1258(
                        "record_id,ho_ten,ngay_sinh\n1,Nguyễn Thị Minh Khai,01/01/1990\n2,Đặng Văn Lâm,02/02/1991\n"));
        RunResult legacy = run(spec(people("{type: csv, path: legacy.csv}")));
        assertThat(legacy.encoding()).isEqualTo("windows-1258");
        assertThat(values(legacy, "full_name")).containsExactlyInAnyOrder("Nguyễn Thị Minh Khai", "Đặng Văn Lâm");

        java.io.ByteArrayOutputStream mixed = new java.io.ByteArrayOutputStream();
        mixed.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        mixed.write("record_id,ho_ten,ngay_sinh\n1,Lê Văn Hùng,01/01/1990\n".getBytes(StandardCharsets.UTF_8));
        mixed.write(TextEncodings.encodeWindows1258("2,Phạm Thu Hương,02/02/1991\n"));
        Files.write(input.resolve("mixed.csv"), mixed.toByteArray());
        RunResult mixedRun = run(spec(people("{type: csv, path: mixed.csv}").replace("test.people", "test.mixed")));
        assertThat(values(mixedRun, "full_name")).containsExactlyInAnyOrder("Lê Văn Hùng", "Phạm Thu Hương");
        assertThat(mixedRun.warnings()).anySatisfy(w -> assertThat(w).contains("Windows-1258"));
    }

    private List<String> values(RunResult result, String column) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT " + column + " FROM " + result.version().readExpression())) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    @Test
    void aSpecNamingAnUnknownColumnFailsClearlyAndPublishesNothing() throws Exception {
        Files.writeString(input.resolve("people.csv"), "record_id,ho_ten,ngay_sinh\n1,An,01/01/1990\n");
        PipelineSpec spec =
                spec(people("{type: csv, path: people.csv}").replace("full_name: ho_ten", "full_name: ho_va_ten"));
        assertThatThrownBy(() -> run(spec))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("mapping.full_name")
                .hasMessageContaining("ho_ten");
        assertThat(lake.versions("test.people")).isEmpty();
    }

    @Test
    void missingFilesAndPathsOutsideTheInputAreRefused() {
        assertThatThrownBy(() -> run(spec(people("{type: csv, path: nowhere.csv}"))))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("No file");
        assertThatThrownBy(() -> run(spec(people("{type: csv, path: ../../etc/passwd}"))))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("leaves the input directory");
    }

    @Test
    void jsonLinesWithABrokenLineQuarantineItAndKeepTheRest() throws Exception {
        Files.writeString(input.resolve("people.jsonl"), """
                {"record_id": "1", "ho_ten": "NGUYEN VAN AN", "ngay_sinh": "01/01/1990"}
                {"record_id": "2", "ho_ten": "TRAN THI BINH", "ngay_sinh": "02/02/1990"
                {"record_id": "3", "ho_ten": "LE VAN CUONG", "ngay_sinh": "03/03/1990"}
                """);
        RunResult result = run(spec(people("{type: jsonl, path: people.jsonl}")));
        assertThat(result.rowsIn()).isEqualTo(3);
        assertThat(result.rowsPublished()).isEqualTo(2);
        assertThat(result.rowsQuarantined()).isEqualTo(1);
    }

    @Test
    void excelWorkbooksAreStreamed() throws Exception {
        try (OutputStream out = Files.newOutputStream(input.resolve("people.xlsx"));
                org.dhatim.fastexcel.Workbook workbook = new org.dhatim.fastexcel.Workbook(out, "test", "1.0")) {
            org.dhatim.fastexcel.Worksheet sheet = workbook.newWorksheet("Danh sách");
            String[][] rows = {
                {"record_id", "ho_ten", "ngay_sinh"},
                {"1", "Vũ Thị Hoa", "05/06/1977"},
                {"2", "Hồ Văn Nam", "07/08/1988"}
            };
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < 3; c++) {
                    sheet.value(r, c, rows[r][c]);
                }
            }
        }
        RunResult result = run(spec(people("{type: xlsx, path: people.xlsx}")));
        assertThat(result.rowsPublished()).isEqualTo(2);
        assertThat(values(result, "full_name")).contains("Vũ Thị Hoa");
        Files.writeString(input.resolve("fake.xlsx"), "this is not a workbook");
        assertThatThrownBy(() -> run(spec(people("{type: xlsx, path: fake.xlsx}"))))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("xlsx");
    }

    @Test
    void aDatabaseTableIsReadIncrementallyByItsWatermark() throws Exception {
        Path db = input.resolve("registry.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE nguoi (record_id INTEGER, ho_ten VARCHAR, ngay_sinh VARCHAR, cap_nhat INTEGER)");
            s.execute("INSERT INTO nguoi VALUES (1, 'An', '01/01/1990', 10), (2, 'Bình', '02/02/1990', 20)");
        }
        PipelineSpec spec =
                spec(people("{type: jdbc, url: 'jdbc:duckdb:" + db + "', table: nguoi, watermark: cap_nhat}"));
        RunResult first = run(spec, null, RunControl.quiet());
        assertThat(first.rowsPublished()).isEqualTo(2);
        assertThat(first.watermark()).endsWith(":20");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO nguoi VALUES (3, 'Chi', '03/03/1990', 30)");
        }
        RunResult next = run(spec, first.watermark(), RunControl.quiet());
        assertThat(next.rowsIn()).isEqualTo(1);
        assertThat(next.watermark()).endsWith(":30");
    }

    @Test
    void aPagedHttpApiIsReadAndAFailureMidReadPublishesNothing() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/people", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            int page = Integer.parseInt(query.replaceAll(".*page=(\\d+).*", "$1"));
            String body = page == 1
                    ? "{\"items\":[{\"record_id\":\"1\",\"ho_ten\":\"An\",\"ngay_sinh\":\"01/01/1990\"}]}"
                    : page == 2
                            ? "{\"items\":[{\"record_id\":\"2\",\"ho_ten\":\"Bình\",\"ngay_sinh\":\"02/02/1990\"}]}"
                            : "{\"items\":[]}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write("{\"items\":[{\"record_id\"".getBytes(StandardCharsets.UTF_8));
            exchange.close(); // the connection drops mid-answer
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            RunResult result = run(
                    spec(people("{type: http, url: '" + base + "/people', page_parameter: page, items_field: items}")));
            assertThat(result.rowsPublished()).isEqualTo(2);
            PipelineSpec broken =
                    spec(people("{type: http, url: '" + base + "/broken', page_parameter: page, items_field: items}")
                            .replace("test.people", "test.broken"));
            assertThatThrownBy(() -> run(broken))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("nothing was published");
            assertThat(lake.versions("test.broken")).isEmpty();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aCancelledRunPublishesNothing() throws Exception {
        Files.writeString(input.resolve("people.csv"), "record_id,ho_ten,ngay_sinh\n1,An,01/01/1990\n");
        RunControl control = new RunControl(new RunControl.Listener() {

            @Override
            public void progress(String stage, int percent) {
                if (stage.equals("checking quality")) {
                    cancelNow.run();
                }
            }

            @Override
            public void log(String level, String message) {}
        });
        cancelNow = control::cancel;
        assertThatThrownBy(() -> run(spec(people("{type: csv, path: people.csv}")), null, control))
                .isInstanceOf(RunControl.RunCancelledException.class);
        assertThat(lake.versions("test.people")).isEmpty();
        Path datasetDir = dir.resolve("lake/test.people");
        if (Files.exists(datasetDir)) {
            try (var children = Files.list(datasetDir)) {
                assertThat(children.filter(p -> p.getFileName().toString().startsWith(".staging")))
                        .isEmpty();
            }
        }
    }

    private Runnable cancelNow = () -> {};

    @Test
    void freeTextAddressesAreMatchedToTheCurrentUnitsWithAConfidence() throws Exception {
        Files.writeString(input.resolve("addresses.csv"), """
                record_id,ho_ten,dia_chi
                1,An,"Số 12 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội"
                2,Bình,"so 5, phuong ba dinh, ha noi"
                3,Chi,không rõ
                """);
        RunResult result = runner.run(
                spec("""
                pipeline: addresses
                source: {type: csv, path: addresses.csv}
                target: {dataset: test.addresses}
                mapping: {record_id: record_id, full_name: ho_ten, address: dia_chi}
                address: {column: address}
                key: [record_id]
                """),
                new PipelineRunner.RunRequest(
                        "addr", input, null, name -> "", PipelineRunner.SourceResolver.NONE, Map.of(), Instant.now()),
                RunControl.quiet());
        assertThat(result.rowsPublished()).isEqualTo(3);
        assertThat(values(result, "province_code")).containsExactlyInAnyOrder("01", "01", null);
        assertThat(values(result, "commune_code").stream().filter(java.util.Objects::nonNull))
                .hasSize(2);
        assertThat(result.version().manifest().columns())
                .extracting(c -> c.name())
                .contains("house_street", "address_confidence");
    }

    @Test
    void scratchAndStagingArePrivateWhileTheRunHoldsClearData() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.writeString(input.resolve("people.csv"), "record_id,ho_ten,ngay_sinh\n1,An,01/01/1990\n2,,02/02/1990\n");
        Map<String, String> seen = new java.util.TreeMap<>();
        RunControl control = new RunControl(new RunControl.Listener() {
            @Override
            public void progress(String stage, int percent) {
                if (!stage.equals("publishing")) {
                    return;
                }
                try (var all = Files.walk(dir.resolve("work"));
                        var staged = Files.walk(lake.root().resolve("test.people"))) {
                    for (Path p : java.util.stream.Stream.concat(all, staged).toList()) {
                        String name = p.getFileName().toString();
                        if (name.startsWith("run-") || name.startsWith(".staging-") || name.equals("run.duckdb")) {
                            seen.put(
                                    name.startsWith("run-") ? "work" : name.startsWith(".staging-") ? "staging" : name,
                                    java.nio.file.attribute.PosixFilePermissions.toString(
                                            Files.getPosixFilePermissions(p)));
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public void log(String level, String message) {}
        });
        run(spec(people("{type: csv, path: people.csv}")), null, control);
        assertThat(seen)
                .containsEntry("work", "rwx------")
                .containsEntry("staging", "rwx------")
                .containsEntry("run.duckdb", "rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                        lake.root().resolve("_quarantine").resolve("test.people"))))
                .isEqualTo("rwx------");
        // The scratch folder is gone once the run ends.
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left).isEmpty();
        }
    }
}
