package vn.datafloor.integration.profile;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.reference.AdminUnits;
import vn.datafloor.integration.reference.GivenNames;

/**
 * A reservoir sample of a table in temporary DuckDB tables, and the content checks over it. The
 * sample is turned into long form (column, row, value); one statement checks the distinct values of
 * all columns at once, one aggregates the results per column. So the cost is a few SQL statements
 * whatever the width, and the plan is one a distributed engine could run. The standardizer macros
 * must be installed. Close to drop the temporary tables.
 */
final class SampleProfile implements AutoCloseable {

    static final int SEED = 42;

    /**
     * How many non-empty values of one column match each content check.
     *
     * @param cccd 12-digit identity numbers: province code of the current or pre-2025 list, century/sex digit 0-5
     * @param cmnd 9-digit numbers (old CMND shape)
     * @param phone valid Vietnamese phone numbers, mobile or landline
     * @param personName 2-5 capitalised words, first a common Vietnamese surname, last a known given name
     *     when there are only two
     * @param namePart 1-2 capitalised words, each a known surname, middle or given name: a column of surnames,
     *     middle names or given names
     * @param birthDate dates between 1900-01-01 and today
     * @param birthYear four-digit years between 1900 and this year
     * @param place naming a province (by any of its names) or, in a comma-separated part, a 2025 commune
     * @param address a place with an address's shape: a comma, a number or two unit/street words
     * @param bhyt health insurance card numbers: 2 letters, a benefit digit 1-5, 12 digits
     * @param digits10 10 digits (social insurance numbers, new health insurance codes)
     * @param bank 8 to 19 digits, or an IBAN
     * @param taxValid tax codes with a valid check digit
     * @param taxPersonal 12-digit personal identification numbers used as tax codes
     * @param latLonPair "lat, lon" (or WKT POINT(lon lat)) inside Vietnam's range
     * @param lat decimals between 6 and 24, Vietnam's latitudes islands included
     * @param lon decimals between 102 and 118
     */
    record Counts(
            long values,
            long cccd,
            long cmnd,
            long phone,
            long mobile,
            long email,
            long personName,
            long namePart,
            long birthDate,
            long birthYear,
            long sex,
            long place,
            long address,
            long bhyt,
            long digits10,
            long bank,
            long taxValid,
            long taxPersonal,
            long latLonPair,
            long lat,
            long lon) {

        static final Counts EMPTY = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Agreement of identity numbers in one column with dates in another, row by row. */
    record Consistency(int identityColumn, int dateColumn, long compared, long consistent) {

        double share() {
            return compared == 0 ? 0 : (double) consistent / compared;
        }
    }

    /**
     * Common Vietnamese surnames, folded (no marks, đ as d). Rare surnames that are also common first
     * words of other things ("Bánh", "Chè", "Thanh", "Văn") are left out: they would make product names look
     * like people.
     */
    static final List<String> SURNAMES = List.of(
            "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
            "duong", "ly", "dinh", "trinh", "truong", "mai", "dao", "doan", "lam", "luong", "luu", "ha", "cao", "ta",
            "chau", "quach", "thai", "trieu", "ton", "tang", "la", "kieu", "khuc", "khong", "lac", "lai", "lu", "mac",
            "nong", "quan", "thach", "tieu", "to", "ung", "vuong", "vi", "au", "diep", "giang", "han", "hua", "kim",
            "lo", "luc", "nghiem", "nguy", "ong", "phi", "phung", "tong", "ninh", "chu", "dam", "khuat", "lieu", "tiet",
            "thieu", "bach", "giap");

    /** Words of middle names ("tên đệm") (many are also given names). */
    private static final List<String> MIDDLE_NAMES = List.of(
            "van", "thi", "huu", "duc", "dinh", "cong", "quoc", "xuan", "ngoc", "minh", "thanh", "quang", "thu", "kim",
            "hong", "mai", "bao", "gia", "trong", "the", "tan", "tien", "anh", "nhu", "phuong", "my", "dang", "ba",
            "khac", "viet", "trung", "hoai");

    private static final List<String> PROVINCE_ALIASES = List.of(
            "hcm", "tp hcm", "tphcm", "sai gon", "saigon", "thua thien hue", "tt hue", "brvt", "ba ria vung tau");

    /** A unit-type prefix of an address part ("Phường", "P.", "TP", "Tỉnh"), folded. */
    private static final String UNIT_PREFIX =
            "^(thanh pho|tinh|quan|huyen|thi xa|thi tran|phuong|xa|dac khu|tp|tx|tt|t|q|h|p|x) +";

    /** Words of unit types and streets; an address without a comma or a number has two of them. */
    private static final String UNIT_OR_STREET_WORD =
            "\\b(phuong|xa|quan|huyen|tinh|thanh pho|tp|thi xa|thi tran|dac khu|duong|pho|thon|ap|ban|khu pho|to"
                    + "|so|ngo|ngach|hem|kiet|kp|khom)\\b";

    private final Connection connection;
    private final String sample;
    private final String values;
    private final String shaped;
    private final String checked;
    private final long rows;
    private final List<String> types;

    private SampleProfile(Connection connection, String suffix, long rows, List<String> types) {
        this.connection = connection;
        this.sample = "pd_sample_" + suffix;
        this.values = "pd_values_" + suffix;
        this.shaped = "pd_shaped_" + suffix;
        this.checked = "pd_checked_" + suffix;
        this.rows = rows;
        this.types = types;
    }

    /** Column {@code i} (1-based) of the table is {@code c<i>} in the sample; its original name never enters SQL twice. */
    static SampleProfile take(Connection connection, String tableExpression, List<String> columns, int sampleRows)
            throws SQLException {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        StringBuilder select = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            select.append(i == 0 ? "" : ", ")
                    .append(DuckDbConnections.identifier(columns.get(i)))
                    .append(" AS c")
                    .append(i + 1);
        }
        String table = "pd_sample_" + suffix;
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TEMP TABLE " + table + " AS SELECT " + select + " FROM " + tableExpression
                    + " USING SAMPLE reservoir(" + sampleRows + " ROWS) REPEATABLE (" + SEED + ")");
            long rows;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                rows = rs.getLong(1);
            }
            List<String> types = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("DESCRIBE " + table)) {
                while (rs.next()) {
                    types.add(rs.getString("column_type"));
                }
            }
            return new SampleProfile(connection, suffix, rows, types);
        } catch (SQLException | RuntimeException e) {
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    long rows() {
        return rows;
    }

    /** DuckDB type of column {@code i} (0-based), e.g. VARCHAR, BIGINT, DECIMAL(10,2). */
    String type(int i) {
        return types.get(i);
    }

    static boolean numeric(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        return t.matches("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|REAL|DECIMAL.*)");
    }

    /** Types whose text is never a personal value to match: flags, bytes, nested values. */
    static boolean opaque(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        return t.equals("BOOLEAN")
                || t.equals("BLOB")
                || t.endsWith("]")
                || t.startsWith("STRUCT")
                || t.startsWith("MAP")
                || t.startsWith("UNION");
    }

    /**
     * Runs every content check over the given columns (0-based), for all columns at once: one statement
     * gathers the distinct values and their shapes, one applies the standardizers, one aggregates per
     * column. Columns without a non-empty value are absent.
     */
    Map<Integer, Counts> counts(List<Integer> columns) throws SQLException {
        Map<Integer, Counts> counts = new HashMap<>();
        if (columns.isEmpty() || rows == 0) {
            return counts;
        }
        try (Statement s = connection.createStatement()) {
            String union = columns.stream()
                    .map(i -> "SELECT " + i + " AS col, " + numeric(types.get(i))
                            + " AS numeric_type, rowid AS rid, trim(CAST(c" + (i + 1) + " AS VARCHAR)) AS v FROM "
                            + sample)
                    .collect(Collectors.joining(" UNION ALL "));
            s.execute("CREATE TEMP TABLE " + values + " AS SELECT * FROM (" + union
                    + ") WHERE v IS NOT NULL AND v <> ''");
            s.execute("CREATE TEMP TABLE " + shaped + " AS " + SHAPES.replace("{values}", values));
            s.execute("CREATE TEMP TABLE " + checked + " AS " + checks(s));
            try (ResultSet rs = s.executeQuery(COUNTS.replace("{checked}", checked))) {
                while (rs.next()) {
                    counts.put(
                            rs.getInt("col"),
                            new Counts(
                                    rs.getLong("n"),
                                    rs.getLong("cccd"),
                                    rs.getLong("cmnd"),
                                    rs.getLong("phone"),
                                    rs.getLong("mobile"),
                                    rs.getLong("email"),
                                    rs.getLong("person_name"),
                                    rs.getLong("name_part"),
                                    rs.getLong("birth_date"),
                                    rs.getLong("birth_year"),
                                    rs.getLong("sex"),
                                    rs.getLong("place"),
                                    rs.getLong("address"),
                                    rs.getLong("bhyt"),
                                    rs.getLong("digits10"),
                                    rs.getLong("bank"),
                                    rs.getLong("tax_valid"),
                                    rs.getLong("tax_personal"),
                                    rs.getLong("lat_lon_pair"),
                                    rs.getLong("lat"),
                                    rs.getLong("lon")));
                }
            }
        }
        return counts;
    }

    /**
     * Distinct values of every column, with the shapes that decide which standardizer may look at them.
     * Spreadsheets and numeric columns drop leading zeros: every province code of an identity number
     * starts with 0, and 001-008 with two; 10 digits are read that way only from a numeric column, as
     * too many other codes have 10 digits. 12 digits starting with 0 are never a phone number.
     */
    private static final String SHAPES = """
            WITH distinct_values AS (
                SELECT col, v, numeric_type, count(*) AS cnt, regexp_replace(v, '[\\s.\\-]+', '', 'g') AS digits
                  FROM {values} GROUP BY col, numeric_type, v),
            shaped AS (
                SELECT *, regexp_full_match(digits, '[0-9]+') AS is_numeric,
                       regexp_full_match(v, '[\\p{L}\\p{M} ]+') AS is_words,
                       regexp_matches(v, '\\p{L}{2}') AS has_letters
                  FROM distinct_values)
            SELECT col, v, cnt, digits, is_numeric, is_words, has_letters,
                   CASE WHEN is_numeric AND length(digits) IN (9, 12) THEN digits
                        WHEN is_numeric AND length(digits) = 11 AND NOT starts_with(digits, '0') THEN '0' || digits
                        WHEN is_numeric AND numeric_type AND length(digits) = 10 AND digits[1] IN ('1', '2', '4', '6', '8')
                            THEN '00' || digits
                   END AS id_value,
                   regexp_full_match(digits, '[0-9+()]{9,16}')
                       AND NOT (is_numeric AND length(digits) = 12 AND starts_with(digits, '0')) AS phone_shape,
                   regexp_matches(v, '^[0-9]{4}-[0-9]{2}-[0-9]{2}( |T|$)') AS iso_date_shape,
                   NOT regexp_matches(v, '^[0-9]{4}-[0-9]{2}-[0-9]{2}( |T|$)')
                       AND (regexp_matches(v, '^[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{2,4}')
                            OR (is_numeric AND length(digits) = 8) OR regexp_matches(lower(v), 'ng[aà]y|th[aá]ng'))
                       AS date_shape,
                   is_numeric AND length(digits) BETWEEN 10 AND 13 AS tax_shape,
                   v LIKE '%@%' AS email_shape,
                   length(v) <= 6 AS sex_shape,
                   v LIKE '%.%' AND regexp_matches(v, '[0-9]\\.[0-9]+\\s*[,; ]') OR upper(v) LIKE 'POINT%' AS lat_lon_shape
              FROM shaped
            """;

    /**
     * What the standardizers say of each distinct value. Each standardizer runs in its own subquery on the
     * values of a shape it could accept, joined back: on filtered rows DuckDB runs a macro two to three
     * times faster than inside a CASE over all of them. A standardizer no value could be given is left
     * out, because on a sample a macro costs mostly the compilation of its regular expressions
     * (std_date's take longer than checking thousands of dates).
     */
    private String checks(Statement s) throws SQLException {
        List<Check> checks = standardizers();
        boolean[] present = new boolean[checks.size()];
        try (ResultSet rs = s.executeQuery("SELECT "
                + checks.stream().map(c -> "bool_or(" + c.filter() + ")").collect(Collectors.joining(", ")) + " FROM "
                + shaped)) {
            rs.next();
            for (int i = 0; i < present.length; i++) {
                present[i] = rs.getBoolean(i + 1);
            }
        }
        StringBuilder select = new StringBuilder("SELECT s.col, s.v, s.cnt, s.digits, s.is_numeric, s.id_value,\n");
        StringBuilder joins = new StringBuilder();
        for (int i = 0; i < present.length; i++) {
            Check c = checks.get(i);
            if (!present[i]) {
                select.append(c.absent()).append(",\n");
                continue;
            }
            String alias = "k" + i;
            select.append(alias).append(".* EXCLUDE (col, v),\n");
            joins.append("LEFT JOIN (SELECT col, v, ")
                    .append(c.results())
                    .append(" FROM ")
                    .append(shaped)
                    .append(" WHERE ")
                    .append(c.filter())
                    .append(") ")
                    .append(alias)
                    .append(" ON ")
                    .append(alias)
                    .append(".col = s.col AND ")
                    .append(alias)
                    .append(".v = s.v\n");
        }
        return select.append(
                        "coalesce(CASE WHEN s.iso_date_shape THEN TRY_CAST(left(s.v, 10) AS DATE) END, parsed_date) AS d,\n")
                .append("CASE WHEN s.has_letters AND length(s.v) >= 3 THEN ")
                .append(fold("s.v"))
                .append(" END AS uk,\n")
                .append(
                        "CASE WHEN s.v LIKE '%.%' AND NOT s.has_letters THEN TRY_CAST(s.v AS DOUBLE) END AS dec_value,\n")
                .append("CASE WHEN s.lat_lon_shape THEN ")
                .append(latLonCheck("s.v"))
                .append(" END AS lat_lon\n")
                .append("FROM ")
                .append(shaped)
                .append(" s\n")
                .append(joins)
                .toString();
    }

    /**
     * A standardizer applied to the values that pass {@code filter} (columns of the shaped table).
     *
     * @param results its result columns, as SELECT items
     * @param absent the same columns as typed NULLs, when no value passes
     */
    private record Check(String filter, String results, String absent) {}

    private static List<Check> standardizers() {
        return List.of(
                new Check(
                        "id_value IS NOT NULL", "std_cccd(id_value).status AS id_status", "NULL::VARCHAR AS id_status"),
                new Check(
                        "phone_shape",
                        "std_phone(v) AS phone",
                        "NULL::STRUCT(value VARCHAR, status VARCHAR, kind VARCHAR) AS phone"),
                new Check("date_shape", "std_date(v).value AS parsed_date", "NULL::DATE AS parsed_date"),
                new Check("tax_shape", "std_tax_code(v).status AS tax_status", "NULL::VARCHAR AS tax_status"),
                new Check("email_shape", "std_email(v).status AS email_status", "NULL::VARCHAR AS email_status"),
                new Check("sex_shape", "std_sex(v) AS sex", "NULL::VARCHAR AS sex"),
                new Check(
                        "is_words AND length(v) <= 60",
                        PERSON_NAME + " AS person_name, CASE WHEN length(v) <= 20 THEN " + NAME_PART
                                + " END AS name_part",
                        "NULL::BOOLEAN AS person_name, NULL::BOOLEAN AS name_part"));
    }

    /**
     * Per column, how many values pass each check. A value names a place when a province name appears in
     * it as whole words, or a comma-separated part of it is the name of a 2025 commune (after a unit
     * prefix such as "Phường" or "Xã"): a join on exact keys, not the fuzzy address matching.
     */
    private static final String COUNTS = """
            WITH units AS (
                SELECT unnest(string_split('{commune_keys}', '|')) AS k),
            parts AS (
                SELECT col, v, unnest(string_split(regexp_replace(v, '[;|\\n]', ',', 'g'), ',')) AS part
                  FROM {checked} WHERE v LIKE '%,%' AND uk IS NOT NULL),
            commune_hits AS (
                SELECT DISTINCT p.col, p.v
                  FROM (SELECT col, v, regexp_replace({fold_part}, '{unit_prefix}', '') AS k FROM parts) p
                  JOIN units u ON u.k = p.k),
            flagged AS (
                SELECT c.*, (h.v IS NOT NULL OR coalesce(regexp_matches(c.uk, '(^| )({provinces})( |$)'), false)) AS place
                  FROM {checked} c LEFT JOIN commune_hits h ON h.col = c.col AND h.v = c.v)
            SELECT col, sum(cnt) AS n,
                   coalesce(sum(cnt) FILTER (id_status = 'valid'), 0) AS cccd,
                   coalesce(sum(cnt) FILTER (id_status = 'old_cmnd'), 0) AS cmnd,
                   coalesce(sum(cnt) FILTER (phone.status = 'valid'), 0) AS phone,
                   coalesce(sum(cnt) FILTER (phone.kind = 'mobile'), 0) AS mobile,
                   coalesce(sum(cnt) FILTER (email_status = 'valid'), 0) AS email,
                   coalesce(sum(cnt) FILTER (person_name), 0) AS person_name,
                   coalesce(sum(cnt) FILTER (name_part), 0) AS name_part,
                   coalesce(sum(cnt) FILTER (d BETWEEN DATE '1900-01-01' AND current_date), 0) AS birth_date,
                   coalesce(sum(cnt) FILTER (is_numeric AND length(digits) = 4 AND regexp_full_match(v, '(19|20)[0-9]{2}')
                       AND TRY_CAST(v AS INTEGER) <= year(current_date)), 0) AS birth_year,
                   coalesce(sum(cnt) FILTER (sex IS NOT NULL), 0) AS sex,
                   coalesce(sum(cnt) FILTER (place), 0) AS place,
                   coalesce(sum(cnt) FILTER (place AND (v LIKE '%,%' OR regexp_matches(v, '[0-9]')
                       OR len(regexp_extract_all(uk, '{unit_word}')) >= 2)), 0) AS address,
                   coalesce(sum(cnt) FILTER (length(digits) = 15
                       AND regexp_full_match(upper(digits), '[A-Z]{2}[1-5][0-9]{12}')), 0) AS bhyt,
                   coalesce(sum(cnt) FILTER (is_numeric AND length(digits) = 10), 0) AS digits10,
                   coalesce(sum(cnt) FILTER (is_numeric AND length(digits) BETWEEN 8 AND 19
                       OR regexp_full_match(upper(digits), '[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}')), 0) AS bank,
                   coalesce(sum(cnt) FILTER (tax_status = 'valid'), 0) AS tax_valid,
                   coalesce(sum(cnt) FILTER (tax_status = 'personal_id'), 0) AS tax_personal,
                   coalesce(sum(cnt) FILTER (lat_lon), 0) AS lat_lon_pair,
                   coalesce(sum(cnt) FILTER (dec_value BETWEEN 6 AND 24), 0) AS lat,
                   coalesce(sum(cnt) FILTER (dec_value BETWEEN 102 AND 118), 0) AS lon
              FROM flagged
             GROUP BY col
            """.replace("{commune_keys}", String.join("|", communeKeys()))
            .replace("{fold_part}", fold("part"))
            .replace("{unit_prefix}", UNIT_PREFIX)
            .replace("{provinces}", String.join("|", provinceKeys()))
            .replace("{unit_word}", UNIT_OR_STREET_WORD);

    /**
     * Lower case, no marks, đ as d, words of a-z and 0-9 separated by single spaces: the matching key of
     * std__unit_key, written out because nested macros evaluate their argument once per use (std_fold's
     * nullif inside std__unit_key's nullif folds each value four times).
     */
    static String fold(String expression) {
        return "trim(regexp_replace(lower(strip_accents(translate(" + expression
                + ", 'ĐđÐð', 'DdDd'))), '[^a-z0-9]+', ' ', 'g'))";
    }

    /** Each word capitalised, or the whole name in capitals (NFD marks allowed). */
    private static final String CAPITALISED = "list_bool_and(list_transform(w, x -> regexp_full_match(x,"
            + " '\\p{Lu}(?:[\\p{Ll}\\p{M}]*|[\\p{Lu}\\p{M}]*)')))";

    /**
     * 2-5 words, each capitalised (or the whole name in capitals), the first a common surname; with only
     * two words the second must be a known given name, which keeps "Hà Nội" and "Cao Bằng" out.
     */
    private static final String PERSON_NAME = personNameCheck();

    private static final String NAME_PART = namePartCheck();

    private static String personNameCheck() {
        return "list_transform([string_split(regexp_replace(v, '\\s+', ' ', 'g'), ' ')], w -> len(w) BETWEEN 2 AND 5"
                + " AND " + CAPITALISED
                + " AND regexp_full_match(" + fold("w[1]") + ", '" + alternatives(SURNAMES) + "')"
                + " AND (len(w) >= 3 OR regexp_full_match(" + fold("w[-1]") + ", '" + alternatives(givenNames())
                + "')))[1]";
    }

    /** One or two capitalised words, each a known surname, middle name or given name. */
    private static String namePartCheck() {
        Set<String> words = new LinkedHashSet<>(SURNAMES);
        words.addAll(MIDDLE_NAMES);
        words.addAll(givenNames());
        return "list_transform([string_split(regexp_replace(v, '\\s+', ' ', 'g'), ' ')], w -> len(w) BETWEEN 1 AND 2"
                + " AND " + CAPITALISED + " AND regexp_full_match(" + fold("array_to_string(w, ' ')") + ", '("
                + alternatives(words) + ")( (" + alternatives(words) + "))?'))[1]";
    }

    /** A regular expression matching exactly one of the words: RE2 runs it in linear time, unlike a list search. */
    private static String alternatives(Iterable<String> words) {
        return "(?:" + String.join("|", words) + ")";
    }

    private static Set<String> givenNames() {
        Set<String> given = new LinkedHashSet<>();
        GivenNames.male().forEach(n -> given.add(ColumnNames.fold(n)));
        GivenNames.female().forEach(n -> given.add(ColumnNames.fold(n)));
        return given;
    }

    /** "10.77, 106.70" (also with ; or a space, in brackets) or WKT "POINT(106.70 10.77)", inside Vietnam. */
    private static String latLonCheck(String v) {
        return ("coalesce(list_transform([regexp_extract({v}, '^\\(?\\s*(-?[0-9]{1,2}\\.[0-9]+)\\s*[,; ]\\s*(-?[0-9]{2,3}\\.[0-9]+)\\s*\\)?$',"
                        + " ['a', 'b'])], p -> TRY_CAST(p.a AS DOUBLE) BETWEEN 6 AND 24 AND TRY_CAST(p.b AS DOUBLE) BETWEEN 102 AND 118)[1], false)"
                        + " OR coalesce(list_transform([regexp_extract(upper({v}), '^POINT\\s*\\(\\s*(-?[0-9]{2,3}\\.[0-9]+)\\s+(-?[0-9]{1,2}\\.[0-9]+)\\s*\\)$',"
                        + " ['b', 'a'])], p -> TRY_CAST(p.a AS DOUBLE) BETWEEN 6 AND 24 AND TRY_CAST(p.b AS DOUBLE) BETWEEN 102 AND 118)[1], false)")
                .replace("{v}", v);
    }

    /**
     * For each identity column and date column (0-based), on how many rows both hold a valid value and on
     * how many the identity number's century and year digits agree with the date's year. The dates and
     * statuses are those already computed by the content checks.
     */
    List<Consistency> consistency(List<Integer> identityColumns, List<Integer> dateColumns) throws SQLException {
        List<Consistency> result = new ArrayList<>();
        if (identityColumns.isEmpty() || dateColumns.isEmpty() || rows == 0) {
            return result;
        }
        String sql = """
                WITH ids AS (
                    SELECT v.col AS id_col, v.rid, c.id_value
                      FROM {values} v JOIN {checked} c ON c.col = v.col AND c.v = v.v
                     WHERE v.col IN ({ids}) AND c.id_status = 'valid'),
                dates AS (
                    SELECT v.col AS date_col, v.rid, c.d
                      FROM {values} v JOIN {checked} c ON c.col = v.col AND c.v = v.v
                     WHERE v.col IN ({dates}) AND c.d BETWEEN DATE '1900-01-01' AND current_date)
                SELECT id_col, date_col, count(*) AS compared,
                       count_if(std_cccd(id_value, dob := d).status = 'valid') AS consistent
                  FROM ids JOIN dates USING (rid)
                 WHERE id_col <> date_col
                 GROUP BY id_col, date_col
                """.replace("{values}", values)
                .replace("{checked}", checked)
                .replace("{ids}", join(identityColumns))
                .replace("{dates}", join(dateColumns));
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.add(new Consistency(
                        rs.getInt("id_col"), rs.getInt("date_col"), rs.getLong("compared"), rs.getLong("consistent")));
            }
        }
        return result;
    }

    private static String join(List<Integer> columns) {
        return columns.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    @Override
    public void close() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + checked);
            s.execute("DROP TABLE IF EXISTS " + shaped);
            s.execute("DROP TABLE IF EXISTS " + values);
            s.execute("DROP TABLE IF EXISTS " + sample);
        }
    }

    /** Province names of both lists and common short forms, folded like {@link #fold}. */
    private static List<String> provinceKeys() {
        AdminUnits units = AdminUnits.builtIn();
        Set<String> keys = new LinkedHashSet<>(PROVINCE_ALIASES);
        for (AdminUnits.ListVersion version : AdminUnits.ListVersion.values()) {
            units.provinces(version).forEach(p -> keys.add(ColumnNames.fold(p.name())));
        }
        return List.copyOf(keys);
    }

    /** Names of the 2025 communes, folded; names of fewer than three letters would match too much. */
    private static List<String> communeKeys() {
        return AdminUnits.builtIn().communes(AdminUnits.ListVersion.V2025).stream()
                .map(c -> ColumnNames.fold(c.name()))
                .filter(k -> k.matches(".*[a-z]{2}.*") && k.length() >= 3)
                .distinct()
                .toList();
    }
}
