package vn.datafloor.server.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.connect.GuardedHttp;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.ledger.Checkpoint;
import vn.datafloor.ledger.NoteVerifier;
import vn.datafloor.ledger.SignedCheckpoint;
import vn.datafloor.server.platform.ClusterNode;

/**
 * An API replica's calls to the ledger's writer (see {@link ClusterNode}): its reads go to the writer's
 * public ledger endpoints, and the entries it committed to the outbox are appended by the writer's
 * internal relay. Outbound like every other call, through {@link GuardedHttp}: only the configured
 * writer host is allowed beyond public addresses, redirects are not followed, sizes and times capped.
 * A checkpoint is accepted only under the writer's signature, checked with the writer's verifier key.
 */
final class LedgerWriterClient implements AutoCloseable {

    /** Largest answer read: a proof of a tree of 2^64 leaves is 64 hashes; an entry is at most a few kB. */
    private static final long MAX_ANSWER = 4L << 20;

    private final ClusterNode node;
    private final JsonMapper json;
    private final GuardedHttp http;
    private volatile String verifierKey;
    private volatile NoteVerifier verifier;

    LedgerWriterClient(ClusterNode node, JsonMapper json) {
        this.node = node;
        this.json = json;
        this.http = new GuardedHttp(
                new NetworkPolicy(List.of(node.writerUrl().getHost())), Duration.ofSeconds(10), MAX_ANSWER);
    }

    /** Asks the writer to append these committed outbox rows; their ledger indexes, for those it appended. */
    Map<String, Long> relay(List<String> ids) {
        byte[] body = json.writeValueAsBytes(Map.of("ids", ids));
        GuardedHttp.Response response;
        try {
            response = http.post(uri("/internal/ledger/relay"), node.writerHeaders(JSON), body, JSON);
        } catch (IOException e) {
            throw new UncheckedIOException("The ledger's writer could not be reached to append entries", e);
        }
        JsonNode answer = json.readTree(body(response, "append entries"));
        Map<String, Long> indexes = new HashMap<>();
        answer.path("indexes")
                .properties()
                .forEach(e -> indexes.put(e.getKey(), e.getValue().asLong()));
        return indexes;
    }

    long size() {
        return get("/ledger/tree").path("size").asLong();
    }

    byte[] rootHash(long size) {
        return Base64.getDecoder()
                .decode(get("/ledger/tree?size=" + size).path("rootHash").asString());
    }

    byte[] entry(long index) {
        return getBytes("/ledger/entries/" + index, "read an entry", JSON);
    }

    List<byte[]> inclusionProof(long index, long size) {
        return hashes(get("/ledger/proof/inclusion?index=" + index + "&size=" + size));
    }

    List<byte[]> consistencyProof(long from, long to) {
        return hashes(get("/ledger/proof/consistency?from=" + from + "&to=" + to));
    }

    String verifierKey() {
        String key = verifierKey;
        if (key == null) {
            key = new String(getBytes("/ledger/public-key", "read its verifier key", TEXT), StandardCharsets.UTF_8)
                    .strip();
            verifier = NoteVerifier.fromVerifierKey(key);
            verifierKey = key;
        }
        return key;
    }

    /** The writer's latest checkpoint, refused unless signed with the writer's key. */
    Optional<SignedCheckpoint> latestCheckpoint() {
        verifierKey();
        String note = new String(getBytes("/ledger/checkpoint", "read its checkpoint", TEXT), StandardCharsets.UTF_8);
        if (!verifier.verify(note)) {
            throw new IllegalStateException("The ledger writer's checkpoint is not signed with its verifier key");
        }
        return Optional.of(new SignedCheckpoint(Checkpoint.parse(note), note));
    }

    private JsonNode get(String pathAndQuery) {
        return json.readTree(getBytes(pathAndQuery, "read the ledger", JSON));
    }

    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain";

    private byte[] getBytes(String pathAndQuery, String what, String accept) {
        GuardedHttp.Response response;
        try {
            response = http.get(uri(pathAndQuery), node.writerHeaders(accept));
        } catch (IOException e) {
            throw new UncheckedIOException("The ledger's writer could not be reached to " + what, e);
        }
        return body(response, what);
    }

    private static byte[] body(GuardedHttp.Response response, String what) {
        if (response.status() / 100 != 2) {
            throw new IllegalStateException(
                    "The ledger's writer answered " + response.status() + " when asked to " + what);
        }
        return response.body();
    }

    private static List<byte[]> hashes(JsonNode proof) {
        List<byte[]> hashes = new ArrayList<>();
        proof.path("hashes").forEach(h -> hashes.add(Base64.getDecoder().decode(h.asString())));
        return hashes;
    }

    private URI uri(String pathAndQuery) {
        return URI.create(node.writerUrl() + pathAndQuery);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
