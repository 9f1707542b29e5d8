package vn.datafloor.integration.standardize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import vn.datafloor.integration.reference.AdminUnits;

/**
 * Standardizers are DuckDB SQL macros, so a pipeline runs them inside its relational plan (and a
 * distributed engine could run the same SQL); DuckDB's Java API has no scalar UDFs to call back into
 * Java. Each macro is a pure function of its arguments. Macros whose names start with
 * {@code std__} are building blocks, not part of the catalog.
 *
 * <p>Checking standardizers return {@code STRUCT(value …, status VARCHAR …)}: {@code value} is the
 * normalized form, {@code status} is {@code valid}, {@code missing} or the reason it is not valid.
 * See docs/standardizers.md.
 */
public final class Standardizers {

    /** In dependency order: later files call macros of earlier ones. */
    private static final List<String> FILES = List.of(
            "text.sql",
            "names.sql",
            "identity.sql",
            "dates.sql",
            "phones.sql",
            "codes.sql",
            "email.sql",
            "address.sql");

    private static final Pattern STATEMENT_END = Pattern.compile(";\\s*(?:\\n|$)");

    private static final String STATUS = "STRUCT(value VARCHAR, status VARCHAR)";

    private static final List<StandardizerInfo> CATALOG = List.of(
            new StandardizerInfo(
                    "std_fold",
                    List.of("s"),
                    "VARCHAR",
                    "Matching key for any text: lower case, no marks, đ as d, single spaces."),
            new StandardizerInfo(
                    "std_person_name",
                    List.of("s"),
                    "VARCHAR",
                    "Vietnamese full name: NFC, Ð as Đ, traditional tone placement (Hòa, Thủy), Title Case,"
                            + " single spaces."),
            new StandardizerInfo(
                    "std_name_key", List.of("s"), "VARCHAR", "Folded name for matching: lower case, no marks, đ as d."),
            new StandardizerInfo(
                    "std_name_parts",
                    List.of("s"),
                    "STRUCT(surname VARCHAR, middle VARCHAR, given VARCHAR)",
                    "Standardized name split into surname (first word), middle (words between), given (last word)."),
            new StandardizerInfo(
                    "std_sex",
                    List.of("s"),
                    "VARCHAR",
                    "'M' or 'F' from Nam/Nữ/male/female/M/F; numeric codes give NULL."),
            new StandardizerInfo(
                    "std_cccd",
                    List.of("s", "dob := NULL", "sex := NULL"),
                    STATUS,
                    "12-digit personal identification number checked against province codes, date of birth and"
                            + " sex; 9-digit CMND flagged old_cmnd."),
            new StandardizerInfo(
                    "std_date",
                    List.of("s", "ord := 'DMY'"),
                    "STRUCT(value DATE, status VARCHAR)",
                    "Date from many formats; impossible dates invalid; day/month ambiguity flagged."),
            new StandardizerInfo(
                    "std_partial_date",
                    List.of("s", "ord := 'DMY'"),
                    "STRUCT(value VARCHAR, precision VARCHAR, status VARCHAR)",
                    "A date that may be known only to the year or the month (1985, 3/1985, 00/00/1985) as"
                            + " 'yyyy-MM-dd', 'yyyy-MM' or 'yyyy'; status partial when not a whole date."),
            new StandardizerInfo(
                    "std_phone",
                    List.of("s"),
                    "STRUCT(value VARCHAR, status VARCHAR, kind VARCHAR)",
                    "Vietnamese phone number in E.164 (+84…), old 11-digit mobile prefixes renumbered;"
                            + " kind mobile or landline."),
            new StandardizerInfo(
                    "std_tax_code",
                    List.of("s"),
                    STATUS,
                    "Tax code (MST) of 10 digits or 10-3 for branches, check digit verified."),
            new StandardizerInfo(
                    "std_gtin", List.of("s"), STATUS, "GTIN-8/12/13/14 check digit verified; value in 14-digit form."),
            new StandardizerInfo(
                    "std_email",
                    List.of("s"),
                    STATUS,
                    "E-mail address trimmed, domain lower-cased, basic syntax checked."));

    private Standardizers() {}

    /** Creates (or replaces) every standardizer macro in the connection's current schema. */
    public static void install(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            for (String file : FILES) {
                for (String sql : STATEMENT_END.split(resource(file))) {
                    if (!isOnlyComments(sql)) {
                        statement.execute(sql);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot install standardizers: " + e.getMessage(), e);
        }
    }

    /** The standardizers a pipeline may name, in a stable order. */
    public static List<StandardizerInfo> catalog() {
        return CATALOG;
    }

    static String resource(String file) {
        try (InputStream in = Standardizers.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("Missing bundled standardizer " + file);
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return sql.replace("{{CCCD_PROVINCES}}", cccdProvinceCodes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first three CCCD digits are "0" + the province of birth registration. Numbers issued
     * before the 2025 merger carry pre-2025 codes, so both lists count (the 2025 codes are a subset).
     */
    private static String cccdProvinceCodes() {
        AdminUnits units = AdminUnits.builtIn();
        TreeSet<String> codes = new TreeSet<>();
        for (AdminUnits.ListVersion version : AdminUnits.ListVersion.values()) {
            units.provinces(version).forEach(p -> codes.add("0" + p.code()));
        }
        return codes.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    private static boolean isOnlyComments(String sql) {
        return sql.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("--"));
    }
}
