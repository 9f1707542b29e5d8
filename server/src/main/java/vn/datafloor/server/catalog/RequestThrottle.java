package vn.datafloor.server.catalog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Limits dataset requests to a number per hour (a fixed window) per signed-in person or, for anonymous
 * visitors, per client address (an IPv6 /64 counts as one), so the public request list cannot be flooded.
 * In memory: each server limits its own share behind a load balancer.
 */
@Component
class RequestThrottle {

    private record Window(Instant start, int count) {}

    private static final Duration WINDOW = Duration.ofHours(1);

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int perHour;

    RequestThrottle(Clock clock, @Value("${datafloor.catalog.requests-per-hour:5}") int perHour) {
        this.clock = clock;
        this.perHour = perHour;
    }

    /** Counts a request of {@code key}; false when it has used its allowance of the current hour. */
    boolean tryAcquire(String key) {
        Instant now = clock.instant();
        if (windows.size() > 100_000) {
            windows.entrySet().removeIf(e -> !now.isBefore(e.getValue().start().plus(WINDOW)));
        }
        Window window = windows.compute(
                key,
                (k, w) -> w == null || !now.isBefore(w.start().plus(WINDOW))
                        ? new Window(now, 1)
                        : new Window(w.start(), w.count() + 1));
        return window.count() <= perHour;
    }

    /** Seconds until the key's window ends. */
    long retryAfterSeconds(String key) {
        Window w = windows.get(key);
        return w == null
                ? 0
                : Math.max(
                        1,
                        Duration.between(clock.instant(), w.start().plus(WINDOW))
                                .toSeconds());
    }

    int perHour() {
        return perHour;
    }
}
