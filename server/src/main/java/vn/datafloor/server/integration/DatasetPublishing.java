package vn.datafloor.server.integration;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.integration.lake.VersionPublisher;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.EventType;

/**
 * The one way into the lake. A dataset version's whole life goes through here: the dataset's name is
 * claimed for its organisation, the staged files get their manifest and are renamed into place
 * ({@link Lake#publish}), and then, in one transaction, the version is recorded, its
 * {@code DATASET_PUBLISHED} ledger entry prepared (appended when the transaction commits, see
 * {@link vn.datafloor.server.audit.AuditOutbox}) and the {@link DatasetPublished} event carrying the
 * version stored in the event publication registry, which delivers it to the catalog and the register
 * once committed and again after a crash. Pipeline runs, uploads and the register all publish here;
 * no other server class writes the lake ({@code LakeWriterRulesTest}).
 *
 * <p>After a crash the lake is the truth: a version renamed into place whose recording the crash
 * prevented is recorded at the next start by {@link #recordMissing}, with its ledger entry (unless a
 * previous process had already appended one) and its event.
 */
@Service
public class DatasetPublishing {

    private static final Logger log = LoggerFactory.getLogger(DatasetPublishing.class);

    /** How a version came to be, as its ledger entry says ({@code details.via}). */
    public enum Via {
        RUN,
        UPLOAD,
        REGISTER,
        RECOVERED,
        CHANGES;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A version to publish.
     *
     * @param actorUserId who published it, or null for the platform (scheduled runs, the register)
     * @param summary what the ledger's index shows after "dataset vN: ", e.g. "1,204 rows uploaded"
     * @param details further ledger details; dataset, version, rows, input fingerprint and via are added here
     */
    public record Publication(
            long orgId,
            Via via,
            Long actorUserId,
            String actorName,
            String clientAddress,
            String summary,
            Map<String, String> details) {

        public Publication {
            details = Map.copyOf(details);
        }

        /** A publication by the platform itself. */
        public static Publication bySystem(long orgId, Via via, String summary, Map<String, String> details) {
            return new Publication(orgId, via, null, null, null, summary, details);
        }
    }

    /** Another organisation already publishes a dataset of that name. */
    public static final class NameTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameTakenException(String dataset) {
            super("Another organisation publishes a dataset named " + dataset);
        }
    }

    private final IntegrationStore store;
    private final IntegrationPaths paths;
    private final AuditLog audit;
    private final AuditQueries ledger;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final JdbcClient jdbc;
    private final Clock clock;

    DatasetPublishing(
            IntegrationStore store,
            IntegrationPaths paths,
            AuditLog audit,
            AuditQueries ledger,
            ApplicationEventPublisher events,
            TransactionTemplate transactions,
            JdbcClient jdbc,
            Clock clock) {
        this.store = store;
        this.paths = paths;
        this.audit = audit;
        this.ledger = ledger;
        this.events = events;
        this.transactions = transactions;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Claims {@code dataset} for the organisation unless it is already its own; refuses a name another
     * organisation holds. Callers claim before they do the work, so two organisations cannot race for it.
     */
    public void claim(String dataset, long orgId) {
        if (store.datasetOwner(dataset).isEmpty()) {
            try {
                store.claimDataset(dataset, orgId, clock.instant());
            } catch (DuplicateKeyException concurrentClaim) {
                // another thread claimed it first: decided below
            }
        }
        if (store.datasetOwner(dataset).orElseThrow() != orgId) {
            throw new NameTakenException(dataset);
        }
    }

    /** A fresh private folder in the lake to write a new version of {@code dataset} into. */
    public Path stage(String dataset) {
        return paths.lake().stage(dataset);
    }

    /** Throws away a staged folder that will not be published. */
    public void discard(Path staging) {
        paths.lake().discard(staging);
    }

    /** Publishes the staged folder as the next version of {@code manifest.dataset()} and records it. */
    public DatasetVersion publish(Path staging, LakeManifest manifest, Publication publication) {
        claim(manifest.dataset(), publication.orgId());
        DatasetVersion version = paths.lake().publish(staging, manifest);
        record(version, publication);
        return version;
    }

    /** What a pipeline run hands its finished staging to: publishing it here, with the run's ledger details. */
    public VersionPublisher forRun(Publication publication) {
        return (staging, manifest) -> publish(staging, manifest, publication);
    }

    /** Whether the version has been recorded (its entry and event are then committed, if not yet delivered). */
    public boolean recorded(String dataset, int version) {
        return jdbc.sql("select count(*) from dataset_publication where dataset = ? and version = ?")
                        .params(dataset, version)
                        .query(Long.class)
                        .single()
                > 0;
    }

    /**
     * Records a version that is in the lake: its row, its ledger entry and its event, in one transaction.
     * A version a previous process had already put on the ledger (before this table existed, or recovered
     * through its run) gets its row and event without a second entry.
     */
    void record(DatasetVersion version, Publication publication) {
        transactions.executeWithoutResult(status -> {
            if (recorded(version.dataset(), version.version())) {
                return; // recorded already, by the process that published it or by an earlier recovery
            }
            jdbc.sql("insert into dataset_publication(dataset, version, org_id, via, published_at) values (?,?,?,?,?)")
                    .params(
                            version.dataset(),
                            version.version(),
                            publication.orgId(),
                            publication.via().code(),
                            Timestamp.from(clock.instant()))
                    .update();
            if (!onLedgerAlready(version)) {
                audit.record(entry(version, publication));
            }
            events.publishEvent(new DatasetPublished(version.dataset(), version.version(), publication.orgId()));
        });
    }

    private AuditEvent entry(DatasetVersion version, Publication publication) {
        LakeManifest manifest = version.manifest();
        Map<String, String> details = new LinkedHashMap<>(publication.details());
        details.put("dataset", version.dataset());
        details.put("version", Integer.toString(version.version()));
        details.put("rows", Long.toString(manifest.rowCount()));
        details.put("via", publication.via().code());
        if (manifest.inputFingerprint() != null && !"register".equals(manifest.specFingerprint())) {
            details.putIfAbsent("input_sha256", manifest.inputFingerprint());
        }
        return new AuditEvent(
                EventType.DATASET_PUBLISHED,
                publication.actorUserId(),
                publication.actorName(),
                publication.orgId(),
                AuditEvent.Outcome.SUCCESS,
                publication.clientAddress(),
                version.dataset() + " v" + version.version() + ": " + publication.summary(),
                details);
    }

    private boolean onLedgerAlready(DatasetVersion version) {
        Instant since = version.manifest().createdAt().minus(java.time.Duration.ofDays(1));
        return ledger.recorded(
                EventType.DATASET_PUBLISHED,
                Map.of("dataset", version.dataset(), "version", Integer.toString(version.version())),
                since);
    }

    /**
     * The lake is the truth: every version in it that was never recorded (the process died between
     * the rename and the commit) is recorded now, owned by its dataset's organisation. Versions of a
     * dataset nobody owns cannot be attributed and are reported, not guessed at.
     */
    public List<DatasetVersion> recordMissing() {
        List<DatasetVersion> recovered = new java.util.ArrayList<>();
        Lake lake = paths.lake();
        for (String dataset : lake.datasets()) {
            Optional<Long> owner = store.datasetOwner(dataset);
            for (DatasetVersion version : lake.versions(dataset)) {
                if (recorded(dataset, version.version())) {
                    continue;
                }
                if (owner.isEmpty()) {
                    log.warn(
                            "Dataset {} v{} is in the lake but no organisation owns the dataset: not recorded",
                            dataset,
                            version.version());
                    continue;
                }
                record(
                        version,
                        Publication.bySystem(
                                owner.get(),
                                Via.RECOVERED,
                                version.manifest().rowCount() + " rows, recorded after a restart",
                                version.manifest().runId() == null
                                        ? Map.of()
                                        : Map.of("run", version.manifest().runId())));
                recovered.add(version);
            }
        }
        return recovered;
    }

    /** At start, after interrupted runs were settled (they record their versions with their run's details). */
    @org.springframework.stereotype.Component
    @Order(6)
    static class Recovery implements ApplicationRunner {

        private final DatasetPublishing publishing;
        private final vn.datafloor.server.platform.ClusterNode node;

        Recovery(DatasetPublishing publishing, vn.datafloor.server.platform.ClusterNode node) {
            this.publishing = publishing;
            this.node = node;
        }

        @Override
        public void run(ApplicationArguments args) {
            if (!node.writes()) {
                return; // an API replica: the writer does this at its own start
            }

            List<DatasetVersion> recovered = publishing.recordMissing();
            if (!recovered.isEmpty()) {
                log.warn(
                        "Recorded {} dataset version(s) that were in the lake but not recorded: {}",
                        recovered.size(),
                        recovered.stream()
                                .map(v -> v.dataset() + " v" + v.version())
                                .toList());
            }
        }
    }
}
