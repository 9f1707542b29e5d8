package vn.datafloor.catalog;

import java.util.List;
import java.util.Map;

/** One page of matching datasets, with how many match in all and the facet counts over all matches. */
public record SearchResult(long total, List<Hit> hits, Map<String, List<FacetCount>> facets) {

    public record Hit(String id, float score) {}

    public record FacetCount(String value, long count) {}
}
