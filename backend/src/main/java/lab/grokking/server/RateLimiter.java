package lab.grokking.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Requests per client: a token bucket of {@code burst} requests refilled at {@code perSecond}. Buckets of idle
 * clients expire, so a flood of addresses cannot grow memory without bound.
 */
public final class RateLimiter {
    private final double perSecond, burst;
    private final LongSupplier nanos;
    private final Cache<String, double[]> buckets; // {tokens, last refill nanos}

    public RateLimiter(double perSecond, double burst) {
        this(perSecond, burst, System::nanoTime);
    }

    RateLimiter(double perSecond, double burst, LongSupplier nanos) {
        if (!(perSecond > 0))
            throw new IllegalArgumentException("http.requestsPerSecond must be > 0, got " + perSecond);
        if (!(burst >= 1)) throw new IllegalArgumentException("http.requestBurst must be >= 1, got " + burst);
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanos = nanos;
        buckets = Caffeine.newBuilder()
                .expireAfterAccess(Duration.ofMinutes(10))
                .maximumSize(100_000)
                .build();
    }

    /** 0 if the request may proceed (and is counted), else the seconds until it would. */
    public double tryAcquire(String client) {
        double[] b = buckets.get(client, k -> new double[] {burst, nanos.getAsLong()});
        synchronized (b) {
            long now = nanos.getAsLong();
            b[0] = Math.min(burst, b[0] + (now - (long) b[1]) / 1e9 * perSecond);
            b[1] = now;
            if (b[0] >= 1) {
                b[0] -= 1;
                return 0;
            }
            return (1 - b[0]) / perSecond;
        }
    }
}
