package vn.datafloor.server.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import vn.datafloor.integration.connect.InputLimits;

/** Settings under {@code datafloor.*}; see docs/operations.md. */
@ConfigurationProperties("datafloor")
public record DatafloorProperties(
        Path dataDir,
        String publicUrl,
        Ledger ledger,
        Login login,
        ApiKeys apiKeys,
        Oidc oidc,
        Integration integration,
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

    /** {@code datafloor.integration.*}: only the limits are bound here; the other keys are read where they are used. */
    public record Integration(Limits limits) {}

    /**
     * {@code datafloor.integration.limits.*}: what a source file or upload may expand to once read (see
     * {@link InputLimits}); an unset limit keeps its default.
     */
    public record Limits(
            Long maxDecompressedBytes,
            Long maxRows,
            Integer maxColumns,
            Integer maxCellBytes,
            Integer maxZipEntries,
            Integer maxCompressionRatio) {

        InputLimits toInputLimits() {
            InputLimits d = InputLimits.DEFAULTS;
            return new InputLimits(
                    or(maxDecompressedBytes, d.maxDecompressedBytes()),
                    or(maxRows, d.maxRows()),
                    or(maxColumns, d.maxColumns()),
                    or(maxCellBytes, d.maxCellBytes()),
                    or(maxZipEntries, d.maxZipEntries()),
                    or(maxCompressionRatio, d.maxCompressionRatio()));
        }

        private static <T> T or(T value, T fallback) {
            return value == null ? fallback : value;
        }
    }

    /** The limits every source file and upload is read under. */
    public InputLimits inputLimits() {
        return integration == null || integration.limits() == null
                ? InputLimits.DEFAULTS
                : integration.limits().toInputLimits();
    }

    public Path ledgerDir() {
        return dataDir.resolve("ledger");
    }

    public Path keysDir() {
        return dataDir.resolve("keys");
    }
}
