package vn.datafloor.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.document.Document;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.Facets;
import org.apache.lucene.facet.FacetsCollector;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesReaderState;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MultiCollectorManager;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TopFieldCollector;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * Full-text, diacritics-insensitive, faceted search over dataset descriptions (Apache Lucene).
 *
 * <p>Writes ({@link #put}, {@link #putAll}, {@link #remove}, {@link #replaceAll}) are serialised and
 * visible to every search that starts after they return. Searches run concurrently, never wait for
 * a write, and each sees one consistent snapshot: a {@link #replaceAll} is never seen half done.
 *
 * <p>The index lives in memory and is rebuilt from the catalog's tables on start-up; it holds no
 * data that exists nowhere else, so nothing is ever committed.
 */
public final class CatalogIndex implements AutoCloseable {

    /** Most values listed per facet; the long tail (keywords, publishers) is for the search box. */
    static final int MAX_FACET_VALUES = 50;

    static final int MAX_LIMIT = 1000;
    /** Deeper pages are refused (empty, with the right total): they cost a sort of the whole result. */
    static final int MAX_OFFSET = 100_000;

    /** Queries whose facet counts a snapshot keeps: a few hundred small maps. */
    static final int FACET_COUNTS_KEPT = 512;

    /** Batches at least this large are written from several threads. */
    private static final int PARALLEL_BATCH = 2_000;

    private final Directory directory;
    private final CatalogAnalyzer analyzer = new CatalogAnalyzer();
    private final CatalogSchema schema = new CatalogSchema();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean closed;

    private CatalogIndex(Directory directory) throws IOException {
        this.directory = directory;
        IndexWriterConfig config = new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                .setCommitOnClose(false)
                // Fewer, larger flushed segments: bulk loads of 100k descriptions merge less.
                .setRAMBufferSizeMB(64);
        this.writer = new IndexWriter(directory, config);
        this.searchers = new SearcherManager(writer, new FacetSearcherFactory(schema));
    }

    /** An empty index held in memory. */
    public static CatalogIndex inMemory() {
        try {
            return new CatalogIndex(new ByteBuffersDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds the document, or replaces the one with the same id. */
    public void put(CatalogDocument document) {
        putAll(List.of(document));
    }

    /** Adds or replaces all of them; searches see none of them until all are in. */
    public void putAll(Collection<CatalogDocument> documents) {
        write(false, documents, List.of());
    }

    /** Removes the document with this id, if there is one. */
    public void remove(String id) {
        Objects.requireNonNull(id, "id");
        write(false, List.of(), List.of(id));
    }

    /** Makes these documents the whole index, atomically for searches. */
    public void replaceAll(Collection<CatalogDocument> documents) {
        write(true, documents, List.of());
    }

    /** Number of documents searchable now. */
    public int size() {
        IndexSearcher searcher = acquire();
        try {
            return searcher.getIndexReader().numDocs();
        } finally {
            release(searcher);
        }
    }

    /**
     * Runs the query: one page of hits, the exact number of matches, and the counts of every facet
     * in {@link CatalogQuery#FACETS} over all matches.
     *
     * @throws IllegalArgumentException if a filter names a facet that is not in {@link CatalogQuery#FACETS}
     */
    public SearchResult search(CatalogQuery query) {
        Objects.requireNonNull(query, "query");
        Query lucene = schema.toLucene(query, analyzer); // validates before taking a searcher
        int limit = Math.max(0, Math.min(query.limit(), MAX_LIMIT));
        int offset = Math.max(0, query.offset());
        int pageEnd = offset > MAX_OFFSET ? 0 : offset + limit;

        FacetSearcher searcher = (FacetSearcher) acquire();
        try {
            ScoreDoc[] top;
            long total = 0;
            boolean empty = searcher.getIndexReader().numDocs() == 0;
            // A snapshot's facet counts for a query never change: the same query (a portal's landing page,
            // a harvester's filter) counts them once per index change, then only its page is collected.
            Map<String, List<SearchResult.FacetCount>> facets =
                    query.countFacets() ? searcher.facetCounts.get(lucene) : null;
            if (!query.countFacets() || facets != null) {
                // No facets to count: Lucene counts the total itself, without keeping a bit set of every match.
                if (pageEnd == 0 || empty) {
                    total = searcher.count(lucene);
                    top = new ScoreDoc[0];
                } else {
                    TopFieldDocs docs = searcher.search(
                            lucene,
                            new TopFieldCollectorManager(
                                    searcher.ordinals.rewrite(CatalogSchema.sort(query)),
                                    pageEnd,
                                    null,
                                    Integer.MAX_VALUE));
                    total = docs.totalHits.value;
                    top = docs.scoreDocs;
                }
            } else {
                FacetsCollector matches;
                if (pageEnd == 0 || empty) {
                    matches = searcher.search(lucene, new FacetsCollectorManager());
                    top = new ScoreDoc[0];
                } else {
                    Sort sort = searcher.ordinals.rewrite(CatalogSchema.sort(query));
                    // No early termination: the facet collector must see every match anyway (it also gives the total).
                    var both = new MultiCollectorManager(
                            new FacetsCollectorManager(),
                            new TopFieldCollectorManager(sort, pageEnd, null, Integer.MAX_VALUE));
                    Object[] results = searcher.search(lucene, both);
                    matches = (FacetsCollector) results[0];
                    top = ((TopFieldDocs) results[1]).scoreDocs;
                }
                for (FacetsCollector.MatchingDocs m : matches.getMatchingDocs()) {
                    total += m.totalHits;
                }
                facets = facets(searcher.facetState, matches);
                searcher.remember(lucene, facets);
            }
            List<SearchResult.Hit> hits = hits(searcher, lucene, top, offset);
            return new SearchResult(total, hits, facets == null ? facets(null, null) : facets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    private static List<SearchResult.Hit> hits(IndexSearcher searcher, Query query, ScoreDoc[] top, int offset)
            throws IOException {
        if (offset >= top.length) {
            return List.of();
        }
        ScoreDoc[] page = Arrays.copyOfRange(top, offset, top.length);
        if (((FieldDoc) page[0]).fields[0] instanceof Float) {
            // Sorting by score first keeps the score as the first sort value, not in ScoreDoc.score (the
            // other sort keys are a long, a double or bytes, never a float).
            for (ScoreDoc sd : page) {
                sd.score = (Float) ((FieldDoc) sd).fields[0];
            }
        } else {
            // Field sorts do not score; the page is small, so score just its documents.
            TopFieldCollector.populateScores(page, searcher, query);
        }
        String[] ids = ids(searcher, page);
        List<SearchResult.Hit> hits = new ArrayList<>(page.length);
        for (int i = 0; i < page.length; i++) {
            hits.add(new SearchResult.Hit(ids[i], page[i].score));
        }
        return List.copyOf(hits);
    }

    /**
     * The ids of the page's documents, from the id's doc values: stored fields would decompress a block of
     * documents for each hit, which was most of the cost of pages of 100 or 1,000. Doc values are read
     * forward only, so the documents are visited in index order, leaf by leaf.
     */
    private static String[] ids(IndexSearcher searcher, ScoreDoc[] page) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        Integer[] byDoc = new Integer[page.length];
        for (int i = 0; i < page.length; i++) {
            byDoc[i] = i;
        }
        Arrays.sort(byDoc, Comparator.comparingInt(i -> page[i].doc));
        String[] ids = new String[page.length];
        int leafIndex = -1;
        SortedDocValues values = null;
        for (int i : byDoc) {
            int doc = page[i].doc;
            int leaf = ReaderUtil.subIndex(doc, leaves);
            if (leaf != leafIndex) {
                leafIndex = leaf;
                values = DocValues.getSorted(leaves.get(leaf).reader(), CatalogSchema.ID);
            }
            if (!values.advanceExact(doc - leaves.get(leaf).docBase)) {
                throw new IllegalStateException("Catalog index document " + doc + " has no id");
            }
            ids[i] = values.lookupOrd(values.ordValue()).utf8ToString();
        }
        return ids;
    }

    /**
     * Every value of a facet with the number of documents the audiences may see that have it (null: no
     * restriction), most frequent first, then by value; no cap on the number of values. Computed once
     * per index snapshot and audience set, so lists of organisations or tags cost nothing between writes.
     *
     * @param facet one of {@link CatalogQuery#FACETS} or {@link CatalogQuery#PUBLISHER_ID}
     * @throws IllegalArgumentException for another facet name
     */
    public List<SearchResult.FacetCount> facetValues(String facet, Set<String> audiences) {
        if (!CatalogSchema.FACET_DIMS.contains(facet)) {
            throw new IllegalArgumentException(
                    "unknown facet '" + facet + "'; facets are: " + String.join(", ", CatalogSchema.FACET_DIMS));
        }
        Set<String> who = audiences == null ? null : Set.copyOf(audiences);
        FacetSearcher searcher = (FacetSearcher) acquire();
        try {
            return searcher.allValues.computeIfAbsent(
                    Arrays.asList(facet, who), key -> allValues(searcher, facet, who));
        } finally {
            release(searcher);
        }
    }

    private List<SearchResult.FacetCount> allValues(FacetSearcher searcher, String facet, Set<String> audiences) {
        SortedSetDocValuesReaderState state = searcher.facetState;
        if (state == null || state.getOrdRange(facet) == null) {
            return List.of();
        }
        try {
            Query visible = schema.toLucene(new CatalogQuery(null, Map.of(), null, 0, 0, audiences), analyzer);
            FacetsCollector matches = searcher.search(visible, new FacetsCollectorManager());
            FacetResult r = new SortedSetDocValuesFacetCounts(state, matches).getAllChildren(facet);
            List<SearchResult.FacetCount> values = new ArrayList<>();
            if (r != null) {
                for (LabelAndValue lv : r.labelValues) {
                    if (lv.value.longValue() > 0) {
                        values.add(new SearchResult.FacetCount(lv.label, lv.value.longValue()));
                    }
                }
            }
            values.sort(Comparator.comparingLong(SearchResult.FacetCount::count)
                    .reversed()
                    .thenComparing(SearchResult.FacetCount::value));
            return List.copyOf(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ids of every document the audiences may see (null: no restriction), sorted. */
    public List<String> ids(Set<String> audiences) {
        Query visible = schema.toLucene(new CatalogQuery(null, Map.of(), null, 0, 0, audiences), analyzer);
        IndexSearcher searcher = acquire();
        try {
            FacetsCollector matches = searcher.search(visible, new FacetsCollectorManager());
            List<String> ids = new ArrayList<>();
            for (FacetsCollector.MatchingDocs m : matches.getMatchingDocs()) {
                org.apache.lucene.index.SortedDocValues values =
                        org.apache.lucene.index.DocValues.getSorted(m.context.reader(), CatalogSchema.ID);
                org.apache.lucene.search.DocIdSetIterator docs = m.bits.iterator();
                for (int doc = docs.nextDoc();
                        doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                        doc = docs.nextDoc()) {
                    if (values.advanceExact(doc)) {
                        ids.add(values.lookupOrd(values.ordValue()).utf8ToString());
                    }
                }
            }
            ids.sort(Comparator.naturalOrder());
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    /**
     * Bytes the index holds in memory: its files (postings, doc values, stored ids) and the facet
     * ordinal map of the current snapshot. The Java heap also holds Lucene's per-segment readers,
     * which are small beside these.
     */
    public long memoryBytes() {
        FacetSearcher searcher = (FacetSearcher) acquire();
        try {
            long bytes = searcher.facetState == null ? 0 : searcher.facetState.ramBytesUsed();
            for (String file : directory.listAll()) {
                try {
                    bytes += directory.fileLength(file);
                } catch (java.nio.file.NoSuchFileException mergedAway) {
                    // a merge removed it between listing and asking: it no longer takes memory
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            release(searcher);
        }
    }

    private static Map<String, List<SearchResult.FacetCount>> facets(
            SortedSetDocValuesReaderState state, FacetsCollector matches) throws IOException {
        Map<String, List<SearchResult.FacetCount>> out = new LinkedHashMap<>();
        Facets counts = state == null ? null : new SortedSetDocValuesFacetCounts(state, matches);
        for (String dim : CatalogQuery.FACETS) {
            FacetResult r = counts == null || state.getOrdRange(dim) == null
                    ? null
                    : counts.getTopChildren(MAX_FACET_VALUES, dim);
            List<SearchResult.FacetCount> values = new ArrayList<>();
            if (r != null) {
                for (LabelAndValue lv : r.labelValues) {
                    if (lv.value.longValue() > 0) {
                        values.add(new SearchResult.FacetCount(lv.label, lv.value.longValue()));
                    }
                }
            }
            // Lucene already breaks ties by value; sorting again states the contract, not an accident.
            values.sort(Comparator.comparingLong(SearchResult.FacetCount::count)
                    .reversed()
                    .thenComparing(SearchResult.FacetCount::value));
            out.put(dim, List.copyOf(values));
        }
        return java.util.Collections.unmodifiableMap(out); // kept and shared by the snapshot
    }

    private void write(boolean replace, Collection<CatalogDocument> documents, Collection<String> removals) {
        Objects.requireNonNull(documents, "documents");
        // Build every Lucene document first: a bad one then fails the call before anything changed.
        List<Document> docs = new ArrayList<>(documents.size());
        List<Term> ids = new ArrayList<>(documents.size());
        for (CatalogDocument d : documents) {
            Objects.requireNonNull(d, "document");
            if (d.id() == null || d.id().isBlank()) {
                throw new IllegalArgumentException("a catalog document needs an id");
            }
            docs.add(schema.toLucene(d));
            ids.add(new Term(CatalogSchema.ID, d.id()));
        }
        // As with putAll, the last document given with an id is the one that stays.
        Map<String, Integer> lastWithId = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            lastWithId.put(ids.get(i).text(), i);
        }
        writeLock.lock();
        try {
            ensureOpen();
            if (replace) {
                writer.deleteAll();
            }
            for (String id : removals) {
                writer.deleteDocuments(new Term(CatalogSchema.ID, id));
            }
            // Only the last document given with an id is written, so the order of the writes does not matter
            // and a large batch is analysed on every core (IndexWriter takes concurrent writes).
            java.util.stream.IntStream positions = java.util.stream.IntStream.range(0, docs.size())
                    .filter(i -> lastWithId.get(ids.get(i).text()) == i);
            if (docs.size() >= PARALLEL_BATCH) {
                positions = positions.parallel();
            }
            positions.forEach(i -> {
                try {
                    if (replace) {
                        writer.addDocument(docs.get(i)); // the index is empty: nothing to replace
                    } else {
                        writer.updateDocument(ids.get(i), docs.get(i));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            // Under the write lock, so no other writer can publish a half-done replaceAll.
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writeLock.unlock();
        }
    }

    private IndexSearcher acquire() {
        ensureOpen();
        try {
            return searchers.acquire();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void release(IndexSearcher searcher) {
        try {
            searchers.release(searcher);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("catalog index is closed");
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // Searches still running hold their own reference to their reader and finish normally.
            searchers.close();
            writer.rollback();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writeLock.unlock();
        }
    }

    /** How many segments the current snapshot has (tests: the sorts across segments need more than one). */
    int segmentCount() {
        IndexSearcher searcher = acquire();
        try {
            return searcher.getIndexReader().leaves().size();
        } finally {
            release(searcher);
        }
    }

    /** A searcher with the facet ordinals of its reader, built once per refresh rather than per search. */
    private static final class FacetSearcher extends IndexSearcher {
        final SortedSetDocValuesReaderState facetState;
        /** Facet counts of this snapshot by query, the most recently used kept (see {@link #search}). */
        private final Map<Query, Map<String, List<SearchResult.FacetCount>>> facetCounts =
                java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(
                            Map.Entry<Query, Map<String, List<SearchResult.FacetCount>>> eldest) {
                        return size() > FACET_COUNTS_KEPT;
                    }
                });

        void remember(Query query, Map<String, List<SearchResult.FacetCount>> counts) {
            facetCounts.put(query, counts);
        }

        /** The ranks of this snapshot's text sort keys, built on their first use. */
        final GlobalOrdinals ordinals;
        /** {@link #facetValues} of this snapshot, by facet and audiences. */
        final Map<List<Object>, List<SearchResult.FacetCount>> allValues =
                new java.util.concurrent.ConcurrentHashMap<>();

        FacetSearcher(IndexReader reader, CatalogSchema schema) throws IOException {
            super(reader);
            this.ordinals = new GlobalOrdinals(reader);
            String field = schema.facetsConfig.getDimConfig(CatalogQuery.FACETS.get(0)).indexFieldName;
            // An empty index has no facet field, and the state cannot be built without one.
            boolean hasFacets = FieldInfos.getMergedFieldInfos(reader).fieldInfo(field) != null;
            this.facetState =
                    hasFacets ? new DefaultSortedSetDocValuesReaderState(reader, field, schema.facetsConfig) : null;
        }
    }

    private static final class FacetSearcherFactory extends SearcherFactory {
        private final CatalogSchema schema;

        FacetSearcherFactory(CatalogSchema schema) {
            this.schema = schema;
        }

        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) throws IOException {
            return new FacetSearcher(reader, schema);
        }
    }
}
