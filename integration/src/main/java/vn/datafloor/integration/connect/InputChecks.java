package vn.datafloor.integration.connect;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The checks a file passes before it is accepted at all, for an upload that is stored now and read
 * later: what its packing says it expands to (xlsx parts and ratios, a Parquet footer, a gzip
 * stream's content). Rows and columns of text formats are counted when the file is read
 * ({@link SourceLoader}), which refuses them again, so a stored file can never publish past a limit.
 */
public final class InputChecks {

    private InputChecks() {}

    /**
     * @param type the source kind; kinds that are not files pass (see {@link SourceConnector#checkUpload})
     * @param shownName the name the uploader gave, for messages
     * @throws InputLimitException naming the limit
     * @throws SourceException when the file is not what its type says (not a zip, not Parquet)
     */
    public static void check(Path file, String type, String shownName, InputLimits limits) throws IOException {
        SourceConnector<?> connector = SourceConnectors.find(type).orElse(null);
        if (connector != null) {
            connector.checkUpload(file, shownName, limits);
        }
    }
}
