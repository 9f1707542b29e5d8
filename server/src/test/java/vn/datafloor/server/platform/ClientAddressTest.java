package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static final ClientAddress.TrustedProxies PROXIES =
            ClientAddress.TrustedProxies.of(List.of("192.0.2.10", "10.0.0.0/8", "2001:db8:ffff::/48"));

    @Test
    void withoutTrustedProxiesTheDirectPeerIsTheClientWhateverTheHeaderSays() {
        assertThat(ClientAddress.resolve("203.0.113.5", List.of("198.51.100.1"), ClientAddress.TrustedProxies.none()))
                .isEqualTo("203.0.113.5");
        // Loopback and private ranges are not trusted by default either.
        assertThat(ClientAddress.resolve("127.0.0.1", List.of("198.51.100.1"), ClientAddress.TrustedProxies.none()))
                .isEqualTo("127.0.0.1");
        assertThat(ClientAddress.resolve("10.1.2.3", List.of("198.51.100.1"), ClientAddress.TrustedProxies.none()))
                .isEqualTo("10.1.2.3");
    }

    @Test
    void anUntrustedPeerIsTheClientEvenWhenTrustedProxiesAreConfigured() {
        assertThat(ClientAddress.resolve("203.0.113.5", List.of("198.51.100.1"), PROXIES))
                .isEqualTo("203.0.113.5");
    }

    @Test
    void theChainIsWalkedRightToLeftPastTrustedProxiesOnly() {
        // The client wrote "6.6.6.6" itself; the proxy appended the address it really saw.
        assertThat(ClientAddress.resolve("192.0.2.10", List.of("6.6.6.6", "198.51.100.1"), PROXIES))
                .isEqualTo("198.51.100.1");
        // Two trusted hops (an inner proxy 10.0.0.5) before the client.
        assertThat(ClientAddress.resolve("192.0.2.10", List.of("6.6.6.6", "198.51.100.1", "10.0.0.5"), PROXIES))
                .isEqualTo("198.51.100.1");
        // A forged trusted-looking address further left is never reached.
        assertThat(ClientAddress.resolve("192.0.2.10", List.of("10.9.9.9", "198.51.100.1"), PROXIES))
                .isEqualTo("198.51.100.1");
        // Every hop trusted: the leftmost is as far as anyone can see.
        assertThat(ClientAddress.resolve("192.0.2.10", List.of("10.0.0.7", "10.0.0.5"), PROXIES))
                .isEqualTo("10.0.0.7");
        // No header from a trusted proxy: the proxy itself.
        assertThat(ClientAddress.resolve("192.0.2.10", List.of(), PROXIES)).isEqualTo("192.0.2.10");
        // A hop that is no address stops the walk at the last proxy that could be checked.
        assertThat(ClientAddress.resolve("192.0.2.10", List.of("198.51.100.1", "unknown", "10.0.0.5"), PROXIES))
                .isEqualTo("10.0.0.5");
    }

    @Test
    void headerValuesAreSplitAndCleanedOfPortsAndBrackets() {
        assertThat(ClientAddress.xForwardedForHops(
                        List.of("6.6.6.6, 198.51.100.1:4711", " [2001:db8::1]:443 ,2001:db8::2")))
                .containsExactly("6.6.6.6", "198.51.100.1", "2001:db8::1", "2001:db8::2");
        assertThat(ClientAddress.forwardedHops(List.of(
                        "for=6.6.6.6;proto=http, For=\"[2001:db8::17]:4711\"",
                        "for=198.51.100.1;proto=https;by=192.0.2.10",
                        "proto=https")))
                .containsExactly("6.6.6.6", "2001:db8::17", "198.51.100.1", "unknown");
        assertThat(ClientAddress.forwardedProto(List.of("for=6.6.6.6;proto=http", "for=198.51.100.1;proto=HTTPS")))
                .isEqualTo("https");
        assertThat(ClientAddress.resolve(
                        "192.0.2.10",
                        ClientAddress.forwardedHops(List.of("for=6.6.6.6, for=\"198.51.100.1:1234\"")),
                        PROXIES))
                .isEqualTo("198.51.100.1");
    }

    @Test
    void addressesAreCanonicalAndNamesAreNeverLookedUp() {
        assertThat(ClientAddress.canonical("2001:DB8:0:0::1")).isEqualTo(ClientAddress.canonical("2001:db8::1"));
        assertThat(ClientAddress.canonical("::ffff:198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(ClientAddress.canonical("localhost")).isNull();
        assertThat(ClientAddress.canonical("example.invalid")).isNull();
        assertThat(ClientAddress.canonical("1.2.3")).isNull();
        assertThat(ClientAddress.canonical("256.1.1.1")).isNull();
        assertThat(ClientAddress.canonical("abc:def:ghi::1")).isNull();
    }

    @Test
    void trustedProxiesAreAddressesAndCidrBlocks() {
        assertThat(PROXIES.contains("192.0.2.10")).isTrue();
        assertThat(PROXIES.contains("192.0.2.11")).isFalse();
        assertThat(PROXIES.contains("10.255.0.1")).isTrue();
        assertThat(PROXIES.contains("11.0.0.1")).isFalse();
        assertThat(PROXIES.contains("2001:db8:ffff:1::1")).isTrue();
        assertThat(PROXIES.contains("2001:db8:fffe::1")).isFalse();
        assertThat(PROXIES.contains("::ffff:10.0.0.1")).isTrue();
        assertThat(ClientAddress.TrustedProxies.of(List.of("172.16.0.0/12")).contains("172.31.255.255"))
                .isTrue();
        assertThat(ClientAddress.TrustedProxies.of(List.of("172.16.0.0/12")).contains("172.32.0.0"))
                .isFalse();
        assertThatThrownBy(() -> ClientAddress.TrustedProxies.of(List.of("proxy.example")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.TrustedProxies.of(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ClientAddress.TrustedProxies.of(List.of()).isEmpty()).isTrue();
    }

    @Test
    void throttlesCountAnIpv6SubscriberAsOneAddress() {
        assertThat(ClientAddress.throttleKey("2001:db8:1:2:aaaa::1"))
                .isEqualTo(ClientAddress.throttleKey("2001:db8:1:2:bbbb::9"));
        assertThat(ClientAddress.throttleKey("2001:db8:1:2::1"))
                .isNotEqualTo(ClientAddress.throttleKey("2001:db8:1:3::1"));
        assertThat(ClientAddress.throttleKey("198.51.100.1")).isEqualTo("198.51.100.1");
        assertThat(ClientAddress.throttleKey(null)).isEqualTo("?");
    }
}
