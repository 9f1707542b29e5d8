package vn.datafloor.server.privacy;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * "Who saw me": every data access delivered to a consumer goes on the ledger with a commitment to the
 * data subjects it touched ({@link SubjectCommitment}: the root and the count, never an id), and into
 * this index, which answers who saw a citizen's data and whom a breach of a dataset affects.
 *
 * <p>The delivery channels call, for each access: {@link #prepare} with the subjects' ids, then
 * {@link #recordAccess} with the access's facts, outside any transaction. Recording is not an
 * authorization decision: it writes down a fact about an access the channel has already authorized,
 * so it takes no actor to check, only the one to name.
 *
 * <p>Order, as for the ledger's own commitments: the index rows (with every salt) commit together with
 * the entry's outbox row, then the audit relay appends the entry, then the row learns its ledger index
 * when next read. So no entry ever commits to subjects nobody can open, and no access is stored
 * without its entry: a crash after the commit leaves the outbox row, which the next start appends.
 * Until then the citizen sees the access marked "not yet confirmed on the ledger".
 */
@Service
public class AccessIndex implements AffectedSubjects {

    /** The default cap on the subjects of one access; see {@code datafloor.privacy.max-subjects-per-access}. */
    public static final int DEFAULT_MAX_SUBJECTS = 1_000_000;

    private static final int BATCH = 5_000;

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final TransactionTemplate transactions;
    private final AuditLog audit;
    private final LedgerService ledger;
    private final OrganisationService organisations;
    private final SecureRandom random;
    private final Clock clock;
    private final int maxSubjects;

    public AccessIndex(
            JdbcClient jdbc,
            JdbcTemplate template,
            TransactionTemplate transactions,
            AuditLog audit,
            LedgerService ledger,
            OrganisationService organisations,
            SecureRandom random,
            Clock clock,
            @Value("${datafloor.privacy.max-subjects-per-access:" + DEFAULT_MAX_SUBJECTS + "}") int maxSubjects) {
        this.jdbc = jdbc;
        this.template = template;
        this.transactions = transactions;
        this.audit = audit;
        this.ledger = ledger;
        this.organisations = organisations;
        this.random = random;
        this.clock = clock;
        this.maxSubjects = maxSubjects;
    }

    /** How a consumer received the data. */
    public enum Channel {
        REST,
        SQL,
        EXPORT,
        SANDBOX
    }

    /**
     * The facts of one access, as the delivery channel knows them.
     *
     * @param contractId the agreement (exchange contract) the access was made under
     * @param queryFingerprint a hash of the normalised query or request, never its literal values
     * @param actor who made the access (a consumer's person or API key); named on the ledger only by commitment
     */
    public record AccessRecord(
            long contractId,
            long consumerOrgId,
            long providerOrgId,
            String dataset,
            int datasetVersion,
            String purpose,
            Channel channel,
            String queryFingerprint,
            long rowsReturned,
            long bytesReturned,
            Instant at,
            Actor actor) {
        public AccessRecord {
            if (dataset == null || dataset.isBlank() || purpose == null || purpose.isBlank()) {
                throw new IllegalArgumentException("an access names its dataset and purpose");
            }
            if (channel == null || queryFingerprint == null || at == null || actor == null) {
                throw new IllegalArgumentException("an access names its channel, query fingerprint, time and actor");
            }
            if (rowsReturned < 0 || bytesReturned < 0) {
                throw new IllegalArgumentException("rows and bytes are not negative");
            }
        }
    }

    /** One access as its data subject sees it. {@code ledgerIndex} is null while it is not confirmed on the ledger. */
    public record SubjectAccess(
            long accessId,
            Long ledgerIndex,
            Instant at,
            long consumerOrgId,
            String consumerName,
            long providerOrgId,
            String providerName,
            long contractId,
            String dataset,
            int datasetVersion,
            String purpose,
            Channel channel,
            long rowsReturned,
            int subjects) {}

    /** The largest set of subjects one access may commit to. */
    public int maxSubjects() {
        return maxSubjects;
    }

    /**
     * Commits, in memory, to the subjects one access touches (their register ids; duplicates count
     * once). Above {@link #maxSubjects()} it refuses: the channel must split the delivery into pages,
     * each its own access, rather than leave subjects out of the record.
     */
    public SubjectCommitment.Prepared prepare(Collection<String> subjectIds) {
        Set<String> distinct = new LinkedHashSet<>(subjectIds);
        if (distinct.size() > maxSubjects) {
            throw new IllegalArgumentException("An access may touch at most " + maxSubjects
                    + " data subjects; this one touches " + distinct.size() + ": deliver it in parts");
        }
        for (String id : distinct) {
            if (id == null || id.isBlank() || id.length() > 64) {
                throw new IllegalArgumentException("a subject id has 1 to 64 characters");
            }
        }
        return SubjectCommitment.prepare(distinct, salts.get());
    }

    /**
     * Salts come from a generator per request thread, each a DRBG (NIST SP 800-90A) seeded from the
     * platform's generator: the platform's one generator takes a lock on every draw, and every
     * delivery drew from it while dozens of others waited.
     */
    private final ThreadLocal<SecureRandom> salts = ThreadLocal.withInitial(this::saltGenerator);

    private SecureRandom saltGenerator() {
        try {
            SecureRandom drbg = SecureRandom.getInstance("DRBG");
            byte[] seed = new byte[32];
            random.nextBytes(seed);
            drbg.setSeed(seed);
            return drbg;
        } catch (java.security.NoSuchAlgorithmException e) {
            return random;
        }
    }

    /**
     * Stores the access and its subjects' openings and prepares its {@code DATA_ACCESSED} ledger entry
     * (root and count of the subjects, no id), all in one transaction (the caller's, when there is one,
     * so that metering commits with it); returns the access's id. The entry is appended by the audit
     * relay once the transaction commits, together with other requests' entries, and the access learns
     * its ledger index when next read. So an access is never stored without its entry on the way, nor
     * an entry appended for an access that rolled back.
     */
    public long recordAccess(AccessRecord record, SubjectCommitment.Prepared commitment) {
        Instant now = clock.instant();
        Long accessId = transactions.execute(status -> {
            String entry = AuditLog.newEntryId();
            long id = insert(record, commitment, now, entry);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("access", Long.toString(id));
            details.put("contract", Long.toString(record.contractId()));
            details.put("provider", Long.toString(record.providerOrgId()));
            details.put("dataset", record.dataset());
            details.put("version", Integer.toString(record.datasetVersion()));
            details.put("purpose", record.purpose());
            details.put("channel", record.channel().name());
            details.put("query", record.queryFingerprint());
            details.put("rows", Long.toString(record.rowsReturned()));
            details.put("bytes", Long.toString(record.bytesReturned()));
            details.put("accessedAt", record.at().toString());
            details.put("subjects", Integer.toString(commitment.size()));
            details.put("subjectsRoot", commitment.rootHex());
            Actor actor = record.actor();
            audit.recordInTransaction(
                    entry,
                    new AuditEvent(
                            EventType.DATA_ACCESSED,
                            actor.personId(),
                            actor.personName(),
                            record.consumerOrgId(),
                            AuditEvent.Outcome.SUCCESS,
                            ClientAddress.current(),
                            "data accessed: " + record.dataset() + " v" + record.datasetVersion() + " via "
                                    + record.channel() + ", " + record.rowsReturned() + " row(s), "
                                    + commitment.size() + " subject(s)",
                            details));
            return id;
        });
        return accessId;
    }

    /**
     * The rows with the ledger index of each entry appended since they were stored: looked up by the
     * entry's id and written back, so it is looked up once.
     */
    private List<Row> withLedgerIndexes(List<Row> rows) {
        List<String> pending = rows.stream()
                .filter(r -> r.ledgerIndex() == null && r.auditEntry() != null)
                .map(Row::auditEntry)
                .toList();
        if (pending.isEmpty()) {
            return rows;
        }
        Map<String, Long> indexes = audit.ledgerIndexes(pending);
        if (indexes.isEmpty()) {
            return rows;
        }
        List<Row> resolved = new ArrayList<>(rows.size());
        for (Row row : rows) {
            Long index = row.ledgerIndex() == null && row.auditEntry() != null ? indexes.get(row.auditEntry()) : null;
            if (index == null) {
                resolved.add(row);
            } else {
                jdbc.sql("update access_event set ledger_index = ? where id = ? and ledger_index is null")
                        .params(index, row.id())
                        .update();
                resolved.add(row.withLedgerIndex(index));
            }
        }
        return resolved;
    }

    private long insert(AccessRecord record, SubjectCommitment.Prepared commitment, Instant now, String entry) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                        insert into access_event(contract_id, consumer_org, provider_org, dataset, dataset_version, purpose,
                        channel, query_fingerprint, rows_returned, bytes_returned, accessed_at, actor_user_id, subject_count,
                        subjects_root, recorded_at, audit_entry) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        record.contractId(),
                        record.consumerOrgId(),
                        record.providerOrgId(),
                        record.dataset(),
                        record.datasetVersion(),
                        record.purpose(),
                        record.channel().name(),
                        record.queryFingerprint(),
                        record.rowsReturned(),
                        record.bytesReturned(),
                        Timestamp.from(record.at()),
                        record.actor().personId(),
                        commitment.size(),
                        commitment.rootHex(),
                        Timestamp.from(now),
                        entry)
                .update(keys, "id");
        long accessId = keys.getKeyAs(Number.class).longValue();
        HexFormat hex = HexFormat.of();
        for (int from = 0; from < commitment.size(); from += BATCH) {
            int to = Math.min(commitment.size(), from + BATCH);
            List<Object[]> rows = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                rows.add(new Object[] {accessId, i, commitment.subject(i), hex.formatHex(commitment.salt(i))});
            }
            template.batchUpdate(
                    "insert into access_subject(access_id, leaf_index, subject_id, salt) values (?,?,?,?)", rows);
        }
        if (commitment.size() > 0) {
            jdbc.sql("insert into access_index_pending(access_id) values (?)")
                    .param(accessId)
                    .update();
        }
        return accessId;
    }

    /** Pending accesses whose subjects are moved into the index by subject in one step at most. */
    private static final int INDEX_STEP = 2_000;

    /**
     * Moves the subjects of recent accesses into the index by subject (V19, V20): each pending access's
     * subjects read from {@code access_subject}, indexed, and the access no longer pending, in one
     * transaction, each page of the index written once per step rather than once per access. Lookups
     * read the pending accesses' subjects too, so this changes how fast they are, never what they find.
     *
     * @return how many subjects were indexed
     */
    @Scheduled(fixedDelayString = "${datafloor.privacy.index-interval:PT1S}", initialDelayString = "PT5S")
    public synchronized int indexPending() {
        int moved = 0;
        while (true) {
            int[] step = transactions.execute(status -> {
                List<Long> accesses = jdbc.sql("select access_id from access_index_pending order by access_id limit ?")
                        .param(INDEX_STEP)
                        .query(Long.class)
                        .list();
                if (accesses.isEmpty()) {
                    return new int[] {0, 0};
                }
                List<Object[]> rows = new ArrayList<>();
                long first = accesses.get(0);
                long last = accesses.get(accesses.size() - 1);
                if (last - first < 4L * accesses.size()) {
                    // Pending accesses are the latest ones, so their ids nearly always make one short run:
                    // read it as a range of the key, keeping the pending ones (a list of hundreds of ids
                    // was looked up one by one, most of the step's cost).
                    java.util.Set<Long> pending = new java.util.HashSet<>(accesses);
                    jdbc.sql("select subject_id, access_id from access_subject where access_id between ? and ?")
                            .params(first, last)
                            .query(rs -> {
                                long access = rs.getLong(2);
                                if (pending.contains(access)) {
                                    rows.add(new Object[] {rs.getString(1), access});
                                }
                            });
                } else {
                    for (int from = 0; from < accesses.size(); from += 500) {
                        List<Long> some = accesses.subList(from, Math.min(accesses.size(), from + 500));
                        jdbc.sql("select subject_id, access_id from access_subject where access_id in ("
                                        + placeholders(some.size()) + ")")
                                .params(new ArrayList<Object>(some))
                                .query(rs -> {
                                    rows.add(new Object[] {rs.getString(1), rs.getLong(2)});
                                });
                    }
                }
                // By subject, so the index's pages are written in order, each once.
                rows.sort(java.util.Comparator.<Object[], String>comparing(e -> (String) e[0])
                        .thenComparing(e -> (Long) e[1]));
                template.batchUpdate("insert into access_subject_index(subject_id, access_id) values (?,?)", rows);
                template.batchUpdate(
                        "delete from access_index_pending where access_id = ?",
                        accesses.stream().map(id -> new Object[] {id}).toList());
                return new int[] {accesses.size(), rows.size()};
            });
            moved += step == null ? 0 : step[1];
            if (step == null || step[0] < INDEX_STEP) {
                return moved;
            }
        }
    }

    /**
     * The ids of the accesses that named any of {@code count} subjects (bound in that order, twice): those
     * in the index by subject and those still pending.
     */
    private static String accessIdsOf(int count) {
        String marks = placeholders(count);
        return "select access_id from access_subject_index where subject_id in (" + marks + ") "
                + "union all select s.access_id from access_index_pending p join access_subject s "
                + "on s.access_id = p.access_id where s.subject_id in (" + marks + ")";
    }

    private static List<Object> twice(Collection<String> subjectIds) {
        List<Object> params = new ArrayList<>(subjectIds);
        params.addAll(subjectIds);
        return params;
    }

    // ------------------------------------------------------------------ reading

    /** The accesses that touched a subject, newest first: for the citizen's "who saw me". */
    public List<SubjectAccess> accessesOf(String subjectId, int limit, int offset) {
        return accessesOf(List.of(subjectId), limit, offset);
    }

    /** The accesses that touched any of a person's ids (identity number, register id), newest first. */
    public List<SubjectAccess> accessesOf(Collection<String> subjectIds, int limit, int offset) {
        if (subjectIds.isEmpty()) {
            return List.of();
        }
        List<Object> params = twice(subjectIds);
        params.add(Math.max(1, Math.min(limit, 500)));
        params.add(Math.max(0, offset));
        List<Row> rows = withLedgerIndexes(jdbc.sql("select " + COLUMNS + " from access_event where id in ("
                        + accessIdsOf(subjectIds.size()) + ") order by accessed_at desc, id desc limit ? offset ?")
                .params(params)
                .query(AccessIndex::row)
                .list());
        Map<Long, String> names = new LinkedHashMap<>();
        return rows.stream().map(r -> r.view(names, this::orgName)).toList();
    }

    /** One access, if it touched any of a person's ids. */
    public Optional<SubjectAccess> accessOf(long accessId, Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return Optional.empty();
        }
        List<Object> params = new ArrayList<>();
        params.add(accessId);
        params.add(accessId);
        params.addAll(subjectIds);
        return jdbc.sql("select " + COLUMNS
                        + " from access_event where id = ? and exists (select 1 from access_subject "
                        + "where access_id = ? and subject_id in (" + placeholders(subjectIds.size()) + "))")
                .params(params)
                .query(AccessIndex::row)
                .optional()
                .map(r -> withLedgerIndexes(List.of(r)).get(0))
                .map(r -> r.view(new LinkedHashMap<>(), this::orgName));
    }

    /** How many accesses touched any of a person's ids. */
    public long countAccessesOf(Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return 0;
        }
        return jdbc.sql("select count(*) from access_event where id in (" + accessIdsOf(subjectIds.size()) + ")")
                .params(twice(subjectIds))
                .query(Long.class)
                .single();
    }

    /**
     * Every subject touched by an access to one of {@code datasets} at {@code from} or later and
     * before {@code to}: whom a breach of those datasets affects.
     */
    @Override
    public Set<String> subjectsAccessed(Collection<String> datasets, Instant from, Instant to) {
        if (datasets.isEmpty()) {
            return Set.of();
        }
        List<Object> params = new ArrayList<>(datasets);
        params.add(Timestamp.from(from));
        params.add(Timestamp.from(to));
        return new LinkedHashSet<>(jdbc.sql("select distinct s.subject_id from access_subject s join access_event e on "
                        + "e.id = s.access_id where e.dataset in (" + placeholders(datasets.size())
                        + ") and e.accessed_at >= ? and e.accessed_at < ? order by s.subject_id")
                .params(params)
                .query(String.class)
                .list());
    }

    /**
     * The proof, for one subject, that an access named them and is on the ledger: the entry, its
     * inclusion proof against the latest signed checkpoint, and the opening of the subjects'
     * commitment for this subject. 404 when the access did not touch this subject.
     */
    public AccessProof proofFor(long accessId, String subjectId) {
        Row access = jdbc.sql("select " + COLUMNS + " from access_event where id = ?")
                .param(accessId)
                .query(AccessIndex::row)
                .optional()
                .map(r -> withLedgerIndexes(List.of(r)).get(0))
                .orElseThrow(() -> ProblemException.notFound("No access " + accessId + " of yours"));
        Optional<Integer> leaf = jdbc.sql(
                        "select leaf_index from access_subject where access_id = ? and subject_id = ?")
                .params(accessId, subjectId)
                .query(Integer.class)
                .optional();
        if (leaf.isEmpty()) {
            throw ProblemException.notFound("No access " + accessId + " of yours");
        }
        SubjectCommitment.Opening opening = openingOf(accessId, leaf.get());
        String vkey = ledger.verifierKey();
        if (access.ledgerIndex() == null) {
            return AccessProof.pending(
                    accessId, null, AccessProof.Status.NOT_ON_LEDGER, subjectId, opening, access.root(), vkey);
        }
        long index = access.ledgerIndex();
        Optional<SignedCheckpoint> checkpoint = ledger.latestCheckpoint();
        if (checkpoint.isEmpty() || checkpoint.get().checkpoint().size() <= index) {
            return AccessProof.pending(
                    accessId, index, AccessProof.Status.AWAITING_CHECKPOINT, subjectId, opening, access.root(), vkey);
        }
        long size = checkpoint.get().checkpoint().size();
        List<String> path = ledger.inclusionProof(index, size).stream()
                .map(Base64.getEncoder()::encodeToString)
                .toList();
        return AccessProof.complete(
                accessId,
                index,
                new String(ledger.entry(index), java.nio.charset.StandardCharsets.UTF_8),
                checkpoint.get().note(),
                vkey,
                path,
                subjectId,
                opening,
                access.root());
    }

    /** The proof for whichever of a person's ids (identity number, register ids) the access touched. */
    public AccessProof proofFor(long accessId, Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            throw ProblemException.notFound("No access " + accessId + " of yours");
        }
        List<Object> params = new ArrayList<>();
        params.add(accessId);
        params.addAll(subjectIds);
        String subject = jdbc
                .sql("select subject_id from access_subject where access_id = ? and subject_id in ("
                        + placeholders(subjectIds.size()) + ") order by subject_id")
                .params(params)
                .query(String.class)
                .list()
                .stream()
                .findFirst()
                .orElse(null);
        if (subject == null) {
            throw ProblemException.notFound("No access " + accessId + " of yours");
        }
        return proofFor(accessId, subject);
    }

    /** Rebuilds the access's tree from its stored leaves and opens it at one leaf. */
    private SubjectCommitment.Opening openingOf(long accessId, int leafIndex) {
        List<String> subjects = new ArrayList<>();
        List<byte[]> salts = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        jdbc.sql("select subject_id, salt from access_subject where access_id = ? order by leaf_index")
                .param(accessId)
                .query(rs -> {
                    subjects.add(rs.getString(1));
                    salts.add(hex.parseHex(rs.getString(2)));
                });
        return SubjectCommitment.restore(subjects, salts).opening(leafIndex);
    }

    private String orgName(long orgId) {
        return organisations.find(orgId).map(Organisation::name).orElse("#" + orgId);
    }

    private static String placeholders(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }

    private static final String COLUMNS = "id, ledger_index, accessed_at, consumer_org, provider_org, contract_id, "
            + "dataset, dataset_version, purpose, channel, rows_returned, subject_count, subjects_root, audit_entry";

    private record Row(
            long id,
            Long ledgerIndex,
            Instant at,
            long consumerOrg,
            long providerOrg,
            long contractId,
            String dataset,
            int version,
            String purpose,
            Channel channel,
            long rows,
            int subjects,
            String root,
            String auditEntry) {

        Row withLedgerIndex(long index) {
            return new Row(
                    id,
                    index,
                    at,
                    consumerOrg,
                    providerOrg,
                    contractId,
                    dataset,
                    version,
                    purpose,
                    channel,
                    rows,
                    subjects,
                    root,
                    auditEntry);
        }

        SubjectAccess view(Map<Long, String> names, java.util.function.LongFunction<String> lookup) {
            return new SubjectAccess(
                    id,
                    ledgerIndex,
                    at,
                    consumerOrg,
                    names.computeIfAbsent(consumerOrg, lookup::apply),
                    providerOrg,
                    names.computeIfAbsent(providerOrg, lookup::apply),
                    contractId,
                    dataset,
                    version,
                    purpose,
                    channel,
                    rows,
                    subjects);
        }
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        // wasNull speaks of the last column read, so it is asked right after the index, before the id.
        long index = rs.getLong(2);
        Long ledgerIndex = rs.wasNull() ? null : index;
        return new Row(
                rs.getLong(1),
                ledgerIndex,
                rs.getTimestamp(3).toInstant(),
                rs.getLong(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getString(7),
                rs.getInt(8),
                rs.getString(9),
                Channel.valueOf(rs.getString(10)),
                rs.getLong(11),
                rs.getInt(12),
                rs.getString(13),
                rs.getString(14));
    }
}
