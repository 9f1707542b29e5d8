package vn.datafloor.integration.connect;

import java.util.List;

/**
 * A source read into the run's DuckDB as table {@code source_rows} (every column VARCHAR) and its
 * unreadable records as {@code source_rejects(line, reason, raw)}.
 *
 * @param fingerprint SHA-256 of what was read, so that a re-run over the same input can be recognised
 * @param watermark jdbc with a watermark column: the highest value read, to start from next time
 */
public record LoadedSource(
        long rows,
        long rejected,
        List<String> columns,
        String fingerprint,
        String encoding,
        List<String> warnings,
        String watermark) {}
