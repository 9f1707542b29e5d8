package vn.datafloor.server.harvest;

import java.util.List;
import vn.datafloor.server.catalog.RemoteCatalog;

/**
 * What a reader found at a source.
 *
 * @param records the entries read
 * @param failed entries listed but unreadable (no identifier or title)
 * @param complete whether the whole source was read: only then may entries it no longer lists be removed
 * @param note why the harvest is not complete, or null
 */
record Harvested(List<RemoteCatalog.RemoteRecord> records, int failed, boolean complete, String note) {

    Harvested {
        records = List.copyOf(records);
    }
}
