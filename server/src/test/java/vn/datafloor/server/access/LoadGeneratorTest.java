package vn.datafloor.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The benchmark's load generator: one child process runs a plan of loads and reports each. */
class LoadGeneratorTest {

    @Test
    void oneChildRunsEveryLoadOfThePlanInOrderWithTheHeaderOnlyWhereAsked() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger authorized = new AtomicInteger();
        AtomicInteger anonymous = new AtomicInteger();
        Set<String> offsets = ConcurrentHashMap.newKeySet();
        server.createContext("/data", exchange -> {
            boolean withKey = "Bearer k".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            (withKey ? authorized : anonymous).incrementAndGet();
            offsets.add(exchange.getRequestURI().getQuery());
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(withKey ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/health", exchange -> {
            anonymous.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        AtomicInteger chunkedAnswers = new AtomicInteger();
        server.createContext("/chunked", exchange -> {
            chunkedAnswers.incrementAndGet();
            // Length 0: the JDK server sends the body in chunks, as Tomcat does for JSON of unknown length.
            exchange.sendResponseHeaders(200, 0);
            byte[] part = "{\"rows\":[1,2,3]}".repeat(500).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseBody().write(part);
            exchange.getResponseBody().flush();
            exchange.getResponseBody().write(part);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<LoadGenerator.Result> results = LoadGenerator.load(
                    List.of(
                            new LoadGenerator.Load(base + "/data?offset={offset}", true, 40),
                            new LoadGenerator.Load(base + "/health", false, 30),
                            new LoadGenerator.Load(base + "/data?offset={offset}", false, 20),
                            new LoadGenerator.Load(base + "/chunked", false, 25)),
                    "Bearer k",
                    4,
                    5);
            assertThat(results).extracting(LoadGenerator.Result::requests).containsExactly(40, 30, 20, 25);
            assertThat(results.get(0).failed()).isEmpty();
            assertThat(results.get(1).failed()).isEmpty();
            // The key goes only with the loads that ask for it.
            assertThat(results.get(2).failed()).isEqualTo(Map.of(401, 20L));
            // Chunked answers are read to their end: the kept-alive connection stays in step.
            assertThat(results.get(3).failed()).isEmpty();
            assertThat(chunkedAnswers.get()).isEqualTo(25);
            assertThat(authorized.get()).isEqualTo(40);
            assertThat(anonymous.get()).isEqualTo(50);
            assertThat(offsets).isSubsetOf(Set.of("offset=0", "offset=1", "offset=2", "offset=3", "offset=4"));
            assertThat(results).allSatisfy(r -> assertThat(r.p99()).isGreaterThanOrEqualTo(r.p50()));
        } finally {
            server.stop(0);
        }
    }
}
