package vn.datafloor.server.linkage;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vn.datafloor.linkage.LinkageModel;
import vn.datafloor.linkage.LinkageModel.Clustering;
import vn.datafloor.linkage.LinkageModel.Level;
import vn.datafloor.linkage.LinkageModel.LevelKind;
import vn.datafloor.linkage.LinkageModel.Mode;
import vn.datafloor.linkage.LinkageModel.Training;

/**
 * The national people model: names, birth dates and identity numbers, protected against chaining
 * (a cluster never holds two identity numbers, typos aside). Built in code because the register
 * assembles it from its own files; {@code ./datafloor link} reads the same kind of model from YAML.
 */
final class NationalPeopleModel {

    /** The id column of the union {@link PersonRecords} writes: "dataset|person_id". */
    static final String RECORD_KEY = "rid";

    private NationalPeopleModel() {}

    /**
     * The model's columns over the union's: the linking attributes as they are, and the parts of the folded name
     * the blocking rules meet on: its words sorted (any order), the given name (the last word, in Vietnamese
     * order) and the words before it.
     */
    static final Map<String, String> COLUMNS = columns();

    private static Map<String, String> columns() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("name_key", "name_key");
        columns.put("birth_date", "birth_date");
        columns.put("personal_id", "personal_id");
        columns.put("sex", "sex");
        columns.put("name_sorted", "array_to_string(list_sort(string_split(name_key, ' ')), ' ')");
        columns.put("name_given", "list_last(string_split(name_key, ' '))");
        columns.put("name_rest", "nullif(array_to_string(list_slice(string_split(name_key, ' '), 1, -2), ' '), '')");
        return java.util.Collections.unmodifiableMap(columns);
    }

    /** Every person record against every other, in one file. */
    static LinkageModel dedupe(Path people) {
        return common(Mode.DEDUPE).input(input("people", people)).build();
    }

    /** New records (left) against the register's records (right), same comparisons as the full build. */
    static LinkageModel link(Path fresh, Path register) {
        return common(Mode.LINK)
                .input(input("new", fresh))
                .input(input("register", register))
                .build();
    }

    private static LinkageModel.Input input(String name, Path file) {
        return new LinkageModel.Input(name, file, "parquet", RECORD_KEY, COLUMNS);
    }

    /**
     * Blocking that holds at national scale. The birth date alone, and the folded name alone, were the rules
     * once: about 340 people in 10 million share a date and thousands share a common name, which made billions
     * of pairs at 10 million records. Now a date meets only with a part of the name: the same words in any order,
     * the same given name, or the same family and middle names and the given name's first letter, so one typo in
     * one word still meets. The identity number meets alone.
     */
    private static LinkageModel.Builder common(Mode mode) {
        return LinkageModel.builder("national-people", mode)
                .blocking(
                        "l.personal_id = r.personal_id",
                        "l.name_sorted = r.name_sorted AND l.birth_date = r.birth_date",
                        "l.birth_date = r.birth_date AND l.name_given = r.name_given",
                        "l.birth_date = r.birth_date AND l.name_rest = r.name_rest"
                                + " AND left(l.name_given, 1) = left(r.name_given, 1)")
                .comparison(
                        "name",
                        "name_key",
                        Level.exactWithTermFrequency(),
                        Level.of(LevelKind.JARO_WINKLER, 0.92),
                        Level.of(LevelKind.JARO_WINKLER, 0.8))
                .comparison(
                        "dob",
                        "birth_date",
                        Level.of(LevelKind.EXACT),
                        Level.of(LevelKind.DATE_DAY_MONTH_SWAPPED),
                        Level.of(LevelKind.DATE_ONE_COMPONENT))
                .comparison(
                        "cccd",
                        "personal_id",
                        Level.of(LevelKind.EXACT),
                        Level.of(LevelKind.ID_ONE_DIGIT),
                        Level.of(LevelKind.ID_TRANSPOSITION))
                .comparison("sex", "sex", Level.of(LevelKind.EXACT))
                .training(Training.defaults().withDeterministicRules(List.of("l.personal_id = r.personal_id")))
                .clustering(new Clustering(0.9, "personal_id", true));
    }
}
