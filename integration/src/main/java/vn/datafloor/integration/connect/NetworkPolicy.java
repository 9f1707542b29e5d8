package vn.datafloor.integration.connect;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which addresses a source may reach: the one place outbound connections (HTTP APIs, databases) are
 * guarded against server-side request forgery. A host is resolved once; if any of its addresses is
 * loopback, link-local, private, shared (CGNAT), multicast, unspecified, reserved or an IPv6
 * unique-local or mapped form of those, it is refused — unless the operator allowed that host name
 * or a range holding the address for the organisation (agencies on private networks are real).
 * The addresses returned are the ones to connect to, so a second lookup cannot swap them.
 */
public final class NetworkPolicy {

    /** Public addresses only: nothing allowed beyond them. */
    public static final NetworkPolicy PUBLIC_ONLY = new NetworkPolicy(List.of());

    private final List<String> hosts = new ArrayList<>();
    private final List<AddressRange> ranges = new ArrayList<>();

    /** {@code allowances}: host names ("db.agency.gov.vn") or CIDR ranges ("10.20.0.0/16", "fd00::/8"). */
    public NetworkPolicy(List<String> allowances) {
        for (String allowance : allowances) {
            String a = allowance.strip().toLowerCase(Locale.ROOT);
            if (a.contains("/")) {
                ranges.add(AddressRange.parse(a));
            } else if (!a.isEmpty()) {
                hosts.add(a);
            }
        }
    }

    /** Whether a text is a valid allowance (a host name or a CIDR range); null when it is, else why not. */
    public static String invalidAllowance(String allowance) {
        String a = allowance == null ? "" : allowance.strip();
        if (a.isEmpty() || a.length() > 253) {
            return "Give a host name or a range such as 10.20.0.0/16";
        }
        if (a.contains("/")) {
            try {
                AddressRange.parse(a);
                return null;
            } catch (IllegalArgumentException e) {
                return "Not a range: give an address and a prefix length, such as 10.20.0.0/16";
            }
        }
        return a.matches("[A-Za-z0-9.-]+") ? null : "A host name has letters, digits, '.' and '-' only";
    }

    /**
     * The addresses of {@code host} that may be connected to; throws {@link SecurityRefusal} when the
     * host resolves to a refused address, with the same words whatever is (or is not) listening there.
     */
    public InetAddress[] vet(String host) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw new SourceException("The host " + name + " is not known; check the address");
        }
        boolean hostAllowed = hosts.contains(name.toLowerCase(Locale.ROOT));
        for (InetAddress address : addresses) {
            if (refused(address) && !hostAllowed && ranges.stream().noneMatch(r -> r.contains(address))) {
                throw new SecurityRefusal(
                        "The address of " + name + " is not allowed: it is a loopback, private, link-local"
                                + " or reserved address. If your organisation's system is on a private network, ask the operator"
                                + " to allow this host for your organisation");
            }
        }
        return addresses;
    }

    /** Addresses no source may reach without an allowance. */
    static boolean refused(InetAddress address) {
        if (address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return first == 0
                    || first >= 240 // this network, reserved, broadcast
                    || first == 100 && second >= 64 && second < 128 // shared address space (CGNAT)
                    || first == 192 && second == 0 && (b[2] & 0xFF) == 0 // IETF protocol assignments
                    || first == 198 && (second == 18 || second == 19); // benchmarking
        }
        if (address instanceof Inet6Address) {
            int first = b[0] & 0xFF;
            if ((first & 0xFE) == 0xFC) {
                return true; // unique local fc00::/7
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF) {
                try {
                    return refused(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
            // NAT64 64:ff9b::/96 reaches IPv4 addresses; judge the embedded one.
            if (first == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B) {
                try {
                    return refused(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
