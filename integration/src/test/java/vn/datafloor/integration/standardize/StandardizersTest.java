package vn.datafloor.integration.standardize;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StandardizersTest {

    private static Connection db;

    @BeforeAll
    static void install() throws SQLException {
        db = DuckDb.open();
        Standardizers.install(db);
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    private static String eval(String expression, String input) throws SQLException {
        return DuckDb.eval(db, expression, input);
    }

    @Test
    void everyCatalogEntryIsAnInstalledMacroAndEveryPublicMacroIsInTheCatalog() throws SQLException {
        Set<String> installed = new HashSet<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT function_name FROM duckdb_functions()"
                        + " WHERE function_type = 'macro' AND function_name LIKE 'std%'")) {
            while (rs.next()) {
                installed.add(rs.getString(1));
            }
        }
        Set<String> catalogued = new HashSet<>();
        Standardizers.catalog().forEach(info -> catalogued.add(info.name()));
        assertThat(installed).containsAll(catalogued);
        assertThat(installed.stream().filter(n -> !n.startsWith("std__")))
                .containsExactlyInAnyOrderElementsOf(catalogued);
    }

    @Test
    void installingTwiceReplacesTheMacros() throws SQLException {
        Standardizers.install(db);
        assertThat(eval("std_person_name(s)", "hoà")).isEqualTo("Hòa");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "nguyễn  thị hoà        | Nguyễn Thị Hòa",
                "NGUYỄN VĂN THUỶ        | Nguyễn Văn Thủy",
                "Ðặng quý khoẻ          | Đặng Quý Khỏe",
                "ðào duy từ             | Đào Duy Từ",
                "Trần Hoàng             | Trần Hoàng",
                "phạm ngoài uỷ          | Phạm Ngoài Ủy",
                "Lê Thị Hoá             | Lê Thị Hóa",
                "  lê \t văn   tám  ,   | Lê Văn Tám",
                "Nguyễn Hòa-Bình        | Nguyễn Hòa Bình",
                "Vũ Quỳnh Như           | Vũ Quỳnh Như",
                "NULL                   | NULL",
                "'   '                  | NULL",
            })
    void personNames(String input, String expected) throws SQLException {
        assertThat(eval("std_person_name(s)", input)).isEqualTo(expected);
    }

    @Test
    void personNameComposesDecomposedInput() throws SQLException {
        // "Nguyễn" typed as e + U+0302 (circumflex) + U+0303 (tilde), as Windows-1258 exports store it
        assertThat(eval("std_person_name(s)", "nguye\u0302\u0303n")).isEqualTo("Nguyễn");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "Nguyễn Thị Hoà    | nguyen thi hoa",
                "NGUYEN THI HOA    | nguyen thi hoa",
                "Ðặng Đức Thủy     | dang duc thuy",
                "Trương Ưng Ơn     | truong ung on",
                "NULL              | NULL",
            })
    void nameKeys(String input, String expected) throws SQLException {
        assertThat(eval("std_name_key(s)", input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "Nguyễn Thị Minh Khai | Nguyễn | Thị Minh | Khai",
                "trần hưng đạo        | Trần   | Hưng     | Đạo",
                "Lê Lợi               | Lê     | NULL     | Lợi",
                "Hoà                  | NULL   | NULL     | Hòa",
            })
    void nameParts(String input, String surname, String middle, String given) throws SQLException {
        assertThat(eval("std_name_parts(s).surname", input)).isEqualTo(surname);
        assertThat(eval("std_name_parts(s).middle", input)).isEqualTo(middle);
        assertThat(eval("std_name_parts(s).given", input)).isEqualTo(given);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "Nam | M",
                "nữ | F",
                "NU | F",
                "male | M",
                "Female | F",
                "m | M",
                "F | F",
                "1 | NULL",
                "0 | NULL",
                "NULL | NULL",
            })
    void sex(String input, String expected) throws SQLException {
        assertThat(eval("std_sex(s)", input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                // input            | dob         | sex  | value        | status
                "079190123456       | 1990-05-01  | Nữ   | 079190123456 | valid",
                "079 190 123 456    | 1990-05-01  | F    | 079190123456 | valid",
                "001.090.123456     | 1990-01-01  | Nam  | 001090123456 | valid",
                "001090123456       | NULL        | NULL | 001090123456 | valid",
                "001201123456       | 2001-12-31  | Nam  | 001201123456 | valid",
                "001301123456       | 2001-12-31  | nữ   | 001301123456 | valid",
                "001401123456       | NULL        | NULL | 001401123456 | valid",
                "001090123456       | 1991-01-01  | Nam  | 001090123456 | dob_mismatch",
                "001201123456       | 1901-01-01  | Nam  | 001201123456 | dob_mismatch",
                "001090123456       | 1990-01-01  | Nữ   | 001090123456 | sex_mismatch",
                "001190123456       | 1990-01-01  | Nam  | 001190123456 | sex_mismatch",
                "001690123456       | NULL        | NULL | 001690123456 | dob_mismatch",
                "003090123456       | 1990-01-01  | Nam  | 003090123456 | bad_province",
                "097090123456       | NULL        | NULL | 097090123456 | bad_province",
                "123090123456       | NULL        | NULL | 123090123456 | bad_province",
                "123456789          | 1990-01-01  | Nam  | 123456789    | old_cmnd",
                "12345678901        | NULL        | NULL | NULL         | bad_length",
                "00109012345a       | NULL        | NULL | NULL         | bad_format",
                "NULL               | NULL        | NULL | NULL         | missing",
                "' '                | NULL        | NULL | NULL         | missing",
            })
    void cccd(String input, String dob, String sex, String value, String status) throws SQLException {
        String call = "std_cccd(s, " + (dob == null ? "NULL" : "DATE '" + dob + "'") + ", "
                + (sex == null ? "NULL" : "'" + sex + "'") + ")";
        assertThat(eval(call + ".value", input)).isEqualTo(value);
        assertThat(eval(call + ".status", input)).isEqualTo(status);
    }

    @Test
    void cccdWithoutDobOrSexSkipsThoseChecks() throws SQLException {
        assertThat(eval("std_cccd(s).status", "079190123456")).isEqualTo("valid");
        assertThat(eval("std_cccd(s, sex := 'Nam').status", "079190123456")).isEqualTo("sex_mismatch");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                // input                        | ord       | value      | status
                "1990-03-05                     | DMY       | 1990-03-05 | valid",
                "1990/3/5                       | DMY       | 1990-03-05 | valid",
                "19900305                       | DMY       | 1990-03-05 | valid",
                "1990-03-05 10:11:12            | DMY       | 1990-03-05 | valid",
                "1990-03-05T10:11:12Z           | DMY       | 1990-03-05 | valid",
                "25/12/1990                     | DMY       | 1990-12-25 | valid",
                "25-12-1990                     | DMY       | 1990-12-25 | valid",
                "25.12.1990                     | DMY       | 1990-12-25 | valid",
                "5/3/1990                       | DMY       | 1990-03-05 | ambiguous",
                "05/03/1990                     | MDY       | 1990-05-03 | ambiguous",
                "05/03/1990                     | DMY_ONLY  | 1990-03-05 | valid",
                "05/03/1990                     | MDY_ONLY  | 1990-05-03 | valid",
                "05/05/1990                     | DMY       | 1990-05-05 | valid",
                "12/25/1990                     | DMY       | 1990-12-25 | reordered",
                "12/25/1990                     | DMY_ONLY  | NULL       | invalid",
                "ngày 5 tháng 3 năm 1990        | DMY       | 1990-03-05 | valid",
                "Ngay 05 thang 03 nam 1990      | MDY       | 1990-03-05 | valid",
                "NGÀY 15 THÁNG 10 NĂM 2001      | DMY       | 2001-10-15 | valid",
                "29/02/2000                     | DMY       | 2000-02-29 | valid",
                "29/02/1900                     | DMY       | NULL       | invalid",
                "31/02/2020                     | DMY       | NULL       | invalid",
                "31/04/2020                     | DMY       | NULL       | invalid",
                "1990-13-05                     | DMY       | NULL       | invalid",
                "25/12/90                       | DMY       | 1990-12-25 | century_guessed",
                "25/12/05                       | DMY       | 2005-12-25 | century_guessed",
                "abc                            | DMY       | NULL       | invalid",
                "NULL                           | DMY       | NULL       | missing",
                "''                             | DMY       | NULL       | missing",
            })
    void dates(String input, String ord, String value, String status) throws SQLException {
        assertThat(eval("std_date(s, '" + ord + "').value", input)).isEqualTo(value);
        assertThat(eval("std_date(s, '" + ord + "').status", input)).isEqualTo(status);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                // input                        | value      | precision | status
                "05/03/1990                     | 1990-03-05 | day       | ambiguous",
                "25/12/1990                     | 1990-12-25 | day       | valid",
                "1990                           | 1990       | year      | partial",
                "năm 1990                       | 1990       | year      | partial",
                "00/00/1990                     | 1990       | year      | partial",
                "0/0/1990                       | 1990       | year      | partial",
                "19900000                       | 1990       | year      | partial",
                "1990-00-00                     | 1990       | year      | partial",
                "3/1990                         | 1990-03    | month     | partial",
                "03-1990                        | 1990-03    | month     | partial",
                "00/03/1990                     | 1990-03    | month     | partial",
                "1990-3                         | 1990-03    | month     | partial",
                "1990/03/00                     | 1990-03    | month     | partial",
                "19900300                       | 1990-03    | month     | partial",
                "tháng 3 năm 1990               | 1990-03    | month     | partial",
                "Tháng 12/1990                  | 1990-12    | month     | partial",
                "13/1990                        | NULL       | NULL      | invalid",
                "00/13/1990                     | NULL       | NULL      | invalid",
                "31/02/2020                     | NULL       | NULL      | invalid",
                "199                            | NULL       | NULL      | invalid",
                "abc                            | NULL       | NULL      | invalid",
                "NULL                           | NULL       | NULL      | missing",
                "' '                            | NULL       | NULL      | missing",
            })
    void partialDates(String input, String value, String precision, String status) throws SQLException {
        assertThat(eval("std_partial_date(s).value", input)).isEqualTo(value);
        assertThat(eval("std_partial_date(s).precision", input)).isEqualTo(precision);
        assertThat(eval("std_partial_date(s).status", input)).isEqualTo(status);
    }

    @Test
    void partialDatesFollowTheDeclaredOrderForWholeDates() throws SQLException {
        assertThat(eval("std_partial_date(s, 'MDY').value", "05/03/1990")).isEqualTo("1990-05-03");
        assertThat(eval("std_partial_date(s, 'DMY_ONLY').status", "05/03/1990")).isEqualTo("valid");
    }

    @Test
    void twoDigitYearIsNeverInTheFuture() throws SQLException {
        String nextYear = String.format("%02d", (java.time.LocalDate.now().getYear() + 1) % 100);
        assertThat(eval("year(std_date(s).value)", "13/01/" + nextYear))
                .isEqualTo(String.valueOf(java.time.LocalDate.now().getYear() + 1 - 100));
    }

    @Test
    void dateOrderDefaultsToDayFirst() throws SQLException {
        assertThat(eval("std_date(s).value", "05/03/1990")).isEqualTo("1990-03-05");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "0912345678         | +84912345678 | valid   | mobile",
                "+84 912 345 678    | +84912345678 | valid   | mobile",
                "84912345678        | +84912345678 | valid   | mobile",
                "0084912345678      | +84912345678 | valid   | mobile",
                "+84 (0) 912345678  | +84912345678 | valid   | mobile",
                "912345678          | +84912345678 | valid   | mobile",
                "091-234-5678       | +84912345678 | valid   | mobile",
                "0162.912.3456      | +84329123456 | valid   | mobile",
                "0169 912 3456      | +84399123456 | valid   | mobile",
                "01209123456        | +84709123456 | valid   | mobile",
                "01219123456        | +84799123456 | valid   | mobile",
                "01229123456        | +84779123456 | valid   | mobile",
                "01269123456        | +84769123456 | valid   | mobile",
                "01289123456        | +84789123456 | valid   | mobile",
                "01239123456        | +84839123456 | valid   | mobile",
                "01249123456        | +84849123456 | valid   | mobile",
                "01259123456        | +84859123456 | valid   | mobile",
                "01279123456        | +84819123456 | valid   | mobile",
                "01299123456        | +84829123456 | valid   | mobile",
                "01869123456        | +84569123456 | valid   | mobile",
                "01889123456        | +84589123456 | valid   | mobile",
                "01999123456        | +84599123456 | valid   | mobile",
                "0862123456         | +84862123456 | valid   | mobile",
                "024 3825 1234      | +842438251234 | valid  | landline",
                "(028) 3823-4567    | +842838234567 | valid  | landline",
                "+84 236 3822 123   | +842363822123 | valid  | landline",
                "01119123456        | NULL         | invalid | NULL",
                "0123456789         | NULL         | invalid | NULL",
                "091234567          | NULL         | invalid | NULL",
                "+1 202 555 0100    | NULL         | invalid | NULL",
                "abc                | NULL         | invalid | NULL",
                "NULL               | NULL         | missing | NULL",
                "' '                | NULL         | missing | NULL",
            })
    void phones(String input, String value, String status, String kind) throws SQLException {
        assertThat(eval("std_phone(s).value", input)).isEqualTo(value);
        assertThat(eval("std_phone(s).status", input)).isEqualTo(status);
        assertThat(eval("std_phone(s).kind", input)).isEqualTo(kind);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "0100109106        | 0100109106     | valid",
                "010 010 9106      | 0100109106     | valid",
                "0301234562        | 0301234562     | valid",
                "0310309863        | 0310309863     | valid",
                "0100109106-001    | 0100109106-001 | valid",
                "0100109106001     | 0100109106-001 | valid",
                "0100109107        | 0100109107     | bad_check_digit",
                "0301234567        | 0301234567     | bad_check_digit",
                "079190123456      | 079190123456   | personal_id",
                "12345             | NULL           | bad_length",
                "01001091060       | NULL           | bad_length",
                "01001O9106        | NULL           | bad_format",
                "NULL              | NULL           | missing",
            })
    void taxCodes(String input, String value, String status) throws SQLException {
        assertThat(eval("std_tax_code(s).value", input)).isEqualTo(value);
        assertThat(eval("std_tax_code(s).status", input)).isEqualTo(status);
    }

    @Test
    void taxCodeWhoseCheckWouldBeTenIsNeverValid() throws SQLException {
        // weights 31..3 over 000000011 sum to 11: remainder 0, check digit would have to be 10
        assertThat(eval("std_tax_code(s).status", "0000000110")).isEqualTo("bad_check_digit");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "8934563123451     | 08934563123451 | valid",
                "8 934563 123451   | 08934563123451 | valid",
                "4006381333931     | 04006381333931 | valid",
                "036000291452      | 00036000291452 | valid",
                "96385074          | 00000096385074 | valid",
                "00012345600012    | 00012345600012 | valid",
                "8935000145005     | 08935000145005 | valid",
                "8934563123456     | 08934563123456 | bad_check_digit",
                "4006381333932     | 04006381333932 | bad_check_digit",
                "1234              | NULL           | bad_length",
                "123456789         | NULL           | bad_length",
                "40063813339X1     | NULL           | bad_format",
                "NULL              | NULL           | missing",
            })
    void gtins(String input, String value, String status) throws SQLException {
        assertThat(eval("std_gtin(s).value", input)).isEqualTo(value);
        assertThat(eval("std_gtin(s).status", input)).isEqualTo(status);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "NULL",
            value = {
                "' Nguyen.Van.A@Example.COM ' | Nguyen.Van.A@example.com | valid",
                "mailto:a@b.vn                | a@b.vn                   | valid",
                "<x.y@Gov.VN>                 | x.y@gov.vn               | valid",
                "first+tag@sub.domain.com.vn  | first+tag@sub.domain.com.vn | valid",
                "a@b                          | NULL                     | invalid",
                "a..b@c.vn                    | NULL                     | invalid",
                ".a@c.vn                      | NULL                     | invalid",
                "@c.vn                        | NULL                     | invalid",
                "a@b@c.vn                     | NULL                     | invalid",
                "a b@c.vn                     | NULL                     | invalid",
                "a@-b.vn                      | NULL                     | invalid",
                "tên@vd.vn                    | NULL                     | invalid",
                "NULL                         | NULL                     | missing",
                "''                           | NULL                     | missing",
            })
    void emails(String input, String value, String status) throws SQLException {
        assertThat(eval("std_email(s).value", input)).isEqualTo(value);
        assertThat(eval("std_email(s).status", input)).isEqualTo(status);
    }

    @Test
    void emailLocalPartLongerThan64IsInvalid() throws SQLException {
        assertThat(eval("std_email(s).status", "a".repeat(65) + "@b.vn")).isEqualTo("invalid");
        assertThat(eval("std_email(s).status", "a".repeat(64) + "@b.vn")).isEqualTo("valid");
    }

    @Test
    void standardizersRunOverAColumnInOneQuery() throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("""
                        SELECT count(*) FILTER (std_date(d).status = 'valid'),
                               count(*) FILTER (std_phone(p).kind = 'mobile'),
                               count(DISTINCT std_name_key(n))
                          FROM (SELECT (1 + i % 28)::VARCHAR || '/' || '13' || '/1990' AS d,
                                       '09' || lpad((i % 100000000)::VARCHAR, 8, '0') AS p,
                                       CASE WHEN i % 2 = 0 THEN 'Nguyễn Thị Hoà' ELSE 'NGUYEN THI HOA' END AS n
                                  FROM range(100000) r(i))
                        """)) {
            rs.next();
            assertThat(rs.getLong(1)).isZero(); // month 13 never valid in either order
            assertThat(rs.getLong(2)).isEqualTo(100000);
            assertThat(rs.getLong(3)).isEqualTo(1);
        }
    }
}
