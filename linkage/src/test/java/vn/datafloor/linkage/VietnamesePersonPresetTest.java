package vn.datafloor.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.linkage.LinkageModel.Level;
import vn.datafloor.linkage.LinkageModel.LevelKind;
import vn.datafloor.synth.Noise;
import vn.datafloor.synth.ProgressListener;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * The {@code vietnamese_person} preset on a file written the way bank and foreign systems write people:
 * the civil registry linked to a "bank" extract derived from it in which a third of the names put the
 * family name last, half of the birth dates are known only to the year or the month (some with
 * zeros for the unknown parts), and two in five records have no CCCD. A first attempt with the preset
 * must score well, and better than the hand-tuned model of {@link SynthLinkageTest}, which has no
 * levels for either.
 */
class VietnamesePersonPresetTest {

    @TempDir
    static Path dir;

    static final String REGISTRY_FIELDS = """
                fields:
                  name: ho_ten
                  birth_date: ngay_sinh
                  cccd: so_cccd
                  sex: gioi_tinh
                  province: ten_tinh_thuong_tru
            """;

    static final String PRESET = """
            name: registry-to-bank
            mode: link
            preset: vietnamese_person
            inputs:
              - name: civil-registry/people
                path: civil-registry/people.csv
                id: record_id
            """ + REGISTRY_FIELDS + """
              - name: bank
                path: bank.csv
                id: record_id
                fields:
                  name: ho_ten
                  birth_date: ngay_sinh
                  cccd: so_cccd
                  sex: gioi_tinh
                  phone: so_dien_thoai
                  province: tinh
            training:
              u_sample_pairs: 200000
              seed: 7
            """;

    /** SynthLinkageTest's model, tuned for the tax extract, pointed at the bank's file (same column names). */
    static final String TUNED = SynthLinkageTest.CONFIG
            .replace("name: tax/taxpayers", "name: bank")
            .replace("tax/taxpayers.csv", "bank.csv");

    @BeforeAll
    static void writeTheBankExtract() throws SQLException {
        SyntheticPopulation.generate(new SynthOptions(3_000, 7, Noise.defaults()), dir, ProgressListener.NONE);
        String people = DuckDbConnections.literal(
                dir.resolve("civil-registry/people.csv").toString());
        String links =
                DuckDbConnections.literal(dir.resolve("truth/record_links.csv").toString());
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = db.createStatement()) {
            // Independent seeded choices per record: which half goes to the bank, and how it is written.
            s.execute("CREATE TABLE chosen AS SELECT *, TRY_CAST(ngay_sinh AS DATE) AS d,"
                    + " hash(record_id || 'order') % 3 AS name_order, hash(record_id || 'date') % 6 AS date_shape,"
                    + " hash(record_id || 'id') % 5 AS id_kept FROM read_csv(" + people + ", all_varchar = true)"
                    + " WHERE hash(record_id || 'bank') % 2 = 0");
            // The tax extract's column names, so that the tax-tuned model reads it unchanged.
            s.execute("COPY (SELECT 'B' || record_id AS record_id,"
                    + " CASE WHEN name_order = 0 THEN concat_ws(' ', nullif(ten_dem, ''), ten, ho) ELSE ho_ten END"
                    + "   AS ho_ten,"
                    + " CASE date_shape WHEN 0 THEN strftime(d, '%Y') WHEN 1 THEN strftime(d, '%m/%Y')"
                    + "   WHEN 2 THEN '00/00/' || strftime(d, '%Y') ELSE strftime(d, '%d/%m/%Y') END AS ngay_sinh,"
                    + " CASE WHEN id_kept < 2 THEN NULL ELSE so_cccd END AS so_cccd,"
                    + " gioi_tinh, so_dien_thoai, ten_tinh_thuong_tru AS tinh FROM chosen)"
                    + " TO " + DuckDbConnections.literal(dir.resolve("bank.csv").toString()) + " (HEADER)");
            s.execute("COPY (SELECT source, record_id, entity_id FROM read_csv(" + links + ", all_varchar = true)"
                    + " WHERE source = 'civil-registry/people'"
                    + " UNION ALL SELECT 'bank', 'B' || c.record_id, t.entity_id FROM chosen c"
                    + " JOIN read_csv(" + links + ", all_varchar = true) t"
                    + " ON t.source = 'civil-registry/people' AND t.record_id = c.record_id)"
                    + " TO "
                    + DuckDbConnections.literal(dir.resolve("truth.csv").toString()) + " (HEADER)");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FILTER (name_order = 0), count(*) FILTER"
                    + " (date_shape < 3), count(*) FROM chosen")) {
                rs.next();
                // The extract really is written the hard way: about a third each, of about 1,500 records.
                assertThat(rs.getLong(3)).isBetween(1_300L, 1_700L);
                assertThat(rs.getLong(1)).isGreaterThan(rs.getLong(3) / 4);
                assertThat(rs.getLong(2)).isGreaterThan(rs.getLong(3) / 3);
            }
        }
    }

    private static Evaluation link(String config) {
        try (Linker linker = Linker.open(LinkageModel.parse(config, dir), dir)) {
            LinkageParameters parameters = linker.train();
            linker.predict(parameters);
            linker.cluster(0.9);
            return linker.evaluateClusters(dir.resolve("truth.csv"));
        }
    }

    @Test
    void aFirstAttemptWithThePresetLinksReorderedNamesAndPartialDates() {
        Evaluation preset = link(PRESET);
        Evaluation tuned = link(TUNED);
        System.out.println("registry x bank (reordered names, partial dates, missing CCCD): preset " + preset
                + "; tuned model without those levels " + tuned);
        assertThat(preset.f1()).isGreaterThan(0.97);
        assertThat(preset.recall()).isGreaterThan(tuned.recall());
        assertThat(preset.f1()).isGreaterThan(tuned.f1());
    }

    @Test
    void provincesNamedBeforeAndAfterTheMergerAgree() throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = db.createStatement()) {
            vn.datafloor.integration.standardize.ReferenceTables.install(db);
            StringBuilder select = new StringBuilder("SELECT 0");
            for (String name : new String[] {
                "'Bình Dương'", "'Thành phố Hồ Chí Minh'", "'TP HCM'", "'Hà Giang'", "'Tuyên Quang'", "'Hà Nội'"
            }) {
                select.append(", ").append(LinkagePreset.province2025(name));
            }
            try (ResultSet rs = s.executeQuery(select.toString())) {
                rs.next();
                // Bình Dương merged into Hồ Chí Minh City, Hà Giang into Tuyên Quang (2025).
                assertThat(rs.getString(2))
                        .isNotNull()
                        .isEqualTo(rs.getString(3))
                        .isEqualTo(rs.getString(4));
                assertThat(rs.getString(5)).isNotNull().isEqualTo(rs.getString(6));
                assertThat(rs.getString(7))
                        .isNotNull()
                        .isNotEqualTo(rs.getString(5))
                        .isNotEqualTo(rs.getString(2));
            }
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // kind                | left            | right           | holds
                "NAME_REORDERED        | nguyen van an   | van an nguyen   | true",
                "NAME_REORDERED        | nguyen van an   | an nguyen van   | true",
                "NAME_REORDERED        | nguyen van an   | nguyen van anh  | false",
                "NAME_REORDERED        | nguyen van an   | nguyen an       | false",
                "NAME_WORDS_CONTAINED  | nguyen an       | nguyen van an   | true",
                "NAME_WORDS_CONTAINED  | nguyen van an   | an nguyen       | true",
                "NAME_WORDS_CONTAINED  | nguyen van an   | tran van an     | false",
                "DATE_PARTIAL          | 1985            | 1985-03-12      | true",
                "DATE_PARTIAL          | 1985-03         | 1985-03-12      | true",
                "DATE_PARTIAL          | 1985-03-12      | 1985            | true",
                "DATE_PARTIAL          | 1985            | 1985            | true",
                "DATE_PARTIAL          | 1985-04         | 1985-03-12      | false",
                "DATE_PARTIAL          | 1986            | 1985-03-12      | false",
                "DATE_PARTIAL          | 1985-03-12      | 1985-03-12      | false",
            })
    void newLevelsHoldWhereTheySay(LevelKind kind, String left, String right, boolean holds) throws SQLException {
        String condition = ComparisonSql.condition(Level.of(kind), "l.v", "r.v");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(" + condition + ", false) FROM (SELECT "
                        + DuckDbConnections.literal(left) + " AS v) l, (SELECT " + DuckDbConnections.literal(right)
                        + " AS v) r")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("%s(%s, %s)", kind, left, right).isEqualTo(holds);
        }
    }

    @Test
    void thePresetIsWrittenOutForAllToSee() {
        String expanded = LinkageModel.expandPreset(PRESET);
        assertThat(expanded)
                .doesNotContain("preset:")
                .doesNotContain("fields:")
                .contains("std_partial_date((ngay_sinh))")
                .contains("name_reordered")
                .contains("date_partial")
                .contains("l.cccd = r.cccd")
                .contains("conflicting_id: cccd")
                .contains("seed: 7");
        // What is written out reads back as the same model.
        assertThat(LinkageModel.parse(expanded, dir)).isEqualTo(LinkageModel.parse(PRESET, dir));
    }

    @Test
    void withoutCccdEverywhereTheNameAndWholeBirthDateTrainInstead() {
        String config = PRESET.replaceAll("(?m)^ *cccd: so_cccd\n", "");
        LinkageModel model = LinkageModel.parse(config, dir);
        assertThat(model.comparisons())
                .extracting(LinkageModel.Comparison::name)
                .doesNotContain("cccd");
        assertThat(model.training().deterministicRules())
                .containsExactly("l.name_sorted = r.name_sorted AND l.birth = r.birth AND length(l.birth) = 10");
        assertThat(model.clustering().conflictingId()).isNull();
    }

    @Test
    void mistakesInAPresetConfigAreNamed() {
        assertThatThrownBy(() -> LinkageModel.parse(PRESET.replace("vietnamese_person", "vietnam_person"), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("Unknown preset")
                .hasMessageContaining("vietnamese_person");
        assertThatThrownBy(
                        () -> LinkageModel.parse(PRESET.replace("birth_date: ngay_sinh", "birthdate: ngay_sinh"), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("birthdate")
                .hasMessageContaining("birth_date");
        assertThatThrownBy(() -> LinkageModel.parse(PRESET.replaceAll("(?m)^ *birth_date: ngay_sinh\n", ""), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("has no birth_date");
        assertThatThrownBy(() -> LinkageModel.parse(PRESET.replace(REGISTRY_FIELDS, ""), dir))
                .isInstanceOf(LinkageException.class)
                .hasMessageContaining("inputs[0].fields is missing");
    }
}
