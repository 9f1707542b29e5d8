package vn.datafloor.server.platform;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What this process is among the platform's processes ({@code datafloor.node.*}, docs/deployment.md).
 *
 * <ul>
 *   <li>{@code single} (the default): the only process. It is the API and the pages, runs the schedulers,
 *       and is the one writer of the ledger, the lake and its own files; caches are kept correct in
 *       memory, since every change passes through it.
 *   <li>{@code writer}: the same, with API replicas beside it over the same PostgreSQL (and lake). It
 *       appends the replicas' ledger entries (they call {@code /internal/ledger/relay} with the node
 *       token) and serves the paths that write the lake or its own files. Caches shared with the
 *       replicas are checked against change counters in the database.
 *   <li>{@code api}: a replica. It serves the API and pages except the writer's paths, which it
 *       refuses with 421 so that a wrong route shows at once. It opens no ledger and signs nothing:
 *       its entries are committed in the outbox with the change they speak of and appended by the
 *       writer; its ledger reads are the writer's, checkpoints checked against the writer's key. It runs
 *       no scheduler but the catalog index refresh, no start-up recovery, and never creates a key.
 * </ul>
 */
@Component
public class ClusterNode {

    public enum Role {
        SINGLE,
        WRITER,
        API
    }

    /** Shortest node token accepted: it guards the writer's internal endpoint. */
    static final int MIN_TOKEN_LENGTH = 32;

    private final Role role;
    private final URI writerUrl;
    private final byte[] tokenDigest;
    private final String token;

    public ClusterNode(
            @Value("${datafloor.node.role:single}") String role,
            @Value("${datafloor.node.writer-url:}") String writerUrl,
            @Value("${datafloor.node.token:}") String token,
            @Value("${datafloor.demo:false}") boolean demo) {
        this.role = parse(role);
        if (this.role == Role.API && demo) {
            throw new IllegalStateException("An API replica loads no demo: start the demo on a single process");
        }
        this.token = token == null ? "" : token.strip();
        if (this.role != Role.SINGLE && this.token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException(
                    "datafloor.node.role=" + role.strip().toLowerCase(Locale.ROOT)
                            + " needs datafloor.node.token: the same secret of at least " + MIN_TOKEN_LENGTH
                            + " characters on the writer and every API replica (docs/deployment.md)");
        }
        this.tokenDigest = this.token.isEmpty() ? null : sha256(this.token);
        if (this.role == Role.API) {
            this.writerUrl = writerUrl(writerUrl);
        } else {
            this.writerUrl = null;
        }
    }

    private static Role parse(String role) {
        String r = role == null ? "" : role.strip().toUpperCase(Locale.ROOT);
        try {
            return Role.valueOf(r.isEmpty() ? "SINGLE" : r);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "datafloor.node.role must be single, writer or api, not '" + role.strip() + "'");
        }
    }

    private static URI writerUrl(String url) {
        String u = url == null ? "" : url.strip();
        URI uri;
        try {
            uri = URI.create(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null
                || uri.getHost() == null
                || uri.getUserInfo() != null
                || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw new IllegalStateException("datafloor.node.role=api needs datafloor.node.writer-url, the writer's "
                    + "internal address such as http://datafloor-writer:8080 (docs/deployment.md)");
        }
        return uri;
    }

    public Role role() {
        return role;
    }

    /** Whether this process appends the ledger, runs the schedulers and writes the lake: not on a replica. */
    public boolean writes() {
        return role != Role.API;
    }

    /** Whether other processes change the same database, so that caches must ask it (change counters). */
    public boolean shared() {
        return role != Role.SINGLE;
    }

    /** The writer's internal base URL, on a replica. */
    public URI writerUrl() {
        if (writerUrl == null) {
            throw new IllegalStateException("only an API replica calls the writer");
        }
        return writerUrl;
    }

    /**
     * Whether {@code presented} is this cluster's node token, on the writer only: a single process or
     * a replica accepts no internal call at all. Compared in constant time, as digests.
     */
    public boolean acceptsNodeToken(String presented) {
        if (role != Role.WRITER || presented == null || tokenDigest == null) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(presented));
    }

    /**
     * {@code file}, a key every process must hold the same copy of (the secrets', the lake's, the access
     * hashes'). The writer creates it at its first start; a replica must be given it and never makes its
     * own, which would encrypt and hash differently from every other process.
     */
    public java.nio.file.Path sharedKey(java.nio.file.Path file) {
        if (role == Role.API && !java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalStateException("An API replica needs the writer's key file " + file.getFileName() + " in "
                    + file.getParent() + ": mount the writer's keys there (docs/deployment.md)");
        }
        return file;
    }

    /** The header a replica sends the node token in. */
    public static final String TOKEN_HEADER = "X-Datafloor-Node-Token";

    /** The headers of a call from this replica to the writer, asking for {@code accept}. */
    public java.util.Map<String, String> writerHeaders(String accept) {
        if (role != Role.API) {
            throw new IllegalStateException("only an API replica calls the writer");
        }
        return java.util.Map.of(TOKEN_HEADER, token, "Accept", accept);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
