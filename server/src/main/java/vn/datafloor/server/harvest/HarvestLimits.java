package vn.datafloor.server.harvest;

import java.time.Duration;

/**
 * What one harvest may read: bytes per answer (checked while reading, before any parsing), entries
 * per source, the CKAN page size, the nesting depth of a document, RDF triples per document, JSON-LD
 * contexts fetched per document, and the time an answer may take.
 */
record HarvestLimits(
        long maxBytes, int maxRecords, int pageSize, int maxDepth, long maxTriples, int maxContexts, Duration timeout) {

    static final HarvestLimits DEFAULTS =
            new HarvestLimits(32L * 1024 * 1024, 50_000, 500, 64, 2_000_000, 4, Duration.ofSeconds(30));

    HarvestLimits {
        if (maxBytes < 1 || maxRecords < 1 || pageSize < 1 || pageSize > 1000 || maxDepth < 4 || maxTriples < 1) {
            throw new IllegalArgumentException("harvest limits out of range");
        }
    }
}
