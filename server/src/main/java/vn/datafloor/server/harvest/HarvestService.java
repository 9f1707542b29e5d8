package vn.datafloor.server.harvest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.connect.OutboundUrls;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.RemoteCatalog;
import vn.datafloor.server.integration.SourceService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * The operator's harvest sources and their runs. A run reads the whole source through the guard,
 * then hands what it read to the catalog: new entries added, changed ones updated, and entries the
 * source no longer lists removed — only after a complete harvest; a failed run changes nothing and a
 * partial one removes nothing. Registrations, changes, removals and every run go on the ledger.
 */
@Service
public class HarvestService {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestService.class);

    static final int MIN_INTERVAL_MINUTES = 5;
    static final int MAX_INTERVAL_MINUTES = 60 * 24 * 31;

    private final HarvestStore store;
    private final RemoteCatalog remote;
    private final SourceService sources;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final HarvestLimits limits;
    /** Sources being harvested by this server: one run at a time per source. */
    private final Set<Long> running = ConcurrentHashMap.newKeySet();

    HarvestService(
            HarvestStore store,
            RemoteCatalog remote,
            SourceService sources,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            @Value("${datafloor.harvest.max-bytes:33554432}") long maxBytes,
            @Value("${datafloor.harvest.max-entries:50000}") int maxEntries,
            @Value("${datafloor.harvest.ckan-page-size:500}") int pageSize,
            @Value("${datafloor.harvest.timeout:PT30S}") Duration timeout) {
        this.store = store;
        this.remote = remote;
        this.sources = sources;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.limits = new HarvestLimits(
                maxBytes,
                maxEntries,
                pageSize,
                HarvestLimits.DEFAULTS.maxDepth(),
                HarvestLimits.DEFAULTS.maxTriples(),
                HarvestLimits.DEFAULTS.maxContexts(),
                timeout);
    }

    /** A source as the operator registers or edits it. */
    public record SourceForm(
            String name, String kind, String url, String publisher, Integer intervalMinutes, Boolean enabled) {}

    // ------------------------------------------------------------------ reading

    public List<HarvestSource> sources(Actor actor) {
        policy.require(actor, Action.MANAGE_HARVEST);
        return store.sources().stream().map(this::withLastRun).toList();
    }

    public HarvestSource source(Actor actor, long id) {
        policy.require(actor, Action.MANAGE_HARVEST);
        return withLastRun(found(id));
    }

    public List<HarvestRun> runs(Actor actor, long id, int limit) {
        policy.require(actor, Action.MANAGE_HARVEST);
        found(id);
        return store.runs(id, Math.max(1, Math.min(limit, 200)));
    }

    public List<CatalogEntry> entries(Actor actor, long id) {
        policy.require(actor, Action.MANAGE_HARVEST);
        found(id);
        return remote.ofSource(id);
    }

    private HarvestSource found(long id) {
        return store.source(id).orElseThrow(() -> ProblemException.notFound("No harvest source " + id));
    }

    private HarvestSource withLastRun(HarvestSource s) {
        return s.with(store.lastRun(s.id()).orElse(null), remote.count(s.id()));
    }

    // ------------------------------------------------------------------ changing

    public HarvestSource register(Actor actor, SourceForm form) {
        policy.require(actor, Action.MANAGE_HARVEST);
        if (actor.orgId() == null) {
            throw ProblemException.badRequest(
                    "harvest.noOrganisation", "A harvest source is registered by a member of an organisation");
        }
        SourceForm f = checked(form);
        Instant now = clock.instant();
        long id = store.insertSource(
                actor.orgId(),
                f.name(),
                f.kind(),
                f.url(),
                f.publisher(),
                f.intervalMinutes(),
                f.enabled(),
                now,
                actor.userId(),
                now);
        record(
                actor,
                EventType.HARVEST_SOURCE_REGISTERED,
                actor.orgId(),
                AuditEvent.Outcome.SUCCESS,
                "harvest source " + id + " registered: " + f.kind() + " " + hostOf(f.url()),
                sourceDetails(id, f));
        return source(actor, id);
    }

    public HarvestSource update(Actor actor, long id, SourceForm form) {
        policy.require(actor, Action.MANAGE_HARVEST);
        HarvestSource before = found(id);
        SourceForm f = checked(form);
        Instant now = clock.instant();
        // A new address or kind is harvested at the next check; otherwise the schedule runs on from the last run.
        boolean changedTarget = !before.url().equals(f.url()) || !before.kind().equals(f.kind());
        Instant next = changedTarget ? now : before.nextRunAt();
        store.updateSource(id, f.name(), f.kind(), f.url(), f.publisher(), f.intervalMinutes(), f.enabled(), next, now);
        record(
                actor,
                EventType.HARVEST_SOURCE_CHANGED,
                before.orgId(),
                AuditEvent.Outcome.SUCCESS,
                "harvest source " + id + " changed: " + f.kind() + " " + hostOf(f.url()),
                sourceDetails(id, f));
        return source(actor, id);
    }

    /** Removes a source and every entry harvested from it; idempotent, like the HTTP DELETE that calls it. */
    public void remove(Actor actor, long id) {
        policy.require(actor, Action.MANAGE_HARVEST);
        HarvestSource source = store.source(id).orElse(null);
        if (source == null) {
            return;
        }
        if (running.contains(id)) {
            throw ProblemException.conflict("harvest.running", "The source is being harvested; remove it afterwards");
        }
        int entries = remote.removeSource(id);
        store.deleteSource(id);
        record(
                actor,
                EventType.HARVEST_SOURCE_REMOVED,
                source.orgId(),
                AuditEvent.Outcome.SUCCESS,
                "harvest source " + id + " removed with its " + entries + " entries",
                Map.of("source", Long.toString(id), "entriesRemoved", Integer.toString(entries)));
    }

    // ------------------------------------------------------------------ harvesting

    /** The operator's "harvest now": runs at once and answers with the run. */
    public HarvestRun harvestNow(Actor actor, long id) {
        policy.require(actor, Action.MANAGE_HARVEST);
        return harvest(actor, found(id), "MANUAL");
    }

    /** Harvests every enabled source whose time has come, as the platform; returns how many ran. */
    public int harvestDue() {
        policy.require(Actor.SYSTEM, Action.MANAGE_HARVEST);
        int ran = 0;
        Instant now = clock.instant();
        for (HarvestSource s : store.due(now)) {
            // Another server may have claimed it first; then it is that server's to run.
            if (store.claim(s.id(), s.nextRunAt(), now.plus(Duration.ofMinutes(s.intervalMinutes())))) {
                try {
                    harvest(Actor.SYSTEM, s, "SCHEDULE");
                    ran++;
                } catch (ProblemException alreadyRunning) {
                    LOG.info("Harvest source {} is already being harvested", s.id());
                }
            }
        }
        return ran;
    }

    HarvestRun harvest(Actor actor, HarvestSource source, String trigger) {
        if (!running.add(source.id())) {
            throw ProblemException.conflict("harvest.running", "The source is being harvested now; wait for that run");
        }
        try {
            return run(actor, source, trigger);
        } finally {
            running.remove(source.id());
        }
    }

    private HarvestRun run(Actor actor, HarvestSource source, String trigger) {
        Instant started = clock.instant();
        long runId = store.startRun(source.id(), trigger, started);
        String status;
        String error = null;
        int seen = 0;
        int failed = 0;
        RemoteCatalog.SyncResult sync = new RemoteCatalog.SyncResult(0, 0, 0, 0);
        long startedNanos = System.nanoTime();
        try (SourceFetcher fetcher = new SourceFetcher(sources.networkPolicy(source.orgId()), limits)) {
            Harvested harvested = read(fetcher, source);
            seen = harvested.records().size();
            failed = harvested.failed();
            sync = remote.sync(source.id(), source.name(), harvested.records(), harvested.complete());
            status = harvested.complete() ? "SUCCEEDED" : "PARTIAL";
            error = harvested.note();
        } catch (HarvestException e) {
            status = "FAILED";
            error = e.getMessage();
        } catch (RuntimeException e) {
            status = "FAILED";
            error = "The harvest stopped on an unexpected error ("
                    + e.getClass().getSimpleName() + "); see the server log";
            LOG.warn("Harvest of source {} stopped", source.id(), e);
        }
        if (error != null && error.length() > 2000) {
            error = error.substring(0, 2000);
        }
        Instant finished = clock.instant();
        store.finishRun(runId, status, seen, sync.added(), sync.updated(), sync.removed(), failed, error, finished);
        if ("SCHEDULE".equals(trigger)) {
            store.setNextRun(source.id(), started.plus(Duration.ofMinutes(source.intervalMinutes())));
        }
        LOG.info(
                "Harvest of source {} ({}): {} in {} ms: {} read, {} added, {} updated, {} removed, {} unreadable",
                source.id(),
                source.kind(),
                status,
                (System.nanoTime() - startedNanos) / 1_000_000,
                seen,
                sync.added(),
                sync.updated(),
                sync.removed(),
                failed);
        Map<String, String> details = new HashMap<>();
        details.put("source", Long.toString(source.id()));
        details.put("run", Long.toString(runId));
        details.put("kind", source.kind());
        details.put("host", hostOf(source.url()));
        details.put("status", status);
        details.put("trigger", trigger);
        details.put("seen", Integer.toString(seen));
        details.put("added", Integer.toString(sync.added()));
        details.put("updated", Integer.toString(sync.updated()));
        details.put("removed", Integer.toString(sync.removed()));
        details.put("failed", Integer.toString(failed));
        long index = record(
                actor,
                EventType.HARVEST_RUN_FINISHED,
                source.orgId(),
                "FAILED".equals(status) ? AuditEvent.Outcome.FAILURE : AuditEvent.Outcome.SUCCESS,
                "harvest of source " + source.id() + " " + status.toLowerCase(Locale.ROOT),
                details);
        if (index >= 0) {
            store.setLedgerIndex(runId, index);
        }
        return store.run(runId).orElseThrow();
    }

    private Harvested read(SourceFetcher fetcher, HarvestSource source) {
        return switch (HarvestSource.Kind.valueOf(source.kind())) {
            case CKAN -> CkanReader.read(fetcher, source.url(), source.publisher());
            case DCAT_TURTLE -> DcatReader.read(fetcher, source.url(), false, source.publisher());
            case DCAT_JSONLD -> DcatReader.read(fetcher, source.url(), true, source.publisher());
            case DSP -> DspReader.read(fetcher, source.url(), source.publisher());
        };
    }

    // ------------------------------------------------------------------ helpers

    private SourceForm checked(SourceForm form) {
        if (form == null) {
            throw ProblemException.badRequest("harvest.invalid", "Give the source's name, kind, address and publisher");
        }
        String name = strip(form.name());
        if (name == null || name.length() > 200) {
            throw ProblemException.badRequest(
                    "harvest.name.invalid", "Give the portal's name (at most 200 characters)");
        }
        String kind = strip(form.kind()) == null ? null : form.kind().strip().toUpperCase(Locale.ROOT);
        if (kind == null
                || Arrays.stream(HarvestSource.Kind.values())
                        .noneMatch(k -> k.name().equals(kind))) {
            throw ProblemException.badRequest(
                    "harvest.kind.invalid", "The kind is one of CKAN, DCAT_TURTLE, DCAT_JSONLD or DSP");
        }
        String url = strip(form.url());
        String urlProblem = url == null || url.length() > 1000 ? "Give an http(s) URL" : OutboundUrls.problem(url);
        if (urlProblem != null) {
            throw ProblemException.badRequest("harvest.url.invalid", "The address cannot be harvested: " + urlProblem);
        }
        if (url.contains("?") || url.contains("#")) {
            throw ProblemException.badRequest(
                    "harvest.urlQuery", "Give the address without a query or fragment (no '?' or '#')");
        }
        String publisher = strip(form.publisher());
        if (publisher == null || publisher.length() > 300) {
            throw ProblemException.badRequest(
                    "harvest.publisher.invalid", "Give the publishing organisation's name (at most 300 characters)");
        }
        int interval = form.intervalMinutes() == null ? 1440 : form.intervalMinutes();
        if (interval < MIN_INTERVAL_MINUTES || interval > MAX_INTERVAL_MINUTES) {
            throw ProblemException.badRequest(
                    "harvest.interval.invalid",
                    "The interval is between " + MIN_INTERVAL_MINUTES + " minutes and 31 days (" + MAX_INTERVAL_MINUTES
                            + " minutes)",
                    MIN_INTERVAL_MINUTES,
                    MAX_INTERVAL_MINUTES);
        }
        return new SourceForm(name, kind, url, publisher, interval, form.enabled() == null || form.enabled());
    }

    private static String strip(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String hostOf(String url) {
        try {
            String host = java.net.URI.create(url).getHost();
            return host == null ? "?" : host;
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    private static Map<String, String> sourceDetails(long id, SourceForm f) {
        return Map.of(
                "source", Long.toString(id),
                "kind", f.kind(),
                "host", hostOf(f.url()),
                "interval", Integer.toString(f.intervalMinutes()),
                "enabled", Boolean.toString(f.enabled()));
    }

    private long record(
            Actor actor,
            EventType type,
            long orgId,
            AuditEvent.Outcome outcome,
            String summary,
            Map<String, String> details) {
        boolean system = actor == null || actor.isSystem();
        return audit.record(new AuditEvent(
                type,
                system ? null : actor.userId(),
                system ? "system" : actor.username(),
                orgId,
                outcome,
                system ? null : ClientAddress.current(),
                summary,
                details));
    }
}
