package vn.datafloor.server.catalog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import vn.datafloor.server.platform.ClientAddress;

/**
 * Limits open-data downloads per client address (as {@link ClientAddress} decides it; an IPv6 /64
 * counts as one) to a number per minute (a fixed window), so one client cannot hog the portal. In
 * memory: each server limits its own share behind a load balancer.
 */
@Component
class DownloadThrottle {

    private record Window(Instant start, int count) {}

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int perMinute;

    DownloadThrottle(Clock clock, @Value("${datafloor.catalog.downloads-per-minute:30}") int perMinute) {
        this.clock = clock;
        this.perMinute = perMinute;
    }

    /** Counts a download; false when the client has used its allowance of the current minute. */
    boolean tryAcquire(String client) {
        Instant now = clock.instant();
        if (windows.size() > 100_000) {
            windows.entrySet()
                    .removeIf(e ->
                            e.getValue().start().plus(Duration.ofMinutes(1)).isBefore(now));
        }
        Window window = windows.compute(
                ClientAddress.throttleKey(client),
                (k, w) -> w == null || !now.isBefore(w.start().plus(Duration.ofMinutes(1)))
                        ? new Window(now, 1)
                        : new Window(w.start(), w.count() + 1));
        return window.count() <= perMinute;
    }

    /** Seconds until the client's window ends. */
    long retryAfterSeconds(String client) {
        Window w = windows.get(ClientAddress.throttleKey(client));
        if (w == null) {
            return 0;
        }
        return Math.max(
                1,
                Duration.between(clock.instant(), w.start().plus(Duration.ofMinutes(1)))
                        .toSeconds());
    }

    int perMinute() {
        return perMinute;
    }
}
