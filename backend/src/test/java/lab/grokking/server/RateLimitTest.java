package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request rate per client: a burst, then the sustained rate; 429 names the limit and says when to retry. */
class RateLimitTest {
    @Test
    void aBucketAllowsItsBurstThenRefillsAtItsRate() {
        AtomicLong now = new AtomicLong();
        RateLimiter r = new RateLimiter(10, 3, now::get);
        for (int i = 0; i < 3; i++) assertEquals(0, r.tryAcquire("a"), "burst " + i);
        assertEquals(0.1, r.tryAcquire("a"), 1e-9, "empty: one token is 0.1 s away");
        assertEquals(0, r.tryAcquire("b"), "another client has its own bucket");
        now.addAndGet(100_000_000); // 0.1 s: one token
        assertEquals(0, r.tryAcquire("a"));
        assertTrue(r.tryAcquire("a") > 0);
        now.addAndGet(60_000_000_000L); // a minute idle refills only up to the burst
        for (int i = 0; i < 3; i++) assertEquals(0, r.tryAcquire("a"));
        assertTrue(r.tryAcquire("a") > 0);
    }

    @Test
    void badSettingsAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 5))
                .getMessage()
                .contains("http.requestsPerSecond"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RateLimiter(5, 0.5))
                .getMessage()
                .contains("http.requestBurst"));
    }

    @Test
    void aFloodingClientGets429WithRetryAfterWhileOthersAreServed(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.requestsPerSecond = 1;
            cfg.requestBurst = 5;
            cfg.trustedProxy = "127.0.0.1"; // lets the test speak for two clients through X-Forwarded-For
        })) {
            // warm the endpoint from another client: its first call can take over a second on a loaded machine, and
            // the bucket refills by one meanwhile
            s.send(HttpRequest.newBuilder(URI.create(s.url("/api/presets")))
                    .header("X-Forwarded-For", "10.0.0.9")
                    .GET());
            TestServer.Response last = null;
            int ok = 0;
            for (int i = 0; i < 8; i++) {
                last = s.send(HttpRequest.newBuilder(URI.create(s.url("/api/presets")))
                        .header("X-Forwarded-For", "10.0.0.1")
                        .GET());
                if (last.status() == 200) ok++;
            }
            assertEquals(5, ok, "the burst");
            assertEquals(429, last.status(), last.body());
            assertEquals(
                    "requestsPerSecond",
                    last.json().get("problems").get(0).get("field").asText());
            assertTrue(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow()) >= 1);
            TestServer.Response other = s.send(HttpRequest.newBuilder(URI.create(s.url("/api/presets")))
                    .header("X-Forwarded-For", "10.0.0.2")
                    .GET());
            assertEquals(200, other.status(), "another client is served");
        }
    }

    @Test
    void xForwardedForIsIgnoredWithoutATrustedProxy(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.requestsPerSecond = 1;
            cfg.requestBurst = 3;
        })) {
            int ok = 0;
            for (int i = 0; i < 6; i++) // a new forged address each time: still one client, the socket's
            if (s.send(HttpRequest.newBuilder(URI.create(s.url("/api/presets")))
                                        .header("X-Forwarded-For", "10.0.0." + i)
                                        .GET())
                                .status()
                        == 200) ok++;
            assertEquals(3, ok);
        }
    }
}
