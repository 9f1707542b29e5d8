package vn.datafloor.server.integration;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.cdc.ChangeFollower;
import vn.datafloor.integration.connect.ChangesSettings;
import vn.datafloor.integration.connect.SecurityRefusal;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.pipeline.PipelineException;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Change data capture of registered {@code pg_changes} sources (docs/cdc.md): starts and stops the
 * engine's {@link ChangeFollower}, one per source, publishing every batch through {@link
 * DatasetPublishing} (the one way into the lake, which records the version, its ledger entry and the
 * catalog's event). Whether a source is followed, and how far it got, is kept in {@code
 * change_following} for the pages and for the restart, which resumes every source that was followed;
 * the offset is kept only in the versions' manifests.
 */
@Service
public class ChangeFollowing {

    private static final Logger log = LoggerFactory.getLogger(ChangeFollowing.class);
    static final String KIND = "pg_changes";

    /** A source's following as the pages and the API show it. */
    public record Status(
            long sourceId,
            String state,
            String dataset,
            Integer lastVersion,
            Instant lastChangeAt,
            Instant lastPublishedAt,
            long waiting,
            Long lagSeconds,
            String error,
            Instant updatedAt) {}

    private final IntegrationStore store;
    private final SourceService sources;
    private final DatasetPublishing publishing;
    private final IntegrationPaths paths;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<Long, ChangeFollower> running = new ConcurrentHashMap<>();
    /** False on every node but one in a multi-node deployment: two followers of one slot cannot run at once. */
    private final boolean enabledHere;

    ChangeFollowing(
            IntegrationStore store,
            SourceService sources,
            DatasetPublishing publishing,
            IntegrationPaths paths,
            AccessPolicy policy,
            AuditLog audit,
            JdbcClient jdbc,
            Clock clock,
            @org.springframework.beans.factory.annotation.Value("${datafloor.integration.change-capture:true}")
                    boolean enabledHere) {
        this.enabledHere = enabledHere;
        this.store = store;
        this.sources = sources;
        this.publishing = publishing;
        this.paths = paths;
        this.policy = policy;
        this.audit = audit;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Starts following a source of the actor's organisation (or any, for the platform). */
    public Status start(Actor actor, long sourceId) {
        IntegrationStore.SourceRow row = row(sourceId);
        policy.require(actor, Action.MANAGE_INTEGRATION, row.orgId());
        if (!KIND.equals(row.type())) {
            throw ProblemException.badRequest(
                    "following.notChanges", "Only database changes (pg_changes) sources can be followed");
        }
        if (!enabledHere) {
            throw ProblemException.conflict(
                    "following.notHere", "Change capture runs on another node of this platform (docs/cdc.md)");
        }
        synchronized (running) {
            if (running.containsKey(sourceId)) {
                throw ProblemException.conflict("following.already", "This source is already followed");
            }
            begin(row);
        }
        audit.record(new AuditEvent(
                EventType.SOURCE_FOLLOWING_STARTED,
                actor.personId(),
                actor.personName(),
                row.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "source " + sourceId + " followed by change capture",
                Map.of("source", Long.toString(sourceId))));
        return status(sourceId).orElseThrow();
    }

    /** Stops following; what was received but not yet published is read again when following starts again. */
    public Status stop(Actor actor, long sourceId) {
        IntegrationStore.SourceRow row = row(sourceId);
        policy.require(actor, Action.MANAGE_INTEGRATION, row.orgId());
        ChangeFollower follower = running.remove(sourceId);
        if (follower == null
                && status(sourceId).map(s -> !"following".equals(s.state())).orElse(true)) {
            // Not followed: stopping again changes nothing and records nothing, like the HTTP DELETE that calls it.
            return status(actor, sourceId);
        }
        if (follower != null) {
            follower.close();
        }
        setState(sourceId, "stopped", null);
        audit.record(new AuditEvent(
                EventType.SOURCE_FOLLOWING_STOPPED,
                actor.personId(),
                actor.personName(),
                row.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "source " + sourceId + " no longer followed",
                Map.of("source", Long.toString(sourceId))));
        return status(sourceId).orElseThrow();
    }

    public Status status(Actor actor, long sourceId) {
        IntegrationStore.SourceRow row = row(sourceId);
        policy.require(actor, Action.VIEW_INTEGRATION, row.orgId());
        return status(sourceId).orElse(new Status(sourceId, "stopped", null, null, null, null, 0, null, null, null));
    }

    /** The following of every source the actor sees, by source id (sources never followed are absent). */
    public Map<Long, Status> statuses(Actor actor) {
        Map<Long, Status> statuses = new LinkedHashMap<>();
        for (SourceService.Source source : sources.visibleTo(actor)) {
            status(source.id()).ifPresent(s -> statuses.put(source.id(), s));
        }
        return statuses;
    }

    private IntegrationStore.SourceRow row(long sourceId) {
        return store.source(sourceId).orElseThrow(() -> ProblemException.notFound("No source " + sourceId));
    }

    /** Opens the source's settings and secret, claims its dataset, and starts the engine's follower. */
    private void begin(IntegrationStore.SourceRow row) {
        long orgId = row.orgId();
        ChangesSettings settings;
        String password = null;
        try {
            var spec = sources.resolve(orgId, row.name());
            settings = (ChangesSettings) spec.settings();
            if (settings.credential() != null) {
                password = sources.secret(orgId, settings.credential());
            }
        } catch (PipelineException | SecurityRefusal e) {
            throw ProblemException.badRequest("following.settings", e.getMessage());
        }
        try {
            publishing.claim(settings.dataset(), orgId);
        } catch (DatasetPublishing.NameTakenException e) {
            throw ProblemException.conflict("following.datasetTaken", e.getMessage());
        }
        long sourceId = row.id();
        Instant now = clock.instant();
        jdbc.sql("delete from change_following where source_id = ?")
                .params(sourceId)
                .update();
        jdbc.sql("insert into change_following(source_id, org_id, state, dataset, updated_at) values (?,?,?,?,?)")
                .params(sourceId, orgId, "following", settings.dataset(), Timestamp.from(now))
                .update();
        paths.lake()
                .latest(settings.dataset())
                .ifPresent(v -> jdbc.sql("update change_following set last_version = ? where source_id = ?")
                        .params(v.version(), sourceId)
                        .update());
        DatasetPublishing.Publication publication = DatasetPublishing.Publication.bySystem(
                orgId,
                DatasetPublishing.Via.CHANGES,
                "changes captured from source " + sourceId,
                Map.of("source", Long.toString(sourceId)));
        ChangeFollower follower;
        try {
            follower = ChangeFollower.start(
                    followerId(sourceId),
                    settings,
                    password,
                    sources.networkPolicy(orgId),
                    paths.lake(),
                    publishing.forRun(publication),
                    Map.of("organisation", Long.toString(orgId), "source_id", Long.toString(sourceId)),
                    ChangeFollower.Options.defaults(paths.work().resolve("changes-" + sourceId), clock),
                    new Events(sourceId));
        } catch (SourceException e) {
            setState(sourceId, "failed", e.getMessage());
            if (e instanceof SecurityRefusal) {
                // A host the organisation may not reach is a security event, as at registration.
                audit.record(new AuditEvent(
                        EventType.SECURITY_REFUSED,
                        null,
                        null,
                        orgId,
                        AuditEvent.Outcome.FAILURE,
                        ClientAddress.current(),
                        "source " + sourceId + " refused: " + e.getMessage(),
                        Map.of("source", Long.toString(sourceId), "why", e.getMessage())));
                throw ProblemException.badRequest("source.jdbcNotAllowed", e.getMessage());
            }
            throw ProblemException.badRequest("following.failed", e.getMessage());
        }
        running.put(sourceId, follower);
    }

    /** Slot and publication names on the agency's server are derived from the source: datafloor_s42. */
    static String followerId(long sourceId) {
        return "s" + sourceId;
    }

    private final class Events implements ChangeFollower.Events {
        private final long sourceId;

        Events(long sourceId) {
            this.sourceId = sourceId;
        }

        @Override
        public void received(int changes, long waiting, Instant lastChangeAt) {
            Instant now = clock.instant();
            jdbc.sql("update change_following set waiting = ?, last_change_at = ?,"
                            + " waiting_since = coalesce(waiting_since, ?), updated_at = ? where source_id = ?")
                    .params(
                            waiting,
                            lastChangeAt == null ? null : Timestamp.from(lastChangeAt),
                            Timestamp.from(now),
                            Timestamp.from(now),
                            sourceId)
                    .update();
        }

        @Override
        public void published(DatasetVersion version, long changes) {
            Instant now = clock.instant();
            jdbc.sql("update change_following set last_version = ?, last_published_at = ?, waiting = 0,"
                            + " waiting_since = null, updated_at = ? where source_id = ?")
                    .params(version.version(), Timestamp.from(now), Timestamp.from(now), sourceId)
                    .update();
        }

        @Override
        public void stopped(String error) {
            if (error != null) {
                running.remove(sourceId);
                log.warn("Change capture of source {} stopped: {}", sourceId, error);
                setState(sourceId, "failed", error);
            }
        }
    }

    private void setState(long sourceId, String state, String error) {
        jdbc.sql("update change_following set state = ?, error = ?, updated_at = ? where source_id = ?")
                .params(
                        state,
                        error == null ? null : error.length() > 600 ? error.substring(0, 600) : error,
                        Timestamp.from(clock.instant()),
                        sourceId)
                .update();
    }

    private Optional<Status> status(long sourceId) {
        Instant now = clock.instant();
        return jdbc.sql("select source_id, state, dataset, last_version, last_change_at, last_published_at, waiting,"
                        + " waiting_since, error, updated_at from change_following where source_id = ?")
                .params(sourceId)
                .query((rs, n) -> {
                    Timestamp waitingSince = rs.getTimestamp("waiting_since");
                    long waiting = rs.getLong("waiting");
                    return new Status(
                            rs.getLong("source_id"),
                            rs.getString("state"),
                            rs.getString("dataset"),
                            (Integer) rs.getObject("last_version", Integer.class),
                            instant(rs.getTimestamp("last_change_at")),
                            instant(rs.getTimestamp("last_published_at")),
                            waiting,
                            // How far the published dataset is behind the table: how long its oldest waiting change has
                            // waited.
                            waiting == 0 || waitingSince == null
                                    ? Long.valueOf(0)
                                    : Long.valueOf(Duration.between(waitingSince.toInstant(), now)
                                            .toSeconds()),
                            rs.getString("error"),
                            instant(rs.getTimestamp("updated_at")));
                })
                .optional();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** Stops the engines without changing what is recorded: the next start resumes them. */
    @jakarta.annotation.PreDestroy
    void shutdown() {
        List<Long> ids = List.copyOf(running.keySet());
        for (Long id : ids) {
            ChangeFollower follower = running.remove(id);
            if (follower != null) {
                follower.close();
            }
        }
    }

    /** After a restart, once the lake's versions are recorded: every source that was followed is followed again. */
    @org.springframework.stereotype.Component
    @Order(7)
    static class Resume implements ApplicationRunner {

        private final ChangeFollowing following;
        private final vn.datafloor.server.platform.ClusterNode node;

        Resume(ChangeFollowing following, vn.datafloor.server.platform.ClusterNode node) {
            this.following = following;
            this.node = node;
        }

        @Override
        public void run(ApplicationArguments args) {
            // A change follower writes dataset versions: on the writer only, never on an API replica.
            if (!following.enabledHere || !node.writes()) {
                return;
            }
            List<Long> followed = following
                    .jdbc
                    .sql("select source_id from change_following where state = 'following' order by source_id")
                    .query(Long.class)
                    .list();
            for (long sourceId : followed) {
                try {
                    synchronized (following.running) {
                        if (!following.running.containsKey(sourceId)) {
                            IntegrationStore.SourceRow row = following.row(sourceId);
                            // The platform resumes as an actor of the same policy, like scheduled runs.
                            following.policy.require(Actor.SYSTEM, Action.MANAGE_INTEGRATION, row.orgId());
                            following.begin(row);
                        }
                    }
                } catch (RuntimeException e) {
                    log.warn("Change capture of source {} could not resume: {}", sourceId, e.getMessage());
                    following.setState(sourceId, "failed", e.getMessage());
                }
            }
        }
    }
}
