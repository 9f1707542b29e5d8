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

    public record Login(int maxFailures, Duration lockout, int ipMaxFailuresPerMinute) {}

    public record ApiKeys(Duration maxLifetime) {}

    public record Oidc(boolean enabled) {}

    public Path ledgerDir() {
        return dataDir.resolve("ledger");
    }

    public Path keysDir() {
        return dataDir.resolve("keys");
    }
}
