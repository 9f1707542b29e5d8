package vn.datafloor.server.catalog;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.context.MessageSource;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemException;

/**
 * The explorer of an open dataset: a plain form whose every choice is in the query string (so the address is
 * the shareable link), the answer as a table and a server-drawn SVG chart, and the same answer as JSON.
 */
@Controller
class ExplorerPages {

    private final DatasetExplorer explorer;
    private final MessageSource messages;
    private final String publicUrl;

    ExplorerPages(DatasetExplorer explorer, MessageSource messages, DatafloorProperties properties) {
        this.explorer = explorer;
        this.messages = messages;
        String base = properties.publicUrl();
        this.publicUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    @GetMapping("/catalog/datasets/{slug}/explore")
    @Permit(Action.VIEW_PUBLIC)
    String page(
            Actor actor,
            @PathVariable String slug,
            @RequestParam MultiValueMap<String, String> params,
            Model model,
            Locale locale,
            HttpServletResponse response) {
        // Not open, or not visible: the error page says so (403 / 404), before anything else is read.
        CatalogEntry entry = explorer.openEntry(actor, slug);
        boolean english = "en".equals(locale.getLanguage());
        model.addAttribute("entry", entry);
        model.addAttribute("english", english);
        model.addAttribute("columns", explorer.columns(entry));
        model.addAttribute("maxGroups", DatasetExplorer.MAX_GROUPS);
        ExploreQuery query;
        try {
            query = ExploreQuery.parse(params);
        } catch (ProblemException e) {
            return refused(e, ExploreQuery.everything(), model, locale, response);
        }
        model.addAttribute("query", query);
        model.addAttribute("rows", formRows(query));
        DatasetExplorer.Result result;
        try {
            result = explorer.explore(actor, slug, query);
        } catch (ProblemException e) {
            if (e.status().is5xxServerError()) {
                throw e;
            }
            return refused(e, query, model, locale, response);
        }
        String empty = messages.getMessage("explorer.empty", null, locale);
        model.addAttribute("result", result);
        model.addAttribute(
                "share", publicUrl + "/catalog/datasets/" + entry.slug() + "/explore?" + query.toQueryString());
        model.addAttribute("api", "/api/catalog/datasets/" + entry.slug() + "/explore?" + query.toQueryString());
        Map<String, String> charts = new LinkedHashMap<>();
        for (ExploreQuery.Chart chart : ExploreQuery.Chart.values()) {
            if (chart != ExploreQuery.Chart.MAP || result.mappable()) {
                charts.put(
                        chart.name().toLowerCase(Locale.ROOT),
                        "/catalog/datasets/" + entry.slug() + "/explore?"
                                + query.withChart(chart).toQueryString());
            }
        }
        model.addAttribute("charts", query.group() == null ? Map.of() : charts);
        ExploreQuery.Chart drawn = query.chart();
        if (drawn == ExploreQuery.Chart.MAP && !result.mappable()) {
            model.addAttribute("notMappable", true);
            drawn = ExploreQuery.Chart.BAR;
        }
        model.addAttribute("drawn", drawn.name().toLowerCase(Locale.ROOT));
        if (query.group() != null) {
            switch (drawn) {
                case BAR -> model.addAttribute("bars", ExplorerCharts.bars(result.groups(), empty));
                case LINE -> model.addAttribute("line", ExplorerCharts.line(result.groups(), empty));
                case MAP -> model.addAttribute("map", ExplorerCharts.provinceMap(result.groups(), empty));
            }
        }
        return "catalog/explore";
    }

    /** The form again, with what was wrong in the reader's language and the refusal's status. */
    private String refused(
            ProblemException e, ExploreQuery query, Model model, Locale locale, HttpServletResponse response) {
        response.setStatus(e.status().value());
        model.addAttribute("query", query);
        model.addAttribute("rows", formRows(query));
        model.addAttribute("problem", messages.getMessage(e.messageKey(), e.messageArgs(), e.getMessage(), locale));
        model.addAttribute("charts", Map.of());
        return "catalog/explore";
    }

    /** The filters as the form shows them: those in force, then empty rows up to the limit (at least one). */
    static List<ExploreQuery.Filter> formRows(ExploreQuery query) {
        List<ExploreQuery.Filter> rows = new java.util.ArrayList<>(query.filters());
        int empty = rows.size() < ExploreQuery.MAX_FILTERS ? Math.max(1, 3 - rows.size()) : 0;
        for (int i = 0; i < empty && rows.size() < ExploreQuery.MAX_FILTERS; i++) {
            rows.add(new ExploreQuery.Filter("", ExploreQuery.Operator.EQ, null, null));
        }
        return rows;
    }

    @Operation(
            summary = "Explore open data: filters c1..c5 (column), o1..o5 (eq|contains|range), v1..v5 (value or "
                    + "lower bound), t1..t5 (upper bound); group (column); agg (count|sum|mean) with measure; "
                    + "chart (bar|line|map) orders the groups. At most 200 groups; columns tagged personal refused")
    @GetMapping(path = "/api/catalog/datasets/{slug}/explore", produces = "application/json")
    @Permit(Action.VIEW_PUBLIC)
    @ResponseBody
    DatasetExplorer.Result api(
            Actor actor, @PathVariable String slug, @RequestParam MultiValueMap<String, String> params) {
        return explorer.explore(actor, slug, ExploreQuery.parse(params));
    }
}
