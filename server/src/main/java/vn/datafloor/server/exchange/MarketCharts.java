package vn.datafloor.server.exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Charts drawn on the server as inline SVG (no script, which the Content-Security-Policy forbids
 * inline anyway): the figures are turned into coordinates here and the templates only draw them.
 */
public final class MarketCharts {

    private MarketCharts() {}

    /** One column of a chart over time; {@code labelled}: its label is written under the axis. */
    public record Column(String label, long value, int x, int y, int width, int height, boolean labelled) {

        /** The label under the axis: "06/12" for a day, "12/2026" for a month. */
        public String tick() {
            String[] parts = label.split("-");
            return parts.length == 3
                    ? parts[2] + "/" + parts[1]
                    : parts.length == 2 ? parts[1] + "/" + parts[0] : label;
        }

        /** Where the label's middle is. */
        public int middle() {
            return x + width / 2;
        }
    }

    /** A column chart: its size, where the axis is, the largest value and the columns. */
    public record Columns(int width, int height, int axis, long max, List<Column> columns) {
        public boolean empty() {
            return max == 0;
        }
    }

    /** One row of a horizontal bar chart. */
    public record Row(String label, long value, int width) {}

    static final int WIDTH = 640;
    static final int HEIGHT = 200;
    static final int LEFT = 8;
    static final int AXIS = 170;
    static final int BAR_SPACE = 380;

    /** Values over time as columns; about a dozen labels whatever the number of columns. */
    public static Columns columns(List<String> labels, List<Long> values) {
        long max = values.stream().mapToLong(v -> Math.max(0, v)).max().orElse(0);
        int n = Math.max(1, labels.size());
        int slot = Math.max(1, (WIDTH - 2 * LEFT) / n);
        int gap = slot > 6 ? Math.max(1, slot / 5) : 0;
        int every = Math.max(1, (int) Math.ceil(n / 12.0));
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            long value = Math.max(0, values.get(i));
            int height = max == 0 ? 0 : (int) Math.max(value > 0 ? 1 : 0, value * (AXIS - 10) / max);
            columns.add(new Column(
                    labels.get(i),
                    values.get(i),
                    LEFT + i * slot,
                    AXIS - height,
                    Math.max(1, slot - gap),
                    height,
                    i % every == 0));
        }
        return new Columns(WIDTH, HEIGHT, AXIS, max, columns);
    }

    /** Labelled values as horizontal bars, the longest filling the chart's width. */
    public static List<Row> rows(List<String> labels, List<Long> values) {
        long max = values.stream().mapToLong(v -> Math.max(0, v)).max().orElse(0);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            long value = Math.max(0, values.get(i));
            rows.add(new Row(labels.get(i), values.get(i), max == 0 ? 0 : (int) (value * BAR_SPACE / max)));
        }
        return rows;
    }
}
