package vn.datafloor.server.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import vn.datafloor.integration.connect.AddressRange;

/**
 * Where a request came from: the one place that decides it. The throttles, the audit trail and the
 * ledger all ask here.
 *
 * <p>The direct peer is the client unless it is a proxy the operator listed in
 * {@code datafloor.trusted-proxies}. Only then is the forwarding header read, right to left: each
 * proxy appends the address it received the request from, so the first address that is not a
 * trusted proxy is the client. Anything further left was written by the client itself and proves
 * nothing. With no trusted proxies (the default) the headers are ignored altogether.
 */
public final class ClientAddress {

    /** The request attribute holding the address {@link ClientAddressFilter} decided. */
    static final String ATTRIBUTE = ClientAddress.class.getName();

    private ClientAddress() {}

    /** The client of the current request, or null outside a request. */
    public static String current() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            return of(attributes.getRequest());
        }
        return null;
    }

    /** The client of {@code request}: as decided from trusted proxies' headers, else the direct peer. */
    public static String of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof String decided) {
            return decided;
        }
        return canonicalOrRaw(request.getRemoteAddr());
    }

    /**
     * The client behind {@code peer}: walks {@code hops} (the forwarding header's addresses, the
     * client's end first) from the right, past every trusted proxy. A hop that is not an IP address
     * ("unknown", an obfuscated name) stops the walk at the last proxy that could be checked.
     */
    static String resolve(String peer, List<String> hops, TrustedProxies trusted) {
        String client = canonicalOrRaw(peer);
        if (!trusted.contains(client)) {
            return client;
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = canonical(hops.get(i));
            if (hop == null) {
                return client;
            }
            client = hop;
            if (!trusted.contains(hop)) {
                return hop;
            }
        }
        return client;
    }

    /**
     * The part of an address a throttle counts by: the whole IPv4 address, but an IPv6 /64, since
     * one subscriber is usually given a whole /64 and could otherwise take a fresh address per try.
     */
    public static String throttleKey(String address) {
        if (address == null) {
            return "?";
        }
        byte[] bytes = parse(address);
        if (bytes == null || bytes.length == 4) {
            return address;
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)))
                    .append(':');
        }
        return prefix.append(":/64").toString();
    }

    /** The addresses in X-Forwarded-For header values, the client's end first; ports and brackets removed. */
    static List<String> xForwardedForHops(List<String> headerValues) {
        List<String> hops = new ArrayList<>();
        for (String value : headerValues) {
            for (String part : value.split(",")) {
                String hop = part.strip();
                if (!hop.isEmpty()) {
                    hops.add(withoutPort(hop));
                }
            }
        }
        return hops;
    }

    /** The {@code for=} addresses of RFC 7239 {@code Forwarded} header values, the client's end first. */
    static List<String> forwardedHops(List<String> headerValues) {
        List<String> hops = new ArrayList<>();
        for (ForwardedElement element : forwardedElements(headerValues)) {
            // An element without for= is a hop we cannot place: it stops the walk like "unknown" does.
            hops.add(element.forAddress() == null ? "unknown" : withoutPort(element.forAddress()));
        }
        return hops;
    }

    /** The {@code proto=} of the last (nearest) element of RFC 7239 {@code Forwarded} values, or null. */
    static String forwardedProto(List<String> headerValues) {
        List<ForwardedElement> elements = forwardedElements(headerValues);
        return elements.isEmpty() ? null : elements.get(elements.size() - 1).proto();
    }

    private record ForwardedElement(String forAddress, String proto) {}

    private static List<ForwardedElement> forwardedElements(List<String> headerValues) {
        List<ForwardedElement> elements = new ArrayList<>();
        for (String value : headerValues) {
            for (String element : value.split(",")) {
                if (element.isBlank()) {
                    continue;
                }
                String forAddress = null;
                String proto = null;
                for (String pair : element.split(";")) {
                    int equals = pair.indexOf('=');
                    if (equals < 0) {
                        continue;
                    }
                    String name = pair.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                    String token = unquote(pair.substring(equals + 1).strip());
                    if (name.equals("for")) {
                        forAddress = token;
                    } else if (name.equals("proto")) {
                        proto = token.toLowerCase(Locale.ROOT);
                    }
                }
                elements.add(new ForwardedElement(forAddress, proto));
            }
        }
        return elements;
    }

    private static String unquote(String token) {
        return token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")
                ? token.substring(1, token.length() - 1)
                : token;
    }

    /** "[2001:db8::1]:443" → "2001:db8::1", "192.0.2.1:8080" → "192.0.2.1"; a bare IPv6 address is left whole. */
    static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.indexOf(':');
        return colon > 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    /** The canonical text of an IP address literal, or null when {@code text} is not one (no name is ever looked up). */
    static String canonical(String text) {
        byte[] bytes = text == null ? null : parse(text.strip());
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String canonicalOrRaw(String text) {
        String canonical = canonical(text);
        return canonical != null ? canonical : text;
    }

    /** The bytes of an IPv4 or IPv6 literal, or null; never looks a name up. */
    static byte[] parse(String text) {
        return AddressRange.literal(text);
    }

    /** The proxies whose forwarding headers are believed: single addresses and CIDR blocks. */
    public static final class TrustedProxies {

        private final List<AddressRange> blocks;

        private TrustedProxies(List<AddressRange> blocks) {
            this.blocks = List.copyOf(blocks);
        }

        public static TrustedProxies none() {
            return new TrustedProxies(Collections.emptyList());
        }

        /** Parses "203.0.113.7", "10.0.0.0/8", "2001:db8::/32"; anything else is a configuration error. */
        public static TrustedProxies of(List<String> entries) {
            List<AddressRange> blocks = new ArrayList<>();
            for (String raw : entries == null ? List.<String>of() : entries) {
                String entry = raw == null ? "" : raw.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                try {
                    blocks.add(AddressRange.parse(entry));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("datafloor.trusted-proxies: " + e.getMessage(), e);
                }
            }
            return new TrustedProxies(blocks);
        }

        public boolean isEmpty() {
            return blocks.isEmpty();
        }

        public boolean contains(String address) {
            byte[] bytes = parse(address);
            return bytes != null && blocks.stream().anyMatch(block -> block.contains(bytes));
        }
    }
}
