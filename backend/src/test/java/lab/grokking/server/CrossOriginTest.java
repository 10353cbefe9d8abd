package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-site request forgery: a page on another site makes its visitors' browsers send requests here. A browser
 * names where a request comes from (Origin, Sec-Fetch-Site); a state-changing request from anywhere but this
 * server's own pages (or a listed origin) is refused and changes nothing; clients that send neither header work.
 */
class CrossOriginTest {
    static final String EVIL = "https://evil.example";

    static HttpRequest.Builder post(TestServer s, String path, String type, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url(path)))
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return type == null ? b : b.header("Content-Type", type);
    }

    static void refusedNaming(TestServer.Response r, int status, String field) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
        assertEquals(status, r.json().get("status").asInt());
        assertEquals(field, r.json().get("problems").get(0).get("field").asText(), r.body());
    }

    static int runs(TestServer s) {
        return s.get("/api/runs").json().get("total").asInt();
    }

    @Test
    void aForeignPagesPostsAreRefusedAndStartNothing(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String config = TestServer.mcConfig(200, 1);
            // what a form or a no-cors fetch on evil.example sends: no preflight for text/plain
            refusedNaming(s.send(post(s, "/api/runs", "text/plain", config).header("Origin", EVIL)), 403, "Origin");
            refusedNaming(
                    s.send(post(s, "/api/runs", "application/json", config).header("Origin", EVIL)), 403, "Origin");
            refusedNaming(
                    s.send(post(s, "/api/runs", "application/json", config)
                            .header("Origin", EVIL)
                            .header("Sec-Fetch-Site", "cross-site")),
                    403,
                    "Origin");
            // Origin "null": a sandboxed frame, a data: page or a cross-site redirect
            refusedNaming(
                    s.send(post(s, "/api/runs", "application/json", config).header("Origin", "null")), 403, "Origin");
            // the same host on another port or scheme is another origin
            refusedNaming(
                    s.send(post(s, "/api/runs", "application/json", config)
                            .header("Origin", "http://localhost:" + (s.server.port() + 1))),
                    403,
                    "Origin");
            refusedNaming(
                    s.send(post(s, "/api/runs", "application/json", config)
                            .header("Origin", "https://localhost:" + s.server.port())),
                    403,
                    "Origin");
            refusedNaming(
                    s.send(post(s, "/api/labs", "application/json", "{\"preset\":\"fig3-classroom\"}")
                            .header("Origin", EVIL)),
                    403,
                    "Origin");
            assertEquals(0, runs(s), "nothing was started");
        }
    }

    @Test
    void secFetchSiteOtherThanSameOriginOrNoneIsRefused(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String config = TestServer.mcConfig(200, 2);
            // no Origin at all: the browser's Sec-Fetch-Site alone decides
            for (String site : new String[] {"cross-site", "same-site", "CROSS-SITE"})
                refusedNaming(
                        s.send(post(s, "/api/runs", "application/json", config).header("Sec-Fetch-Site", site)),
                        403,
                        "Origin");
            assertEquals(0, runs(s));
            // typed into the address bar or a bookmark: none
            assertEquals(
                    201,
                    s.send(post(s, "/api/runs", "application/json", config).header("Sec-Fetch-Site", "none"))
                            .status());
        }
    }

    @Test
    void theServersOwnPagesAndNonBrowserClientsMayPost(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String self = "http://localhost:" + s.server.port();
            TestServer.Response own = s.send(post(s, "/api/runs", "application/json", TestServer.mcConfig(200, 3))
                    .header("Origin", self)
                    .header("Sec-Fetch-Site", "same-origin"));
            assertEquals(201, own.status(), own.body());
            // scheme and host compare case-insensitively
            assertEquals(
                    201,
                    s.send(post(s, "/api/runs", "application/json", TestServer.mcConfig(200, 4))
                                    .header("Origin", "HTTP://LOCALHOST:" + s.server.port()))
                            .status());
            // curl, the CLI, scripts: neither header
            assertEquals(201, s.post("/api/runs", TestServer.mcConfig(200, 5)).status());
            // a read is no forgery: GETs from anywhere are answered
            assertEquals(
                    200,
                    s.send(HttpRequest.newBuilder(URI.create(s.url("/api/runs")))
                                    .header("Origin", EVIL)
                                    .header("Sec-Fetch-Site", "cross-site"))
                            .status());
        }
    }

    @Test
    void aForeignPageCannotCancelOrRemoveARunWhoseIdItKnows(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.workers = 1)) {
            String running = s.start(TestServer.mcConfig(50_000_000, 6));
            while (!s.get("/api/runs/" + running).json().get("status").asText().equals("RUNNING")) TestServer.sleep(10);
            // a bodiless cross-site POST is a "simple" request: no preflight, so only the Origin check stops it
            refusedNaming(
                    s.send(post(s, "/api/runs/" + running + "/cancel", null, null)
                            .header("Origin", EVIL)),
                    403,
                    "Origin");
            refusedNaming(
                    s.send(post(s, "/api/runs/" + running + "/cancel", null, null)
                            .header("Sec-Fetch-Site", "cross-site")),
                    403,
                    "Origin");
            refusedNaming(
                    s.send(HttpRequest.newBuilder(URI.create(s.url("/api/runs/" + running)))
                            .DELETE()
                            .header("Origin", EVIL)),
                    403,
                    "Origin");
            TestServer.sleep(300);
            assertEquals(
                    "RUNNING",
                    s.get("/api/runs/" + running).json().get("status").asText());

            // the same bodiless cancel from the server's own page works
            TestServer.Response own = s.send(post(s, "/api/runs/" + running + "/cancel", null, null)
                    .header("Origin", "http://localhost:" + s.server.port())
                    .header("Sec-Fetch-Site", "same-origin"));
            assertEquals(202, own.status(), own.body());
            assertEquals("CANCELLED", s.awaitEnd(running, 60).get("status").asText());
        }
    }

    @Test
    void aListedOriginIsTrusted(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.allowedOrigins = List.of("https://Lab.Example.org"))) {
            // behind a proxy that rewrites Host: the browser's origin is the proxy's public one
            TestServer.Response r = s.send(post(s, "/api/runs", "application/json", TestServer.mcConfig(200, 7))
                    .header("Origin", "https://lab.example.org:443")
                    .header("Sec-Fetch-Site", "same-origin"));
            assertEquals(201, r.status(), r.body());
            refusedNaming(
                    s.send(post(s, "/api/runs", "application/json", TestServer.mcConfig(200, 8))
                            .header("Origin", "https://other.example.org")),
                    403,
                    "Origin");
        }
    }

    @Test
    void theOriginSettingIsReadAndCheckedAtStart() {
        String key = "groklab.http.allowedOrigins";
        try {
            System.setProperty(key, " https://a.example , http://b.example:8080 ,");
            assertEquals(
                    List.of("https://a.example", "http://b.example:8080"), ServerConfig.load(Map.of()).allowedOrigins);
            System.setProperty(key, "https://a.example/path");
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(Map.of()));
            assertTrue(e.getMessage().contains("http.allowedOrigins"), e.getMessage());
        } finally {
            System.clearProperty(key);
        }
        assertEquals(List.of(), ServerConfig.load(Map.of()).allowedOrigins, "default: none");
    }
}
