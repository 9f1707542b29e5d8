package vn.datafloor.integration.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;

class PersonalDataDetectorTest {

    /** Column names of the person table, in order; the synthetic values below fill them. */
    private static final List<String> PERSON_COLUMNS = List.of(
            "ma_ho_so",
            "ho_ten",
            "ngay_sinh",
            "gioi_tinh",
            "so_cccd",
            "so_dien_thoai",
            "email",
            "dia_chi",
            "chan_doan",
            "ton_giao",
            "so_tai_khoan",
            "vi_do",
            "kinh_do",
            "so_lan_kham",
            "personal_id_status");

    private static final String PERSON_TYPES = "VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR,"
            + " VARCHAR, VARCHAR, VARCHAR, DOUBLE, DOUBLE, INTEGER, VARCHAR";

    private static final String[] SURNAMES = {
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
        "Lý"
    };
    private static final String[] MIDDLE = {"Văn", "Thị", "Minh", "Thanh", "Ngọc", "Đức", "Hữu", "Thu", "Quốc", "Bảo"};
    private static final String[] GIVEN = {
        "An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Phương", "Quân", "Tâm", "Thảo",
        "Trang", "Tuấn", "Yến", "Khoa"
    };
    private static final String[][] PLACES = {
        {"Phường Ba Đình", "Hà Nội"},
        {"Phường Bến Thành", "TP. Hồ Chí Minh"},
        {"Phường Hải Châu", "Đà Nẵng"},
        {"Xã Tiên Du", "Bắc Ninh"},
        {"Phường Vinh Phú", "Nghệ An"},
        {"Phường Hạc Thành", "Thanh Hóa"}
    };
    private static final String[] STREETS = {"Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt"
    };
    private static final String[] PROVINCE_OF_BIRTH = {"001", "079", "048", "027", "040", "038", "036", "031"};
    private static final String[] MOBILE_PREFIXES = {
        "090", "091", "098", "097", "086", "032", "035", "070", "077", "083", "088", "096"
    };
    private static final String[] DIAGNOSES = {"J18.9", "I10", "E11.9", "K29.7", "M54.5", "J06.9"};
    private static final String[] RELIGIONS = {"Không", "Phật giáo", "Công giáo", "Cao Đài", "Tin Lành"};

    @TempDir
    Path tmp;

    private Connection db;

    @BeforeEach
    void open() throws SQLException {
        db = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = db.createStatement()) {
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
        }
    }

    @AfterEach
    void close() throws SQLException {
        db.close();
    }

    /** Synthetic people: CCCD digits 4-6 agree with the date of birth and sex, as on real cards. */
    private static List<Object[]> people(int count, long seed) {
        Random random = new Random(seed);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean female = random.nextBoolean();
            String surname = SURNAMES[random.nextInt(SURNAMES.length)];
            String given = GIVEN[random.nextInt(GIVEN.length)];
            String name = surname + " " + (female ? "Thị" : MIDDLE[random.nextInt(MIDDLE.length)]) + " " + given;
            LocalDate born = LocalDate.of(1940, 1, 1).plusDays(random.nextInt(365 * 70));
            String dob = String.format("%02d/%02d/%d", born.getDayOfMonth(), born.getMonthValue(), born.getYear());
            int centurySex = (born.getYear() >= 2000 ? 2 : 0) + (female ? 1 : 0);
            String cccd = PROVINCE_OF_BIRTH[random.nextInt(PROVINCE_OF_BIRTH.length)]
                    + centurySex
                    + String.format("%02d", born.getYear() % 100)
                    + String.format("%06d", random.nextInt(1_000_000));
            String phone = MOBILE_PREFIXES[random.nextInt(MOBILE_PREFIXES.length)]
                    + String.format("%07d", random.nextInt(10_000_000));
            String email = ascii(given) + "." + ascii(surname) + (1000 + i) + "@gmail.com";
            String[] place = PLACES[random.nextInt(PLACES.length)];
            String address = (1 + random.nextInt(200)) + " " + STREETS[random.nextInt(STREETS.length)] + ", " + place[0]
                    + ", " + place[1];
            rows.add(new Object[] {
                String.format("HS%06d", i),
                name,
                dob,
                female ? "Nữ" : "Nam",
                cccd,
                phone,
                email,
                address,
                DIAGNOSES[random.nextInt(DIAGNOSES.length)],
                RELIGIONS[random.nextInt(RELIGIONS.length)],
                "0071000" + String.format("%06d", random.nextInt(1_000_000)),
                10.70 + random.nextInt(1000) / 10000.0,
                106.60 + random.nextInt(1000) / 10000.0,
                1 + random.nextInt(20),
                "valid"
            });
        }
        return rows;
    }

    private static String ascii(String s) {
        return ColumnNames.fold(s).replace(" ", "");
    }

    private void table(String name, List<String> columns, String types, List<Object[]> rows) throws SQLException {
        String[] t = types.split(",\\s*");
        StringBuilder ddl = new StringBuilder("CREATE OR REPLACE TABLE " + name + " (");
        for (int i = 0; i < columns.size(); i++) {
            ddl.append(i == 0 ? "" : ", ")
                    .append(DuckDbConnections.identifier(columns.get(i)))
                    .append(' ')
                    .append(t[i]);
        }
        try (Statement s = db.createStatement()) {
            s.execute(ddl.append(")").toString());
        }
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + name + " VALUES (" + marks + ")")) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static Map<String, ColumnFinding> byColumn(List<ColumnFinding> findings) {
        return findings.stream()
                .collect(Collectors.toMap(ColumnFinding::column, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }

    private static void assertNoSampledValueIn(List<ColumnFinding> findings, List<Object[]> rows) {
        for (ColumnFinding f : findings) {
            for (Object[] row : rows) {
                for (Object value : row) {
                    String text = String.valueOf(value);
                    // short values ("Nam", "I10", a visit count) are ordinary words and digits of any sentence
                    if (text.length() >= 4) {
                        assertThat(f.evidence())
                                .as("evidence of %s", f.column())
                                .doesNotContain(text);
                    }
                }
            }
        }
    }

    @Test
    void vietnameseColumnsWithRealisticValuesAreClassified() throws SQLException {
        List<Object[]> rows = people(300, 1);
        table("benh_nhan", PERSON_COLUMNS, PERSON_TYPES, rows);

        List<ColumnFinding> findings = PersonalDataDetector.detect(db, "benh_nhan", PERSON_COLUMNS, 1000);
        assertThat(findings).extracting(ColumnFinding::column).containsExactlyElementsOf(PERSON_COLUMNS);
        Map<String, ColumnFinding> f = byColumn(findings);

        assertThat(f.get("ho_ten").category()).isEqualTo(PersonalCategory.NAME);
        assertThat(f.get("ngay_sinh").category()).isEqualTo(PersonalCategory.DATE_OF_BIRTH);
        assertThat(f.get("gioi_tinh").category()).isEqualTo(PersonalCategory.SEX);
        assertThat(f.get("so_dien_thoai").category()).isEqualTo(PersonalCategory.PHONE);
        assertThat(f.get("email").category()).isEqualTo(PersonalCategory.EMAIL);
        assertThat(f.get("dia_chi").category()).isEqualTo(PersonalCategory.ADDRESS);
        ColumnFinding id = f.get("so_cccd");
        assertThat(id.category()).isEqualTo(PersonalCategory.IDENTITY_NUMBER);
        assertThat(id.evidence()).contains("consistent with ngay_sinh in 100% of 300 rows");
        assertThat(id.confidence()).isGreaterThanOrEqualTo(0.95);
        for (String column : List.of("ho_ten", "ngay_sinh", "so_cccd", "so_dien_thoai", "email", "dia_chi")) {
            assertThat(f.get(column).sampled()).as(column).isEqualTo(300);
            assertThat(f.get(column).matched()).as(column).isEqualTo(300);
            assertThat(f.get(column).confidence()).as(column).isGreaterThan(0.9);
            assertThat(f.get(column).evidence()).as(column).contains("agree");
        }

        assertThat(f.get("ma_ho_so").category()).isNull();
        assertThat(f.get("ma_ho_so").evidence()).isEqualTo("no personal pattern in 300 sampled values");
        assertThat(f.get("so_lan_kham").category()).isNull();
        assertThat(f.get("so_lan_kham").evidence()).contains("numeric measure");
        assertThat(f.get("personal_id_status").category()).isNull();
        assertThat(f.get("personal_id_status").evidence()).contains("status column");
        assertNoSampledValueIn(findings, rows);
    }

    @Test
    void sensitiveCategoriesComeFromColumnNames() throws SQLException {
        table("benh_nhan", PERSON_COLUMNS, PERSON_TYPES, people(100, 2));
        Map<String, ColumnFinding> f = byColumn(PersonalDataDetector.detect(db, "benh_nhan", PERSON_COLUMNS, 1000));

        ColumnFinding health = f.get("chan_doan");
        assertThat(health.category()).isEqualTo(PersonalCategory.HEALTH);
        assertThat(health.category().sensitive()).isTrue();
        assertThat(health.confidence()).isEqualTo(0.6);
        assertThat(health.evidence()).contains("column name ('chan doan')").contains("no content check");
        assertThat(f.get("ton_giao").category()).isEqualTo(PersonalCategory.RELIGION);
        ColumnFinding bank = f.get("so_tai_khoan");
        assertThat(bank.category()).isEqualTo(PersonalCategory.BANK_ACCOUNT);
        assertThat(bank.matched()).isEqualTo(100);
        assertThat(bank.evidence()).contains("8-19 digit account numbers");
        assertThat(f.get("vi_do").category()).isEqualTo(PersonalCategory.LOCATION);
        assertThat(f.get("kinh_do").category()).isEqualTo(PersonalCategory.LOCATION);
        assertThat(f.get("vi_do").category().sensitive()).isTrue();
        assertThat(f.get("ho_ten").category().sensitive()).isFalse();
    }

    @Test
    void theSameValuesUnderMeaninglessNamesAreFoundByContent() throws SQLException {
        List<Object[]> rows = people(300, 3);
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= PERSON_COLUMNS.size(); i++) {
            columns.add("c" + i);
        }
        table("t", columns, PERSON_TYPES, rows);

        List<ColumnFinding> findings = PersonalDataDetector.detect(db, "t", columns, 1000);
        Map<String, ColumnFinding> f = byColumn(findings);
        assertThat(f.get("c2").category()).isEqualTo(PersonalCategory.NAME);
        assertThat(f.get("c3").category()).isEqualTo(PersonalCategory.DATE_OF_BIRTH);
        assertThat(f.get("c4").category()).isEqualTo(PersonalCategory.SEX);
        assertThat(f.get("c5").category()).isEqualTo(PersonalCategory.IDENTITY_NUMBER);
        assertThat(f.get("c6").category()).isEqualTo(PersonalCategory.PHONE);
        assertThat(f.get("c7").category()).isEqualTo(PersonalCategory.EMAIL);
        assertThat(f.get("c8").category()).isEqualTo(PersonalCategory.ADDRESS);
        for (String column : List.of("c2", "c5", "c6", "c7", "c8")) {
            assertThat(f.get(column).confidence()).as(column).isEqualTo(column.equals("c5") ? 0.95 : 0.9);
            assertThat(f.get(column).evidence()).as(column).startsWith("100% of 300 values");
        }
        // any date looks like a birth date; the identity numbers' birth years are what make it one
        assertThat(f.get("c3").evidence())
                .contains("birth year agrees with identity numbers in c5 in 100% of 300 rows");
        assertThat(f.get("c3").confidence()).isGreaterThan(0.9);
        assertThat(f.get("c5").evidence()).contains("consistent with c3 in 100%");
        // without a name, diagnosis codes, religions, account numbers and coordinates are not recognised
        for (String column : List.of("c1", "c9", "c10", "c11", "c12", "c13", "c14")) {
            assertThat(f.get(column).category()).as(column).isNull();
        }
        assertThat(f.get("c12").evidence()).isEqualTo("numeric measure, no personal column name");
        assertNoSampledValueIn(findings, rows);
    }

    @Test
    void aNameColumnHoldingProductNamesIsANameByItsNameOnly() throws SQLException {
        String[] products = {
            "Nước mắm Phú Quốc 500ml",
            "Gạo ST25 túi 5kg",
            "Cà phê Trung Nguyên",
            "Bánh pía Sóc Trăng",
            "Trà xanh Thái Nguyên",
            "Sữa tươi Vinamilk 1L",
            "Nem chua Thanh Hóa",
            "Mì Hảo Hảo tôm chua cay",
            "Kẹo dừa Bến Tre",
            "Nước khoáng Lavie",
            "Bánh đậu xanh Hải Dương",
            "Mật ong rừng U Minh"
        };
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> people = people(60, 4);
        for (int i = 0; i < 60; i++) {
            rows.add(new Object[] {products[i % products.length], people.get(i)[1]});
        }
        table("mixed", List.of("ho_ten", "ho_ten_nguoi_mua"), "VARCHAR, VARCHAR", rows);

        Map<String, ColumnFinding> f =
                byColumn(PersonalDataDetector.detect(db, "mixed", List.of("ho_ten", "ho_ten_nguoi_mua"), 1000));
        ColumnFinding products_ = f.get("ho_ten");
        ColumnFinding buyers = f.get("ho_ten_nguoi_mua");
        // Not dropped: a misleading column name is for the steward to see, not for detection to hide.
        assertThat(products_.category()).isEqualTo(PersonalCategory.NAME);
        assertThat(products_.confidence()).isEqualTo(0.3);
        assertThat(products_.matched()).isZero();
        assertThat(products_.evidence()).contains("but only 0% of 60 values").endsWith("name hint only");
        assertThat(buyers.category()).isEqualTo(PersonalCategory.NAME);
        assertThat(buyers.confidence()).isGreaterThan(products_.confidence() + 0.5);
        assertNoSampledValueIn(List.of(products_, buyers), rows);
    }

    @Test
    void columnsOfNamePartsAgreeWithANameHint() throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (Object[] p : people(50, 14)) {
            String[] words = String.valueOf(p[1]).split(" ");
            rows.add(new Object[] {words[0], words[1], words[2], "Nước mắm"});
        }
        List<String> columns = List.of("ho", "ten_dem", "ten", "ten_goi");
        table("parts", columns, "VARCHAR, VARCHAR, VARCHAR, VARCHAR", rows);

        Map<String, ColumnFinding> f = byColumn(PersonalDataDetector.detect(db, "parts", columns, 1000));
        for (String column : List.of("ho", "ten_dem", "ten")) {
            assertThat(f.get(column).category()).as(column).isEqualTo(PersonalCategory.NAME);
            assertThat(f.get(column).confidence()).as(column).isEqualTo(0.99);
            assertThat(f.get(column).evidence()).as(column).contains("surnames, middle or given names");
        }
        assertThat(f.get("ten_goi").confidence()).isEqualTo(0.3);
        assertNoSampledValueIn(List.copyOf(f.values()), rows);
    }

    @Test
    void productAndBusinessColumnsAreNotPersonal() throws SQLException {
        Random random = new Random(5);
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> owners = people(80, 6);
        for (int i = 0; i < 80; i++) {
            rows.add(new Object[] {
                gtin13("893" + String.format("%09d", random.nextInt(1_000_000_000))),
                "Nước mắm cá cơm " + (100 + i) + "ml",
                taxCode(String.format("0%08d", random.nextInt(100_000_000))),
                "Công ty TNHH Thương mại " + STREETS[i % STREETS.length],
                10_000L + random.nextInt(500_000),
                LocalDate.of(2024, 1, 1).plusDays(i),
                owners.get(i)[1],
                owners.get(i)[4]
            });
        }
        List<String> columns = List.of(
                "gtin",
                "ten_san_pham",
                "ma_so_thue",
                "ten_doanh_nghiep",
                "gia_ban",
                "ngay_san_xuat",
                "ten_chu_so_huu",
                "cccd_chu_so_huu");
        table("san_pham", columns, "VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, DATE, VARCHAR, VARCHAR", rows);

        Map<String, ColumnFinding> f = byColumn(PersonalDataDetector.detect(db, "san_pham", columns, 1000));
        for (String column :
                List.of("gtin", "ten_san_pham", "ma_so_thue", "ten_doanh_nghiep", "gia_ban", "ngay_san_xuat")) {
            assertThat(f.get(column).category()).as(column).isNull();
        }
        assertThat(f.get("ma_so_thue").evidence()).startsWith("business tax code");
        assertThat(f.get("ngay_san_xuat").evidence()).contains("another event than birth");
        // the owner is a person, but an owner's columns do not make the rows people
        assertThat(f.get("ten_chu_so_huu").category()).isEqualTo(PersonalCategory.NAME);
        assertThat(f.get("cccd_chu_so_huu").category()).isEqualTo(PersonalCategory.IDENTITY_NUMBER);
        assertNoSampledValueIn(List.copyOf(f.values()), rows);
    }

    @Test
    void aTaxCodeIsPersonalInADatasetAboutPeopleOrWhenItIsAPersonalIdentificationNumber() throws SQLException {
        Random random = new Random(8);
        List<Object[]> rows = new ArrayList<>();
        for (Object[] p : people(50, 9)) {
            rows.add(new Object[] {p[1], p[2], taxCode(String.format("80%07d", random.nextInt(10_000_000))), p[4]});
        }
        table(
                "nguoi_nop_thue",
                List.of("ho_ten", "ngay_sinh", "mst", "mst_moi"),
                "VARCHAR, VARCHAR, VARCHAR, VARCHAR",
                rows);

        Map<String, ColumnFinding> people = byColumn(
                PersonalDataDetector.detect(db, "nguoi_nop_thue", List.of("ho_ten", "ngay_sinh", "mst"), 1000));
        assertThat(people.get("mst").category()).isEqualTo(PersonalCategory.PERSONAL_TAX_CODE);
        assertThat(people.get("mst").evidence()).contains("dataset about people (ho_ten, ngay_sinh)");

        Map<String, ColumnFinding> alone =
                byColumn(PersonalDataDetector.detect(db, "nguoi_nop_thue", List.of("mst", "mst_moi"), 1000));
        assertThat(alone.get("mst").category()).isNull();
        assertThat(alone.get("mst").evidence()).isEqualTo("business tax code: no person columns in the dataset");
        // since 2025-07-01 an individual's tax code is their 12-digit personal identification number
        assertThat(alone.get("mst_moi").category()).isEqualTo(PersonalCategory.PERSONAL_TAX_CODE);
        assertThat(alone.get("mst_moi").evidence()).contains("12-digit personal identification numbers");
    }

    @Test
    void contentShapesBeyondTheNameAndTheNameAgainstContent() throws SQLException {
        Random random = new Random(12);
        List<Object[]> rows = new ArrayList<>();
        String[] provinces = {"Tỉnh Nghệ An", "Thành phố Hà Nội", "Tỉnh Bắc Ninh", "Thành phố Huế"};
        for (Object[] p : people(40, 13)) {
            LocalDate born =
                    LocalDate.parse(String.valueOf(p[2]), java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy"));
            rows.add(new Object[] {
                String.format(
                        "%.4f, %.4f", 10.7 + random.nextInt(1000) / 10000.0, 106.6 + random.nextInt(1000) / 10000.0),
                "DN4" + String.format("%02d", 1 + random.nextInt(96))
                        + String.format("%010d", random.nextInt(1_000_000_000)),
                String.valueOf(100_000_000 + random.nextInt(800_000_000)),
                provinces[random.nextInt(provinces.length)],
                Long.parseLong(String.valueOf(p[4])),
                born,
                p[6],
                STREETS[random.nextInt(STREETS.length)],
                LocalDate.of(2020, 1, 1).plusDays(random.nextInt(1500))
            });
        }
        List<String> columns =
                List.of("toado_raw", "ma_the", "ma_cu", "tinh", "so_cccd", "ngay_sinh", "dien_thoai", "street", "x9");
        table("edge", columns, "VARCHAR, VARCHAR, VARCHAR, VARCHAR, BIGINT, DATE, VARCHAR, VARCHAR, DATE", rows);

        Map<String, ColumnFinding> f = byColumn(PersonalDataDetector.detect(db, "edge", columns, 1000));
        assertThat(f.get("toado_raw").category()).isEqualTo(PersonalCategory.LOCATION);
        assertThat(f.get("ma_the").category()).isEqualTo(PersonalCategory.HEALTH_INSURANCE_NUMBER);
        // any 9-digit code has the shape of an old CMND: proposed, but not with content confidence
        assertThat(f.get("ma_cu").category()).isEqualTo(PersonalCategory.IDENTITY_NUMBER);
        assertThat(f.get("ma_cu").confidence()).isEqualTo(0.6);
        assertThat(f.get("ma_cu").evidence()).contains("9-digit");
        // a province alone is not an address
        assertThat(f.get("tinh").category()).isNull();
        // a spreadsheet dropped the leading zero of the identity numbers; the DATE column is the birth date
        assertThat(f.get("so_cccd").category()).isEqualTo(PersonalCategory.IDENTITY_NUMBER);
        assertThat(f.get("so_cccd").evidence()).contains("consistent with ngay_sinh in 100% of 40 rows");
        assertThat(f.get("ngay_sinh").category()).isEqualTo(PersonalCategory.DATE_OF_BIRTH);
        // content contradicting a name with a decisive check wins when it is clearly something else
        assertThat(f.get("dien_thoai").category()).isEqualTo(PersonalCategory.EMAIL);
        assertThat(f.get("dien_thoai").evidence()).contains("the name ('dien thoai') suggested phone number");
        // streets named after people are still part of an address
        assertThat(f.get("street").category()).isEqualTo(PersonalCategory.ADDRESS);
        assertThat(f.get("street").confidence()).isEqualTo(0.6);
        // an unnamed date column whose years are not the identity numbers' birth years is some other event
        assertThat(f.get("x9").category()).isNull();
        assertThat(f.get("x9").evidence()).contains("identity numbers in so_cccd in only 0% of 40 rows");
        assertNoSampledValueIn(List.copyOf(f.values()), rows);
    }

    @Test
    void anEmptyTableHasNoFindings() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE rong (ho_ten VARCHAR, so_cccd VARCHAR, chan_doan VARCHAR, c4 INTEGER)");
        }
        List<ColumnFinding> findings =
                PersonalDataDetector.detect(db, "rong", List.of("ho_ten", "so_cccd", "chan_doan", "c4"), 1000);
        assertThat(findings).hasSize(4).allSatisfy(f -> {
            assertThat(f.category()).isNull();
            assertThat(f.evidence()).isEqualTo("no rows");
            assertThat(f.sampled()).isZero();
        });
    }

    @Test
    void statusColumnsOfStandardizersAreNotPersonal() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE run (personal_id_status VARCHAR, gtin_status VARCHAR, address_method VARCHAR,"
                    + " address_confidence DOUBLE, tinh_trang_hon_nhan VARCHAR)");
            s.execute(
                    "INSERT INTO run SELECT 'valid', 'bad_check_digit', 'commune_2025', 0.95, 'Đã kết hôn' FROM range(20)");
        }
        Map<String, ColumnFinding> f = byColumn(PersonalDataDetector.detect(
                db,
                "run",
                List.of(
                        "personal_id_status",
                        "gtin_status",
                        "address_method",
                        "address_confidence",
                        "tinh_trang_hon_nhan"),
                100));
        for (String column : List.of("personal_id_status", "gtin_status", "address_method", "address_confidence")) {
            assertThat(f.get(column).category()).as(column).isNull();
            assertThat(f.get(column).evidence()).as(column).startsWith("status column of a standardizer");
        }
        assertThat(f.get("tinh_trang_hon_nhan").category()).isEqualTo(PersonalCategory.MARITAL_STATUS);
    }

    @Test
    void aPublishedVersionIsSampledFromItsParquetFilesRepeatably() throws SQLException {
        table("benh_nhan", PERSON_COLUMNS, PERSON_TYPES, people(3000, 10));
        Lake lake = Lake.open(tmp.resolve("lake"));
        Path staging = lake.stage("y-te.benh-nhan");
        List<LakeManifest.Column> columns = new ArrayList<>();
        try (Statement s = db.createStatement()) {
            s.execute("COPY benh_nhan TO "
                    + DuckDbConnections.literal(
                            staging.resolve("part-0.parquet").toString()) + " (FORMAT parquet)");
            try (ResultSet rs = s.executeQuery("DESCRIBE benh_nhan")) {
                while (rs.next()) {
                    columns.add(new LakeManifest.Column(rs.getString("column_name"), rs.getString("column_type")));
                }
            }
        }
        DatasetVersion version = lake.publish(
                staging,
                new LakeManifest(
                        "y-te.benh-nhan",
                        0,
                        Instant.parse("2026-01-05T00:00:00Z"),
                        3000,
                        columns,
                        List.of("part-0.parquet"),
                        "in",
                        "spec",
                        "run-1",
                        Map.of(),
                        null));

        List<ColumnFinding> first = PersonalDataDetector.detect(version, 500);
        assertThat(first).extracting(ColumnFinding::column).containsExactlyElementsOf(PERSON_COLUMNS);
        Map<String, ColumnFinding> f = byColumn(first);
        assertThat(f.get("ho_ten").category()).isEqualTo(PersonalCategory.NAME);
        assertThat(f.get("so_cccd").category()).isEqualTo(PersonalCategory.IDENTITY_NUMBER);
        assertThat(f.get("so_cccd").evidence()).contains("consistent with ngay_sinh in 100% of 500 rows");
        assertThat(f.get("ho_ten").sampled()).isEqualTo(500);
        assertThat(f.get("chan_doan").category()).isEqualTo(PersonalCategory.HEALTH);
        assertThat(PersonalDataDetector.detect(version, 500)).isEqualTo(first);
    }

    @Test
    void theSampleLeavesNothingBehindAndBadArgumentsAreRefused() throws SQLException {
        table("benh_nhan", PERSON_COLUMNS, PERSON_TYPES, people(20, 11));
        PersonalDataDetector.detect(db, "benh_nhan", PERSON_COLUMNS, 10);
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'pd\\_%' ESCAPE '\\'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        assertThat(PersonalDataDetector.detect(db, "benh_nhan", List.of(), 10)).isEmpty();
        assertThatThrownBy(() -> PersonalDataDetector.detect(db, "benh_nhan", PERSON_COLUMNS, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PersonalDataDetector.detect(db, "benh_nhan", List.of("khong_co"), 10))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void categoriesHaveStableCodesAndBothLabels() {
        assertThat(PersonalCategory.IDENTITY_NUMBER.code()).isEqualTo("identity_number");
        assertThat(PersonalCategory.ofCode("identity_number")).contains(PersonalCategory.IDENTITY_NUMBER);
        assertThat(PersonalCategory.ofCode("IDENTITY_NUMBER")).isEmpty();
        assertThat(PersonalCategory.ofCode(null)).isEmpty();
        assertThat(PersonalCategory.IDENTITY_NUMBER.labelVi()).isEqualTo("Số định danh cá nhân (CCCD/CMND/hộ chiếu)");
        assertThat(PersonalCategory.HEALTH.labelEn()).isEqualTo("Health condition and medical records");
        for (PersonalCategory c : PersonalCategory.values()) {
            assertThat(PersonalCategory.ofCode(c.code())).contains(c);
            assertThat(c.labelVi()).isNotBlank();
            assertThat(c.labelEn()).isNotBlank();
            // the enum lists basic data first, sensitive data from HEALTH on
            assertThat(c.sensitive()).as(c.code()).isEqualTo(c.ordinal() >= PersonalCategory.HEALTH.ordinal());
        }
    }

    /** A tax code with its check digit (the weights of std_tax_code); prefixes whose check would be 10 are skipped. */
    private static String taxCode(String nineDigits) {
        int[] weights = {31, 29, 23, 19, 17, 13, 7, 5, 3};
        for (long n = Long.parseLong(nineDigits); ; n++) {
            String d = String.format("%09d", n);
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (d.charAt(i) - '0') * weights[i];
            }
            int check = 10 - sum % 11;
            if (check < 10) {
                return d + check;
            }
        }
    }

    private static String gtin13(String twelveDigits) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (twelveDigits.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return twelveDigits + (10 - sum % 10) % 10;
    }
}
