package vn.datafloor.server.audit;

import java.time.Instant;

/** An indexed ledger event as the audit page and API show it. */
public record AuditRecord(
        long ledgerIndex,
        String type,
        Instant occurredAt,
        Long actorUserId,
        Long orgId,
        String outcome,
        String summary) {}
