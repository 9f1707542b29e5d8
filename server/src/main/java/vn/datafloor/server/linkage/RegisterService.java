package vn.datafloor.server.linkage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.linkage.LinkageParameters;
import vn.datafloor.linkage.Linker;
import vn.datafloor.linkage.ScoredPair;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.integration.IntegrationPaths;
import vn.datafloor.server.linkage.RegisterStore.RunTotals;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * The master register of people: links every published person dataset (canonical schema "person")
 * into entities with persistent identifiers and golden values chosen by source trust, keeping
 * provenance per attribute. A rebuild keeps each entity's identifier; identifiers change only by a
 * merge or a split, each recorded on the ledger with the run that decided it.
 *
 * <p>This class orchestrates runs and checks the policy; the parts do the work: {@link PersonRecords}
 * (the input), {@link NationalPeopleModel} and the linkage engine, {@link IncrementalLinkage} (an
 * update's new records), {@link RegisterReview} (uncertain pairs and decisions), {@link RegisterWriter}
 * ({@link GoldenValues} and {@link EntityIdentifiers} in DuckDB, then {@link RegisterStore} and
 * {@link RegisterPublication}).
 */
@Service
public class RegisterService {

    private static final Logger log = LoggerFactory.getLogger(RegisterService.class);

    static final String DATASET = "register.nguoi";

    private final IntegrationPaths paths;
    private final RegisterStore store;
    private final PersonRecords people;
    private final RegisterReview review;
    private final RegisterWriter writer;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final JsonMapper json;

    RegisterService(
            IntegrationPaths paths,
            RegisterStore store,
            PersonRecords people,
            RegisterReview review,
            RegisterWriter writer,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            JsonMapper json) {
        this.paths = paths;
        this.store = store;
        this.people = people;
        this.review = review;
        this.writer = writer;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
    }

    public record Entity(
            String id,
            String fullName,
            LocalDate birthDate,
            String sex,
            String personalId,
            String phone,
            String communeCode,
            String provinceCode,
            Map<String, String> provenance,
            int members,
            String retiredInto,
            Instant updatedAt) {}

    public record Member(
            String dataset, int version, String recordId, String fullName, LocalDate birthDate, String personalId) {}

    public record Event(String kind, String detail, String runId, Instant at) {}

    public record RegisterRun(
            String id,
            String status,
            Instant startedAt,
            Instant finishedAt,
            Long records,
            Long pairs,
            Long entities,
            Long created,
            Long merged,
            Long split,
            Double priorWeight,
            Map<String, Long> histogram,
            String parameters,
            String error) {}

    /**
     * A pair in the uncertain band. {@code contributions} is the model's evidence as stored (JSON);
     * {@code evidence} the same, read: one line per comparison, its level and its weight in bits.
     */
    public record ReviewItem(
            long id,
            Member left,
            Member right,
            double probability,
            double weight,
            String contributions,
            String status,
            List<ScoredPair.Contribution> evidence) {}

    // --- building

    public RegisterRun rebuild(Actor actor) {
        policy.require(actor, Action.MANAGE_REGISTER);
        return rebuild(actor.personId(), actor.personName());
    }

    private synchronized RegisterRun rebuild(Long userId, String username) {
        return recorded("built", "register-", (runId, scratch, progress) -> {
            List<DatasetVersion> sources = people.datasets();
            if (sources.isEmpty()) {
                throw ProblemException.conflict(
                        "register.noSources",
                        "No published dataset has the person schema yet: run a person pipeline first");
            }
            Path union = scratch.resolve("people.parquet");
            long records = people.writeUnion(sources, union, scratch);
            progress.phase("read " + records + " records of " + sources.size() + " datasets");
            var model = NationalPeopleModel.dedupe(union);
            LinkageParameters parameters;
            long pairs;
            Map<String, Long> histogram;
            Path linkerClusters = scratch.resolve("linker-clusters.parquet");
            try (Linker linker = Linker.open(model, scratch.resolve("linker"))) {
                parameters = linker.train();
                progress.phase("blocked and trained");
                pairs = linker.predict(parameters);
                progress.phase("scored " + pairs + " candidate pairs");
                histogram = labelled(linker.weightHistogram(5, 30));
                // The uncertain band, asked for by its probabilities: at national scale it lies below millions of
                // certain pairs, so the strongest pairs overall would never reach it.
                review.queue(
                        runId,
                        linker.pairs(RegisterReview.REVIEW_FROM, RegisterReview.REVIEW_TO, RegisterReview.QUEUE_LIMIT));
                progress.phase("histogram and review queue");
                linker.cluster(model.clustering().threshold());
                linker.writeClusters(linkerClusters);
            }
            progress.phase("clustered");
            Path clustersFile = scratch.resolve("clusters.parquet");
            review.applyDecisions(linkerClusters, clustersFile, scratch);
            Path previous = writer.writeAssignment(scratch);
            progress.phase("stewards' decisions applied, previous assignment read");
            RegisterWriter.Outcome outcome = writer.write(runId, union, clustersFile, previous, scratch, progress);
            store.runSucceeded(
                    runId,
                    clock.instant(),
                    new RunTotals(
                            records,
                            pairs,
                            outcome.entities(),
                            outcome.created(),
                            outcome.merged(),
                            outcome.split(),
                            parameters.priorWeight(),
                            json.writeValueAsString(histogram),
                            json.writeValueAsString(parameters)));
            audit.record(new AuditEvent(
                    EventType.REGISTER_BUILT,
                    userId,
                    username,
                    null,
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "register built: " + outcome.entities() + " entities from " + records + " records",
                    Map.of(
                            "run",
                            runId,
                            "records",
                            Long.toString(records),
                            "entities",
                            Long.toString(outcome.entities()),
                            "created",
                            Long.toString(outcome.created()),
                            "merged",
                            Long.toString(outcome.merged()),
                            "split",
                            Long.toString(outcome.split()))));
        });
    }

    /**
     * Living data: scores only the records that arrived since the last build against the register
     * (with the last build's parameters), attaches each to the entity of its best match above the
     * threshold, and gives the rest new entities. Existing records and identifiers stay as they are.
     */
    public RegisterRun update(Actor actor) {
        policy.require(actor, Action.MANAGE_REGISTER);
        return update(actor.personId(), actor.personName());
    }

    private synchronized RegisterRun update(Long userId, String username) {
        Optional<String> lastParameters = store.lastParameters();
        if (lastParameters.isEmpty() || store.entityCount() == 0) {
            return rebuild(userId, username);
        }
        return recorded("updated", "register-update-", (runId, scratch, progress) -> {
            Path union = scratch.resolve("people.parquet");
            long records = people.writeUnion(people.datasets(), union, scratch);
            progress.phase("read " + records + " records");
            Path previous = writer.writeAssignment(scratch);
            progress.phase("previous assignment read");
            Path clustersFile = scratch.resolve("clusters.parquet");
            LinkageParameters parameters = parameters(lastParameters.get());
            IncrementalLinkage.Result linked =
                    IncrementalLinkage.link(union, previous, parameters, clustersFile, scratch);
            long newRecords = linked.newRecords();
            long attached = linked.attached();
            progress.phase("linked " + newRecords + " new records, " + attached + " to existing entities");
            RegisterWriter.Outcome outcome = writer.write(runId, union, clustersFile, previous, scratch, progress);
            store.runSucceeded(
                    runId,
                    clock.instant(),
                    new RunTotals(
                            newRecords,
                            attached,
                            outcome.entities(),
                            outcome.created(),
                            outcome.merged(),
                            outcome.split(),
                            parameters.priorWeight(),
                            null,
                            lastParameters.get()));
            audit.record(new AuditEvent(
                    EventType.REGISTER_BUILT,
                    userId,
                    username,
                    null,
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "register updated: " + newRecords + " new records, " + attached + " joined existing entities",
                    Map.of(
                            "run",
                            runId,
                            "new",
                            Long.toString(newRecords),
                            "attached",
                            Long.toString(attached),
                            "created",
                            Long.toString(outcome.created()))));
        });
    }

    /** The work of one register run, given its id and a scratch directory that is removed afterwards. */
    private interface RunWork {
        void run(String runId, Path scratch, Progress progress) throws Exception;
    }

    /** A long run's phases in the log as they end, each with its time and the time since the start. */
    static final class Progress {

        private final String runId;
        private final long started = System.nanoTime();
        private long last = started;

        Progress(String runId) {
            this.runId = runId;
        }

        void phase(String done) {
            long now = System.nanoTime();
            log.info(
                    "Register run {}: {} in {} s ({} s since the start)",
                    runId,
                    done,
                    String.format(java.util.Locale.ROOT, "%.1f", (now - last) / 1e9),
                    String.format(java.util.Locale.ROOT, "%.1f", (now - started) / 1e9));
            last = now;
        }
    }

    /** Records a run from start to end: RUNNING, then SUCCEEDED (set by the work) or FAILED with the reason. */
    private RegisterRun recorded(String verb, String scratchPrefix, RunWork work) {
        String runId = UUID.randomUUID().toString();
        store.startRun(runId, clock.instant());
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory(paths.lake().root().getParent(), scratchPrefix);
            work.run(runId, scratch, new Progress(runId));
        } catch (ProblemException e) {
            store.runFailed(runId, clock.instant(), e.getMessage());
            throw e;
        } catch (Exception e) {
            log.error("Register run {} failed", runId, e);
            store.runFailed(runId, clock.instant(), "The register could not be " + verb + ": " + e.getMessage());
            throw new ProblemException(
                    HttpStatus.INTERNAL_SERVER_ERROR, "register.failed", "The register could not be " + verb, runId);
        } finally {
            deleteScratch(scratch);
        }
        return store.run(runId).orElseThrow();
    }

    boolean isPersonDataset(String dataset) {
        return people.isPersonDataset(dataset);
    }

    // --- review

    public List<ReviewItem> reviewQueue(Actor actor, int limit) {
        return reviewQueue(actor, limit, 0);
    }

    /** A page of the queue, most likely first: {@code offset} pairs skipped. */
    public List<ReviewItem> reviewQueue(Actor actor, int limit, int offset) {
        policy.require(actor, Action.REVIEW_REGISTER);
        return review.pending(limit, offset);
    }

    public long pendingReviews() {
        return review.pendingCount();
    }

    /** Records a steward's decision; it applies from the next rebuild on, and is on the ledger. */
    public void decide(Actor actor, long reviewId, boolean match) {
        policy.require(actor, Action.REVIEW_REGISTER);
        review.decide(actor, reviewId, match);
    }

    // --- reading

    /** Search by name (with or without diacritics), identity number or date of birth; each search is recorded. */
    public List<Entity> search(Actor actor, String name, String personalId, LocalDate birthDate) {
        policy.require(actor, Action.VIEW_REGISTER);
        String nameKey = name != null && !name.isBlank() ? fold(name) : null;
        String digits = personalId != null && !personalId.isBlank() ? personalId.replaceAll("\\D", "") : null;
        if (nameKey == null && digits == null && birthDate == null) {
            throw ProblemException.badRequest(
                    "register.searchEmpty", "Give a name, an identity number or a date of birth");
        }
        List<Entity> found = store.searchEntities(nameKey, digits, birthDate);
        audit.record(new AuditEvent(
                EventType.REGISTER_VIEWED,
                actor.userId(),
                actor.username(),
                actor.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "register search: " + found.size() + " result(s)",
                Map.of("results", Integer.toString(found.size()))));
        return found;
    }

    public Entity entity(Actor actor, String id) {
        policy.require(actor, Action.VIEW_REGISTER);
        Entity entity = store.entity(id).orElseThrow(() -> ProblemException.notFound("No entity " + id));
        audit.record(new AuditEvent(
                EventType.REGISTER_VIEWED,
                actor.userId(),
                actor.username(),
                actor.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "register entity " + id + " viewed",
                Map.of("entity", id)));
        return entity;
    }

    /** A citizen's own entity in the register with the source records linked to it. */
    public record OwnRecord(Entity entity, List<Member> members) {}

    /**
     * The signed-in citizen's own entries in the register (normally one), found by the identity number
     * the citizen's account signs in with, never by one the request names; with the source records
     * each value came from. For the citizen's "my data" page; not recorded as a register read, since
     * nobody but the person reads it.
     */
    public List<OwnRecord> ownRecords(Actor actor) {
        policy.require(actor, Action.VIEW_OWN_DATA);
        String citizenId = actor.username();
        if (citizenId == null || !citizenId.matches("\\d{12}")) {
            return List.of();
        }
        return store.searchEntities(null, citizenId, null).stream()
                .map(e -> new OwnRecord(e, store.members(e.id())))
                .toList();
    }

    public List<Member> members(Actor actor, String entityId) {
        policy.require(actor, Action.VIEW_REGISTER);
        return store.members(entityId);
    }

    public List<Event> history(Actor actor, String entityId) {
        policy.require(actor, Action.VIEW_REGISTER);
        return store.history(entityId);
    }

    public List<RegisterRun> runs(Actor actor) {
        policy.require(actor, Action.VIEW_REGISTER);
        return store.recentRuns(20);
    }

    /** The trained parameters of a run, for the run report: m and u per comparison level. */
    public LinkageParameters parameters(String parametersJson) {
        return json.readValue(parametersJson, LinkageParameters.class);
    }

    public long entityCount() {
        return store.entityCount();
    }

    /** The same fold as std_name_key: lower case, no marks, đ → d, words of letters only, single spaces. */
    static String fold(String text) {
        return vn.datafloor.integration.reference.VietnameseText.fold(text)
                .replaceAll("[^a-z']+", " ")
                .strip();
    }

    // ---

    /** The match weights' histogram as the run report stores it: bin's lower bound → pairs. */
    private static Map<String, Long> labelled(Map<Integer, Long> bins) {
        Map<String, Long> labelled = new LinkedHashMap<>();
        bins.forEach((bin, count) -> labelled.put(Integer.toString(bin), count));
        return labelled;
    }

    private static void deleteScratch(Path scratch) {
        if (scratch == null) {
            return;
        }
        try (var walk = Files.walk(scratch)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // scratch space only
        }
    }
}
