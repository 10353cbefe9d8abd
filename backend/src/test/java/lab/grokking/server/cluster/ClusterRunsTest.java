package lab.grokking.server.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.TestServer;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cluster mode's run lifecycle in one JVM: two or three run services, each a member of a {@link TestCluster}, over ONE
 * store. Runs spread over the members, fairness holds across them, a member cut off mid-run has its run taken over
 * (resumed from its checkpoint, bit for bit the rows of an uninterrupted run) and its own next write refused, cancels
 * reach the owner, and no run is trained to the end twice. Subclasses choose the store.
 */
class ClusterRunsTest {
    static final String ALICE = "alice", BOB = "bob";
    /** Seconds of training on one core: long enough to be cut off mid-way after several checkpoints. */
    static final long LONG_STEPS = 1_500_000, SHORT_STEPS = 200_000;
    /** Far longer than a test: cancelled once it has shown where it runs. */
    static final long ENDLESS_STEPS = 100_000_000;

    /** The store the members share (SQLite here; PostgreSQL in a subclass). */
    RunStore newStore(Path dir) {
        return new SqliteRunStore(dir);
    }

    static ServerConfig cfg() {
        ServerConfig c = ServerConfig.load(Map.of());
        c.checkpointSeconds = 0.2;
        c.probeSeconds = 0.5;
        c.perClientQueued = 100;
        c.workers = 1;
        c.clusterMaxNoHeartbeatSeconds = 2; // the lease: a run that stopped progressing is taken over after 2 s
        return c;
    }

    /** Members of one test cluster over one store, each with one worker. */
    final class Members implements AutoCloseable {
        final TestCluster net;
        final RunStore store;
        final Map<String, RunService> services = new LinkedHashMap<>();
        final Map<String, PausableStore> views = new LinkedHashMap<>();

        Members(Path dir, int minMembers, String... ids) {
            net = new TestCluster(minMembers);
            store = newStore(dir);
            for (String id : ids) {
                ServerConfig c = cfg();
                PausableStore view = new PausableStore(store);
                views.put(id, view);
                RunService s = new RunService(
                        c,
                        view.store,
                        new FairQueue(c.workers, c.workers, c.perClientQueued, c.maxQueued),
                        Estimates.inMemory(),
                        net.join(id));
                s.recover();
                services.put(id, s);
            }
        }

        RunService get(String id) {
            return services.get(id);
        }

        /** Attempts trained to FINISHED on any member, once every member let go of the runs that ended. */
        long finished() {
            await(
                    () -> services.values().stream()
                            .allMatch(s -> s.health().running() + s.health().waiting() == 0),
                    "every member let go of its runs");
            return services.values().stream()
                    .mapToLong(RunService::finishedHere)
                    .sum();
        }

        StoredRun run(String id) {
            return store.get(id).orElseThrow();
        }

        String owner(String id) {
            return store.claimOf(id).orElseThrow().owner();
        }

        StoredRun awaitFinal(String id) {
            await(() -> run(id).status().isFinal(), "run " + id + " ends");
            return run(id);
        }

        @Override
        public void close() {
            for (RunService s : services.values()) s.close();
            net.close();
            store.close();
        }
    }

    static RunConfig mc(long steps, long seed) {
        return Configs.parse(TestServer.mcConfig(steps, seed));
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            TestServer.sleep(20);
        }
    }

    /** The rows of this config trained once, start to end, by a single-JVM run service. */
    List<double[]> uninterrupted(Path dir, RunConfig rc) {
        ServerConfig c = cfg();
        try (RunStore store = newStore(dir);
                RunService solo = new RunService(
                        c,
                        store,
                        new FairQueue(c.workers, c.workers, c.perClientQueued, c.maxQueued),
                        Estimates.inMemory())) {
            String id = solo.submit(rc, ALICE).run().id();
            await(() -> store.get(id).orElseThrow().status().isFinal(), "the reference run ends");
            assertEquals(StoredRun.Status.FINISHED, store.get(id).orElseThrow().status());
            return store.metrics(id);
        }
    }

    static void assertSameRows(List<double[]> expected, List<double[]> actual) {
        assertEquals(expected.size(), actual.size(), "rows");
        for (int i = 0; i < expected.size(); i++)
            assertArrayEquals(expected.get(i), actual.get(i), "row " + i + " bit for bit");
    }

    @Test
    void runsSubmittedOnOneMemberSpreadOverTheMembers(@TempDir Path dir) {
        try (Members m = new Members(dir, 1, "a", "b", "c")) {
            List<String> ids = new ArrayList<>();
            for (int seed = 1; seed <= 3; seed++)
                ids.add(m.get("a").submit(mc(ENDLESS_STEPS, seed), ALICE).run().id());
            await(
                    () -> ids.stream().allMatch(id -> m.run(id).status() == StoredRun.Status.RUNNING),
                    "all three train at once");
            Set<String> owners = new HashSet<>();
            for (String id : ids) owners.add(m.owner(id));
            assertEquals(Set.of("a", "b", "c"), owners, "one worker each: one run on each member");
            for (RunService s : m.services.values()) {
                assertEquals(List.of(), s.ownershipProblems());
                s.upkeepNow(); // the reconciler leaves the other members' runs alone
                assertEquals(0, s.reconciled());
            }
            for (String id : ids)
                assertEquals(StoredRun.Status.RUNNING, m.run(id).status());
            for (String id : ids) m.get("a").cancel(id, ALICE);
            for (String id : ids)
                assertEquals(StoredRun.Status.CANCELLED, m.awaitFinal(id).status());
        }
    }

    @Test
    void aRunClaimedInTheStoreByAMemberThatDoesNotHoldItIsReleased(@TempDir Path dir) {
        try (Members m = new Members(dir, 1, "a", "b")) {
            String busyA = m.get("a").submit(mc(ENDLESS_STEPS, 1), ALICE).run().id();
            String busyB = m.get("a").submit(mc(ENDLESS_STEPS, 2), ALICE).run().id();
            await(
                    () -> m.run(busyA).status() == StoredRun.Status.RUNNING
                            && m.run(busyB).status() == StoredRun.Status.RUNNING,
                    "both workers busy");
            String stray = m.get("a").submit(mc(SHORT_STEPS, 3), ALICE).run().id();
            // as if "a" had claimed it and lost track of it (a crash between claim and ownership)
            assertTrue(m.store
                    .claim(stray, "a", m.store.claimOf(stray).orElseThrow().epoch())
                    .isPresent());
            m.get("a").upkeepNow(); // (or its periodic upkeep did, just before)
            assertEquals(1, m.get("a").reconciled());
            assertEquals(null, m.owner(stray), "released for any member");
            assertEquals(StoredRun.Status.QUEUED, m.run(stray).status());
            assertEquals(List.of(), m.get("a").ownershipProblems());
            for (String id : List.of(busyA, busyB, stray)) m.get("b").cancel(id, ALICE);
            for (String id : List.of(busyA, busyB, stray))
                assertEquals(StoredRun.Status.CANCELLED, m.awaitFinal(id).status());
        }
    }

    @Test
    void runsSubmittedOnOneMemberAreEachTrainedOnce(@TempDir Path dir) {
        try (Members m = new Members(dir, 1, "a", "b", "c")) {
            List<String> ids = new ArrayList<>();
            for (int seed = 1; seed <= 6; seed++)
                ids.add(m.get("a").submit(mc(SHORT_STEPS, seed), ALICE).run().id());
            for (String id : ids)
                assertEquals(StoredRun.Status.FINISHED, m.awaitFinal(id).status());
            assertEquals(6, m.finished(), "no run trained twice");
            for (RunService s : m.services.values()) assertEquals(List.of(), s.ownershipProblems());
        }
    }

    @Test
    void theSameConfigPostedOnTwoMembersIsOneRun(@TempDir Path dir) {
        try (Members m = new Members(dir, 1, "a", "b")) {
            RunService.Submission first = m.get("a").submit(mc(SHORT_STEPS, 7), ALICE);
            RunService.Submission second = m.get("b").submit(mc(SHORT_STEPS, 7), ALICE);
            assertEquals(RunService.Outcome.CREATED, first.outcome());
            assertEquals(RunService.Outcome.EXISTING, second.outcome());
            assertEquals(first.run().id(), second.run().id());
            m.awaitFinal(first.run().id());
            assertEquals(1, m.finished());
        }
    }

    @Test
    void whatOneMemberDoesToARunTheOthersSeeDespiteTheirCaches(@TempDir Path dir) {
        try (Members m = new Members(dir, 1, "a", "b")) {
            RunService a = m.get("a"), b = m.get("b");
            String finished = a.submit(mc(SHORT_STEPS, 11), ALICE).run().id();
            m.awaitFinal(finished);
            assertEquals(
                    StoredRun.Status.FINISHED, a.get(finished).orElseThrow().status()); // cached on a
            await(() -> a.health().running() + b.health().running() == 0, "its member let go of it");
            assertTrue(b.remove(finished, ALICE));
            await(() -> a.get(finished).isEmpty(), "removed on b: a's cache forgets it");
            RunService.Submission again = a.submit(mc(SHORT_STEPS, 11), ALICE);
            assertEquals(RunService.Outcome.CREATED, again.outcome(), "the removed run is not handed out");
            assertNotEquals(finished, again.run().id());

            String id = a.submit(mc(LONG_STEPS, 12), ALICE).run().id();
            await(() -> m.run(id).status() == StoredRun.Status.RUNNING, "it trains");
            a.cancel(id, ALICE);
            assertEquals(StoredRun.Status.CANCELLED, m.awaitFinal(id).status());
            assertEquals(StoredRun.Status.CANCELLED, a.get(id).orElseThrow().status()); // cached on a
            assertEquals(
                    RunService.Outcome.REQUEUED,
                    b.submit(mc(LONG_STEPS, 12), ALICE).outcome());
            await(
                    () -> !a.get(id).orElseThrow().status().isFinal(),
                    "queued again on b: a no longer serves its cached CANCELLED");
            assertEquals(false, a.remove(id, ALICE), "queued again on b: not removable on a");
            assertEquals(
                    RunService.Outcome.EXISTING,
                    a.submit(mc(LONG_STEPS, 12), ALICE).outcome(),
                    "not requeued twice");
            a.cancel(id, ALICE);
            assertEquals(StoredRun.Status.CANCELLED, m.awaitFinal(id).status());
            assertEquals(0, a.ownershipLost() + b.ownershipLost(), "no attempt was fenced off");
        }
    }

    @Test
    void fairnessAcrossClientsHoldsOverTheCluster(@TempDir Path dir) {
        try (Members m = new Members(dir, 1, "a", "b")) {
            List<String> alice = new ArrayList<>();
            // her second run is the long one: whichever member frees first finds one of hers still running
            for (int seed = 1; seed <= 4; seed++)
                alice.add(m.get("a")
                        .submit(mc(seed == 2 ? LONG_STEPS : SHORT_STEPS, seed), ALICE)
                        .run()
                        .id());
            String bob = m.get("b").submit(mc(SHORT_STEPS, 99), BOB).run().id();
            List<StoredRun> all = new ArrayList<>();
            for (String id : alice) all.add(m.awaitFinal(id));
            all.add(m.awaitFinal(bob));
            List<String> started = all.stream()
                    .sorted(Comparator.comparingLong(StoredRun::startedAt).thenComparing(StoredRun::createdAt))
                    .map(StoredRun::id)
                    .toList();
            // two workers in the cluster, alice holds one: bob's run goes at the next free one, before her third and
            // fourth
            assertTrue(started.indexOf(bob) <= 2, "bob's run starts among the first three: " + started);
            assertEquals(5, m.finished());
        }
    }

    @Test
    void aMemberPausedMidRunHasItsRunTakenOverBitForBitAndItsNextWriteRefused(
            @TempDir Path dir, @TempDir Path reference) {
        RunConfig rc = mc(LONG_STEPS, 21);
        List<double[]> expected = uninterrupted(reference, rc);
        try (Members m = new Members(dir, 2, "a", "b", "c")) {
            String id = m.get("a").submit(rc, ALICE).run().id();
            await(() -> m.run(id).progressStep() >= LONG_STEPS / 5, "a checkpoint at a fifth of the run");
            String stale = m.owner(id);
            m.views.get(stale).pause(); // as SIGSTOP: its next checkpoint waits, its run stops progressing
            m.net.partition(stale); // dead to the others, alone (no quorum): it claims nothing more
            await(() -> !m.owner(id).equals(stale), "another member takes the run over once its lease ran out");
            m.views.get(stale).resume(); // as SIGCONT: the write it was making is refused
            StoredRun done = m.awaitFinal(id);
            assertEquals(StoredRun.Status.FINISHED, done.status(), done.message());
            await(() -> m.get(stale).ownershipLost() == 1, "the stale owner's next write is refused");
            assertNotEquals(stale, m.owner(id), "finished by another member");
            assertEquals(1, m.finished(), "trained to the end once");
            assertEquals(0, m.get(stale).finishedHere());
            await(() -> m.get(stale).health().running() == 0, "the stale owner stops");
            long resumedFrom = Configs.readObject(done.summary(), "summary")
                    .get("resumed_from_step")
                    .asLong();
            assertTrue(resumedFrom >= LONG_STEPS / 5, "resumed from its checkpoint, step " + resumedFrom);
            assertSameRows(expected, m.store.metrics(id));
        }
    }

    @Test
    void aMemberCutOffButStillTrainingKeepsItsRun(@TempDir Path dir) {
        // both sides keep a quorum of one (a split brain): neither takes the run while its owner checkpoints it
        try (Members m = new Members(dir, 1, "a", "b")) {
            String id = m.get("a").submit(mc(LONG_STEPS * 2, 22), ALICE).run().id();
            await(() -> m.run(id).progressStep() > 0, "a first checkpoint");
            String owner = m.owner(id);
            m.net.partition(owner);
            StoredRun done = m.awaitFinal(id);
            assertEquals(StoredRun.Status.FINISHED, done.status(), done.message());
            assertEquals(owner, m.owner(id), "never taken from it");
            assertEquals(0, m.get("a").ownershipLost() + m.get("b").ownershipLost());
            assertEquals(1, m.finished());
            assertEquals(1, m.get(owner).finishedHere());
        }
    }

    @Test
    void aCancelFromAMemberThatDoesNotTrainTheRunStopsIt(@TempDir Path dir) {
        try (Members m = new Members(dir, 1, "a", "b")) {
            String first = m.get("a").submit(mc(LONG_STEPS, 1), ALICE).run().id();
            String second = m.get("a").submit(mc(LONG_STEPS, 2), ALICE).run().id();
            await(
                    () -> m.run(first).status() == StoredRun.Status.RUNNING
                            && m.run(second).status() == StoredRun.Status.RUNNING,
                    "both members train");
            String waiting = m.get("a").submit(mc(LONG_STEPS, 3), ALICE).run().id();
            // queued and claimed by nobody (both workers busy): claimed by the cancelling member and cancelled
            assertEquals(
                    StoredRun.Status.CANCELLED,
                    m.get("b").cancel(waiting, ALICE).orElseThrow());
            assertEquals(StoredRun.Status.CANCELLED, m.run(waiting).status());
            // running on the other member: the owner is asked, and stops at its next step
            String owner = m.owner(first), other = owner.equals("a") ? "b" : "a";
            assertEquals(
                    StoredRun.Status.RUNNING, m.get(other).cancel(first, ALICE).orElseThrow());
            assertEquals(StoredRun.Status.CANCELLED, m.awaitFinal(first).status());
            assertTrue(m.net.cancelsDelivered.contains(owner + ":" + first), m.net.cancelsDelivered.toString());
            m.get("a").cancel(second, ALICE);
            assertEquals(StoredRun.Status.CANCELLED, m.awaitFinal(second).status());
            assertEquals(0, m.finished());
            assertEquals(List.of(), m.store.metrics(waiting), "the cancelled queued run never trained");
        }
    }

    @Test
    void aMemberClosingGracefullyReleasesItsRunToTheOthers(@TempDir Path dir, @TempDir Path reference) {
        RunConfig rc = mc(LONG_STEPS, 5);
        List<double[]> expected = uninterrupted(reference, rc);
        try (Members m = new Members(dir, 1, "a", "b")) {
            String id = m.get("a").submit(rc, ALICE).run().id();
            await(() -> m.run(id).progressStep() >= LONG_STEPS / 5, "a checkpoint at a fifth of the run");
            String owner = m.owner(id);
            m.get(owner).close(); // checkpoints, releases the run and tells the others
            StoredRun done = m.awaitFinal(id);
            assertEquals(StoredRun.Status.FINISHED, done.status(), done.message());
            assertNotEquals(owner, m.owner(id));
            assertEquals(0, m.get(owner).ownershipLost());
            assertSameRows(expected, m.store.metrics(id));
        }
    }
}
