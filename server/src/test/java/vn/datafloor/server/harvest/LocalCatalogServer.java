package vn.datafloor.server.harvest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A catalog server on the loopback address for harvest tests (JDK HttpServer): each path answers
 * what the test set, a status and a body, or a function of the query string; requests are recorded.
 */
final class LocalCatalogServer implements AutoCloseable {

    record Answer(int status, String contentType, byte[] body) {}

    record Request(String method, String path, String query, String body) {}

    private final HttpServer server;
    private final Map<String, Function<String, Answer>> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    LocalCatalogServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(new Request(exchange.getRequestMethod(), path, query, body));
            Function<String, Answer> handler = answers.get(path);
            Answer answer = handler == null
                    ? new Answer(404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8))
                    : handler.apply(query == null ? "" : query);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                exchange.getResponseBody().write(answer.body());
            }
            exchange.close();
        });
        server.start();
    }

    /** http://127.0.0.1:port */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void serve(String path, String contentType, String body) {
        serve(path, 200, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    void serve(String path, int status, String contentType, byte[] body) {
        answers.put(path, q -> new Answer(status, contentType, body));
    }

    void serve(String path, Function<String, Answer> handler) {
        answers.put(path, handler);
    }

    static Answer json(String body) {
        return new Answer(200, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
