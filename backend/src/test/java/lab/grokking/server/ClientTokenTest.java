package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-browser client token: minted once by the guard, read from cookie or header, the unit of per-client rules. */
class ClientTokenTest {
    static final String A = "AAAAAAAAAAAAAAAAAAAAAA", B = "BBBBBBBBBBBBBBBBBBBBBB";

    private static String minted(TestServer.Response r) {
        List<String> cookies = r.headers().allValues("Set-Cookie");
        assertEquals(1, cookies.size(), cookies.toString());
        return cookies.get(0);
    }

    private static TestServer.Response withCookie(TestServer s, String path, String token) {
        return s.send(HttpRequest.newBuilder(URI.create(s.url(path)))
                .header("Cookie", Clients.COOKIE + "=" + token)
                .GET());
    }

    @Test
    void theCookieIsMintedOnceOnAnyPathAndThenReused(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            String cookie = minted(s.get("/api/health"));
            assertTrue(
                    cookie.matches("groklab_client=[A-Za-z0-9_-]{22}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax"),
                    cookie);
            String token = cookie.substring(Clients.COOKIE.length() + 1, Clients.COOKIE.length() + 23);
            assertNotEquals(
                    token, minted(s.get("/api/health")).substring(15, 37), "a fresh token per tokenless request");
            assertFalse(minted(s.get("/not-the-api")).isEmpty(), "the guard sits before everything, not only the API");
            TestServer.Response again = withCookie(s, "/api/health", token);
            assertEquals(200, again.status());
            assertTrue(again.headers().allValues("Set-Cookie").isEmpty(), "a valid cookie is kept, not replaced");
            assertTrue(
                    s.get("/api/health", token)
                            .headers()
                            .allValues("Set-Cookie")
                            .isEmpty(),
                    "nor a valid header");
        }
    }

    @Test
    void theHeaderAndTheCookieNameTheSameClientAndAMalformedTokenCountsAsNone(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            assertEquals(
                    201, s.post("/api/runs", TestServer.mcConfig(200, 1), A).status());
            assertEquals(1, s.get("/api/runs", A).json().get("total").asInt());
            assertEquals(1, withCookie(s, "/api/runs", A).json().get("total").asInt(), "the cookie is the same client");
            assertEquals(0, s.get("/api/runs", B).json().get("total").asInt(), "another token sees none of A's runs");
            assertEquals(0, s.get("/api/runs").json().get("total").asInt(), "nor does the bare address");
            for (String bad : List.of("short", A + "A", "AAAAAAAAAAAAAAAAAAAA!A", "AAAAAAAAAAAAAAAAAAAA%2F")) {
                TestServer.Response r = s.post("/api/runs", TestServer.mcConfig(200, 2), bad);
                assertTrue(r.status() == 201 || r.status() == 200, bad + ": never an error, got " + r.status());
                assertFalse(r.headers().allValues("Set-Cookie").isEmpty(), bad + ": treated as no token");
            }
            assertEquals(
                    1,
                    s.get("/api/runs").json().get("total").asInt(),
                    "malformed tokens are the address: one run (the identical posts share it)");
        }
    }

    @Test
    void twoTokensBehindOneAddressHaveTheirOwnLimitsAndLists(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.perClientRunning = 1;
            cfg.perClientQueued = 1;
        })) {
            String running = s.post("/api/runs", TestServer.mcConfig(50_000_000, 1), A)
                    .json()
                    .get("id")
                    .asText();
            assertEquals(
                    201, s.post("/api/runs", TestServer.mcConfig(1000, 2), A).status());
            TestServer.Response over = s.post("/api/runs", TestServer.mcConfig(1000, 3), A);
            assertEquals(429, over.status(), over.body());
            assertEquals("perClientQueued", over.json().at("/problems/0/field").asText());
            TestServer.Response b = s.post("/api/runs", TestServer.mcConfig(1000, 4), B);
            assertEquals(201, b.status(), "B is another client behind the same address: " + b.body());
            assertEquals(2, s.get("/api/runs", A).json().get("total").asInt());
            assertEquals(1, s.get("/api/runs", B).json().get("total").asInt());
            TestServer.Response notMine = s.post("/api/runs/" + running + "/cancel", "", B);
            assertEquals(403, notMine.status(), "only A cancels A's run: " + notMine.body());
            assertEquals(202, s.post("/api/runs/" + running + "/cancel", "", A).status(), "it stops at its next step");
        }
    }

    @Test
    void aClientWithoutATokenIsHeldByTheAddressWithoutStarvingTheTokensBehindIt(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.requestsPerSecond = 1;
            cfg.requestBurst = 5;
            cfg.addressRequestsPerSecond = 1000;
            cfg.addressRequestBurst = 1000;
        })) {
            int refused = 0;
            for (int i = 0; i < 30; i++) if (s.get("/api/presets").status() == 429) refused++;
            assertTrue(refused >= 20, "the tokenless client gets its address's per-client bucket: " + refused);
            TestServer.Response r = s.get("/api/presets");
            assertEquals("requestsPerSecond", r.json().at("/problems/0/field").asText(), r.body());
            assertEquals(200, s.get("/api/presets", A).status(), "a token behind the same address is served");
            assertEquals(200, s.get("/api/presets", B).status());
        }
    }

    @Test
    void theAddressLimitBoundsEveryClientBehindItTogether(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.addressRequestsPerSecond = 1;
            cfg.addressRequestBurst = 5;
        })) {
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                String token = Clients.newToken(); // a fresh token per request gains nothing beyond the address
                TestServer.Response r = s.get("/api/presets", token);
                if (r.status() == 429) {
                    refused++;
                    assertEquals(
                            "address.requestsPerSecond",
                            r.json().at("/problems/0/field").asText(),
                            r.body());
                }
            }
            assertTrue(refused >= 4, "refused " + refused);
        }
    }
}
