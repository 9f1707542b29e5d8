package vn.datafloor.server.catalog;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import vn.datafloor.server.platform.ProblemException;

/**
 * What a reader asked the explorer, as a tree of choices rather than text: filters (a column compared by
 * one of three operators), an optional group column, an aggregate with its measure, and a chart. It lives
 * in the query string, so a link shares it: filter {@code i} is {@code c<i>} (column), {@code o<i>}
 * (operator), {@code v<i>} (value, or the range's lower bound) and {@code t<i>} (the range's upper bound);
 * then {@code group}, {@code agg}, {@code measure} and {@code chart}. Column names here are only what the
 * reader typed: {@link DatasetExplorer} accepts them only when they equal a column of the dataset's schema.
 */
public record ExploreQuery(List<Filter> filters, String group, Aggregate aggregate, String measure, Chart chart) {

    /** At most this many filters, so the form and the query stay small. */
    public static final int MAX_FILTERS = 5;

    /** Longest value or column name accepted: enough for any real name or code, too short for mischief. */
    static final int MAX_TEXT = 200;

    public enum Operator {
        /** The column equals the value (typed as the column). */
        EQ,
        /** The text column contains the value, ignoring case and Vietnamese marks. */
        CONTAINS,
        /** The numeric or date column lies between the bounds, each inclusive and optional. */
        RANGE
    }

    public enum Aggregate {
        COUNT,
        SUM,
        MEAN
    }

    public enum Chart {
        BAR,
        LINE,
        MAP
    }

    /** One condition; {@code to} is used by {@link Operator#RANGE} only. */
    public record Filter(String column, Operator operator, String value, String to) {
        public String op() {
            return operator.name().toLowerCase(Locale.ROOT);
        }
    }

    public ExploreQuery {
        filters = List.copyOf(filters);
        group = blankToNull(group);
        measure = blankToNull(measure);
        aggregate = aggregate == null ? Aggregate.COUNT : aggregate;
        chart = chart == null ? Chart.BAR : chart;
        if (aggregate == Aggregate.COUNT) {
            measure = null;
        }
    }

    /** The explorer's starting point: every row counted. */
    public static ExploreQuery everything() {
        return new ExploreQuery(List.of(), null, Aggregate.COUNT, null, Chart.BAR);
    }

    /**
     * Reads the query string. Unknown operators, aggregates or charts and overlong texts are refused (400)
     * without echoing what was sent; a filter row without a column or without any value is skipped, as an
     * empty row of the form is.
     */
    public static ExploreQuery parse(Map<String, List<String>> params) {
        List<Filter> filters = new ArrayList<>();
        for (int i = 1; i <= MAX_FILTERS + 1; i++) {
            String column = blankToNull(first(params, "c" + i));
            String value = first(params, "v" + i);
            String to = first(params, "t" + i);
            Operator operator = parseEnum(Operator.class, first(params, "o" + i), Operator.EQ, "o" + i);
            if (column == null || (isBlank(value) && (operator != Operator.RANGE || isBlank(to)))) {
                continue;
            }
            if (filters.size() == MAX_FILTERS) {
                throw ProblemException.badRequest(
                        "explorer.tooManyFilters", "At most " + MAX_FILTERS + " filters", MAX_FILTERS);
            }
            filters.add(new Filter(
                    column,
                    operator,
                    isBlank(value) ? null : value.strip(),
                    operator == Operator.RANGE && !isBlank(to) ? to.strip() : null));
        }
        return new ExploreQuery(
                filters,
                first(params, "group"),
                parseEnum(Aggregate.class, first(params, "agg"), Aggregate.COUNT, "agg"),
                first(params, "measure"),
                parseEnum(Chart.class, first(params, "chart"), Chart.BAR, "chart"));
    }

    /** The query string that {@link #parse} reads back as this query: the shareable link. */
    public String toQueryString() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            Filter f = filters.get(i);
            int n = i + 1;
            parts.add(param("c" + n, f.column()));
            parts.add(param("o" + n, f.op()));
            if (f.value() != null) {
                parts.add(param("v" + n, f.value()));
            }
            if (f.to() != null) {
                parts.add(param("t" + n, f.to()));
            }
        }
        if (group != null) {
            parts.add(param("group", group));
        }
        parts.add(param("agg", aggregate.name().toLowerCase(Locale.ROOT)));
        if (measure != null) {
            parts.add(param("measure", measure));
        }
        parts.add(param("chart", chart.name().toLowerCase(Locale.ROOT)));
        return String.join("&", parts);
    }

    /** The same query drawn as another chart (the page's chart switcher). */
    public ExploreQuery withChart(Chart other) {
        return new ExploreQuery(filters, group, aggregate, measure, other);
    }

    public String agg() {
        return aggregate.name().toLowerCase(Locale.ROOT);
    }

    public String chartName() {
        return chart.name().toLowerCase(Locale.ROOT);
    }

    private static String param(String name, String value) {
        // Spaces as %20, not "+": every reader of a URL decodes %20, not all of them decode "+" in a query.
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        String value = values.get(0);
        if (value != null && value.length() > MAX_TEXT) {
            throw ProblemException.badRequest(
                    "explorer.tooLong", name + " is longer than " + MAX_TEXT + " characters", name, MAX_TEXT);
        }
        return value;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String text, E fallback, String name) {
        if (isBlank(text)) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text.strip())) {
                return e;
            }
        }
        throw ProblemException.badRequest("explorer.badChoice", name + " has no such choice", name);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return isBlank(s) ? null : s.strip();
    }
}
