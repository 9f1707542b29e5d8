package vn.datafloor.integration.lake;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a dataset version holds. Written last, into the version's directory, before the directory
 * is renamed into place: a version without a manifest does not exist.
 *
 * @param inputFingerprint SHA-256 of the input read; with {@code specFingerprint} it makes re-runs idempotent
 * @param lineage where the rows came from: source, pipeline, run
 */
public record LakeManifest(
        String dataset,
        int version,
        Instant createdAt,
        long rowCount,
        List<Column> columns,
        List<String> files,
        String inputFingerprint,
        String specFingerprint,
        String runId,
        Map<String, String> lineage,
        Diff diff) {

    /** Immutable: the lake hands one parsed manifest to every reader of its version. */
    public LakeManifest {
        columns = columns == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(columns));
        files = files == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(files));
        // As read: in order, nulls kept, so the manifest is written back the same.
        lineage =
                lineage == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lineage));
    }

    public record Column(String name, String type) {}

    /** Compared with the previous version by key: rows only here, only there, and changed. */
    public record Diff(Integer previousVersion, long added, long removed, long changed) {}
}
