package vn.datafloor.server.ui;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserService;

/** The first screen after sign-in: the platform at a glance. */
@Controller
class DashboardPage {

    private final OrganisationService organisations;
    private final UserService users;
    private final LedgerService ledger;
    private final AuditQueries audit;
    private final AccessPolicy policy;
    private final Clock clock;
    private final vn.datafloor.server.integration.RunService runs;
    private final vn.datafloor.server.integration.DatasetService datasets;

    private final vn.datafloor.server.catalog.CatalogService catalog;

    private final vn.datafloor.server.exchange.ProductService products;

    private final NextSteps nextSteps;

    private final ContractService contracts;

    private final vn.datafloor.server.audit.AuditOutbox outbox;

    private final vn.datafloor.server.platform.DatafloorProperties properties;

    /**
     * The operator's view of the platform's own state: entries committed but not yet on the ledger
     * (they should drain within seconds), entries not yet sealed by a signed checkpoint, and the free
     * space left where the data directory lives. Each with whether it needs attention.
     */
    record Health(long outboxWaiting, long unsealed, long freeBytes, long totalBytes) {

        public boolean outboxOk() {
            return outboxWaiting < 10_000;
        }

        public boolean diskOk() {
            return totalBytes <= 0 || freeBytes >= totalBytes / 10;
        }

        public long freeGiB() {
            return freeBytes >> 30;
        }

        public long freePercent() {
            return totalBytes <= 0 ? 100 : freeBytes * 100 / totalBytes;
        }
    }

    private Health health() {
        long size = ledger.size();
        long sealed = ledger.latestCheckpoint().map(c -> c.checkpoint().size()).orElse(0L);
        long free = -1;
        long total = -1;
        try {
            java.nio.file.FileStore store = java.nio.file.Files.getFileStore(properties.dataDir());
            free = store.getUsableSpace();
            total = store.getTotalSpace();
        } catch (java.io.IOException e) {
            // an unreadable file store shows as unknown
        }
        return new Health(outbox.waiting(), Math.max(0, size - sealed), free, total);
    }

    /** An agreement in force on the buyer's home, with this month's metered use (null unless paid per use). */
    record Held(ContractService.Entitlement entitlement, ContractService.UsageSoFar usage) {}

    DashboardPage(
            OrganisationService organisations,
            UserService users,
            LedgerService ledger,
            AuditQueries audit,
            AccessPolicy policy,
            Clock clock,
            vn.datafloor.server.integration.RunService runs,
            vn.datafloor.server.integration.DatasetService datasets,
            vn.datafloor.server.catalog.CatalogService catalog,
            vn.datafloor.server.exchange.ProductService products,
            NextSteps nextSteps,
            ContractService contracts,
            vn.datafloor.server.audit.AuditOutbox outbox,
            vn.datafloor.server.platform.DatafloorProperties properties) {
        this.outbox = outbox;
        this.properties = properties;
        this.nextSteps = nextSteps;
        this.contracts = contracts;
        this.catalog = catalog;
        this.products = products;
        this.runs = runs;
        this.datasets = datasets;
        this.organisations = organisations;
        this.users = users;
        this.ledger = ledger;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
    }

    @GetMapping("/")
    @Permit(Action.VIEW_PUBLIC)
    String home() {
        // Visitors land on the open data portal, citizens on their own page, staff on their dashboard.
        return AccessPolicy.currentActor()
                .map(actor -> policy.decide(actor, Action.VIEW_DASHBOARD).allowed()
                        ? "redirect:/dashboard"
                        : policy.decide(actor, Action.VIEW_OWN_ACCESSES).allowed()
                                ? "redirect:/me"
                                : "redirect:/portal")
                .orElse("redirect:/portal");
    }

    @GetMapping("/dashboard")
    @Permit(Action.VIEW_DASHBOARD)
    String dashboard(Actor actor, Model model) {
        model.addAttribute("tasks", nextSteps.of(actor));
        model.addAttribute("organisationCount", organisations.visibleTo(actor).size());
        model.addAttribute("ledgerSize", ledger.size());
        model.addAttribute(
                "checkpoint", ledger.latestCheckpoint().map(c -> c.checkpoint()).orElse(null));
        if (policy.decide(actor, Action.LIST_USERS).allowed()) {
            model.addAttribute("userCount", users.list(actor, null).size());
        }
        if (policy.decide(actor, Action.VIEW_INTEGRATION).allowed()) {
            var visible = datasets.visibleTo(actor);
            model.addAttribute("datasetCount", visible.size());
            model.addAttribute(
                    "datasetRows",
                    visible.stream()
                            .mapToLong(d -> d.latest() == null ? 0 : d.latest().rows())
                            .sum());
            // The latest finished run of each pipeline, for the quality chart.
            java.util.Map<Long, vn.datafloor.server.integration.RunService.PipelineRun> latest =
                    new java.util.LinkedHashMap<>();
            runs.visibleTo(actor, null, 200).stream()
                    .filter(r -> "SUCCEEDED".equals(r.status()) && r.quality() != null)
                    .forEach(r -> latest.putIfAbsent(r.pipelineId(), r));
            model.addAttribute("qualityRuns", List.copyOf(latest.values()));
        }
        model.addAttribute("catalog", catalog.summary(actor));
        if (actor.orgId() != null
                && policy.decide(actor, Action.BUY_DATA, actor.orgId()).allowed()) {
            // A buyer's first screen offers something to buy: the newest listed products of others.
            model.addAttribute(
                    "forSale",
                    products.listed().stream()
                            .filter(p -> p.orgId() != actor.orgId())
                            .limit(3)
                            .toList());
        }
        if (actor.orgId() != null
                && policy.decide(actor, Action.BUY_DATA, actor.orgId()).allowed()
                && policy.decide(actor, Action.VIEW_CONTRACTS, actor.orgId()).allowed()) {
            // What the buyer already has: agreements in force, how far they run, this month's metered use.
            List<Held> held = contracts.entitlements(actor, actor.orgId()).stream()
                    .sorted(java.util.Comparator.comparing(
                            ContractService.Entitlement::until,
                            java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())))
                    .limit(5)
                    .map(e -> new Held(e, contracts.usageThisMonth(actor, e.contractId())))
                    .toList();
            model.addAttribute("held", held);
        }
        if (policy.decide(actor, Action.VIEW_METRICS).allowed()) {
            model.addAttribute("health", health());
        }
        if (policy.decide(actor, Action.VIEW_AUDIT).allowed()) {
            List<AuditQueries.TypeCount> counts =
                    audit.countsByType(clock.instant().minus(Duration.ofDays(7)));
            long max = counts.stream()
                    .mapToLong(AuditQueries.TypeCount::count)
                    .max()
                    .orElse(1);
            model.addAttribute("eventCounts", counts);
            model.addAttribute(
                    "eventSeverity",
                    counts.stream()
                            .collect(java.util.stream.Collectors.toMap(
                                    AuditQueries.TypeCount::type,
                                    c -> vn.datafloor.server.audit.EventType.severityOf(c.type())
                                            .name()
                                            .toLowerCase(java.util.Locale.ROOT),
                                    (a, b) -> a)));
            model.addAttribute("eventMax", Math.max(1, max));
            model.addAttribute("recentEvents", audit.search(null, null, null, null, null, 8, 0));
            // The auditor's first question: when was the whole ledger last checked, and was it sound?
            model.addAttribute(
                    "lastVerification",
                    audit
                            .search(
                                    vn.datafloor.server.audit.EventType.LEDGER_VERIFIED.name(),
                                    null,
                                    null,
                                    null,
                                    null,
                                    1,
                                    0)
                            .stream()
                            .findFirst()
                            .orElse(null));
            model.addAttribute(
                    "checkpointSize",
                    ledger.latestCheckpoint().map(c -> c.checkpoint().size()).orElse(null));
        }
        return "dashboard";
    }
}
