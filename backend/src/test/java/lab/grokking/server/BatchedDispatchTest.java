package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Recorder;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.SpecTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that starts a run with a batch key trains the same client's waiting runs of that key with it, as one
 * cohort: each keeps its own results (those of its solo run), its own cancel; other clients' runs are not batched.
 */
class BatchedDispatchTest {
    static final String A = "10.0.0.1", B = "10.0.0.2", OTHER = "10.0.0.3";

    /** Sparse diagonal-net runs on the same data (one batch key), differing in α, λ and steps. */
    static String diag(double alpha, double weightDecay, long steps) {
        return "{\"task\":\"diag\",\"data\":\"sparse\",\"d\":203,\"n\":37,\"nTest\":150,\"k\":3,\"alpha\":" + alpha
                + ",\"lr\":0.05,\"weightDecay\":" + weightDecay + ",\"steps\":" + steps
                + ",\"evalPerDecade\":12,\"seed\":5}";
    }

    @Test
    void sameClientSameKeyRunsTrainAsOneCohortWithTheirSoloResultsAndOneCancelLeavesTheOthersRunning(
            @TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.trustedProxy = "127.0.0.1";
            cfg.workers = 1;
        })) {
            String blocker = post(s, OTHER, TestServer.mcConfig(3_000_000, 77));
            awaitStatus(s, blocker, "RUNNING");
            String a1 = post(s, A, diag(8, 1e-2, 30_000)),
                    a2 = post(s, A, diag(2, 3e-2, 45_000)),
                    a3 = post(s, A, diag(30, 1e-3, 50_000_000)),
                    b1 = post(s, B, diag(4, 1e-2, 30_000));
            assertEquals(
                    202,
                    OwnershipTest.as(s, OTHER, "POST", "/api/runs/" + blocker + "/cancel", "")
                            .status());

            awaitStatus(s, a3, "RUNNING");
            assertEquals(
                    "RUNNING", s.get("/api/runs/" + a1).json().get("status").asText(), "trained together");
            assertEquals(
                    202,
                    OwnershipTest.as(s, A, "POST", "/api/runs/" + a3 + "/cancel", "")
                            .status());
            assertEquals("CANCELLED", s.awaitEnd(a3, 60).get("status").asText());

            for (String id : new String[] {a1, a2}) {
                JsonNode run = s.awaitEnd(id, 120);
                assertEquals("FINISHED", run.get("status").asText(), run.toString());
                assertEquals(3, run.get("summary").path(SpecTask.COHORT_KEY).asInt(), "batched with a2, a3: " + run);
            }
            JsonNode other = s.awaitEnd(b1, 120);
            assertEquals("FINISHED", other.get("status").asText());
            assertNull(other.get("summary").get(SpecTask.COHORT_KEY), "another client's run trains alone: " + other);

            for (String[] run : new String[][] {{a1, diag(8, 1e-2, 30_000)}, {a2, diag(2, 3e-2, 45_000)}}) {
                Recorder solo = new Recorder(false);
                Configs.parse(run[1]).newTask().run(solo);
                StringBuilder csv = new StringBuilder();
                for (double[] row : solo.rows) csv.append(MetricTable.csvLine(row));
                String served =
                        s.get("/api/runs/" + run[0] + "/metrics?format=csv").body();
                assertEquals(csv.toString(), served.substring(served.indexOf('\n') + 1), "bit for bit its solo run");
            }
            assertEquals(java.util.List.of(), s.server.runs().ownershipProblems(), "every run ended owned and settled");
        }
    }

    @Test
    void aCohortHoldsAtMostBatchMaxRuns(@TempDir Path dir) {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.trustedProxy = "127.0.0.1";
            cfg.workers = 1;
            cfg.batchMax = 2;
        })) {
            String blocker = post(s, OTHER, TestServer.mcConfig(3_000_000, 78));
            awaitStatus(s, blocker, "RUNNING");
            String[] ids = {
                post(s, A, diag(8, 1e-2, 2_000)), post(s, A, diag(2, 3e-2, 2_000)), post(s, A, diag(30, 1e-3, 2_000))
            };
            OwnershipTest.as(s, OTHER, "POST", "/api/runs/" + blocker + "/cancel", "");
            int batched = 0, alone = 0;
            for (String id : ids) {
                JsonNode run = s.awaitEnd(id, 120);
                assertEquals("FINISHED", run.get("status").asText(), run.toString());
                JsonNode cohort = run.get("summary").get(SpecTask.COHORT_KEY);
                if (cohort == null) alone++;
                else {
                    assertEquals(2, cohort.asInt(), run.toString());
                    batched++;
                }
            }
            assertEquals(2, batched, "the oldest two together");
            assertEquals(1, alone, "the third after them, alone");
        }
    }

    @Test
    void batchMaxDefaultsTo16AndOneIsTheLeast() {
        assertEquals(16, ServerConfig.load(java.util.Map.of()).batchMax);
        FairQueueTest.assertStartUpRefuses("queue.batchMax", "0");
    }

    private static String post(TestServer s, String client, String config) {
        TestServer.Response r = OwnershipTest.as(s, client, "POST", "/api/runs", config);
        assertEquals(201, r.status(), r.body());
        return r.json().get("id").asText();
    }

    private static void awaitStatus(TestServer s, String id, String status) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (s.get("/api/runs/" + id).json().get("status").asText().equals(status)) return;
            TestServer.sleep(20);
        }
        fail("run " + id + " did not become " + status);
    }
}
