package vn.datafloor.integration.standardize;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import vn.datafloor.integration.reference.AdminUnits;
import vn.datafloor.integration.reference.AdminUnits.ListVersion;

/**
 * Loads the administrative units into DuckDB tables so address matching is a join:
 *
 * <ul>
 *   <li>{@code ref_province(version, code, name, type, name_key)}
 *   <li>{@code ref_commune(version, code, name, type, province_code, district_code, district_name,
 *       district_type, name_key, district_key)} — {@code version} is {@code 'pre2025'} or
 *       {@code '2025'}; district columns are NULL in the 2025 list, which has no districts
 *   <li>{@code ref_province_merger(old_code, new_code)} — pre-2025 province to the 2025 province it
 *       became part of
 *   <li>{@code ref_province_alias(alias_key, province_2025, province_pre2025)} — every way of naming a
 *       province (either list's name, common short forms) with the 2025 province it means today and,
 *       when the name is a pre-2025 province, that province
 * </ul>
 *
 * Keys are computed in SQL with the same macro applied to input text, so both sides fold identically.
 */
public final class ReferenceTables {

    /** Short forms people write for provinces, by pre-2025 code (the 2025 code follows from the merger). */
    private static final Map<String, List<String>> COMMON_ALIASES = Map.of(
            "79", List.of("hcm", "tphcm", "tp hcm", "sai gon", "thanh pho ho chi minh", "sg"),
            "01", List.of("hn", "tp ha noi", "thanh pho ha noi"),
            "46", List.of("thua thien hue", "tt hue"),
            "77", List.of("brvt", "ba ria vung tau", "vung tau"),
            "48", List.of("dn", "tp da nang"),
            "31", List.of("hp", "tp hai phong"),
            "92", List.of("ct", "tp can tho"));

    private ReferenceTables() {}

    /** Installs the standardizer macros, then creates (or replaces) the reference tables. */
    public static void install(Connection connection) {
        Standardizers.install(connection);
        AdminUnits units = AdminUnits.builtIn();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE OR REPLACE TABLE ref_province (version VARCHAR, code VARCHAR, name VARCHAR,"
                    + " type VARCHAR, name_key VARCHAR)");
            statement.execute("CREATE OR REPLACE TABLE ref_commune (version VARCHAR, code VARCHAR, name VARCHAR,"
                    + " type VARCHAR, province_code VARCHAR, district_code VARCHAR, district_name VARCHAR,"
                    + " district_type VARCHAR, name_key VARCHAR, district_key VARCHAR)");
            statement.execute("CREATE OR REPLACE TABLE ref_province_merger (old_code VARCHAR, new_code VARCHAR)");
            statement.execute("CREATE OR REPLACE TABLE ref_province_alias_source (alias VARCHAR, old_code VARCHAR)");
            DuckDBConnection duck = connection.unwrap(DuckDBConnection.class);
            try (DuckDBAppender provinces = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "ref_province");
                    DuckDBAppender communes = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "ref_commune")) {
                for (ListVersion version : ListVersion.values()) {
                    String v = versionName(version);
                    for (AdminUnits.Province p : units.provinces(version)) {
                        provinces.beginRow();
                        provinces.append(v);
                        provinces.append(p.code());
                        provinces.append(p.name());
                        provinces.append(p.type());
                        provinces.appendNull();
                        provinces.endRow();
                    }
                    for (AdminUnits.Commune c : units.communes(version)) {
                        communes.beginRow();
                        communes.append(v);
                        communes.append(c.code());
                        communes.append(c.name());
                        communes.append(c.type());
                        communes.append(c.provinceCode());
                        communes.append(c.districtCode());
                        communes.append(c.districtName());
                        communes.append(c.districtType());
                        communes.appendNull();
                        communes.appendNull();
                        communes.endRow();
                    }
                }
            }
            try (DuckDBAppender merger = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "ref_province_merger");
                    DuckDBAppender aliases =
                            duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "ref_province_alias_source")) {
                for (AdminUnits.Province old : units.provinces(ListVersion.PRE_2025)) {
                    merger.beginRow();
                    merger.append(old.code());
                    merger.append(units.currentProvinceCode(old.code())
                            .orElseThrow(() -> new IllegalStateException("No 2025 province for " + old.code())));
                    merger.endRow();
                }
                for (Map.Entry<String, List<String>> e : COMMON_ALIASES.entrySet()) {
                    for (String alias : e.getValue()) {
                        aliases.beginRow();
                        aliases.append(alias);
                        aliases.append(e.getKey());
                        aliases.endRow();
                    }
                }
            }
            statement.execute("UPDATE ref_province SET name_key = std__unit_key(name)");
            statement.execute("UPDATE ref_commune SET name_key = std__unit_key(name),"
                    + " district_key = std__unit_key(district_name)");
            // A name of a 2025 province means that province and, when it was also a pre-2025 name,
            // the pre-2025 province of the same code (e.g. "Hà Nội"). A pre-2025 name means the old
            // province and the one it merged into (e.g. "Bình Dương" -> Hồ Chí Minh).
            statement.execute("""
                    CREATE OR REPLACE TABLE ref_province_alias AS
                    SELECT DISTINCT alias_key, province_2025, province_pre2025 FROM (
                        SELECT p.name_key AS alias_key, p.code AS province_2025,
                               (SELECT o.code FROM ref_province o
                                 WHERE o.version = 'pre2025' AND o.code = p.code AND o.name_key = p.name_key)
                                 AS province_pre2025
                          FROM ref_province p WHERE p.version = '2025'
                        UNION ALL
                        SELECT o.name_key, m.new_code, o.code
                          FROM ref_province o JOIN ref_province_merger m ON m.old_code = o.code
                         WHERE o.version = 'pre2025'
                        UNION ALL
                        SELECT std__unit_key(a.alias), m.new_code, a.old_code
                          FROM ref_province_alias_source a JOIN ref_province_merger m ON m.old_code = a.old_code)
                    """);
            statement.execute("DROP TABLE ref_province_alias_source");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot install reference tables: " + e.getMessage(), e);
        }
    }

    static String versionName(ListVersion version) {
        return version == ListVersion.V2025 ? "2025" : "pre2025";
    }
}
