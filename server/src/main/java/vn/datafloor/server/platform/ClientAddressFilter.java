package vn.datafloor.server.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Runs before everything else: when the direct peer is a trusted proxy, the request is seen from
 * then on as coming from the client {@link ClientAddress} finds behind it, over the scheme that
 * proxy says the client used. From anyone else the forwarding headers change nothing.
 */
final class ClientAddressFilter extends HttpFilter {

    private final ClientAddress.TrustedProxies trusted;
    private final boolean rfc7239;

    /** {@code header}: "X-Forwarded-For" (with X-Forwarded-Proto and -Port) or "Forwarded" (RFC 7239). */
    ClientAddressFilter(ClientAddress.TrustedProxies trusted, String header) {
        this.trusted = trusted;
        if ("forwarded".equalsIgnoreCase(header.strip())) {
            this.rfc7239 = true;
        } else if ("x-forwarded-for".equalsIgnoreCase(header.strip())) {
            this.rfc7239 = false;
        } else {
            throw new IllegalArgumentException(
                    "datafloor.client-address-header must be X-Forwarded-For or Forwarded, not " + header);
        }
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (trusted.isEmpty() || !trusted.contains(request.getRemoteAddr())) {
            request.setAttribute(ClientAddress.ATTRIBUTE, ClientAddress.of(request));
            chain.doFilter(request, response);
            return;
        }
        List<String> values = Collections.list(request.getHeaders(rfc7239 ? "Forwarded" : "X-Forwarded-For"));
        List<String> hops = rfc7239 ? ClientAddress.forwardedHops(values) : ClientAddress.xForwardedForHops(values);
        String client = ClientAddress.resolve(request.getRemoteAddr(), hops, trusted);
        request.setAttribute(ClientAddress.ATTRIBUTE, client);
        String proto = rfc7239 ? ClientAddress.forwardedProto(values) : last(request.getHeader("X-Forwarded-Proto"));
        Integer port = rfc7239 ? null : portOf(last(request.getHeader("X-Forwarded-Port")));
        chain.doFilter(new Forwarded(request, client, proto, port), response);
    }

    /** The nearest proxy's value of a list header: the last one. */
    private static String last(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.split(",");
        String value = parts[parts.length - 1].strip().toLowerCase(Locale.ROOT);
        return value.isEmpty() ? null : value;
    }

    private static Integer portOf(String text) {
        if (text == null || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int port = Integer.parseInt(text);
        return port > 0 && port <= 65535 ? port : null;
    }

    /** The request as the client sent it to the proxy: its address, and the scheme and port it used. */
    private static final class Forwarded extends HttpServletRequestWrapper {

        private final String client;
        private final String scheme;
        private final int port;

        Forwarded(HttpServletRequest request, String client, String proto, Integer forwardedPort) {
            super(request);
            this.client = client;
            this.scheme = "https".equals(proto) || "http".equals(proto) ? proto : request.getScheme();
            if (forwardedPort != null) {
                this.port = forwardedPort;
            } else if (!scheme.equals(request.getScheme())
                    && request.getServerPort() == defaultPort(request.getScheme())) {
                this.port = defaultPort(scheme);
            } else {
                this.port = request.getServerPort();
            }
        }

        private static int defaultPort(String scheme) {
            return "https".equals(scheme) ? 443 : 80;
        }

        @Override
        public String getRemoteAddr() {
            return client;
        }

        @Override
        public String getRemoteHost() {
            return client;
        }

        @Override
        public String getScheme() {
            return scheme;
        }

        @Override
        public boolean isSecure() {
            return "https".equals(scheme);
        }

        @Override
        public int getServerPort() {
            return port;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer url = new StringBuffer(scheme).append("://").append(getServerName());
            if (port != defaultPort(scheme)) {
                url.append(':').append(port);
            }
            return url.append(getRequestURI());
        }
    }
}
