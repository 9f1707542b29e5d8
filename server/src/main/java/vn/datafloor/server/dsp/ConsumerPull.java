package vn.datafloor.server.dsp;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.connect.GuardedHttp;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.integration.connect.OutboundUrls;
import vn.datafloor.integration.connect.SourceException;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.dsp.DspStore.Role;
import vn.datafloor.server.dsp.DspStore.Transfer;
import vn.datafloor.server.dsp.DspStore.TransferState;
import vn.datafloor.server.platform.SecretBox;

/**
 * Datafloor as consumer pulls the data of a started HTTP-pull transfer: the data address the provider sent
 * (its endpoint and token) is opened from the secret box only here, for one request through the platform's
 * outbound guard, and never leaves the server (not in an answer, a URL of Datafloor's, a log or an error).
 * The organisation completes the transfer once it has what it needs, which ends the provider's token.
 */
@Service
class ConsumerPull {

    /** Rows one pull may ask the provider for. */
    static final int MAX_ROWS = 1000;

    private final DspStore store;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final DspMessenger messenger;
    private final ParticipantIdentity identity;
    private final GuardedHttp http;
    private final JsonMapper json;
    private final long maxBytes;

    /** What one pull returned: the provider's answer, read as JSON within the limits. */
    record Pulled(long transferId, JsonNode body) {}

    ConsumerPull(
            DspStore store,
            SecretBox secrets,
            AuditLog audit,
            TransactionTemplate transactions,
            DspMessenger messenger,
            ParticipantIdentity identity,
            @Value("${datafloor.dsp.network-allowances:}") List<String> allowances,
            @Value("${datafloor.dsp.timeout:PT15S}") java.time.Duration timeout,
            @Value("${datafloor.dsp.pull-max-bytes:16000000}") long maxBytes) {
        this.store = store;
        this.secrets = secrets;
        this.audit = audit;
        this.transactions = transactions;
        this.messenger = messenger;
        this.identity = identity;
        this.maxBytes = maxBytes;
        this.http = new GuardedHttp(new NetworkPolicy(allowances), timeout, maxBytes);
        this.json = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(DspJson.MAX_DEPTH)
                                .maxDocumentLength(maxBytes)
                                .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBytes))
                                .build())
                        .build())
                .build();
    }

    @PreDestroy
    void close() throws IOException {
        http.close();
    }

    /** One page of the transfer's rows, pulled from the provider's data address. */
    Pulled rows(Actor actor, long orgId, long transferId, int offset, int limit) {
        Transfer transfer = ownStarted(orgId, transferId);
        if (offset < 0 || limit < 1 || limit > MAX_ROWS) {
            throw DspException.badRequest("Ask for 1 to " + MAX_ROWS + " rows from an offset of 0 or more");
        }
        Address address = address(transfer);
        URI url = URI.create(address.endpoint() + (address.endpoint().contains("?") ? "&" : "?") + "offset=" + offset
                + "&limit=" + limit);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (address.authorization() != null) {
            headers.put("Authorization", address.authorization());
        }
        GuardedHttp.Response response;
        try {
            response = http.get(url, headers);
        } catch (SourceException e) {
            throw DspException.badRequest("The provider's data address is not usable: " + e.getMessage());
        } catch (IOException e) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY,
                    "The provider's data address could not be reached at " + url.getHost(),
                    null,
                    null);
        }
        if (response.status() / 100 != 2) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY,
                    "The provider's data address answered " + response.status()
                            + (response.status() == 401 || response.status() == 403
                                    ? " (its token was refused: the transfer may have ended at the provider)"
                                    : ""),
                    null,
                    null);
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (RuntimeException e) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY,
                    "The provider's answer is not JSON within the limits (" + maxBytes + " bytes, depth "
                            + DspJson.MAX_DEPTH + ")",
                    null,
                    null);
        }
        JsonNode rows = body.get("rows");
        audit.record(new AuditEvent(
                EventType.DSP_DATA_PULLED,
                actor.userId(),
                actor.username(),
                orgId,
                AuditEvent.Outcome.SUCCESS,
                null,
                "DSP transfer " + transfer.id() + ": " + (rows != null && rows.isArray() ? rows.size() : 0)
                        + " rows pulled from " + url.getHost(),
                Map.of(
                        "process", "transfer:" + transfer.id(),
                        "agreementId", transfer.agreementId(),
                        "offset", Integer.toString(offset),
                        "bytes", Integer.toString(response.body().length))));
        return new Pulled(transfer.id(), body);
    }

    /**
     * The organisation is done with a started transfer: it is COMPLETED here and the provider is told, which
     * ends the provider's token; the data address is forgotten.
     */
    Transfer complete(long orgId, long transferId) {
        Transfer transfer = own(orgId, transferId);
        if (transfer.state() != TransferState.STARTED) {
            throw DspException.conflict(
                    "Only a started transfer can be completed; this one is " + transfer.state(),
                    transfer.providerPid(),
                    transfer.consumerPid());
        }
        boolean moved = Boolean.TRUE.equals(transactions.execute(s -> {
            if (!store.move(transfer, TransferState.COMPLETED, "completion by the consumer organisation")) {
                return false;
            }
            store.setDataAddress(transfer.id(), null);
            return true;
        }));
        if (!moved) {
            throw DspException.conflict(
                    "The transfer changed state meanwhile", transfer.providerPid(), transfer.consumerPid());
        }
        var message = DspJson.message("TransferCompletionMessage");
        ProviderProtocol.ids(message, transfer);
        DspMessenger.Answer answer = messenger.post(
                URI.create(ProviderProtocol.strip(transfer.counterpartyAddress()) + "/transfers/"
                        + transfer.providerPid() + "/completion"),
                identity.credentials(orgId, URI.create(transfer.counterpartyAddress())),
                message);
        if (!answer.ok()) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY,
                    "The transfer is completed here; the provider answered " + answer.status(),
                    transfer.providerPid(),
                    transfer.consumerPid());
        }
        return store.transfer(transfer.id()).orElseThrow();
    }

    /** The organisation's own transfer as consumer; another's is not found. */
    Transfer own(long orgId, long transferId) {
        return store.transfer(transferId)
                .filter(t -> t.role() == Role.CONSUMER && t.orgId() == orgId)
                .orElseThrow(() -> DspException.notFound("Your organisation has no transfer " + transferId));
    }

    private Transfer ownStarted(long orgId, long transferId) {
        Transfer transfer = own(orgId, transferId);
        if (transfer.state() != TransferState.STARTED || transfer.dataAddress() == null) {
            throw DspException.conflict(
                    "The data of a transfer can be pulled while it is started; this one is " + transfer.state(),
                    transfer.providerPid(),
                    transfer.consumerPid());
        }
        return transfer;
    }

    /** The provider's HTTP endpoint and the token to present there, out of the secret box. */
    private record Address(String endpoint, String authorization) {}

    private Address address(Transfer transfer) {
        JsonNode address = DspJson.parse(secrets.open(transfer.dataAddress(), "dsp-transfer:" + transfer.id()));
        JsonNode endpoint = address.get("endpoint");
        if (endpoint == null || !endpoint.isString() || OutboundUrls.problem(endpoint.asString()) != null) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY, "The provider's data address has no usable endpoint", null, null);
        }
        String authorization = null;
        String authType = null;
        JsonNode properties = address.get("endpointProperties");
        if (properties != null && properties.isArray()) {
            for (JsonNode property : properties) {
                String name = property.path("name").asString("");
                if (name.equalsIgnoreCase("authorization")) {
                    authorization = property.path("value").asString(null);
                } else if (name.equalsIgnoreCase("authType")) {
                    authType = property.path("value").asString(null);
                }
            }
        }
        // A bare token with authType bearer (as EDC's data planes write it) becomes a bearer header.
        if (authorization != null
                && "bearer".equals(authType == null ? null : authType.toLowerCase(Locale.ROOT))
                && !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            authorization = "Bearer " + authorization;
        }
        if (authorization != null && authorization.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new DspException(
                    HttpStatus.BAD_GATEWAY, "The provider's data address has an unusable token", null, null);
        }
        return new Address(endpoint.asString(), authorization);
    }
}
