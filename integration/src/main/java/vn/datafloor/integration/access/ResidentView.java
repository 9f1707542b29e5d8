package vn.datafloor.integration.access;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A small permitted view held in memory, so the REST channel's unfiltered pages are slices of it
 * instead of DuckDB statements.
 *
 * <p>Why: a page of twenty rows cost DuckDB about a millisecond of CPU (planning a statement whose
 * limit and offset are bound costs far more than reading twenty rows), the largest share of a
 * delivery's cost under load. The rows held here are the session's hidden table as it was
 * materialised at opening — masks computed, row filters and consent applied — and that table never
 * changes while the session lives (a consent change or a new version opens another session). So a
 * slice answers exactly what the statement would: the same rows in the same order ({@code rowid}),
 * the same values as {@link AccessSession} reads them, the same byte count for metering. Filters
 * still run in DuckDB, whose comparison rules they follow; only a view of at most {@link #MAX_ROWS}
 * rows and {@link #MAX_BYTES} bytes of values is held.
 */
final class ResidentView {

    /** The most rows a view may have to be held. */
    static final int MAX_ROWS = 20_000;

    /** The most bytes of values (as metering counts them) a view may have to be held. */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    private final List<String> columns;
    private final Object[][] rows;
    private final int[][] bytes;
    private final String[] subjects;

    /**
     * {@code columns} as DuckDB labels them, {@code rows} of values as {@link AccessSession} reads them
     * and, per row, its data subject (null when the row has none).
     */
    ResidentView(List<String> columns, List<List<Object>> rows, List<String> subjects) {
        if (rows.size() != subjects.size()) {
            throw new IllegalArgumentException("one subject per row");
        }
        this.columns = List.copyOf(columns);
        this.rows = new Object[rows.size()][];
        this.bytes = new int[rows.size()][];
        for (int r = 0; r < rows.size(); r++) {
            List<Object> row = rows.get(r);
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("a row has " + row.size() + " values for " + columns.size());
            }
            this.rows[r] = row.toArray();
            this.bytes[r] = new int[row.size()];
            for (int c = 0; c < row.size(); c++) {
                this.bytes[r][c] = byteCount(this.rows[r][c]);
            }
        }
        this.subjects = subjects.toArray(String[]::new);
    }

    /** The bytes metering counts for a value, as {@link AccessSession} counts those it reads. */
    static int byteCount(Object value) {
        return value == null ? 4 : value.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    int size() {
        return rows.length;
    }

    /**
     * Rows {@code offset} to {@code offset + cap - 1} with the {@code selected} columns (names as
     * the view lists them), into {@code page}; {@code truncated} when a row follows.
     */
    void slice(List<String> selected, int offset, int cap, AccessSession.Page page) {
        int[] indexes = new int[selected.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = columns.indexOf(selected.get(i));
            if (indexes[i] < 0) {
                throw new IllegalArgumentException("not a column of the view: " + selected.get(i));
            }
            page.columns.add(columns.get(indexes[i]));
        }
        int end = (int) Math.min(rows.length, (long) offset + cap);
        for (int r = offset; r < end; r++) {
            Object[] values = new Object[indexes.length];
            for (int i = 0; i < indexes.length; i++) {
                values[i] = rows[r][indexes[i]];
                page.bytes += bytes[r][indexes[i]];
            }
            page.rows.add(Collections.unmodifiableList(Arrays.asList(values)));
            if (subjects[r] != null) {
                page.subjects.add(subjects[r]);
            }
        }
        page.truncated = offset < rows.length && (long) offset + cap < rows.length;
    }
}
