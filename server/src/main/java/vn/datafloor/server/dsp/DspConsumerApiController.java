package vn.datafloor.server.dsp;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.platform.ProblemResponses;

/**
 * An organisation of Datafloor as consumer in other dataspaces: it reads a remote connector's catalog,
 * negotiates one of its offers and starts a transfer under the agreement (docs/dsp.md). Buying is the
 * organisation's administrators' and analysts' work, as on the exchange.
 */
@RestController
@Permit(Action.BUY_DATA)
@Tag(name = "Dataspace Protocol: consumer", description = "Catalogs, negotiations and transfers with remote connectors")
class DspConsumerApiController {

    record CatalogRequest(String connectorAddress) {}

    record NegotiationRequest(
            String connectorAddress, String providerId, String offerId, String datasetId, JsonNode offer) {}

    record TransferRequest(String connectorAddress, String agreementId, String format) {}

    record Process(
            long id,
            String role,
            String state,
            String providerPid,
            String consumerPid,
            String datasetId,
            String offerId,
            String agreementId,
            boolean pullable) {}

    record CredentialRequest(String connectorAddress, String authorization) {}

    private final ConsumerProtocol consumer;
    private final ConsumerPull pull;
    private final ConsumerImport imports;
    private final DspCredentials credentials;
    private final DspStore store;
    private final DspProtocolController protocol;
    private final ProblemResponses problems;

    DspConsumerApiController(
            ConsumerProtocol consumer,
            ConsumerPull pull,
            ConsumerImport imports,
            DspCredentials credentials,
            DspStore store,
            DspProtocolController protocol,
            ProblemResponses problems) {
        this.consumer = consumer;
        this.pull = pull;
        this.imports = imports;
        this.credentials = credentials;
        this.store = store;
        this.protocol = protocol;
        this.problems = problems;
    }

    @PostMapping("/api/dsp/catalog-requests")
    @Operation(summary = "A remote connector's catalog (its DSP base URL as connectorAddress)")
    ResponseEntity<byte[]> catalog(Actor actor, @RequestBody CatalogRequest request) {
        return DspProtocolController.ok(HttpStatus.OK, consumer.catalog(actor, request.connectorAddress()));
    }

    @PostMapping("/api/dsp/negotiations")
    @Operation(summary = "Negotiate a remote offer, as its catalog shows it; the negotiation goes on asynchronously")
    Process negotiate(Actor actor, @RequestBody NegotiationRequest request, HttpServletRequest http) {
        DspStore.Negotiation n = consumer.negotiate(
                actor,
                request.connectorAddress(),
                request.providerId(),
                request.offerId(),
                request.datasetId(),
                request.offer(),
                protocol.base(http));
        return process(n);
    }

    @GetMapping("/api/dsp/negotiations")
    @Operation(summary = "The organisation's negotiations, as consumer and as provider, newest first")
    List<Process> negotiations(Actor actor) {
        return store.negotiationsOf(organisation(actor), 200).stream()
                .map(DspConsumerApiController::process)
                .toList();
    }

    @PostMapping("/api/dsp/transfers")
    @Operation(summary = "Start a transfer under an agreement the organisation reached as consumer")
    Process transfer(Actor actor, @RequestBody TransferRequest request, HttpServletRequest http) {
        DspStore.Transfer t = consumer.transfer(
                actor, request.connectorAddress(), request.agreementId(), request.format(), protocol.base(http));
        return process(t);
    }

    @GetMapping("/api/dsp/transfers")
    @Operation(summary = "The organisation's transfer processes, as consumer and as provider, newest first")
    List<Process> transfers(Actor actor) {
        return store.transfersOf(organisation(actor), 200).stream()
                .map(DspConsumerApiController::process)
                .toList();
    }

    @GetMapping("/api/dsp/transfers/{id}/rows")
    @Permit(Action.ACCESS_DATA)
    @Operation(
            summary = "Pull a page of a started transfer's rows from the provider's data address",
            description = "The address and its token stay on the server; the answer is the provider's rows as it"
                    + " sent them (at most " + ConsumerPull.MAX_ROWS + " per call)")
    ResponseEntity<JsonNode> rows(
            Actor actor,
            @PathVariable("id") long id,
            @RequestParam(name = "offset", defaultValue = "0") int offset,
            @RequestParam(name = "limit", defaultValue = "100") int limit) {
        return ResponseEntity.ok()
                .header("Cache-Control", "no-store")
                .body(pull.rows(actor, organisation(actor), id, offset, limit).body());
    }

    record ImportRequest(String dataset) {}

    @PostMapping("/api/dsp/transfers/{id}/import")
    @Permit(Action.ACCESS_DATA)
    @Operation(
            summary = "Import every row of a started transfer into a dataset of the organisation",
            description = "Pulls all pages from the provider's data address and publishes them as the dataset's next"
                    + " version (a new dataset gets a draft catalog entry); needs the catalog's management too")
    ResponseEntity<ConsumerImport.Imported> importRows(
            Actor actor, @PathVariable("id") long id, @RequestBody ImportRequest request) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(imports.importRows(actor, organisation(actor), id, request == null ? null : request.dataset()));
    }

    @PostMapping("/api/dsp/transfers/{id}/completion")
    @Operation(summary = "Complete a started transfer: the provider is told and its token ends")
    Process complete(Actor actor, @PathVariable("id") long id) {
        return process(pull.complete(organisation(actor), id));
    }

    @PutMapping("/api/dsp/credentials")
    @Operation(
            summary = "Set what the organisation presents to a remote connector (its Authorization value there)",
            description = "Kept sealed; only the connector's origin is ever shown back")
    DspCredentials.Listed setCredential(Actor actor, @RequestBody CredentialRequest request) {
        long orgId = organisation(actor);
        String origin = credentials.set(actor, orgId, request.connectorAddress(), request.authorization());
        return credentials.of(orgId).stream()
                .filter(c -> c.remoteOrigin().equals(origin))
                .findFirst()
                .orElseThrow();
    }

    @GetMapping("/api/dsp/credentials")
    @Operation(summary = "The remote connectors the organisation has a credential for (never the credentials)")
    List<DspCredentials.Listed> credentials(Actor actor) {
        return credentials.of(organisation(actor));
    }

    /** Protocol refusals on this API are problem details, like the platform's other APIs. */
    @ExceptionHandler(DspException.class)
    ResponseEntity<org.springframework.http.ProblemDetail> refused(
            DspException e, HttpServletRequest request, java.util.Locale locale) {
        return ResponseEntity.status(e.status())
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problems.problem(e.status(), "dsp.refused", new Object[] {e.getMessage()}, locale, request));
    }

    /** The caller's organisation: only organisations take part in dataspaces. */
    static long organisation(Actor actor) {
        if (actor.orgId() == null) {
            throw ProblemException.badRequest(
                    "dsp.noOrganisation", "Organisations take part in dataspaces; you belong to none");
        }
        return actor.orgId();
    }

    private static Process process(DspStore.Negotiation n) {
        return new Process(
                n.id(),
                n.role().name(),
                n.state().name(),
                n.providerPid(),
                n.consumerPid(),
                n.datasetId(),
                n.offerId(),
                n.agreementId(),
                false);
    }

    private static Process process(DspStore.Transfer t) {
        return new Process(
                t.id(),
                t.role().name(),
                t.state().name(),
                t.providerPid(),
                t.consumerPid(),
                null,
                null,
                t.agreementId(),
                t.role() == DspStore.Role.CONSUMER
                        && t.state() == DspStore.TransferState.STARTED
                        && t.dataAddress() != null);
    }
}
