package lab.grokking.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a separate process, killed with SIGKILL mid-run and started again on the same data directory:
 * the finished run is byte-identical, the interrupted ones resume from their checkpoints and end with exactly
 * the metrics of uninterrupted runs, and the store passes its integrity check.
 */
class CrashRecoveryIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String mc(long steps, long seed) {
        return "{\"task\":\"mc\",\"d\":12,\"observed\":0.4,\"lr\":0.1,\"weightDecay\":0.01,\"steps\":" + steps + ",\"seed\":" + seed + "}";
    }

    @Test
    void killMinus9MidRunLosesNothingAndResumedRunsMatchUninterruptedOnes(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data"), log = dir.resolve("server.log");
        List<String> configs = List.of(mc(3_000_000, 41), mc(3_000_000, 42));
        List<AppServer> started = new ArrayList<>();
        try {
            run(dir, data, log, configs, started);
        } finally { // a failed assertion must not leave a server running
            for (AppServer x : started) x.process().destroyForcibly();
        }
    }

    private static void run(Path dir, Path data, Path log, List<String> configs, List<AppServer> started) throws Exception {
        AppServer s = AppServer.start(data, log);
        started.add(s);
        String done = s.post(mc(20_000, 40));
        assertEquals("FINISHED", s.awaitEnd(done).get("status").asText());
        String doneMetrics = s.body("/api/runs/" + done + "/metrics"), doneRun = s.body("/api/runs/" + done);
        List<String> ids = new ArrayList<>();
        for (String c : configs) ids.add(s.post(c));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (ids.stream().anyMatch(id -> progress(s, id) < 800_000)) {
            assertTrue(System.nanoTime() < deadline, "runs did not progress");
            Thread.sleep(50);
        }
        s.process().destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
        assertEquals(137, s.process().waitFor(), "killed by SIGKILL");

        AppServer again = AppServer.start(data, log);
        started.add(again);
        Map<String, String> resumed = new LinkedHashMap<>();
        for (String id : ids) {
            JsonNode run = again.awaitEnd(id);
            assertEquals("FINISHED", run.get("status").asText(), run.toString());
            assertTrue(run.get("summary").has("resumed_from_step"), "resumed from a checkpoint, not restarted: " + run.get("summary"));
            resumed.put(id, again.get("/api/runs/" + id + "/metrics").get("rows").toString());
        }
        assertEquals(doneMetrics, again.body("/api/runs/" + done + "/metrics"), "a finished run is byte-identical after the crash");
        assertEquals(doneRun, again.body("/api/runs/" + done));
        assertEquals("ok", again.get("/api/health?check=store").get("store").asText());
        again.stop();

        AppServer fresh = AppServer.start(dir.resolve("fresh"), dir.resolve("fresh.log"));
        started.add(fresh);
        try {
            for (int i = 0; i < ids.size(); i++) {
                String id = fresh.post(configs.get(i));
                assertEquals("FINISHED", fresh.awaitEnd(id).get("status").asText());
                assertEquals(fresh.get("/api/runs/" + id + "/metrics").get("rows").toString(), resumed.get(ids.get(i)),
                        "resumed run " + i + " ends with exactly the metrics of an uninterrupted run");
            }
        } finally {
            fresh.stop();
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
