package vn.datafloor.synth;

import java.nio.file.Path;

/** truth/record_links.csv: which true entity each extract record describes. */
final class TruthLinks implements AutoCloseable {
    static final String PERSON = "person";
    static final String BUSINESS = "business";
    static final String PRODUCT = "product";

    final Extract links;

    TruthLinks(Path outDir) {
        links = Extract.csv(outDir, "truth/record_links.csv", "source", "record_id", "entity_type", "entity_id");
    }

    void link(Extract source, String recordId, String entityType, String entityId) {
        link(source.source, recordId, entityType, entityId);
    }

    void link(String source, String recordId, String entityType, String entityId) {
        links.begin().add(source).add(recordId).add(entityType).add(entityId).end();
    }

    @Override
    public void close() {
        links.close();
    }
}
