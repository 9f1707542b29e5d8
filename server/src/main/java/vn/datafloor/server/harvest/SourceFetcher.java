package vn.datafloor.server.harvest;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.integration.connect.GuardedHttp;
import vn.datafloor.integration.connect.NetworkPolicy;
import vn.datafloor.integration.connect.SecurityRefusal;
import vn.datafloor.integration.connect.SourceException;

/**
 * The one way a harvest reaches out: the project's guarded HTTP client under the operator's network
 * allowances (loopback, private and link-local addresses refused unless allowed), redirects not
 * followed, each answer's size capped while it is read, before anything parses it. JSON is read with
 * a nesting-depth and string-length limit.
 */
final class SourceFetcher implements AutoCloseable {

    private final GuardedHttp http;
    private final HarvestLimits limits;
    private final JsonMapper json;

    SourceFetcher(NetworkPolicy policy, HarvestLimits limits) {
        this.limits = limits;
        this.http = new GuardedHttp(policy, limits.timeout(), limits.maxBytes());
        this.json = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(limits.maxDepth())
                                .maxStringLength(1_000_000)
                                .maxDocumentLength(limits.maxBytes())
                                .build())
                        .build())
                .build();
    }

    HarvestLimits limits() {
        return limits;
    }

    byte[] get(URI uri, String accept) {
        return checked(uri, () -> http.get(uri, Map.of("Accept", accept, "User-Agent", "Datafloor-harvester")));
    }

    byte[] post(URI uri, String body, String contentType, String accept) {
        return checked(
                uri,
                () -> http.post(
                        uri,
                        Map.of("Accept", accept, "User-Agent", "Datafloor-harvester"),
                        body.getBytes(StandardCharsets.UTF_8),
                        contentType));
    }

    /** A JSON answer as a tree; refused when nested deeper than the limit. */
    JsonNode readJson(byte[] body) {
        try {
            return json.readTree(body);
        } catch (tools.jackson.core.exc.StreamConstraintsException e) {
            throw new HarvestException("The document is nested deeper than " + limits.maxDepth()
                    + " levels or has a value too long; it was refused");
        } catch (JacksonException e) {
            throw new HarvestException("The answer is not valid JSON (line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        }
    }

    private interface Call {
        GuardedHttp.Response call() throws IOException;
    }

    private byte[] checked(URI uri, Call call) {
        GuardedHttp.Response response;
        try {
            response = call.call();
        } catch (SecurityRefusal e) {
            throw new HarvestException(e.getMessage());
        } catch (SourceException e) {
            throw new HarvestException(
                    e.getMessage().contains("larger than")
                            ? e.getMessage().replace("; ask for smaller pages", "; the document was refused")
                            : e.getMessage());
        } catch (IOException e) {
            // Only the kind of failure and the host: the URL's query might hold something private.
            throw new HarvestException("Could not reach " + uri.getHost() + ": "
                    + e.getClass().getSimpleName().replace("Exception", "").trim());
        }
        if (response.status() / 100 == 3) {
            throw new HarvestException("The source at " + uri.getHost() + " answered with a redirect (HTTP "
                    + response.status() + "); register the address it redirects to");
        }
        if (response.status() / 100 != 2) {
            throw new HarvestException("The source at " + uri.getHost() + " answered HTTP " + response.status());
        }
        return response.body();
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException e) {
            // nothing left to do: the connections are gone with the client
        }
    }
}
