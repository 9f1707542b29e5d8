package vn.datafloor.catalog;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search: free text (diacritics-insensitive, every word must match), facet filters (values of one
 * facet are OR-ed, facets AND-ed), an order and a page.
 *
 * @param filters facet name ({@link #FACETS}) → accepted values
 * @param audiences the caller may see documents with any of these audiences; null: no restriction
 */
public record CatalogQuery(
        String text, Map<String, List<String>> filters, Sort sort, int offset, int limit, Set<String> audiences) {

    /** Anyone, signed in or not. */
    public static final String PUBLIC = "public";

    /** Facets counted for every search, in display order. */
    public static final List<String> FACETS =
            List.of("publisher", "theme", "importance", "sharing", "personal", "format", "licence", "price", "keyword");

    public enum Sort {
        RELEVANCE,
        RECENT,
        QUALITY,
        TITLE
    }

    /**
     * Longest search text read, in characters. Only the first few dozen words count, but the analyser
     * would read the whole text: a megabyte of it is refused, not tokenised.
     */
    public static final int MAX_TEXT_CHARS = 10_000;

    /** @throws IllegalArgumentException for a text longer than {@link #MAX_TEXT_CHARS} */
    public CatalogQuery {
        if (text != null && text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("The search text is longer than " + MAX_TEXT_CHARS + " characters");
        }
        filters = filters == null ? Map.of() : Map.copyOf(filters);
        sort = sort == null ? Sort.RELEVANCE : sort;
        audiences = audiences == null ? null : Set.copyOf(audiences);
    }
}
