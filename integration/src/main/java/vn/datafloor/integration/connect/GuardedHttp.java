package vn.datafloor.integration.connect;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Outbound HTTP, guarded in one place: every host is vetted by the {@link NetworkPolicy} at the
 * moment the connection is made and the vetted addresses are the ones connected to (Apache
 * HttpClient's resolver is the policy, so a second DNS answer cannot swap in an internal address);
 * redirects are not followed; connect, read and whole-request times and the response size are
 * capped. Refusals happen before any packet leaves, so they read the same whether or not anything
 * listens at the address.
 */
public final class GuardedHttp implements AutoCloseable {

    /** A response read whole, within the size cap. */
    public record Response(int status, byte[] body) {}

    private final CloseableHttpClient client;
    private final long maxBytes;
    private final Duration timeout;

    public GuardedHttp(NetworkPolicy policy, Duration timeout, long maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        DnsResolver resolver = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return policy.vet(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        Timeout limit = Timeout.of(timeout.toMillis(), TimeUnit.MILLISECONDS);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(resolver)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(limit)
                        .setSocketTimeout(limit)
                        .build())
                .build();
        // No system properties and no proxy: through a proxy the resolver would vet the proxy's address, not
        // the target's, and the guard would no longer decide where requests go.
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setDefaultRequestConfig(
                        RequestConfig.custom().setResponseTimeout(limit).build())
                .build();
    }

    /** GETs a URL; only http and https, no user info in the URL. */
    public Response get(URI uri, Map<String, String> headers) throws IOException {
        requireFetchable(uri);
        HttpGet get = new HttpGet(uri);
        headers.forEach(get::setHeader);
        return execute(get);
    }

    /**
     * POSTs a body to a URL (a protocol request such as a dataspace catalog request), under the same
     * guard, limits and rules as {@link #get}.
     */
    public Response post(URI uri, Map<String, String> headers, byte[] body, String contentType) throws IOException {
        requireFetchable(uri);
        HttpPost post = new HttpPost(uri);
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.parse(contentType)));
        return execute(post);
    }

    private static void requireFetchable(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!("http".equals(scheme) || "https".equals(scheme))
                || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            throw new SecurityRefusal("Only http(s) URLs with a host and without user or password may be fetched");
        }
    }

    private Response execute(HttpUriRequestBase request) throws IOException {
        // The whole request, not only each read, ends when the time is up.
        var timer =
                java.util.concurrent.CompletableFuture.delayedExecutor(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        java.util.concurrent.CompletableFuture<Void> deadline =
                java.util.concurrent.CompletableFuture.runAsync(request::cancel, timer);
        try {
            return client.execute(request, response -> {
                int status = response.getCode();
                if (status / 100 == 3) {
                    return new Response(status, new byte[0]);
                }
                byte[] body;
                try (InputStream in = response.getEntity() == null
                        ? InputStream.nullInputStream()
                        : response.getEntity().getContent()) {
                    body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                }
                if (body.length > maxBytes) {
                    throw new SourceException(
                            "The answer is larger than " + sizeText(maxBytes) + "; ask for smaller pages");
                }
                return new Response(status, body);
            });
        } catch (SourceException e) {
            throw e;
        } catch (IOException e) {
            if (e.getCause() instanceof SourceException source) {
                throw source;
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    /** A size as people read it: whole MB when at least one, else KB or bytes. */
    static String sizeText(long bytes) {
        if (bytes >= 1024 * 1024) {
            return bytes / (1024 * 1024) + " MB";
        }
        return bytes >= 1024 ? bytes / 1024 + " KB" : bytes + " bytes";
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
