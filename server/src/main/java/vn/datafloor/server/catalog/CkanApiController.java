package vn.datafloor.server.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.catalog.SearchResult;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.UnexpectedErrors;

/**
 * The CKAN action API (read-only subset, CKAN 2.10 shapes) so existing open-data tools — ckanapi,
 * CKAN harvesters, the CKAN JavaScript client — read the public catalog unchanged. Everyone sees the
 * same: what an anonymous visitor sees, whoever signed in or whatever key is sent. See docs/ckan-api.md.
 *
 * <p>Errors keep CKAN's envelope ({@code success: false} and an {@code error} with {@code __type}),
 * not the problem+json of the rest of the API: the handlers below catch everything themselves, and
 * a controller's own {@code @ExceptionHandler} is consulted before any {@code @ControllerAdvice}.
 */
@RestController
@Tag(
        name = "CKAN",
        description = "CKAN action API, read-only subset: package_search, package_show, package_list, "
                + "organization_list/show, group_list/show, tag_list, status_show, help_show (GET or POST JSON)")
@CrossOrigin(
        origins = "*",
        methods = {RequestMethod.GET, RequestMethod.POST},
        allowCredentials = "false",
        maxAge = 3600)
class CkanApiController {

    private static final Logger log = LoggerFactory.getLogger(CkanApiController.class);

    /** The CKAN release whose action API this answers like. */
    static final String CKAN_VERSION = "2.10.0";

    static final int DEFAULT_ROWS = 10;
    static final int MAX_ROWS = 1000;
    static final int DEFAULT_FACET_LIMIT = 50;
    /** organization_list and group_list: CKAN's ckan.group_and_organization_list_max and …_all_fields_max. */
    static final int MAX_LIST = 1000;

    static final int MAX_LIST_ALL_FIELDS = 25;
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final MediaType JSON_UTF8 = MediaType.parseMediaType("application/json;charset=utf-8");
    /** Deepest JSON body read: CKAN's parameters are at most a list in an object. */
    static final int MAX_BODY_DEPTH = 64;

    private static final JsonMapper JSON = JsonMapper.builder(tools.jackson.core.json.JsonFactory.builder()
                    .streamReadConstraints(tools.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_BODY_DEPTH)
                            .build())
                    .build())
            .build();

    private final CatalogService catalog;
    private final OrganisationService organisations;
    private final Clock clock;
    private final String siteUrl;
    private final CkanPackages packages;
    private final Map<String, ActionHandler> actions = new LinkedHashMap<>();
    private final Map<String, String> help = new LinkedHashMap<>();

    CkanApiController(
            CatalogService catalog, OrganisationService organisations, Clock clock, DatafloorProperties properties) {
        this.catalog = catalog;
        this.organisations = organisations;
        this.clock = clock;
        this.siteUrl =
                properties.publicUrl() == null ? "" : properties.publicUrl().replaceAll("/+$", "");
        this.packages = new CkanPackages(siteUrl);
        action(
                "status_show",
                this::statusShow,
                "Return the site's title, description, URL, default locale and CKAN version.");
        action(
                "package_list",
                this::packageList,
                "Return the names of the public datasets. Parameters: limit, offset.");
        action(
                "package_search",
                this::packageSearch,
                "Search the public datasets. Parameters: q, fq, fq_list, rows (at most " + MAX_ROWS
                        + "), start, sort, facet.field, facet.limit. See docs/ckan-api.md for the query syntax.");
        action("package_show", this::packageShow, "Return a public dataset. Parameters: id (name or id).");
        action(
                "organization_list",
                this::organizationList,
                "Return the organisations that publish public datasets. "
                        + "Parameters: all_fields, sort, limit, offset, q, organizations.");
        action(
                "organization_show",
                this::organizationShow,
                "Return an organisation. Parameters: id (name or id), include_datasets.");
        action(
                "group_list",
                this::groupList,
                "Return the themes. Parameters: all_fields, sort, limit, offset, q, groups.");
        action("group_show", this::groupShow, "Return a theme. Parameters: id (name or id), include_datasets.");
        action("tag_list", this::tagList, "Return the keywords of public datasets. Parameters: query, all_fields.");
        action("help_show", this::helpShow, "Return the help text of an action. Parameters: name.");
    }

    private void action(String name, ActionHandler handler, String text) {
        actions.put(name, handler);
        help.put(name, text);
    }

    @FunctionalInterface
    private interface ActionHandler {
        Object answer(Params params);
    }

    // ------------------------------------------------------------------ endpoints

    @Operation(summary = "The API version, as CKAN answers at /api/3")
    @GetMapping("/api/3")
    @Permit(Action.VIEW_PUBLIC)
    ResponseEntity<byte[]> version() {
        return respond(200, Map.of("version", 3));
    }

    @Operation(summary = "A CKAN action: GET with query parameters or POST with a JSON object of the same parameters")
    @RequestMapping(
            path = {"/api/3/action/{name}", "/api/action/{name}"},
            method = {RequestMethod.GET, RequestMethod.POST})
    @Permit(Action.VIEW_PUBLIC)
    ResponseEntity<byte[]> action(@PathVariable String name, HttpServletRequest request) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("help", helpUrl(name));
        try {
            ActionHandler handler = actions.get(name);
            if (handler == null) {
                throw CkanError.badRequest("Action name not known: " + name);
            }
            Object result = handler.answer(Params.read(request));
            envelope.put("success", true);
            envelope.put("result", result);
            return respond(200, envelope);
        } catch (CkanError e) {
            envelope.put("success", false);
            envelope.put("error", e.error());
            return respond(e.status(), envelope);
        } catch (RuntimeException e) {
            return internalError(envelope, e);
        }
    }

    /** Anything that escapes the handler above (or fails before it): still CKAN's envelope, never problem+json. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> unexpected(Exception e, HttpServletRequest request) {
        String path = request.getRequestURI();
        String name = path.substring(path.lastIndexOf('/') + 1);
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("help", helpUrl(name));
        return internalError(envelope, e);
    }

    private ResponseEntity<byte[]> internalError(Map<String, Object> envelope, Exception e) {
        String reference = UnexpectedErrors.reference();
        log.error("CKAN API: unexpected error, reference {}", reference, UnexpectedErrors.loggable(e));
        envelope.put("success", false);
        envelope.put(
                "error",
                new LinkedHashMap<>(Map.of(
                        "__type",
                        "Internal Server Error",
                        "message",
                        "Internal Server Error (reference " + reference + ")")));
        return respond(500, envelope);
    }

    private String helpUrl(String name) {
        return siteUrl + "/api/3/action/help_show?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static ResponseEntity<byte[]> respond(int status, Object body) {
        return ResponseEntity.status(status)
                .contentType(JSON_UTF8)
                .cacheControl(CacheControl.noCache())
                .body(JSON.writeValueAsBytes(body));
    }

    // ------------------------------------------------------------------ site

    private Object statusShow(Params p) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("site_title", "Datafloor");
        status.put("site_description", "Nền tảng dữ liệu quốc gia mở (open national data platform)");
        status.put("site_url", siteUrl);
        status.put("ckan_version", CKAN_VERSION);
        status.put("error_emails_to", null);
        status.put("locale_default", "vi");
        status.put("extensions", List.of());
        return status;
    }

    private Object helpShow(Params p) {
        String name = p.required("name");
        String text = help.get(name);
        if (text == null) {
            throw CkanError.notFound("Action function not found");
        }
        return text;
    }

    // ------------------------------------------------------------------ datasets

    private Object packageList(Params p) {
        int limit = p.natural("limit", Integer.MAX_VALUE);
        int offset = p.natural("offset", 0);
        return catalog.publicSlugs().stream().skip(offset).limit(limit).toList();
    }

    private Object packageShow(Params p) {
        String id = p.string("id");
        if (id == null || id.isBlank()) {
            // CKAN 2.9–2.11 falls back to name_or_id, and reports that one as missing.
            id = p.string("name_or_id");
            if (id == null || id.isBlank()) {
                throw CkanError.validation("name_or_id", "Missing value");
            }
        }
        CatalogEntry entry = findPublic(id.strip()).orElseThrow(() -> CkanError.notFound(null));
        return packages.packageDict(entry, new OrganisationDirectory().created(entry.orgId()));
    }

    /** By name, else by CKAN id; only what an anonymous visitor may see, whoever asks. */
    private Optional<CatalogEntry> findPublic(String nameOrId) {
        Optional<CatalogEntry> byName = catalog.find(null, nameOrId).filter(CatalogEntry::publicMetadata);
        if (byName.isPresent()) {
            return byName;
        }
        return catalog.publicByPackageId(nameOrId);
    }

    private Object packageSearch(Params p) {
        String q = p.string("q");
        List<String> fqs = new ArrayList<>(p.strings("fq"));
        fqs.addAll(p.strings("fq_list"));
        int rows = p.natural("rows", DEFAULT_ROWS);
        if (rows > MAX_ROWS) {
            throw CkanError.validation("rows", "Must be less than or equal to " + MAX_ROWS);
        }
        int start = p.natural("start", 0);
        List<String> facetFields = p.jsonStringList("facet.field");
        int facetLimit = p.integer("facet.limit", DEFAULT_FACET_LIMIT);
        p.bool("include_private", false); // validated, then ignored: this API never shows private datasets
        p.bool("include_drafts", false);

        CkanQuery.Criteria criteria;
        try {
            criteria = CkanQuery.parse(q, fqs, clock.instant());
        } catch (CkanQuery.InvalidQueryException e) {
            throw CkanError.searchError(e.getMessage());
        }
        CkanQuery.Order order;
        try {
            order = CkanQuery.order(p.string("sort"));
        } catch (CkanQuery.InvalidSortException e) {
            throw CkanError.searchQueryError(e.getMessage());
        }

        // Everything is answered by the index: conditions, date ranges, the order, the page, the total and the facets.
        CkanQuery.IndexQuery query = CkanQuery.toIndex(criteria, this::publishersNamed, this::publisherIdsOf);
        Map<String, String> organizationTitles = new HashMap<>();
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        long count;
        List<CatalogEntry> page;
        if (query.matchesNothing()) {
            count = 0;
            page = List.of();
        } else {
            CatalogService.Results results;
            try {
                results = catalog.searchPublic(
                        criteria.text(),
                        query.conditions(),
                        query.ranges(),
                        order.indexOrder(),
                        start,
                        rows,
                        !facetFields.isEmpty());
            } catch (ProblemException e) {
                throw CkanError.searchError(e.getMessage());
            }
            count = results.total();
            page = results.entries();
            for (String field : facetFields) {
                String facet = CkanPackages.FACETS.get(field);
                Map<String, Long> values = counts.computeIfAbsent(field, f -> new LinkedHashMap<>());
                for (SearchResult.FacetCount fc : facet == null
                        ? List.<SearchResult.FacetCount>of()
                        : results.facets().getOrDefault(facet, List.of())) {
                    String value = CkanPackages.facetValue(field, fc.value());
                    values.merge(value, fc.count(), Long::sum);
                    if (field.equals("organization")) {
                        organizationTitles.putIfAbsent(value, fc.value());
                    }
                }
            }
        }

        Map<String, Object> facets = new LinkedHashMap<>();
        Map<String, Object> searchFacets = new LinkedHashMap<>();
        for (String field : facetFields) {
            List<Map.Entry<String, Long>> top = counts.getOrDefault(field, Map.of()).entrySet().stream()
                    .sorted(CkanPackages.FACET_ORDER)
                    .limit(facetLimit < 0 ? Long.MAX_VALUE : facetLimit)
                    .toList();
            Map<String, Long> values = new LinkedHashMap<>();
            List<Map<String, Object>> items = new ArrayList<>();
            for (Map.Entry<String, Long> v : top) {
                values.put(v.getKey(), v.getValue());
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("count", v.getValue());
                item.put(
                        "display_name",
                        CkanPackages.displayName(
                                field, v.getKey(), name -> Optional.ofNullable(organizationTitles.get(name))));
                item.put("name", v.getKey());
                items.add(item);
            }
            facets.put(field, values);
            Map<String, Object> searchFacet = new LinkedHashMap<>();
            searchFacet.put("title", field);
            searchFacet.put("items", items);
            searchFacets.put(field, searchFacet);
        }

        OrganisationDirectory dates = new OrganisationDirectory();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("count", count);
        result.put("facets", facets);
        result.put(
                "results",
                page.stream()
                        .map(e -> packages.packageDict(e, dates.created(e.orgId())))
                        .toList());
        result.put("sort", order.text());
        result.put("search_facets", searchFacets);
        return result;
    }

    /** The publisher names (index facet values) whose CKAN organisation name is this one. */
    private List<String> publishersNamed(String name) {
        String key = name == null ? "" : name.strip();
        return catalog.publicFacetValues("publisher").stream()
                .map(SearchResult.FacetCount::value)
                .filter(publisher -> CkanPackages.organizationName(publisher).equals(key))
                .toList();
    }

    /** The publisher id (index facet value) whose CKAN organisation id is this one. */
    private List<String> publisherIdsOf(String id) {
        String key = id == null ? "" : id.strip();
        return catalog.publicFacetValues(CatalogQuery.PUBLISHER_ID).stream()
                .map(SearchResult.FacetCount::value)
                .filter(orgId ->
                        CkanPackages.organizationId(Long.parseLong(orgId)).equals(key))
                .toList();
    }

    /**
     * The organisations publishing public datasets, oldest first, with their counts: from the index's
     * publisher-id facet (kept per index change), and each organisation's name from the directory.
     */
    private CkanPackages.Organizations organizations(OrganisationDirectory directory) {
        List<CkanPackages.Organization> all = new ArrayList<>();
        List<SearchResult.FacetCount> ids = new ArrayList<>(catalog.publicFacetValues(CatalogQuery.PUBLISHER_ID));
        ids.sort(Comparator.comparingLong(fc -> Long.parseLong(fc.value())));
        for (SearchResult.FacetCount fc : ids) {
            long orgId = Long.parseLong(fc.value());
            String title = directory.find(orgId).map(Organisation::name).orElse("?");
            all.add(new CkanPackages.Organization(
                    orgId, CkanPackages.organizationId(orgId), CkanPackages.organizationName(title), title, (int)
                            fc.count()));
        }
        return new CkanPackages.Organizations(List.copyOf(all));
    }

    /** A page of public datasets matching the conditions, by name: what organization_show and group_show list. */
    private List<CatalogEntry> publicByName(CatalogQuery.Condition condition, int limit) {
        return catalog.searchPublic(
                        null,
                        List.of(condition),
                        List.of(),
                        List.of(new CatalogQuery.Order(CatalogQuery.OrderField.ID, false)),
                        0,
                        limit,
                        false)
                .entries();
    }

    // ------------------------------------------------------------------ organisations, groups, tags

    private Object organizationList(Params p) {
        OrganisationDirectory directory = new OrganisationDirectory();
        List<CkanPackages.Organization> all =
                new ArrayList<>(organizations(directory).all());
        boolean allFields = p.bool("all_fields", false);
        List<String> only = p.jsonStringList("organizations");
        String query = p.string("q");
        all.removeIf(o -> !only.isEmpty() && !only.contains(o.name()) && !only.contains(o.id())
                || query != null
                        && !query.isBlank()
                        && !CkanQuery.fold(o.name() + " " + o.title()).contains(CkanQuery.fold(query)));
        all.sort(listOrder(
                p.string("sort"),
                CkanPackages.Organization::name,
                CkanPackages.Organization::title,
                CkanPackages.Organization::packageCount));
        List<CkanPackages.Organization> page = page(all, p, allFields);
        if (!allFields) {
            return page.stream().map(CkanPackages.Organization::name).toList();
        }
        return page.stream()
                .map(o -> packages.organizationDict(o, directory.created(o.orgId()), null))
                .toList();
    }

    private Object organizationShow(Params p) {
        String id = p.required("id");
        boolean withDatasets = p.bool("include_datasets", false);
        OrganisationDirectory dates = new OrganisationDirectory();
        CkanPackages.Organization org = organizations(dates).find(id).orElseThrow(() -> CkanError.notFound(null));
        List<Map<String, Object>> datasets = !withDatasets
                ? null
                : publicByName(
                                new CatalogQuery.Condition(
                                        CatalogQuery.PUBLISHER_ID, List.of(Long.toString(org.orgId()))),
                                MAX_ROWS)
                        .stream()
                        .map(e -> packages.packageDict(e, dates.created(e.orgId())))
                        .toList();
        return packages.organizationDict(org, dates.created(org.orgId()), datasets);
    }

    private Object groupList(Params p) {
        Map<String, Integer> counts = themeCounts();
        boolean allFields = p.bool("all_fields", false);
        List<String> only = p.jsonStringList("groups");
        String query = p.string("q");
        List<CatalogVocabulary.Theme> themes = new ArrayList<>(List.of(CatalogVocabulary.Theme.values()));
        themes.removeIf(t -> !only.isEmpty() && !only.contains(t.code()) && !only.contains(CkanPackages.groupId(t))
                || query != null
                        && !query.isBlank()
                        && !CkanQuery.fold(t.code() + " " + t.vi() + " " + t.en())
                                .contains(CkanQuery.fold(query)));
        themes.sort(listOrder(
                p.string("sort"),
                CatalogVocabulary.Theme::code,
                CatalogVocabulary.Theme::vi,
                t -> counts.getOrDefault(t.code(), 0)));
        List<CatalogVocabulary.Theme> page = page(themes, p, allFields);
        if (!allFields) {
            return page.stream().map(CatalogVocabulary.Theme::code).toList();
        }
        return page.stream()
                .map(t -> packages.groupDict(t, counts.getOrDefault(t.code(), 0), null))
                .toList();
    }

    private Object groupShow(Params p) {
        String id = p.required("id");
        boolean withDatasets = p.bool("include_datasets", false);
        CatalogVocabulary.Theme theme = CatalogVocabulary.Theme.ofCode(id.strip())
                .or(() -> List.of(CatalogVocabulary.Theme.values()).stream()
                        .filter(t -> CkanPackages.groupId(t).equals(id.strip()))
                        .findFirst())
                .orElseThrow(() -> CkanError.notFound(null));
        OrganisationDirectory dates = new OrganisationDirectory();
        List<Map<String, Object>> datasets = !withDatasets
                ? null
                : publicByName(new CatalogQuery.Condition("theme", List.of(theme.code())), MAX_ROWS).stream()
                        .map(e -> packages.packageDict(e, dates.created(e.orgId())))
                        .toList();
        return packages.groupDict(theme, themeCounts().getOrDefault(theme.code(), 0), datasets);
    }

    /** Public datasets per theme code, from the index's theme facet. */
    private Map<String, Integer> themeCounts() {
        Map<String, Integer> counts = new HashMap<>();
        catalog.publicFacetValues("theme").forEach(fc -> counts.put(fc.value(), (int) fc.count()));
        return counts;
    }

    private Object tagList(Params p) {
        String query = p.string("query");
        boolean allFields = p.bool("all_fields", false);
        if (p.string("vocabulary_id") != null) {
            return List.of(); // keywords are free tags: no vocabulary has any
        }
        // The index's keyword facet: every keyword of the public datasets, kept per index change.
        TreeSet<String> tags =
                new TreeSet<>(Comparator.comparing(CkanQuery::fold).thenComparing(Comparator.naturalOrder()));
        catalog.publicFacetValues("keyword").forEach(fc -> tags.add(fc.value()));
        List<String> matching = tags.stream()
                .filter(t ->
                        query == null || query.isBlank() || CkanQuery.fold(t).contains(CkanQuery.fold(query)))
                .toList();
        if (!allFields) {
            return matching;
        }
        return matching.stream()
                .map(t -> {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("id", CkanPackages.tagId(t));
                    d.put("name", t);
                    d.put("vocabulary_id", null);
                    return d;
                })
                .toList();
    }

    /** CKAN's list sort: {@code name}, {@code title} or {@code package_count}, then asc or desc (default {@code title asc}). */
    private static <T> Comparator<T> listOrder(
            String sort, Function<T, String> name, Function<T, String> title, Function<T, Integer> packageCount) {
        String text = sort == null || sort.isBlank() ? "title asc" : sort.strip();
        String[] words = text.split("\\s+");
        String field = words[0];
        String direction = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : "asc";
        if (words.length > 2 || !direction.equals("asc") && !direction.equals("desc")) {
            throw CkanError.validationMessage("Cannot sort by field `" + text + "`");
        }
        Comparator<T> order = switch (field) {
            case "name" -> Comparator.comparing(name);
            case "title" -> Comparator.comparing((T t) -> CkanQuery.fold(title.apply(t)));
            case "package_count", "packages" -> Comparator.comparing(packageCount);
            default -> throw CkanError.validationMessage("Cannot sort by field `" + field + "`");
        };
        if (direction.equals("desc")) {
            order = order.reversed();
        }
        return order.thenComparing(name);
    }

    private static <T> List<T> page(List<T> all, Params p, boolean allFields) {
        int max = allFields ? MAX_LIST_ALL_FIELDS : MAX_LIST;
        int limit = Math.min(p.natural("limit", max), max); // CKAN caps these lists silently
        int offset = p.natural("offset", 0);
        return all.stream().skip(offset).limit(limit).toList();
    }

    /** Organisations (names, creation dates), each looked up once per answer. */
    private final class OrganisationDirectory {
        private final Map<Long, Optional<Organisation>> cache = new HashMap<>();

        Optional<Organisation> find(long orgId) {
            return cache.computeIfAbsent(orgId, organisations::find);
        }

        Instant created(long orgId) {
            return find(orgId).map(Organisation::createdAt).orElse(null);
        }
    }

    // ------------------------------------------------------------------ request parameters

    /**
     * An action's parameters, read as CKAN reads them: a POST's JSON object (or form fields), else the
     * query string, where a repeated key becomes a list. Readers validate as CKAN's schemas do.
     */
    static final class Params {
        private final Map<String, Object> values;

        Params(Map<String, Object> values) {
            this.values = values;
        }

        static Params read(HttpServletRequest request) {
            if ("POST".equals(request.getMethod())) {
                String type = request.getContentType() == null
                        ? ""
                        : request.getContentType().toLowerCase(Locale.ROOT);
                if (type.startsWith("application/x-www-form-urlencoded")) {
                    Map<String, Object> form = fromParameters(request);
                    // Old jQuery clients post the JSON object as the only form key, with an empty value or "1".
                    if (form.size() == 1
                            && form.keySet().iterator().next().strip().startsWith("{")
                            && List.of("", "1")
                                    .contains(String.valueOf(
                                            form.values().iterator().next()))) {
                        return new Params(parseObject(form.keySet().iterator().next()));
                    }
                    return new Params(form);
                }
                if (!type.startsWith("multipart/")) {
                    String body = body(request);
                    if (!body.isBlank()) {
                        return new Params(parseObject(body));
                    }
                }
            }
            return new Params(fromParameters(request));
        }

        private static Map<String, Object> fromParameters(HttpServletRequest request) {
            Map<String, Object> values = new LinkedHashMap<>();
            request.getParameterMap()
                    .forEach((key, array) -> values.put(key, array.length == 1 ? array[0] : List.of(array)));
            return values;
        }

        private static String body(HttpServletRequest request) {
            try (InputStream in = request.getInputStream()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    throw CkanError.badRequest(
                            "JSON Error: the request body is larger than " + MAX_BODY_BYTES + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CkanError.badRequest("JSON Error: could not read the request body");
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> parseObject(String json) {
            Object parsed;
            try {
                parsed = JSON.readValue(json, Object.class);
            } catch (JacksonException e) {
                throw CkanError.badRequest(
                        "JSON Error: Error decoding JSON data. Error: " + firstLine(e.getOriginalMessage()));
            }
            if (!(parsed instanceof Map)) {
                throw CkanError.badRequest("JSON Error: Request data JSON decoded to "
                        + firstLine(String.valueOf(parsed)) + " but it needs to be a dictionary.");
            }
            return new LinkedHashMap<>((Map<String, Object>) parsed);
        }

        private static String firstLine(String s) {
            String line = s == null ? "" : s.lines().findFirst().orElse("");
            return line.length() > 200 ? line.substring(0, 200) + "…" : line;
        }

        /** A text parameter; a list (repeated key) gives its first value; null when absent. */
        String string(String key) {
            Object v = values.get(key);
            if (v == null) {
                return null;
            }
            if (v instanceof List<?> list) {
                return list.isEmpty() || list.get(0) == null ? null : scalar(key, list.get(0));
            }
            return scalar(key, v);
        }

        String required(String key) {
            String v = string(key);
            if (v == null || v.isBlank()) {
                throw CkanError.validation(key, "Missing value");
            }
            return v.strip();
        }

        /** Every value of a parameter that may be repeated (fq) or given as a JSON list (fq_list). */
        List<String> strings(String key) {
            Object v = values.get(key);
            if (v == null) {
                return List.of();
            }
            if (v instanceof List<?> list) {
                List<String> out = new ArrayList<>();
                for (Object item : list) {
                    if (item != null) {
                        out.add(scalar(key, item));
                    }
                }
                return out;
            }
            return List.of(scalar(key, v));
        }

        private static String scalar(String key, Object v) {
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                return v.toString();
            }
            throw CkanError.validation(key, "Not a string");
        }

        /** A JSON list of strings, given as a list or as its JSON text ({@code facet.field=["tags"]}); empty when absent. */
        List<String> jsonStringList(String key) {
            Object v = values.get(key);
            if (v == null) {
                return List.of();
            }
            if (v instanceof String s) {
                if (s.isBlank()) {
                    return List.of();
                }
                try {
                    v = JSON.readValue(s, Object.class);
                } catch (JacksonException e) {
                    throw CkanError.validation(key, "Could not parse as valid JSON");
                }
            }
            if (!(v instanceof List<?> list)) {
                throw CkanError.validation(key, "Not a list");
            }
            List<String> out = new ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof String s)) {
                    throw CkanError.validation(key, "Not a string");
                }
                out.add(s);
            }
            return out;
        }

        /** CKAN's natural_number_validator: a whole number, zero or more. */
        int natural(String key, int absent) {
            Integer n = integerOrNull(key);
            if (n == null) {
                return absent;
            }
            if (n < 0) {
                throw CkanError.validation(key, "Must be a natural number");
            }
            return n;
        }

        /** CKAN's int_validator. */
        int integer(String key, int absent) {
            Integer n = integerOrNull(key);
            return n == null ? absent : n;
        }

        private Integer integerOrNull(String key) {
            Object v = values.get(key);
            if (v instanceof List<?> list) {
                v = list.isEmpty() ? null : list.get(0);
            }
            if (v == null || v instanceof String s && s.isBlank()) {
                return null;
            }
            if (v instanceof Integer i) {
                return i;
            }
            if (v instanceof Number number) {
                double d = number.doubleValue();
                if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                    return (int) d;
                }
                throw CkanError.validation(key, "Invalid integer");
            }
            try {
                return Integer.parseInt(v.toString().strip());
            } catch (NumberFormatException e) {
                throw CkanError.validation(key, "Invalid integer");
            }
        }

        /** CKAN's asbool: true/false, yes/no, on/off, y/n, t/f, 1/0, any case. */
        boolean bool(String key, boolean absent) {
            Object v = values.get(key);
            if (v instanceof List<?> list) {
                v = list.isEmpty() ? null : list.get(0);
            }
            if (v == null) {
                return absent;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            String s = v.toString().strip().toLowerCase(Locale.ROOT);
            if (List.of("true", "yes", "on", "y", "t", "1").contains(s)) {
                return true;
            }
            if (List.of("false", "no", "off", "n", "f", "0", "").contains(s)) {
                return false;
            }
            throw CkanError.validation(key, "Not a boolean");
        }
    }

    // ------------------------------------------------------------------ errors

    /**
     * A failure in CKAN's terms (ckan/views/api.py): the HTTP status and the {@code error} object.
     * Validation errors carry field → messages; the others {@code __type} and {@code message}.
     */
    static final class CkanError extends RuntimeException {
        private final int status;
        private final transient Map<String, Object> error;

        private CkanError(int status, Map<String, Object> error) {
            super(String.valueOf(error.get("message")), null, false, false);
            this.status = status;
            this.error = error;
        }

        int status() {
            return status;
        }

        Map<String, Object> error() {
            return error;
        }

        private static CkanError of(int status, String type, String message) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("__type", type);
            error.put("message", message);
            return new CkanError(status, error);
        }

        /** 409, like CKAN's ValidationError: {@code {"__type": "Validation Error", "rows": ["…"]}}. */
        static CkanError validation(String field, String message) {
            Map<String, Object> error = new TreeMap<>();
            error.put(field, List.of(message));
            Map<String, Object> ordered = new LinkedHashMap<>();
            ordered.put("__type", "Validation Error");
            ordered.putAll(error);
            return new CkanError(409, ordered);
        }

        /** 409 Validation Error with a message and no field, as CKAN's list actions raise for a bad sort. */
        static CkanError validationMessage(String message) {
            return of(409, "Validation Error", message);
        }

        static CkanError notFound(String detail) {
            return of(404, "Not Found Error", detail == null ? "Not found" : "Not found: " + detail);
        }

        /** 409: what CKAN answers when Solr refuses a query (a bad fq above all). */
        static CkanError searchError(String detail) {
            return of(409, "Search Error", "Search error: " + detail);
        }

        /** 400: what CKAN answers for a sort Solr cannot apply. */
        static CkanError searchQueryError(String detail) {
            return of(400, "Search Query Error", "Search Query is invalid: " + detail);
        }

        /** 400 "Bad request - …": an unknown action or a body that is not a JSON object. */
        static CkanError badRequest(String detail) {
            return of(400, "Bad Request", "Bad request - " + detail);
        }
    }
}
