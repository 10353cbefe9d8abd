package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.config.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DNS rebinding: a page on evil.example re-points its name at this server, and the browser then treats the server
 * as evil.example's own (same origin, so the Origin check passes). With http.allowedHosts set, a request naming
 * another Host is refused before any route: API, streams and every other path.
 */
class AllowedHostsTest {
    /** Status line, headers (lower-cased names) and body of one raw request with the given Host. */
    static String[] request(int port, String method, String path, String host) throws IOException {
        try (Socket sock = new Socket("localhost", port)) {
            sock.setSoTimeout(10_000);
            OutputStream out = sock.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = sock.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            return new String[] {
                all.substring(0, all.indexOf("\r\n")),
                all.substring(0, split).toLowerCase(Locale.ROOT),
                all.substring(split + 4)
            };
        }
    }

    @Test
    void anUnlistedHostIsRefusedEverywhere(@TempDir Path dir) throws Exception {
        try (TestServer s =
                new TestServer(dir, cfg -> cfg.allowedHosts = List.of("localhost", "lab.example.org:8443"))) {
            int port = s.server.port();
            for (String path : new String[] {"/api/health", "/api/runs", "/api/runs/x/stream", "/", "/favicon.ico"}) {
                String[] r = request(port, "GET", path, "evil.example:" + port);
                assertTrue(r[0].contains(" 421 "), path + ": " + r[0]);
                JsonNode j = Configs.JSON.readTree(r[2]);
                assertEquals(421, j.get("status").asInt());
                assertEquals("Host", j.get("problems").get(0).get("field").asText());
                assertTrue(r[1].contains("content-type: application/json"), r[1]);
                assertTrue(r[1].contains("x-content-type-options: nosniff"), r[1]);
            }
            assertTrue(request(port, "POST", "/api/runs", "127.0.0.1:" + port)[0].contains(" 421 "));
            assertTrue(
                    request(port, "GET", "/api/health", "lab.example.org:" + port)[0].contains(" 421 "),
                    "a host:port entry matches that port only");
            // listed: a name on any port (case-insensitive), a host:port on its port
            assertTrue(request(port, "GET", "/api/health", "localhost:" + port)[0].contains(" 200 "));
            assertTrue(request(port, "GET", "/api/health", "LocalHost:" + port)[0].contains(" 200 "));
            assertTrue(request(port, "GET", "/api/health", "lab.example.org:8443")[0].contains(" 200 "));
            assertEquals(200, s.get("/api/health").status(), "the JDK client names localhost");
        }
    }

    @Test
    void byDefaultAnyHostIsServed(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), ServerConfig.load(java.util.Map.of()).allowedHosts);
        try (TestServer s = new TestServer(dir)) {
            assertTrue(request(s.server.port(), "GET", "/api/health", "anything.example")[0].contains(" 200 "));
        }
    }
}
