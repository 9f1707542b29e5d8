package vn.datafloor.server.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings under {@code datafloor.*}; see docs/operations.md. */
@ConfigurationProperties("datafloor")
public record DatafloorProperties(
        Path dataDir,
        String publicUrl,
        Ledger ledger,
        Login login,
        ApiKeys apiKeys,
        Oidc oidc,
        @DefaultValue List<String> trustedProxies,
        @DefaultValue("X-Forwarded-For") String clientAddressHeader) {

    public record Ledger(String origin, String keyName, Duration checkpointInterval) {}

    /**
     * @param maxFailures failures of one name from one client address before its back-off starts
     * @param backoff the first back-off; it doubles with each further failure
     * @param maxBackoff the longest back-off
     * @param ipMaxFailuresPerMinute failures from one client address, whatever names, before it is refused
     */
    public record Login(int maxFailures, Duration backoff, Duration maxBackoff, int ipMaxFailuresPerMinute) {}

    public record ApiKeys(Duration maxLifetime) {}

    public record Oidc(boolean enabled) {}

    public Path ledgerDir() {
        return dataDir.resolve("ledger");
    }

    public Path keysDir() {
        return dataDir.resolve("keys");
    }
}
