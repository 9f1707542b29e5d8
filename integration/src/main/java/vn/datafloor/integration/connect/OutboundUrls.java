package vn.datafloor.integration.connect;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * An early, friendly check of an HTTP source's URL when it is saved: its form, and whether it names
 * a refused address literally ({@code 127.0.0.1}, {@code localhost}, {@code [::1]}). The binding check
 * is {@link NetworkPolicy#vet} at connection time, which also catches names that resolve there.
 */
public final class OutboundUrls {

    private OutboundUrls() {}

    /** Why the URL cannot be used, or null. */
    public static String problem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "Not a valid URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
            return "Give an http(s) URL with a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "Put credentials in the secret field, not in the URL";
        }
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean literal = bare.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
        if ("localhost".equalsIgnoreCase(bare) || bare.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
            return "The address of " + bare + " is not allowed: it is this server itself";
        }
        if (literal) {
            try {
                // Private ranges may be allowed for an organisation, which is known only when the source is used.
                InetAddress address = InetAddress.getByName(bare);
                if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                        || address.isMulticastAddress()) {
                    return "The address " + bare + " is not allowed: it is this server, a link-local or a multicast address";
                }
            } catch (UnknownHostException e) {
                return "Not a valid address: " + bare;
            }
        }
        return null;
    }
}
