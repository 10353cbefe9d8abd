package lab.grokking.server.store;

import static lab.grokking.server.RunStoreTest.claimed;
import static lab.grokking.server.RunStoreTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunStore} does, whatever the engine: exact round trips, atomic checkpoints, migrations, and the
 * ownership that cluster mode rests on (claims, fenced writes, the fair claim queue, one live run per config key). A
 * subclass per engine gives a database of this test's own; {@link #open()} opens a store on it, once or several times
 * (a reopened store, or a second member).
 */
abstract class RunStoreContract {
    private final List<RunStore> opened = new ArrayList<>();

    /** A new store object on this test's database (closed after the test). */
    protected final RunStore open() {
        RunStore s = newStore();
        opened.add(s);
        return s;
    }

    protected abstract RunStore newStore();

    /** A plain JDBC connection to this test's database (what a damaged or older store looks like is written here). */
    protected abstract Connection raw() throws SQLException;

    protected abstract String kind();

    @AfterEach
    void closeStores() {
        for (RunStore s : opened) s.close();
    }

    /** A QUEUED run of this client, priority and creation time. */
    static StoredRun queued(String id, String client, int priority, long createdAt) {
        StoredRun r = run(id);
        return new StoredRun(
                id,
                r.configKey(),
                r.task(),
                r.config(),
                r.seed(),
                r.codeVersion(),
                client,
                priority,
                r.steps(),
                StoredRun.Status.QUEUED,
                null,
                null,
                null,
                null,
                0,
                createdAt,
                null,
                null,
                null);
    }

    // --- round trips, checkpoints, migrations -------------------------------------------------------------------

    @Test
    void itSaysWhichEngineItIs() {
        assertEquals(kind(), open().kind());
    }

    @Test
    void rowsSnapshotsAndCheckpointsRoundTripExactly() {
        RunStore s = open();
        s.insert(run("r1"));
        double[] row = {10, 0.1, Math.PI, Double.NaN, Double.MIN_VALUE, -0.0, 1e-300};
        double[][] state = {{1, 2, Math.E}, {Double.MAX_VALUE}};
        s.saveCheckpoint(
                claimed(s, "r1"),
                new Checkpoint(10, state),
                List.of(new double[] {0, 0, 1}, row),
                List.of(new Snapshot("W", 10, 1, 2, new float[] {1.5f, -2f})));
        assertArrayEquals(row, s.metrics("r1").get(1), 0.0);
        assertTrue(Double.isNaN(s.metrics("r1").get(1)[3]));
        assertEquals(
                Double.doubleToRawLongBits(-0.0),
                Double.doubleToRawLongBits(s.metrics("r1").get(1)[5]));
        Checkpoint cp = s.checkpoint("r1").orElseThrow();
        assertEquals(10, cp.step());
        assertArrayEquals(state[0], cp.state()[0], 0.0);
        assertArrayEquals(state[1], cp.state()[1], 0.0);
        assertArrayEquals(
                new float[] {1.5f, -2f}, s.snapshot("r1", "W", 10).orElseThrow().values(), 0f);
        assertEquals(10, s.get("r1").orElseThrow().progressStep());
        assertEquals("ok", s.integrityCheck());
    }

    @Test
    void truncateAfterDropsWhatACrashedAttemptWroteBeyondItsCheckpoint() {
        RunStore s = open();
        s.insert(run("r1"));
        Claim c = claimed(s, "r1");
        s.saveCheckpoint(
                c,
                new Checkpoint(5, new double[][] {{1}}),
                List.of(new double[] {0}, new double[] {5}, new double[] {9}),
                List.of(new Snapshot("late", -1, 1, 1, new float[] {1}), new Snapshot("W", 9, 1, 1, new float[] {2})));
        s.truncateAfter(c, 5);
        assertEquals(List.of(0.0, 5.0), s.metrics("r1").stream().map(r -> r[0]).toList());
        assertEquals(
                List.of("late"), s.snapshots("r1").stream().map(x -> x.name()).toList(), "the fixed predictors stay");
    }

    @Test
    void aCheckpointRewrittenReplacesTheOldOneAndRowsOfTheSameStepAreReplacedNotDoubled() {
        RunStore s = open();
        s.insert(run("r1"));
        Claim c = claimed(s, "r1");
        s.saveCheckpoint(c, new Checkpoint(5, new double[][] {{1}}), List.of(new double[] {5, 1}), List.of());
        s.saveCheckpoint(c, new Checkpoint(8, new double[][] {{2}}), List.of(new double[] {5, 2}), List.of());
        assertEquals(1, s.metrics("r1").size());
        assertEquals(2.0, s.metrics("r1").getFirst()[1]);
        assertEquals(8, s.checkpoint("r1").orElseThrow().step());
        assertEquals(2.0, s.checkpoint("r1").orElseThrow().state()[0][0]);
    }

    @Test
    void aCorruptCheckpointIsNeverResumedFromAndTheCheckSaysSo() throws Exception {
        RunStore s = open();
        s.insert(run("r1"));
        s.saveCheckpoint(claimed(s, "r1"), new Checkpoint(5, new double[][] {{1, 2, 3}}), List.of(), List.of());
        try (Connection c = raw();
                var st = c.createStatement()) {
            st.executeUpdate("UPDATE checkpoints SET crc = crc + 1");
        }
        RunStore again = open();
        assertTrue(
                again.checkpoint("r1").isEmpty(), "a checkpoint that fails its checksum is ignored (the run restarts)");
        assertTrue(again.integrityCheck().contains("checkpoint of r1 fails its checksum"), again.integrityCheck());
    }

    @Test
    void aCheckpointInTheFormatOfEarlierBuildsStillResumes() throws Exception {
        RunStore s = open();
        s.insert(run("r1"));
        // what earlier builds wrote: count, then length and values per array, little-endian; crc32 of it in its own
        // column
        var b = ByteBuffer.allocate(4 + 4 + 16 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2).putInt(2).putDouble(-0.0).putDouble(Double.NaN).putInt(0);
        var crc = new CRC32();
        crc.update(b.array());
        try (Connection c = raw();
                var p = c.prepareStatement(
                        "INSERT INTO checkpoints (run_id, step, state, crc) VALUES ('r1', 7, ?, ?)")) {
            p.setBytes(1, b.array());
            p.setLong(2, crc.getValue());
            p.executeUpdate();
        }
        Checkpoint cp = s.checkpoint("r1").orElseThrow();
        assertEquals(7, cp.step());
        assertEquals(2, cp.state().length);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(cp.state()[0][0]));
        assertTrue(Double.isNaN(cp.state()[0][1]));
        assertEquals(0, cp.state()[1].length);
        assertEquals("ok", s.integrityCheck());
        s.saveCheckpoint(claimed(s, "r1"), new Checkpoint(8, cp.state()), List.of(), List.of());
        assertEquals(8, s.checkpoint("r1").orElseThrow().step(), "rewritten in the current format");
    }

    @Test
    void reopeningAppliesNoMigrationTwiceAndKeepsEverything() throws Exception {
        RunStore s = open();
        s.insert(run("r1"));
        s.finish(
                claimed(s, "r1"),
                StoredRun.Status.FINISHED,
                "done",
                "{}",
                "{}",
                List.of(new double[] {100, 1}),
                List.of(),
                false);
        s.close();
        RunStore again = open();
        assertEquals(StoredRun.Status.FINISHED, again.get("r1").orElseThrow().status());
        assertEquals("ok", again.integrityCheck());
        try (Connection c = raw();
                var st = c.createStatement();
                var r = st.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
            assertTrue(r.next());
            assertEquals(9, r.getInt(1), "V1 to V9, each once");
            assertEquals(9, r.getInt(2));
        }
    }

    @Test
    void aDatabaseFromANewerBuildIsRefusedWithAClearMessage() throws Exception {
        open().close();
        try (Connection c = raw();
                var st = c.createStatement()) {
            st.executeUpdate("INSERT INTO schema_version VALUES (99, 'V99__future.sql', 0)");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, this::newStore);
        assertTrue(e.getMessage().contains("schema version 99 is newer than this build's 9"), e.getMessage());
    }

    @Test
    void removedRunsVanishFromEveryQuery() {
        RunStore s = open();
        s.insert(run("r1"));
        s.remove("r1");
        assertTrue(s.get("r1").isEmpty());
        assertTrue(s.findByKey("key-r1").isEmpty());
        assertTrue(s.claimOf("r1").isEmpty());
        assertEquals(0, s.count(null, null, null));
        assertTrue(s.unfinished().isEmpty());
        assertEquals(Optional.empty(), s.claimNext("m1", Set.of("m1")));
    }

    @Test
    void runsOfTheSameMillisecondListInInsertionOrder() {
        RunStore s = open();
        for (String id : List.of("c", "a", "b")) s.insert(queued(id, "client", 0, 1000));
        assertEquals(
                List.of("b", "a", "c"),
                s.list(null, null, null, 0, 10).stream().map(StoredRun::id).toList());
        assertEquals(
                List.of("c", "a", "b"),
                s.unfinished().stream().map(StoredRun::id).toList());
        assertEquals(
                List.of("c", "a", "b"),
                s.createdSince("client", 0).stream().map(StoredRun::id).toList());
    }

    /** A run's data as the quota counts it: rows of 3 doubles, two snapshots (5 floats), a checkpoint. */
    static final Checkpoint CP = new Checkpoint(10, new double[][] {{1, 2, 3}, {4}});

    static final long CP_BYTES = CheckpointCodec.encode(CP).length, ROW = 3 * 8, SNAPSHOTS = 5 * 4;

    static Claim checkpointed(RunStore s, String id) {
        s.insert(run(id));
        Claim c = claimed(s, id);
        s.setStatus(c, StoredRun.Status.RUNNING, null, List.of("step", "a", "b"));
        s.saveCheckpoint(
                c,
                CP,
                List.of(new double[] {0, 1, 2}, new double[] {10, 1, 2}),
                List.of(new Snapshot("early", -1, 1, 3, new float[3]), new Snapshot("W", 5, 1, 2, new float[2])));
        return c;
    }

    @Test
    void storedBytesCountEveryBlobOfASettledRunAndLeaveOutLiveOnes() {
        RunStore s = open();
        Claim r1 = checkpointed(s, "r1");
        assertEquals(0, s.storedBytes("client", null), "a running run counts at its estimate, not here");
        s.finish(
                r1, StoredRun.Status.FINISHED, "done", "{}", "{}", List.of(new double[] {100, 1, 2}), List.of(), false);
        assertEquals(3 * ROW + SNAPSHOTS, s.storedBytes("client", null), "rows and snapshots; the checkpoint is gone");
        assertEquals(0, s.storedBytes("client", "r1"));
        assertEquals(0, s.storedBytes("someone else", null));

        Claim r2 = checkpointed(s, "r2");
        s.saveCheckpoint(
                r2, new Checkpoint(30, CP.state()), List.of(), List.of(new Snapshot("W", 20, 1, 2, new float[2])));
        s.finish(r2, StoredRun.Status.CANCELLED, "cancelled", "{}", "{}", List.of(), List.of(), true);
        long r2Bytes = 2 * ROW + SNAPSHOTS + 2 * 4 + CP_BYTES;
        assertEquals(
                3 * ROW + SNAPSHOTS + r2Bytes, s.storedBytes("client", null), "a cancelled run keeps its checkpoint");
        s.truncateAfter(r2, 10); // what a crashed attempt wrote after its checkpoint goes, and its count
        assertEquals(3 * ROW + SNAPSHOTS + r2Bytes - 2 * 4, s.storedBytes("client", null));

        s.remove("r1");
        assertEquals(r2Bytes - 2 * 4, s.storedBytes("client", null));
    }

    // --- claims and fencing --------------------------------------------------------------------------------------

    @Test
    void aClaimMovesTheEpochOnAndNamesItsOwner() {
        RunStore s = open();
        s.insert(run("r1"));
        assertEquals(Optional.of(new Claim("r1", null, 0)), s.claimOf("r1"));
        assertEquals(Optional.of(new Claim("r1", "m1", 1)), s.claim("r1", "m1", 0));
        assertEquals(Optional.empty(), s.claim("r1", "m2", 0), "epoch 0 is gone");
        assertEquals(Optional.of(new Claim("r1", "m1", 1)), s.claimOf("r1"));
        assertEquals(Optional.empty(), s.claim("nope", "m1", 0));
    }

    @Test
    void runningListsEachRunningRunsClaimAndCheckpointStepAndNothingElse() {
        RunStore s = open();
        Claim a = running(s, run("r1"), "m1");
        s.saveCheckpoint(a, new Checkpoint(7, new double[][] {{7}}), List.of(new double[] {7, 1}), List.of());
        Claim b = running(s, run("r2"), "m2");
        s.insert(run("r3")); // queued
        Claim d = running(s, run("r4"), "m1");
        s.finish(d, StoredRun.Status.FINISHED, "done", "{}", "{}", List.of(), List.of(), false);
        running(s, run("r5"), "m1");
        s.remove("r5");
        List<RunStore.Running> r = new ArrayList<>(s.running(100));
        r.sort(java.util.Comparator.comparing(x -> x.claim().runId()));
        assertEquals(List.of(new RunStore.Running(a, 7), new RunStore.Running(b, 0)), r);
        assertEquals(1, s.running(1).size(), "at most the limit");
    }

    @Test
    void aFinalRunCannotBeClaimed() {
        RunStore s = open();
        s.insert(run("r1"));
        Claim c = claimed(s, "r1");
        s.finish(c, StoredRun.Status.FINISHED, "done", "{}", "{}", List.of(new double[] {100}), List.of(), false);
        assertEquals(
                Optional.empty(),
                s.claim("r1", "m2", s.claimOf("r1").orElseThrow().epoch()));
        assertEquals(Optional.empty(), s.claimNext("m2", Set.of("m2")));
    }

    @Test
    void aStaleClaimsCheckpointFinishStatusAndTruncationAreRefusedAndWriteNothing() {
        RunStore s = open();
        s.insert(run("r1"));
        Claim stale = s.claim("r1", "m1", 0).orElseThrow();
        s.setStatus(stale, StoredRun.Status.RUNNING, null, List.of("step", "loss"));
        s.saveCheckpoint(
                stale,
                new Checkpoint(5, new double[][] {{5}}),
                List.of(new double[] {0, 1}, new double[] {5, 0.5}),
                List.of(new Snapshot("W", 5, 1, 1, new float[] {5})));
        Claim fresh = s.claim("r1", "m2", stale.epoch()).orElseThrow(); // m1 was declared dead; m2 took over

        List<Runnable> writes = List.of(
                () -> s.saveCheckpoint(
                        stale,
                        new Checkpoint(10, new double[][] {{10}}),
                        List.of(new double[] {10, 0.1}),
                        List.of(new Snapshot("W", 10, 1, 1, new float[] {10}))),
                () -> s.finish(
                        stale,
                        StoredRun.Status.FINISHED,
                        "done",
                        "{}",
                        "{}",
                        List.of(new double[] {100, 0}),
                        List.of(),
                        false),
                () -> s.setStatus(stale, StoredRun.Status.FAILED, "failed: late", null),
                () -> s.setStatus(stale, StoredRun.Status.QUEUED, "interrupted by a shutdown", null),
                () -> s.truncateAfter(stale, 0));
        for (Runnable w : writes) {
            var e = assertThrows(OwnershipLostException.class, w::run);
            assertEquals(
                    "run r1: the claim of m1 at epoch 1 is stale (now owned by m2 at epoch 2); nothing was written",
                    e.getMessage());
            assertEquals(stale, e.claim());
        }
        StoredRun r = s.get("r1").orElseThrow();
        assertEquals(StoredRun.Status.RUNNING, r.status());
        assertNull(r.message());
        assertEquals(5, r.progressStep());
        assertNull(r.finishedAt());
        assertEquals(List.of(0.0, 5.0), s.metrics("r1").stream().map(x -> x[0]).toList());
        assertEquals(
                List.of(5L),
                s.snapshots("r1").stream().map(RunStore.SnapshotInfo::step).toList());
        assertEquals(5, s.checkpoint("r1").orElseThrow().step());
        assertEquals(Optional.of(fresh), s.claimOf("r1"));

        s.saveCheckpoint(fresh, new Checkpoint(10, new double[][] {{10}}), List.of(new double[] {10, 0.1}), List.of());
        assertEquals(10, s.checkpoint("r1").orElseThrow().step(), "the new owner writes");
    }

    @Test
    void aReleasedRunIsClaimableAtOnceAndItsReleaserWritesNoMore() {
        RunStore s = open();
        s.insert(run("r1"));
        Claim c = s.claim("r1", "m1", 0).orElseThrow();
        s.setStatus(c, StoredRun.Status.RUNNING, null, List.of("step"));
        s.setStatus(c, StoredRun.Status.QUEUED, "interrupted by a server shutdown", null); // graceful shutdown
        assertEquals(Optional.of(new Claim("r1", null, 1)), s.claimOf("r1"));
        var e = assertThrows(
                OwnershipLostException.class,
                () -> s.saveCheckpoint(c, new Checkpoint(1, new double[][] {{1}}), List.of(), List.of()));
        assertTrue(e.getMessage().contains("(now unowned at epoch 1)"), e.getMessage());
        RunStore.ClaimedRun next = s.claimNext("m1", Set.of("m1", "m2")).orElseThrow(); // its own member, still live
        assertEquals(new Claim("r1", "m1", 2), next.claim());
        assertEquals("interrupted by a server shutdown", next.run().message());
    }

    @Test
    void aStatusSetWithoutAClaimRevokesTheClaimsTakenBefore() {
        RunStore s = open();
        s.insert(run("r1"));
        Claim c = claimed(s, "r1");
        s.setStatus("r1", StoredRun.Status.CANCELLED, "cancelled before it started", null);
        assertThrows(
                OwnershipLostException.class, () -> s.setStatus(c, StoredRun.Status.RUNNING, null, List.of("step")));
        assertEquals(StoredRun.Status.CANCELLED, s.get("r1").orElseThrow().status());
        assertEquals(c.epoch() + 1, s.claimOf("r1").orElseThrow().epoch());
    }

    @Test
    void ofClaimantsOfTheSameEpochExactlyOneWins() throws Exception {
        RunStore a = open(), b = open();
        int runs = 10, claimants = 8;
        for (int i = 0; i < runs; i++) a.insert(run("r" + i));
        ExecutorService pool = Executors.newFixedThreadPool(claimants);
        try {
            for (int i = 0; i < runs; i++) {
                String id = "r" + i;
                long epoch = a.claimOf(id).orElseThrow().epoch();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Optional<Claim>>> tries = new ArrayList<>();
                for (int m = 0; m < claimants; m++) {
                    RunStore s = m % 2 == 0 ? a : b;
                    String owner = "m" + m;
                    tries.add(pool.submit(() -> {
                        go.await();
                        return s.claim(id, owner, epoch);
                    }));
                }
                go.countDown();
                List<Claim> won = new ArrayList<>();
                for (Future<Optional<Claim>> t : tries) t.get().ifPresent(won::add);
                assertEquals(1, won.size(), id + ": " + won);
                assertEquals(Optional.of(won.getFirst()), b.claimOf(id));
                assertEquals(epoch + 1, won.getFirst().epoch());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claimNextNeverHandsOneRunToTwoOfFourThreadsOnTwoStores() throws Exception {
        RunStore a = open(), b = open();
        int runs = 40;
        for (int i = 0; i < runs; i++) a.insert(queued(String.format("r%02d", i), "client" + (i % 3), i % 2, 1000 + i));
        Set<String> live = Set.of("m0", "m1", "m2", "m3");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> claimed = Collections.synchronizedList(new ArrayList<>());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                RunStore s = m < 2 ? a : b;
                String owner = "m" + m;
                workers.add(pool.submit(() -> {
                    go.await();
                    int n = 0;
                    for (Optional<RunStore.ClaimedRun> c; (c = s.claimNext(owner, live)).isPresent(); n++) {
                        assertEquals(owner, c.get().claim().owner());
                        s.setStatus(c.get().claim(), StoredRun.Status.RUNNING, null, List.of("step"));
                        claimed.add(c.get().run().id());
                    }
                    return n;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> w : workers) total += w.get();
            assertEquals(runs, total);
        } finally {
            pool.shutdownNow();
        }
        assertEquals(runs, claimed.size());
        assertEquals(runs, new HashSet<>(claimed).size(), "no run claimed twice: " + claimed);
        assertEquals(Optional.empty(), a.claimNext("m4", Set.of("m0", "m1", "m2", "m3", "m4")));
    }

    @Test
    void claimNextServesTheClientWithFewestRunningFirstThenPriorityThenAgeThenId() {
        RunStore s = open();
        Set<String> live = Set.of("m1");
        // A trains 2 runs on live m1, B one; C's one RUNNING run is on m9, which is not live: it counts for nobody and
        // is claimable itself
        for (String id : List.of("a-run1", "a-run2")) running(s, queued(id, "A", 0, 0), "m1");
        running(s, queued("b-run", "B", 0, 0), "m1");
        running(s, queued("c-dead", "C", 1, 0), "m9");
        s.insert(queued("a-q", "A", 0, 1));
        s.insert(queued("b-q1", "B", 1, 2));
        s.insert(queued("b-q2", "B", 0, 3));
        s.insert(queued("c-q", "C", 0, 4));
        List<String> order = new ArrayList<>();
        for (Optional<RunStore.ClaimedRun> c; (c = s.claimNext("m1", live)).isPresent(); ) {
            s.setStatus(c.get().claim(), StoredRun.Status.RUNNING, null, null); // as a worker does
            order.add(c.get().run().id());
        }
        // C (0 running): c-q before c-dead (priority 0 before 1, though younger); then B and C at 1 each: b-q2
        // (priority 0); C at 1, A and B at 2: c-dead; A, B and C at 2: a-q (priority 0), then b-q1
        assertEquals(List.of("c-q", "b-q2", "c-dead", "a-q", "b-q1"), order);

        s.insert(queued("d2", "D", 0, 5));
        s.insert(queued("d1", "D", 0, 5));
        assertEquals("d1", s.claimNext("m1", live).orElseThrow().run().id(), "a tie goes to the lower id");
    }

    @Test
    void aClaimedRunNotYetStartedCountsForItsClientsFairness() {
        // the bug: two members freeing a worker at once could both pick the same client, as its first claim (still
        // QUEUED until the worker starts it) did not count against it
        RunStore s = open();
        Set<String> live = Set.of("m1", "m2");
        s.insert(queued("a-1", "A", 0, 0));
        s.insert(queued("a-2", "A", 0, 1));
        s.insert(queued("b-1", "B", 0, 2));
        assertEquals("a-1", s.claimNext("m1", live).orElseThrow().run().id()); // not started yet
        assertEquals("b-1", s.claimNext("m2", live).orElseThrow().run().id(), "B has none held, A has one claimed");
    }

    /** Inserts the run and starts it under a claim of {@code owner}. */
    private static Claim running(RunStore s, StoredRun r, String owner) {
        s.insert(r);
        Claim c = s.claim(r.id(), owner, 0).orElseThrow();
        s.setStatus(c, StoredRun.Status.RUNNING, null, List.of("step"));
        return c;
    }

    @Test
    void aRunningRunOfADeadOwnerIsClaimedAtAHigherEpochAndItsOldOwnerIsFencedOut() {
        RunStore s = open(), other = open();
        Claim dead = running(s, run("r1"), "m9");
        s.saveCheckpoint(dead, new Checkpoint(5, new double[][] {{5}}), List.of(new double[] {5, 1}), List.of());
        running(s, run("r2"), "m1");
        s.insert(run("r3"));
        Claim queuedByLive = s.claim("r3", "m1", 0).orElseThrow(); // claimed by a live member, not yet started

        assertEquals(Optional.empty(), other.claimNext("m2", Set.of("m1", "m2", "m9")), "all held by live members");
        RunStore.ClaimedRun taken = other.claimNext("m2", Set.of("m1", "m2")).orElseThrow(); // m9 died
        assertEquals("r1", taken.run().id());
        assertEquals(StoredRun.Status.RUNNING, taken.run().status());
        assertEquals(5, taken.run().progressStep(), "it resumes from its checkpoint");
        assertEquals(new Claim("r1", "m2", dead.epoch() + 1), taken.claim());
        assertThrows(
                OwnershipLostException.class,
                () -> s.finish(
                        dead,
                        StoredRun.Status.FINISHED,
                        "done",
                        "{}",
                        "{}",
                        List.of(new double[] {100}),
                        List.of(),
                        false));
        assertEquals(Optional.empty(), other.claimNext("m2", Set.of("m1", "m2")));
        assertEquals(Optional.of(queuedByLive), s.claimOf("r3"));
    }

    @Test
    void aSecondLiveRunOfAConfigKeyIsRefusedNamingTheFirst() {
        RunStore s = open();
        s.insert(run("r1"));
        var e = assertThrows(
                DuplicateRunException.class,
                () -> s.insert(run("r2", "key-r1", "mc", "{}", 1, 100, StoredRun.Status.QUEUED)));
        assertEquals("r1", e.existingId());
        assertEquals("config key key-r1 already has run r1", e.getMessage());
        assertTrue(s.get("r2").isEmpty());
        s.remove("r1");
        s.insert(run("r2", "key-r1", "mc", "{}", 1, 100, StoredRun.Status.QUEUED)); // a removed run frees its key
        assertEquals("r2", s.findByKey("key-r1").orElseThrow().id());
    }

    @Test
    void ofTwoMembersInsertingTheSameKeyAtOnceOneWinsAndTheOtherLearnsWhichRun() throws Exception {
        RunStore a = open(), b = open();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 10; i++) {
                String key = "same-" + i;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> tries = new ArrayList<>();
                for (RunStore s : List.of(a, b)) {
                    String id = key + (s == a ? "-a" : "-b");
                    tries.add(pool.submit(() -> {
                        go.await();
                        try {
                            s.insert(run(id, key, "mc", "{}", 1, 100, StoredRun.Status.QUEUED));
                            return id;
                        } catch (DuplicateRunException e) {
                            return "dup:" + e.existingId();
                        }
                    }));
                }
                go.countDown();
                String first = tries.get(0).get(), second = tries.get(1).get();
                String winner = a.findByKey(key).orElseThrow().id();
                assertEquals(
                        Set.of(winner, "dup:" + winner),
                        Set.of(first, second),
                        "exactly one insert landed: " + first + ", " + second);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
