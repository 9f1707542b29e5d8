package vn.datafloor.server.integration;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import vn.datafloor.integration.pipeline.SpecProblem;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;

/** Sources, pipelines, runs and datasets as JSON. */
@RestController
@Tag(name = "Integration", description = "Connect and clean: sources, pipelines, runs, quality reports, datasets")
class IntegrationApiController {

    private final SourceService sources;
    private final PipelineService pipelines;
    private final RunService runs;
    private final DatasetService datasets;
    private final QuarantineReview review;

    IntegrationApiController(
            SourceService sources,
            PipelineService pipelines,
            RunService runs,
            DatasetService datasets,
            QuarantineReview review) {
        this.review = review;
        this.sources = sources;
        this.pipelines = pipelines;
        this.runs = runs;
        this.datasets = datasets;
    }

    @GetMapping("/api/sources")
    @Permit(Action.VIEW_INTEGRATION)
    List<SourceService.Source> sources(Actor actor) {
        return sources.visibleTo(actor);
    }

    @Operation(
            summary = "The kinds of source the platform connects to, each with its settings: which are required, "
                    + "which is the secret (sealed at registration), which comes by upload")
    @GetMapping("/api/source-kinds")
    @Permit(Action.VIEW_INTEGRATION)
    List<SourceService.SourceKind> sourceKinds() {
        return sources.kinds();
    }

    record NewSource(String name, String type, Map<String, String> settings, String secret) {}

    @Operation(summary = "Register a source; a secret (password, token) is sealed and never returned")
    @PostMapping("/api/sources")
    @ResponseStatus(HttpStatus.CREATED)
    @Permit(Action.MANAGE_INTEGRATION)
    SourceService.Source register(Actor actor, @RequestBody NewSource body) {
        return sources.register(actor, body.name(), body.type(), body.settings(), body.secret());
    }

    @GetMapping("/api/sources/{id}")
    @Permit(Action.VIEW_INTEGRATION)
    SourceService.Source source(Actor actor, @PathVariable long id) {
        return sources.get(actor, id);
    }

    @Operation(summary = "Upload the source's file (multipart field 'file'); it replaces the previous one")
    @PostMapping(value = "/api/sources/{id}/file", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Permit(Action.MANAGE_INTEGRATION)
    SourceService.Source upload(Actor actor, @PathVariable long id, @RequestParam("file") MultipartFile file)
            throws IOException {
        return sources.upload(actor, id, file.getOriginalFilename(), file.getInputStream());
    }

    @Operation(summary = "Private hosts or ranges the organisation's sources may reach (operator)")
    @GetMapping("/api/organisations/{id}/network-allowances")
    @Permit(Action.MANAGE_ORGANISATIONS)
    List<SourceService.NetworkAllowance> networkAllowances(Actor actor, @PathVariable long id) {
        return sources.networkAllowances(actor, id);
    }

    record NewAllowance(String allowance, String reason) {}

    @Operation(summary = "Allow the organisation's sources to reach a private host or range (operator; on the ledger)")
    @PostMapping("/api/organisations/{id}/network-allowances")
    @ResponseStatus(HttpStatus.CREATED)
    @Permit(Action.MANAGE_ORGANISATIONS)
    SourceService.NetworkAllowance allowNetwork(Actor actor, @PathVariable long id, @RequestBody NewAllowance body) {
        return sources.allowNetwork(actor, id, body.allowance(), body.reason());
    }

    @Operation(summary = "Withdraw a network allowance (operator; on the ledger)")
    @org.springframework.web.bind.annotation.DeleteMapping("/api/organisations/{id}/network-allowances/{allowanceId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Permit(Action.MANAGE_ORGANISATIONS)
    void revokeNetwork(Actor actor, @PathVariable long id, @PathVariable long allowanceId) {
        sources.revokeNetwork(actor, id, allowanceId);
    }

    @GetMapping("/api/pipelines")
    @Permit(Action.VIEW_INTEGRATION)
    List<PipelineService.Pipeline> pipelines(Actor actor) {
        return pipelines.visibleTo(actor);
    }

    record SpecBody(String spec) {}

    @Operation(summary = "Create or update a pipeline from its YAML spec (422 with every problem and its line)")
    @PostMapping("/api/pipelines")
    @Permit(Action.MANAGE_INTEGRATION)
    PipelineService.Pipeline save(Actor actor, @RequestBody SpecBody body) {
        return pipelines.save(actor, body.spec());
    }

    @Operation(summary = "Check a YAML spec without saving it")
    @PostMapping("/api/pipelines/validation")
    @Permit(Action.MANAGE_INTEGRATION)
    List<SpecProblem> validate(Actor actor, @RequestBody SpecBody body) {
        return pipelines.check(actor.orgId(), body.spec());
    }

    @GetMapping("/api/pipelines/{id}")
    @Permit(Action.VIEW_INTEGRATION)
    PipelineService.Pipeline pipeline(Actor actor, @PathVariable long id) {
        return pipelines.get(actor, id);
    }

    @Operation(summary = "Start a run (409 when the pipeline is already queued or running)")
    @PostMapping("/api/pipelines/{id}/runs")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Permit(Action.MANAGE_INTEGRATION)
    RunService.PipelineRun start(Actor actor, @PathVariable long id) {
        return runs.start(actor, id, "API");
    }

    @GetMapping("/api/runs")
    @Permit(Action.VIEW_INTEGRATION)
    List<RunService.PipelineRun> runs(
            Actor actor,
            @RequestParam(required = false) Long pipelineId,
            @RequestParam(defaultValue = "50") int limit) {
        return runs.visibleTo(actor, pipelineId, limit);
    }

    @Operation(summary = "A run: status, progress, counts, quality report")
    @GetMapping("/api/runs/{id}")
    @Permit(Action.VIEW_INTEGRATION)
    RunService.PipelineRun run(Actor actor, @PathVariable String id) {
        return runs.get(actor, id);
    }

    @GetMapping("/api/runs/{id}/log")
    @Permit(Action.VIEW_INTEGRATION)
    List<RunService.LogLine> log(Actor actor, @PathVariable String id) {
        return runs.logs(actor, id);
    }

    @PostMapping("/api/runs/{id}/cancellation")
    @Permit(Action.MANAGE_INTEGRATION)
    RunService.PipelineRun cancel(Actor actor, @PathVariable String id) {
        return runs.cancel(actor, id);
    }

    @Operation(summary = "Quarantined rows with their reasons, 50 a page (personal data: the read is recorded)")
    @GetMapping("/api/runs/{id}/quarantine")
    @Permit(Action.VIEW_QUARANTINE)
    RunService.QuarantinePage quarantine(
            Actor actor, @PathVariable String id, @RequestParam(defaultValue = "0") int page) throws Exception {
        return runs.quarantine(actor, id, page);
    }

    @Operation(
            summary = "Fix a quarantined row: {values: {mapped column: corrected text}}. Checked again with the"
                    + " pipeline's rules (422 naming the rules it still fails); applied by every later run")
    @PostMapping("/api/runs/{id}/quarantine/{record}/fix")
    @Permit(Action.CORRECT_QUARANTINE)
    QuarantineReview.QuarantinedRow fixQuarantined(
            Actor actor,
            @PathVariable String id,
            @PathVariable long record,
            @RequestBody(required = false) tools.jackson.databind.JsonNode body) {
        // Taken as a tree and read leniently, so the run's organisation is checked before the body is judged:
        // another organisation's request gets the same 404 whatever it sends.
        Map<String, String> values = new java.util.LinkedHashMap<>();
        tools.jackson.databind.JsonNode given = body == null ? null : body.get("values");
        if (given != null && given.isObject()) {
            given.properties()
                    .forEach(e -> values.put(
                            e.getKey(),
                            e.getValue().isNull() ? null : e.getValue().asString()));
        }
        return review.fix(actor, id, record, values);
    }

    @Operation(
            summary = "Release a quarantined row with a reason (required, recorded on the ledger): the next run"
                    + " publishes it although it fails")
    @PostMapping("/api/runs/{id}/quarantine/{record}/release")
    @Permit(Action.CORRECT_QUARANTINE)
    QuarantineReview.QuarantinedRow releaseQuarantined(
            Actor actor,
            @PathVariable String id,
            @PathVariable long record,
            @RequestBody(required = false) tools.jackson.databind.JsonNode body) {
        tools.jackson.databind.JsonNode reason = body == null ? null : body.get("reason");
        return review.release(actor, id, record, reason == null || !reason.isString() ? null : reason.asString());
    }

    @GetMapping("/api/datasets")
    @Permit(Action.VIEW_INTEGRATION)
    List<DatasetService.Dataset> datasets(Actor actor) {
        return datasets.visibleTo(actor);
    }

    @GetMapping("/api/datasets/{name}")
    @Permit(Action.VIEW_INTEGRATION)
    DatasetService.Dataset dataset(Actor actor, @PathVariable String name) {
        if (!vn.datafloor.integration.lake.Lake.validName(name)) {
            throw ProblemException.notFound("No dataset " + name);
        }
        return datasets.get(actor, name);
    }
}
