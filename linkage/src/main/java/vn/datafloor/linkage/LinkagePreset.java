package vn.datafloor.linkage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Presets: a documented model for a common kind of record, so that a first attempt needs only the
 * inputs and which of their columns hold what. A config names one with {@code preset:} and maps each
 * input's columns to the preset's fields under {@code fields:}; the preset writes the {@code columns}
 * (standardized), {@code blocking}, {@code comparisons}, {@code training} and {@code clustering}
 * sections. A section the config writes itself replaces the preset's, so a preset is a starting
 * point, never a cage. {@link LinkageModel#expandPreset(String)} shows the whole result.
 *
 * <p>{@code vietnamese_person}, for people in Vietnamese registers and business files:
 *
 * <ul>
 *   <li>names folded (tone marks, Đ and the look-alike Ð), compared in any word order (family name
 *       last, as banks and foreign systems write it) and with a middle name left out;
 *   <li>birth dates in any shape {@code std_date} reads, and partial ones (year only, month and
 *       year, unknown parts written as zeros) compared on the parts both records know;
 *   <li>provinces by their 2025 code, whether a record names the province as it was before the 2025
 *       merger or after (Bình Dương and Thành phố Hồ Chí Minh agree);
 *   <li>CCCD numbers checked and compared with one-digit and transposition typos, and used to keep
 *       two different people apart; missing ones are simply no evidence.
 * </ul>
 */
final class LinkagePreset {

    static final String VIETNAMESE_PERSON = "vietnamese_person";

    /** The fields of {@code vietnamese_person}: the two every input must give, then the optional ones. */
    static final List<String> REQUIRED_FIELDS = List.of("name", "birth_date");

    static final List<String> OPTIONAL_FIELDS = List.of("cccd", "sex", "province", "phone");

    private LinkagePreset() {}

    /** True when the config asks for a preset (the key is present, whatever its value). */
    static boolean named(Map<String, Object> top) {
        return top.containsKey("preset");
    }

    /** The config with the preset written out: no {@code preset} key, no {@code fields}. */
    static Map<String, Object> expand(Map<String, Object> top) {
        String preset = String.valueOf(top.get("preset")).trim().toLowerCase(Locale.ROOT);
        if (!preset.equals(VIETNAMESE_PERSON)) {
            throw new LinkageException("Unknown preset \"" + top.get("preset") + "\""
                    + LinkageModel.didYouMean(preset, List.of(VIETNAMESE_PERSON)) + "; known: ["
                    + VIETNAMESE_PERSON + "]");
        }
        if (!(top.get("inputs") instanceof List<?> inputs) || inputs.isEmpty()) {
            throw new LinkageException("preset " + VIETNAMESE_PERSON + " needs inputs, each with fields:"
                    + " name and birth_date, and optionally " + String.join(", ", OPTIONAL_FIELDS));
        }
        List<Map<String, String>> fieldsPerInput = new ArrayList<>();
        List<Object> expandedInputs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (!(inputs.get(i) instanceof Map<?, ?> raw)) {
                throw new LinkageException("inputs[" + i + "] must be a mapping");
            }
            Map<String, Object> input = new LinkedHashMap<>();
            raw.forEach((k, v) -> input.put(String.valueOf(k), v));
            Map<String, String> fields = fields(input.remove("fields"), "inputs[" + i + "].fields");
            fieldsPerInput.add(fields);
            Map<String, Object> columns = new LinkedHashMap<>(columnsFor(fields));
            if (input.get("columns") instanceof Map<?, ?> own) {
                // The config's own columns come too, and win over the preset's of the same name.
                own.forEach((k, v) -> columns.put(String.valueOf(k), v));
            }
            input.put("columns", columns);
            expandedInputs.add(input);
        }
        List<String> shared = new ArrayList<>();
        for (String field : OPTIONAL_FIELDS) {
            if (fieldsPerInput.stream().allMatch(f -> f.containsKey(field))) {
                shared.add(field);
            }
        }
        Map<String, Object> expanded = new LinkedHashMap<>();
        top.forEach((k, v) -> {
            if (!k.equals("preset")) {
                expanded.put(k, v);
            }
        });
        expanded.put("inputs", expandedInputs);
        expanded.putIfAbsent("blocking", blocking(shared));
        expanded.putIfAbsent("comparisons", comparisons(shared));
        // Training and clustering settings merge key by key: a config that only changes the seed keeps
        // the preset's rules.
        Map<String, Object> training = section(expanded.get("training"));
        if (!training.containsKey("labelled_pairs")) {
            training.putIfAbsent("deterministic_rules", deterministicRules(shared));
        }
        expanded.put("training", training);
        if (shared.contains("cccd")) {
            Map<String, Object> clustering = section(expanded.get("clustering"));
            clustering.putIfAbsent("conflicting_id", "cccd");
            clustering.putIfAbsent("tolerate_id_typo", true);
            expanded.put("clustering", clustering);
        }
        return expanded;
    }

    private static Map<String, String> fields(Object value, String where) {
        if (!(value instanceof Map<?, ?> raw)) {
            throw new LinkageException(where + " is missing: with a preset, each input says which of its columns"
                    + " hold the preset's fields, e.g. fields: {name: ho_ten, birth_date: ngay_sinh, cccd: so_cccd}");
        }
        List<String> known = new ArrayList<>(REQUIRED_FIELDS);
        known.addAll(OPTIONAL_FIELDS);
        Map<String, String> fields = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            String field = String.valueOf(k);
            if (!known.contains(field)) {
                throw new LinkageException("Unknown key \"" + field + "\" at " + where
                        + LinkageModel.didYouMean(field, known) + "; the fields of " + VIETNAMESE_PERSON
                        + " are " + known);
            }
            if (v == null || String.valueOf(v).isBlank()) {
                throw new LinkageException(
                        where + "." + field + " needs a column of the file or an SQL" + " expression over its columns");
            }
            fields.put(field, String.valueOf(v));
        });
        for (String required : REQUIRED_FIELDS) {
            if (!fields.containsKey(required)) {
                throw new LinkageException(where + " has no " + required + ": " + VIETNAMESE_PERSON
                        + " links people by name and birth date, so every input gives both");
            }
        }
        return fields;
    }

    /** The standardized model columns, as SQL over the file's columns. */
    private static Map<String, String> columnsFor(Map<String, String> fields) {
        Map<String, String> columns = new LinkedHashMap<>();
        String name = "std_name_key((" + fields.get("name") + "))";
        String birth = "(std_partial_date((" + fields.get("birth_date") + "))).value";
        columns.put("name", name);
        columns.put("name_sorted", "array_to_string(list_sort(string_split(" + name + ", ' ')), ' ')");
        // The given name (last word, in Vietnamese order) and the words before it, for the typo rules below.
        columns.put("name_given", "list_last(string_split(" + name + ", ' '))");
        columns.put(
                "name_rest", "nullif(array_to_string(list_slice(string_split(" + name + ", ' '), 1, -2), ' '), '')");
        columns.put("birth", birth);
        columns.put("birth_year", "left(" + birth + ", 4)");
        // The year of a partial date only (null for a whole one): the blocking key that lets a partial date meet
        // every date of its year without making every record of a common name and year meet.
        columns.put("birth_partial_year", "CASE WHEN length(" + birth + ") < 10 THEN left(" + birth + ", 4) END");
        if (fields.containsKey("cccd")) {
            columns.put("cccd", "(std_cccd((" + fields.get("cccd") + "))).value");
        }
        if (fields.containsKey("sex")) {
            columns.put("sex", "std_sex((" + fields.get("sex") + "))");
        }
        if (fields.containsKey("province")) {
            // Every way of naming a province, before or after the 2025 merger, to the 2025 province.
            columns.put("province", province2025(fields.get("province")));
        }
        if (fields.containsKey("phone")) {
            columns.put("phone", "(std_phone((" + fields.get("phone") + "))).value");
        }
        return columns;
    }

    /** The 2025 province a name means, whether it names the province before or after the 2025 merger. */
    static String province2025(String expression) {
        return "(SELECT min(a.province_2025) FROM ref_province_alias a WHERE a.alias_key = std__unit_key((" + expression
                + ")))";
    }

    private static List<Object> blocking(List<String> shared) {
        List<Object> rules = new ArrayList<>();
        if (shared.contains("cccd")) {
            rules.add("l.cccd = r.cccd");
        }
        if (shared.contains("phone")) {
            rules.add("l.phone = r.phone");
        }
        // Same words in any order: reordered names meet on the same date (whole, or partial to the same precision);
        // a partial date meets every date of its year, in both directions (a pair is taken once, its first record
        // on the left). The same words born the same year, whatever the dates, was the rule once: common names
        // made it 400 million pairs at 10 million records.
        rules.add("l.name_sorted = r.name_sorted AND l.birth = r.birth");
        rules.add("l.name_sorted = r.name_sorted AND l.birth_partial_year = r.birth_year");
        rules.add("l.name_sorted = r.name_sorted AND l.birth_year = r.birth_partial_year");
        // Same whole birth date and one part of the name: a typo in one word still meets here. The birth date alone
        // was the rule once, but a date is shared by about 340 people in 10 million, so it made 1.7 billion pairs
        // there (21 per record at 1 million); family and middle names are few (Nguyễn Văn, Nguyễn Thị), so that
        // rule also asks for the given name's first letter.
        rules.add("l.birth = r.birth AND length(l.birth) = 10 AND l.name_given = r.name_given");
        rules.add("l.birth = r.birth AND length(l.birth) = 10 AND l.name_rest = r.name_rest"
                + " AND left(l.name_given, 1) = left(r.name_given, 1)");
        return rules;
    }

    private static List<Object> comparisons(List<String> shared) {
        List<Object> comparisons = new ArrayList<>();
        comparisons.add(comparison(
                "name",
                List.of(
                        Map.of("exact", Map.of("term_frequency", true)),
                        "name_reordered",
                        Map.of("jaro_winkler", 0.92),
                        "name_words_contained",
                        Map.of("jaro_winkler", 0.8))));
        comparisons.add(comparison(
                "birth",
                List.of("date_partial", "exact", "date_day_month_swapped", "date_one_component", "date_same_year")));
        if (shared.contains("cccd")) {
            comparisons.add(comparison("cccd", List.of("exact", "id_one_digit", "id_transposition")));
        }
        for (String field : List.of("sex", "province", "phone")) {
            if (shared.contains(field)) {
                comparisons.add(comparison(field, List.of("exact")));
            }
        }
        return comparisons;
    }

    private static Map<String, Object> comparison(String column, List<Object> levels) {
        Map<String, Object> comparison = new LinkedHashMap<>();
        comparison.put("name", column);
        comparison.put("column", column);
        comparison.put("levels", levels);
        return comparison;
    }

    private static List<String> deterministicRules(List<String> shared) {
        return shared.contains("cccd")
                ? List.of("l.cccd = r.cccd")
                : List.of("l.name_sorted = r.name_sorted AND l.birth = r.birth AND length(l.birth) = 10");
    }

    private static Map<String, Object> section(Object value) {
        Map<String, Object> section = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> own) {
            own.forEach((k, v) -> section.put(String.valueOf(k), v));
        } else if (value != null) {
            throw new LinkageException("training and clustering must be mappings, not " + value);
        }
        return section;
    }
}
