package vn.datafloor.server.dsp;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.dsp.DspStore.Negotiation;
import vn.datafloor.server.dsp.DspStore.Role;
import vn.datafloor.server.dsp.DspStore.Transfer;
import vn.datafloor.server.dsp.DspStore.TransferState;
import vn.datafloor.server.exchange.ContractService.State;

/**
 * The Dataspace Protocol 2025-1 over HTTPS (docs/dsp.md): the version document, the catalog, contract
 * negotiations and transfer processes. Datafloor's callback address, as consumer and as provider, is its
 * protocol base {@code /dsp}: a process's own id tells which side of it a message is for.
 */
@RestController
@Permit(Action.DSP_PROTOCOL)
@Tag(name = "Dataspace Protocol", description = "Eclipse Dataspace Protocol 2025-1: catalog, negotiation, transfer")
class DspProtocolController {

    private static final MediaType JSON = MediaType.APPLICATION_JSON;

    private final DspCatalog catalog;
    private final ProviderProtocol provider;
    private final ConsumerProtocol consumer;
    private final DspStore store;
    private final ParticipantIdentity identity;
    private final String publicUrl;

    DspProtocolController(
            DspCatalog catalog,
            ProviderProtocol provider,
            ConsumerProtocol consumer,
            DspStore store,
            ParticipantIdentity identity,
            @Value("${datafloor.dsp.public-url:}") String publicUrl) {
        this.catalog = catalog;
        this.provider = provider;
        this.consumer = consumer;
        this.store = store;
        this.identity = identity;
        this.publicUrl = publicUrl;
    }

    /** The protocol's base URL as others reach it: the configured public URL, or this request's own. */
    String base(HttpServletRequest request) {
        if (!publicUrl.isBlank()) {
            return ProviderProtocol.strip(publicUrl) + "/dsp";
        }
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        return scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port) + request.getContextPath()
                + "/dsp";
    }

    @GetMapping(value = "/.well-known/dspace-version", produces = "application/json")
    @Permit(Action.VIEW_PUBLIC)
    @Operation(summary = "The protocol versions this connector speaks and where")
    ResponseEntity<byte[]> version(HttpServletRequest request) {
        ObjectNode versions = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        versions.putArray("protocolVersions")
                .addObject()
                .put("version", DspJson.VERSION)
                .put("path", request.getContextPath() + "/dsp")
                .put("binding", "HTTPS");
        return ok(HttpStatus.OK, versions);
    }

    // ------------------------------------------------------------------ catalog

    @PostMapping("/dsp/catalog/request")
    @Operation(summary = "The catalog: listed products with the offers the caller may order")
    ResponseEntity<byte[]> catalog(
            Actor actor, @RequestBody(required = false) byte[] body, HttpServletRequest request) {
        return ok(HttpStatus.OK, catalog.catalog(actor, body, base(request)));
    }

    @GetMapping("/dsp/catalog/datasets/{id}")
    @Operation(summary = "One dataset of the catalog")
    ResponseEntity<byte[]> dataset(Actor actor, @PathVariable("id") String id, HttpServletRequest request) {
        return ok(HttpStatus.OK, catalog.dataset(actor, id, base(request)));
    }

    // ------------------------------------------------------------------ negotiations

    @PostMapping("/dsp/negotiations/request")
    @Operation(summary = "A consumer's contract request for an offer (Datafloor provides)")
    ResponseEntity<byte[]> request(
            Actor actor, @RequestBody(required = false) byte[] body, HttpServletRequest request) {
        return ok(HttpStatus.CREATED, provider.request(actor, body, base(request)));
    }

    @GetMapping("/dsp/negotiations/{pid}")
    @Operation(summary = "A negotiation's state, by the id this side gave it")
    ResponseEntity<byte[]> negotiation(Actor actor, @PathVariable("pid") String pid) {
        return ok(HttpStatus.OK, ProviderProtocol.negotiationBody(own(actor, pid, null)));
    }

    @PostMapping("/dsp/negotiations/{pid}/request")
    @Operation(summary = "A consumer's counter-request after Datafloor's offer")
    ResponseEntity<byte[]> counterRequest(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        provider.counterRequest(actor, pid, body, base(request));
        return ok(HttpStatus.OK, null);
    }

    @PostMapping("/dsp/negotiations/{pid}/events")
    @Operation(
            summary =
                    "An event: the consumer accepted (Datafloor provides) or the provider finalized (Datafloor consumes)")
    ResponseEntity<byte[]> event(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        ObjectNode message = DspJson.read(body, "ContractNegotiationEventMessage");
        Negotiation negotiation = own(actor, pid, message);
        String type = DspJson.required(message, "eventType", 100);
        if (negotiation.role() == Role.PROVIDER && type.endsWith("ACCEPTED")) {
            provider.accepted(actor, negotiation, base(request));
        } else if (negotiation.role() == Role.CONSUMER && type.endsWith("FINALIZED")) {
            consumer.finalized(actor, negotiation);
        } else {
            throw DspException.badRequest("This side of the negotiation takes no " + type + " event");
        }
        return ok(HttpStatus.OK, null);
    }

    @PostMapping("/dsp/negotiations/{pid}/agreement/verification")
    @Operation(summary = "The consumer verifies Datafloor's agreement")
    ResponseEntity<byte[]> verification(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        provider.verify(actor, pid, body, base(request));
        return ok(HttpStatus.OK, null);
    }

    @PostMapping("/dsp/negotiations/{pid}/termination")
    @Operation(summary = "The counterparty ends the negotiation")
    ResponseEntity<byte[]> termination(
            Actor actor, @PathVariable("pid") String pid, @RequestBody(required = false) byte[] body) {
        ObjectNode message = DspJson.read(body, "ContractNegotiationTerminationMessage");
        Negotiation negotiation = own(actor, pid, message);
        if (!negotiation.state().next().contains(State.TERMINATED)) {
            throw DspException.conflict(
                    "A negotiation in state " + negotiation.state() + " cannot be terminated",
                    negotiation.providerPid(),
                    negotiation.consumerPid());
        }
        if (negotiation.role() == Role.PROVIDER) {
            provider.terminatedByConsumer(actor, negotiation, DspJson.text(message, "code"));
        } else {
            consumer.terminatedByProvider(negotiation);
        }
        return ok(HttpStatus.OK, null);
    }

    @PostMapping("/dsp/negotiations/{pid}/offers")
    @Operation(summary = "A provider's offer in a negotiation Datafloor started as consumer")
    ResponseEntity<byte[]> offer(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        ObjectNode message = DspJson.read(body, "ContractOfferMessage");
        Negotiation negotiation = consumerSide(actor, pid, message);
        return ok(HttpStatus.OK, consumer.offered(actor, negotiation, message, base(request)));
    }

    @PostMapping("/dsp/negotiations/{pid}/agreement")
    @Operation(summary = "A provider's agreement in a negotiation Datafloor started as consumer")
    ResponseEntity<byte[]> agreement(
            Actor actor, @PathVariable("pid") String pid, @RequestBody(required = false) byte[] body) {
        ObjectNode message = DspJson.read(body, "ContractAgreementMessage");
        Negotiation negotiation = consumerSide(actor, pid, message);
        consumer.agreed(actor, negotiation, message);
        return ok(HttpStatus.OK, null);
    }

    private Negotiation own(Actor actor, String pid, JsonNode message) {
        ParticipantIdentity.Participant caller = ProviderProtocol.participant(identity, actor);
        Negotiation negotiation = store.negotiationByOwnPid(pid)
                .orElseThrow(() -> DspException.notFound("No contract negotiation " + pid));
        return provider.ownNegotiation(caller, pid, negotiation.role(), message);
    }

    private Negotiation consumerSide(Actor actor, String pid, JsonNode message) {
        Negotiation negotiation = own(actor, pid, message);
        if (negotiation.role() != Role.CONSUMER) {
            throw DspException.badRequest("Datafloor is the provider in this negotiation");
        }
        return negotiation;
    }

    // ------------------------------------------------------------------ transfers

    @PostMapping("/dsp/transfers/request")
    @Operation(summary = "A consumer asks for an agreement's data (HTTP pull through the delivery API)")
    ResponseEntity<byte[]> transferRequest(
            Actor actor, @RequestBody(required = false) byte[] body, HttpServletRequest request) {
        return ok(HttpStatus.CREATED, provider.transferRequest(actor, body, base(request)));
    }

    @GetMapping("/dsp/transfers/{pid}")
    @Operation(summary = "A transfer process's state, by the id this side gave it")
    ResponseEntity<byte[]> transfer(Actor actor, @PathVariable("pid") String pid) {
        return ok(HttpStatus.OK, ProviderProtocol.transferBody(ownTransfer(actor, pid, null)));
    }

    @PostMapping("/dsp/transfers/{pid}/start")
    @Operation(summary = "The provider started the transfer (Datafloor consumes) or the consumer resumes it")
    ResponseEntity<byte[]> start(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        return transferMessage(actor, pid, body, "TransferStartMessage", TransferState.STARTED, request);
    }

    @PostMapping("/dsp/transfers/{pid}/completion")
    @Operation(summary = "The counterparty completed the transfer")
    ResponseEntity<byte[]> completion(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        return transferMessage(actor, pid, body, "TransferCompletionMessage", TransferState.COMPLETED, request);
    }

    @PostMapping("/dsp/transfers/{pid}/suspension")
    @Operation(summary = "The counterparty suspended the transfer")
    ResponseEntity<byte[]> suspension(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        return transferMessage(actor, pid, body, "TransferSuspensionMessage", TransferState.SUSPENDED, request);
    }

    @PostMapping("/dsp/transfers/{pid}/termination")
    @Operation(summary = "The counterparty ended the transfer")
    ResponseEntity<byte[]> transferTermination(
            Actor actor,
            @PathVariable("pid") String pid,
            @RequestBody(required = false) byte[] body,
            HttpServletRequest request) {
        return transferMessage(actor, pid, body, "TransferTerminationMessage", TransferState.TERMINATED, request);
    }

    private ResponseEntity<byte[]> transferMessage(
            Actor actor, String pid, byte[] body, String type, TransferState to, HttpServletRequest request) {
        ObjectNode message = DspJson.read(body, type);
        Transfer transfer = ownTransfer(actor, pid, message);
        if (transfer.role() == Role.PROVIDER) {
            provider.transferMessage(actor, transfer, to, type, base(request));
        } else {
            consumer.transferMessage(actor, transfer, to, type, message);
        }
        return ok(HttpStatus.OK, null);
    }

    private Transfer ownTransfer(Actor actor, String pid, JsonNode message) {
        ParticipantIdentity.Participant caller = ProviderProtocol.participant(identity, actor);
        Transfer transfer = store.transferByOwnPid(pid)
                .filter(t -> t.role() == Role.CONSUMER
                        || t.counterpartyOrg() != null && t.counterpartyOrg() == caller.orgId())
                .orElseThrow(() -> DspException.notFound("No transfer process " + pid));
        if (message != null) {
            String providerPid = DspJson.text(message, "providerPid");
            String consumerPid = DspJson.text(message, "consumerPid");
            if ((providerPid != null && transfer.providerPid() != null && !providerPid.equals(transfer.providerPid()))
                    || (consumerPid != null && !consumerPid.equals(transfer.consumerPid()))) {
                throw DspException.badRequest("The message's providerPid and consumerPid are not this process's");
            }
        }
        return transfer;
    }

    static ResponseEntity<byte[]> ok(HttpStatus status, JsonNode body) {
        if (body == null) {
            return ResponseEntity.status(status).build();
        }
        return ResponseEntity.status(status).contentType(JSON).body(DspJson.bytes(body));
    }
}
