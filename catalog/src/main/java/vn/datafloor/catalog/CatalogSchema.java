package vn.datafloor.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
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

    final FacetsConfig facetsConfig = new FacetsConfig();

    CatalogSchema() {
        for (String dim : CatalogQuery.FACETS) {
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
            doc.add(new NumericDocValuesField(MODIFIED, d.modified().toEpochMilli()));
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
            List<BytesRef> terms = new ArrayList<>();
            String field = facetsConfig.getDimConfig(dim).indexFieldName;
            List<String> values = q.filters().get(dim);
            for (String value : values == null ? List.<String>of() : values) {
                String v = Text.facetValue(value);
                if (!v.isEmpty()) {
                    terms.add(DrillDownQuery.term(field, dim, v).bytes());
                }
            }
            if (!terms.isEmpty()) { // a facet given no usable value does not restrict
                b.add(new TermInSetQuery(field, terms), Occur.FILTER);
            }
        }
        return b.build();
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
