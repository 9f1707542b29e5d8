package vn.datafloor.integration.lake;

import java.nio.file.Path;
import java.util.List;

/** An immutable, published version of a dataset: Parquet files plus their manifest. */
public record DatasetVersion(String dataset, int version, Path directory, LakeManifest manifest) {

    /** The Parquet files, for {@code read_parquet([...])}. */
    public List<Path> files() {
        return manifest.files().stream().map(directory::resolve).toList();
    }

    /** A DuckDB table expression reading this version. */
    public String readExpression() {
        StringBuilder sql = new StringBuilder("read_parquet([");
        List<Path> files = files();
        for (int i = 0; i < files.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(DuckDbConnections.literal(files.get(i).toString()));
        }
        return sql.append("])").toString();
    }
}
