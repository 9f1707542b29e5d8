package vn.datafloor.server.dsp;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.dsp.ConsumerPlaybook.Event;
import vn.datafloor.server.dsp.ConsumerPlaybook.Step;
import vn.datafloor.server.dsp.DspStore.Negotiation;
import vn.datafloor.server.dsp.DspStore.Role;
import vn.datafloor.server.dsp.DspStore.Transfer;
import vn.datafloor.server.dsp.DspStore.TransferState;
import vn.datafloor.server.exchange.ContractService.State;
import vn.datafloor.server.platform.SecretBox;

/**
 * Datafloor as the consumer: an organisation of the platform reads a remote connector's catalog, negotiates
 * one of its offers and pulls the data of the agreement. Remote addresses go through the platform's outbound
 * guard; the data address a provider sends (an endpoint and its token) is kept sealed.
 */
@Service
class ConsumerProtocol {

    private final DspStore store;
    private final DspMessenger messenger;
    private final ConsumerPlaybook playbook;
    private final ParticipantIdentity identity;
    private final AccessPolicy policy;
    private final TransactionTemplate transactions;
    private final SecretBox secrets;

    ConsumerProtocol(
            DspStore store,
            DspMessenger messenger,
            ConsumerPlaybook playbook,
            ParticipantIdentity identity,
            AccessPolicy policy,
            TransactionTemplate transactions,
            SecretBox secrets) {
        this.store = store;
        this.messenger = messenger;
        this.playbook = playbook;
        this.identity = identity;
        this.policy = policy;
        this.transactions = transactions;
        this.secrets = secrets;
    }

    // ------------------------------------------------------------------ starting, for an organisation

    /** A remote connector's catalog, asked for by an organisation of Datafloor. */
    JsonNode catalog(Actor actor, String connectorAddress) {
        long orgId = buyer(actor);
        ProviderProtocol.checkAddress(connectorAddress);
        ObjectNode request = DspJson.message("CatalogRequestMessage");
        request.putArray("filter");
        DspMessenger.Answer answer = messenger.post(
                URI.create(ProviderProtocol.strip(connectorAddress) + "/catalog/request"),
                identity.credentials(orgId, URI.create(connectorAddress)),
                request);
        return remoteAnswer(answer, "Catalog");
    }

    /**
     * Starts a negotiation for a remote offer; {@code offerPolicy} is the offer as the provider's catalog
     * shows it (its rules are what Datafloor requests and will accept).
     */
    Negotiation negotiate(
            Actor actor,
            String connectorAddress,
            String providerId,
            String offerId,
            String datasetId,
            JsonNode offerPolicy,
            String base) {
        long orgId = buyer(actor);
        ProviderProtocol.checkAddress(connectorAddress);
        if (offerId == null
                || offerId.isBlank()
                || offerId.length() > 500
                || datasetId == null
                || datasetId.isBlank()
                || datasetId.length() > 500) {
            throw DspException.badRequest("Name the offer and the dataset (at most 500 characters each)");
        }
        if (offerPolicy == null
                || !offerPolicy.isObject()
                || !(offerPolicy.has("permission") || offerPolicy.has("prohibition"))) {
            throw DspException.badRequest("Give the offer's policy as the provider's catalog shows it");
        }
        ObjectNode offer = DspJson.message("Offer");
        offer.remove("@context");
        offer.put("@id", offerId);
        offer.put("target", datasetId);
        for (String rules : new String[] {"permission", "prohibition", "obligation"}) {
            if (offerPolicy.has(rules)) {
                offer.set(rules, offerPolicy.get(rules));
            }
        }
        if (providerId != null && !providerId.isBlank()) {
            offer.put("assigner", providerId);
        }
        offer.put("assignee", identity.participantId(orgId));
        return transactions.execute(status -> {
            Negotiation made = store.insert(
                    new Negotiation(
                            0,
                            Role.CONSUMER,
                            null,
                            "urn:uuid:" + UUID.randomUUID(),
                            State.REQUESTED,
                            orgId,
                            null,
                            providerId,
                            connectorAddress,
                            datasetId,
                            offerId,
                            null,
                            DspJson.string(offer),
                            null,
                            null,
                            actor.userId()),
                    "initiated by the organisation");
            after(made, Event.INITIATED, null, base);
            return made;
        });
    }

    /** Starts a transfer under an agreement this organisation reached as consumer. */
    Transfer transfer(Actor actor, String connectorAddress, String agreementId, String format, String base) {
        long orgId = buyer(actor);
        ProviderProtocol.checkAddress(connectorAddress);
        if (agreementId == null || agreementId.isBlank() || agreementId.length() > 500) {
            throw DspException.badRequest("Name the agreement (at most 500 characters)");
        }
        if (format == null || format.isBlank() || format.length() > 200) {
            throw DspException.badRequest("Name the transfer format, such as " + DspPolicies.HTTP_PULL);
        }
        if (store.consumerAgreement(orgId, agreementId).isEmpty()) {
            throw DspException.notFound("Your organisation has no finalized agreement " + agreementId);
        }
        return transactions.execute(status -> {
            Transfer made = store.insert(
                    new Transfer(
                            0,
                            Role.CONSUMER,
                            null,
                            "urn:uuid:" + UUID.randomUUID(),
                            TransferState.REQUESTED,
                            orgId,
                            null,
                            connectorAddress,
                            agreementId,
                            null,
                            format,
                            null,
                            null,
                            actor.userId()),
                    "initiated by the organisation");
            List<DspMessenger.Step> steps = new ArrayList<>();
            for (Step step : playbook.transfer(made, Event.TRANSFER_INITIATED)) {
                steps.add(() -> transferStep(made.id(), step, base));
            }
            messenger.afterCommit(steps);
            return made;
        });
    }

    private long buyer(Actor actor) {
        policy.require(actor, Action.BUY_DATA);
        if (actor.orgId() == null) {
            throw DspException.badRequest("Organisations take part in dataspaces; you belong to none");
        }
        return actor.orgId();
    }

    // ------------------------------------------------------------------ the provider's messages

    /** The provider's offer: the negotiation is OFFERED, and the playbook decides. */
    ObjectNode offered(Actor actor, Negotiation negotiation, ObjectNode message, String base) {
        ProviderProtocol.participant(identity, actor);
        JsonNode offer = message.get("offer");
        if (offer == null || !offer.isObject()) {
            throw DspException.badRequest("The message lacks its offer");
        }
        String offered = DspJson.string(offer);
        transactions.executeWithoutResult(status -> {
            move(negotiation, State.OFFERED, "ContractOfferMessage");
            after(store.negotiation(negotiation.id()).orElseThrow(), Event.OFFERED, offered, base);
        });
        return ProviderProtocol.negotiationBody(
                store.negotiation(negotiation.id()).orElseThrow());
    }

    void agreed(Actor actor, Negotiation negotiation, ObjectNode message) {
        ProviderProtocol.participant(identity, actor);
        JsonNode agreement = message.get("agreement");
        if (agreement == null || !agreement.isObject()) {
            throw DspException.badRequest("The message lacks its agreement");
        }
        String agreementId = DspJson.required(agreement, "@id", 500);
        transactions.executeWithoutResult(status -> {
            move(negotiation, State.AGREED, "ContractAgreementMessage");
            store.setAgreement(negotiation.id(), agreementId, null, DspJson.string(agreement));
            after(store.negotiation(negotiation.id()).orElseThrow(), Event.AGREED, null, null);
        });
    }

    void finalized(Actor actor, Negotiation negotiation) {
        ProviderProtocol.participant(identity, actor);
        move(negotiation, State.FINALIZED, "FINALIZED event");
    }

    void terminatedByProvider(Negotiation negotiation) {
        move(negotiation, State.TERMINATED, "ContractNegotiationTerminationMessage");
    }

    void transferMessage(Actor actor, Transfer transfer, TransferState to, String type, ObjectNode message) {
        ProviderProtocol.participant(identity, actor);
        transactions.executeWithoutResult(status -> {
            if (!store.move(transfer, to, type)) {
                throw DspException.conflict(
                        "A transfer in state " + transfer.state() + " cannot take a " + type,
                        transfer.providerPid(),
                        transfer.consumerPid());
            }
            if (to == TransferState.STARTED) {
                JsonNode address = message.get("dataAddress");
                store.setDataAddress(
                        transfer.id(),
                        address == null
                                ? null
                                : secrets.seal(DspJson.string(address), "dsp-transfer:" + transfer.id()));
                List<DspMessenger.Step> steps = new ArrayList<>();
                for (Step step : playbook.transfer(transfer, Event.STARTED)) {
                    steps.add(() -> transferStep(transfer.id(), step, null));
                }
                messenger.afterCommit(steps);
            } else if (to == TransferState.COMPLETED || to == TransferState.TERMINATED) {
                // Its token is over at the provider; the address is forgotten here.
                store.setDataAddress(transfer.id(), null);
            }
        });
    }

    // ------------------------------------------------------------------ this side's steps

    private void after(Negotiation negotiation, Event event, String offered, String base) {
        List<DspMessenger.Step> steps = new ArrayList<>();
        for (Step step : playbook.negotiation(negotiation, event, offered)) {
            steps.add(() -> negotiationStep(negotiation.id(), step, base));
        }
        messenger.afterCommit(steps);
    }

    private void negotiationStep(long id, Step step, String base) {
        Negotiation negotiation = store.negotiation(id).orElseThrow();
        switch (step) {
            case REQUEST -> {
                ObjectNode message = DspJson.message("ContractRequestMessage");
                message.put("consumerPid", negotiation.consumerPid());
                message.set("offer", DspJson.parse(negotiation.policy()));
                message.put("callbackAddress", base);
                DspMessenger.Answer answer = post(negotiation, "/negotiations/request", message);
                JsonNode body = remoteAnswer(answer, "ContractNegotiation");
                String providerPid = DspJson.required(body, "providerPid", 200);
                store.setProviderPid(negotiation.id(), providerPid);
            }
            case COUNTER_REQUEST -> {
                ObjectNode message = DspJson.message("ContractRequestMessage");
                ProviderProtocol.ids(message, negotiation);
                message.set("offer", DspJson.parse(negotiation.policy()));
                if (transactions.execute(s -> store.move(negotiation, State.REQUESTED, "ContractRequestMessage"))) {
                    expectOk(post(negotiation, "/negotiations/" + negotiation.providerPid() + "/request", message));
                }
            }
            case ACCEPT -> {
                ObjectNode message = DspJson.message("ContractNegotiationEventMessage");
                ProviderProtocol.ids(message, negotiation);
                message.put("eventType", "ACCEPTED");
                if (transactions.execute(s -> store.move(negotiation, State.ACCEPTED, "ACCEPTED event"))) {
                    expectOk(post(negotiation, "/negotiations/" + negotiation.providerPid() + "/events", message));
                }
            }
            case VERIFY -> {
                ObjectNode message = DspJson.message("ContractAgreementVerificationMessage");
                ProviderProtocol.ids(message, negotiation);
                if (transactions.execute(
                        s -> store.move(negotiation, State.VERIFIED, "ContractAgreementVerificationMessage"))) {
                    expectOk(post(
                            negotiation,
                            "/negotiations/" + negotiation.providerPid() + "/agreement/verification",
                            message));
                }
            }
            case TERMINATE -> {
                ObjectNode message = DspJson.message("ContractNegotiationTerminationMessage");
                ProviderProtocol.ids(message, negotiation);
                message.put("code", "declined");
                message.putArray("reason").add("declined by the consumer");
                if (transactions.execute(
                        s -> store.move(negotiation, State.TERMINATED, "termination by the consumer"))) {
                    expectOk(post(negotiation, "/negotiations/" + negotiation.providerPid() + "/termination", message));
                }
            }
            default -> throw new IllegalArgumentException(step + " is not a negotiation step");
        }
    }

    private void transferStep(long id, Step step, String base) {
        Transfer transfer = store.transfer(id).orElseThrow();
        switch (step) {
            case TRANSFER_REQUEST -> {
                ObjectNode message = DspJson.message("TransferRequestMessage");
                message.put("consumerPid", transfer.consumerPid());
                message.put("agreementId", transfer.agreementId());
                message.put("format", transfer.format());
                message.put("callbackAddress", base);
                DspMessenger.Answer answer = post(transfer, "/transfers/request", message);
                JsonNode body = remoteAnswer(answer, "TransferProcess");
                store.setTransferProviderPid(transfer.id(), DspJson.required(body, "providerPid", 200));
            }
            case SUSPEND -> transferEnd(transfer, TransferState.SUSPENDED, "TransferSuspensionMessage", "suspension");
            case COMPLETE -> transferEnd(transfer, TransferState.COMPLETED, "TransferCompletionMessage", "completion");
            case TRANSFER_TERMINATE ->
                transferEnd(transfer, TransferState.TERMINATED, "TransferTerminationMessage", "termination");
            default -> throw new IllegalArgumentException(step + " is not a transfer step");
        }
    }

    private void transferEnd(Transfer transfer, TransferState to, String type, String path) {
        ObjectNode message = DspJson.message(type);
        ProviderProtocol.ids(message, transfer);
        if (to != TransferState.COMPLETED) {
            message.put("code", "consumer");
        }
        if (Boolean.TRUE.equals(transactions.execute(s -> store.move(transfer, to, type)))) {
            expectOk(post(transfer, "/transfers/" + transfer.providerPid() + "/" + path, message));
        }
    }

    private DspMessenger.Answer post(Negotiation negotiation, String path, ObjectNode message) {
        return messenger.post(
                URI.create(ProviderProtocol.strip(negotiation.counterpartyAddress()) + path),
                identity.credentials(negotiation.orgId(), URI.create(negotiation.counterpartyAddress())),
                message);
    }

    private DspMessenger.Answer post(Transfer transfer, String path, ObjectNode message) {
        return messenger.post(
                URI.create(ProviderProtocol.strip(transfer.counterpartyAddress()) + path),
                identity.credentials(transfer.orgId(), URI.create(transfer.counterpartyAddress())),
                message);
    }

    private static void expectOk(DspMessenger.Answer answer) {
        if (!answer.ok()) {
            throw new IllegalStateException("the provider answered " + answer.status());
        }
    }

    /** A remote answer of the expected type, read with the same limits as any message. */
    private static JsonNode remoteAnswer(DspMessenger.Answer answer, String type) {
        if (!answer.ok()) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY, "The remote connector answered " + answer.status(), null, null);
        }
        return DspJson.read(answer.body(), type);
    }

    private void move(Negotiation negotiation, State to, String message) {
        if (!store.move(negotiation, to, message)) {
            throw DspException.conflict(
                    "A negotiation in state " + negotiation.state() + " cannot take a " + message,
                    negotiation.providerPid(),
                    negotiation.consumerPid());
        }
    }
}
