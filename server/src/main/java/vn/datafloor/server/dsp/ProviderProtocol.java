package vn.datafloor.server.dsp;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.dsp.DspStore.Negotiation;
import vn.datafloor.server.dsp.DspStore.Role;
import vn.datafloor.server.dsp.DspStore.Transfer;
import vn.datafloor.server.dsp.DspStore.TransferState;
import vn.datafloor.server.dsp.ParticipantIdentity.Participant;
import vn.datafloor.server.dsp.ProviderPlaybook.Event;
import vn.datafloor.server.dsp.ProviderPlaybook.Step;
import vn.datafloor.server.exchange.ContractService;
import vn.datafloor.server.exchange.ContractService.State;
import vn.datafloor.server.exchange.OfferService;
import vn.datafloor.server.exchange.ProductService;
import vn.datafloor.server.identity.ApiKeyService;
import vn.datafloor.server.platform.ProblemException;

/**
 * Datafloor as the provider: a connector's contract request for one of the exchange's offers becomes the
 * exchange's own contract when the provider agrees (its terms checked, its money moved, its agreement hashed
 * onto the ledger, exactly as an order on the web), and a transfer under that agreement hands the consumer an
 * endpoint and a token of the delivery API, where masks, consent and metering apply as on every channel.
 */
@Service
class ProviderProtocol {

    private final DspStore store;
    private final DspMessenger messenger;
    private final ProviderPlaybook playbook;
    private final ParticipantIdentity identity;
    private final OfferService offers;
    private final ProductService products;
    private final ContractService contracts;
    private final ApiKeyService apiKeys;
    private final TransactionTemplate transactions;

    ProviderProtocol(
            DspStore store,
            DspMessenger messenger,
            ProviderPlaybook playbook,
            ParticipantIdentity identity,
            OfferService offers,
            ProductService products,
            ContractService contracts,
            ApiKeyService apiKeys,
            TransactionTemplate transactions) {
        this.store = store;
        this.messenger = messenger;
        this.playbook = playbook;
        this.identity = identity;
        this.offers = offers;
        this.products = products;
        this.contracts = contracts;
        this.apiKeys = apiKeys;
        this.transactions = transactions;
    }

    static Participant participant(ParticipantIdentity identity, Actor actor) {
        return identity.caller(actor)
                .orElseThrow(() -> new DspException(
                        HttpStatus.FORBIDDEN, "Connectors take part for an organisation of the platform", null, null));
    }

    // ------------------------------------------------------------------ negotiations

    /** A consumer's first contract request: the negotiation starts REQUESTED. */
    ObjectNode request(Actor actor, byte[] body, String base) {
        Participant caller = participant(identity, actor);
        ObjectNode message = DspJson.read(body, "ContractRequestMessage");
        String consumerPid = DspJson.required(message, "consumerPid", 200);
        if (DspJson.text(message, "providerPid") != null) {
            throw DspException.badRequest("A first contract request names no providerPid; a counter-request is "
                    + "sent to the negotiation's own address");
        }
        String callback = DspJson.required(message, "callbackAddress", 2000);
        JsonNode offer = message.get("offer");
        if (offer == null || !offer.isObject()) {
            throw DspException.badRequest("The message lacks its offer");
        }
        String offerId = DspJson.required(offer, "@id", 500);
        OfferService.Offer listed = orderable(caller, offerId);
        String datasetId = DspPolicies.DATASET + listed.productId();
        String target = DspJson.text(offer, "target");
        if (target != null && !target.equals(datasetId)) {
            throw DspException.badRequest("The offer " + offerId + " is not an offer for " + target);
        }
        checkAddress(callback);
        Negotiation negotiation = transactions.execute(status -> {
            Negotiation made = store.insert(
                    new Negotiation(
                            0,
                            Role.PROVIDER,
                            "urn:uuid:" + UUID.randomUUID(),
                            consumerPid,
                            State.REQUESTED,
                            products.product(listed.productId()).orElseThrow().orgId(),
                            caller.orgId(),
                            caller.participantId(),
                            callback,
                            datasetId,
                            offerId,
                            listed.id(),
                            DspJson.string(offer),
                            null,
                            null,
                            actor.userId()),
                    "ContractRequestMessage");
            after(made, Event.REQUESTED, caller, base);
            return made;
        });
        return negotiationBody(negotiation);
    }

    /** A counter-request after the provider's offer. */
    void counterRequest(Actor actor, String providerPid, byte[] body, String base) {
        Participant caller = participant(identity, actor);
        ObjectNode message = DspJson.read(body, "ContractRequestMessage");
        Negotiation negotiation = ownNegotiation(caller, providerPid, Role.PROVIDER, message);
        transactions.executeWithoutResult(status -> {
            move(negotiation, State.REQUESTED, "ContractRequestMessage");
            JsonNode offer = message.get("offer");
            if (offer != null) {
                store.setPolicy(negotiation.id(), DspJson.string(offer));
            }
            after(store.negotiation(negotiation.id()).orElseThrow(), Event.COUNTER_REQUESTED, caller, base);
        });
    }

    /** The consumer accepted the provider's offer. */
    void accepted(Actor actor, Negotiation negotiation, String base) {
        Participant caller = participant(identity, actor);
        transactions.executeWithoutResult(status -> {
            move(negotiation, State.ACCEPTED, "ContractNegotiationEventMessage ACCEPTED");
            after(store.negotiation(negotiation.id()).orElseThrow(), Event.ACCEPTED, caller, base);
        });
    }

    /** The consumer verified the provider's agreement. */
    void verify(Actor actor, String providerPid, byte[] body, String base) {
        Participant caller = participant(identity, actor);
        ObjectNode message = DspJson.read(body, "ContractAgreementVerificationMessage");
        Negotiation negotiation = ownNegotiation(caller, providerPid, Role.PROVIDER, message);
        transactions.executeWithoutResult(status -> {
            move(negotiation, State.VERIFIED, "ContractAgreementVerificationMessage");
            after(store.negotiation(negotiation.id()).orElseThrow(), Event.VERIFIED, caller, base);
        });
    }

    /** The consumer ended the negotiation; an agreement already in force ends with it, as the buyer's cancellation. */
    void terminatedByConsumer(Actor actor, Negotiation negotiation, String code) {
        // Both or neither: a contract the exchange refuses to end (the key lacks contracts:read) keeps the negotiation.
        transactions.executeWithoutResult(status -> {
            move(negotiation, State.TERMINATED, "ContractNegotiationTerminationMessage");
            if (negotiation.contractId() != null) {
                ContractService.Contract contract =
                        contracts.contract(negotiation.contractId()).orElse(null);
                String why = "terminated by the buyer's connector over the Dataspace Protocol" + codeText(code);
                if (contract != null && contract.state() == State.REQUESTED) {
                    // Still waiting for the provider: the request is withdrawn and its held money comes back.
                    contracts.withdraw(actor, contract.id(), why);
                } else if (contract != null && contract.terminatedAt() == null && contract.state() == State.FINALIZED) {
                    contracts.terminate(actor, contract.id(), why);
                }
            }
        });
    }

    private static String codeText(String code) {
        return code == null ? "" : " (code " + code.replaceAll("[^A-Za-z0-9:._-]", "") + ")";
    }

    private void after(Negotiation negotiation, Event event, Participant caller, String base) {
        boolean approval = offers.offer(negotiation.exchangeOfferId())
                .map(OfferService.Offer::approvalRequired)
                .orElse(true);
        List<DspMessenger.Step> steps = new ArrayList<>();
        for (Step step : playbook.negotiation(negotiation, event, approval)) {
            steps.add(() -> negotiationStep(negotiation.id(), step, caller, base));
        }
        messenger.afterCommit(steps);
    }

    /** One step of the provider, from the negotiation as it is now. */
    private void negotiationStep(long id, Step step, Participant caller, String base) {
        Negotiation negotiation = store.negotiation(id).orElseThrow();
        switch (step) {
            case OFFER -> {
                ObjectNode message = DspJson.message("ContractOfferMessage");
                ids(message, negotiation);
                ObjectNode offer =
                        DspPolicies.policy(exchangeOffer(negotiation).policy(), negotiation.offerId(), "Offer");
                offer.put("target", negotiation.datasetId());
                // The protocol's schema takes a consumerPid or a callbackAddress (a provider's first offer), not both.
                message.set("offer", offer);
                if (transactions.execute(s -> store.move(negotiation, State.OFFERED, "ContractOfferMessage"))) {
                    send(negotiation, "/negotiations/" + negotiation.consumerPid() + "/offers", message);
                }
            }
            case AGREE -> agree(negotiation, caller, base);
            case FINALIZE -> {
                ObjectNode message = DspJson.message("ContractNegotiationEventMessage");
                ids(message, negotiation);
                message.put("eventType", "FINALIZED");
                if (transactions.execute(s -> store.move(negotiation, State.FINALIZED, "FINALIZED event"))) {
                    send(negotiation, "/negotiations/" + negotiation.consumerPid() + "/events", message);
                }
            }
            case TERMINATE -> terminateAsProvider(negotiation, "declined by the provider");
            default -> throw new IllegalArgumentException(step + " is not a negotiation step");
        }
    }

    /**
     * The provider agrees: the consumer's organisation orders the offer as it would on the exchange (the same
     * terms check, money and ledger entries); a refusal there (terms, money, a sold-out offer) ends the
     * negotiation with its reason instead.
     */
    private void agree(Negotiation negotiation, Participant caller, String base) {
        OfferService.Offer offer = exchangeOffer(negotiation);
        String purpose =
                DspPolicies.statedPurpose(negotiation.policy() == null ? null : DspJson.parse(negotiation.policy()));
        if (purpose == null) {
            List<String> allowed = offers.shown(caller.actor(), offer.id()).purposes();
            purpose = allowed.size() == 1 ? allowed.get(0) : null;
        }
        if (purpose == null) {
            terminateAsProvider(negotiation, "state the purpose of use in the request's policy (a purpose constraint)");
            return;
        }
        ContractService.Contract contract;
        try {
            contract = contracts.order(
                    caller.actor(),
                    "dsp:" + negotiation.providerPid(),
                    new ContractService.Order(
                            offer.id(),
                            purpose,
                            "Dataspace Protocol negotiation " + negotiation.consumerPid() + " of "
                                    + caller.participantId(),
                            "VN"));
        } catch (ProblemException refused) {
            terminateAsProvider(negotiation, refused.getMessage());
            return;
        }
        if (contract.state() == State.REQUESTED) {
            // Held for the provider's approval on the exchange: the negotiation waits, and the provider's decision
            // there (or the buyer's withdrawal) answers the consumer, from whichever server it is made on.
            transactions.executeWithoutResult(s -> store.awaitDecision(negotiation, contract.id(), base));
            // Decided before the wait was recorded: the decision's own answer found no negotiation to answer.
            contracts
                    .contract(contract.id())
                    .filter(c -> c.state() != State.REQUESTED)
                    .ifPresent(c -> settled(c.id(), null));
            return;
        }
        if (contract.state() != State.FINALIZED) {
            terminateAsProvider(negotiation, "the exchange did not conclude the order (" + contract.state() + ")");
            return;
        }
        sendAgreement(negotiation, contract, offer, base);
    }

    /**
     * A contract request a negotiation waited on is settled: approved, the agreement is sent as if agreed at once;
     * refused by the provider or withdrawn by the buyer, the negotiation ends with that reason. Once only: the
     * negotiation's state moves by compare-and-set, so the decision's own answer and the sweep cannot both send.
     */
    void settled(long contractId, String reason) {
        Negotiation negotiation = store.negotiationOfContract(contractId)
                .filter(n -> n.state() == State.REQUESTED || n.state() == State.ACCEPTED)
                .orElse(null);
        if (negotiation == null) {
            return;
        }
        ContractService.Contract contract = contracts.contract(contractId).orElseThrow();
        switch (contract.state()) {
            case FINALIZED ->
                sendAgreement(
                        negotiation,
                        contract,
                        exchangeOffer(negotiation),
                        store.ownBase(negotiation.id()).orElseThrow());
            case TERMINATED ->
                terminateAsProvider(
                        negotiation,
                        reason == null ? "the provider did not approve the request on the exchange" : reason);
            default -> {
                // Still requested: nothing to answer yet.
            }
        }
    }

    /** Answers the settlement of a waiting request once the decision has committed. */
    @org.springframework.transaction.event.TransactionalEventListener
    void onRequestSettled(ContractService.RequestSettled settled) {
        messenger.soon(List.of(() -> settled(settled.contractId(), settled.reason())));
    }

    /**
     * Answers what a crash kept from being answered: waiting negotiations whose contract request the exchange has
     * settled. Each is answered once (see {@link #settled}); one still requested is left waiting.
     */
    @org.springframework.scheduling.annotation.Scheduled(
            fixedDelayString = "${datafloor.dsp.decision-sweep:PT1M}",
            initialDelayString = "${datafloor.dsp.decision-sweep:PT1M}")
    void answerSettledRequests() {
        long after = 0;
        List<Long> waiting;
        do {
            waiting = store.waitingContracts(after, 200);
            for (long contractId : waiting) {
                after = contractId;
                try {
                    // One still requested: settled() leaves it waiting.
                    settled(contractId, null);
                } catch (RuntimeException e) {
                    // The reason only (the counterparty unreachable, say). The negotiation has moved, so it is
                    // not sent again; the consumer reads where it stands with GET /dsp/negotiations/{pid}.
                    org.slf4j.LoggerFactory.getLogger(ProviderProtocol.class)
                            .warn("Answering a settled Dataspace Protocol request failed: {}", e.getMessage());
                }
            }
        } while (waiting.size() == 200);
    }

    private void sendAgreement(
            Negotiation negotiation, ContractService.Contract contract, OfferService.Offer offer, String base) {
        String agreementId = DspPolicies.AGREEMENT + contract.id();
        ObjectNode agreement = DspPolicies.policy(offer.policy(), agreementId, "Agreement");
        agreement.put("target", negotiation.datasetId());
        agreement.put("assigner", identity.participantId(negotiation.orgId()));
        agreement.put("assignee", negotiation.counterpartyId());
        agreement.put(
                "timestamp",
                DateTimeFormatter.ISO_INSTANT.format(
                        contract.agreedAt() == null ? Instant.now() : contract.agreedAt()));
        ObjectNode message = DspJson.message("ContractAgreementMessage");
        ids(message, negotiation);
        message.set("agreement", agreement);
        message.put("callbackAddress", base);
        boolean moved = Boolean.TRUE.equals(transactions.execute(s -> {
            if (!store.move(negotiation, State.AGREED, "ContractAgreementMessage")) {
                return false;
            }
            store.setAgreement(negotiation.id(), agreementId, contract.id(), null);
            return true;
        }));
        if (moved) {
            send(negotiation, "/negotiations/" + negotiation.consumerPid() + "/agreement", message);
        } else {
            // The consumer ended the negotiation while the purchase was made: the agreement does not stand.
            contracts.terminate(
                    Actor.SYSTEM, contract.id(), "the Dataspace Protocol negotiation ended before its agreement");
        }
    }

    private void terminateAsProvider(Negotiation negotiation, String reason) {
        ObjectNode message = DspJson.message("ContractNegotiationTerminationMessage");
        ids(message, negotiation);
        message.put("code", "declined");
        message.putArray("reason").add(reason.length() > 500 ? reason.substring(0, 500) : reason);
        boolean moved = Boolean.TRUE.equals(
                transactions.execute(s -> store.move(negotiation, State.TERMINATED, "termination by the provider")));
        if (!moved) {
            return;
        }
        if (negotiation.contractId() != null) {
            contracts
                    .contract(negotiation.contractId())
                    .filter(c -> c.terminatedAt() == null && c.state() == State.FINALIZED)
                    .ifPresent(c -> contracts.terminate(
                            Actor.SYSTEM, c.id(), "terminated by the provider over the Dataspace Protocol"));
        }
        send(negotiation, "/negotiations/" + negotiation.consumerPid() + "/termination", message);
    }

    private void send(Negotiation negotiation, String path, ObjectNode message) {
        DspMessenger.Answer answer = messenger.post(
                URI.create(strip(negotiation.counterpartyAddress()) + path),
                identity.credentials(negotiation.orgId(), URI.create(negotiation.counterpartyAddress())),
                message);
        if (!answer.ok()) {
            throw new IllegalStateException("the counterparty answered " + answer.status() + " to " + path);
        }
    }

    private OfferService.Offer exchangeOffer(Negotiation negotiation) {
        return offers.offer(negotiation.exchangeOfferId()).orElseThrow();
    }

    /** An offer the caller may order: listed, active, visible to it, not its own, not an auction. */
    private OfferService.Offer orderable(Participant caller, String offerId) {
        Long number = DspPolicies.number(DspPolicies.OFFER, offerId);
        Optional<OfferService.Offer> offer = number == null ? Optional.empty() : offers.offer(number);
        Optional<ProductService.Product> product = offer.flatMap(o -> products.product(o.productId()));
        if (offer.isEmpty()
                || product.isEmpty()
                || product.get().status() != ProductService.Status.APPROVED
                || !offer.get().active()
                || offer.get().priceModel() == OfferService.PriceModel.AUCTION
                || offers.ofProduct(caller.actor(), product.get()).stream()
                        .noneMatch(o -> o.id() == offer.get().id())) {
            throw DspException.notFound("No offer " + offerId + " in this catalog");
        }
        return offer.get();
    }

    // ------------------------------------------------------------------ transfers

    /** A consumer asks for the data of an agreement: the transfer starts REQUESTED. */
    ObjectNode transferRequest(Actor actor, byte[] body, String base) {
        Participant caller = participant(identity, actor);
        ObjectNode message = DspJson.read(body, "TransferRequestMessage");
        String consumerPid = DspJson.required(message, "consumerPid", 200);
        String agreementId = DspJson.required(message, "agreementId", 500);
        String format = DspJson.required(message, "format", 200);
        String callback = DspJson.required(message, "callbackAddress", 2000);
        Long contractId = DspPolicies.number(DspPolicies.AGREEMENT, agreementId);
        ContractService.Contract contract = (contractId == null
                        ? Optional.<ContractService.Contract>empty()
                        : contracts.contract(contractId))
                .filter(c -> c.buyerOrg() == caller.orgId())
                .orElseThrow(() -> DspException.notFound("No agreement " + agreementId + " of yours"));
        if (contracts.entitlement(contract).isEmpty()) {
            throw DspException.badRequest("The agreement " + agreementId + " is not in force");
        }
        if (!DspPolicies.HTTP_PULL.equals(format)) {
            throw DspException.badRequest("Datafloor delivers by " + DspPolicies.HTTP_PULL + " only");
        }
        checkAddress(callback);
        Transfer transfer = transactions.execute(status -> {
            Transfer made = store.insert(
                    new Transfer(
                            0,
                            Role.PROVIDER,
                            "urn:uuid:" + UUID.randomUUID(),
                            consumerPid,
                            TransferState.REQUESTED,
                            contract.providerOrg(),
                            caller.orgId(),
                            callback,
                            agreementId,
                            contract.id(),
                            format,
                            null,
                            null,
                            actor.userId()),
                    "TransferRequestMessage");
            List<DspMessenger.Step> steps = new ArrayList<>();
            for (Step step : playbook.transfer(made, Event.TRANSFER_REQUESTED)) {
                steps.add(() -> transferStep(made.id(), step, caller, base));
            }
            messenger.afterCommit(steps);
            return made;
        });
        return transferBody(transfer);
    }

    private void transferStep(long id, Step step, Participant caller, String base) {
        Transfer transfer = store.transfer(id).orElseThrow();
        switch (step) {
            case START -> {
                if (!transfer.state().next().contains(TransferState.STARTED)) {
                    return;
                }
                revokeKey(transfer, caller);
                ApiKeyService.CreatedKey key = apiKeys.createForAgreement(
                        person(caller.actor()),
                        "DSP transfer " + transfer.id(),
                        "agreement:" + transfer.contractId(),
                        Duration.ofDays(1));
                ObjectNode message = DspJson.message("TransferStartMessage");
                ids(message, transfer);
                ObjectNode address = message.putObject("dataAddress");
                address.put("@type", "DataAddress");
                address.put("endpointType", DspPolicies.HTTP_ENDPOINT_TYPE);
                address.put(
                        "endpoint", base.replaceAll("/dsp$", "") + "/api/access/" + transfer.contractId() + "/rows");
                var properties = address.putArray("endpointProperties");
                properties
                        .addObject()
                        .put("@type", "EndpointProperty")
                        .put("name", "authorization")
                        .put("value", "Bearer " + key.token());
                properties
                        .addObject()
                        .put("@type", "EndpointProperty")
                        .put("name", "authType")
                        .put("value", "bearer");
                boolean moved = Boolean.TRUE.equals(transactions.execute(s -> {
                    if (!store.move(transfer, TransferState.STARTED, "TransferStartMessage")) {
                        return false;
                    }
                    store.setAccessKey(transfer.id(), key.key().id());
                    return true;
                }));
                if (moved) {
                    send(transfer, "/transfers/" + transfer.consumerPid() + "/start", message);
                } else {
                    apiKeys.revoke(person(caller.actor()), key.key().id());
                }
            }
            case SUSPEND ->
                endOrPause(transfer, caller, TransferState.SUSPENDED, "TransferSuspensionMessage", "suspension");
            case COMPLETE ->
                endOrPause(transfer, caller, TransferState.COMPLETED, "TransferCompletionMessage", "completion");
            case TERMINATE ->
                endOrPause(transfer, caller, TransferState.TERMINATED, "TransferTerminationMessage", "termination");
            default -> throw new IllegalArgumentException(step + " is not a transfer step");
        }
    }

    private void endOrPause(Transfer transfer, Participant caller, TransferState to, String type, String path) {
        ObjectNode message = DspJson.message(type);
        ids(message, transfer);
        if (to != TransferState.COMPLETED) {
            message.put("code", "provider");
        }
        if (Boolean.TRUE.equals(transactions.execute(s -> store.move(transfer, to, type)))) {
            revokeKey(transfer, caller);
            send(transfer, "/transfers/" + transfer.consumerPid() + "/" + path, message);
        }
    }

    /** A message of the consumer on a transfer of ours: completion, suspension, termination or a restart. */
    void transferMessage(Actor actor, Transfer transfer, TransferState to, String type, String base) {
        Participant caller = participant(identity, actor);
        if (transfer.counterpartyOrg() == null || transfer.counterpartyOrg() != caller.orgId()) {
            throw DspException.notFound("No transfer process " + transfer.providerPid());
        }
        if (to == TransferState.STARTED) {
            // The consumer resumes a suspended transfer: it starts again with a new token.
            if (transfer.state() != TransferState.SUSPENDED) {
                throw DspException.conflict(
                        "A transfer in state " + transfer.state() + " cannot be started",
                        transfer.providerPid(),
                        transfer.consumerPid());
            }
            messenger.afterCommit(List.of(() -> transferStep(transfer.id(), Step.START, caller, base)));
            return;
        }
        if (!Boolean.TRUE.equals(transactions.execute(s -> store.move(transfer, to, type)))) {
            throw DspException.conflict(
                    "A transfer in state " + transfer.state() + " cannot take a " + type,
                    transfer.providerPid(),
                    transfer.consumerPid());
        }
        revokeKey(transfer, caller);
    }

    private void revokeKey(Transfer transfer, Participant caller) {
        Transfer now = store.transfer(transfer.id()).orElseThrow();
        if (now.accessKeyId() != null) {
            apiKeys.revoke(person(caller.actor()), now.accessKeyId());
        }
    }

    /**
     * The person behind a connector's key, acting for the transfer: the token a transfer hands out reads this
     * agreement only, lasts a day at most and is revoked when the transfer is suspended, completed or ended.
     */
    private static Actor person(Actor actor) {
        return new Actor(actor.userId(), actor.username(), actor.orgId(), actor.roles(), null, Set.of());
    }

    private void send(Transfer transfer, String path, ObjectNode message) {
        DspMessenger.Answer answer = messenger.post(
                URI.create(strip(transfer.counterpartyAddress()) + path),
                identity.credentials(transfer.orgId(), URI.create(transfer.counterpartyAddress())),
                message);
        if (!answer.ok()) {
            throw new IllegalStateException("the counterparty answered " + answer.status() + " to " + path);
        }
    }

    // ------------------------------------------------------------------ shared

    /** A negotiation of ours on this side that the caller takes part in; the message's pids must match it. */
    Negotiation ownNegotiation(Participant caller, String pid, Role role, JsonNode message) {
        Negotiation negotiation = store.negotiationByOwnPid(pid)
                .filter(n -> n.role() == role)
                .filter(n ->
                        role == Role.CONSUMER || n.counterpartyOrg() != null && n.counterpartyOrg() == caller.orgId())
                .orElseThrow(() -> DspException.notFound("No contract negotiation " + pid));
        if (message != null) {
            String providerPid = DspJson.text(message, "providerPid");
            String consumerPid = DspJson.text(message, "consumerPid");
            if ((providerPid != null
                            && negotiation.providerPid() != null
                            && !providerPid.equals(negotiation.providerPid()))
                    || (consumerPid != null && !consumerPid.equals(negotiation.consumerPid()))) {
                throw DspException.badRequest("The message's providerPid and consumerPid are not this negotiation's");
            }
        }
        return negotiation;
    }

    private void move(Negotiation negotiation, State to, String message) {
        if (!store.move(negotiation, to, message)) {
            throw DspException.conflict(
                    "A negotiation in state " + negotiation.state() + " cannot take a " + message,
                    negotiation.providerPid(),
                    negotiation.consumerPid());
        }
    }

    static void checkAddress(String address) {
        String problem = vn.datafloor.integration.connect.OutboundUrls.problem(address);
        if (problem != null) {
            throw DspException.badRequest("callbackAddress: " + problem);
        }
    }

    static String strip(String address) {
        return address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    }

    static void ids(ObjectNode message, Negotiation negotiation) {
        message.put("providerPid", negotiation.providerPid());
        message.put("consumerPid", negotiation.consumerPid());
    }

    static void ids(ObjectNode message, Transfer transfer) {
        message.put("providerPid", transfer.providerPid());
        message.put("consumerPid", transfer.consumerPid());
    }

    static ObjectNode negotiationBody(Negotiation negotiation) {
        ObjectNode body = DspJson.message("ContractNegotiation");
        body.put("providerPid", negotiation.providerPid());
        body.put("consumerPid", negotiation.consumerPid());
        body.put("state", negotiation.state().name());
        return body;
    }

    static ObjectNode transferBody(Transfer transfer) {
        ObjectNode body = DspJson.message("TransferProcess");
        body.put("providerPid", transfer.providerPid());
        body.put("consumerPid", transfer.consumerPid());
        body.put("state", transfer.state().name());
        return body;
    }
}
