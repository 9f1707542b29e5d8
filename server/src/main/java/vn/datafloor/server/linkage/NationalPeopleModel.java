package vn.datafloor.server.linkage;

import java.nio.file.Path;
import java.util.List;
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

    /** Every person record against every other, in one file. */
    static LinkageModel dedupe(Path people) {
        return common(Mode.DEDUPE).input("people", people, RECORD_KEY).build();
    }

    /** New records (left) against the register's records (right), same comparisons as the full build. */
    static LinkageModel link(Path fresh, Path register) {
        return common(Mode.LINK)
                .input("new", fresh, RECORD_KEY)
                .input("register", register, RECORD_KEY)
                .build();
    }

    private static LinkageModel.Builder common(Mode mode) {
        return LinkageModel.builder("national-people", mode)
                .blocking("l.birth_date = r.birth_date", "l.personal_id = r.personal_id", "l.name_key = r.name_key")
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
