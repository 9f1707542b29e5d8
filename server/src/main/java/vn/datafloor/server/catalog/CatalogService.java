package vn.datafloor.server.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.event.TransactionalEventListener;
import vn.datafloor.catalog.CatalogQuery;
import vn.datafloor.catalog.SearchResult;
import vn.datafloor.integration.lake.ClearVersion;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.DuckDbConnections;
import vn.datafloor.integration.lake.PrivateFiles;
import vn.datafloor.integration.pipeline.Masking;
import vn.datafloor.integration.profile.ColumnFinding;
import vn.datafloor.integration.profile.PersonalCategory;
import vn.datafloor.integration.profile.PersonalDataDetector;
import vn.datafloor.integration.reference.AdminUnits;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.integration.DatasetPublished;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.server.platform.ProblemException;

/**
 * The catalog: describes every dataset in the lake, classifies it under the Data Law, records which
 * columns are personal data, publishes it for others to find, and answers searches. Who sees what:
 * the owner organisation sees its entries; operators and auditors see all; everyone else sees
 * published entries that are open or shared and not core; core data is seen by state staff only.
 */
@Service
public class CatalogService {

    private static final Logger log = LoggerFactory.getLogger(CatalogService.class);
    static final int PREVIEW_ROWS = 20;
    static final int DETECTION_SAMPLE = 2000;

    private final CatalogStore store;
    private final RemoteCatalog remote;
    private final CatalogSearch search;
    private final CatalogValidation validation;
    private final DatasetService datasets;
    private final OrganisationService organisations;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final Path work;
    private volatile Instant indexedUpTo = Instant.EPOCH;

    CatalogService(
            CatalogStore store,
            RemoteCatalog remote,
            CatalogSearch search,
            DatasetService datasets,
            OrganisationService organisations,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            DatafloorProperties properties,
            org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        this.store = store;
        this.remote = remote;
        this.search = search;
        this.validation = new CatalogValidation(AdminUnits.builtIn());
        this.datasets = datasets;
        this.organisations = organisations;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.work = properties.dataDir().toAbsolutePath().normalize().resolve("work");
    }

    /** The editable description of a dataset (API body and editor form). */
    public record Description(
            String titleVi,
            String titleEn,
            String descriptionVi,
            String descriptionEn,
            String contactName,
            String contactEmail,
            List<String> themes,
            List<String> keywords,
            List<String> spatial,
            LocalDate temporalStart,
            LocalDate temporalEnd,
            String frequency,
            String licence,
            String documentationUrl) {}

    public record ColumnDescription(
            String name, String descriptionVi, String descriptionEn, String unit, String example, List<String> tags) {}

    public record Classification(String importance, String sharing, String reason) {}

    /** The operator's decision on a classification: APPROVE it, or OVERRIDE it with other values. */
    public record Review(String decision, String importance, String sharing, String note) {}

    // ------------------------------------------------------------------ reading

    /** Whether the actor (null: nobody signed in) may read the entry's description. */
    boolean canSee(Actor actor, CatalogEntry e) {
        return policy.mayReadCatalogEntry(
                actor,
                new AccessPolicy.CatalogEntryFacts(
                        e.orgId(), e.published(), e.publicMetadata(), e.core(), "private".equals(e.sharing())));
    }

    /** Whether the actor may see the data itself in clear, personal columns included: the owner's staff. */
    boolean canSeeClear(Actor actor, CatalogEntry e) {
        return policy.mayReadCatalogDataInClear(actor, e.orgId());
    }

    boolean canManage(Actor actor, CatalogEntry e) {
        return actor != null
                && policy.decide(actor, Action.MANAGE_CATALOG, e.orgId()).allowed();
    }

    boolean canReview(Actor actor) {
        return actor != null
                && policy.decide(actor, Action.REVIEW_CLASSIFICATION).allowed();
    }

    /** The entry if the actor may see it. */
    public Optional<CatalogEntry> find(Actor actor, String slug) {
        return store.bySlug(slug).map(this::complete).filter(e -> canSee(actor, e));
    }

    /** The entry, or 404 when it does not exist or the actor may not see it (the same answer, on purpose). */
    public CatalogEntry get(Actor actor, String slug) {
        return find(actor, slug).orElseThrow(() -> ProblemException.notFound("No dataset " + slug + " in the catalog"));
    }

    /**
     * The entry as stored, without its publisher's name or its latest version's facts, whoever asks: for
     * data deliveries, which check rights themselves and need only the dataset and its columns on every
     * request.
     */
    public Optional<CatalogEntry> stored(String slug) {
        return store.bySlug(slug);
    }

    /** The entry of a lake dataset, whoever asks (for other capabilities that check rights themselves). */
    public Optional<CatalogEntry> forDataset(String dataset) {
        return store.byDataset(dataset).map(this::complete);
    }

    /** Every entry anyone may read: the open data portal, the DCAT-AP export and the CKAN API. */
    public List<CatalogEntry> publicEntries() {
        return store.all().stream()
                .filter(CatalogEntry::publicMetadata)
                .map(this::complete)
                .toList();
    }

    /** A publisher's entries anyone may read (published, not private, not core), newest change first. */
    public List<CatalogEntry> publicEntriesOf(long orgId) {
        return store.publishedOf(orgId).stream()
                .filter(CatalogEntry::publicMetadata)
                .map(this::complete)
                .toList();
    }

    /**
     * The portal's featured datasets: the open datasets downloaded most in the last 30 days, filled up with the
     * best-quality open ones, so the home page shows what people actually use.
     */
    public List<CatalogEntry> featured(int count) {
        Map<String, CatalogEntry> picked = new LinkedHashMap<>();
        for (long id : store.mostDownloaded(clock.instant().minus(java.time.Duration.ofDays(30)), count * 3)) {
            store.byId(id)
                    .filter(CatalogEntry::open)
                    .map(this::complete)
                    .ifPresent(e -> picked.putIfAbsent(e.slug(), e));
            if (picked.size() == count) {
                break;
            }
        }
        if (picked.size() < count) {
            for (CatalogEntry e : searchPublic(
                            null, Map.of("sharing", List.of("open")), CatalogQuery.Sort.QUALITY, 0, count * 2)
                    .entries()) {
                if (picked.size() < count && !e.remoteEntry()) {
                    picked.putIfAbsent(e.slug(), e);
                }
            }
        }
        return List.copyOf(picked.values());
    }

    /** The audiences an actor belongs to for searching; null: no restriction. */
    Set<String> audiencesOf(Actor actor) {
        if (actor != null && policy.decide(actor, Action.VIEW_WHOLE_CATALOG).allowed()) {
            return null;
        }
        Set<String> audiences = new HashSet<>();
        audiences.add(CatalogQuery.PUBLIC);
        audiences.add(CatalogSearch.REMOTE);
        if (actor != null && actor.orgId() != null) {
            audiences.add("org:" + actor.orgId());
            if (policy.readsStateSectorCatalog(actor)) {
                audiences.add(CatalogSearch.STATE);
            }
        }
        return audiences;
    }

    /** A page of search results with the entries themselves. */
    public record Results(long total, List<CatalogEntry> entries, Map<String, List<SearchResult.FacetCount>> facets) {}

    public Results search(
            Actor actor,
            String text,
            Map<String, List<String>> filters,
            CatalogQuery.Sort sort,
            int offset,
            int limit) {
        requireShortText(text);
        return search(new CatalogQuery(text, filters, sort, offset, limit, audiencesOf(actor)), actor);
    }

    /** Searches with explicit audiences (the public APIs pass only PUBLIC). */
    public Results searchPublic(
            String text, Map<String, List<String>> filters, CatalogQuery.Sort sort, int offset, int limit) {
        requireShortText(text);
        return search(new CatalogQuery(text, filters, sort, offset, limit, Set.of(CatalogQuery.PUBLIC)), null);
    }

    /**
     * A public search (what an anonymous visitor may find) with conditions, time ranges and an order
     * of several keys, all answered by the index (the CKAN API's package_search); facets are counted
     * only when asked.
     */
    public Results searchPublic(
            String text,
            List<CatalogQuery.Condition> conditions,
            List<CatalogQuery.Range> ranges,
            List<CatalogQuery.Order> order,
            int offset,
            int limit,
            boolean countFacets) {
        requireShortText(text);
        return search(
                new CatalogQuery(
                        text,
                        Map.of(),
                        CatalogQuery.Sort.RELEVANCE,
                        offset,
                        limit,
                        Set.of(CatalogQuery.PUBLIC),
                        conditions,
                        ranges,
                        order,
                        countFacets),
                null);
    }

    /**
     * Every value of an index facet over the public entries, most frequent first (publishers, publisher
     * ids, themes, keywords): computed by the index once per change, not by reading every entry.
     */
    public List<SearchResult.FacetCount> publicFacetValues(String facet) {
        return search.facetValues(facet, Set.of(CatalogQuery.PUBLIC));
    }

    /** The slugs of every public entry, sorted, from the index (the CKAN API's package_list). */
    public List<String> publicSlugs() {
        return search.ids(Set.of(CatalogQuery.PUBLIC));
    }

    /** The public entry with this CKAN package id, found by the index. */
    public Optional<CatalogEntry> publicByPackageId(String packageId) {
        return searchPublic(
                        null,
                        List.of(new CatalogQuery.Condition(CatalogQuery.ALTERNATE_ID, List.of(packageId))),
                        List.of(),
                        List.of(),
                        0,
                        1,
                        false)
                .entries()
                .stream()
                .findFirst();
    }

    private static void requireShortText(String text) {
        if (text != null && text.length() > CatalogQuery.MAX_TEXT_CHARS) {
            throw ProblemException.badRequest(
                    "search.tooLong",
                    "The search text is longer than " + CatalogQuery.MAX_TEXT_CHARS
                            + " characters; search for fewer words",
                    CatalogQuery.MAX_TEXT_CHARS);
        }
    }

    private Results search(CatalogQuery query, Actor actor) {
        SearchResult result;
        try {
            result = search.search(query);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("catalog.badQuery", e.getMessage());
        }
        List<CatalogEntry> entries = new ArrayList<>();
        // One read for the page's entries and one lookup per publisher, not a few queries per hit.
        Map<String, CatalogEntry> stored = store.bySlugs(result.hits().stream()
                .map(SearchResult.Hit::id)
                .filter(id -> !id.startsWith(RemoteCatalog.SLUG_PREFIX))
                .toList());
        Map<Long, Optional<Organisation>> publishers = new HashMap<>();
        for (SearchResult.Hit hit : result.hits()) {
            // The index and the database may disagree for a moment (another server's change): the database decides.
            if (hit.id().startsWith(RemoteCatalog.SLUG_PREFIX)) {
                remote.forSlug(hit.id()).ifPresent(entries::add);
                continue;
            }
            Optional.ofNullable(stored.get(hit.id()))
                    .map(e -> complete(e, publishers.computeIfAbsent(e.orgId(), organisations::find)))
                    .filter(e -> canSee(actor, e))
                    .ifPresent(entries::add);
        }
        return new Results(result.total(), entries, result.facets());
    }

    /** For the dashboard: entries the actor may read, how many are published and open, and the work waiting for them. */
    public record Summary(long visible, long published, long open, int waiting) {}

    public Summary summary(Actor actor) {
        List<CatalogEntry> visible =
                store.headers().stream().filter(e -> canSee(actor, e)).toList();
        int waiting = 0;
        if (actor != null && policy.decide(actor, Action.VIEW_CATALOG_QUEUE).allowed()) {
            Queue queue = queue(actor);
            waiting = queue.toReview().size() + queue.toConfirm().size();
        }
        return new Summary(
                visible.size(),
                visible.stream().filter(CatalogEntry::published).count(),
                visible.stream().filter(CatalogEntry::open).count(),
                waiting);
    }

    /** What waits for someone: the actor's organisation's entries to describe or confirm, and (operator) reviews. */
    public record Queue(List<CatalogEntry> toDescribe, List<CatalogEntry> toConfirm, List<CatalogEntry> toReview) {}

    public Queue queue(Actor actor) {
        policy.require(actor, Action.VIEW_CATALOG_QUEUE);
        List<CatalogEntry> own = actor.orgId() == null
                ? List.of()
                : store.ofOrganisation(actor.orgId()).stream()
                        .map(this::complete)
                        .toList();
        boolean manages = policy.decide(actor, Action.MANAGE_CATALOG).allowed();
        List<CatalogEntry> toDescribe = manages
                ? own.stream()
                        .filter(e -> e.importance() == null || !e.published())
                        .toList()
                : List.of();
        List<CatalogEntry> toConfirm = manages
                ? own.stream().filter(e -> !e.unconfirmedColumns().isEmpty()).toList()
                : List.of();
        List<CatalogEntry> toReview = canReview(actor)
                ? store.ofOrganisation(null).stream()
                        .filter(e -> "PENDING".equals(e.reviewStatus()))
                        .map(this::complete)
                        .toList()
                : List.of();
        return new Queue(toDescribe, toConfirm, toReview);
    }

    public List<ClassificationEvent> classificationHistory(CatalogEntry entry) {
        return store.classificationHistory(entry.id());
    }

    public long downloads(CatalogEntry entry) {
        return store.downloads(entry.id());
    }

    public List<DatasetService.VersionFacts> history(CatalogEntry entry) {
        return datasets.history(entry.dataset());
    }

    /** The entries derived from this one (e.g. the register from agency datasets), visible to the actor. */
    public List<CatalogEntry> derived(Actor actor, CatalogEntry entry) {
        return datasets.derivedFrom(entry.dataset()).stream()
                .map(store::byDataset)
                .flatMap(Optional::stream)
                .map(this::complete)
                .filter(e -> canSee(actor, e))
                .toList();
    }

    /** The entries this one was derived from, visible to the actor, by lake dataset name. */
    public Map<String, Optional<CatalogEntry>> inputs(Actor actor, DatasetService.VersionFacts latest) {
        Map<String, Optional<CatalogEntry>> inputs = new LinkedHashMap<>();
        String list = latest == null || latest.lineage() == null
                ? null
                : latest.lineage().get("inputs");
        if (list != null) {
            for (String input : list.split(",")) {
                String dataset = input.strip().replaceAll("@v\\d+$", "");
                inputs.put(
                        input.strip(),
                        store.byDataset(dataset).map(this::complete).filter(e -> canSee(actor, e)));
            }
        }
        return inputs;
    }

    /** Freshness: when the newest version is older than the declared frequency allows (with slack). */
    public boolean stale(CatalogEntry e) {
        Duration allowed = CatalogVocabulary.Frequency.ofCode(e.frequency())
                .map(CatalogVocabulary.Frequency::allowedAge)
                .orElse(null);
        return allowed != null
                && e.latest() != null
                && e.latest().createdAt().plus(allowed).isBefore(clock.instant());
    }

    private CatalogEntry complete(CatalogEntry e) {
        return complete(e, organisations.find(e.orgId()));
    }

    private CatalogEntry complete(CatalogEntry e, Optional<Organisation> org) {
        CatalogEntry.LatestVersion latest = datasets.latestVersion(e.dataset())
                .map(v -> {
                    Double quality =
                            datasets.qualityScore(e.dataset(), v.version()).orElse(null);
                    return new CatalogEntry.LatestVersion(
                            v.version(), v.manifest().createdAt(), v.manifest().rowCount(), quality);
                })
                .orElse(null);
        return e.with(
                org.map(Organisation::name).orElse("?"),
                org.map(o -> o.kind().name()).orElse(null),
                latest);
    }

    // ------------------------------------------------------------------ following the lake

    /**
     * Follows a new version once its publication has committed. The event publication registry keeps
     * the event until this returns, and delivers it again at the next start if the process died or
     * this failed: there is no catching up to do by hand.
     */
    @TransactionalEventListener
    void onDatasetPublished(DatasetPublished published) {
        DatasetVersion latest = datasets.latestVersion(published.dataset()).orElse(null);
        if (latest != null && latest.version() > published.version()) {
            return; // delivered late (after a restart): the newer version's own event describes the dataset
        }
        datasets.version(published.dataset(), published.version())
                .ifPresent(version -> follow(version, published.orgId()));
    }

    /** At start: the search index is built from the database. */
    @EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    public void buildIndexAtStart() {
        rebuildIndex();
    }

    /** Creates or refreshes the entry of a lake dataset from one of its versions: schema, personal-data proposals. */
    void follow(DatasetVersion version, long orgId) {
        String dataset = version.dataset();
        Instant now = clock.instant();
        long id = store.byDataset(dataset).map(CatalogEntry::id).orElseGet(() -> {
            try {
                return store.insertDataset(freeSlug(dataset), dataset, orgId, dataset, now);
            } catch (org.springframework.dao.DuplicateKeyException concurrentFollow) {
                // Two versions published at once: the other thread created the entry.
                return store.byDataset(dataset).orElseThrow().id();
            }
        });
        store.syncColumns(
                id,
                version.manifest().columns().stream()
                        .map(c -> new String[] {c.name(), c.type()})
                        .toList());
        List<ColumnFinding> findings;
        try (ClearVersion copy = readable(version)) {
            findings = PersonalDataDetector.detect(copy, DETECTION_SAMPLE);
        }
        for (ColumnFinding finding : findings) {
            store.propose(
                    id,
                    finding.column(),
                    finding.category() == null ? null : finding.category().code(),
                    finding.category() == null ? null : finding.confidence(),
                    finding.evidence(),
                    PersonalDataEvidence.json(finding.evidenceParts()));
        }
        store.touch(id, now);
        reindex(id);
    }

    private String freeSlug(String dataset) {
        String base =
                dataset.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        base = base.length() < 2 ? "dataset-" + base : base.length() > 90 ? base.substring(0, 90) : base;
        String slug = base;
        for (int i = 2; store.slugTaken(slug); i++) {
            slug = base + "-" + i;
        }
        return slug;
    }

    void rebuildIndex() {
        Instant started = clock.instant();
        // One lookup per publisher, not one per entry: a national catalog has a few hundred publishers.
        Map<Long, Optional<Organisation>> publishers = new HashMap<>();
        List<CatalogEntry> entries = new ArrayList<>(store.all().stream()
                .map(e -> complete(e, publishers.computeIfAbsent(e.orgId(), organisations::find)))
                .toList());
        entries.addAll(remote.all());
        search.replaceAll(entries);
        indexedUpTo = started;
    }

    /** Picks up entries other servers changed; this server's own changes are indexed at once. */
    @Scheduled(
            fixedDelayString = "${datafloor.catalog.index-refresh:PT30S}",
            initialDelayString = "${datafloor.catalog.index-refresh:PT30S}")
    void refreshIndex() {
        Instant since = indexedUpTo;
        Instant started = clock.instant();
        store.changedSince(since.minusSeconds(5)).forEach(e -> search.put(complete(e)));
        remote.changedSince(since.minusSeconds(5)).forEach(search::put);
        indexedUpTo = started;
    }

    /** A listing on the exchange changed: the entry's price facet follows. */
    public void refreshListing(String slug) {
        store.bySlug(slug).ifPresent(e -> reindex(e.id()));
    }

    private void reindex(long id) {
        store.byId(id).map(this::complete).ifPresent(search::put);
    }

    // ------------------------------------------------------------------ changing

    private CatalogEntry editable(Actor actor, String slug) {
        CatalogEntry entry = store.bySlug(slug)
                .orElseThrow(() -> ProblemException.notFound("No dataset " + slug + " in the catalog"));
        policy.require(actor, Action.MANAGE_CATALOG, entry.orgId());
        return entry;
    }

    public CatalogEntry describe(Actor actor, String slug, Description d) {
        CatalogEntry entry = editable(actor, slug);
        Description clean = normalise(d);
        List<FieldProblem> problems = validation.check(clean);
        if (entry.published()
                && "open".equals(entry.sharing())
                && clean.licence() != null
                && CatalogVocabulary.Licence.ofCode(clean.licence())
                        .map(l -> !l.open())
                        .orElse(false)) {
            problems.add(new FieldProblem("licence", "catalog.field.openLicence", "open data needs an open licence"));
        }
        if (!problems.isEmpty()) {
            throw new CatalogValidation.InvalidDescriptionException(problems);
        }
        store.updateMetadata(entry.id(), clean, clock.instant());
        record(actor, EventType.CATALOG_ENTRY_UPDATED, entry, "description of " + entry.slug() + " updated", Map.of());
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    public CatalogEntry describeColumns(Actor actor, String slug, List<ColumnDescription> columns) {
        CatalogEntry entry = editable(actor, slug);
        Set<String> known = new HashSet<>(
                entry.columns().stream().map(CatalogEntry.Column::name).toList());
        List<FieldProblem> problems = new ArrayList<>();
        for (ColumnDescription c : columns) {
            problems.addAll(validation.check(c, known));
        }
        if (!problems.isEmpty()) {
            throw new CatalogValidation.InvalidDescriptionException(problems);
        }
        for (ColumnDescription c : columns) {
            store.describeColumn(
                    entry.id(),
                    c.name(),
                    blankToNull(c.descriptionVi()),
                    blankToNull(c.descriptionEn()),
                    blankToNull(c.unit()),
                    blankToNull(c.example()),
                    c.tags() == null
                            ? List.of()
                            : c.tags().stream()
                                    .map(String::strip)
                                    .filter(t -> !t.isEmpty())
                                    .toList());
        }
        store.touch(entry.id(), clock.instant());
        record(
                actor,
                EventType.CATALOG_ENTRY_UPDATED,
                entry,
                "schema description of " + entry.slug() + " updated",
                Map.of());
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    /**
     * The steward's decision per column: a personal-data category code, or "none". Every decision
     * goes on the ledger with the proposal it confirmed or overrode.
     */
    public CatalogEntry confirmPersonalData(Actor actor, String slug, Map<String, String> decisions) {
        CatalogEntry entry = editable(actor, slug);
        Map<String, CatalogEntry.Column> byName = new HashMap<>();
        entry.columns().forEach(c -> byName.put(c.name(), c));
        List<FieldProblem> problems = new ArrayList<>();
        for (Map.Entry<String, String> d : decisions.entrySet()) {
            if (!byName.containsKey(d.getKey())) {
                problems.add(new FieldProblem("columns", "catalog.field.columnUnknown", "no column " + d.getKey()));
            } else if (!"none".equals(d.getValue())
                    && PersonalCategory.ofCode(d.getValue()).isEmpty()) {
                problems.add(new FieldProblem(
                        "columns." + d.getKey(),
                        "catalog.field.category",
                        "unknown personal-data category '" + d.getValue() + "'"));
            }
        }
        if (decisions.isEmpty()) {
            problems.add(new FieldProblem("columns", "catalog.field.required", "no decision given"));
        }
        if (!problems.isEmpty()) {
            throw new CatalogValidation.InvalidDescriptionException(problems);
        }
        Instant now = clock.instant();
        List<String> summary = new ArrayList<>();
        for (Map.Entry<String, String> d : decisions.entrySet()) {
            store.confirmColumn(entry.id(), d.getKey(), d.getValue(), actor.userId(), now);
            String proposed = byName.get(d.getKey()).proposedCategory();
            summary.add(d.getKey() + "=" + d.getValue()
                    + (proposed == null || proposed.equals(d.getValue()) ? "" : " (proposed " + proposed + ")"));
        }
        store.touch(entry.id(), now);
        record(
                actor,
                EventType.PERSONAL_DATA_CONFIRMED,
                entry,
                "personal data of " + entry.slug() + " confirmed",
                Map.of("columns", truncate(String.join("; ", summary), 1500)));
        CatalogEntry updated = complete(store.byId(entry.id()).orElseThrow());
        if (updated.open() && updated.columns().stream().anyMatch(CatalogEntry.Column::personal)) {
            // Open data may not hold personal data: take it off the portal until it is de-identified or reclassified.
            store.setStatus(entry.id(), "DRAFT", null, now);
            record(
                    actor,
                    EventType.DATASET_UNLISTED,
                    entry,
                    entry.slug() + " unlisted: open data with personal columns",
                    Map.of());
        }
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    /** The provider's classification under the Data Law; the operator reviews it. A reason is required. */
    public CatalogEntry classify(Actor actor, String slug, Classification c) {
        CatalogEntry entry = editable(actor, slug);
        var importance = CatalogVocabulary.Importance.ofCode(c.importance());
        var sharing = CatalogVocabulary.Sharing.ofCode(c.sharing());
        List<FieldProblem> problems = new ArrayList<>();
        if (importance.isEmpty()) {
            problems.add(new FieldProblem("importance", "catalog.field.importance", "choose core, important or other"));
        }
        if (sharing.isEmpty()) {
            problems.add(new FieldProblem("sharing", "catalog.field.sharing", "choose open, shared or private"));
        }
        if (c.reason() == null || c.reason().isBlank()) {
            problems.add(new FieldProblem("reason", "catalog.field.reason", "say why: the reason goes on the ledger"));
        } else if (c.reason().length() > 2000) {
            problems.add(new FieldProblem("reason", "catalog.field.tooLong", "at most 2000 characters"));
        }
        if (importance.isPresent() && sharing.isPresent()) {
            problems.addAll(classificationConflicts(entry, importance.get(), sharing.get()));
        }
        if (!problems.isEmpty()) {
            throw new CatalogValidation.InvalidDescriptionException(problems);
        }
        Instant now = clock.instant();
        store.setClassification(
                entry.id(),
                importance.get().code(),
                sharing.get().code(),
                c.reason().strip(),
                actor.userId(),
                "PENDING",
                now);
        long index = record(
                actor,
                EventType.DATASET_CLASSIFIED,
                entry,
                entry.slug() + " classified " + importance.get().code() + "/"
                        + sharing.get().code(),
                Map.of(
                        "importance",
                        importance.get().code(),
                        "sharing",
                        sharing.get().code(),
                        "reason",
                        truncate(c.reason().strip(), 1000)));
        store.recordClassification(
                entry.id(),
                now,
                actor.userId(),
                "SET",
                importance.get().code(),
                sharing.get().code(),
                c.reason().strip(),
                index);
        events.publishEvent(new ClassificationChanged(
                entry.slug(), importance.get().code(), sharing.get().code()));
        if (entry.published() && importance.get() != CatalogVocabulary.Importance.OTHER) {
            // A changed classification of important or core data waits for the operator before it is public again.
            store.setStatus(entry.id(), "DRAFT", null, now);
            record(
                    actor,
                    EventType.DATASET_UNLISTED,
                    entry,
                    entry.slug() + " unlisted until the operator reviews it",
                    Map.of());
        }
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    private List<FieldProblem> classificationConflicts(
            CatalogEntry entry, CatalogVocabulary.Importance importance, CatalogVocabulary.Sharing sharing) {
        List<FieldProblem> problems = new ArrayList<>();
        if (sharing == CatalogVocabulary.Sharing.OPEN) {
            if (importance == CatalogVocabulary.Importance.CORE) {
                problems.add(new FieldProblem("sharing", "catalog.rule.coreNotOpen", "core data cannot be open data"));
            }
            if (entry.columns().stream().anyMatch(CatalogEntry.Column::personal)) {
                problems.add(
                        new FieldProblem(
                                "sharing",
                                "catalog.rule.openPersonal",
                                "open data may not hold personal data: de-identify the personal columns first, or share it on conditions"));
            }
        }
        return problems;
    }

    public CatalogEntry review(Actor actor, String slug, Review r) {
        policy.require(actor, Action.REVIEW_CLASSIFICATION);
        CatalogEntry entry = store.bySlug(slug)
                .orElseThrow(() -> ProblemException.notFound("No dataset " + slug + " in the catalog"));
        if (entry.importance() == null) {
            throw ProblemException.conflict(
                    "catalog.review.unclassified", "The provider has not classified this dataset yet");
        }
        boolean approve = "APPROVE".equalsIgnoreCase(r.decision());
        boolean override = "OVERRIDE".equalsIgnoreCase(r.decision());
        List<FieldProblem> problems = new ArrayList<>();
        if (!approve && !override) {
            problems.add(new FieldProblem("decision", "catalog.field.decision", "APPROVE or OVERRIDE"));
        }
        String importance = approve ? entry.importance() : r.importance();
        String sharing = approve ? entry.sharing() : r.sharing();
        if (override
                && (CatalogVocabulary.Importance.ofCode(importance).isEmpty()
                        || CatalogVocabulary.Sharing.ofCode(sharing).isEmpty())) {
            problems.add(new FieldProblem(
                    "importance", "catalog.field.importance", "an override names the importance and sharing it sets"));
        }
        if ((r.note() == null || r.note().isBlank()) && override) {
            problems.add(new FieldProblem("note", "catalog.field.reason", "say why the classification changes"));
        }
        if (problems.isEmpty() && override) {
            problems.addAll(classificationConflicts(
                    entry,
                    CatalogVocabulary.Importance.ofCode(importance).orElseThrow(),
                    CatalogVocabulary.Sharing.ofCode(sharing).orElseThrow()));
        }
        if (!problems.isEmpty()) {
            throw new CatalogValidation.InvalidDescriptionException(problems);
        }
        Instant now = clock.instant();
        String note =
                r.note() == null || r.note().isBlank() ? "approved" : r.note().strip();
        String status = approve ? "APPROVED" : "OVERRIDDEN";
        store.setReview(entry.id(), status, importance, sharing, actor.userId(), truncate(note, 2000), now);
        if (override) {
            events.publishEvent(new ClassificationChanged(entry.slug(), importance, sharing));
        }
        long index = record(
                actor,
                EventType.CLASSIFICATION_REVIEWED,
                entry,
                entry.slug() + " classification " + status.toLowerCase(Locale.ROOT) + ": " + importance + "/" + sharing,
                Map.of(
                        "decision",
                        status,
                        "importance",
                        importance,
                        "sharing",
                        sharing,
                        "reason",
                        truncate(note, 1000)));
        store.recordClassification(entry.id(), now, actor.userId(), status, importance, sharing, note, index);
        if (override && entry.published() && "open".equals(entry.sharing()) && !"open".equals(sharing)) {
            store.setStatus(entry.id(), "PUBLISHED", entry.publishedAt(), now);
        }
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    /** What stands between an entry and publication, as message keys with English text; empty: it may be published. */
    public List<FieldProblem> publicationBlockers(CatalogEntry entry) {
        List<FieldProblem> problems = new ArrayList<>(validation.check(descriptionOf(entry)));
        if (entry.importance() == null || entry.sharing() == null) {
            problems.add(new FieldProblem(
                    "classification",
                    "catalog.rule.unclassified",
                    "classify the dataset (importance and sharing) first"));
        } else {
            if (!"other".equals(entry.importance())
                    && !Set.of("APPROVED", "OVERRIDDEN").contains(entry.reviewStatus())) {
                problems.add(
                        new FieldProblem(
                                "classification",
                                "catalog.rule.needsReview",
                                "core and important data are published only after the operator has reviewed the classification"));
            }
            if ("open".equals(entry.sharing())) {
                if (entry.columns().stream().anyMatch(CatalogEntry.Column::personal)) {
                    problems.add(
                            new FieldProblem(
                                    "sharing",
                                    "catalog.rule.openPersonal",
                                    "open data may not hold personal data: de-identify the personal columns first, or share it on conditions"));
                }
                if (CatalogVocabulary.Licence.ofCode(entry.licence())
                        .map(l -> !l.open())
                        .orElse(true)) {
                    problems.add(new FieldProblem(
                            "licence", "catalog.field.openLicence", "open data needs an open licence"));
                }
            }
        }
        if (!entry.unconfirmedColumns().isEmpty()) {
            problems.add(new FieldProblem(
                    "columns",
                    "catalog.rule.unconfirmed",
                    entry.unconfirmedColumns().size() + " column(s) may hold personal data and are not confirmed: "
                            + entry.unconfirmedColumns().stream()
                                    .map(CatalogEntry.Column::name)
                                    .toList()));
        }
        if (datasets.latestVersion(entry.dataset()).isEmpty()) {
            problems.add(new FieldProblem("versions", "catalog.rule.noVersion", "the dataset has no version yet"));
        }
        return problems;
    }

    public CatalogEntry publish(Actor actor, String slug) {
        CatalogEntry entry = complete(editable(actor, slug));
        List<FieldProblem> blockers = publicationBlockers(entry);
        if (!blockers.isEmpty()) {
            throw new CatalogValidation.InvalidDescriptionException(blockers);
        }
        Instant now = clock.instant();
        store.setStatus(entry.id(), "PUBLISHED", entry.publishedAt() == null ? now : entry.publishedAt(), now);
        record(
                actor,
                EventType.DATASET_LISTED,
                entry,
                entry.slug() + " published (" + entry.importance() + "/" + entry.sharing() + ")",
                Map.of("importance", entry.importance(), "sharing", entry.sharing()));
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    public CatalogEntry unpublish(Actor actor, String slug) {
        CatalogEntry entry = editable(actor, slug);
        store.setStatus(entry.id(), "DRAFT", null, clock.instant());
        record(actor, EventType.DATASET_UNLISTED, entry, entry.slug() + " withdrawn from the catalog", Map.of());
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    /** Registers a dataset directly from a file: a new lake version and a draft entry to describe. */
    public CatalogEntry upload(Actor actor, String dataset, String filename, java.io.InputStream content) {
        return upload(actor, dataset, filename, content, Map.of());
    }

    /** {@link #upload(Actor, String, String, java.io.InputStream)} with the file's provenance in the version's lineage. */
    public CatalogEntry upload(
            Actor actor, String dataset, String filename, java.io.InputStream content, Map<String, String> provenance) {
        policy.require(actor, Action.MANAGE_CATALOG);
        if (actor.orgId() == null) {
            throw ProblemException.badRequest(
                    "upload.noOrganisation", "Only an organisation's staff may publish datasets");
        }
        store.byDataset(dataset).ifPresent(existing -> policy.require(actor, Action.MANAGE_CATALOG, existing.orgId()));
        var version = datasets.publishUpload(actor, actor.orgId(), dataset, filename, content, provenance);
        // The DatasetPublished event has created or refreshed the entry; if that failed, it is retried from the
        // registry, and this caller still gets its entry now.
        if (store.byDataset(dataset).isEmpty()) {
            follow(version, actor.orgId());
        }
        return complete(store.byDataset(dataset).orElseThrow());
    }

    /**
     * Describes, classifies, confirms personal data, optionally reviews and publishes in one step, as the
     * owner's steward and the operator would one after the other: the demo loader does this as the platform.
     */
    public CatalogEntry describeAtOnce(
            Actor actor,
            String dataset,
            Description d,
            Map<String, String> personal,
            Classification c,
            Review review,
            boolean publish) {
        CatalogEntry entry = store.byDataset(dataset)
                .orElseThrow(() -> new IllegalStateException("No catalog entry for " + dataset));
        policy.require(actor, Action.MANAGE_CATALOG, entry.orgId());
        if (review != null) {
            policy.require(actor, Action.REVIEW_CLASSIFICATION);
        }
        Instant now = clock.instant();
        Description clean = normalise(d);
        List<FieldProblem> problems = validation.check(clean);
        if (!problems.isEmpty()) {
            throw new CatalogValidation.InvalidDescriptionException(problems);
        }
        store.updateMetadata(entry.id(), clean, now);
        for (CatalogEntry.Column column : entry.columns()) {
            String decision = personal.getOrDefault(
                    column.name(), column.proposedCategory() == null ? null : column.proposedCategory());
            if (decision != null) {
                store.confirmColumn(entry.id(), column.name(), decision, 0, now);
            }
        }
        store.setClassification(
                entry.id(), c.importance(), c.sharing(), c.reason(), 0, review == null ? "PENDING" : "APPROVED", now);
        long index = audit.record(new AuditEvent(
                EventType.DATASET_CLASSIFIED,
                null,
                null,
                entry.orgId(),
                AuditEvent.Outcome.SUCCESS,
                null,
                entry.slug() + " classified " + c.importance() + "/" + c.sharing() + " (demo)",
                Map.of(
                        "dataset",
                        entry.dataset(),
                        "importance",
                        c.importance(),
                        "sharing",
                        c.sharing(),
                        "reason",
                        c.reason())));
        store.recordClassification(entry.id(), now, null, "SET", c.importance(), c.sharing(), c.reason(), index);
        if (review != null) {
            store.setReview(entry.id(), "APPROVED", c.importance(), c.sharing(), 0, review.note(), now);
            store.recordClassification(
                    entry.id(), now, null, "APPROVED", c.importance(), c.sharing(), review.note(), index);
        }
        CatalogEntry updated = complete(store.byId(entry.id()).orElseThrow());
        if (publish) {
            List<FieldProblem> blockers = publicationBlockers(updated);
            if (!blockers.isEmpty()) {
                throw new CatalogValidation.InvalidDescriptionException(blockers);
            }
            store.setStatus(entry.id(), "PUBLISHED", now, now);
        }
        reindex(entry.id());
        return complete(store.byId(entry.id()).orElseThrow());
    }

    // ------------------------------------------------------------------ the data itself

    /** The first rows, as text; personal (or possibly personal) columns masked unless the actor may see them. */
    public record Preview(List<String> columns, List<Boolean> masked, List<List<String>> rows, int version) {}

    public Preview preview(Actor actor, String slug) {
        CatalogEntry entry = get(actor, slug);
        DatasetVersion version = datasets.latestVersion(entry.dataset())
                .orElseThrow(() -> ProblemException.notFound("The dataset has no version yet"));
        boolean clear = canSeeClear(actor, entry);
        Map<String, Boolean> maskedByName = new HashMap<>();
        entry.columns().forEach(c -> maskedByName.put(c.name(), !clear && c.masked()));
        PreviewRows first = firstRows(version);
        List<String> columns = first.columns();
        List<Boolean> masked = new ArrayList<>();
        // A column the catalog does not know yet is treated as personal: safe until described.
        columns.forEach(name -> masked.add(!clear && maskedByName.getOrDefault(name, true)));
        List<List<String>> rows = new ArrayList<>();
        for (List<String> clearRow : first.rows()) {
            List<String> row = new ArrayList<>(clearRow.size());
            for (int i = 0; i < clearRow.size(); i++) {
                row.add(masked.get(i) ? Masking.mask(clearRow.get(i)) : clearRow.get(i));
            }
            rows.add(row);
        }
        return new Preview(columns, masked, rows, version.version());
    }

    /** A version's first rows as stored, before masking. */
    private record PreviewRows(List<String> columns, List<List<String>> rows) {}

    /**
     * The first rows of each recent version, read once: versions never change, and reading them means
     * decrypting the version's files, which should not happen on every view of a dataset's page. The
     * rows are kept clear and masked for each viewer.
     */
    private final Map<String, PreviewRows> previews =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, PreviewRows> eldest) {
                    return size() > 64;
                }
            });

    private PreviewRows firstRows(DatasetVersion version) {
        String key = version.dataset() + "/v" + version.version();
        PreviewRows cached = previews.get(key);
        if (cached != null) {
            return cached;
        }
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        try (ClearVersion copy = readable(version);
                Connection duck = DuckDbConnections.open(null, "256MB", 1);
                Statement statement = duck.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT * FROM " + copy.readExpression() + " LIMIT " + PREVIEW_ROWS)) {
            int n = rs.getMetaData().getColumnCount();
            for (int i = 1; i <= n; i++) {
                columns.add(rs.getMetaData().getColumnName(i));
            }
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(java.util.Collections.unmodifiableList(row));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read " + version.dataset() + " v" + version.version(), e);
        }
        PreviewRows read = new PreviewRows(List.copyOf(columns), List.copyOf(rows));
        previews.put(key, read);
        return read;
    }

    /**
     * The version in clear, for this capability's three readers: profiling a new version, the preview
     * (masked unless the actor may see clear) and the download (open data, or its owner's, on the ledger).
     */
    private ClearVersion readable(DatasetVersion version) {
        try {
            return datasets.clear(version, PrivateFiles.createDirectory(work));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one version's files in clear; see {@link #readOpenVersion}. */
    interface OpenVersionReader<T> {
        T read(DatasetVersion version, ClearVersion clear) throws SQLException;
    }

    /**
     * The latest version of an open dataset in clear, for the explorer: open data carries no personal data
     * (classification refuses it), and the explorer still reads only the columns not tagged personal. The
     * clear copies, if the version is encrypted, are deleted when {@code reader} returns.
     */
    <T> T readOpenVersion(CatalogEntry entry, OpenVersionReader<T> reader) throws SQLException {
        if (!entry.open()) {
            throw new IllegalArgumentException("Only open data is read for the explorer");
        }
        DatasetVersion version = datasets.latestVersion(entry.dataset())
                .orElseThrow(() -> ProblemException.notFound("The dataset has no version yet"));
        try (ClearVersion copy = readable(version)) {
            return reader.read(version, copy);
        }
    }

    /** A download ready to stream: a temporary file the caller deletes after sending. */
    public record Download(Path file, String fileName, String contentType, int version) {}

    /**
     * Open data for anyone; any dataset in clear for its own organisation's staff (recorded on the
     * ledger, as it may hold personal data). Others get 404 (the delivery capability serves them).
     */
    public Download download(Actor actor, String slug, String format) {
        CatalogEntry entry = get(actor, slug);
        if (!CatalogVocabulary.FORMATS.contains(format)) {
            throw ProblemException.badRequest("catalog.badFormat", "Formats: " + CatalogVocabulary.FORMATS);
        }
        boolean own = canSeeClear(actor, entry);
        if (!entry.open() && !own) {
            throw new ProblemException(
                    HttpStatus.FORBIDDEN,
                    "catalog.notOpen",
                    "Only open data can be downloaded here; request access to shared data on the exchange");
        }
        DatasetVersion version = datasets.latestVersion(entry.dataset())
                .orElseThrow(() -> ProblemException.notFound("The dataset has no version yet"));
        Path file;
        try {
            Files.createDirectories(work);
            file = work.resolve("download-" + UUID.randomUUID() + "." + format);
            try (ClearVersion copy = readable(version);
                    Connection duck = DuckDbConnections.open(work, "512MB", 2);
                    Statement statement = duck.createStatement()) {
                String options = switch (format) {
                    case "csv" -> "FORMAT csv, HEADER true";
                    case "json" -> "FORMAT json, ARRAY true";
                    default -> "FORMAT parquet, COMPRESSION zstd";
                };
                statement.execute("COPY (SELECT * FROM " + copy.readExpression() + ") TO "
                        + DuckDbConnections.literal(file.toString()) + " (" + options + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not prepare the download of " + entry.dataset(), e);
        }
        store.recordDownload(entry.id(), clock.instant(), format, version.version());
        if (!entry.open()) {
            record(
                    actor,
                    EventType.DATASET_DOWNLOADED,
                    entry,
                    entry.slug() + " v" + version.version() + " downloaded by its owner (" + format + ")",
                    Map.of("version", Integer.toString(version.version()), "format", format));
        }
        String contentType = switch (format) {
            case "csv" -> "text/csv; charset=utf-8";
            case "json" -> "application/json";
            default -> "application/vnd.apache.parquet";
        };
        return new Download(
                file, entry.slug() + "-v" + version.version() + "." + format, contentType, version.version());
    }

    // ------------------------------------------------------------------ helpers

    static Description descriptionOf(CatalogEntry e) {
        return new Description(
                e.titleVi(),
                e.titleEn(),
                e.descriptionVi(),
                e.descriptionEn(),
                e.contactName(),
                e.contactEmail(),
                e.themes(),
                e.keywords(),
                e.spatial(),
                e.temporalStart(),
                e.temporalEnd(),
                e.frequency(),
                e.licence(),
                e.documentationUrl());
    }

    private static Description normalise(Description d) {
        return new Description(
                strip(d.titleVi()),
                blankToNull(d.titleEn()),
                strip(d.descriptionVi()),
                blankToNull(d.descriptionEn()),
                blankToNull(d.contactName()),
                blankToNull(d.contactEmail()),
                clean(d.themes()),
                clean(d.keywords()),
                clean(d.spatial()),
                d.temporalStart(),
                d.temporalEnd(),
                strip(d.frequency()),
                strip(d.licence()),
                blankToNull(d.documentationUrl()));
    }

    private static List<String> clean(List<String> values) {
        return values == null
                ? List.of()
                : values.stream()
                        .filter(v -> v != null)
                        .map(String::strip)
                        .filter(v -> !v.isEmpty())
                        .distinct()
                        .toList();
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private long record(Actor actor, EventType type, CatalogEntry entry, String summary, Map<String, String> details) {
        Map<String, String> all = new LinkedHashMap<>(details);
        all.put("dataset", entry.dataset());
        all.put("catalog_id", Long.toString(entry.id()));
        return audit.record(new AuditEvent(
                type,
                actor == null ? null : actor.userId(),
                actor == null ? null : actor.username(),
                entry.orgId(),
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                summary,
                all));
    }
}
