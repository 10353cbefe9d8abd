package lab.grokking.server;

import static lab.grokking.server.CrossOriginTest.refusedNaming;
import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's integrity check reads the whole store: an admin diagnostic, run only for the admin token
 * ({@code Authorization: Bearer}), never for an anonymous caller, and off while no token is set.
 */
class AdminTokenTest {
    static final String TOKEN = "s3cret-admin-token-0123456789";

    static TestServer.Response health(TestServer s, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url("/api/health?check=store")));
        return s.send(authorization == null ? b : b.header("Authorization", authorization));
    }

    @Test
    void withoutATokenTheCheckIsOffForEveryone(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            refusedNaming(health(s, null), 403, "admin.token");
            refusedNaming(health(s, "Bearer " + TOKEN), 403, "admin.token");
            refusedNaming(health(s, "Bearer "), 403, "admin.token");
            // plain health stays public
            TestServer.Response plain = s.get("/api/health");
            assertEquals(200, plain.status());
            assertFalse(plain.json().has("store"), plain.body());
        }
    }

    @Test
    void onlyTheRightBearerTokenRunsTheCheck(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> cfg.adminToken = TOKEN)) {
            TestServer.Response anonymous = health(s, null);
            refusedNaming(anonymous, 401, "Authorization");
            assertTrue(anonymous
                    .headers()
                    .firstValue("WWW-Authenticate")
                    .orElse("")
                    .startsWith("Bearer"));
            assertFalse(anonymous.json().has("store"));
            for (String wrong : new String[] {
                "Bearer wrong",
                "Bearer " + TOKEN + "x",
                "Bearer " + TOKEN.substring(1),
                "Basic " + TOKEN,
                TOKEN,
                "Bearer " + TOKEN.toUpperCase()
            }) {
                TestServer.Response r = health(s, wrong);
                refusedNaming(r, 403, "Authorization");
                assertFalse(r.body().contains(TOKEN), "never echoes the token");
            }
            TestServer.Response admin = health(s, "Bearer " + TOKEN);
            assertEquals(200, admin.status(), admin.body());
            assertEquals("ok", admin.json().get("store").asText());
            assertEquals("ok", admin.json().get("status").asText());
            assertEquals(200, health(s, "bearer  " + TOKEN + " ").status(), "the scheme is case-insensitive");
            assertEquals(200, s.get("/api/health").status(), "plain health needs no token");
        }
    }

    @Test
    void theTokenComesFromSettingsOrTheEnvironmentAndMustBeLong() {
        assertNull(ServerConfig.load(Map.of()).adminToken, "default: no token, the check is off");
        assertEquals(TOKEN, ServerConfig.load(Map.of("GROKLAB_ADMIN_TOKEN", TOKEN)).adminToken);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ServerConfig.load(Map.of("GROKLAB_ADMIN_TOKEN", "short")));
        assertTrue(e.getMessage().contains("admin.token"), e.getMessage());
        try {
            System.setProperty("groklab.admin.token", TOKEN);
            assertEquals(TOKEN, ServerConfig.load(Map.of()).adminToken);
        } finally {
            System.clearProperty("groklab.admin.token");
        }
    }
}
