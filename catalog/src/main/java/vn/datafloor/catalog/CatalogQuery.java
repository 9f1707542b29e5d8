package vn.datafloor.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A search: free text (diacritics-insensitive, every word must match), facet filters (values of one
 * facet are OR-ed, facets AND-ed), an order and a page. Callers that need more — several conditions
 * on one field, identifiers, date ranges, any order of several keys — add {@link Condition}s,
 * {@link Range}s and an {@link Order} list; everything is answered by the index.
 *
 * @param filters facet name ({@link #FACETS}) → accepted values
 * @param audiences the caller may see documents with any of these audiences; null: no restriction
 * @param conditions more filters, each of which must hold (AND-ed with each other and with {@code filters})
 * @param ranges time ranges that must all hold; a document without that time never matches one
 * @param order the order of the results when not empty (it then replaces {@code sort}); the id always
 *     breaks the last tie
 * @param countFacets whether to count the facets; false leaves every facet's list empty and saves the
 *     counting over all matches (the total stays exact)
 */
public record CatalogQuery(
        String text,
        Map<String, List<String>> filters,
        Sort sort,
        int offset,
        int limit,
        Set<String> audiences,
        List<Condition> conditions,
        List<Range> ranges,
        List<Order> order,
        boolean countFacets) {

    /** Anyone, signed in or not. */
    public static final String PUBLIC = "public";

    /** Facets counted for every search, in display order. */
    public static final List<String> FACETS =
            List.of("publisher", "theme", "importance", "sharing", "personal", "format", "licence", "price", "keyword");

    /** A facet that is not counted with every search: {@link CatalogDocument#publisherId}. */
    public static final String PUBLISHER_ID = "publisherId";

    /** The document's id ({@link CatalogDocument#id}), for a {@link Condition}. */
    public static final String ID = "id";

    /** The document's {@link CatalogDocument#alternateId}, for a {@link Condition}. */
    public static final String ALTERNATE_ID = "alternateId";

    public enum Sort {
        RELEVANCE,
        RECENT,
        QUALITY,
        TITLE
    }

    /**
     * The document's {@code field} has one of {@code anyOf} (compared as facet values are: Unicode-normalised,
     * trimmed). Fields: a facet of {@link #FACETS}, {@link #PUBLISHER_ID}, {@link #ID} or {@link #ALTERNATE_ID}.
     * No usable value: nothing matches (unlike {@code filters}, where a facet given no value does not restrict).
     */
    public record Condition(String field, List<String> anyOf) {
        public Condition {
            Objects.requireNonNull(field, "field");
            anyOf = List.copyOf(anyOf);
        }
    }

    public enum TimeField {
        MODIFIED,
        CREATED
    }

    /** The document's time lies between the bounds (a null bound is open), to the microsecond. */
    public record Range(TimeField field, Instant from, boolean fromInclusive, Instant to, boolean toInclusive) {
        public Range {
            Objects.requireNonNull(field, "field");
        }
    }

    public enum OrderField {
        /** Relevance: descending is best first. */
        SCORE,
        /** Unknown times sort as the earliest. */
        MODIFIED,
        CREATED,
        /** Unknown quality sorts as the lowest. */
        QUALITY,
        /** Case- and diacritics-insensitive title, as {@link Sort#TITLE}. */
        TITLE,
        ID,
        ALTERNATE_ID
    }

    public record Order(OrderField field, boolean descending) {
        public Order {
            Objects.requireNonNull(field, "field");
        }
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
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        ranges = ranges == null ? List.of() : List.copyOf(ranges);
        order = order == null ? List.of() : List.copyOf(order);
    }

    /** Text, facet filters, one of the usual orders and a page. */
    public CatalogQuery(
            String text, Map<String, List<String>> filters, Sort sort, int offset, int limit, Set<String> audiences) {
        this(text, filters, sort, offset, limit, audiences, List.of(), List.of(), List.of(), true);
    }
}
