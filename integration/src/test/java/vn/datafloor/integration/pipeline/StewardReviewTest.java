package vn.datafloor.integration.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;

/** The quality report a steward reads (honest score, masks, rules) and the corrections a steward makes. */
class StewardReviewTest {

    @TempDir
    Path dir;

    Path input;
    Lake lake;
    PipelineRunner runner;

    static final String SPEC = """
            pipeline: people
            source: {type: csv, path: people.csv}
            target: {dataset: test.people}
            mapping:
              record_id: record_id
              full_name: ho_ten
              birth_raw: ngay_sinh
              personal_id_raw: so_cccd
            standardize:
              birth_date: std_date(birth_raw).value
              personal_id: std_cccd(personal_id_raw).value
              personal_id_status: std_cccd(personal_id_raw).status
            quality:
              - rule: completeness
                columns: [full_name]
                severity: reject
              - rule: validity
                name: cccd_valid
                check: "personal_id_status = 'valid'"
                severity: reject
            key: [record_id]
            """;

    @BeforeEach
    void setUp() throws Exception {
        input = Files.createDirectories(dir.resolve("input"));
        lake = Lake.open(dir.resolve("lake"));
        runner = new PipelineRunner(lake, dir.resolve("work"), "512MB", 1, SqlLibraries.standard());
        Files.writeString(input.resolve("people.csv"), """
                record_id,ho_ten,ngay_sinh,so_cccd
                1,Nguyễn Văn An,1990-01-02,001090000001
                2,Trần Thị Bình,05/03/1991,001191000002
                3,Lê Văn Cường,1992-07-08,12345
                4,,1993-09-10,001093000004
                """);
    }

    private RunResult run(List<PipelineRunner.Correction> corrections, Set<String> clear) {
        PipelineSpec spec = PipelineSpecs.parse(SPEC).spec();
        return runner.run(
                spec,
                new PipelineRunner.RunRequest(
                        UUID.randomUUID().toString(),
                        input,
                        null,
                        name -> null,
                        PipelineRunner.SourceResolver.NONE,
                        Map.of(),
                        Instant.now(),
                        NetworkPolicy.PUBLIC_ONLY,
                        null,
                        clear,
                        corrections),
                RunControl.quiet());
    }

    private static QualityReport.RuleResult rule(QualityReport report, String name) {
        return report.rules().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aDateTheStandardizerHadToGuessMakesTheRowNotClean() {
        RunResult result = run(List.of(), Set.of());
        QualityReport report = result.report();
        // Row 2's 05/03/1991 reads as 5 March or 3 May: published (a warning), but not clean.
        QualityReport.RuleResult guessed = rule(report, "birth_date_not_guessed");
        assertThat(guessed.automatic()).isTrue();
        assertThat(guessed.failed()).isEqualTo(1);
        assertThat(guessed.columns()).containsExactly("birth_date");
        assertThat(result.rowsPublished()).isEqualTo(2);
        // Clean: row 1 only (2 guessed, 3 bad CCCD, 4 no name).
        assertThat(report.rowsClean()).isEqualTo(1);
        assertThat(report.overallScore()).isEqualTo(25.0);
        // Validity: rows passing both its rules (cccd_valid and the guess check): 1 and 4.
        assertThat(report.scores().get(PipelineSpec.Dimension.VALIDITY)).isEqualTo(50.0);
        // The hidden guess column is never published.
        assertThat(result.version().manifest().columns())
                .extracting(c -> c.name())
                .noneMatch(n -> n.startsWith("_guess_"));
    }

    @Test
    void examplesAreMaskedUnlessTheColumnIsKnownNotToBePersonal() throws Exception {
        QualityReport masked = run(List.of(), Set.of()).report();
        Map<String, String> example = rule(masked, "cccd_valid").examples().get(0);
        // A status code is a fixed vocabulary: shown as it is, even when the catalog knows nothing yet.
        assertThat(example.get("personal_id_status")).isEqualTo("bad_length");
        assertThat(rule(masked, "completeness_1").columns()).containsExactly("full_name");
        assertThat(rule(masked, "birth_date_not_guessed").examples().get(0).get("birth_date"))
                .isNotEqualTo("1991-03-05");

        // A column the platform's tags call not personal is shown in clear (a fresh lake: not a reused version).
        lake = Lake.open(dir.resolve("lake2"));
        runner = new PipelineRunner(lake, dir.resolve("work2"), "512MB", 1, SqlLibraries.standard());
        QualityReport clear = run(List.of(), Set.of("birth_date")).report();
        assertThat(rule(clear, "birth_date_not_guessed").examples().get(0).get("birth_date"))
                .isEqualTo("1991-03-05");
        assertThat(rule(clear, "completeness_1").examples()).isNotEmpty();
    }

    @Test
    void aFixedRowIsCheckedAgainAndPublishedAndAReleasedOneIsPublishedDespiteItsFailure() throws Exception {
        RunResult first = run(List.of(), Set.of());
        assertThat(first.rowsQuarantined()).isEqualTo(2);

        PipelineSpec spec = PipelineSpecs.parse(SPEC).spec();
        Map<String, String> row3 = Map.of(
                "record_id", "3", "full_name", "Lê Văn Cường", "birth_raw", "1992-07-08", "personal_id_raw", "12345");
        assertThat(runner.recheck(spec, row3, Map.of()).rejecting()).containsExactly("cccd_valid");
        Map<String, String> fixed = new java.util.HashMap<>(row3);
        fixed.put("personal_id_raw", "001092000003");
        assertThat(runner.recheck(spec, fixed, Map.of()).rejecting()).isEmpty();

        String key3 = PipelineRunner.rowKey(spec, row3, 3);
        String key4 = PipelineRunner.rowKey(spec, Map.of("record_id", "4"), 4);
        assertThat(key3).isEqualTo("3");
        RunResult second = run(
                List.of(
                        new PipelineRunner.Correction(key3, false, Map.of("personal_id_raw", "001092000003")),
                        new PipelineRunner.Correction(key4, true, Map.of())),
                Set.of());
        assertThat(second.reused()).isFalse();
        assertThat(second.rowsPublished()).isEqualTo(4);
        assertThat(second.rowsQuarantined()).isZero();
        // The released row's failure still counts.
        assertThat(rule(second.report(), "completeness_1").failed()).isEqualTo(1);
        List<String> ids = new ArrayList<>();
        try (Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT personal_id FROM read_parquet("
                        + DuckDbConnections.literal(second.version()
                                .directory()
                                .resolve("part-0.parquet")
                                .toString())
                        + ") WHERE record_id = '3'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        assertThat(ids).containsExactly("001092000003");
    }
}
