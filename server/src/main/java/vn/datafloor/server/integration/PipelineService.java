package vn.datafloor.server.integration;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.pipeline.PipelineSpec;
import vn.datafloor.integration.pipeline.PipelineSpecs;
import vn.datafloor.integration.pipeline.SpecProblem;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/** Pipelines: their YAML specs, checked before they are saved, and who owns which dataset. */
@Service
public class PipelineService {

    private final IntegrationStore store;
    private final SourceService sources;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;

    private final org.springframework.transaction.support.TransactionTemplate transactions;

    PipelineService(
            IntegrationStore store,
            SourceService sources,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            org.springframework.transaction.PlatformTransactionManager transactionManager) {
        this.transactions = new org.springframework.transaction.support.TransactionTemplate(transactionManager);
        this.store = store;
        this.sources = sources;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
    }

    public record Pipeline(
            long id,
            long orgId,
            String name,
            String spec,
            String dataset,
            String schedule,
            boolean enabled,
            String lastWatermark,
            Instant updatedAt,
            Instant nextRunAt) {}

    /** Thrown when a spec has problems; carries them all, with line numbers, for the editor. */
    public static final class InvalidSpecException extends ProblemException {
        private final transient List<SpecProblem> problems;

        InvalidSpecException(List<SpecProblem> problems) {
            super(
                    org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT,
                    "pipeline.invalid",
                    "The pipeline spec has " + problems.size() + " problem(s): " + problems,
                    problems.size());
            this.problems = List.copyOf(problems);
        }

        public List<SpecProblem> problems() {
            return problems;
        }

        @Override
        public Map<String, Object> extensions() {
            return Map.of(
                    "problems",
                    problems.stream()
                            .map(p -> Map.of(
                                    "line",
                                    p.line(),
                                    "field",
                                    String.valueOf(p.field()),
                                    "message",
                                    p.message(),
                                    "text",
                                    p.toString()))
                            .toList());
        }
    }

    public List<Pipeline> visibleTo(Actor actor) {
        policy.require(actor, Action.VIEW_INTEGRATION);
        Long org = policy.seesAllTenants(actor, Action.VIEW_INTEGRATION) ? null : actor.orgId();
        return store.pipelines(org).stream().map(this::view).toList();
    }

    public Pipeline get(Actor actor, long id) {
        IntegrationStore.PipelineRow row =
                store.pipeline(id).orElseThrow(() -> ProblemException.notFound("No pipeline " + id));
        policy.require(actor, Action.VIEW_INTEGRATION, row.orgId());
        return view(row);
    }

    /** Every problem with a spec for this organisation: YAML, expressions, unknown sources, datasets of others. */
    public List<SpecProblem> check(long orgId, String yaml) {
        PipelineSpecs.Parsed parsed = PipelineSpecs.parse(yaml);
        List<SpecProblem> problems = new ArrayList<>(parsed.problems());
        PipelineSpec spec = parsed.spec();
        if (spec != null) {
            if (spec.source() != null
                    && spec.source().ref() != null
                    && !sources.exists(orgId, spec.source().ref())) {
                problems.add(new SpecProblem(
                        0,
                        "source.ref",
                        "Your organisation has no source named " + spec.source().ref()
                                + ": register it on the Sources page",
                        "pipeline.problem.unknownSource",
                        List.of(spec.source().ref())));
            }
            if (spec.dataset() != null) {
                store.datasetOwner(spec.dataset())
                        .filter(owner -> owner != orgId)
                        .ifPresent(owner -> problems.add(new SpecProblem(
                                0,
                                "target.dataset",
                                "Dataset " + spec.dataset() + " belongs to another organisation",
                                "pipeline.problem.otherOrganisationsDataset",
                                List.of(spec.dataset()))));
            }
            java.util.Optional<String> scheduleProblem =
                    spec.schedule() != null && spec.schedule().strip().split("\\s+").length == 6
                            ? PipelineSchedules.problem(spec.schedule().strip().replaceAll("\\s+", " "))
                            : java.util.Optional.empty();
            if (scheduleProblem.isPresent()) {
                // Worded on pages as the schedule field's own problem (characters or values), which says what to write.
                problems.add(new SpecProblem(
                        0,
                        "schedule",
                        "The schedule is not a cron expression Spring can read: six fields, second minute hour day"
                                + " month weekday, e.g. \"0 0 2 * * *\" for every day at 02:00 or \"0 30 6 * * MON\""
                                + " for every Monday at 06:30",
                        scheduleProblem.get(),
                        List.of()));
            }
            if (spec.source() != null
                    && spec.source().ref() == null
                    && spec.source().credential() != null) {
                problems.add(new SpecProblem(
                        0,
                        "source.credential",
                        "Secrets come from registered sources: register the source with its secret and use source: {ref: …}",
                        "pipeline.problem.credentialInSpec",
                        List.of()));
            }
        }
        return problems;
    }

    public Pipeline save(Actor actor, String yaml) {
        policy.require(actor, Action.MANAGE_INTEGRATION);
        return save(actor, actor.orgId(), yaml);
    }

    /** Saves for {@code orgId}: one's own organisation, or any for the platform (the demo loader). */
    public Pipeline save(Actor actor, Long orgId, String yaml) {
        if (orgId == null) {
            throw ProblemException.badRequest("pipeline.noOrganisation", "Pipelines belong to an organisation");
        }
        policy.require(actor, Action.MANAGE_INTEGRATION, orgId);
        return save(orgId, actor.personId(), actor.personName(), yaml);
    }

    private Pipeline save(long orgId, Long userId, String username, String yaml) {
        List<SpecProblem> problems = check(orgId, yaml);
        if (!problems.isEmpty()) {
            recordRefusals(orgId, userId, problems);
            throw new InvalidSpecException(problems);
        }
        return transactions.execute(status -> store(orgId, userId, username, yaml));
    }

    /**
     * A spec refused because it reaches for what it may not (a database URL, a function, a statement)
     * is a security event, recorded outside the refused save's transaction.
     */
    private void recordRefusals(long orgId, Long userId, List<SpecProblem> problems) {
        List<String> refused = problems.stream()
                .map(SpecProblem::message)
                .filter(m -> m.contains("not allowed") || m.contains("disallowed"))
                .distinct()
                .toList();
        if (!refused.isEmpty()) {
            audit.record(new AuditEvent(
                    EventType.SECURITY_REFUSED,
                    userId,
                    null,
                    orgId,
                    AuditEvent.Outcome.FAILURE,
                    ClientAddress.current(),
                    "pipeline spec refused: " + refused.get(0),
                    Map.of(
                            "what",
                            "pipeline spec",
                            "problems",
                            String.join(" | ", refused.subList(0, Math.min(5, refused.size()))))));
        }
    }

    private Pipeline store(long orgId, Long userId, String username, String yaml) {
        PipelineSpec spec = PipelineSpecs.parse(yaml).spec();
        var unchanged = store.pipeline(orgId, spec.name())
                .filter(existing -> existing.spec().equals(yaml));
        if (unchanged.isPresent()) {
            return view(unchanged.get()); // saving the same text again changes nothing, and records nothing
        }
        Instant now = clock.instant();
        long id = store.pipeline(orgId, spec.name())
                .map(existing -> {
                    store.updatePipeline(existing.id(), yaml, spec.dataset(), spec.schedule(), now);
                    return existing.id();
                })
                .orElseGet(() -> store.insertPipeline(orgId, spec.name(), yaml, spec.dataset(), spec.schedule(), now));
        audit.record(new AuditEvent(
                EventType.PIPELINE_SAVED,
                userId,
                username,
                orgId,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                "pipeline " + id + " saved → " + spec.dataset(),
                Map.of("pipeline", Long.toString(id), "dataset", spec.dataset())));
        return view(store.pipeline(id).orElseThrow());
    }

    /**
     * The spec with its top-level {@code schedule:} set from the editor's schedule field (blank: removed), so the
     * spec stays the one description of the pipeline. A field that is not a valid schedule is refused, saying
     * what to write: {@code englishText} gives the problem's English (the API's text), its key the page's words.
     */
    public String withSchedule(String yaml, String typed, java.util.function.Function<String, String> englishText) {
        String cron = PipelineSchedules.normalise(typed);
        java.util.Optional<String> problem = PipelineSchedules.problem(cron);
        if (problem.isPresent()) {
            throw new InvalidSpecException(List.of(
                    new SpecProblem(0, "schedule", englishText.apply(problem.get()), problem.get(), List.of())));
        }
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("(?m)^schedule:.*(\\R|\\z)");
        java.util.regex.Matcher existing = line.matcher(yaml);
        String replacement = cron == null ? "" : "schedule: \"" + cron + "\"\n";
        if (existing.find()) {
            return existing.replaceFirst(java.util.regex.Matcher.quoteReplacement(replacement));
        }
        return cron == null ? yaml : (yaml.endsWith("\n") ? yaml : yaml + "\n") + replacement;
    }

    private Pipeline view(IntegrationStore.PipelineRow row) {
        Instant since = row.lastScheduledAt() != null ? row.lastScheduledAt() : row.updatedAt();
        Instant next = row.enabled() && row.schedule() != null
                ? PipelineSchedules.next(row.schedule(), since)
                        .map(at -> at.isBefore(clock.instant()) ? clock.instant() : at)
                        .orElse(null)
                : null;
        return new Pipeline(
                row.id(),
                row.orgId(),
                row.name(),
                row.spec(),
                row.dataset(),
                row.schedule(),
                row.enabled(),
                row.lastWatermark(),
                row.updatedAt(),
                next);
    }
}
