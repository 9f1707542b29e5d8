package vn.datafloor.server.audit;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import vn.datafloor.ledger.MerkleProofs;
import vn.datafloor.ledger.SignedCheckpoint;

/** Searches the audit index and checks each hit against the ledger's latest signed checkpoint. */
@Service
public class AuditQueries {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuditQueries.class);

    private final JdbcClient jdbc;
    private final LedgerService ledger;

    public AuditQueries(JdbcClient jdbc, LedgerService ledger) {
        this.jdbc = jdbc;
        this.ledger = ledger;
    }

    /** Newest first. Any filter may be null. */
    public List<AuditRecord> search(
            String type, Instant from, Instant to, Long orgId, Long actorUserId, int limit, int offset) {
        StringBuilder sql = new StringBuilder(
                "select ledger_index, event_type, occurred_at, actor_user_id, org_id, outcome, summary from audit_event where 1=1");
        List<Object> params = new ArrayList<>();
        if (type != null && !type.isBlank()) {
            sql.append(" and event_type = ?");
            params.add(type);
        }
        if (from != null) {
            sql.append(" and occurred_at >= ?");
            params.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" and occurred_at < ?");
            params.add(Timestamp.from(to));
        }
        if (orgId != null) {
            sql.append(" and org_id = ?");
            params.add(orgId);
        }
        if (actorUserId != null) {
            sql.append(" and actor_user_id = ?");
            params.add(actorUserId);
        }
        sql.append(" order by ledger_index desc limit ? offset ?");
        params.add(Math.max(1, Math.min(limit, 500)));
        params.add(Math.max(0, offset));
        return jdbc.sql(sql.toString())
                .params(params)
                .query(AuditQueries::auditRecord)
                .list();
    }

    /** The indexed facts of one ledger entry (type, time, actor, organisation, outcome, summary), if indexed. */
    public java.util.Optional<AuditRecord> record(long index) {
        return jdbc.sql(
                        "select ledger_index, event_type, occurred_at, actor_user_id, org_id, outcome, summary from audit_event where ledger_index = ?")
                .param(index)
                .query(AuditQueries::auditRecord)
                .optional();
    }

    /** A row of {@code ledger_index, event_type, occurred_at, actor_user_id, org_id, outcome, summary}. */
    private static AuditRecord auditRecord(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new AuditRecord(
                rs.getLong(1),
                rs.getString(2),
                rs.getTimestamp(3).toInstant(),
                rs.getObject(4, Long.class),
                rs.getObject(5, Long.class),
                rs.getString(6),
                rs.getString(7));
    }

    /** Counts of events per type, for the dashboard chart. */
    public List<TypeCount> countsByType(Instant since) {
        return jdbc.sql(
                        "select event_type, count(*) from audit_event where occurred_at >= ? group by event_type order by 2 desc")
                .param(Timestamp.from(since))
                .query((rs, n) -> new TypeCount(rs.getString(1), rs.getLong(2)))
                .list();
    }

    public record TypeCount(String type, long count) {}

    /**
     * Organisations with at least {@code atLeast} events of a type since a moment, most first: the
     * market supervision's "repeated denials" alert reads the index here rather than the ledger.
     */
    public List<OrganisationCount> countsByOrganisation(EventType type, Instant since, int atLeast) {
        return jdbc.sql("select org_id, count(*) from audit_event where event_type = ? and occurred_at >= ? "
                        + "and org_id is not null group by org_id having count(*) >= ? order by 2 desc, 1")
                .params(type.name(), Timestamp.from(since), atLeast)
                .query((rs, n) -> new OrganisationCount(rs.getLong(1), rs.getLong(2)))
                .list();
    }

    public record OrganisationCount(long orgId, long count) {}

    /** Verifies that entry {@code index} is in the tree the latest signed checkpoint commits to. */
    public ProofStatus proofStatus(long index) {
        Optional<SignedCheckpoint> latest = ledger.latestCheckpoint();
        if (latest.isEmpty() || index >= latest.get().checkpoint().size()) {
            return ProofStatus.PENDING;
        }
        long size = latest.get().checkpoint().size();
        byte[] leafHash = MerkleProofs.leafHash(ledger.entry(index));
        vn.datafloor.ledger.InclusionCheck check = vn.datafloor.ledger.InclusionCheck.of(
                index,
                size,
                leafHash,
                ledger.inclusionProof(index, size),
                latest.get().checkpoint().rootHash());
        if (!check.valid()) {
            // The ledger files or the signed checkpoint were changed behind the platform's back: say how.
            log.error(
                    "Ledger entry {} does not verify against the latest signed checkpoint (size {}): {}",
                    index,
                    size,
                    check.describe());
        }
        return check.valid() ? ProofStatus.VERIFIED : ProofStatus.FAILED;
    }

    public String entryText(long index) {
        return new String(ledger.entry(index), StandardCharsets.UTF_8);
    }

    /** The clear values behind commitments in an entry, for auditors; erased ones are absent. */
    public List<OpenedCommitment> openCommitments(long index) {
        String text = entryText(index);
        List<OpenedCommitment> opened = new ArrayList<>();
        int at = 0;
        while ((at = text.indexOf("sha256:", at)) >= 0) {
            String commitment = text.substring(at + 7, Math.min(text.length(), at + 7 + 64));
            jdbc.sql("select salt, clear_value from ledger_commitment where commitment = ?")
                    .param(commitment)
                    .query((rs, n) -> new OpenedCommitment(commitment, rs.getString(1), rs.getString(2)))
                    .optional()
                    .ifPresent(opened::add);
            at += 7;
        }
        return opened;
    }

    public record OpenedCommitment(String commitment, String salt, String clearValue) {}

    /**
     * Whether the ledger holds an entry of {@code type}, recorded at or after {@code since}, whose
     * details say {@code detail = value}: recovery asks this so that it never appends an entry twice.
     * It reads the ledger itself, through the index; the index is complete once {@link AuditIndexRecovery} ran.
     */
    public boolean recorded(EventType type, String detail, String value, Instant since) {
        return recorded(type, java.util.Map.of(detail, value), since);
    }

    /** Whether the ledger holds an entry of {@code type} since {@code since} whose details include all of {@code details}. */
    public boolean recorded(EventType type, java.util.Map<String, String> details, Instant since) {
        List<Long> candidates = jdbc.sql(
                        "select ledger_index from audit_event where event_type = ? and occurred_at >= ? "
                                + "order by ledger_index")
                .params(type.name(), Timestamp.from(since))
                .query(Long.class)
                .list();
        for (long index : candidates) {
            Object written = ENTRY_READER
                    .readValue(ledger.entry(index), java.util.Map.class)
                    .get("details");
            if (written instanceof java.util.Map<?, ?> map
                    && details.entrySet().stream().allMatch(e -> e.getValue().equals(map.get(e.getKey())))) {
                return true;
            }
        }
        return false;
    }

    private static final tools.jackson.databind.json.JsonMapper ENTRY_READER =
            tools.jackson.databind.json.JsonMapper.builder().build();
}
