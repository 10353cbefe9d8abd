package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every response carries the headers that stop a browser from sniffing JSON into HTML, leaking URLs (run ids are
 * share links) in Referer, framing the server (clickjacking), or running anything the API returns. HSTS only over
 * TLS (TlsTest). The dashboard's pages are checked in Chromium (DashboardIT).
 */
class SecurityHeadersTest {
    static void secured(String what, HttpHeaders h) {
        assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(null), what);
        assertEquals("same-origin", h.firstValue("Referrer-Policy").orElse(null), what);
        assertEquals("DENY", h.firstValue("X-Frame-Options").orElse(null), what);
        String csp = h.firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), what + ": " + csp);
        assertTrue(h.firstValue("Strict-Transport-Security").isEmpty(), what + ": no HSTS over plain HTTP");
    }

    @Test
    void everyApiResponseCarriesTheHeaders(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.requestsPerSecond = 1;
            cfg.requestBurst = 30;
            cfg.maxRequestBytes = 1000;
        })) {
            String id = s.start(TestServer.mcConfig(200, 1));
            s.awaitEnd(id, 60);
            String[][] cases = {
                {"GET", "/api/health", "200"},
                {"GET", "/api/openapi.json", "200"},
                {"GET", "/api/runs/" + id + "/metrics?format=csv", "200"},
                {"GET", "/api/runs/" + id + "/config", "200"},
                {"GET", "/api/runs/nope", "404"},
                {"GET", "/api/nothing-here", "404"},
                {"PUT", "/api/runs", "405"},
                {"GET", "/api/runs?limit=0", "400"},
                {"POST", "/api/runs", "413"},
                {"GET", "/", "404"}, // no dashboard here: Jetty's own answer
                {"DELETE", "/api/runs/" + id, "204"}
            };
            for (String[] c : cases) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url(c[1])));
                b = c[0].equals("POST")
                        ? b.header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(" ".repeat(5000)))
                        : b.method(c[0], HttpRequest.BodyPublishers.noBody());
                TestServer.Response r = s.send(b);
                assertEquals(Integer.parseInt(c[2]), r.status(), c[0] + " " + c[1] + ": " + r.body());
                secured(c[0] + " " + c[1], r.headers());
            }
            secured(
                    "415",
                    s.send(CrossOriginTest.post(s, "/api/runs", "text/plain", "{}"))
                            .headers());
            secured(
                    "403",
                    s.send(CrossOriginTest.post(s, "/api/runs", "application/json", "{}")
                                    .header("Origin", "https://evil.example"))
                            .headers());
            TestServer.Response limited;
            do limited = s.get("/api/health");
            while (limited.status() != 429);
            secured("429", limited.headers());
        }
    }

    @Test
    void requestsJettyRefusesBeforeAnyHandlerCarryThemToo(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir);
                Socket sock = new Socket("localhost", s.server.port())) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write("GET /api/health HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            String head =
                    new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 400"), head);
            assertTrue(head.contains("x-content-type-options: nosniff"), head);
            assertTrue(head.contains("x-frame-options: deny"), head);
        }
    }
}
