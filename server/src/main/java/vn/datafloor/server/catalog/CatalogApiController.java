package vn.datafloor.server.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.catalog.SearchResult;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.platform.ProblemException;

/** The catalog as JSON: search, dataset descriptions, preview, and the steward's and operator's changes. */
@RestController
@Tag(
        name = "Catalog",
        description =
                "Describe, classify, publish and find datasets (the CKAN API and DCAT-AP export serve harvesters)")
class CatalogApiController {

    private final CatalogService catalog;

    CatalogApiController(CatalogService catalog) {
        this.catalog = catalog;
    }

    record SearchAnswer(
            long total,
            int offset,
            int limit,
            List<CatalogEntry> results,
            Map<String, List<SearchResult.FacetCount>> facets) {}

    @Operation(
            summary = "Search: q (diacritics-insensitive), a parameter per facet (theme=health&theme=population), "
                    + "sort=relevance|recent|quality|title, offset, limit (≤ 100)")
    @GetMapping("/api/catalog/datasets")
    @Permit(Action.VIEW_PUBLIC)
    SearchAnswer search(
            Actor actor,
            @RequestParam(required = false) String q,
            @RequestParam(defaultValue = "relevance") String sort,
            @RequestParam(defaultValue = "0") int offset,
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam MultiValueMap<String, String> params) {
        CatalogQuery.Sort order = Arrays.stream(CatalogQuery.Sort.values())
                .filter(s -> s.name().equalsIgnoreCase(sort))
                .findFirst()
                .orElseThrow(() -> ProblemException.badRequest(
                        "catalog.badQuery", "sort is one of relevance, recent, quality, title"));
        if (limit < 1 || limit > 100 || offset < 0 || offset > 100_000) {
            throw ProblemException.badRequest("catalog.badQuery", "limit is 1-100 and offset 0-100000");
        }
        if (q != null && q.length() > 500) {
            throw ProblemException.badRequest("catalog.badQuery", "q is at most 500 characters");
        }
        CatalogService.Results results = catalog.search(actor, q, CatalogPages.filters(params), order, offset, limit);
        return new SearchAnswer(results.total(), offset, limit, results.entries(), results.facets());
    }

    @GetMapping("/api/catalog/datasets/{slug}")
    @Permit(Action.VIEW_PUBLIC)
    CatalogEntry dataset(Actor actor, @PathVariable String slug) {
        return catalog.get(actor, slug);
    }

    @Operation(summary = "Versions with row counts, lineage and quality reports")
    @GetMapping("/api/catalog/datasets/{slug}/versions")
    @Permit(Action.VIEW_PUBLIC)
    List<DatasetService.VersionFacts> versions(Actor actor, @PathVariable String slug) {
        return catalog.history(catalog.get(actor, slug));
    }

    @Operation(summary = "The first rows; personal columns masked unless the caller's organisation owns the data")
    @GetMapping("/api/catalog/datasets/{slug}/preview")
    @Permit(Action.VIEW_PUBLIC)
    CatalogService.Preview preview(Actor actor, @PathVariable String slug) {
        return catalog.preview(actor, slug);
    }

    record Blockers(boolean publishable, List<Map<String, String>> problems) {}

    @Operation(summary = "What stands between the dataset and publication")
    @GetMapping("/api/catalog/datasets/{slug}/readiness")
    @Permit(Action.MANAGE_CATALOG)
    Blockers readiness(Actor actor, @PathVariable String slug) {
        CatalogEntry entry = catalog.get(actor, slug);
        if (!catalog.canManage(actor, entry)) {
            throw ProblemException.notFound("No dataset " + slug + " in the catalog");
        }
        List<Map<String, String>> problems = catalog.publicationBlockers(entry).stream()
                .map(p -> Map.of("field", p.field(), "message", p.message()))
                .toList();
        return new Blockers(problems.isEmpty(), problems);
    }

    @Operation(summary = "Replace the description (422 with every field's problem)")
    @PutMapping("/api/catalog/datasets/{slug}")
    @Permit(Action.MANAGE_CATALOG)
    CatalogEntry describe(Actor actor, @PathVariable String slug, @RequestBody CatalogService.Description body) {
        return catalog.describe(actor, slug, body);
    }

    @PutMapping("/api/catalog/datasets/{slug}/columns")
    @Permit(Action.MANAGE_CATALOG)
    CatalogEntry describeColumns(
            Actor actor, @PathVariable String slug, @RequestBody List<CatalogService.ColumnDescription> body) {
        return catalog.describeColumns(actor, slug, body);
    }

    @Operation(summary = "Confirm or override personal-data categories: {column: category code or \"none\"}")
    @PutMapping("/api/catalog/datasets/{slug}/personal-data")
    @Permit(Action.MANAGE_CATALOG)
    CatalogEntry confirm(Actor actor, @PathVariable String slug, @RequestBody Map<String, String> body) {
        return catalog.confirmPersonalData(actor, slug, body);
    }

    @Operation(
            summary =
                    "Classify under the Data Law (importance core|important|other, sharing open|shared|private, reason)")
    @PutMapping("/api/catalog/datasets/{slug}/classification")
    @Permit(Action.MANAGE_CATALOG)
    CatalogEntry classify(Actor actor, @PathVariable String slug, @RequestBody CatalogService.Classification body) {
        return catalog.classify(actor, slug, body);
    }

    @Operation(summary = "The operator's review: decision APPROVE or OVERRIDE (with importance, sharing and note)")
    @PostMapping("/api/catalog/datasets/{slug}/review")
    @Permit(Action.REVIEW_CLASSIFICATION)
    CatalogEntry review(Actor actor, @PathVariable String slug, @RequestBody CatalogService.Review body) {
        return catalog.review(actor, slug, body);
    }

    @Operation(
            summary =
                    "Publish (422 listing what is missing: metadata, classification, review, unconfirmed personal columns)")
    @PostMapping("/api/catalog/datasets/{slug}/publication")
    @Permit(Action.MANAGE_CATALOG)
    CatalogEntry publish(Actor actor, @PathVariable String slug) {
        return catalog.publish(actor, slug);
    }

    @DeleteMapping("/api/catalog/datasets/{slug}/publication")
    @Permit(Action.MANAGE_CATALOG)
    CatalogEntry withdraw(Actor actor, @PathVariable String slug) {
        return catalog.unpublish(actor, slug);
    }

    @Operation(
            summary = "Register a dataset from a file (multipart 'file' .csv/.jsonl/.parquet/.xlsx, field 'dataset')")
    @PostMapping("/api/catalog/uploads")
    @ResponseStatus(HttpStatus.CREATED)
    @Permit(Action.MANAGE_CATALOG)
    CatalogEntry upload(Actor actor, @RequestParam String dataset, @RequestParam("file") MultipartFile file)
            throws IOException {
        try (InputStream content = file.getInputStream()) {
            return catalog.upload(actor, dataset.strip().toLowerCase(Locale.ROOT), file.getOriginalFilename(), content);
        }
    }

    @GetMapping("/api/catalog/queue")
    @Permit(Action.VIEW_CATALOG_QUEUE)
    CatalogService.Queue queue(Actor actor) {
        return catalog.queue(actor);
    }
}
