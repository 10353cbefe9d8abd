package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/health names the cluster membership and the store (a single JVM on SQLite by default). */
class HealthTest {
    @Test
    void aSingleJvmIsItsOnlyMemberOnSqlite(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir)) {
            TestServer.Response r = s.get("/api/health");
            assertEquals(200, r.status(), r.body());
            JsonNode cluster = r.json().get("cluster");
            assertEquals("{\"mode\":\"single\",\"member\":\"local\",\"members\":[\"local\"]}", cluster.toString());
            JsonNode storage = r.json().get("storage");
            assertEquals("sqlite", storage.get("kind").asText());
            assertEquals(s.dataDir.toString(), storage.get("location").asText());
            assertEquals("ok", r.json().get("status").asText(), "the store's location is no problem");
        }
    }
}
