package lab.grokking.server.cluster.process;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lab.grokking.core.config.Configs;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Members as separate JVMs over one PostgreSQL store: a member killed with SIGKILL while it trains, and a member frozen
 * with SIGSTOP past its heartbeat and then resumed. Runs resume on the others from their last checkpoint and end with
 * the metrics of an uninterrupted run, bit for bit; no run is trained to its end twice; no row is lost or repeated.
 */
class MemberDeathTest {
    /** About 5–10 s of training at one thread: long enough to be killed mid-way after checkpoints. */
    static final long STEPS = 5_000_000;

    static String config(long seed) {
        return TestServer.mcConfig(STEPS, seed);
    }

    static Path dir(String test) {
        return Path.of("target", "cluster-process", test + "-" + System.currentTimeMillis());
    }

    @Test
    void aKilledMembersRunsResumeOnTheOthersWithIdenticalMetrics() throws Exception {
        Path dir = dir("kill");
        try (MemberGroup g = new MemberGroup(dir, 3, Map.of())) {
            try {
                killTest(g, dir);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + g.logs(40), e);
            }
        }
    }

    private static void killTest(MemberGroup g, Path dir) throws Exception {
        List<Member> ms = g.startAll(3);
        Member a = ms.get(0), c = ms.get(2);
        a.awaitMembers(3, 60);
        String victim = c.memberId();
        g.store.sample();
        List<String> ids = new ArrayList<>();
        for (int seed = 1; seed <= 6; seed++) ids.add(a.submit(config(seed)));

        // the victim trains one of them; once it is past a few checkpoints, a viewer on a watches it, then it dies
        String watched = awaitRunOwnedBy(g.store, victim, 60);
        a.awaitStep(watched, STEPS / 3, 60);
        TestServer.Viewer viewer = TestServer.Viewer.open(a.wsUrl("/api/runs/" + watched + "/stream"));
        List<JsonNode> before = viewer.until("points", 30);
        List<String> interrupted = new ArrayList<>();
        g.store.runs().forEach((id, o) -> {
            if (o.status().equals("RUNNING") && victim.equals(o.owner())) interrupted.add(id);
        });
        long killedAt = a.run(watched).get("progress").get("step").asLong();
        c.kill();

        int resumed = 0, duplicated = 0, lost = 0;
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            JsonNode run = a.awaitEnd(id, 180);
            JsonNode rows = a.metrics(id);
            boolean wasInterrupted = interrupted.contains(id);
            JsonNode resumedFrom = run.get("summary").get("resumed_from_step");
            long epoch = g.store.run(id).epoch();
            if (!run.get("status").asText().equals("FINISHED") || !Reference.strictlyIncreasing(rows)) {
                lost++;
                problems.add(id + ": " + run.get("status").asText() + ", steps increasing "
                        + Reference.strictlyIncreasing(rows));
                continue;
            }
            if (epoch
                    > (wasInterrupted ? 2 : 1)) { // every claim bumps the epoch: one more than needed trained it twice
                duplicated++;
                problems.add(id + ": claimed " + epoch + " times, owners seen " + g.store.ownersSeen(id));
            }
            if (!wasInterrupted) {
                assertNull(resumedFrom, id + " was never interrupted: " + run.get("summary"));
                continue;
            }
            List<String> owners = g.store.ownersSeen(id);
            assertEquals(victim, owners.getFirst(), id + " owners " + owners);
            assertNotEquals(victim, owners.getLast(), id + " owners " + owners);
            assertNotNull(resumedFrom, id + " resumed from a checkpoint, not from step 0: " + run.get("summary"));
            assertTrue(resumedFrom.asLong() > 0);
            if (rows.equals(
                    Reference.rows(dir, config(run.get("config").get("seed").asLong())))) resumed++;
            else {
                lost++;
                problems.add(id + ": rows differ from the uninterrupted run's");
            }
        }
        long refused = ms.stream()
                .filter(m -> m != c)
                .mapToLong(m ->
                        m.logText().lines().filter(l -> l.contains("is stale")).count())
                .sum();
        System.out.printf(
                "kill test: %d runs, member %s killed at step %d of run %s: interrupted %d, resumed %d, duplicated %d,"
                        + " lost %d (stale writes refused on the survivors: %d)%n",
                ids.size(), c.name, killedAt, watched, interrupted.size(), resumed, duplicated, lost, refused);
        assertEquals(List.of(), problems);
        assertFalse(interrupted.isEmpty(), "the victim trained a run when it died");
        assertEquals(interrupted.size(), resumed);

        // the viewer on a saw the rows from before the kill and then the rest, each once, as the uninterrupted run
        List<JsonNode> after = viewer.until("status", 120);
        JsonNode status = after.getLast();
        assertEquals("FINISHED", status.get("status").asText(), status.toString());
        List<JsonNode> all = new ArrayList<>(before);
        all.addAll(after);
        ArrayNode seen = Configs.JSON.createArrayNode();
        TestServer.Viewer.rows(all).forEach(seen::add);
        assertTrue(seen.size() > 0 && seen.get(seen.size() - 1).get(0).asLong() == STEPS, "the viewer saw the end");
        assertEquals(Reference.rows(dir, config(seedOf(a, watched))), seen, "the viewer's rows, each once");
        viewer.close();
    }

    static long seedOf(Member m, String id) {
        return m.run(id).get("config").get("seed").asLong();
    }

    /** A run the store says this member trains, waiting for one. */
    static String awaitRunOwnedBy(StoreProbe store, String member, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            for (var e : store.runs().entrySet())
                if (e.getValue().status().equals("RUNNING")
                        && member.equals(e.getValue().owner())) return e.getKey();
            Member.sleep(100);
        }
        throw new AssertionError(
                "member " + member + " trains no run within " + timeoutSeconds + " s: " + store.runs());
    }

    @Test
    void aStaleOwnerResumedAfterSigstopHasItsWritesRefusedAndStops() throws Exception {
        Path dir = dir("stale");
        // two members, each its own quorum: resumed, the stale owner sees the other as dead (a split brain until
        // Hazelcast merges them) and must still not take the run back while the other trains it
        try (MemberGroup g = new MemberGroup(dir, 2, Map.of("cluster.minMembers", "1"))) {
            try {
                staleTest(g, dir, Member::pause);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + g.logs(40), e);
            }
        }
    }

    /**
     * Regression: a SIGSTOP landing inside a checkpoint's transaction left the run's row locked, and the other member's
     * claim of it waited as long as the freeze (1 run in 6 of the test above missed its takeover). Here the owner stops
     * itself at exactly that moment; the store ends its session after maxNoHeartbeatSeconds.
     */
    @Test
    void anOwnerFrozenInsideItsCheckpointTransactionLosesItsRunAllTheSame() throws Exception {
        Path dir = dir("frozen-in-write");
        Path trigger = dir.toAbsolutePath().resolve("stop-in-checkpoint");
        try (MemberGroup g = new MemberGroup(
                dir, 2, Map.of("cluster.minMembers", "1", "faults.stopInCheckpointOnFile", trigger.toString()))) {
            try {
                staleTest(g, dir, stale -> {
                    try {
                        Files.createFile(trigger);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    stale.awaitStopped(30);
                });
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + g.logs(40), e);
            }
        }
    }

    /** {@code freeze} stops the member that trains the run (it is resumed by SIGCONT). */
    private static void staleTest(MemberGroup g, Path dir, Consumer<Member> freeze) throws Exception {
        List<Member> ms = g.startAll(2);
        ms.get(0).awaitMembers(2, 60);
        String config = config(7);
        String id = ms.get(0).submit(config);
        g.store.sample();
        StoreProbe.Ownership first =
                awaitOwner(g.store, id, o -> o.owner() != null && o.status().equals("RUNNING"));
        Member stale = ms.stream()
                .filter(m -> m.memberId().equals(first.owner()))
                .findFirst()
                .orElseThrow();
        Member other = ms.stream().filter(m -> m != stale).findFirst().orElseThrow();
        other.awaitStep(id, STEPS / 4, 60);

        // past maxNoHeartbeat, and with no progress in the store for as long, the other takes the run from its last
        // checkpoint; resumed, the stale owner's next write is refused and it stops
        freeze.accept(stale);
        StoreProbe.Ownership taken;
        try {
            taken = awaitOwner(g.store, id, o -> o.owner() != null && !o.owner().equals(first.owner()));
        } catch (AssertionError e) { // who the other member sees tells a missed death from a run kept under its lease
            throw new AssertionError(
                    e.getMessage() + "; " + other.name + " sees "
                            + other.health().get("cluster"),
                    e);
        }
        assertEquals(first.epoch() + 1, taken.epoch(), "the takeover is one claim later");
        stale.resume(); // it trains on for at most a checkpoint interval: that write is refused and it stops

        JsonNode run = other.awaitEnd(id, 120);
        assertEquals("FINISHED", run.get("status").asText(), run.toString());
        assertEquals(
                ServerConfig.clusterWorkers(Runtime.getRuntime().availableProcessors()),
                run.get("provenance").get("threads").asInt(),
                "a member's training threads default to cores - 1");
        assertTrue(
                run.get("summary").get("resumed_from_step").asLong() > 0,
                run.get("summary").toString());
        assertEquals(Reference.rows(dir, config), other.metrics(id), "bit-identical to an uninterrupted run");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!refusalLogged(stale, id)) {
            if (System.nanoTime() > deadline)
                throw new AssertionError("the stale owner logged no refused write for run " + id);
            Member.sleep(200);
        }
        assertEquals(0, stale.health().get("running").asInt(), "the stale owner stopped training");
        StoreProbe.Ownership end = g.store.run(id);
        assertEquals(taken.epoch(), end.epoch(), "no claim after the takeover: the run finished once");
        System.out.printf(
                "stale owner: %s paused, run %s taken by member %s at epoch %d, the stale attempt's write refused%n",
                stale.name, id, taken.owner(), taken.epoch());
    }

    /** The warning a refused (fenced) write leaves in the member's log: "run ID: the claim of … is stale (…)". */
    static boolean refusalLogged(Member m, String id) {
        return m.logText().lines().anyMatch(l -> l.contains("run " + id + ": the claim of") && l.contains("is stale"));
    }

    static StoreProbe.Ownership awaitOwner(
            StoreProbe store, String id, java.util.function.Predicate<StoreProbe.Ownership> p) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            StoreProbe.Ownership o = store.runs().get(id);
            if (o != null && p.test(o)) return o;
            Member.sleep(100);
        }
        throw new AssertionError("run " + id + " not in the expected state within 60 s: "
                + store.runs().get(id));
    }
}
