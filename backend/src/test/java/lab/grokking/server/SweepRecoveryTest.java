package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A half-finished sweep survives a restart on the same data directory: its finished members keep their runs (same ids,
 * same finish times: not recomputed), the running one resumes from its checkpoint, the queued one and the one still
 * waiting for a place in the queue finish.
 */
class SweepRecoveryTest {
    @Test
    void aHalfFinishedSweepFinishesAfterARestartWithoutRecomputingItsFinishedMembers(@TempDir Path dir) {
        // one worker, one queued run per client: members 0, 1 finish, 2 runs long, 3 is queued, 4 waits in the sweep
        String body = SweepsApiTest.sweep(
                SweepsApiTest.BASE.replace("\"d\":300", "\"d\":1000"),
                "{\"steps\":[2000,3000,3000000,4000,5000]}",
                null);
        String id;
        List<String> finishedRuns = new ArrayList<>(), finishedAt = new ArrayList<>();
        String longRun;
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.workers = 1;
            cfg.perClientQueued = 1;
            cfg.checkpointSeconds = 0.2;
            cfg.batchMax = 1; // members run one by one, so which ones have finished at the restart is known
        })) {
            TestServer.Response r = s.post("/api/sweeps", body);
            assertEquals(201, r.status(), r.body());
            id = r.json().get("id").asText();
            JsonNode members = awaitStatus(s, id, 2, "RUNNING").get("members");
            for (int i = 0; i < 2; i++) {
                assertEquals("FINISHED", members.get(i).get("status").asText(), members.toString());
                String run = members.get(i).get("run_id").asText();
                finishedRuns.add(run);
                finishedAt.add(
                        s.get("/api/runs/" + run).json().get("finished_at").asText());
            }
            longRun = members.get(2).get("run_id").asText();
            RecoveryTest.awaitProgress(s, longRun, 20_000);
            // the sweep feeds member 3 at its next tick (every 200 ms): a fast machine passed step 20 000 before it
            members = awaitStatus(s, id, 3, "QUEUED").get("members");
            assertEquals("RUNNING", members.get(2).get("status").asText(), members.toString());
            assertEquals("WAITING", members.get(4).get("status").asText(), members.toString());
            assertTrue(members.get(4).get("run_id").isNull());
        } // graceful: the long run checkpoints and stays QUEUED for the next start
        try (TestServer s = new TestServer(dir)) {
            JsonNode done = SweepsApiTest.awaitDone(s, id, 180);
            JsonNode members = done.get("members");
            for (int i = 0; i < 2; i++) {
                assertEquals(finishedRuns.get(i), members.get(i).get("run_id").asText(), "the same run");
                assertEquals(
                        finishedAt.get(i),
                        s.get("/api/runs/" + finishedRuns.get(i))
                                .json()
                                .get("finished_at")
                                .asText(),
                        "not recomputed");
            }
            assertEquals(longRun, members.get(2).get("run_id").asText());
            JsonNode resumed = s.get("/api/runs/" + longRun).json();
            assertTrue(
                    resumed.get("summary").get("resumed_from_step").asLong() >= 20_000,
                    "resumed, not restarted: " + resumed.get("summary"));
            for (JsonNode m : members) {
                assertEquals("FINISHED", m.get("status").asText(), m.toString());
                assertNotEquals("not_finished", m.get("outcome").asText(), m.toString());
            }
            assertEquals(5, s.get("/api/runs").json().get("total").asInt(), "one run per member, none twice");
        }
    }

    /** Polls until member {@code index} has this status; returns the report. */
    private static JsonNode awaitStatus(TestServer s, String id, int index, String status) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode r = s.get("/api/sweeps/" + id).json();
            if (r.get("members").get(index).get("status").asText().equals(status)) return r;
            TestServer.sleep(50);
        }
        throw new AssertionError("member " + index + " never " + status + ": "
                + s.get("/api/sweeps/" + id).body());
    }
}
