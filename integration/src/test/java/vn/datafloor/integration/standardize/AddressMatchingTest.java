package vn.datafloor.integration.standardize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressMatchingTest {

    private static Connection db;

    @BeforeAll
    static void install() throws SQLException {
        db = DuckDb.open();
        ReferenceTables.install(db);
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    record Match(String houseStreet, String commune, String province, double confidence, String method) {}

    private static Match match(String address) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE addresses (id INTEGER, address VARCHAR)");
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO addresses VALUES (1, ?)")) {
            ps.setString(1, address);
            ps.execute();
        }
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(AddressMatching.sql("addresses", "id", "address"))) {
            assertThat(rs.next()).isTrue();
            Match m = new Match(
                    rs.getString("house_street"),
                    rs.getString("commune_code_2025"),
                    rs.getString("province_code_2025"),
                    rs.getDouble("confidence"),
                    rs.getString("method"));
            assertThat(rs.next()).isFalse();
            return m;
        }
    }

    private static String code(String sql) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void referenceTablesHoldBothListsAndTheMerger() throws SQLException {
        assertThat(code("SELECT count(*) FROM ref_province WHERE version = '2025'"))
                .isEqualTo("34");
        assertThat(code("SELECT count(*) FROM ref_province WHERE version = 'pre2025'"))
                .isEqualTo("63");
        assertThat(code("SELECT count(*) FROM ref_commune WHERE version = '2025'"))
                .isEqualTo("3321");
        assertThat(code("SELECT count(*) FROM ref_commune WHERE version = 'pre2025'"))
                .isEqualTo("10035");
        assertThat(code("SELECT new_code FROM ref_province_merger WHERE old_code = '74'"))
                .isEqualTo("79");
        assertThat(code("SELECT name_key FROM ref_province WHERE version = 'pre2025' AND code = '77'"))
                .isEqualTo("ba ria vung tau");
        assertThat(code("SELECT province_2025 FROM ref_province_alias WHERE alias_key = 'binh duong'"))
                .isEqualTo("79");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // 2025 two-level addresses, with and without marks and prefixes
                "12 Nguyễn Trãi, Phường Ba Đình, Thành phố Hà Nội    | 12 Nguyễn Trãi | Ba Đình  | 01 | commune_2025",
                "12 Nguyen Trai, P. Ba Dinh, TP Ha Noi               | 12 Nguyen Trai | Ba Đình  | 01 | commune_2025",
                "Số 5, phường Ngọc Hà, Hà Nội                        | Số 5           | Ngọc Hà  | 01 | commune_2025",
                "Thôn 3, Xã Phúc Thịnh, Hà Nội                       | Thôn 3         | Phúc Thịnh | 01 | commune_2025",
                "99 Lê Lợi, Phường Bến Thành, TP.HCM                 | 99 Lê Lợi      | Bến Thành | 79 | commune_2025",
                // a misspelt commune still matches, with less confidence
                "7 Hàng Bông, Phường Hoàn Kiêm, Hà Nội               | 7 Hàng Bông    | Hoàn Kiếm | 01 | commune_2025",
            })
    void addressesInThe2025List(String address, String houseStreet, String communeName, String province, String method)
            throws SQLException {
        Match m = match(address);
        assertThat(m.method()).isEqualTo(method);
        assertThat(m.houseStreet()).isEqualTo(houseStreet);
        assertThat(m.province()).isEqualTo(province);
        assertThat(code("SELECT name FROM ref_commune WHERE version = '2025' AND code = '" + m.commune() + "'"))
                .isEqualTo(communeName);
        assertThat(m.confidence()).isBetween(0.8, 0.95);
    }

    @Test
    void exactMatchesAreMoreConfidentThanFuzzyOnes() throws SQLException {
        assertThat(match("Phường Hoàn Kiếm, Hà Nội").confidence())
                .isGreaterThan(match("Phường Hoan Kim, Hà Nội").confidence());
    }

    @Test
    void oldThreeLevelAddressMapsToTheSameNamed2025CommuneInTheMergedProvince() throws SQLException {
        // pre-2025: phường Bến Thành, quận 1, TP Hồ Chí Minh; 2025 has a ward Bến Thành in Hồ Chí Minh
        Match m = match("99 Lê Lợi, P. Bến Thành, Q.1, TP. Hồ Chí Minh");
        assertThat(m.method()).isEqualTo("commune_pre2025_same_name");
        assertThat(m.houseStreet()).isEqualTo("99 Lê Lợi");
        assertThat(m.province()).isEqualTo("79");
        assertThat(code("SELECT name FROM ref_commune WHERE version = '2025' AND code = '" + m.commune() + "'"))
                .isEqualTo("Bến Thành");
        assertThat(m.confidence()).isLessThan(0.85).isGreaterThan(0.5);
    }

    @Test
    void oldProvinceNameIsCarriedThroughTheMerger() throws SQLException {
        // Bình Dương merged into Hồ Chí Minh
        Map<String, String> samples = new LinkedHashMap<>();
        samples.put("Tỉnh Bình Dương", "79");
        samples.put("Tinh Ba Ria - Vung Tau", "79");
        samples.put("Hà Giang", "08");
        samples.put("Thừa Thiên Huế", "46");
        for (Map.Entry<String, String> e : samples.entrySet()) {
            Match m = match("Khu phố 1, Nơi Không Có, " + e.getKey());
            assertThat(m.province()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(m.commune()).as(e.getKey()).isNull();
            assertThat(m.method()).isEqualTo("province_only");
            assertThat(m.confidence()).isEqualTo(0.4);
        }
    }

    @Test
    void oldCommuneWithoutA2025NamesakeKeepsOnlyTheProvince() throws SQLException {
        // Phúc Xá (quận Ba Đình) was merged into a ward with another name
        assertThat(code("SELECT count(*) FROM ref_commune WHERE version = '2025' AND name_key = 'phuc xa'"))
                .isEqualTo("0");
        Match m = match("Số 1, Phúc Xá, Ba Đình, Hà Nội");
        assertThat(m.province()).isEqualTo("01");
        assertThat(m.commune()).isNull();
        assertThat(m.method()).isEqualTo("province_only");
        assertThat(m.houseStreet()).isEqualTo("Số 1");
        assertThat(m.confidence()).isEqualTo(0.5);
    }

    @Test
    void unknownProvinceIsUnmatched() throws SQLException {
        Match m = match("12 Main Street, Springfield");
        assertThat(m.method()).isEqualTo("unmatched");
        assertThat(m.province()).isNull();
        assertThat(m.confidence()).isZero();
        assertThat(m.houseStreet()).isEqualTo("12 Main Street, Springfield");
        assertThat(match(null).method()).isEqualTo("unmatched");
    }

    @Test
    void everyInputRowGetsExactlyOneResultRow() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE many AS SELECT i AS id, CASE i % 4"
                    + " WHEN 0 THEN 'Số ' || i || ', Phường Ba Đình, Hà Nội'"
                    + " WHEN 1 THEN 'Số ' || i || ', P. Bến Thành, Q.1, TP.HCM'"
                    + " WHEN 2 THEN 'không rõ' ELSE NULL END AS addr FROM range(20000) r(i)");
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT id), count(commune_code_2025) FROM ("
                    + AddressMatching.sql("many", "id", "addr") + ")")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(20000);
                assertThat(rs.getLong(2)).isEqualTo(20000);
                assertThat(rs.getLong(3)).isEqualTo(10000);
            }
        }
    }

    @Test
    void refusesAnythingButIdentifiers() {
        assertThatThrownBy(() -> AddressMatching.sql("t; DROP TABLE x", "id", "a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressMatching.sql("t", "id", "a)")).isInstanceOf(IllegalArgumentException.class);
    }
}
