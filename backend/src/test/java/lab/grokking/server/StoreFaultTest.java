package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import lab.grokking.core.Checkpoint;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.queue.Job;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.Claim;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoreException;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;

/**
 * Store faults injected at chosen points (mid-checkpoint, at finish, at insert): the first cause is kept, a run pauses
 * at its last good checkpoint and resumes by itself bit-identical, submissions get 503 meanwhile, and every run the
 * store calls QUEUED or RUNNING stays owned.
 */
class StoreFaultTest {
    static final String CONFIG = TestServer.mcConfig(1_500_000, 31);

    static TestServer server(Path dir, InjectedFaults faults) {
        return new TestServer(
                dir,
                cfg -> {
                    cfg.checkpointSeconds = 0.1;
                    cfg.probeSeconds = 0.1;
                    cfg.minFreeBytes = 0;
                },
                faults);
    }

    static void assertOwned(TestServer s) {
        assertEquals(List.of(), s.server.runs().ownershipProblems(), "every QUEUED/RUNNING run is owned");
    }

    static JsonNode awaitStatus(TestServer s, String id, String status, long seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            JsonNode run = s.get("/api/runs/" + id).json();
            if (run.get("status").asText().equals(status)) return run;
            if (System.nanoTime() > deadline) throw new AssertionError("not " + status + ": " + run);
            TestServer.sleep(10);
        }
    }

    @Test
    void aFullDiskMidRunPausesAtTheLastCheckpointThenResumesByItselfWithIdenticalMetrics(
            @TempDir Path a, @TempDir Path b) {
        InjectedFaults faults = new InjectedFaults();
        JsonNode resumed;
        try (TestServer s = server(a, faults)) {
            String id = s.start(CONFIG);
            RecoveryTest.awaitProgress(s, id, 300_000);
            // the probe's write too, as on a full disk: else its next tick (every 5 s) could resume everything before
            // the 503 below is asked for (it did, on a loaded machine)
            faults.diskFull("checkpoint ", "health probe");
            JsonNode paused = awaitStatus(s, id, "PAUSED", 60);
            assertTrue(paused.get("message").asText().contains("is full"), paused.toString());
            assertTrue(paused.get("message").asText().contains("resumes by itself"), paused.toString());
            assertOwned(s);

            JsonNode health = s.get("/api/health").json();
            assertEquals("degraded", health.get("status").asText(), health.toString());
            assertTrue(health.get("problems").get(0).asText().startsWith("store not writable"), health.toString());
            assertEquals(1, health.get("paused").asInt(), health.toString());
            assertEquals(0, health.get("running").asInt(), health.toString());

            TestServer.Response refused = s.post("/api/runs", TestServer.mcConfig(1000, 1));
            assertEquals(503, refused.status(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(
                    "store", refused.json().get("problems").get(0).get("field").asText(), refused.body());
            assertTrue(refused.json().get("error").asText().contains("is full"), refused.body());
            assertEquals(200, s.get("/api/runs/" + id + "/metrics").status(), "reads keep working");

            faults.heal();
            JsonNode run = s.awaitEnd(id, 180);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            assertEquals("ok", s.get("/api/health").json().get("status").asText());
            assertEquals(201, s.post("/api/runs", TestServer.mcConfig(1000, 1)).status(), "accepted again");
            resumed = s.get("/api/runs/" + id + "/metrics").json().get("rows");
            assertOwned(s);
        }
        assertTrue(faults.injected.get() > 0);
        assertEquals(RecoveryTest.uninterrupted(b, CONFIG), resumed, "bit-identical to an uninterrupted run");
    }

    @Test
    void aFullDiskAtFinishRecomputesTheTailInsteadOfFailing(@TempDir Path a, @TempDir Path b) {
        InjectedFaults faults = new InjectedFaults();
        String config = TestServer.mcConfig(200_000, 32);
        JsonNode rows;
        try (TestServer s = server(a, faults)) {
            faults.diskFull("finish ");
            String id = s.start(config);
            awaitStatus(s, id, "PAUSED", 60);
            assertOwned(s);
            faults.heal();
            JsonNode run = s.awaitEnd(id, 120);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            rows = s.get("/api/runs/" + id + "/metrics").json().get("rows");
        }
        assertEquals(RecoveryTest.uninterrupted(b, config), rows);
    }

    @Test
    void aCancelWhileTheStoreIsFullIsKeptAndRecordedWhenItTakesWrites(@TempDir Path a) {
        InjectedFaults faults = new InjectedFaults();
        try (TestServer s = server(a, faults)) {
            String id = s.start(CONFIG);
            RecoveryTest.awaitProgress(s, id, 100_000);
            faults.diskFull("checkpoint ", "set status", "finish ");
            awaitStatus(s, id, "PAUSED", 60);
            TestServer.Response c = s.post("/api/runs/" + id + "/cancel", "");
            assertEquals(202, c.status(), c.body());
            assertEquals("PAUSED", c.json().get("status").asText());
            TestServer.sleep(300);
            assertEquals("PAUSED", s.get("/api/runs/" + id).json().get("status").asText(), "not resumed: cancelled");
            faults.heal();
            assertEquals("CANCELLED", s.awaitEnd(id, 30).get("status").asText());
            assertOwned(s);
        }
    }

    /** Regression: SQLITE_FULL rolled the transaction back, the store's rollback then failed and replaced the cause. */
    @Test
    void aRollbackThatFailsTooNeverHidesTheFirstCause(@TempDir Path dir) {
        InjectedFaults faults = new InjectedFaults();
        try (SqliteRunStore store = new SqliteRunStore(dir, faults)) {
            store.insert(RunStoreTest.run("r1"));
            faults.diskFull("checkpoint ");
            StoreException e = assertThrows(
                    StoreException.class,
                    () -> store.saveCheckpoint(
                            RunStoreTest.claimed(store, "r1"),
                            new Checkpoint(10, new double[][] {{1, 2}}),
                            List.of(new double[] {10, 1}),
                            List.of()));
            assertEquals(StoreException.Kind.FULL, e.kind());
            assertTrue(e.getMessage().contains("disk full"), e.getMessage());
            assertTrue(e.getMessage().contains("SQLITE_FULL"), e.getMessage());
            assertTrue(e.getSuppressed().length >= 1, "the failed rollback is kept as suppressed");
            faults.heal();
            assertEquals(List.of(), store.metrics("r1"), "nothing of the refused checkpoint landed");
            assertTrue(store.checkpoint("r1").isEmpty());
            store.saveCheckpoint(
                    RunStoreTest.claimed(store, "r1"),
                    new Checkpoint(10, new double[][] {{1, 2}}),
                    List.of(new double[] {10, 1}),
                    List.of());
            assertEquals(1, store.metrics("r1").size(), "the connection works after it");
        }
    }

    @Test
    void anIoErrorPausesLikeAFullDiskAndSaysSo(@TempDir Path a) {
        InjectedFaults faults = new InjectedFaults();
        try (TestServer s = server(a, faults)) {
            String id = s.start(CONFIG);
            RecoveryTest.awaitProgress(s, id, 100_000);
            faults.fail(SQLiteErrorCode.SQLITE_IOERR, "checkpoint ");
            JsonNode paused = awaitStatus(s, id, "PAUSED", 60);
            assertTrue(paused.get("message").asText().contains("refused a write"), paused.toString());
            faults.heal();
            assertEquals("FINISHED", s.awaitEnd(id, 180).get("status").asText());
        }
    }

    /** Regression: a failed insert left a job in the queue; a failed undo turned a 429 into a 500. */
    @Test
    void aRefusedInsertLeavesNoJobAndNoRowAndAnIdenticalPostLaterCreatesTheRun(@TempDir Path a) {
        InjectedFaults faults = new InjectedFaults();
        try (TestServer s = server(a, faults)) {
            faults.diskFull("insert run");
            String config = TestServer.mcConfig(1000, 5);
            TestServer.Response r = s.post("/api/runs", config);
            assertEquals(503, r.status(), r.body());
            assertEquals(0, s.server.runs().health().waiting());
            assertEquals(0, s.get("/api/runs").json().get("total").asInt());
            faults.heal();
            s.server.runs().upkeepNow();
            TestServer.Response again = s.post("/api/runs", config);
            assertEquals(201, again.status(), again.body());
            assertEquals(
                    "FINISHED",
                    s.awaitEnd(again.json().get("id").asText(), 60)
                            .get("status")
                            .asText());
            assertOwned(s);
        }
    }

    @Test
    void aQueueLimitIsA429AndLeavesNoRow(@TempDir Path a) {
        try (TestServer s = new TestServer(a, cfg -> {
            cfg.workers = 1;
            cfg.perClientRunning = 1;
            cfg.perClientQueued = 1;
        })) {
            s.start(TestServer.mcConfig(3_000_000, 1));
            s.start(TestServer.mcConfig(3_000_000, 2));
            TestServer.Response r = s.post("/api/runs", TestServer.mcConfig(3_000_000, 3));
            assertEquals(429, r.status(), r.body());
            assertEquals(2, s.get("/api/runs").json().get("total").asInt(), "the refused run left no row");
            assertOwned(s);
        }
    }

    /** Regression: a re-queued run's message replaced why it had stopped. */
    @Test
    void aRunQueuedAgainKeepsWhyItHadStopped(@TempDir Path a) {
        try (TestServer s = new TestServer(a, cfg -> cfg.workers = 1)) {
            String blocker = s.start(TestServer.mcConfig(30_000_000, 1)); // holds the one worker
            awaitStatus(s, blocker, "RUNNING", 60); // before the run it delays is posted: that one would go first
            String id = s.start(CONFIG);
            assertEquals(
                    "CANCELLED",
                    s.post("/api/runs/" + id + "/cancel", "")
                            .json()
                            .get("status")
                            .asText());
            TestServer.Response again = s.post("/api/runs", CONFIG);
            assertEquals("requeued", again.json().get("outcome").asText(), again.body());
            assertEquals(
                    "queued again (it had cancelled before it started)",
                    s.get("/api/runs/" + id).json().get("message").asText());
            s.post("/api/runs/" + id + "/cancel", "");
            s.post("/api/runs/" + blocker + "/cancel", "");
            s.awaitEnd(blocker, 30);
        }
    }

    /** Regression: a cancel between the worker taking the job and the run starting answered "not running". */
    @Test
    void aCancelRacingDispatchIsNeverLost(@TempDir Path dir) {
        List<Job> taken = new CopyOnWriteArrayList<>();
        ExecutorSeamTest.Recording held = new ExecutorSeamTest.Recording() {
            @Override
            public void submit(Job job) { // the worker "takes" the job, and runs it only when told
                taken.add(job);
            }

            @Override
            public boolean remove(String runId) {
                return false; // already taken from the waiting list
            }
        };
        ServerConfig cfg = ServerConfig.load(Map.of());
        cfg.port = 0;
        cfg.dataDir = dir;
        try (GrokLabServer server = GrokLabServer.start(cfg, new SqliteRunStore(dir), held)) {
            RunService runs = server.runs();
            String id = runs.submit(lab.grokking.core.config.Configs.parse(CONFIG), "c")
                    .run()
                    .id();
            assertEquals(StoredRun.Status.CANCELLED, runs.cancel(id, "c").orElseThrow());
            taken.getFirst().body().run(); // the worker gets to it after the cancel
            StoredRun r = runs.get(id).orElseThrow();
            assertEquals(StoredRun.Status.CANCELLED, r.status(), "the run never trained");
            assertNull(r.startedAt());
            assertEquals(List.of(), runs.ownershipProblems());
            assertEquals(0, runs.health().running() + runs.health().waiting());
        }
    }

    @Test
    void aRunTheStoreHoldsAndNothingOwnsIsReQueuedByTheReconciler(@TempDir Path dir) {
        ServerConfig cfg = ServerConfig.load(Map.of());
        cfg.port = 0;
        cfg.dataDir = dir;
        cfg.probeSeconds = 3600; // the test drives the upkeep
        SqliteRunStore store = new SqliteRunStore(dir);
        try (GrokLabServer server = GrokLabServer.start(cfg, store, new FairQueue(1, 2, 8, 100))) {
            RunService runs = server.runs();
            var rc = lab.grokking.core.config.Configs.parse(TestServer.mcConfig(20_000, 9));
            String id = RunService.newId();
            StoredRun orphan = RunStoreTest.run(
                    id,
                    "orphan-key",
                    rc.task(),
                    lab.grokking.core.config.Configs.canonical(rc),
                    rc.seed(),
                    rc.steps(),
                    StoredRun.Status.RUNNING);
            store.insert(orphan); // as a lost worker leaves it: RUNNING in the store, held by nobody
            assertEquals(List.of("run " + id + " is RUNNING and unowned"), runs.ownershipProblems());
            runs.upkeepNow();
            assertEquals(1, runs.reconciled());
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (runs.get(id).orElseThrow().status() != StoredRun.Status.FINISHED) {
                assertTrue(System.nanoTime() < deadline, "the orphan finished");
                TestServer.sleep(20);
            }
            assertEquals(List.of(), runs.ownershipProblems());
        }
    }

    @Test
    void aRemovedRunIsNeverWrittenAgain(@TempDir Path dir) {
        try (SqliteRunStore store = new SqliteRunStore(dir)) {
            store.insert(RunStoreTest.run("r1"));
            Claim held = RunStoreTest.claimed(store, "r1"); // an attempt that still holds the run when it is removed
            store.remove("r1");
            assertThrows(
                    IllegalStateException.class,
                    () -> store.saveCheckpoint(
                            held, new Checkpoint(10, new double[][] {{1}}), List.of(new double[] {10, 1}), List.of()));
            assertThrows(
                    IllegalStateException.class,
                    () -> store.finish(
                            held,
                            StoredRun.Status.FINISHED,
                            null,
                            "{}",
                            "{}",
                            List.of(new double[] {10, 1}),
                            List.of(),
                            false));
            store.setStatus("r1", StoredRun.Status.QUEUED, "again", null);
            assertEquals(List.of(), store.metrics("r1"));
            assertTrue(store.checkpoint("r1").isEmpty());
            assertEquals(List.of(), store.unfinished(), "a removed run is not brought back by a status write");
        }
    }

    @Test
    void aCorruptCheckpointRestartsThatRunFromStepZeroSayingSoAndNoOtherRun(@TempDir Path a, @TempDir Path b)
            throws Exception {
        String other = TestServer.mcConfig(1_500_000, 33);
        String hit, kept;
        try (TestServer s = new TestServer(a, cfg -> {
            cfg.workers = 2;
            cfg.checkpointSeconds = 0.1;
        })) {
            hit = s.start(CONFIG);
            kept = s.start(other);
            RecoveryTest.awaitProgress(s, hit, 200_000);
            RecoveryTest.awaitProgress(s, kept, 200_000);
        } // graceful: both checkpoint and stay queued
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + a.resolve("runs.db"));
                var p = c.prepareStatement("UPDATE checkpoints SET state = ? WHERE run_id = ?");
                var q = c.prepareStatement("SELECT state FROM checkpoints WHERE run_id = ?")) {
            q.setString(1, hit);
            byte[] state;
            try (var r = q.executeQuery()) {
                assertTrue(r.next());
                state = r.getBytes(1);
            }
            state[state.length / 2] ^= 0x5A; // one flipped byte: the stored CRC no longer holds
            p.setBytes(1, state);
            p.setString(2, hit);
            assertEquals(1, p.executeUpdate());
        }
        JsonNode hitRows, keptRows;
        try (TestServer s = new TestServer(a)) {
            JsonNode run = s.awaitEnd(hit, 180);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            assertTrue(
                    run.get("summary").get("checkpoint_discarded").asText().contains("failed its checksum"),
                    run.toString());
            assertFalse(run.get("summary").has("resumed_from_step"), "restarted from step 0");
            JsonNode survivor = s.awaitEnd(kept, 180);
            assertTrue(survivor.get("summary").get("resumed_from_step").asLong() >= 200_000, survivor.toString());
            assertFalse(survivor.get("summary").has("checkpoint_discarded"));
            hitRows = s.get("/api/runs/" + hit + "/metrics").json().get("rows");
            keptRows = s.get("/api/runs/" + kept + "/metrics").json().get("rows");
        }
        assertEquals(RecoveryTest.uninterrupted(b, CONFIG), hitRows);
    }
}
