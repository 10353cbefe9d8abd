package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lab.grokking.core.config.Configs;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket upgrades to /api/runs/{id}/stream: counted by the request rate limit (429 before the upgrade), at most
 * http.maxStreamsPerAddress open per client, and a browser page of a foreign Origin refused (403) unless listed in
 * http.allowedOrigins. Before, 300 upgrades from one address in 2.5 s were all accepted, an evil Origin included.
 */
class StreamLimitsTest {
    static final int CAP = 50, BURST = 120, ATTEMPTS = 300;

    @TempDir
    Path dir;

    /** An upgrade request's outcome: the status, the error body if refused, the open socket if upgraded. */
    record Upgrade(int status, String head, String body, Socket socket, InputStream in) {
        JsonNode json() throws IOException {
            JsonNode j = Configs.JSON.readTree(body);
            if (j == null || !j.has("status") || !j.has("problems"))
                throw new AssertionError("not an API error: " + head + body);
            return j;
        }

        String field() throws IOException {
            return json().get("problems").get(0).get("field").asText();
        }

        /** The close code the server sent within {@code millis}, or -1 while the stream stays open and quiet. */
        int closeCode(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                while (true) {
                    int b0 = in.read(), b1 = in.read();
                    if (b0 < 0 || b1 < 0) return 1006;
                    int len = b1 & 0x7f;
                    if (len == 126) len = (in.read() << 8) | in.read();
                    else if (len == 127) throw new IOException("no such large frames here");
                    byte[] payload = in.readNBytes(len);
                    if ((b0 & 0x0f) == 8)
                        return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                }
            } catch (SocketTimeoutException e) {
                return -1;
            }
        }
    }

    /** A raw handshake, so that any Origin can be sent and a refusal's body read. */
    static Upgrade upgrade(int port, String path, String host, String origin) throws IOException {
        return upgrade(port, path, host, origin, null);
    }

    static Upgrade upgrade(int port, String path, String host, String origin, String forwardedFor) throws IOException {
        Socket sock = new Socket("127.0.0.1", port);
        sock.setSoTimeout(10_000);
        sock.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                                + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n") + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        InputStream in = new BufferedInputStream(sock.getInputStream());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("closed during the handshake: " + head);
            head.write(c);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(h.substring(9, 12));
        if (status == 101) return new Upgrade(101, h, "", sock, in);
        String lower = h.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var length = java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(lower);
        if (length.find()) body.write(in.readNBytes(Integer.parseInt(length.group(1))));
        else if (lower.contains("transfer-encoding: chunked"))
            for (int n; (n = Integer.parseInt(SlowBodyTest.line(in).trim(), 16)) > 0; SlowBodyTest.line(in))
                body.write(in.readNBytes(n));
        sock.close();
        return new Upgrade(status, h, body.toString(StandardCharsets.UTF_8), null, null);
    }

    /** A run that stays QUEUED behind a long one on the single worker: its streams are open and quiet. */
    static String quietRun(TestServer s) {
        s.start(TestServer.mcConfig(1_000_000_000, 1));
        return s.start(TestServer.mcConfig(1000, 2));
    }

    @Test
    void aBurstOfUpgradesGetsAtMostTheCapOpenThenTheRateLimit() throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.maxStreamsPerAddress = CAP;
            cfg.requestBurst = BURST;
            cfg.requestsPerSecond = 10;
        })) {
            int port = s.server.port();
            String path = "/api/runs/" + quietRun(s) + "/stream";
            String host = "localhost:" + port;
            long t0 = System.nanoTime();
            List<Future<Upgrade>> attempts = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
                for (int i = 0; i < ATTEMPTS; i++) attempts.add(pool.submit(() -> upgrade(port, path, host, null)));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int open = 0, closedAtCap = 0, refusedAtCap = 0, refusedByRate = 0;
            List<Upgrade> upgraded = new ArrayList<>();
            for (Future<Upgrade> f : attempts) {
                Upgrade u = f.get();
                if (u.status() == 101) {
                    upgraded.add(u);
                    int code = u.closeCode(200);
                    if (code == -1) open++;
                    else {
                        assertEquals(1013, code, "an upgrade past the cap that raced the count is closed with 1013");
                        closedAtCap++;
                    }
                } else {
                    assertEquals(429, u.status(), u.head() + u.body());
                    assertEquals(429, u.json().get("status").asInt());
                    assertTrue(u.head().contains("Retry-After"), u.head());
                    switch (u.field()) {
                        case "maxStreamsPerAddress" -> refusedAtCap++;
                        case "requestsPerSecond" -> refusedByRate++;
                        default -> fail("429 naming " + u.field() + ": " + u.body());
                    }
                }
            }
            System.out.printf(
                    "stream upgrades from one address: %d in %.2f s -> %d open (cap %d), %d upgraded then closed"
                            + " 1013, %d refused 429 maxStreamsPerAddress, %d refused 429 requestsPerSecond (burst"
                            + " %d)%n",
                    ATTEMPTS, seconds, open, CAP, closedAtCap, refusedAtCap, refusedByRate, BURST);
            assertEquals(CAP, open, "exactly the cap stays open");
            assertEquals(ATTEMPTS, open + closedAtCap + refusedAtCap + refusedByRate);
            assertTrue(refusedAtCap > 0, "the cap refuses before the upgrade");
            assertTrue(refusedByRate > 0, "upgrades count against the request rate: the burst ran out");
            assertTrue(
                    open + closedAtCap + refusedAtCap <= BURST + 10 * seconds + 1,
                    "no more upgrades passed the rate limit than its burst and refill");

            for (Upgrade u : upgraded) u.socket().close();
            TestServer.sleep(1000); // streams closed; the bucket refills
            Upgrade after = upgrade(port, path, host, null);
            assertEquals(101, after.status(), "a stream opens again once others closed: " + after.body());
            after.socket().close();
        }
    }

    @Test
    void aForeignOriginIsRefusedAndTheServersOwnOrNoneOrAListedOneIsNot() throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.allowedOrigins =
                    Origins.parseList("http.allowedOrigins", "https://lab.example.org, http://localhost:5173");
        })) {
            int port = s.server.port();
            String path = "/api/runs/" + quietRun(s) + "/stream";
            String host = "localhost:" + port;

            Upgrade evil = upgrade(port, path, host, "http://evil.example");
            assertEquals(403, evil.status(), evil.head());
            assertEquals(403, evil.json().get("status").asInt());
            assertEquals("Origin", evil.field(), evil.body());
            assertTrue(evil.json().get("error").asText().contains("http://evil.example"), evil.body());

            for (String refused : List.of(
                    "null", // a sandboxed frame or a file
                    "http://127.0.0.1:" + port, // the same server by another name is another origin
                    "http://localhost:" + (port + 1),
                    "http://lab.example.org", // listed for https only
                    "http://localhost:" + port + ".evil.example")) {
                Upgrade u = upgrade(port, path, host, refused);
                assertEquals(403, u.status(), refused + ": " + u.head());
                assertEquals("Origin", u.field());
            }

            List<String> accepted = new ArrayList<>();
            accepted.add(null); // no Origin: not a browser
            accepted.addAll(List.of(
                    "http://localhost:" + port, // the dashboard's own pages
                    "HTTP://LOCALHOST:" + port,
                    // the scheme is not compared: behind a TLS proxy the request is http and the page https; the
                    // host and port name this server either way
                    "https://localhost:" + port,
                    "https://lab.example.org",
                    "https://lab.example.org:443",
                    "http://localhost:5173"));
            for (String origin : accepted) {
                Upgrade u = upgrade(port, path, host, origin);
                assertEquals(101, u.status(), origin + ": " + u.head() + u.body());
                assertEquals(-1, u.closeCode(200), origin + ": the stream stays open");
                u.socket().close();
            }
            // behind a TLS proxy the Host has no port and the page's Origin is https
            Upgrade proxied = upgrade(port, path, "lab.school.example", "https://lab.school.example");
            assertEquals(101, proxied.status(), proxied.head() + proxied.body());
            proxied.socket().close();
        }
    }

    @Test
    void theCapIsPerClient() throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.maxStreamsPerAddress = 2;
            cfg.trustedProxy = "127.0.0.1"; // lets the test speak for two clients through X-Forwarded-For
        })) {
            int port = s.server.port();
            String path = "/api/runs/" + quietRun(s) + "/stream";
            List<Upgrade> open = new ArrayList<>();
            for (int i = 0; i < 2; i++) open.add(upgrade(port, path, "localhost:" + port, null, "10.0.0.1"));
            for (Upgrade u : open) assertEquals(-1, u.closeCode(200), "open");
            Upgrade third = upgrade(port, path, "localhost:" + port, null, "10.0.0.1");
            assertEquals(429, third.status());
            assertEquals("maxStreamsPerAddress", third.field());
            Upgrade other = upgrade(port, path, "localhost:" + port, null, "10.0.0.2");
            assertEquals(101, other.status(), "another client has its own count");
            assertEquals(-1, other.closeCode(200), "and stays open");
            open.add(other);
            for (Upgrade u : open) u.socket().close();
        }
    }

    @Test
    void upgradesLeaveNoSessionBehind() throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> cfg.workers = 1)) {
            int port = s.server.port();
            String path = "/api/runs/" + quietRun(s) + "/stream";
            for (int i = 0; i < 30; i++) { // accepted and refused upgrades both created one, kept forever
                Upgrade u = upgrade(port, path, "localhost:" + port, i % 2 == 0 ? null : "http://evil.example");
                assertEquals(i % 2 == 0 ? 101 : 403, u.status());
                if (u.socket() != null) u.socket().close();
            }
            var api = s.server.javalin().jettyServer().server().getDescendant(ServletContextHandler.class);
            DefaultSessionCache sessions =
                    (DefaultSessionCache) api.getSessionHandler().getSessionCache();
            assertEquals(30, sessions.getSessionsTotal(), "Javalin made one per upgrade");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sessions.getSessionsCurrent() > 0 && System.nanoTime() < deadline) TestServer.sleep(20);
            assertEquals(0, sessions.getSessionsCurrent(), "none kept");
        }
    }

    @Test
    void originsAreNormalisedAndABadListIsRefusedByName() {
        assertEquals("https://a.example", Origins.normalise("HTTPS://A.Example:443/"));
        assertEquals("http://a.example:8080", Origins.normalise("http://a.example:8080"));
        assertNull(Origins.normalise("null"));
        assertNull(Origins.normalise("ftp://a.example"));
        assertNull(Origins.normalise("http://a.example/path"));
        assertTrue(Origins.allowed("http://[::1]:7070", "[::1]:7070", List.of()));
        assertFalse(Origins.allowed("http://a.example", "a.example.evil:80", List.of()));
        assertFalse(Origins.allowed("http://a.example", null, List.of()));
        assertEquals(
                List.of("https://a.example", "http://b.example:81"),
                Origins.parseList("http.allowedOrigins", " https://a.example ,, http://b.example:81"));
        var e = assertThrows(
                IllegalArgumentException.class, () -> Origins.parseList("http.allowedOrigins", "a.example"));
        assertTrue(e.getMessage().contains("http.allowedOrigins"), e.getMessage());
    }
}
