package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import lab.grokking.server.runs.RunService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stateful randomized test of the run lifecycle (seeded, bounded): interleavings of submit, re-submit, cancel,
 * delete, injected store faults (disk full at any write) and server restarts over a few small runs. After every step:
 * every run the store calls QUEUED or RUNNING is owned, health's counts agree, no removed run has a row, checkpoint or
 * snapshot; at the end every run that finished has the metrics of an uninterrupted run, bit for bit.
 *
 * <p>{@code -Dgroklab.lifecycleSeed=N} replays another sequence; {@code -Dgroklab.heavy=true} runs 400 steps (60 by
 * default).
 */
class LifecycleModelTest {
    static final long SEED = Long.getLong("groklab.lifecycleSeed", 20261203L);
    static final int STEPS = Boolean.getBoolean("groklab.heavy") ? 400 : 60;
    static final List<String> CONFIGS = List.of(
            TestServer.mcConfig(150_000, 41),
            TestServer.mcConfig(250_000, 42),
            TestServer.mcConfig(100_000, 43),
            TestServer.mcConfig(300_000, 44));
    /** The store writes a fault can hit, by the names the store gives them. */
    static final List<String> WRITES = List.of("checkpoint ", "finish ", "insert run", "set status", "remove ");

    @Test
    void anyInterleavingKeepsEveryRunOwnedAndEveryFinishedRunExact(@TempDir Path dir, @TempDir Path refDir) {
        Random rnd = new Random(SEED);
        InjectedFaults faults = new InjectedFaults();
        Map<String, Integer> configOf = new HashMap<>(); // run id -> index in CONFIGS
        Set<String> removed = new HashSet<>();
        Map<String, Integer> ops = new TreeMap<>();
        int pausesSeen = 0, restarts = 0;
        TestServer s = server(dir, faults);
        try {
            for (int step = 0; step < STEPS; step++) {
                int op = rnd.nextInt(100);
                List<String> known = new ArrayList<>(configOf.keySet());
                known.removeAll(removed);
                String what;
                if (op < 30) {
                    int c = rnd.nextInt(CONFIGS.size());
                    TestServer.Response r = s.post("/api/runs", CONFIGS.get(c));
                    what = "submit " + r.status();
                    assertTrue(List.of(200, 201, 202, 503).contains(r.status()), what + " " + r.body());
                    if (r.status() != 503) configOf.put(r.json().get("id").asText(), c);
                } else if (op < 45 && !known.isEmpty()) {
                    String id = known.get(rnd.nextInt(known.size()));
                    TestServer.Response r = s.post("/api/runs/" + id + "/cancel", "");
                    what = "cancel " + r.status();
                    assertTrue(List.of(200, 202, 503).contains(r.status()), what + " " + r.body());
                } else if (op < 55 && !known.isEmpty()) {
                    String id = known.get(rnd.nextInt(known.size()));
                    TestServer.Response r = s.delete("/api/runs/" + id);
                    what = "delete " + r.status();
                    assertTrue(List.of(204, 409, 503).contains(r.status()), what + " " + r.body());
                    if (r.status() == 204) removed.add(id);
                } else if (op < 65) {
                    List<String> parts = new ArrayList<>(WRITES);
                    java.util.Collections.shuffle(parts, rnd);
                    faults.diskFull(
                            parts.subList(0, 1 + rnd.nextInt(parts.size())).toArray(String[]::new));
                    what = "fault";
                } else if (op < 80) {
                    faults.heal();
                    what = "heal";
                } else if (op < 86) {
                    s.close();
                    s = server(dir, faults);
                    restarts++;
                    what = "restart";
                } else {
                    TestServer.sleep(rnd.nextInt(300));
                    what = "wait";
                }
                ops.merge(what, 1, Integer::sum);
                pausesSeen += s.server.runs().health().paused() > 0 ? 1 : 0;
                check(s, removed, "after step " + step + " (" + what + ")");
            }
            faults.heal();
            s.server.runs().upkeepNow();
            Map<String, JsonNode> finished = new LinkedHashMap<>();
            for (String id : configOf.keySet()) {
                if (removed.contains(id)) continue;
                JsonNode run = s.awaitEnd(id, 180);
                if (run.get("status").asText().equals("FINISHED"))
                    finished.put(
                            id, s.get("/api/runs/" + id + "/metrics").json().get("rows"));
            }
            for (int c = 0;
                    c < CONFIGS.size();
                    c++) { // every config to the end: cancelled ones resume from checkpoints
                TestServer.Response r = s.post("/api/runs", CONFIGS.get(c)); // 202: a stopped run queued again
                assertTrue(List.of(200, 201, 202).contains(r.status()), r.body());
                String id = r.json().get("id").asText();
                configOf.put(id, c);
                JsonNode run = s.awaitEnd(id, 180);
                assertEquals("FINISHED", run.get("status").asText(), run.toString());
                finished.put(id, s.get("/api/runs/" + id + "/metrics").json().get("rows"));
            }
            check(s, removed, "at the end");
            Map<Integer, JsonNode> reference = new HashMap<>();
            try (TestServer ref = new TestServer(refDir)) {
                for (var e : finished.entrySet()) {
                    int c = configOf.get(e.getKey());
                    JsonNode want = reference.computeIfAbsent(c, k -> {
                        String id = ref.start(CONFIGS.get(k));
                        ref.awaitEnd(id, 180);
                        return ref.get("/api/runs/" + id + "/metrics").json().get("rows");
                    });
                    assertEquals(want, e.getValue(), "run " + e.getKey() + " of config " + c);
                }
            }
            System.out.printf(
                    "LifecycleModelTest seed %d: %d steps %s, %d restarts, %d faults injected, paused runs seen after %d"
                            + " steps, %d runs (%d removed, %d finished and exact)%n",
                    SEED,
                    STEPS,
                    ops,
                    restarts,
                    faults.injected.get(),
                    pausesSeen,
                    configOf.size(),
                    removed.size(),
                    finished.size());
        } finally {
            s.close();
        }
    }

    static TestServer server(Path dir, InjectedFaults faults) {
        return new TestServer(
                dir,
                cfg -> {
                    cfg.workers = 2;
                    cfg.checkpointSeconds = 0.05;
                    cfg.probeSeconds = 0.05;
                    cfg.minFreeBytes = 0;
                },
                faults);
    }

    /** The invariants, checked between steps. */
    static void check(TestServer s, Set<String> removed, String when) {
        RunService runs = s.server.runs();
        assertEquals(List.of(), runs.ownershipProblems(), when);
        RunService.Health h = runs.health();
        JsonNode health = s.get("/api/health").json();
        assertTrue(h.running() <= 2, when + ": " + h);
        assertTrue(
                health.get("running").asInt()
                                + health.get("waiting").asInt()
                                + health.get("paused").asInt()
                        >= 0,
                when);
        if (removed.isEmpty()) return;
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + s.dataDir.resolve("runs.db"))) {
            for (String table : List.of("metrics", "snapshots", "checkpoints"))
                for (String id : removed)
                    try (PreparedStatement p =
                            c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE run_id = ?")) {
                        p.setString(1, id);
                        try (ResultSet r = p.executeQuery()) {
                            assertTrue(r.next());
                            assertEquals(0, r.getInt(1), when + ": removed run " + id + " written to " + table);
                        }
                    }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }
}
