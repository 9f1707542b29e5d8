package vn.datafloor.server.catalog;

import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import vn.datafloor.catalog.CatalogDocument;
import vn.datafloor.catalog.CatalogIndex;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.catalog.SearchResult;

/**
 * The search index over catalog entries. It lives in memory and is rebuilt from the control
 * database at start; each server keeps its own and refreshes it from the database (see
 * {@link CatalogService#refreshIndex}), so API servers stay stateless.
 */
@Component
class CatalogSearch {

    /** Audience of core data: staff of state agencies and the operator (Data Law: it stays within the state). */
    static final String STATE = "state";

    /**
     * Audience of harvested entries: anyone on the portal, but not the public machine interfaces (the
     * CKAN API and the DCAT-AP export describe Datafloor's own datasets only).
     */
    static final String REMOTE = "remote";

    private final CatalogIndex index = CatalogIndex.inMemory();

    private final org.springframework.beans.factory.ObjectProvider<ListingPrices> listings;

    CatalogSearch(org.springframework.beans.factory.ObjectProvider<ListingPrices> listings) {
        this.listings = listings;
    }

    void replaceAll(List<CatalogEntry> entries) {
        index.replaceAll(entries.stream().map(this::document).toList());
    }

    void put(CatalogEntry entry) {
        index.put(document(entry));
    }

    void remove(String slug) {
        index.remove(slug);
    }

    SearchResult search(CatalogQuery query) {
        return index.search(query);
    }

    /** Every value of a facet over what the audiences may see, with its count (cached until the next write). */
    List<SearchResult.FacetCount> facetValues(String facet, Set<String> audiences) {
        return index.facetValues(facet, audiences);
    }

    /** Ids (slugs) of every entry the audiences may find, sorted. */
    List<String> ids(Set<String> audiences) {
        return index.ids(audiences);
    }

    /** Bytes the index holds in memory (its files and facet ordinals). */
    long memoryBytes() {
        return index.memoryBytes();
    }

    int size() {
        return index.size();
    }

    @PreDestroy
    void close() {
        index.close();
    }

    /** Who may find an entry: anyone, state staff, and always its own organisation. */
    static Set<String> audiences(CatalogEntry e) {
        if (e.remoteEntry()) {
            return Set.of(REMOTE);
        }
        Set<String> audiences = new HashSet<>();
        audiences.add("org:" + e.orgId());
        if (e.publicMetadata()) {
            audiences.add(CatalogQuery.PUBLIC);
        } else if (e.published() && e.core() && !"private".equals(e.sharing())) {
            audiences.add(STATE);
        }
        return audiences;
    }

    /** The price facet's value: how the entry's listings sell it (no listing: no price value). */
    private String priceType(CatalogEntry e) {
        ListingPrices prices = listings.getIfAvailable();
        if (prices == null || !e.published() || e.remoteEntry()) {
            return null;
        }
        return prices.listings(e.slug()).stream()
                .map(ListingPrices.Listing::priceType)
                .min(java.util.Comparator.comparingInt(
                        t -> List.of("free", "fee", "paid", "auction").indexOf(t)))
                .orElse(null);
    }

    CatalogDocument document(CatalogEntry e) {
        List<String> columns = new ArrayList<>();
        for (CatalogEntry.Column c : e.columns()) {
            columns.add(c.name());
            if (c.descriptionVi() != null) {
                columns.add(c.descriptionVi());
            }
            if (c.descriptionEn() != null) {
                columns.add(c.descriptionEn());
            }
        }
        List<String> themes = e.themes();
        // A harvested entry is downloaded from its own portal, never from Datafloor: no format here.
        List<String> formats = e.remoteEntry() ? List.of() : e.open() ? CatalogVocabulary.FORMATS : List.of("parquet");
        double quality = e.latest() == null || e.latest().quality() == null
                ? Double.NaN
                : e.latest().quality();
        return new CatalogDocument(
                e.slug(),
                e.titleVi(),
                e.titleEn(),
                e.descriptionVi(),
                e.descriptionEn(),
                e.publisher() == null ? "" : e.publisher(),
                themes,
                e.keywords(),
                columns,
                e.importance() == null ? "unclassified" : e.importance(),
                e.sharing() == null ? "unclassified" : e.sharing(),
                e.personalData(),
                formats,
                e.licence(),
                priceType(e),
                e.updatedAt(),
                quality,
                audiences(e),
                e.createdAt(),
                // The CKAN API filters and sorts by its package id, and finds entries by it.
                e.remoteEntry() ? null : CkanPackages.packageId(e),
                e.remoteEntry() ? null : Long.toString(e.orgId()));
    }
}
