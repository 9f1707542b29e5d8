package vn.datafloor.server.harvest;

import java.time.Instant;

/**
 * A catalog the operator harvests.
 *
 * @param orgId the organisation whose network allowances its address must pass (the operator's)
 * @param name the portal's or exchange's name, shown on each entry as "from {name}"
 * @param kind CKAN, DCAT_TURTLE, DCAT_JSONLD or DSP
 * @param url the portal's address (CKAN), the catalog document's (DCAT) or the DSP endpoint
 * @param publisher the publishing organisation's name, for entries that name none themselves
 * @param intervalMinutes how often it is harvested
 * @param lastRun the newest run, or null before the first
 */
public record HarvestSource(
        long id,
        long orgId,
        String name,
        String kind,
        String url,
        String publisher,
        int intervalMinutes,
        boolean enabled,
        Instant nextRunAt,
        Instant createdAt,
        Instant updatedAt,
        HarvestRun lastRun,
        int entries) {

    public enum Kind {
        CKAN,
        DCAT_TURTLE,
        DCAT_JSONLD,
        DSP
    }

    HarvestSource with(HarvestRun run, int entryCount) {
        return new HarvestSource(
                id,
                orgId,
                name,
                kind,
                url,
                publisher,
                intervalMinutes,
                enabled,
                nextRunAt,
                createdAt,
                updatedAt,
                run,
                entryCount);
    }
}
