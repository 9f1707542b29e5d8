package vn.datafloor.server.harvest;

import java.time.Instant;

/**
 * One harvest of a source and what it did.
 *
 * @param status RUNNING, SUCCEEDED, PARTIAL (read in part: added and updated, removed nothing) or FAILED
 *     (changed nothing)
 * @param trigger SCHEDULE or MANUAL
 * @param seen entries the source listed and were read
 * @param failed entries listed but unreadable
 * @param error why the run failed or is partial, without secrets; null when it succeeded
 */
public record HarvestRun(
        long id,
        long sourceId,
        Instant startedAt,
        Instant finishedAt,
        String status,
        String trigger,
        int seen,
        int added,
        int updated,
        int removed,
        int failed,
        String error,
        Long ledgerIndex) {}
