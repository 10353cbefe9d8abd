package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.queue.Job;
import lab.grokking.server.queue.QueueLimitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dispatch order (priority with ageing, then round robin over clients, then arrival), positions and per-client limits. */
class FairQueueTest {
    /** A queue with one worker held by a blocker job until {@code gate} opens, so the order of the rest is observable. */
    static final class Harness implements AutoCloseable {
        final FairQueue q;
        final CountDownLatch gate = new CountDownLatch(1);
        final List<String> order = new CopyOnWriteArrayList<>();
        final CountDownLatch done;

        Harness(int jobs, int perClientRunning, int perClientQueued) {
            this(jobs, perClientRunning, perClientQueued, FairQueue.DEFAULT_MAX_WAIT_SECONDS, System::nanoTime);
        }

        Harness(int jobs, int perClientRunning, int perClientQueued, double maxWaitSeconds, LongSupplier clock) {
            q = new FairQueue(1, perClientRunning, perClientQueued, 100, maxWaitSeconds, clock);
            done = new CountDownLatch(jobs);
            q.submit(new Job("blocker", "admin", 0, () -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            while (q.running("admin") == 0) Thread.onSpinWait();
        }

        void add(String id, String client, int priority) {
            q.submit(new Job(id, client, priority, () -> {
                order.add(id);
                done.countDown();
            }));
        }

        List<String> drain() throws InterruptedException {
            gate.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            return order;
        }

        @Override
        public void close() {
            q.close(1000);
        }
    }

    @Test
    void theClientsBehindOneAddressShareItsLimits() throws Exception {
        FairQueue q = new FairQueue(2, 4, 10, 100).addressLimits(2, 1);
        CountDownLatch gate = new CountDownLatch(1), started = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(4);
        try {
            q.submit(new Job("t1", "t:one", "nat", 0, () -> {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("t1");
                done.countDown();
            }));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            for (String[] j : new String[][] {{"t2", "t:two", "nat"}, {"o1", "a:elsewhere", "elsewhere"}})
                q.submit(new Job(j[0], j[1], j[2], 0, () -> {
                    order.add(j[0]);
                    done.countDown();
                }));
            // the second worker is free, but the address runs one already (address.runsRunning = 1): o1 goes first
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!order.contains("o1") && System.nanoTime() < deadline) Thread.onSpinWait();
            assertEquals(List.of("o1"), order);
            q.submit(new Job("t3", "t:three", "nat", 0, () -> {
                order.add("t3");
                done.countDown();
            }));
            QueueLimitException e = assertThrows(
                    QueueLimitException.class, () -> q.submit(new Job("t4", "t:four", "nat", 0, () -> {})));
            assertEquals("address.runsQueued", e.limit());
            assertEquals(
                    "the clients at this address already have 2 runs waiting (limit address.runsQueued = 2); wait for"
                            + " one to start",
                    e.getMessage());
            gate.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("o1", "t1", "t2", "t3"), order);
        } finally {
            q.close(1000);
        }
    }

    @Test
    void smallRunsFirstThenClientsInTurnThenArrival() throws Exception {
        try (Harness h = new Harness(6, 4, 10)) {
            h.add("a1", "alice", 1);
            h.add("a2", "alice", 1);
            h.add("a3", "alice", 1);
            h.add("b1", "bob", 1);
            h.add("c1", "carol", 0);
            h.add("b2", "bob", 1);
            // carol's small run jumps the queue; then alice and bob alternate although alice queued three first
            assertEquals(List.of("c1", "a1", "b1", "a2", "b2", "a3"), h.drain());
        }
    }

    @Test
    void positionsFollowTheDispatchOrder() throws Exception {
        try (Harness h = new Harness(3, 4, 10)) {
            h.add("a1", "alice", 1);
            h.add("a2", "alice", 1);
            h.add("b1", "bob", 0);
            assertEquals(0, h.q.position("b1"));
            assertEquals(1, h.q.position("a1"));
            assertEquals(2, h.q.position("a2"));
            assertEquals(-1, h.q.position("nope"));
            assertTrue(h.q.remove("a2"));
            assertFalse(h.q.remove("a2"));
            h.done.countDown(); // a2 will never run
            assertEquals(List.of("b1", "a1"), h.drain());
        }
    }

    @Test
    void aClientCannotQueueMoreThanItsLimitAndOthersStillCan() {
        try (Harness h = new Harness(0, 1, 2)) {
            h.add("a1", "alice", 1);
            h.add("a2", "alice", 1);
            QueueLimitException e = assertThrows(QueueLimitException.class, () -> h.add("a3", "alice", 1));
            assertEquals("perClientQueued", e.limit());
            assertTrue(e.getMessage().contains("queue.perClientQueued = 2"), e.getMessage());
            h.add("b1", "bob", 1);
            assertEquals(2, h.q.queued("alice"));
        }
    }

    @Test
    void aClientNeverHoldsMoreWorkersThanItsRunningLimit() throws Exception {
        FairQueue q = new FairQueue(3, 1, 10, 100);
        try {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger peak = new AtomicInteger(), now = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(3);
            for (int i = 0; i < 3; i++)
                q.submit(new Job("a" + i, "alice", 1, () -> {
                    peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                    try {
                        release.await(50, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    now.decrementAndGet();
                    done.countDown();
                }));
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(1, peak.get(), "three free workers, yet one run of alice's at a time");
        } finally {
            q.close(1000);
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "workers, 0",
        "perClientRunning, 0",
        "perClientQueued, 0",
        "perClientQueued, -1",
        "maxQueued, 0",
        "maxWaitSeconds, 0",
        "maxWaitSeconds, -1",
        "maxWaitSeconds, NaN",
        "maxWaitSeconds, Infinity"
    })
    void badSettingsAreRejectedNamingTheSettingAndValue(String setting, double value) {
        double[] a = {1, 1, 1, 1, 1};
        a[
                List.of("workers", "perClientRunning", "perClientQueued", "maxQueued", "maxWaitSeconds")
                        .indexOf(setting)] = value;
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new FairQueue((int) a[0], (int) a[1], (int) a[2], (int) a[3], a[4], System::nanoTime));
        assertTrue(e.getMessage().contains("queue." + setting), e.getMessage());
        String shown = setting.equals("maxWaitSeconds") ? String.valueOf(value) : String.valueOf((int) value);
        assertTrue(e.getMessage().endsWith("got " + shown), e.getMessage());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "queue.perClientQueued, 0",
        "queue.perClientRunning, 0",
        "queue.maxQueued, 0",
        "queue.maxWaitSeconds, 0",
        "queue.largeRunWorkers, -1"
    })
    void startUpRefusesQueueSettingsThatCannotWork(String key, String value) {
        assertStartUpRefuses(key, value);
    }

    /** ServerConfig.load refuses {@code key = value} (a -Dgroklab. property) with a message naming both. */
    static void assertStartUpRefuses(String key, String value) {
        System.setProperty("groklab." + key, value);
        try {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(Map.of()));
            assertTrue(e.getMessage().startsWith(key + " must be"), e.getMessage());
            assertTrue(e.getMessage().endsWith("got '" + value + "'"), e.getMessage());
        } finally {
            System.clearProperty("groklab." + key);
        }
    }

    @Test
    void maxWaitSecondsDefaultsTo600AndCanBeSet() {
        assertEquals(600, ServerConfig.load(Map.of()).maxWaitSeconds);
        System.setProperty("groklab.queue.maxWaitSeconds", "0.25");
        try {
            assertEquals(0.25, ServerConfig.load(Map.of()).maxWaitSeconds);
        } finally {
            System.clearProperty("groklab.queue.maxWaitSeconds");
        }
    }

    static final long SECOND = 1_000_000_000L;

    @Test
    void aLargeRunThatWaitedMaxWaitGoesBeforeSmallRuns() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (Harness h = new Harness(4, 4, 10, 1.0, clock::get)) {
            h.add("L", "alice", 1);
            clock.set(SECOND / 2);
            h.add("s1", "bob", 0);
            h.add("s2", "carol", 0);
            clock.set(SECOND - 1);
            assertEquals(List.of("s1", "s2"), h.q.ahead("L"), "before maxWait small runs go first");
            clock.set(SECOND); // waited exactly maxWait: aged
            assertEquals(List.of(), h.q.ahead("L"));
            assertEquals(List.of("L"), h.q.ahead("s1"));
            h.add("s3", "dave", 0);
            assertEquals(List.of("L", "s1", "s2", "s3"), h.drain());
        }
    }

    @Test
    void agedRunsGoOldestFirstWithoutRoundRobin() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (Harness h = new Harness(3, 4, 10, 1.0, clock::get)) {
            h.add("x", "admin", 1); // admin was served (the blocker), so round robin would put alice's run first
            clock.set(SECOND / 2);
            h.add("y", "alice", 1);
            h.add("s", "bob", 0);
            clock.set(SECOND * 9 / 10);
            assertEquals(List.of("s", "y"), h.q.ahead("x"), "nothing aged: small, then round robin");
            clock.set(SECOND);
            assertEquals(List.of("x", "s"), h.q.ahead("y"), "x aged: it goes first, y still after the small run");
            clock.set(SECOND * 3 / 2);
            assertEquals(List.of("x", "y"), h.q.ahead("s"), "both aged: longest wait first, then the small run");
            assertEquals(List.of("x", "y", "s"), h.drain());
        }
    }

    /** A queue whose jobs each hold their worker until released, recording the order they start in. */
    static final class Gated implements AutoCloseable {
        final FairQueue q;
        final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
        final List<String> started = new CopyOnWriteArrayList<>();

        /** {@code largeRunWorkers} as queue.largeRunWorkers (0: the default share). */
        Gated(int workers, int perClientRunning, int largeRunWorkers) {
            this(workers, perClientRunning, largeRunWorkers, System::nanoTime, FairQueue.DEFAULT_MAX_WAIT_SECONDS);
        }

        Gated(int workers, int perClientRunning, int largeRunWorkers, LongSupplier clock, double maxWaitSeconds) {
            q = new FairQueue(workers, perClientRunning, 10, 100, maxWaitSeconds, largeRunWorkers, clock);
        }

        void add(String id, String client, int priority) {
            CountDownLatch gate = new CountDownLatch(1);
            gates.put(id, gate);
            q.submit(new Job(id, client, priority, () -> {
                started.add(id);
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }

        void awaitStarted(int n) throws InterruptedException {
            long deadline = System.nanoTime() + 10 * SECOND;
            while (started.size() < n && System.nanoTime() < deadline) Thread.sleep(1);
            assertEquals(n, started.size(), "started: " + started);
        }

        /** The waiting runs ordered by their shown positions. */
        List<String> shownOrder(List<String> ids) {
            String[] order = new String[ids.size()];
            for (String id : ids) order[q.position(id)] = id;
            return List.of(order);
        }

        @Override
        public void close() {
            gates.values().forEach(CountDownLatch::countDown);
            q.close(1000);
        }
    }

    @Test
    void aClientAtItsRunningLimitIsShownBehindAnotherClientsLaterRun() throws Exception {
        try (Gated g = new Gated(2, 1, 2)) { // no share: large runs may hold both workers
            g.add("hold", "admin", 1);
            g.awaitStarted(1);
            g.add("a0", "alice", 1);
            g.awaitStarted(2);
            g.add("a1", "alice", 0); // small, but alice already runs her one allowed run
            g.add("b1", "bob", 1);
            assertEquals(List.of(), g.q.ahead("b1"));
            assertEquals(List.of("b1"), g.q.ahead("a1"));
            g.gates.get("hold").countDown();
            g.awaitStarted(3);
            assertEquals("b1", g.started.get(2), "the freed worker went to bob: alice was at her limit");
        }
    }

    @Test
    void positionsFollowTheRoundRobin() throws Exception {
        try (Harness h = new Harness(4, 4, 10)) {
            h.add("a1", "alice", 1);
            h.add("a2", "alice", 1);
            h.add("a3", "alice", 1);
            h.add("b1", "bob", 1);
            assertEquals(1, h.q.position("b1"), "bob's turn comes after alice's first run, not after all three");
            assertEquals(List.of("a1", "b1", "a2"), h.q.ahead("a3"));
            assertEquals(List.of("a1", "b1", "a2", "a3"), h.drain());
        }
    }

    @Test
    void positionsAgreeWithTheDispatchOrderWhenWorkersAreReleasedOneAtATime() throws Exception {
        try (Gated g = new Gated(2, 1, 2)) { // no share: large runs may hold both workers
            g.add("hold", "admin", 1);
            g.awaitStarted(1);
            g.add("a0", "alice", 1);
            g.awaitStarted(2);
            g.add("a1", "alice", 1);
            g.add("a2", "alice", 1);
            g.add("b1", "bob", 1);
            g.add("b2", "bob", 1);
            g.add("c1", "carol", 1);
            g.add("c2", "carol", 0);
            List<String> shown = g.shownOrder(List.of("a1", "a2", "b1", "b2", "c1", "c2"));
            // the small run first; then clients in turn, each skipped while at its one-run limit
            assertEquals(List.of("c2", "b1", "a1", "c1", "b2", "a2"), shown);
            // runs finish in the order they started
            for (int i = 0; i < shown.size(); i++) {
                g.gates.get(g.started.get(i)).countDown();
                g.awaitStarted(i + 3);
            }
            assertEquals(shown, g.started.subList(2, 8));
        }
    }

    /** Polls for a while: what has started by then (to show that something did not start). */
    static List<String> startedAfterAWhile(Gated g) throws InterruptedException {
        Thread.sleep(200);
        return List.copyOf(g.started);
    }

    @Test
    void largeRunsHoldAllWorkersButOneSoASmallRunStartsAtOnce() throws Exception {
        try (Gated g = new Gated(2, 2, 0)) { // the default share: 2 workers - 1
            g.add("L1", "alice", 1);
            g.add("L2", "alice", 1);
            g.add("L3", "alice", 1);
            g.awaitStarted(1);
            assertEquals(List.of("L1"), startedAfterAWhile(g), "a worker is free, yet no second large run starts");
            List<String> shown = g.shownOrder(List.of("L2", "L3"));
            assertEquals(List.of("L2", "L3"), shown);
            g.add("S", "bob", 0);
            g.awaitStarted(2);
            assertEquals("S", g.started.get(1), "the small run took the free worker at once");
            g.gates.get("S").countDown();
            assertEquals(2, startedAfterAWhile(g).size(), "the worker S freed is not for large runs while L1 runs");
            g.gates.get("L1").countDown();
            g.awaitStarted(3);
            g.gates.get("L2").countDown();
            g.awaitStarted(4);
            assertEquals(shown, g.started.subList(2, 4), "the positions shown were the order they started in");
        }
    }

    @Test
    void agedLargeRunsStillRespectTheShareAndPositionsAgree() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (Gated g = new Gated(2, 1, 1, clock::get, 1.0)) {
            g.add("hold", "admin", 0);
            g.add("L0", "paper", 1);
            g.awaitStarted(2);
            g.add("L1", "alice", 1);
            clock.set(2 * SECOND); // L1 aged: it would go before small runs, but the share is full
            g.add("S1", "carol", 0);
            g.add("L2", "bob", 1);
            List<String> shown = g.shownOrder(List.of("L1", "S1", "L2"));
            assertEquals(List.of("S1", "L1", "L2"), shown);
            g.gates.get("hold").countDown(); // a worker frees while L0 (large) runs
            g.awaitStarted(3);
            g.gates.get("L0").countDown(); // the share frees: the aged run
            g.awaitStarted(4);
            g.gates.get("S1").countDown();
            assertEquals(4, startedAfterAWhile(g).size(), "L2 waits for L1: one large run at a time");
            g.gates.get("L1").countDown();
            g.awaitStarted(5);
            assertEquals(shown, g.started.subList(2, 5));
        }
    }

    @Test
    void theDefaultShareIsAllWorkersButOneAndASingleWorkerRunsLargeRuns() throws Exception {
        assertEquals(1, FairQueue.largeRunWorkers(1));
        assertEquals(1, FairQueue.largeRunWorkers(2));
        assertEquals(15, FairQueue.largeRunWorkers(16));
        try (Gated g = new Gated(1, 1, 0)) {
            g.add("L", "alice", 1);
            g.awaitStarted(1);
        }
    }

    @ParameterizedTest(name = "queue.largeRunWorkers = {0} with 2 workers")
    @CsvSource({"-1", "3"})
    void aShareThatCannotBeIsRefusedNamingTheSetting(int share) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new FairQueue(2, 1, 1, 1, 1, share, System::nanoTime));
        assertEquals(
                "queue.largeRunWorkers must be in [0, queue.workers = 2] (0: all workers but one), got " + share,
                e.getMessage());
    }

    @Test
    void clientBookkeepingEndsWithTheClientsLastRun() throws Exception {
        FairQueue q = new FairQueue(4, 2, 10, 5000);
        CountDownLatch gate = new CountDownLatch(1), done = new CountDownLatch(1998);
        for (int i = 0; i < 2000; i++)
            q.submit(new Job("r" + i, "client-" + i / 2, i % 2, () -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            }));
        assertEquals(1000, q.trackedClients(), "one entry per client with a run waiting or running");
        assertTrue(q.remove("r1999")); // the workers hold the first runs, so the last ones wait
        assertEquals(1000, q.trackedClients(), "client-999 still has r1998 waiting");
        assertTrue(q.remove("r1998"));
        assertEquals(999, q.trackedClients());
        gate.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        q.close(5000); // joins the workers, so every finished run has been accounted
        assertEquals(0, q.trackedClients());
        assertEquals(0, q.running("client-7"));
        assertEquals(0, q.queued("client-7"));
    }

    @Test
    void aClientWithNothingLeftIsForgottenWhenItsRunIsRemoved() {
        try (Harness h = new Harness(0, 1, 2)) {
            int before = h.q.trackedClients(); // the blocker's client
            h.add("a1", "alice", 1);
            assertEquals(before + 1, h.q.trackedClients());
            assertTrue(h.q.remove("a1"));
            assertEquals(before, h.q.trackedClients());
        }
    }

    /**
     * One worker, three clients each keeping three 5 ms small runs queued (each run queues the next as it ends), and
     * one large run submitted early: it waits while small runs go first, ages after maxWaitSeconds and then starts when
     * the run that was running finishes (the stated bound), though small runs are still waiting.
     */
    @Test
    void aLargeRunIsNotStarvedByAStreamOfSmallRuns() throws Exception {
        double maxWait = 0.2;
        long maxWaitNanos = (long) (maxWait * SECOND);
        FairQueue q = new FairQueue(1, 1, 10, 100, maxWait, System::nanoTime);
        List<long[]> small = new CopyOnWriteArrayList<>(); // {start, end} nanos
        AtomicLong largeStart = new AtomicLong();
        AtomicInteger waitingAtStart = new AtomicInteger(), ids = new AtomicInteger();
        CountDownLatch largeStarted = new CountDownLatch(1);
        List<String> clients = List.of("c0", "c1", "c2");
        try {
            class Stream {
                void submit(String client) {
                    q.submit(new Job("s" + ids.incrementAndGet(), client, 0, () -> {
                        long start = System.nanoTime();
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        if (largeStarted.getCount() > 0) submit(client); // keep the queue full of small runs
                        small.add(new long[] {start, System.nanoTime()});
                    }));
                }
            }
            Stream stream = new Stream();
            for (int i = 0; i < 3; i++) for (String c : clients) stream.submit(c);
            while (q.running("c0") == 0) Thread.onSpinWait();
            long t0 = System.nanoTime();
            q.submit(new Job("large", "paper", 1, () -> {
                largeStart.set(System.nanoTime());
                waitingAtStart.set(clients.stream().mapToInt(q::queued).sum());
                largeStarted.countDown();
            }));
            long t1 = System.nanoTime();
            assertTrue(largeStarted.await(5, TimeUnit.SECONDS), "the large run never started");
            long start = largeStart.get(), agedFrom = t0 + maxWaitNanos, agedBy = t1 + maxWaitNanos;
            // the bound: ageing plus what the run running then still needed (the latest end of a run started by then)
            long bound = agedBy;
            for (long[] r : small) if (r[0] <= agedBy) bound = Math.max(bound, r[1]);
            long before = small.stream().filter(r -> r[0] > t0 && r[0] < start).count();
            long afterAgeing =
                    small.stream().filter(r -> r[0] >= agedBy && r[0] < start).count();
            System.out.printf(
                    "starvation: 1 worker, 3 clients streaming 5 ms small runs, queue.maxWaitSeconds = %.3f%n",
                    maxWait);
            System.out.printf(
                    "starvation: the large run waited %.1f ms (bound: ageing at %.1f ms + the running run's rest = %.1f ms)%n",
                    (start - t0) / 1e6, maxWait * 1e3, (bound - t0) / 1e6);
            System.out.printf(
                    "starvation: %d small runs started before it, %d of them after it aged%n", before, afterAgeing);
            System.out.printf("starvation: %d small runs were waiting when it started%n", waitingAtStart.get());
            System.out.printf("starvation: it started %.3f ms after the bound's run ended%n", (start - bound) / 1e6);
            assertTrue(start >= agedFrom, "it started before it aged, ahead of small runs");
            assertTrue(before >= 5, "small runs went first before the bound: " + before);
            assertTrue(waitingAtStart.get() > 0, "small runs were still waiting: it jumped them");
            assertTrue(afterAgeing <= 1, "at most the run being dispatched as it aged: " + afterAgeing);
            assertTrue(start <= bound + 50_000_000L, "started " + (start - bound) / 1e6 + " ms past the bound");
        } finally {
            largeStarted.countDown();
            q.close(1000);
        }
    }
}
