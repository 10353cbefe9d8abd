package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs stopped mid-way (a graceful shutdown, a cancel) resume from their checkpoint and end with exactly the
 * metrics of an uninterrupted run. The kill -9 variant runs the jar as a process: e2e-tests CrashRecoveryIT.
 */
class RecoveryTest {
    static final String CONFIG = TestServer.mcConfig(3_000_000, 21);

    static JsonNode uninterrupted(Path dir) {
        return uninterrupted(dir, CONFIG);
    }

    /** The metric rows of this config run once, start to end, on a fresh server. */
    static JsonNode uninterrupted(Path dir, String config) {
        try (TestServer s = new TestServer(dir)) {
            String id = s.start(config);
            assertEquals("FINISHED", s.awaitEnd(id, 180).get("status").asText());
            return s.get("/api/runs/" + id + "/metrics").json().get("rows");
        }
    }

    static void awaitProgress(TestServer s, String id, long step) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (s.get("/api/runs/" + id).json().get("progress").get("step").asLong() < step) {
            if (System.nanoTime() > deadline) throw new AssertionError("no progress to step " + step);
            TestServer.sleep(20);
        }
    }

    @Test
    void aRunInterruptedByShutdownResumesOnRestartWithIdenticalMetrics(@TempDir Path a, @TempDir Path b) {
        String id;
        try (TestServer s = new TestServer(a, cfg -> cfg.checkpointSeconds = 0.2)) {
            id = s.start(CONFIG);
            awaitProgress(s, id, 600_000);
        } // graceful: checkpoints and leaves the run QUEUED
        JsonNode resumed;
        try (TestServer s = new TestServer(a)) {
            JsonNode run = s.awaitEnd(id, 180);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            assertTrue(
                    run.get("summary").get("resumed_from_step").asLong() >= 600_000,
                    "resumed, not restarted: " + run.get("summary"));
            resumed = s.get("/api/runs/" + id + "/metrics").json().get("rows");
        }
        assertEquals(uninterrupted(b), resumed, "same rows, same values, no duplicates, no gaps");
    }

    @Test
    void aCancelledRunPostedAgainResumesFromItsCheckpoint(@TempDir Path a, @TempDir Path b) {
        JsonNode resumed;
        try (TestServer s = new TestServer(a)) {
            String id = s.start(CONFIG);
            awaitProgress(s, id, 400_000);
            assertEquals(202, s.post("/api/runs/" + id + "/cancel", "").status());
            assertEquals("CANCELLED", s.awaitEnd(id, 60).get("status").asText());
            TestServer.Response again = s.post("/api/runs", CONFIG);
            assertEquals(202, again.status(), again.body());
            assertEquals(id, again.json().get("id").asText());
            assertEquals("requeued", again.json().get("outcome").asText());
            JsonNode run = s.awaitEnd(id, 180);
            assertEquals("FINISHED", run.get("status").asText());
            assertTrue(run.get("summary").get("resumed_from_step").asLong() >= 400_000);
            resumed = s.get("/api/runs/" + id + "/metrics").json().get("rows");
        }
        assertEquals(uninterrupted(b), resumed);
    }
}
