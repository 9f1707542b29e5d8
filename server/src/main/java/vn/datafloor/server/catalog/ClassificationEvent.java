package vn.datafloor.server.catalog;

import java.time.Instant;

/** A classification set by a provider or reviewed by the operator, with why, and its ledger entry. */
public record ClassificationEvent(
        Instant at, Long actorId, String kind, String importance, String sharing, String reason, Long ledgerIndex) {}
