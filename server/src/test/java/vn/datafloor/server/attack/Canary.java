package vn.datafloor.server.attack;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A tiny HTTP server on the loopback addresses (127.0.0.1 and, where the machine has it, ::1) that
 * answers every request with a JSON array of one object and remembers what was asked. Anything it
 * remembers is a request the platform should never have made.
 */
final class Canary implements AutoCloseable {

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final int port;

    Canary() throws IOException {
        HttpServer ipv4 = start(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        port = ipv4.getAddress().getPort();
        try {
            start(new InetSocketAddress(InetAddress.getByName("::1"), port));
        } catch (IOException noIpv6Loopback) {
            // Then http://[::1]:port cannot reach anything here either; the test still checks the platform refuses it.
        }
    }

    private HttpServer start(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " from "
                    + exchange.getRemoteAddress().getAddress().getHostAddress());
            byte[] body = "[{\"canary\":\"reached\"}]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        servers.add(server);
        return server;
    }

    int port() {
        return port;
    }

    /** Every request received so far, as "METHOD /path from address". */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** A loopback port with nothing listening on it (bound, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
    }
}
