package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.util.List;

/** An immutable, published version of a dataset: Parquet files plus their manifest. */
public record DatasetVersion(String dataset, int version, Path directory, LakeManifest manifest) {

    /** The Parquet files, for {@code read_parquet([...])}; encrypted when {@link #encrypted()}. */
    public List<Path> files() {
        return manifest.files().stream().map(directory::resolve).toList();
    }

    /** Whether the files are encrypted: read them through {@link Lake#clear}. */
    public boolean encrypted() {
        return LakeKeys.encrypted(this);
    }

    /**
     * A DuckDB table expression reading this version, when it is not encrypted. An encrypted version is
     * refused here with a clear message rather than handed to DuckDB, which would fail on its bytes:
     * its readers use {@link Lake#clear} and {@link ClearVersion#readExpression}.
     */
    public String readExpression() {
        if (encrypted()) {
            throw new LakeKeyException(dataset + " v" + version
                    + " is encrypted: only the readers allowed to decrypt it read it (Lake.clear)");
        }
        return readExpression(files());
    }

    static String readExpression(List<Path> files) {
        StringBuilder sql = new StringBuilder("read_parquet([");
        for (int i = 0; i < files.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(DuckDbConnections.literal(files.get(i).toString()));
        }
        return sql.append("])").toString();
    }
}
