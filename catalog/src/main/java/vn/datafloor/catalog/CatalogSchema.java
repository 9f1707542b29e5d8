package vn.datafloor.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleDocValuesField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.facet.DrillDownQuery;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/**
 * How a {@link CatalogDocument} becomes a Lucene document, and a {@link CatalogQuery} a Lucene
 * query and sort. Field names and boosts live here and nowhere else.
 */
final class CatalogSchema {

    static final String ID = "id";
    /** title, titleEn: each word folded, and as written where that differs. */
    static final String TITLE = "title";
    /** description, descriptionEn, publisher, keywords, columns: likewise. */
    static final String BODY = "body";

    static final String AUDIENCE = "audience";
    static final String MODIFIED = "modified";
    static final String QUALITY = "quality";
    static final String TITLE_SORT = "title_sort";
    /** Creation time: points for ranges, doc values for sorting, in microseconds like {@link #MODIFIED}. */
    static final String CREATED = "created";

    static final String ALTERNATE_ID = "alternate_id";

    /** A title word outweighs the same word in a description, even a long one. */
    static final float TITLE_BOOST = 4f;
    /** Added on top of the folded match when the query's diacritics match exactly. */
    static final float EXACT_BOOST = 1f;
    /**
     * Words of a query beyond this are ignored: every word must match, so a longer query matches
     * (almost) nothing anyway, and it keeps a 10,000-character paste from building a huge query.
     */
    static final int MAX_QUERY_TERMS = 32;

    private static final Set<String> MULTI_VALUED = Set.of("theme", "format", "keyword");

    /** Every facet dimension indexed: the counted ones and the hidden publisher id. */
    static final List<String> FACET_DIMS = java.util.stream.Stream.concat(
                    CatalogQuery.FACETS.stream(), java.util.stream.Stream.of(CatalogQuery.PUBLISHER_ID))
            .toList();

    final FacetsConfig facetsConfig = new FacetsConfig();

    CatalogSchema() {
        for (String dim : FACET_DIMS) {
            facetsConfig.setMultiValued(dim, MULTI_VALUED.contains(dim));
            // Filters look up dim+value only; the bare-dimension term would be dead weight.
            facetsConfig.setDrillDownTermsIndexing(dim, FacetsConfig.DrillDownTermsIndexing.FULL_PATH_ONLY);
        }
    }

    Document toLucene(CatalogDocument d) {
        Document doc = new Document();
        doc.add(new StringField(ID, d.id(), Field.Store.YES));
        doc.add(new SortedDocValuesField(ID, new BytesRef(d.id())));

        for (String t : new String[] {d.title(), d.titleEn()}) {
            addText(doc, TITLE, t);
        }
        for (String t : new String[] {d.description(), d.descriptionEn(), d.publisher()}) {
            addText(doc, BODY, t);
        }
        d.keywords().forEach(k -> addText(doc, BODY, k));
        d.columns().forEach(c -> addText(doc, BODY, c));

        for (String a : d.audiences()) {
            doc.add(new StringField(AUDIENCE, a, Field.Store.NO));
        }
        if (d.modified() != null) {
            long micros = floorMicros(d.modified());
            doc.add(new NumericDocValuesField(MODIFIED, micros));
            doc.add(new LongPoint(MODIFIED, micros));
        }
        if (d.created() != null) {
            long micros = floorMicros(d.created());
            doc.add(new NumericDocValuesField(CREATED, micros));
            doc.add(new LongPoint(CREATED, micros));
        }
        if (d.alternateId() != null && !d.alternateId().isBlank()) {
            doc.add(new StringField(ALTERNATE_ID, d.alternateId(), Field.Store.NO));
            doc.add(new SortedDocValuesField(ALTERNATE_ID, new BytesRef(d.alternateId())));
        }
        if (!Double.isNaN(d.quality())) {
            doc.add(new DoubleDocValuesField(QUALITY, d.quality()));
        }
        String titleKey = Text.sortKey(d.title() == null || d.title().isBlank() ? d.titleEn() : d.title());
        if (!titleKey.isEmpty()) {
            doc.add(new SortedDocValuesField(TITLE_SORT, new BytesRef(titleKey)));
        }

        addFacet(doc, "publisher", d.publisher());
        d.themes().forEach(t -> addFacet(doc, "theme", t));
        addFacet(doc, "importance", d.importance());
        addFacet(doc, "sharing", d.sharing());
        addFacet(doc, "personal", d.personalData() ? "yes" : "no");
        d.formats().forEach(f -> addFacet(doc, "format", f));
        addFacet(doc, "licence", d.licence());
        addFacet(doc, "price", d.priceType()); // no price type: no price value at all
        d.keywords().forEach(k -> addFacet(doc, "keyword", k));
        addFacet(doc, CatalogQuery.PUBLISHER_ID, d.publisherId());
        try {
            return facetsConfig.build(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void addText(Document doc, String field, String text) {
        if (text != null && !text.isBlank()) {
            doc.add(new TextField(field, text, Field.Store.NO));
        }
    }

    private static void addFacet(Document doc, String dim, String value) {
        String v = Text.facetValue(value);
        if (!v.isEmpty()) {
            doc.add(new SortedSetDocValuesFacetField(dim, v));
        }
    }

    /**
     * The whole search: the text part scores, audiences and facet filters only filter.
     *
     * @throws IllegalArgumentException for a filter on a facet that does not exist
     */
    Query toLucene(CatalogQuery q, Analyzer analyzer) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        b.add(textQuery(q.text(), analyzer), Occur.MUST);
        if (q.audiences() != null) {
            if (q.audiences().isEmpty()) {
                return new MatchNoDocsQuery("no audience");
            }
            b.add(
                    new TermInSetQuery(
                            AUDIENCE, q.audiences().stream().map(BytesRef::new).toList()),
                    Occur.FILTER);
        }
        // Sorted so that equal searches build equal queries (the query cache keys on them).
        for (String dim : new TreeSet<>(q.filters().keySet())) {
            if (dim == null || !CatalogQuery.FACETS.contains(dim)) {
                throw new IllegalArgumentException("unknown facet '" + dim + "' in filters; facets are: "
                        + String.join(", ", CatalogQuery.FACETS));
            }
            List<String> values = q.filters().get(dim);
            Query filter = facetFilter(dim, values == null ? List.of() : values);
            if (filter != null) { // a facet given no usable value does not restrict
                b.add(filter, Occur.FILTER);
            }
        }
        for (CatalogQuery.Condition c : q.conditions()) {
            Query filter = condition(c);
            b.add(filter == null ? new MatchNoDocsQuery("no value for " + c.field()) : filter, Occur.FILTER);
        }
        for (CatalogQuery.Range r : q.ranges()) {
            b.add(range(r), Occur.FILTER);
        }
        return b.build();
    }

    /** Documents with any of the values in the facet; null when no value is usable. */
    private Query facetFilter(String dim, List<String> values) {
        List<BytesRef> terms = new ArrayList<>();
        String field = facetsConfig.getDimConfig(dim).indexFieldName;
        for (String value : values) {
            String v = Text.facetValue(value);
            if (!v.isEmpty()) {
                terms.add(DrillDownQuery.term(field, dim, v).bytes());
            }
        }
        return terms.isEmpty() ? null : new TermInSetQuery(field, terms);
    }

    /** @return null when the condition has no usable value */
    private Query condition(CatalogQuery.Condition c) {
        String field = c.field();
        if (FACET_DIMS.contains(field)) {
            return facetFilter(field, c.anyOf());
        }
        String indexField = switch (field) {
            case CatalogQuery.ID -> ID;
            case CatalogQuery.ALTERNATE_ID -> ALTERNATE_ID;
            default ->
                throw new IllegalArgumentException("unknown field '" + field + "' in a condition; fields are: "
                        + String.join(", ", FACET_DIMS) + ", " + CatalogQuery.ID + ", " + CatalogQuery.ALTERNATE_ID);
        };
        List<BytesRef> terms = new ArrayList<>();
        for (String value : c.anyOf()) {
            String v = value == null ? "" : value.strip();
            if (!v.isEmpty()) {
                terms.add(new BytesRef(v));
            }
        }
        return terms.isEmpty() ? null : new TermInSetQuery(indexField, terms);
    }

    private static Query range(CatalogQuery.Range r) {
        String field = r.field() == CatalogQuery.TimeField.CREATED ? CREATED : MODIFIED;
        // Indexed times are whole microseconds, so bounds round inwards to the nearest whole one.
        long lo = r.from() == null
                ? Long.MIN_VALUE
                : r.fromInclusive() ? ceilMicros(r.from()) : saturatedAdd(floorMicros(r.from()), 1);
        long hi = r.to() == null
                ? Long.MAX_VALUE
                : r.toInclusive() ? floorMicros(r.to()) : saturatedAdd(ceilMicros(r.to()), -1);
        return LongPoint.newRangeQuery(field, lo, hi);
    }

    /** Microseconds since the epoch, rounded down; times beyond ±292,000 years saturate. */
    static long floorMicros(Instant t) {
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
        } catch (ArithmeticException e) {
            return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    static long ceilMicros(Instant t) {
        return saturatedAdd(floorMicros(t), t.getNano() % 1000 == 0 ? 0 : 1);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    /**
     * Every query word must match (folded) in some text field; a title match and an exact-diacritics
     * match add to the score. Built from analysed tokens, so no character is query syntax.
     */
    static Query textQuery(String text, Analyzer analyzer) {
        List<String> words = exactTokens(text, analyzer);
        if (words.isEmpty()) {
            return new MatchAllDocsQuery();
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        for (String exact : words) {
            String folded = Text.fold(exact);
            BooleanQuery.Builder word = new BooleanQuery.Builder();
            word.add(new BoostQuery(new TermQuery(new Term(TITLE, folded)), TITLE_BOOST), Occur.SHOULD);
            word.add(new TermQuery(new Term(BODY, folded)), Occur.SHOULD);
            if (!exact.equals(folded)) {
                // Only when the user typed diacritics: then "bệnh" outranks "bênh". A word typed without
                // them must not favour texts that happen to lack them too.
                word.add(
                        new BoostQuery(new TermQuery(new Term(TITLE, exact)), TITLE_BOOST * EXACT_BOOST), Occur.SHOULD);
                word.add(new BoostQuery(new TermQuery(new Term(BODY, exact)), EXACT_BOOST), Occur.SHOULD);
            }
            all.add(word.build(), Occur.MUST);
        }
        return all.build();
    }

    /** The query's distinct words as typed (normalised, lower-cased, not folded), at most {@link #MAX_QUERY_TERMS}. */
    static List<String> exactTokens(String text, Analyzer analyzer) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        Set<String> words = new LinkedHashSet<>();
        try (TokenStream ts = analyzer.tokenStream(CatalogAnalyzer.QUERY, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (words.size() < MAX_QUERY_TERMS && ts.incrementToken()) {
                words.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(words);
    }

    /** The query's order: its {@link CatalogQuery#order()} when given, else its {@link CatalogQuery#sort()}. */
    static Sort sort(CatalogQuery q) {
        if (q.order().isEmpty()) {
            return sort(q.sort());
        }
        List<SortField> fields = new ArrayList<>();
        for (CatalogQuery.Order o : q.order()) {
            boolean desc = o.descending();
            SortField f = switch (o.field()) {
                case SCORE -> new SortField(null, SortField.Type.SCORE, !desc); // SCORE's natural order is best first
                case MODIFIED -> timeField(MODIFIED, desc);
                case CREATED -> timeField(CREATED, desc);
                case QUALITY -> {
                    SortField quality = new SortField(QUALITY, SortField.Type.DOUBLE, desc);
                    quality.setMissingValue(Double.NEGATIVE_INFINITY);
                    yield quality;
                }
                case TITLE -> {
                    SortField title = new SortField(TITLE_SORT, SortField.Type.STRING, desc);
                    // No title sorts last either way, as with Sort.TITLE.
                    title.setMissingValue(desc ? SortField.STRING_FIRST : SortField.STRING_LAST);
                    yield title;
                }
                case ID -> new SortField(ID, SortField.Type.STRING, desc);
                case ALTERNATE_ID -> {
                    SortField alternate = new SortField(ALTERNATE_ID, SortField.Type.STRING, desc);
                    alternate.setMissingValue(desc ? SortField.STRING_FIRST : SortField.STRING_LAST);
                    yield alternate;
                }
            };
            fields.add(f);
        }
        if (q.order().get(q.order().size() - 1).field() != CatalogQuery.OrderField.ID) {
            fields.add(new SortField(ID, SortField.Type.STRING));
        }
        return new Sort(fields.toArray(SortField[]::new));
    }

    private static SortField timeField(String field, boolean descending) {
        SortField f = new SortField(field, SortField.Type.LONG, descending);
        f.setMissingValue(Long.MIN_VALUE); // unknown: the earliest, so last when newest come first
        return f;
    }

    /** Every order ends with the id, so pages never overlap or skip between equal keys. */
    static Sort sort(CatalogQuery.Sort sort) {
        SortField id = new SortField(ID, SortField.Type.STRING);
        SortField recent = new SortField(MODIFIED, SortField.Type.LONG, true);
        recent.setMissingValue(Long.MIN_VALUE);
        return switch (sort) {
            case RELEVANCE -> new Sort(SortField.FIELD_SCORE, recent, id);
            case RECENT -> new Sort(recent, SortField.FIELD_SCORE, id);
            case QUALITY -> {
                SortField quality = new SortField(QUALITY, SortField.Type.DOUBLE, true);
                quality.setMissingValue(Double.NEGATIVE_INFINITY); // NaN is not indexed: last
                yield new Sort(quality, recent, id);
            }
            case TITLE -> {
                SortField title = new SortField(TITLE_SORT, SortField.Type.STRING);
                title.setMissingValue(SortField.STRING_LAST);
                yield new Sort(title, id);
            }
        };
    }
}
