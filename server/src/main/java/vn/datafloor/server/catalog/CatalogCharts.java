package vn.datafloor.server.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import vn.datafloor.integration.pipeline.PipelineSpec.Dimension;
import vn.datafloor.server.integration.DatasetService;

/**
 * Geometry of the dataset page's two pictures, computed here so the template only draws: the quality
 * trend across versions and the lineage graph from sources to derived datasets.
 */
public final class CatalogCharts {

    private CatalogCharts() {}

    static final int TREND_WIDTH = 560;
    static final int TREND_HEIGHT = 180;
    private static final int LEFT = 36;
    private static final int RIGHT = 12;
    private static final int TOP = 10;
    private static final int BOTTOM = 24;

    /** One line of the trend: a dimension (or the overall score) with its SVG points and last value. */
    public record Series(String name, String points, double last, List<Point> dots) {}

    /** One version's score, drawn as a dot so a single version still shows. */
    public record Point(double x, double y) {}

    /** A labelled tick on the x axis. */
    public record Tick(double x, String label) {}

    /** A horizontal grid line at a score. */
    public record Grid(double y, int score) {}

    public record Trend(List<Series> series, List<Tick> ticks, int width, int height) {
        public List<Grid> grid() {
            return List.of(new Grid(y(0), 0), new Grid(y(50), 50), new Grid(y(100), 100));
        }

        public boolean empty() {
            return series.isEmpty();
        }

        /** A line needs two versions at least: one score is shown as a number, never as a one-dot "chart". */
        public boolean chartable() {
            return ticks.size() >= 2;
        }
    }

    /** Scores 0–100 per version that has a quality report; versions without one (uploads) are skipped. */
    static Trend qualityTrend(List<DatasetService.VersionFacts> history) {
        List<DatasetService.VersionFacts> scored =
                history.stream().filter(v -> v.quality() != null).toList();
        if (scored.size() > 30) {
            scored = scored.subList(scored.size() - 30, scored.size());
        }
        if (scored.isEmpty()) {
            return new Trend(List.of(), List.of(), TREND_WIDTH, TREND_HEIGHT);
        }
        Map<String, List<Double>> values = new LinkedHashMap<>();
        values.put("overall", new ArrayList<>());
        for (Dimension d : Dimension.values()) {
            values.put(d.name().toLowerCase(Locale.ROOT), new ArrayList<>());
        }
        for (DatasetService.VersionFacts v : scored) {
            values.get("overall").add(v.quality().overallScore());
            for (Dimension d : Dimension.values()) {
                Double score = v.quality().scores().get(d);
                values.get(d.name().toLowerCase(Locale.ROOT)).add(score);
            }
        }
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            ticks.add(new Tick(x(i, scored.size()), "v" + scored.get(i).version()));
        }
        List<Series> series = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : values.entrySet()) {
            StringBuilder points = new StringBuilder();
            List<Point> dots = new ArrayList<>();
            Double last = null;
            for (int i = 0; i < e.getValue().size(); i++) {
                Double score = e.getValue().get(i);
                if (score == null) {
                    continue;
                }
                points.append(points.length() == 0 ? "" : " ")
                        .append(fmt(x(i, scored.size())))
                        .append(',')
                        .append(fmt(y(score)));
                dots.add(new Point(Math.round(x(i, scored.size()) * 10) / 10.0, Math.round(y(score) * 10) / 10.0));
                last = score;
            }
            if (last != null) {
                series.add(new Series(e.getKey(), points.toString(), Math.round(last * 10) / 10.0, dots));
            }
        }
        return new Trend(series, ticks, TREND_WIDTH, TREND_HEIGHT);
    }

    static double y(double score) {
        return TOP + (100 - Math.max(0, Math.min(100, score))) / 100 * (TREND_HEIGHT - TOP - BOTTOM);
    }

    private static double x(int i, int n) {
        double span = TREND_WIDTH - LEFT - RIGHT;
        return n == 1 ? LEFT + span / 2 : LEFT + span * i / (n - 1);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A box of the lineage graph; {@code href} null when there is nothing the reader may open. */
    public record Node(String id, int column, double x, double y, String label, String kind, String href) {}

    public record Edge(double x1, double y1, double x2, double y2) {}

    public record Graph(List<Node> nodes, List<Edge> edges, int width, int height) {}

    static final int NODE_WIDTH = 180;
    static final int NODE_HEIGHT = 30;
    private static final int COLUMN_GAP = 50;
    private static final int ROW_GAP = 12;

    /**
     * Sources (and input datasets) → runs → versions → derived datasets. The newest eight versions
     * are drawn; {@code inputs} and {@code derived} map labels to the pages they link to.
     */
    static Graph lineage(
            List<DatasetService.VersionFacts> history,
            Map<String, Optional<String>> inputs,
            Map<String, String> derived,
            boolean linkRuns) {
        List<DatasetService.VersionFacts> shown =
                history.size() > 8 ? history.subList(history.size() - 8, history.size()) : history;
        List<List<Node>> columns = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Map<String, Node> sources = new LinkedHashMap<>();
        List<Edge> edges = new ArrayList<>();
        List<Node[]> links = new ArrayList<>();
        for (Map.Entry<String, Optional<String>> input : inputs.entrySet()) {
            sources.computeIfAbsent(
                    "input:" + input.getKey(),
                    k -> add(
                            columns,
                            0,
                            k,
                            input.getKey(),
                            "dataset",
                            input.getValue().orElse(null)));
        }
        for (DatasetService.VersionFacts v : shown) {
            String source = v.lineage() == null ? null : v.lineage().get("source");
            Node sourceNode = source == null
                    ? null
                    : sources.computeIfAbsent("source:" + source, k -> add(columns, 0, k, source, "source", null));
            Node version =
                    add(columns, 2, "version:" + v.version(), "v" + v.version() + " · " + v.rows(), "version", null);
            String pipeline = v.lineage() == null ? null : v.lineage().get("pipeline");
            Node run = null;
            if (v.runId() != null && !"upload".equals(v.runId())) {
                // The run's short id, marked as an id ("#34740015" is not a count), after its pipeline's name if known.
                String shortId = v.runId().substring(0, Math.min(8, v.runId().length()));
                String label = pipeline != null ? pipeline + " · #" + shortId : "#" + shortId;
                run = add(
                        columns,
                        1,
                        "run:" + v.runId(),
                        label,
                        "run",
                        linkRuns && pipeline != null ? "/integration/runs/" + v.runId() : null);
            }
            Node before = run != null ? run : sourceNode;
            if (sourceNode != null && run != null) {
                links.add(new Node[] {sourceNode, run});
            }
            if (before != null) {
                links.add(new Node[] {before, version});
            }
            if (run != null && v == shown.get(shown.size() - 1)) {
                for (Node input : sources.values()) {
                    if ("dataset".equals(input.kind())) {
                        links.add(new Node[] {input, run});
                    }
                }
            }
        }
        if (!shown.isEmpty()) {
            Node latest = columns.get(2).get(columns.get(2).size() - 1);
            for (Map.Entry<String, String> d : derived.entrySet()) {
                links.add(new Node[] {
                    latest, add(columns, 3, "derived:" + d.getKey(), d.getKey(), "dataset", d.getValue())
                });
            }
        }
        int rows = columns.stream().mapToInt(List::size).max().orElse(1);
        int height = Math.max(1, rows) * (NODE_HEIGHT + ROW_GAP) + ROW_GAP;
        List<Node> nodes = new ArrayList<>();
        Map<String, Node> placed = new LinkedHashMap<>();
        for (List<Node> column : columns) {
            double offset = (height - column.size() * (NODE_HEIGHT + ROW_GAP) + ROW_GAP) / 2.0;
            for (int i = 0; i < column.size(); i++) {
                Node n = column.get(i);
                Node p = new Node(
                        n.id(),
                        n.column(),
                        4 + n.column() * (NODE_WIDTH + COLUMN_GAP),
                        offset + i * (NODE_HEIGHT + ROW_GAP),
                        n.label(),
                        n.kind(),
                        n.href());
                nodes.add(p);
                placed.put(p.id(), p);
            }
        }
        for (Node[] link : links) {
            Node a = placed.get(link[0].id());
            Node b = placed.get(link[1].id());
            edges.add(new Edge(a.x() + NODE_WIDTH, a.y() + NODE_HEIGHT / 2.0, b.x(), b.y() + NODE_HEIGHT / 2.0));
        }
        return new Graph(nodes, edges, 4 * (NODE_WIDTH + COLUMN_GAP), height);
    }

    private static Node add(List<List<Node>> columns, int column, String id, String label, String kind, String href) {
        String shortLabel = label.length() > 26 ? label.substring(0, 25) + "…" : label;
        Node node = new Node(id, column, 0, 0, shortLabel, kind, href);
        columns.get(column).add(node);
        return node;
    }
}
