package vn.datafloor.integration.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.access.AccessException.Code;
import vn.datafloor.integration.lake.DuckDbConnections;

/**
 * The policy's row filter (Hà Nội and Hồ Chí Minh only) and the consent filter (persons 1 to 20 have
 * consented) exclude the same rows whether the buyer pages through REST, queries SQL or exports.
 */
class AccessChannelsTest {

    @TempDir
    Path dir;

    Path file;
    AccessSession session;

    /** The persons the contract delivers: province 01 or 79, and consent. */
    static final Set<String> PERMITTED = IntStream.rangeClosed(1, 20)
            .filter(i -> People.province(i) != 48)
            .mapToObj(i -> "P" + i)
            .collect(Collectors.toSet());

    @BeforeEach
    void open() throws Exception {
        file = People.write(dir);
        Set<String> consented =
                IntStream.rangeClosed(1, 20).mapToObj(i -> "P" + i).collect(Collectors.toSet());
        session = AccessSession.open(
                List.of(People.view(
                        file,
                        Map.of("citizen_id", Mask.LAST4),
                        List.of(RowFilter.in("province_code", List.of("01", "79"))),
                        Optional.of(new ConsentFilter("id", consented)),
                        People.key(1))),
                AccessLimits.defaults(),
                dir.resolve("work"));
    }

    @AfterEach
    void close() throws Exception {
        session.close();
    }

    private static Set<Object> ids(QueryResult result) {
        int id = result.columns().indexOf("id");
        return result.rows().stream().map(r -> r.get(id)).collect(Collectors.toSet());
    }

    @Test
    void restDeliversOnlyPermittedRowsAndTheirSubjects() {
        QueryResult page = session.rows("persons", List.of("id", "citizen_id"), List.of(), 0, 100);
        assertThat(ids(page)).isEqualTo(Set.copyOf(PERMITTED));
        assertThat(page.columns()).containsExactly("id", "citizen_id");
        assertThat(page.subjects().ids()).isEqualTo(PERMITTED);
        assertThat(page.subjects().overApproximated()).isFalse();
    }

    @Test
    void restPagesInAStableOrderWithFieldsAndFilters() {
        List<Object> seen = new ArrayList<>();
        for (int offset = 0; ; offset += 4) {
            QueryResult page = session.rows("persons", List.of("id"), List.of(), offset, 4);
            page.rows().forEach(r -> seen.add(r.get(0)));
            assertThat(page.subjects().ids()).hasSize(page.rows().size());
            if (!page.truncated()) {
                break;
            }
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(PERMITTED.size());

        QueryResult filtered = session.rows(
                "persons",
                List.of("ID", "income"),
                List.of(
                        RowFilter.eq("province_code", "79"),
                        new RowFilter("income", RowFilter.Operator.GE, List.of(10_000_000L))),
                0,
                100);
        assertThat(filtered.columns()).containsExactly("id", "income");
        // consented, in 79, income >= 10 million: 10, 13, 16, 19
        assertThat(ids(filtered)).containsExactlyInAnyOrder("P10", "P13", "P16", "P19");
        assertThat(filtered.subjects().ids()).containsExactlyInAnyOrder("P10", "P13", "P16", "P19");
    }

    @Test
    void restFiltersOnMaskedValuesNotClearOnes() {
        QueryResult clear =
                session.rows("persons", List.of("id"), List.of(RowFilter.eq("citizen_id", "079000000001")), 0, 10);
        assertThat(clear.rows()).isEmpty();
        QueryResult masked =
                session.rows("persons", List.of("id"), List.of(RowFilter.eq("citizen_id", "********0001")), 0, 10);
        assertThat(ids(masked)).containsExactly("P1");
    }

    @Test
    void restRefusesFieldsAndFiltersOutsideTheContract() throws Exception {
        try (AccessSession narrow = AccessSession.open(
                List.of(new AccessView(
                        "persons",
                        List.of(file),
                        List.of("id", "age"),
                        Map.of(),
                        List.of(),
                        Optional.empty(),
                        "id",
                        People.key(1))),
                AccessLimits.defaults(),
                dir.resolve("work"))) {
            assertThatThrownBy(() -> narrow.rows("persons", List.of("income"), List.of(), 0, 10))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_COLUMN));
            assertThatThrownBy(() -> narrow.rows("persons", List.of("id"), List.of(RowFilter.eq("income", 5L)), 0, 10))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_COLUMN));
            assertThatThrownBy(() -> narrow.rows("people", List.of(), List.of(), 0, 10))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_TABLE));
            assertThatThrownBy(
                            () -> narrow.rows("persons", List.of("id\" FROM duckdb_settings() --"), List.of(), 0, 10))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.UNKNOWN_COLUMN));
            assertThatThrownBy(() -> narrow.rows("persons", List.of(), List.of(), -1, 10))
                    .isInstanceOfSatisfying(
                            AccessException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_REQUEST));
        }
    }

    @Test
    void restBindsFilterValuesSoQuotesAreJustText() {
        QueryResult page = session.rows("persons", List.of("id"), List.of(RowFilter.eq("id", "P1' OR '1'='1")), 0, 100);
        assertThat(page.rows()).isEmpty();
    }

    @Test
    void sqlSeesOnlyPermittedRows() {
        QueryResult result = session.query("SELECT id FROM persons", 100);
        assertThat(ids(result)).isEqualTo(Set.copyOf(PERMITTED));
        QueryResult count = session.query("SELECT count(*) FROM persons WHERE province_code = '48' OR id = 'P25'", 1);
        assertThat(count.rows().get(0).get(0)).isEqualTo(0L);
        assertThat(count.subjects().ids()).isEmpty();
    }

    @Test
    void csvExportHoldsThePermittedViewOnly() throws Exception {
        Path target = dir.resolve("out/persons.csv");
        ExportResult export = session.export("persons", AccessSession.Format.CSV, target);
        List<String> lines = Files.readAllLines(target, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo(String.join(",", People.COLUMNS));
        assertThat(lines).hasSize(PERMITTED.size() + 1);
        assertThat(lines.subList(1, lines.size()))
                .extracting(l -> l.split(",")[0])
                .containsExactlyInAnyOrderElementsOf(PERMITTED);
        assertThat(lines.subList(1, lines.size()))
                .allSatisfy(l -> assertThat(l.split(",")[2]).startsWith("********"));
        assertThat(export.rows()).isEqualTo(PERMITTED.size());
        assertThat(export.bytes()).isEqualTo(Files.size(target));
        assertThat(export.sha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(target))));
        assertThat(export.subjects().ids()).isEqualTo(PERMITTED);
    }

    @Test
    void csvExportDefusesValuesASpreadsheetWouldRunAsFormulas() throws Exception {
        Path file = dir.resolve("notes.parquet");
        try (Connection c = DuckDbConnections.open(null, "128MB", 1);
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM (VALUES ('N1', '=HYPERLINK(\"http://x\")', -5),"
                    + " ('N2', '+1+1', 7), ('N3', '@SUM(A1)', 8), ('N4', 'Nguyễn - An', 9))"
                    + " t(id, note, amount)) TO '" + file + "' (FORMAT parquet)");
        }
        AccessView notes = new AccessView(
                "notes",
                List.of(file),
                List.of("id", "note", "amount"),
                Map.of(),
                List.of(),
                Optional.empty(),
                "id",
                People.key(3));
        try (AccessSession own = AccessSession.open(List.of(notes), AccessLimits.defaults(), dir.resolve("work"))) {
            Path target = dir.resolve("out/notes.csv");
            own.export("notes", AccessSession.Format.CSV, target);
            List<String> lines = Files.readAllLines(target, StandardCharsets.UTF_8);
            assertThat(lines.subList(1, lines.size()))
                    .extracting(l -> l.substring(l.indexOf(',') + 1))
                    .allSatisfy(rest -> assertThat(rest)
                            .doesNotStartWith("=")
                            .doesNotStartWith("+")
                            .doesNotStartWith("@"));
            assertThat(String.join("\n", lines))
                    .contains("'=HYPERLINK")
                    .contains("'+1+1")
                    .contains("'@SUM(A1)")
                    // A number stays a number, and text that merely contains a dash is left alone.
                    .contains(",-5")
                    .contains("Nguyễn - An");
        }
    }

    @Test
    void parquetExportHoldsThePermittedViewOnly() throws Exception {
        Path target = dir.resolve("persons-export.parquet");
        ExportResult export = session.export("persons", AccessSession.Format.PARQUET, target);
        Set<String> ids = new java.util.HashSet<>();
        try (Connection c = DuckDbConnections.open(null, "128MB", 1);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, citizen_id FROM read_parquet('" + target + "')")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
                assertThat(rs.getString(2)).startsWith("********");
            }
        }
        assertThat(ids).isEqualTo(PERMITTED);
        assertThat(export.rows()).isEqualTo(PERMITTED.size());
        assertThat(export.subjects().ids()).isEqualTo(PERMITTED);
    }

    @Test
    void withoutConsentAsLegalBasisOnlyThePolicyFilterApplies() throws Exception {
        try (AccessSession noConsent = AccessSession.open(
                List.of(People.view(
                        file, Map.of(), List.of(RowFilter.eq("province_code", "48")), Optional.empty(), People.key(1))),
                AccessLimits.defaults(),
                dir.resolve("work"))) {
            assertThat(noConsent
                            .query("SELECT count(*) FROM persons", 1)
                            .rows()
                            .get(0)
                            .get(0))
                    .isEqualTo(10L);
        }
    }

    @Test
    void restBindsDatesAndDecimals() {
        QueryResult page = session.rows(
                "persons",
                List.of("id"),
                List.of(
                        new RowFilter("birth_date", RowFilter.Operator.GE, List.of(java.time.LocalDate.of(2005, 1, 1))),
                        new RowFilter(
                                "income", RowFilter.Operator.LT, List.of(new java.math.BigDecimal("18999999.5")))),
                0,
                100);
        // born 2005 or later: persons 15..; permitted: 15, 16, 18, 19; income below 18,999,999.5: not 19
        assertThat(ids(page)).containsExactlyInAnyOrder("P15", "P16", "P18");
    }

    @Test
    void policyFiltersOfEveryValueTypeAreApplied() throws Exception {
        try (AccessSession typed = AccessSession.open(
                List.of(People.view(
                        file,
                        Map.of(),
                        List.of(
                                new RowFilter(
                                        "birth_date",
                                        RowFilter.Operator.LT,
                                        List.of(java.time.LocalDate.of(1995, 1, 1))),
                                new RowFilter(
                                        "income", RowFilter.Operator.NE, List.of(new java.math.BigDecimal("2000000"))),
                                new RowFilter("age", RowFilter.Operator.GT, List.of(20)),
                                RowFilter.in("id", List.of("P1", "P2", "P3", "P4", "P5", "P6", "x' OR '1'='1"))),
                        Optional.empty(),
                        People.key(1))),
                AccessLimits.defaults(),
                dir.resolve("work"))) {
            // born before 1995: 1..4; income not 2 million: not 2; age > 20: all
            assertThat(ids(typed.query("SELECT id FROM persons", 100))).containsExactlyInAnyOrder("P1", "P3", "P4");
        }
    }

    @Test
    void severalViewsInOneSessionCanBeJoined() throws Exception {
        AccessView hanoi = new AccessView(
                "hanoi",
                List.of(file),
                List.of("id", "income"),
                Map.of(),
                List.of(RowFilter.eq("province_code", "01")),
                Optional.empty(),
                "id",
                People.key(1));
        AccessView saigon = new AccessView(
                "saigon",
                List.of(file),
                List.of("id", "age"),
                Map.of(),
                List.of(RowFilter.eq("province_code", "79")),
                Optional.empty(),
                "id",
                People.key(1));
        try (AccessSession two =
                AccessSession.open(List.of(hanoi, saigon), AccessLimits.defaults(), dir.resolve("work"))) {
            assertThat(two.tables()).containsExactly("hanoi", "saigon");
            QueryResult result = two.query(
                    "SELECT (SELECT count(*) FROM hanoi) AS h, (SELECT count(*) FROM saigon) AS s,"
                            + " (SELECT count(*) FROM hanoi JOIN saigon USING (id)) AS both_",
                    1);
            assertThat(result.rows().get(0)).containsExactly(10L, 10L, 0L);
            assertThat(result.subjects().ids()).hasSize(20);
            assertThat(result.subjects().overApproximated()).isTrue();
        }
    }

    @Test
    void closingRemovesTheScratchDirectory() throws Exception {
        session.export("persons", AccessSession.Format.CSV, dir.resolve("x.csv"));
        session.close();
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left).isEmpty();
        }
    }
}
