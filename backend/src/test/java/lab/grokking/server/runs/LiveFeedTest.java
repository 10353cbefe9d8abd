package lab.grokking.server.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import lab.grokking.server.cluster.Cluster;
import lab.grokking.server.cluster.FeedEvent;
import lab.grokking.server.cluster.HazelcastCluster;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run trained on member A, watched on member B: B's RunReads serves a mirror holding the store's rows, then the
 * run's feed from the oldest event held, each step once. The shared store is a fake holding one run's row and rows.
 */
class LiveFeedTest {
    static final String ID = "feedtest-run-000000001"; // 22 characters, as run ids are
    static final List<String> COLUMNS = List.of("step", "loss");

    private final List<HazelcastCluster> members = new ArrayList<>();
    private final Map<String, StoredRun> runs = new ConcurrentHashMap<>();
    private final List<double[]> storedRows = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        for (HazelcastCluster c : members) c.close();
    }

    /** The store's calls a RunReads makes for a live run; any other is a test failure. */
    RunStore store() {
        return (RunStore) Proxy.newProxyInstance(
                RunStore.class.getClassLoader(),
                new Class<?>[] {RunStore.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "get" -> java.util.Optional.ofNullable(runs.get((String) args[0]));
                    case "metrics" -> List.copyOf(storedRows);
                    default -> throw new UnsupportedOperationException("store." + m.getName() + " in LiveFeedTest");
                });
    }

    HazelcastCluster member() {
        int port = members.isEmpty() ? HazelcastCluster.freePort() : 0;
        String first =
                members.isEmpty() ? "127.0.0.1:" + port : members.getFirst().address();
        HazelcastCluster c = HazelcastCluster.start(
                new HazelcastCluster.Settings("feeds-" + ProcessHandle.current().pid(), port, List.of(first), 1, 1, 4));
        members.add(c);
        return c;
    }

    static StoredRun run(StoredRun.Status status, String message) {
        return new StoredRun(
                ID, "key", "mc", "{}", 1, "v", "client", 0, 1000, status, message, COLUMNS, null, null, 0, 0, null,
                null, null);
    }

    static double[] row(long step) {
        return new double[] {step, 1.0 / (step + 1)};
    }

    static List<Long> steps(LiveRun l) {
        return l.rows().stream().map(r -> (long) r[0]).toList();
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 15 s: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aRunTrainedOnOneMemberIsMirroredOnAnotherEachStepOnce() throws Exception {
        HazelcastCluster a = member(), b = member();
        await("two members", () -> b.liveMembers().size() == 2);
        RunStore store = store();
        RunReads readsA = new RunReads(store, 1 << 20, a), readsB = new RunReads(store, 1 << 20, b);
        runs.put(ID, run(StoredRun.Status.RUNNING, null));

        // A trains: rows 0..9, of which the store holds 0..4 (its last checkpoint)
        LiveRun trained = new LiveRun(ID, 1000, StoredRun.Status.QUEUED, null, null);
        readsA.started(trained);
        trained.started(COLUMNS, 0);
        for (long s = 0; s < 10; s++) {
            trained.append(row(s));
            trained.progress(s);
            if (s == 4) for (long t = 0; t <= 4; t++) storedRows.add(row(t));
        }
        // until A published step 9 (a follower of its own, on A)
        List<FeedEvent> published = new CopyOnWriteArrayList<>();
        Cluster.Feed feed = a.subscribe(ID, published::add);
        try {
            await(
                    "A published step 9",
                    () -> published.stream().anyMatch(e -> e.rowList().stream().anyMatch(r -> r[0] == 9)));
        } finally {
            feed.close();
        }

        // B, asked later, mirrors it: the store's rows, then the feed's held events (rows 0..9 again), each once
        LiveRun mirror = readsB.live(ID).orElseThrow();
        assertNotSame(trained, mirror);
        assertEquals(range(0, 9), steps(mirror));
        assertEquals(StoredRun.Status.RUNNING, mirror.status());
        assertEquals(COLUMNS, mirror.columns());
        assertSame(mirror, readsB.live(ID).orElseThrow(), "one mirror per run");
        LiveRun.Batch fed = mirror.batch(5, 100);
        assertTrue(fed.computedAt().stream().allMatch(t -> t > 0), "rows from the feed keep when A computed them");
        List<String> woken = new CopyOnWriteArrayList<>();
        mirror.subscribe(() -> woken.add("wake"));

        // new rows reach it
        for (long s = 10; s < 15; s++) trained.append(row(s));
        await("rows 10..14 on B", () -> mirror.size() == 15);
        assertEquals(range(0, 14), steps(mirror));
        assertTrue(!woken.isEmpty(), "B's viewers are woken");

        // A resumes from its checkpoint (rows past step 4 dropped) and computes the same rows again: none twice
        trained.resumeFrom(List.copyOf(storedRows));
        for (long s = 5; s < 17; s++) trained.append(row(s));
        await("rows 15..16 on B", () -> mirror.size() == 17);
        assertEquals(range(0, 16), steps(mirror));

        // A dies; B itself takes the run over from the checkpoint and publishes from scratch: still each step once
        readsA.ended(trained);
        LiveRun takeover = new LiveRun(ID, 1000, StoredRun.Status.QUEUED, null, null);
        readsB.started(takeover);
        assertSame(takeover, readsB.live(ID).orElseThrow(), "new viewers follow the run trained here");
        takeover.resumeFrom(List.copyOf(storedRows));
        takeover.started(COLUMNS, 4);
        for (long s = 5; s <= 20; s++) takeover.append(row(s));
        await("rows 17..20 on the old mirror", () -> mirror.size() == 21);
        assertEquals(range(0, 20), steps(mirror), "the mirror's viewers keep following");
        await("rows 17..20 on A's own run, which it no longer trains", () -> trained.size() == 21);
        assertEquals(range(0, 20), steps(trained), "A's viewers follow the new owner");
        assertSame(trained, readsA.live(ID).orElseThrow(), "A serves the run it released as a mirror");

        // it ends: the mirror takes the store's final state and is served as a finished run
        storedRows.clear();
        for (long s = 0; s <= 20; s++) storedRows.add(row(s));
        runs.put(ID, run(StoredRun.Status.FINISHED, "finished (store)"));
        takeover.end(StoredRun.Status.FINISHED, "finished");
        readsB.ended(takeover);
        await("the final status on the mirror", () -> mirror.status() == StoredRun.Status.FINISHED);
        assertEquals("finished (store)", mirror.message());
        assertEquals(range(0, 20), steps(mirror));
        await("the final status on A", () -> trained.status() == StoredRun.Status.FINISHED);
    }

    @Test
    void aMirrorOpenedAfterTheRunEndedTakesTheStoresFinalState() throws Exception {
        HazelcastCluster a = member(), b = member();
        await("two members", () -> b.liveMembers().size() == 2);
        RunStore store = store();
        RunReads readsA = new RunReads(store, 1 << 20, a);
        runs.put(ID, run(StoredRun.Status.RUNNING, null));
        LiveRun trained = new LiveRun(ID, 1000, StoredRun.Status.QUEUED, null, null);
        readsA.started(trained);
        trained.started(COLUMNS, 0);
        for (long s = 0; s < 3; s++) trained.append(row(s));
        trained.end(StoredRun.Status.CANCELLED, "cancelled");
        readsA.ended(trained);
        List<FeedEvent> published = new CopyOnWriteArrayList<>();
        Cluster.Feed feed = a.subscribe(ID, published::add);
        try {
            await(
                    "A published the cancel",
                    () -> published.stream().anyMatch(e -> e.status().equals("CANCELLED")));
        } finally {
            feed.close();
        }
        // B read the run unfinished just before it ended (the store lags): its held events end the mirror
        LiveRun mirror = FeedMirror.open(run(StoredRun.Status.RUNNING, null), store, b, m -> {})
                .live();
        assertEquals(StoredRun.Status.CANCELLED, mirror.status());
        assertEquals("cancelled", mirror.message(), "the owner's word while the store has no final status");
        assertEquals(range(0, 2), steps(mirror));
    }
}
