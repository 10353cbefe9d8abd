package lab.grokking.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server as a separate process, stopped mid-run three ways and started again on the same data directory:
 * killed with SIGKILL, halted inside a checkpoint's transaction (after its rows are written, before the commit),
 * and stopped with SIGTERM (it must checkpoint and exit within 10 s). Every time: the finished run is
 * byte-identical, the interrupted ones resume from their checkpoints and end with exactly the metrics of
 * uninterrupted runs, and the store passes its integrity check.
 */
class CrashRecoveryIT {
    enum Stop {
        SIGKILL,
        HALT_IN_CHECKPOINT_WRITE,
        SIGTERM
    }

    /** The store check is an admin diagnostic (admin.token). */
    static final String ADMIN_TOKEN = "crash-recovery-it-admin";

    static final List<String> CONFIGS = List.of(mc(3_000_000, 41), mc(3_000_000, 42));
    /** Metrics of the configs run without interruption, computed once. */
    static final Map<String, String> UNINTERRUPTED = new ConcurrentHashMap<>();

    static String mc(long steps, long seed) {
        return "{\"task\":\"mc\",\"d\":12,\"observed\":0.4,\"lr\":0.1,\"weightDecay\":0.01,\"steps\":" + steps
                + ",\"seed\":" + seed + "}";
    }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void aStoppedServerLosesNothingAndResumedRunsMatchUninterruptedOnes(Stop stop, @TempDir Path dir) throws Exception {
        List<AppServer> started = new ArrayList<>();
        try {
            run(stop, dir, started);
        } finally { // a failed assertion must not leave a server running
            for (AppServer x : started) x.process().destroyForcibly();
        }
    }

    private static void run(Stop stop, Path dir, List<AppServer> started) throws Exception {
        Path data = dir.resolve("data"), log = dir.resolve("server.log");
        // the 5th checkpoint: after the short run has finished, while the two long ones are training
        AppServer s = stop == Stop.HALT_IN_CHECKPOINT_WRITE
                ? AppServer.start(data, log, "-Dgroklab.faults.haltInCheckpoint=5")
                : AppServer.start(data, log);
        started.add(s);
        String done = s.post(mc(20_000, 40));
        assertEquals("FINISHED", s.awaitEnd(done).get("status").asText());
        String doneMetrics = s.body("/api/runs/" + done + "/metrics"), doneRun = s.body("/api/runs/" + done);
        List<String> ids = new ArrayList<>();
        for (String c : CONFIGS) ids.add(s.post(c));
        switch (stop) {
            case SIGKILL -> {
                awaitProgress(s, ids, 800_000);
                s.process().destroyForcibly(); // no shutdown hook, no final checkpoint
                assertEquals(137, s.process().waitFor(), "killed by SIGKILL");
            }
            case HALT_IN_CHECKPOINT_WRITE ->
                assertTrue(
                        s.process().waitFor(120, TimeUnit.SECONDS)
                                && s.process().exitValue() == 99,
                        "halted inside a checkpoint transaction; see " + log);
            case SIGTERM -> {
                awaitProgress(s, ids, 800_000);
                long t0 = System.nanoTime();
                s.process().destroy();
                assertTrue(s.process().waitFor(10, TimeUnit.SECONDS), "SIGTERM: exits within 10 s");
                System.out.printf(
                        "SIGTERM: exited in %.2f s with status %d%n",
                        (System.nanoTime() - t0) / 1e9, s.process().exitValue());
            }
        }

        AppServer again = AppServer.start(data, log, "-Dgroklab.admin.token=" + ADMIN_TOKEN);
        started.add(again);
        List<String> resumed = new ArrayList<>();
        for (String id : ids) {
            JsonNode run = again.awaitEnd(id);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            assertTrue(
                    run.get("summary").has("resumed_from_step"),
                    "resumed from a checkpoint, not restarted: " + run.get("summary"));
            resumed.add(again.get("/api/runs/" + id + "/metrics").get("rows").toString());
        }
        assertEquals(
                doneMetrics,
                again.body("/api/runs/" + done + "/metrics"),
                "a finished run is byte-identical after the stop");
        assertEquals(doneRun, again.body("/api/runs/" + done));
        assertEquals(
                "ok",
                again.get("/api/health?check=store", "Bearer " + ADMIN_TOKEN)
                        .get("store")
                        .asText());
        again.stop();

        for (int i = 0; i < CONFIGS.size(); i++)
            assertEquals(
                    uninterrupted(dir, CONFIGS.get(i)),
                    resumed.get(i),
                    stop + ": resumed run " + i + " ends with exactly the metrics of an uninterrupted run");
    }

    static synchronized String uninterrupted(Path dir, String config) throws Exception {
        if (!UNINTERRUPTED.containsKey(config)) {
            AppServer fresh = AppServer.start(dir.resolve("fresh"), dir.resolve("fresh.log"));
            try {
                List<String> ids = new ArrayList<>();
                for (String c : CONFIGS) ids.add(fresh.post(c));
                for (int i = 0; i < CONFIGS.size(); i++) {
                    assertEquals(
                            "FINISHED", fresh.awaitEnd(ids.get(i)).get("status").asText());
                    UNINTERRUPTED.put(
                            CONFIGS.get(i),
                            fresh.get("/api/runs/" + ids.get(i) + "/metrics")
                                    .get("rows")
                                    .toString());
                }
            } finally {
                fresh.stop();
            }
        }
        return UNINTERRUPTED.get(config);
    }

    static void awaitProgress(AppServer s, List<String> ids, long step) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (ids.stream().anyMatch(id -> progress(s, id) < step)) {
            assertTrue(System.nanoTime() < deadline, "runs did not progress");
            Thread.sleep(50);
        }
    }

    static long progress(AppServer s, String id) {
        try {
            return s.get("/api/runs/" + id).get("progress").get("step").asLong();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
