package vn.datafloor.server.audit;

import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Permit;
import vn.datafloor.server.platform.ClusterNode;
import vn.datafloor.server.platform.ProblemException;

/**
 * The writer's side of an API replica's appends: the replica committed its entries' outbox rows with
 * its own changes and asks the writer to append them, as the writer's own relay does for its rows. Only
 * the writer answers, and only to the node token ({@link ClusterNode#acceptsNodeToken}); to anyone else,
 * and on any other node, the path does not exist. The ids name rows already committed: nothing a caller
 * sends becomes an entry, so the worst a stolen token does is append committed rows a little early.
 */
@RestController
@Hidden
@Permit(Action.VIEW_PUBLIC)
class LedgerRelayController {

    /** More than a relay batch ({@value AuditOutbox#BATCH}), far less than a request could carry. */
    private static final int MAX_IDS = 1024;

    private final ClusterNode node;
    private final AuditOutbox outbox;
    private final JsonMapper json;

    LedgerRelayController(ClusterNode node, AuditOutbox outbox, JsonMapper json) {
        this.node = node;
        this.outbox = outbox;
        this.json = json;
    }

    record RelayRequest(List<String> ids) {}

    record Relayed(Map<String, Long> indexes) {}

    @PostMapping("/internal/ledger/relay")
    Relayed relay(
            @RequestHeader(name = ClusterNode.TOKEN_HEADER, required = false) String token,
            @RequestBody(required = false) String body) {
        // The token first, the body after: to anyone else nothing here exists, not even a parser.
        if (!node.acceptsNodeToken(token)) {
            throw ProblemException.notFound("Not found");
        }
        RelayRequest request;
        try {
            request = body == null ? null : json.readValue(body, RelayRequest.class);
        } catch (JacksonException malformed) {
            request = null;
        }
        List<String> ids = request == null || request.ids() == null ? List.of() : request.ids();
        if (ids.isEmpty() || ids.size() > MAX_IDS || ids.stream().anyMatch(id -> id == null || id.length() > 64)) {
            throw ProblemException.badRequest(
                    "node.relay.ids", "Send 1-" + MAX_IDS + " outbox row ids of at most 64 characters");
        }
        return new Relayed(outbox.relayForReplica(ids));
    }
}
