package vn.datafloor.integration.connect;

import java.net.URI;
import java.util.Locale;

/**
 * An early, friendly check of an HTTP source's URL when it is saved: its form. Whether its address
 * may be reached depends on the organisation's allowances and on what the name resolves to at that
 * moment, so the binding check is {@link NetworkPolicy#vet}, made when the connection is made.
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
        return null;
    }
}
