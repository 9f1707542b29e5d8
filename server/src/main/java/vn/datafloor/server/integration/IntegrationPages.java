package vn.datafloor.server.integration;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import vn.datafloor.integration.pipeline.SpecProblem;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/** Pages for sources, pipelines (with a checking editor), runs with live progress, quality, quarantine, datasets. */
@Controller
class IntegrationPages {

    static final String EXAMPLE_SPEC = """
            pipeline: my-pipeline
            description: What this pipeline brings in
            source:
              ref: my-source
            target:
              dataset: my-org.people
              schema: person
            mapping:
              record_id: record_id
              full_name: ho_ten
              birth_date: ngay_sinh
            quality:
              - rule: completeness
                columns: [record_id, full_name]
                severity: reject
              - rule: uniqueness
                columns: [record_id]
                severity: reject
            key: [record_id]
            """;

    private final SourceService sources;
    private final PipelineService pipelines;
    private final RunService runs;
    private final DatasetService datasets;
    private final AccessPolicy policy;
    private final ProblemResponses problems;
    private final ChangeFollowing following;
    private final QuarantineReview review;
    private final PipelineSchedules schedules;

    IntegrationPages(
            QuarantineReview review,
            PipelineSchedules schedules,
            SourceService sources,
            PipelineService pipelines,
            RunService runs,
            DatasetService datasets,
            AccessPolicy policy,
            ProblemResponses problems,
            ChangeFollowing following) {
        this.following = following;
        this.review = review;
        this.schedules = schedules;
        this.sources = sources;
        this.pipelines = pipelines;
        this.runs = runs;
        this.datasets = datasets;
        this.policy = policy;
        this.problems = problems;
    }

    private void canManage(Actor actor, Model model) {
        model.addAttribute(
                "canManage", policy.decide(actor, Action.MANAGE_INTEGRATION).allowed());
        model.addAttribute(
                "canSeeQuarantine", policy.decide(actor, Action.VIEW_QUARANTINE).allowed());
        model.addAttribute(
                "canCorrect", policy.decide(actor, Action.CORRECT_QUARANTINE).allowed());
    }

    // --- sources

    @GetMapping("/integration/sources")
    @Permit(Action.VIEW_INTEGRATION)
    String sources(Actor actor, Model model) {
        model.addAttribute("sources", sources.visibleTo(actor));
        model.addAttribute("following", following.statuses(actor));
        model.addAttribute("kinds", sources.kinds());
        model.addAttribute(
                "takesFile",
                sources.kinds().stream()
                        .filter(SourceService.SourceKind::takesFile)
                        .map(SourceService.SourceKind::kind)
                        .toList());
        canManage(actor, model);
        return "integration/sources";
    }

    @PostMapping("/integration/sources")
    @Permit(Action.MANAGE_INTEGRATION)
    String register(
            Actor actor,
            @RequestParam String name,
            @RequestParam String type,
            @RequestParam Map<String, String> form,
            RedirectAttributes flash,
            Locale locale) {
        // The form has one group of fields per kind, named "<kind>.<setting>": only the chosen kind's are read.
        Map<String, String> settings = new LinkedHashMap<>();
        String secret = null;
        var kind = sources.kinds().stream().filter(k -> k.kind().equals(type)).findFirst();
        if (kind.isPresent()) {
            for (SourceService.SettingView setting : kind.get().settings()) {
                String value = form.get(type + "." + setting.name());
                if (setting.secret()) {
                    secret = value;
                } else if ("value".equals(setting.supply()) && value != null) {
                    settings.put(setting.name(), value);
                }
            }
        }
        String sealed = secret;
        return problems.redirectAfter(
                flash,
                locale,
                "source.registered",
                "/integration/sources",
                () -> sources.register(actor, name, type, settings, sealed));
    }

    @PostMapping("/integration/sources/{id}/file")
    @Permit(Action.MANAGE_INTEGRATION)
    String upload(
            Actor actor,
            @PathVariable long id,
            @RequestParam("file") MultipartFile file,
            RedirectAttributes flash,
            Locale locale)
            throws IOException {
        java.io.InputStream content = file.getInputStream();
        return problems.redirectAfter(
                flash,
                locale,
                "source.uploaded",
                "/integration/sources",
                () -> sources.upload(actor, id, file.getOriginalFilename(), content));
    }

    // --- pipelines

    @GetMapping("/integration/pipelines")
    @Permit(Action.VIEW_INTEGRATION)
    String pipelines(Actor actor, Model model) {
        model.addAttribute("pipelines", pipelines.visibleTo(actor));
        model.addAttribute("runs", runs.visibleTo(actor, null, 200));
        canManage(actor, model);
        return "integration/pipelines";
    }

    @GetMapping("/integration/pipelines/new")
    @Permit(Action.MANAGE_INTEGRATION)
    String newPipeline(Actor actor, Model model) {
        model.addAttribute("spec", EXAMPLE_SPEC);
        model.addAttribute("schedule", "");
        model.addAttribute("problems", List.of());
        canManage(actor, model);
        return "integration/pipeline-edit";
    }

    @GetMapping("/integration/pipelines/{id}")
    @Permit(Action.VIEW_INTEGRATION)
    String pipeline(Actor actor, @PathVariable long id, Model model) {
        PipelineService.Pipeline pipeline = pipelines.get(actor, id);
        model.addAttribute("pipeline", pipeline);
        model.addAttribute("spec", pipeline.spec());
        model.addAttribute("schedule", pipeline.schedule() == null ? "" : pipeline.schedule());
        model.addAttribute("problems", List.of());
        model.addAttribute("runs", runs.visibleTo(actor, id, 20));
        canManage(actor, model);
        return "integration/pipeline-edit";
    }

    @PostMapping("/integration/pipelines")
    @Permit(Action.MANAGE_INTEGRATION)
    String save(
            Actor actor,
            @RequestParam String spec,
            @RequestParam(required = false) String schedule,
            Model model,
            RedirectAttributes flash,
            Locale locale) {
        model.addAttribute("schedule", schedule == null ? "" : schedule);
        try {
            // The schedule field, when the form has it, sets the spec's schedule line.
            String withSchedule = schedule == null
                    ? spec
                    : pipelines.withSchedule(spec, schedule, key -> schedules.problemText(key, Locale.ENGLISH));
            PipelineService.Pipeline saved = pipelines.save(actor, withSchedule);
            flash.addFlashAttribute("success", problems.message("pipeline.saved", new Object[0], locale));
            return "redirect:/integration/pipelines/" + saved.id();
        } catch (PipelineService.InvalidSpecException e) {
            model.addAttribute("spec", spec);
            model.addAttribute("problems", e.problems());
            model.addAttribute(
                    "problemLines", e.problems().stream().map(SpecProblem::line).toList());
            canManage(actor, model);
            return "integration/pipeline-edit";
        }
    }

    /** htmx: the spec's problems, shown beside the editor as the person works. */
    @PostMapping("/integration/pipelines/validation")
    @Permit(Action.MANAGE_INTEGRATION)
    String validate(
            Actor actor, @RequestParam String spec, @RequestParam(required = false) String schedule, Model model) {
        List<SpecProblem> found = new java.util.ArrayList<>();
        String checked = spec;
        if (schedule != null) {
            try {
                checked = pipelines.withSchedule(spec, schedule, key -> schedules.problemText(key, Locale.ENGLISH));
            } catch (PipelineService.InvalidSpecException e) {
                found.addAll(e.problems());
            }
        }
        found.addAll(pipelines.check(actor.orgId(), checked));
        model.addAttribute("problems", found);
        model.addAttribute("checked", true);
        return "integration/pipeline-edit :: problems";
    }

    @PostMapping("/integration/pipelines/{id}/runs")
    @Permit(Action.MANAGE_INTEGRATION)
    String run(Actor actor, @PathVariable long id, RedirectAttributes flash, Locale locale) {
        try {
            RunService.PipelineRun run = runs.start(actor, id, "MANUAL");
            return "redirect:/integration/runs/" + run.id();
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
            return "redirect:/integration/pipelines/" + id;
        }
    }

    // --- runs

    @GetMapping("/integration/runs/{id}")
    @Permit(Action.VIEW_INTEGRATION)
    String run(Actor actor, @PathVariable String id, Model model) {
        RunService.PipelineRun run = runs.get(actor, id);
        model.addAttribute("run", run);
        model.addAttribute("pipeline", pipelines.get(actor, run.pipelineId()));
        model.addAttribute("log", runs.logs(actor, id));
        canManage(actor, model);
        return "integration/run";
    }

    /** htmx: progress, polled every second while the run is active. */
    @GetMapping("/integration/runs/{id}/status")
    @Permit(Action.VIEW_INTEGRATION)
    String runStatus(Actor actor, @PathVariable String id, Model model) {
        model.addAttribute("run", runs.get(actor, id));
        model.addAttribute("log", runs.logs(actor, id));
        canManage(actor, model);
        return "integration/run :: status";
    }

    @PostMapping("/integration/runs/{id}/cancellation")
    @Permit(Action.MANAGE_INTEGRATION)
    String cancel(Actor actor, @PathVariable String id, RedirectAttributes flash, Locale locale) {
        try {
            runs.cancel(actor, id);
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", problems.message(e.messageKey(), e.messageArgs(), locale));
        }
        return "redirect:/integration/runs/" + id;
    }

    @GetMapping("/integration/runs/{id}/quarantine")
    @Permit(Action.VIEW_QUARANTINE)
    String quarantine(Actor actor, @PathVariable String id, @RequestParam(defaultValue = "0") int page, Model model)
            throws Exception {
        RunService.PipelineRun run = runs.get(actor, id);
        RunService.QuarantinePage quarantine = runs.quarantine(actor, id, page);
        model.addAttribute("run", run);
        model.addAttribute("pipeline", pipelines.get(actor, run.pipelineId()));
        model.addAttribute("quarantine", quarantine);
        model.addAttribute("decisions", review.decisions(actor, id, quarantine));
        canManage(actor, model);
        return "integration/quarantine";
    }

    /** One quarantined row: its values, the rules it failed, and the steward's fix or release. */
    @GetMapping("/integration/runs/{id}/quarantine/{record}")
    @Permit(Action.VIEW_QUARANTINE)
    String quarantinedRow(Actor actor, @PathVariable String id, @PathVariable long record, Model model) {
        RunService.PipelineRun run = runs.get(actor, id);
        model.addAttribute("run", run);
        model.addAttribute("row", review.row(actor, id, record));
        canManage(actor, model);
        return "integration/quarantine-row";
    }

    @PostMapping("/integration/runs/{id}/quarantine/{record}/fix")
    @Permit(Action.CORRECT_QUARANTINE)
    String fixRow(
            Actor actor,
            @PathVariable String id,
            @PathVariable long record,
            @RequestParam Map<String, String> form,
            RedirectAttributes flash,
            Locale locale) {
        // The form's inputs are named "value.<column>": only those are read.
        Map<String, String> values = new LinkedHashMap<>();
        form.forEach((name, value) -> {
            if (name.startsWith("value.")) {
                values.put(name.substring("value.".length()), value);
            }
        });
        return problems.redirectAfter(
                flash,
                locale,
                "quarantine.fixed",
                "/integration/runs/" + id + "/quarantine/" + record,
                () -> review.fix(actor, id, record, values));
    }

    @PostMapping("/integration/runs/{id}/quarantine/{record}/release")
    @Permit(Action.CORRECT_QUARANTINE)
    String releaseRow(
            Actor actor,
            @PathVariable String id,
            @PathVariable long record,
            @RequestParam(defaultValue = "") String reason,
            RedirectAttributes flash,
            Locale locale) {
        return problems.redirectAfter(
                flash,
                locale,
                "quarantine.released",
                "/integration/runs/" + id + "/quarantine/" + record,
                () -> review.release(actor, id, record, reason));
    }

    // --- datasets

    @GetMapping("/integration/datasets")
    @Permit(Action.VIEW_INTEGRATION)
    String datasets(Actor actor, Model model) {
        model.addAttribute("datasets", datasets.visibleTo(actor));
        return "integration/datasets";
    }
}
