package vn.datafloor.server.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Geometry of the explorer's three pictures, computed here so the template only draws SVG: bars (one per
 * group, longest first), a line over the groups in their natural order, and the tile map of the 34
 * provinces coloured in five classes. Numbers are formatted by the template, in the reader's language.
 */
public final class ExplorerCharts {

    private ExplorerCharts() {}

    /** Bars drawn at most; the table under the chart lists every group. */
    static final int MAX_BARS = 40;

    static final int BAR_WIDTH = 360;
    static final int BAR_LABEL = 130;
    static final int BAR_ROW = 24;

    /** One bar: the group's label (shortened to fit; {@code full} in its tooltip) and its length. */
    public record Bar(String label, String full, Double value, double y, double length) {}

    public record Bars(List<Bar> bars, int width, int height, boolean cut) {
        /** Where the bars start, right of the labels. */
        public int barX() {
            return BAR_LABEL;
        }

        public int shown() {
            return MAX_BARS;
        }
    }

    static Bars bars(List<DatasetExplorer.Group> groups, String emptyLabel) {
        List<DatasetExplorer.Group> shown = groups.subList(0, Math.min(groups.size(), MAX_BARS));
        double max = shown.stream()
                .map(DatasetExplorer.Group::value)
                .filter(v -> v != null)
                .mapToDouble(v -> Math.abs(v))
                .max()
                .orElse(0);
        double room = BAR_WIDTH - BAR_LABEL - 70;
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            DatasetExplorer.Group g = shown.get(i);
            String full = g.key() == null ? emptyLabel : g.key();
            double length = g.value() == null || max == 0 ? 0 : Math.max(1, room * Math.abs(g.value()) / max);
            bars.add(new Bar(shorten(full, 20), full, g.value(), 4 + i * BAR_ROW, round(length)));
        }
        return new Bars(bars, BAR_WIDTH, 8 + shown.size() * BAR_ROW, groups.size() > shown.size());
    }

    static final int LINE_WIDTH = 560;
    static final int LINE_HEIGHT = 220;
    private static final int LEFT = 8;
    private static final int RIGHT = 8;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;

    public record Tick(double x, String label) {}

    public record Dot(double x, double y, String label, Double value) {}

    /** The line: its points, a dot per group (with a tooltip), the first, middle and last labels, min and max. */
    public record Line(
            String points, List<Dot> dots, List<Tick> ticks, Double min, Double max, int width, int height) {}

    static Line line(List<DatasetExplorer.Group> groups, String emptyLabel) {
        List<DatasetExplorer.Group> valued =
                groups.stream().filter(g -> g.value() != null).toList();
        double min =
                valued.stream().mapToDouble(DatasetExplorer.Group::value).min().orElse(0);
        double max =
                valued.stream().mapToDouble(DatasetExplorer.Group::value).max().orElse(0);
        // A baseline at zero unless the values go below it: heights then compare honestly.
        double low = Math.min(0, min);
        double span = max - low == 0 ? 1 : max - low;
        StringBuilder points = new StringBuilder();
        List<Dot> dots = new ArrayList<>();
        int n = valued.size();
        for (int i = 0; i < n; i++) {
            DatasetExplorer.Group g = valued.get(i);
            double x = n == 1 ? LINE_WIDTH / 2.0 : LEFT + (LINE_WIDTH - LEFT - RIGHT) * (double) i / (n - 1);
            double y = TOP + (max - g.value()) / span * (LINE_HEIGHT - TOP - BOTTOM);
            points.append(points.length() == 0 ? "" : " ")
                    .append(fmt(x))
                    .append(',')
                    .append(fmt(y));
            dots.add(new Dot(round(x), round(y), g.key() == null ? emptyLabel : g.key(), g.value()));
        }
        List<Tick> ticks = new ArrayList<>();
        if (n > 0) {
            for (int i : n == 1 ? new int[] {0} : n == 2 ? new int[] {0, 1} : new int[] {0, (n - 1) / 2, n - 1}) {
                ticks.add(new Tick(dots.get(i).x(), shorten(dots.get(i).label(), 12)));
            }
        }
        return new Line(
                points.toString(),
                dots,
                ticks,
                valued.isEmpty() ? null : min,
                valued.isEmpty() ? null : max,
                LINE_WIDTH,
                LINE_HEIGHT);
    }

    static final int TILE = 44;
    static final int CLASSES = 5;

    /** A province's square, with its class (0–4, or -1 without a value) and its value. */
    public record MapTile(
            String code, String name, String label, double x, double y, int shade, Double value, Long rows) {}

    /** A legend entry: values from {@code low} to {@code high} have this shade. */
    public record Legend(int shade, double low, double high) {}

    /** The tile map, its legend, and the group values that name no province (listed under the map). */
    public record TileMap(List<MapTile> tiles, List<Legend> legend, List<String> unplaced, int width, int height) {}

    static TileMap provinceMap(List<DatasetExplorer.Group> groups, String emptyLabel) {
        Map<String, Double> values = new HashMap<>();
        Map<String, Long> rows = new HashMap<>();
        List<String> unplaced = new ArrayList<>();
        for (DatasetExplorer.Group g : groups) {
            if (g.province() == null) {
                unplaced.add(g.key() == null ? emptyLabel : g.key());
                continue;
            }
            // Two spellings of one province ("Huế", "46") are one tile: counts and sums add up; a mean
            // cannot be combined without its counts, so the service never marks means of such groups.
            rows.merge(g.province(), g.rows(), Long::sum);
            if (g.value() != null) {
                values.merge(g.province(), g.value(), Double::sum);
            }
        }
        double min =
                values.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max =
                values.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        List<Legend> legend = new ArrayList<>();
        if (!values.isEmpty()) {
            double step = (max - min) / CLASSES;
            for (int i = 0; i < CLASSES; i++) {
                legend.add(new Legend(i, min + step * i, i == CLASSES - 1 ? max : min + step * (i + 1)));
                if (step == 0) {
                    break;
                }
            }
        }
        List<MapTile> tiles = new ArrayList<>();
        for (ProvinceTiles.Tile t : ProvinceTiles.tiles()) {
            Double value = values.get(t.code());
            int shade = value == null ? -1 : shade(value, min, max);
            tiles.add(new MapTile(
                    t.code(),
                    t.name(),
                    t.label(),
                    t.column() * TILE,
                    t.row() * TILE,
                    shade,
                    value,
                    rows.get(t.code())));
        }
        return new TileMap(tiles, legend, unplaced, ProvinceTiles.COLUMNS * TILE, ProvinceTiles.ROWS * TILE);
    }

    static int shade(double value, double min, double max) {
        if (max == min) {
            return 0;
        }
        return (int) Math.min(CLASSES - 1, Math.floor((value - min) / (max - min) * CLASSES));
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
