package vn.datafloor.server.access;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket per agreement: up to one second's worth of requests at once, refilled continuously.
 * It measures elapsed time with {@link System#nanoTime()}, which only orders requests; no business date
 * depends on it.
 */
final class RateLimits {

    private final int perSecond;
    private final ConcurrentMap<Long, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimits(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("datafloor.access.requests-per-second must be at least 1");
        }
        this.perSecond = perSecond;
    }

    /** Takes one request's token for the agreement; false when its bucket is empty. */
    boolean take(long agreementId) {
        return buckets.computeIfAbsent(agreementId, id -> new Bucket(perSecond)).take(perSecond, System.nanoTime());
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int perSecond) {
            this.tokens = perSecond;
            this.last = System.nanoTime();
        }

        synchronized boolean take(int perSecond, long now) {
            tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
