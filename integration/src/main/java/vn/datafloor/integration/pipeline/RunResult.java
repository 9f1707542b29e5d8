package vn.datafloor.integration.pipeline;

import java.nio.file.Path;
import java.util.List;
import vn.datafloor.integration.lake.DatasetVersion;

/**
 * What a successful run produced. rowsIn = rowsPublished + rowsQuarantined, always (the runner
 * refuses to publish otherwise).
 *
 * @param reused true when the input and spec were unchanged since the latest version, which was kept
 * @param quarantine Parquet file with the quarantined rows and their reasons (null when none)
 */
public record RunResult(
        DatasetVersion version,
        boolean reused,
        long rowsIn,
        long rowsPublished,
        long rowsQuarantined,
        QualityReport report,
        Path quarantine,
        String watermark,
        String encoding,
        List<String> warnings) {}
