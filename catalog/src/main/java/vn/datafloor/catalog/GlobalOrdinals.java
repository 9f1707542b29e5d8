package vn.datafloor.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.OrdinalMap;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.FieldComparator;
import org.apache.lucene.search.FieldComparatorSource;
import org.apache.lucene.search.LeafFieldComparator;
import org.apache.lucene.search.Pruning;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.util.LongValues;
import org.apache.lucene.util.packed.PackedInts;

/**
 * Sorting on a text key (the id, the CKAN id, the title) by each value's rank among all of the snapshot's
 * values, a number, instead of by the text itself.
 *
 * <p>Why: Lucene's own text comparator copies the value's bytes every time a hit enters the top of the page,
 * and each copy decompresses a block of the terms dictionary. Every order ends with the id, so every sorted
 * search paid it; the harvesters' order ({@code id asc}, pages deep into the results) paid it for thousands of
 * hits per search, and this was most of its time. Ranks compare and copy as numbers and give exactly the
 * same order (the rank of a value is its position in the sorted list of all values).
 *
 * <p>One instance per searcher (per index snapshot): a field's ranks are built on its first sorted search
 * and kept until the next refresh.
 */
final class GlobalOrdinals {

    private final IndexReader reader;
    private final Map<String, Ranks> byField = new ConcurrentHashMap<>();

    GlobalOrdinals(IndexReader reader) {
        this.reader = reader;
    }

    /** {@code sort} with each text key replaced by its rank; the other keys as they are. */
    Sort rewrite(Sort sort) {
        SortField[] fields = sort.getSort();
        SortField[] ranked = new SortField[fields.length];
        boolean changed = false;
        for (int i = 0; i < fields.length; i++) {
            SortField f = fields[i];
            if (f.getType() == SortField.Type.STRING) {
                ranked[i] = new SortField(
                        f.getField(),
                        new RankSource(ranks(f.getField()), f.getMissingValue() == SortField.STRING_LAST),
                        f.getReverse());
                changed = true;
            } else {
                ranked[i] = f;
            }
        }
        return changed ? new Sort(ranked) : sort;
    }

    private Ranks ranks(String field) {
        return byField.computeIfAbsent(field, this::build);
    }

    private Ranks build(String field) {
        List<LeafReaderContext> leaves = reader.leaves();
        try {
            SortedDocValues[] values = new SortedDocValues[leaves.size()];
            for (LeafReaderContext leaf : leaves) {
                values[leaf.ord] = DocValues.getSorted(leaf.reader(), field);
            }
            if (values.length <= 1) {
                return new Ranks(field, null); // one segment: its own ordinals are the ranks
            }
            IndexReader.CacheHelper cache = reader.getReaderCacheHelper();
            return new Ranks(
                    field, OrdinalMap.build(cache == null ? null : cache.getKey(), values, PackedInts.DEFAULT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A field's map from each segment's ordinals to ranks in the whole snapshot (null: one segment). */
    private record Ranks(String field, OrdinalMap map) {
        LongValues of(LeafReaderContext leaf) {
            return map == null ? LongValues.IDENTITY : map.getGlobalOrds(leaf.ord);
        }
    }

    /** Comparators on ranks; a document without the field sorts first, or last when {@code missingLast}. */
    private static final class RankSource extends FieldComparatorSource {
        private final Ranks ranks;
        private final boolean missingLast;

        RankSource(Ranks ranks, boolean missingLast) {
            this.ranks = ranks;
            this.missingLast = missingLast;
        }

        @Override
        public FieldComparator<?> newComparator(String field, int numHits, Pruning pruning, boolean reversed) {
            return new RankComparator(ranks, numHits, missingLast ? Long.MAX_VALUE : -1L);
        }
    }

    private static final class RankComparator extends FieldComparator<Long> {
        private final Ranks ranks;
        private final long[] values;
        private final long missing;
        private long bottom;
        private long top;

        RankComparator(Ranks ranks, int numHits, long missing) {
            this.ranks = ranks;
            this.values = new long[numHits];
            this.missing = missing;
        }

        @Override
        public int compare(int slot1, int slot2) {
            return Long.compare(values[slot1], values[slot2]);
        }

        @Override
        public void setTopValue(Long value) {
            top = value;
        }

        @Override
        public Long value(int slot) {
            return values[slot];
        }

        @Override
        public LeafFieldComparator getLeafComparator(LeafReaderContext context) throws IOException {
            SortedDocValues docValues = DocValues.getSorted(context.reader(), ranks.field());
            LongValues global = ranks.of(context);
            return new LeafFieldComparator() {
                private long rank(int doc) throws IOException {
                    return docValues.advanceExact(doc) ? global.get(docValues.ordValue()) : missing;
                }

                @Override
                public void setBottom(int slot) {
                    bottom = values[slot];
                }

                @Override
                public int compareBottom(int doc) throws IOException {
                    return Long.compare(bottom, rank(doc));
                }

                @Override
                public int compareTop(int doc) throws IOException {
                    return Long.compare(top, rank(doc));
                }

                @Override
                public void copy(int slot, int doc) throws IOException {
                    values[slot] = rank(doc);
                }

                @Override
                public void setScorer(Scorable scorer) {}
            };
        }
    }
}
