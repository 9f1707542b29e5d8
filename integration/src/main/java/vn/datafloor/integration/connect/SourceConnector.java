package vn.datafloor.integration.connect;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of source: what its settings are, how they are checked, and how its rows reach the
 * run's DuckDB. {@link SourceConnectors} lists every kind; nothing else names them.
 *
 * <p>A connector adds no path around the platform's guards: a file kind reads only inside the run's
 * input directory and within {@link InputLimits}; a network kind reaches hosts only through
 * {@link NetworkPolicy} ({@link GuardedHttp} for HTTP, {@link JdbcSources} for databases).
 *
 * @param <S> the kind's settings record
 */
public interface SourceConnector<S extends SourceSettings> {

    /** What a source of this kind reaches, which decides the guards it goes through. */
    enum Reach {
        /** A file the organisation uploaded, in its inbox (or the run's input directory). */
        UPLOADED_FILE,
        /** A server on the network, vetted by the organisation's {@link NetworkPolicy}. */
        NETWORK
    }

    /** The name users write: {@code type:} in a spec, {@code type} in the API. Lower case. */
    String kind();

    Class<S> settingsType();

    /** Every setting the kind takes, in the order a form shows them. */
    List<Setting> settings();

    Reach reach();

    /**
     * Builds the settings from the generic key → value map (blank values count as absent).
     *
     * @throws SettingsException naming every field that is missing or wrong; never quoting a secret
     */
    S parse(Map<String, String> values);

    /**
     * Checks settings as a steward registers them, before the values supplied later exist: the file
     * (uploaded afterwards) and the secret (sealed apart from the settings).
     */
    default S parseForRegistration(Map<String, String> values) {
        Map<String, String> withStandIns = new HashMap<>(values);
        for (Setting setting : settings()) {
            if (setting.supply() == Setting.Supply.UPLOAD) {
                withStandIns.put(setting.name(), "upload");
            }
        }
        return parse(withStandIns);
    }

    /** File name endings this kind reads, for uploads that say what they are by name. */
    default List<String> fileExtensions() {
        return List.of();
    }

    /**
     * Checks an uploaded file before it is kept: what its packing says it expands to. Rows and
     * columns are counted again when it is read, so a stored file can never publish past a limit.
     *
     * @throws InputLimitException naming the limit
     * @throws SourceException when the file is not what the kind says
     */
    default void checkUpload(Path file, String shownName, InputLimits limits) throws IOException {}

    /**
     * Reads the source into the run's DuckDB as table {@code source_rows} (all VARCHAR) with the rows it
     * could not read in {@code source_rejects}.
     *
     * @param staging the run's DuckDB, directories, limits, network policy and credentials
     * @param lastWatermark where the previous incremental run stopped, or null
     */
    LoadedSource load(S settings, SourceLoader staging, String lastWatermark) throws SQLException, IOException;
}
