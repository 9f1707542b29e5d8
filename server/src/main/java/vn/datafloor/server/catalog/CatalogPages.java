package vn.datafloor.server.catalog;

import jakarta.servlet.http.HttpServletRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/** The catalog's pages: search with facets, the dataset page, the editor, the work queue, uploads and open downloads. */
@Controller
class CatalogPages {

    static final int PAGE_SIZE = 20;

    private final CatalogService catalog;
    private final DownloadThrottle throttle;
    private final AccessPolicy policy;
    private final ProblemResponses problems;
    private final String publicUrl;

    private final org.springframework.beans.factory.ObjectProvider<ListingPrices> listingPrices;

    CatalogPages(
            CatalogService catalog,
            DownloadThrottle throttle,
            AccessPolicy policy,
            ProblemResponses problems,
            DatafloorProperties properties,
            org.springframework.beans.factory.ObjectProvider<ListingPrices> listingPrices) {
        this.listingPrices = listingPrices;
        this.catalog = catalog;
        this.throttle = throttle;
        this.policy = policy;
        this.problems = problems;
        this.publicUrl = properties.publicUrl();
    }

    @GetMapping("/catalog")
    @Permit(Action.VIEW_PUBLIC)
    String home(
            Actor actor,
            @RequestParam(required = false) String q,
            @RequestParam(defaultValue = "relevance") String sort,
            @RequestParam(defaultValue = "1") int page,
            @RequestParam MultiValueMap<String, String> params,
            Model model) {
        Map<String, List<String>> filters = filters(params);
        CatalogQuery.Sort order = Arrays.stream(CatalogQuery.Sort.values())
                .filter(s -> s.name().equalsIgnoreCase(sort))
                .findFirst()
                .orElse(CatalogQuery.Sort.RELEVANCE);
        int current = Math.max(1, Math.min(page, 5000));
        CatalogService.Results results = catalog.search(actor, q, filters, order, (current - 1) * PAGE_SIZE, PAGE_SIZE);
        model.addAttribute("q", q == null ? "" : q);
        model.addAttribute("sort", order.name().toLowerCase(Locale.ROOT));
        model.addAttribute("filters", filters);
        model.addAttribute(
                "activeFilters", filters.values().stream().mapToInt(List::size).sum());
        model.addAttribute("results", results);
        model.addAttribute("page", current);
        model.addAttribute("pages", Math.max(1, (results.total() + PAGE_SIZE - 1) / PAGE_SIZE));
        model.addAttribute("facetNames", CatalogQuery.FACETS);
        StringBuilder base = new StringBuilder("sort=" + order.name().toLowerCase(Locale.ROOT));
        if (q != null && !q.isBlank()) {
            base.append("&q=").append(java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8));
        }
        filters.forEach((facet, values) -> values.forEach(v -> base.append('&')
                .append(facet)
                .append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8))));
        model.addAttribute("baseQuery", base.toString());
        model.addAttribute(
                "canQueue",
                actor != null && policy.decide(actor, Action.VIEW_CATALOG_QUEUE).allowed());
        model.addAttribute(
                "canUpload",
                actor != null && policy.decide(actor, Action.MANAGE_CATALOG).allowed());
        return "catalog/home";
    }

    /** Facet filters from the query string: every parameter named like a facet, blank values dropped. */
    static Map<String, List<String>> filters(MultiValueMap<String, String> params) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (String facet : CatalogQuery.FACETS) {
            List<String> values = params.getOrDefault(facet, List.of()).stream()
                    .filter(v -> v != null && !v.isBlank())
                    .map(String::strip)
                    .distinct()
                    .limit(20)
                    .toList();
            if (!values.isEmpty()) {
                filters.put(facet, values);
            }
        }
        return filters;
    }

    @GetMapping("/catalog/datasets/{slug}")
    @Permit(Action.VIEW_PUBLIC)
    String dataset(Actor actor, @PathVariable String slug, Model model, Locale locale) {
        CatalogEntry entry = catalog.get(actor, slug);
        List<DatasetService.VersionFacts> history = catalog.history(entry);
        DatasetService.VersionFacts latest = history.isEmpty() ? null : history.get(history.size() - 1);
        boolean canManage = catalog.canManage(actor, entry);
        model.addAttribute("entry", entry);
        model.addAttribute("english", "en".equals(locale.getLanguage()));
        List<DatasetService.VersionFacts> newestFirst = new ArrayList<>(history);
        java.util.Collections.reverse(newestFirst);
        model.addAttribute("history", newestFirst);
        model.addAttribute("latestFacts", latest);
        model.addAttribute("trend", CatalogCharts.qualityTrend(history));
        Map<String, Optional<String>> inputs = new LinkedHashMap<>();
        catalog.inputs(actor, latest)
                .forEach((label, e) -> inputs.put(label, e.map(x -> "/catalog/datasets/" + x.slug())));
        Map<String, String> derived = new LinkedHashMap<>();
        catalog.derived(actor, entry).forEach(e -> derived.put(e.title(false), "/catalog/datasets/" + e.slug()));
        model.addAttribute(
                "lineage",
                CatalogCharts.lineage(
                        history,
                        inputs,
                        derived,
                        actor != null
                                && policy.decide(actor, Action.VIEW_INTEGRATION, entry.orgId())
                                        .allowed()));
        model.addAttribute("stale", catalog.stale(entry));
        ListingPrices prices = listingPrices.getIfAvailable();
        model.addAttribute(
                "listings", prices == null || !entry.published() ? List.of() : prices.listings(entry.slug()));
        model.addAttribute(
                "licenceUrl",
                CatalogVocabulary.Licence.ofCode(entry.licence())
                        .map(CatalogVocabulary.Licence::url)
                        .orElse(null));
        model.addAttribute("canManage", canManage);
        model.addAttribute("canReview", catalog.canReview(actor));
        model.addAttribute("canSeeClear", catalog.canSeeClear(actor, entry));
        model.addAttribute("blockers", canManage ? catalog.publicationBlockers(entry) : List.of());
        model.addAttribute("classificationHistory", catalog.classificationHistory(entry));
        model.addAttribute("downloads", catalog.downloads(entry));
        model.addAttribute("formats", CatalogVocabulary.FORMATS);
        model.addAttribute("preview", entry.latest() == null ? null : catalog.preview(actor, slug));
        model.addAttribute("jsonLd", entry.publicMetadata() ? SchemaOrgDataset.jsonLd(entry, publicUrl) : null);
        model.addAttribute("reviewKey", reviewKey(entry));
        model.addAttribute("code", entry.publicMetadata() ? codeSnippets(entry, publicUrl) : null);
        return "catalog/dataset";
    }

    /**
     * The label of the classification's review. "Other" data is published without waiting for the operator,
     * so its pending review says so instead of claiming the dataset waits (which it does not).
     */
    static String reviewKey(CatalogEntry entry) {
        if ("PENDING".equals(entry.reviewStatus()) && "other".equals(entry.importance())) {
            return "notRequired";
        }
        return entry.reviewStatus();
    }

    /** One line of the "use it from code" block: what it is (a message key suffix) and the text to copy. */
    record CodeLine(String id, String kind, String text) {}

    /** The real addresses of a public entry: its CKAN record, the DCAT-AP catalog, and its downloads when open. */
    static List<CodeLine> codeSnippets(CatalogEntry entry, String publicUrl) {
        String base = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        List<CodeLine> lines = new ArrayList<>();
        lines.add(
                new CodeLine("ckan", "ckan", "curl '" + base + "/api/3/action/package_show?id=" + entry.slug() + "'"));
        lines.add(new CodeLine("dcat", "dcat", base + "/catalog.ttl"));
        lines.add(new CodeLine("page", "iri", base + "/catalog/datasets/" + entry.slug()));
        if (entry.open()) {
            for (String format : CatalogVocabulary.FORMATS) {
                lines.add(new CodeLine(
                        "download-" + format,
                        "download." + format,
                        base + "/catalog/datasets/" + entry.slug() + "/download?format=" + format));
            }
            lines.add(new CodeLine(
                    "pandas",
                    "pandas",
                    "pandas.read_csv('" + base + "/catalog/datasets/" + entry.slug() + "/download?format=csv')"));
        }
        return lines;
    }

    @GetMapping("/catalog/datasets/{slug}/download")
    @Permit(Action.VIEW_PUBLIC)
    ResponseEntity<Resource> download(
            Actor actor, @PathVariable String slug, @RequestParam(defaultValue = "csv") String format)
            throws IOException {
        String client = ClientAddress.current();
        if (!throttle.tryAcquire(client)) {
            // The portal's fair share per client: 429 with Retry-After.
            long retryAfter = throttle.retryAfterSeconds(client);
            throw ProblemException.tooManyRequests(
                    "catalog.tooManyDownloads",
                    "At most " + throttle.perMinute() + " downloads a minute from one address; try again in "
                            + retryAfter + " s",
                    retryAfter,
                    throttle.perMinute(),
                    retryAfter);
        }
        CatalogService.Download download = catalog.download(actor, slug, format);
        long size = Files.size(download.file());
        InputStream in = new FilterInputStream(Files.newInputStream(download.file())) {
            @Override
            public void close() throws IOException {
                super.close();
                Files.deleteIfExists(download.file());
            }
        };
        return ResponseEntity.ok()
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename(download.fileName())
                                .build()
                                .toString())
                .contentType(MediaType.parseMediaType(download.contentType()))
                .contentLength(size)
                .body(new InputStreamResource(in));
    }

    // ------------------------------------------------------------------ editing

    @GetMapping("/catalog/datasets/{slug}/edit")
    @Permit(Action.MANAGE_CATALOG)
    String edit(Actor actor, @PathVariable String slug, Model model) {
        CatalogEntry entry = catalog.get(actor, slug);
        policy.require(actor, Action.MANAGE_CATALOG, entry.orgId());
        editorModel(model, entry, CatalogService.descriptionOf(entry), List.of());
        return "catalog/edit";
    }

    private void editorModel(
            Model model, CatalogEntry entry, CatalogService.Description form, List<FieldProblem> fieldProblems) {
        model.addAttribute("entry", entry);
        model.addAttribute("form", form);
        model.addAttribute("fieldProblems", fieldProblems);
        model.addAttribute("themes", CatalogVocabulary.Theme.values());
        model.addAttribute("frequencies", CatalogVocabulary.Frequency.values());
        model.addAttribute("licences", CatalogVocabulary.Licence.values());
        model.addAttribute("importances", CatalogVocabulary.Importance.values());
        model.addAttribute("sharings", CatalogVocabulary.Sharing.values());
        model.addAttribute("blockers", catalog.publicationBlockers(entry));
    }

    @PostMapping("/catalog/datasets/{slug}")
    @Permit(Action.MANAGE_CATALOG)
    String save(
            Actor actor,
            @PathVariable String slug,
            @RequestParam(required = false) String titleVi,
            @RequestParam(required = false) String titleEn,
            @RequestParam(required = false) String descriptionVi,
            @RequestParam(required = false) String descriptionEn,
            @RequestParam(required = false) String contactName,
            @RequestParam(required = false) String contactEmail,
            @RequestParam(required = false) List<String> themes,
            @RequestParam(required = false) String keywords,
            @RequestParam(required = false) String spatial,
            @RequestParam(required = false) String temporalStart,
            @RequestParam(required = false) String temporalEnd,
            @RequestParam(required = false) String frequency,
            @RequestParam(required = false) String licence,
            @RequestParam(required = false) String documentationUrl,
            Model model,
            RedirectAttributes flash,
            Locale locale) {
        CatalogService.Description form = new CatalogService.Description(
                titleVi,
                titleEn,
                descriptionVi,
                descriptionEn,
                contactName,
                contactEmail,
                themes == null ? List.of() : themes,
                split(keywords, "[,\\n]"),
                split(spatial, "[,\\s]+"),
                date(temporalStart),
                date(temporalEnd),
                frequency,
                licence,
                documentationUrl);
        try {
            catalog.describe(actor, slug, form);
            flash.addFlashAttribute("success", problems.message("catalog.saved", new Object[0], locale));
            return "redirect:/catalog/datasets/" + slug + "/edit";
        } catch (CatalogValidation.InvalidDescriptionException e) {
            editorModel(model, catalog.get(actor, slug), form, e.problems());
            model.addAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
            return "catalog/edit";
        }
    }

    @PostMapping("/catalog/datasets/{slug}/columns")
    @Permit(Action.MANAGE_CATALOG)
    String saveColumns(
            Actor actor,
            @PathVariable String slug,
            @RequestParam MultiValueMap<String, String> params,
            RedirectAttributes flash,
            Locale locale) {
        CatalogEntry entry = catalog.get(actor, slug);
        List<CatalogService.ColumnDescription> columns = new ArrayList<>();
        Map<String, String> personal = new LinkedHashMap<>();
        for (int i = 0; i < entry.columns().size(); i++) {
            CatalogEntry.Column c = entry.columns().get(i);
            String prefix = "c" + i + ".";
            columns.add(new CatalogService.ColumnDescription(
                    c.name(),
                    params.getFirst(prefix + "descriptionVi"),
                    params.getFirst(prefix + "descriptionEn"),
                    params.getFirst(prefix + "unit"),
                    params.getFirst(prefix + "example"),
                    split(params.getFirst(prefix + "tags"), ",")));
            String decision = params.getFirst(prefix + "personal");
            if (decision != null && !decision.isBlank() && !decision.equals(c.personalCategory())) {
                personal.put(c.name(), decision);
            }
        }
        return problems.redirectAfter(
                flash, locale, "catalog.saved", "/catalog/datasets/" + slug + "/edit#schema", () -> {
                    catalog.describeColumns(actor, slug, columns);
                    if (!personal.isEmpty()) {
                        catalog.confirmPersonalData(actor, slug, personal);
                    }
                });
    }

    @PostMapping("/catalog/datasets/{slug}/classification")
    @Permit(Action.MANAGE_CATALOG)
    String classify(
            Actor actor,
            @PathVariable String slug,
            @RequestParam(required = false) String importance,
            @RequestParam(required = false) String sharing,
            @RequestParam(required = false) String reason,
            RedirectAttributes flash,
            Locale locale) {
        return withProblems(
                flash,
                locale,
                "catalog.classified",
                "/catalog/datasets/" + slug + "/edit#classification",
                () -> catalog.classify(actor, slug, new CatalogService.Classification(importance, sharing, reason)));
    }

    @PostMapping("/catalog/datasets/{slug}/publication")
    @Permit(Action.MANAGE_CATALOG)
    String publish(Actor actor, @PathVariable String slug, RedirectAttributes flash, Locale locale) {
        return withProblems(
                flash, locale, "catalog.published", "/catalog/datasets/" + slug, () -> catalog.publish(actor, slug));
    }

    @PostMapping("/catalog/datasets/{slug}/withdrawal")
    @Permit(Action.MANAGE_CATALOG)
    String withdraw(Actor actor, @PathVariable String slug, RedirectAttributes flash, Locale locale) {
        return withProblems(
                flash, locale, "catalog.withdrawn", "/catalog/datasets/" + slug, () -> catalog.unpublish(actor, slug));
    }

    @PostMapping("/catalog/datasets/{slug}/review")
    @Permit(Action.REVIEW_CLASSIFICATION)
    String review(
            Actor actor,
            @PathVariable String slug,
            @RequestParam(required = false) String decision,
            @RequestParam(required = false) String importance,
            @RequestParam(required = false) String sharing,
            @RequestParam(required = false) String note,
            RedirectAttributes flash,
            Locale locale) {
        return withProblems(
                flash,
                locale,
                "catalog.reviewed",
                "/catalog/queue",
                () -> catalog.review(actor, slug, new CatalogService.Review(decision, importance, sharing, note)));
    }

    /** Like {@link ProblemResponses#redirectAfter}, listing each field's problem in the flash message. */
    private String withProblems(
            RedirectAttributes flash, Locale locale, String successKey, String target, Runnable change) {
        try {
            change.run();
            flash.addFlashAttribute("success", problems.message(successKey, new Object[0], locale));
        } catch (CatalogValidation.InvalidDescriptionException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
            flash.addFlashAttribute(
                    "errorList",
                    e.problems().stream()
                            .map(p -> problems.message(p.key(), new Object[0], locale) + " (" + p.field() + ": "
                                    + p.message() + ")")
                            .toList());
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
        }
        return "redirect:" + target;
    }

    @GetMapping("/catalog/queue")
    @Permit(Action.VIEW_CATALOG_QUEUE)
    String queue(Actor actor, Model model) {
        model.addAttribute("queue", catalog.queue(actor));
        model.addAttribute("canReview", catalog.canReview(actor));
        model.addAttribute("importances", CatalogVocabulary.Importance.values());
        model.addAttribute("sharings", CatalogVocabulary.Sharing.values());
        return "catalog/queue";
    }

    @GetMapping("/catalog/upload")
    @Permit(Action.MANAGE_CATALOG)
    String uploadForm(Actor actor) {
        return "catalog/upload";
    }

    @PostMapping("/catalog/upload")
    @Permit(Action.MANAGE_CATALOG)
    String upload(
            Actor actor,
            @RequestParam String dataset,
            @RequestParam("file") MultipartFile file,
            RedirectAttributes flash,
            Locale locale,
            HttpServletRequest request)
            throws IOException {
        try (InputStream content = file.getInputStream()) {
            CatalogEntry entry = catalog.upload(actor, dataset.strip(), file.getOriginalFilename(), content);
            flash.addFlashAttribute("success", problems.message("catalog.uploaded", new Object[0], locale));
            return "redirect:/catalog/datasets/" + entry.slug() + "/edit";
        } catch (ProblemException e) {
            flash.addFlashAttribute(
                    "error", problems.message(e.messageKey(), e.messageArgs(), locale) + " — " + e.getMessage());
            return "redirect:/catalog/upload";
        }
    }

    private static List<String> split(String text, String separator) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(separator))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.badRequest("catalog.field.date", "Dates are written YYYY-MM-DD");
        }
    }
}
