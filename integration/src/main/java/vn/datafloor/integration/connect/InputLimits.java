package vn.datafloor.integration.connect;

/**
 * How much a source file may hold once it is read, as opposed to how many bytes it has on disk: a
 * 400 KB workbook can expand to gigabytes of XML. Every file reader checks these before it spends the
 * CPU, and a file over any of them is refused with an {@link InputLimitException} naming the limit.
 *
 * @param maxDecompressedBytes what all parts of an archive (xlsx) together, or a Parquet file's
 *     column chunks (as its footer declares them), may expand to
 * @param maxRows records in one source
 * @param maxColumns columns in one source
 * @param maxCellBytes bytes of one cell's text (an xlsx cell, a shared string)
 * @param maxZipEntries entries in an archive (xlsx)
 * @param maxCompressionRatio how many times larger than its compressed size an archive entry may
 *     expand, for entries larger than {@link #RATIO_GRACE_BYTES}
 */
public record InputLimits(
        long maxDecompressedBytes,
        long maxRows,
        int maxColumns,
        int maxCellBytes,
        int maxZipEntries,
        int maxCompressionRatio) {

    /**
     * Entries smaller than this are never refused for their ratio: a small, very regular part (styles,
     * an empty sheet) compresses well beyond 100:1 without being a bomb.
     */
    public static final long RATIO_GRACE_BYTES = 1L << 20;

    /** 2 GiB expanded, 50 million rows, 2,000 columns, 1 MiB a cell, 10,000 entries, 100:1 (as Apache POI). */
    public static final InputLimits DEFAULTS = new InputLimits(2L << 30, 50_000_000L, 2_000, 1 << 20, 10_000, 100);

    public InputLimits {
        if (maxDecompressedBytes <= 0
                || maxRows <= 0
                || maxColumns <= 0
                || maxCellBytes <= 0
                || maxZipEntries <= 0
                || maxCompressionRatio <= 0) {
            throw new IllegalArgumentException("Every input limit must be positive");
        }
    }

    public InputLimits withMaxDecompressedBytes(long value) {
        return new InputLimits(value, maxRows, maxColumns, maxCellBytes, maxZipEntries, maxCompressionRatio);
    }

    public InputLimits withMaxRows(long value) {
        return new InputLimits(
                maxDecompressedBytes, value, maxColumns, maxCellBytes, maxZipEntries, maxCompressionRatio);
    }

    public InputLimits withMaxColumns(int value) {
        return new InputLimits(maxDecompressedBytes, maxRows, value, maxCellBytes, maxZipEntries, maxCompressionRatio);
    }

    public InputLimits withMaxCellBytes(int value) {
        return new InputLimits(maxDecompressedBytes, maxRows, maxColumns, value, maxZipEntries, maxCompressionRatio);
    }

    public InputLimits withMaxZipEntries(int value) {
        return new InputLimits(maxDecompressedBytes, maxRows, maxColumns, maxCellBytes, value, maxCompressionRatio);
    }

    public InputLimits withMaxCompressionRatio(int value) {
        return new InputLimits(maxDecompressedBytes, maxRows, maxColumns, maxCellBytes, maxZipEntries, value);
    }
}
