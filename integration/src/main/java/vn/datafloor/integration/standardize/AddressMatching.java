package vn.datafloor.integration.standardize;

import java.util.regex.Pattern;

/**
 * Free-text Vietnamese addresses to units of the current (2025) list, as one SQL query.
 *
 * <p>The address is split at commas (and semicolons); the last component names the province, the one
 * before it the commune (2025 style, "12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh") or the district
 * (pre-2025 style, "…, P. Bến Thành, Q.1, TP.HCM"). Unit-type prefixes and their abbreviations
 * (Phường, P., Xã, X., Thị trấn, TT, Quận, Q., Q.1, Huyện, H., Thị xã, TX, Thành phố, TP, Tỉnh, T.) are
 * recognised, names match with or without marks, and close misspellings match by Jaro-Winkler
 * similarity (at least 0.9).
 *
 * <p>Two readings are tried for every address and the better is kept:
 *
 * <ul>
 *   <li><b>2025</b>: the commune is looked up among the 2025 communes of the province (a pre-2025
 *       province name is first mapped to the 2025 province it merged into).
 *   <li><b>pre-2025</b>: commune and district are looked up among the pre-2025 units of the old
 *       province(s). The official pre-2025 → 2025 commune mapping is not in the reference data (only the
 *       province merger is), so the 2025 commune is then taken to be the one with the same name in the
 *       merged province, when there is one. Many new wards took the name of one of the communes merged
 *       into them, but many did not: without a same-name commune the result has the 2025 province and a
 *       NULL commune, with lower confidence. The pre-2025 reading wins when the district component
 *       carries a district prefix (Quận, Huyện, Q.1…) or names a district of the province; an
 *       explicit commune prefix on that component (Phường, Xã…) favours the 2025 reading.
 * </ul>
 *
 * Matching runs on the distinct (province, commune, district) components, so repeated addresses cost
 * one lookup, and fuzzy comparison only pairs a component with the units of its own province.
 *
 * <p>{@code method}: {@code commune_2025} (found in the 2025 list), {@code commune_pre2025_same_name}
 * (found in the pre-2025 list, 2025 commune by name), {@code province_only}, {@code unmatched}.
 * {@code confidence} in 0..1: 0.95 × similarity for 2025 matches, 0.8 × similarities for pre-2025
 * matches carried to 2025 by name, 0.5 for a pre-2025 commune without 2025 counterpart, 0.4 ×
 * similarity for the province alone, 0 when nothing matched.
 */
public final class AddressMatching {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private AddressMatching() {}

    /**
     * A SELECT producing {@code id, house_street, commune_code_2025, province_code_2025, confidence,
     * method} for every row of {@code inputRelation}. Needs {@link ReferenceTables#install} on the
     * connection. Arguments are SQL identifiers (a table or view name, column names), never data.
     */
    public static String sql(String inputRelation, String idColumn, String addressColumn) {
        requireIdentifier(inputRelation);
        requireIdentifier(idColumn);
        requireIdentifier(addressColumn);
        return TEMPLATE.replace("{input}", inputRelation)
                .replace("{id}", idColumn)
                .replace("{address}", addressColumn);
    }

    private static void requireIdentifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("Not a plain SQL identifier: " + name);
        }
    }

    private static final String TEMPLATE = """
            WITH addr_input AS (
                SELECT {id} AS id,
                       list_filter(list_transform(string_split(regexp_replace(coalesce(CAST({address} AS VARCHAR), ''),
                           '[;|\\n]', ',', 'g'), ','), x -> trim(x)), x -> x <> '') AS parts
                  FROM {input}),
            addr_parsed AS (
                SELECT id, parts, len(parts) AS n,
                       std__unit(parts[-1]) AS u1, std__unit(parts[-2]) AS u2, std__unit(parts[-3]) AS u3
                  FROM addr_input),
            addr_tuple AS (
                SELECT DISTINCT u1.key AS p_key, u2.key AS c_key, u2.type AS c_type, u3.key AS cc_key
                  FROM addr_parsed),
            addr_province AS (
                SELECT t.*, a.province_2025, a.province_pre2025, jaro_winkler_similarity(t.p_key, a.alias_key) AS p_sim
                  FROM addr_tuple t JOIN ref_province_alias a
                    ON jaro_winkler_similarity(t.p_key, a.alias_key) >= 0.9
                QUALIFY row_number() OVER (PARTITION BY t.p_key, t.c_key, t.c_type, t.cc_key ORDER BY p_sim DESC,
                    a.alias_key) = 1),
            addr_new AS (
                SELECT p.p_key, p.c_key, p.c_type, p.cc_key, c.code AS commune_code,
                       jaro_winkler_similarity(p.c_key, c.name_key) AS c_sim
                  FROM addr_province p JOIN ref_commune c
                    ON c.version = '2025' AND c.province_code = p.province_2025
                   AND jaro_winkler_similarity(p.c_key, c.name_key) >= 0.9
                QUALIFY row_number() OVER (PARTITION BY p.p_key, p.c_key, p.c_type, p.cc_key ORDER BY c_sim DESC,
                    c.code) = 1),
            addr_old AS (
                SELECT p.p_key, p.c_key, p.c_type, p.cc_key, c.name_key AS old_name_key, p.province_2025,
                       jaro_winkler_similarity(p.cc_key, c.name_key) * jaro_winkler_similarity(p.c_key, c.district_key)
                           AS o_sim
                  FROM addr_province p
                  JOIN ref_province_merger m
                    ON m.new_code = p.province_2025 AND (p.province_pre2025 IS NULL OR m.old_code = p.province_pre2025)
                  JOIN ref_commune c
                    ON c.version = 'pre2025' AND c.province_code = m.old_code
                   AND jaro_winkler_similarity(p.c_key, c.district_key) >= 0.9
                   AND jaro_winkler_similarity(p.cc_key, c.name_key) >= 0.9
                QUALIFY row_number() OVER (PARTITION BY p.p_key, p.c_key, p.c_type, p.cc_key ORDER BY o_sim DESC,
                    c.code) = 1),
            addr_old_now AS (
                SELECT o.*, n.code AS commune_code
                  FROM addr_old o LEFT JOIN ref_commune n
                    ON n.version = '2025' AND n.province_code = o.province_2025 AND n.name_key = o.old_name_key
                QUALIFY row_number() OVER (PARTITION BY o.p_key, o.c_key, o.c_type, o.cc_key ORDER BY n.code) = 1),
            addr_decided AS (
                SELECT p.p_key, p.c_key, p.c_type, p.cc_key, p.province_2025,
                       CASE
                           WHEN o.o_sim IS NOT NULL AND (p.c_type IS DISTINCT FROM 'commune' OR nw.c_sim IS NULL)
                               THEN CASE WHEN o.commune_code IS NOT NULL THEN 'commune_pre2025_same_name'
                                         ELSE 'province_only' END
                           WHEN nw.c_sim IS NOT NULL THEN 'commune_2025'
                           ELSE 'province_only'
                       END AS method,
                       o.o_sim, o.commune_code AS old_commune_code, nw.c_sim, nw.commune_code AS new_commune_code, p.p_sim
                  FROM addr_province p
                  -- components may be NULL (no type prefix, fewer parts), so NULL must join NULL
                  LEFT JOIN addr_new nw
                    ON nw.p_key = p.p_key AND nw.c_key IS NOT DISTINCT FROM p.c_key
                   AND nw.c_type IS NOT DISTINCT FROM p.c_type AND nw.cc_key IS NOT DISTINCT FROM p.cc_key
                  LEFT JOIN addr_old_now o
                    ON o.p_key = p.p_key AND o.c_key IS NOT DISTINCT FROM p.c_key
                   AND o.c_type IS NOT DISTINCT FROM p.c_type AND o.cc_key IS NOT DISTINCT FROM p.cc_key)
            SELECT a.id,
                   nullif(array_to_string(a.parts[1:a.n - CASE
                       WHEN d.method = 'commune_2025' THEN 2
                       WHEN d.o_sim IS NOT NULL THEN 3
                       WHEN d.method = 'province_only' THEN 1
                       ELSE 0 END], ', '), '') AS house_street,
                   CASE d.method WHEN 'commune_2025' THEN d.new_commune_code
                                 WHEN 'commune_pre2025_same_name' THEN d.old_commune_code END AS commune_code_2025,
                   d.province_2025 AS province_code_2025,
                   round(CASE
                       WHEN d.method = 'commune_2025' THEN 0.95 * d.c_sim * d.p_sim
                       WHEN d.method = 'commune_pre2025_same_name' THEN 0.8 * d.o_sim * d.p_sim
                       WHEN d.o_sim IS NOT NULL THEN 0.5 * d.o_sim * d.p_sim
                       WHEN d.method = 'province_only' THEN 0.4 * d.p_sim
                       ELSE 0 END, 3) AS confidence,
                   coalesce(d.method, 'unmatched') AS method
              FROM addr_parsed a
              LEFT JOIN addr_decided d
                ON d.p_key IS NOT DISTINCT FROM a.u1.key AND d.c_key IS NOT DISTINCT FROM a.u2.key
               AND d.c_type IS NOT DISTINCT FROM a.u2.type AND d.cc_key IS NOT DISTINCT FROM a.u3.key
            """;
}
