package vn.datafloor.integration.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard: a canary server on loopback must never be reached unless the operator allowed it. */
class OutboundGuardTest {

    HttpServer canary;
    final AtomicInteger hits = new AtomicInteger();
    int port;

    @BeforeEach
    void start() throws Exception {
        canary = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        canary.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] body = "[{\"secret\":\"internal\"}]".getBytes(StandardCharsets.UTF_8);
            if (exchange.getRequestURI().getPath().startsWith("/redirect")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/x");
                exchange.sendResponseHeaders(302, -1);
            } else if (exchange.getRequestURI().getPath().startsWith("/huge")) {
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    exchange.getResponseBody().write(chunk);
                }
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        canary.start();
        port = canary.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        canary.stop(0);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:%d/x",
                "http://localhost:%d/x",
                "http://[::1]:%d/x",
                "http://0.0.0.0:%d/x",
                "http://2130706433:%d/x",
                "http://127.1:%d/x",
                "http://[::ffff:127.0.0.1]:%d/x",
                "http://169.254.169.254:%d/latest"
            })
    void refusesInternalAddressesBeforeConnecting(String template) throws Exception {
        try (GuardedHttp http = new GuardedHttp(NetworkPolicy.PUBLIC_ONLY, Duration.ofSeconds(2), 1 << 20)) {
            assertThatThrownBy(() -> http.get(URI.create(template.formatted(port)), Map.of()))
                    .isInstanceOf(SourceException.class);
        }
        assertThat(hits).hasValue(0);
    }

    @Test
    void anOpenAndAClosedPortReadTheSame() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String open = refusal("http://127.0.0.1:" + port + "/");
        String shut = refusal("http://127.0.0.1:" + closed + "/");
        assertThat(open).isEqualTo(shut);
        assertThat(hits).hasValue(0);
    }

    private static String refusal(String url) throws Exception {
        try (GuardedHttp http = new GuardedHttp(NetworkPolicy.PUBLIC_ONLY, Duration.ofSeconds(2), 1 << 20)) {
            http.get(URI.create(url), Map.of());
            throw new AssertionError("not refused: " + url);
        } catch (SecurityRefusal e) {
            return e.getMessage();
        }
    }

    @Test
    void theOperatorsAllowanceOpensOneRangeAndRedirectsAndSizeStayCapped() throws Exception {
        NetworkPolicy allowed = new NetworkPolicy(List.of("127.0.0.0/8"));
        try (GuardedHttp http = new GuardedHttp(allowed, Duration.ofSeconds(5), 1 << 20)) {
            GuardedHttp.Response response = http.get(URI.create("http://127.0.0.1:" + port + "/x"), Map.of());
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("internal");
            assertThat(http.get(URI.create("http://127.0.0.1:" + port + "/redirect"), Map.of())
                            .status())
                    .isEqualTo(302);
            assertThatThrownBy(() -> http.get(URI.create("http://127.0.0.1:" + port + "/huge"), Map.of()))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("larger than");
        }
        assertThat(hits).hasValue(3);
        try (GuardedHttp http =
                new GuardedHttp(new NetworkPolicy(List.of("10.0.0.0/8")), Duration.ofSeconds(2), 1 << 20)) {
            assertThatThrownBy(() -> http.get(URI.create("http://127.0.0.1:" + port + "/x"), Map.of()))
                    .isInstanceOf(SecurityRefusal.class);
        }
    }

    @Test
    void classifiesAddresses() throws Exception {
        for (String refused : List.of(
                "10.1.2.3",
                "172.16.0.1",
                "192.168.1.1",
                "100.64.0.1",
                "169.254.169.254",
                "224.0.0.1",
                "0.0.0.0",
                "255.255.255.255",
                "fd00::1",
                "fe80::1",
                "::1",
                "::ffff:10.0.0.1",
                "64:ff9b::7f00:1")) {
            assertThat(NetworkPolicy.refused(InetAddress.getByName(refused)))
                    .as(refused)
                    .isTrue();
        }
        for (String open : List.of("8.8.8.8", "203.113.131.1", "2001:4860:4860::8888")) {
            assertThat(NetworkPolicy.refused(InetAddress.getByName(open)))
                    .as(open)
                    .isFalse();
        }
        assertThat(NetworkPolicy.invalidAllowance("10.0.0.0/8")).isNull();
        assertThat(NetworkPolicy.invalidAllowance("db.agency.gov.vn")).isNull();
        assertThat(NetworkPolicy.invalidAllowance("10.0.0.0/99")).isNotNull();
        assertThat(NetworkPolicy.invalidAllowance("x y")).isNotNull();
    }

    @Test
    void savedUrlsAreCheckedForTheirForm() {
        assertThat(OutboundUrls.problem("ftp://example.org/x")).contains("http(s)");
        assertThat(OutboundUrls.problem("http://user:pw@example.org/x")).contains("secret");
        assertThat(OutboundUrls.problem("https://api.agency.gov.vn/people")).isNull();
    }
}
