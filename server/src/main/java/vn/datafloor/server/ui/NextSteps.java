package vn.datafloor.server.ui;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.exchange.DisputeService;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.integration.RunService;
import vn.datafloor.server.linkage.RegisterService;
import vn.datafloor.server.privacy.SubjectRequestService;

/**
 * What waits for the signed-in person, for the top of their dashboard: each task is a count of real
 * things (products to inspect, pairs to review, runs that failed…), a sentence saying what to do and a
 * link to the page where it is done. Which tasks a person gets follows from what the decision point lets
 * them do, not from a role name, so an organisation administrator who is also a steward sees both.
 */
@Component
class NextSteps {

    /** Failed runs and security alerts older than this are history, not work. */
    static final Duration RECENT = Duration.ofDays(7);

    /** Security alerts: the last day's refusals and lockouts worth an operator's look. */
    static final Duration ALERT_WINDOW = Duration.ofHours(24);

    /** An agreement ending within this is worth renewing now. */
    static final Duration ENDING_SOON = Duration.ofDays(30);

    /**
     * One thing to do.
     *
     * @param key the message key under {@code home.task.} (its text takes the count as {0})
     * @param count how many; a task is only listed when there is at least one
     * @param href where it is done
     * @param urgent past a deadline, failed or a security alert: shown first and marked
     */
    record Task(String key, long count, String href, boolean urgent) {}

    private final AccessPolicy policy;
    private final ProductService products;
    private final CatalogService catalog;
    private final RegisterService register;
    private final DisputeService disputes;
    private final ContractService contracts;
    private final RunService runs;
    private final SubjectRequestService subjectRequests;
    private final AuditQueries audit;
    private final Clock clock;

    NextSteps(
            AccessPolicy policy,
            ProductService products,
            CatalogService catalog,
            RegisterService register,
            DisputeService disputes,
            ContractService contracts,
            RunService runs,
            SubjectRequestService subjectRequests,
            AuditQueries audit,
            Clock clock) {
        this.policy = policy;
        this.products = products;
        this.catalog = catalog;
        this.register = register;
        this.disputes = disputes;
        this.contracts = contracts;
        this.runs = runs;
        this.subjectRequests = subjectRequests;
        this.audit = audit;
        this.clock = clock;
    }

    /** The actor's tasks, urgent ones first. */
    List<Task> of(Actor actor) {
        List<Task> tasks = new ArrayList<>();
        Instant now = clock.instant();
        if (allowed(actor, Action.INSPECT_PRODUCTS)) {
            add(tasks, "inspections", products.queue(actor).size(), "/exchange/inspections", false);
        }
        if (allowed(actor, Action.VIEW_CATALOG_QUEUE)) {
            CatalogService.Queue queue = catalog.queue(actor);
            add(tasks, "catalogReview", queue.toReview().size(), "/catalog/queue", false);
            add(tasks, "catalogConfirm", queue.toConfirm().size(), "/catalog/queue", false);
            add(tasks, "catalogDescribe", queue.toDescribe().size(), "/catalog/queue", false);
        }
        if (allowed(actor, Action.REVIEW_REGISTER)) {
            add(tasks, "registerReview", register.pendingReviews(), "/register/review", false);
        }
        if (actor.orgId() != null && allowed(actor, Action.DECIDE_CONTRACTS, actor.orgId())) {
            add(
                    tasks,
                    "ordersToDecide",
                    contracts.waitingFor(actor, actor.orgId()).size(),
                    "/exchange/sales",
                    false);
        }
        if (allowed(actor, Action.VIEW_CONTRACTS)) {
            disputeTasks(actor, tasks);
            if (actor.orgId() != null && allowed(actor, Action.VIEW_CONTRACTS, actor.orgId())) {
                long ending = contracts.ofOrganisation(actor, actor.orgId()).stream()
                        .filter(c -> c.buyerOrg() == actor.orgId())
                        .filter(c -> c.activeAt(now) && c.endsAt() != null)
                        .filter(c -> c.endsAt().isBefore(now.plus(ENDING_SOON)))
                        .count();
                add(tasks, "contractsEnding", ending, "/exchange/contracts", false);
            }
        }
        if (allowed(actor, Action.VIEW_INTEGRATION)) {
            runTasks(actor, now, tasks);
        }
        if (allowed(actor, Action.HANDLE_SUBJECT_REQUESTS)) {
            List<SubjectRequestService.SubjectRequest> open = subjectRequests.list(actor).stream()
                    .filter(SubjectRequestService.SubjectRequest::open)
                    .toList();
            long overdue = open.stream()
                    .filter(SubjectRequestService.SubjectRequest::overdue)
                    .count();
            add(tasks, "subjectRequestsOverdue", overdue, "/privacy/requests", true);
            add(tasks, "subjectRequests", open.size() - overdue, "/privacy/requests", false);
        }
        if (allowed(actor, Action.VIEW_AUDIT)) {
            long alerts = audit.countsByType(now.minus(ALERT_WINDOW)).stream()
                    .filter(c -> EventType.severityOf(c.type()) == EventType.Severity.ALARM)
                    .mapToLong(AuditQueries.TypeCount::count)
                    .sum();
            add(tasks, "securityAlerts", alerts, "/audit", true);
        }
        tasks.sort(Comparator.comparing((Task t) -> !t.urgent()));
        return List.copyOf(tasks);
    }

    private void disputeTasks(Actor actor, List<Task> tasks) {
        List<DisputeService.Dispute> undecided =
                disputes.list(actor).stream().filter(d -> !d.decided()).toList();
        boolean mediates = allowed(actor, Action.MEDIATE_DISPUTES);
        // The operator decides every dispute; an organisation answers those brought against it.
        List<DisputeService.Dispute> mine = mediates
                ? undecided
                : undecided.stream()
                        .filter(d -> actor.orgId() != null && d.respondentOrg() == actor.orgId())
                        .filter(d -> d.state() == DisputeService.State.OPEN)
                        .toList();
        long overdue = mine.stream().filter(DisputeService.Dispute::overdue).count();
        String key = mediates ? "disputesToDecide" : "disputesToAnswer";
        add(tasks, key + "Overdue", overdue, "/exchange/disputes", true);
        add(tasks, key, mine.size() - overdue, "/exchange/disputes", false);
    }

    /**
     * Pipelines whose latest run failed in the last week (a later success clears it), and quarantined rows
     * left by the latest successful run of each pipeline: each points at the run to open.
     */
    private void runTasks(Actor actor, Instant now, List<Task> tasks) {
        Set<Long> seen = new HashSet<>();
        List<RunService.PipelineRun> failed = new ArrayList<>();
        long quarantined = 0;
        String quarantineRun = null;
        for (RunService.PipelineRun run : runs.visibleTo(actor, null, 200)) {
            if (run.active() || !seen.add(run.pipelineId())) {
                continue; // only each pipeline's latest finished run speaks for it
            }
            if ("FAILED".equals(run.status())
                    && run.finishedAt() != null
                    && run.finishedAt().isAfter(now.minus(RECENT))) {
                failed.add(run);
            } else if ("SUCCEEDED".equals(run.status())
                    && run.rowsQuarantined() != null
                    && run.rowsQuarantined() > 0
                    && allowed(actor, Action.CORRECT_QUARANTINE, run.orgId())) {
                quarantined += run.rowsQuarantined();
                if (quarantineRun == null) {
                    quarantineRun = run.id();
                }
            }
        }
        if (!failed.isEmpty()) {
            add(
                    tasks,
                    "failedRuns",
                    failed.size(),
                    failed.size() == 1 ? "/integration/runs/" + failed.get(0).id() : "/integration/pipelines",
                    true);
        }
        if (quarantineRun != null) {
            add(tasks, "quarantined", quarantined, "/integration/runs/" + quarantineRun, false);
        }
    }

    private boolean allowed(Actor actor, Action action) {
        return policy.decide(actor, action).allowed();
    }

    private boolean allowed(Actor actor, Action action, long orgId) {
        return policy.decide(actor, action, orgId).allowed();
    }

    private static void add(List<Task> tasks, String key, long count, String href, boolean urgent) {
        if (count > 0) {
            tasks.add(new Task(key, count, href, urgent));
        }
    }
}
