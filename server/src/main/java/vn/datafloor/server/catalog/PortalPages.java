package vn.datafloor.server.catalog;

import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.catalog.SearchResult;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * The open data portal around the catalog: its home page (what Datafloor is, search, themes, featured and recent
 * datasets, publishers), each publisher's page and the public "request a dataset" list.
 */
@Controller
class PortalPages {

    static final int RECENT = 6;
    static final int FEATURED = 3;

    /** A theme or publisher with the number of public datasets under it, linking to the filtered search. */
    record Count(String label, long count, String href) {}

    private final CatalogService catalog;
    private final DatasetRequests requests;
    private final CatalogLabels labels;
    private final ProblemResponses problems;

    PortalPages(CatalogService catalog, DatasetRequests requests, CatalogLabels labels, ProblemResponses problems) {
        this.catalog = catalog;
        this.requests = requests;
        this.labels = labels;
        this.problems = problems;
    }

    @GetMapping("/portal")
    @Permit(Action.VIEW_PUBLIC)
    String home(Actor actor, Model model, Locale locale) {
        // What anyone may read, whoever asks: the portal's home is the same page for every visitor.
        CatalogService.Results recent = catalog.searchPublic(null, Map.of(), CatalogQuery.Sort.RECENT, 0, RECENT);
        model.addAttribute("total", recent.total());
        model.addAttribute("recent", recent.entries());
        model.addAttribute("featured", catalog.featured(FEATURED));
        List<Count> themes = new ArrayList<>();
        for (SearchResult.FacetCount c : recent.facets().getOrDefault("theme", List.of())) {
            themes.add(new Count(labels.theme(c.value(), locale), c.count(), "/catalog?theme=" + encode(c.value())));
        }
        model.addAttribute("themes", themes);
        Map<String, Long> publisherIds = new LinkedHashMap<>();
        for (Organisation o : requests.publishers()) {
            publisherIds.put(o.name(), o.id());
        }
        List<Count> publishers = new ArrayList<>();
        for (SearchResult.FacetCount c : recent.facets().getOrDefault("publisher", List.of())) {
            Long id = publisherIds.get(c.value());
            if (id != null) {
                publishers.add(new Count(c.value(), c.count(), "/catalog/publishers/" + id));
            }
        }
        model.addAttribute("publishers", publishers);
        model.addAttribute(
                "latestRequests",
                requests.list(actor, 1).requests().stream().limit(3).toList());
        return "catalog/portal";
    }

    @GetMapping("/catalog/publishers/{id}")
    @Permit(Action.VIEW_PUBLIC)
    String publisher(Actor actor, @PathVariable long id, Model model) {
        model.addAttribute("publisher", requests.publisher(actor, id));
        return "catalog/publisher";
    }

    @PostMapping("/catalog/publishers/{id}")
    @Permit(Action.MANAGE_CATALOG)
    String describePublisher(
            Actor actor,
            @PathVariable long id,
            @RequestParam(required = false) String descriptionVi,
            @RequestParam(required = false) String descriptionEn,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "portal.publisher.saved",
                "/catalog/publishers/" + id,
                () -> requests.describePublisher(actor, id, descriptionVi, descriptionEn));
    }

    @GetMapping("/catalog/requests")
    @Permit(Action.VIEW_PUBLIC)
    String requestList(
            Actor actor,
            @RequestParam(defaultValue = "1") int page,
            @RequestParam(required = false) String dataset,
            Model model,
            Locale locale) {
        // From a shared dataset's "request access": the form comes filled in with the dataset and its publisher.
        if (dataset != null && dataset.length() <= 100) {
            catalog.find(actor, dataset)
                    .filter(e -> !e.remoteEntry())
                    .ifPresent(e -> model.addAttribute(
                            "form",
                            new RequestForm(
                                    problems.message(
                                            "portal.request.accessTitle",
                                            new Object[] {e.title("en".equals(locale.getLanguage()))},
                                            locale),
                                    null,
                                    null,
                                    e.orgId())));
        }
        requestModel(actor, page, model);
        return "catalog/requests";
    }

    private void requestModel(Actor actor, int page, Model model) {
        model.addAttribute("page", requests.list(actor, page));
        model.addAttribute("publishers", requests.publishers());
        model.addAttribute("maxTitle", DatasetRequests.MAX_TITLE);
        model.addAttribute("maxText", DatasetRequests.MAX_TEXT);
        model.addAttribute("maxContact", DatasetRequests.MAX_CONTACT);
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", new RequestForm(null, null, null, null));
        }
    }

    /** What the visitor typed, kept when the form is shown again with a problem. */
    record RequestForm(String title, String description, String contact, Long publisher) {}

    @PostMapping("/catalog/requests")
    @Permit(Action.REQUEST_DATASET)
    String ask(
            Actor actor,
            @RequestParam(required = false) String title,
            @RequestParam(required = false) String description,
            @RequestParam(required = false) String contact,
            @RequestParam(required = false) Long publisher,
            Model model,
            RedirectAttributes flash,
            Locale locale,
            HttpServletResponse response) {
        try {
            long id = requests.ask(actor, title, description, contact, publisher);
            flash.addFlashAttribute("success", problems.message("portal.request.filed", new Object[0], locale));
            return "redirect:/catalog/requests#request-" + id;
        } catch (ProblemException e) {
            // Shown again with what was typed and the problem, under the problem's own status (400, 429).
            response.setStatus(e.status().value());
            e.headers().forEach(response::setHeader);
            model.addAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
            model.addAttribute("form", new RequestForm(title, description, contact, publisher));
            requestModel(actor, 1, model);
            return "catalog/requests";
        }
    }

    @PostMapping("/catalog/requests/{id}/answers")
    @Permit(Action.MANAGE_CATALOG)
    String answer(
            Actor actor,
            @PathVariable long id,
            @RequestParam(required = false) String body,
            @RequestParam(required = false) String dataset,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "portal.answer.saved",
                "/catalog/requests#request-" + id,
                () -> requests.answer(actor, id, body, dataset));
    }

    @PostMapping("/catalog/requests/{id}/closure")
    @Permit(Action.MODERATE_DATASET_REQUESTS)
    String close(
            Actor actor,
            @PathVariable long id,
            @RequestParam(required = false) String reason,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "portal.request.closed",
                "/catalog/requests#request-" + id,
                () -> requests.close(actor, id, reason));
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
