package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.queue.Job;
import lab.grokking.server.queue.QueueLimitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Dispatch order (priority, then round robin over clients, then arrival) and per-client limits. */
class FairQueueTest {
    /** A queue with one worker held by a blocker job until {@code gate} opens, so the order of the rest is observable. */
    static final class Harness implements AutoCloseable {
        final FairQueue q;
        final CountDownLatch gate = new CountDownLatch(1);
        final List<String> order = new CopyOnWriteArrayList<>();
        final CountDownLatch done;

        Harness(int jobs, int perClientRunning, int perClientQueued) {
            q = new FairQueue(1, perClientRunning, perClientQueued, 100);
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
    @CsvSource({"workers, 0", "perClientRunning, 0", "perClientQueued, -1", "maxQueued, 0"})
    void badSettingsAreRejectedNamingTheSetting(String setting, int value) {
        int[] a = {1, 1, 1, 1};
        a[List.of("workers", "perClientRunning", "perClientQueued", "maxQueued").indexOf(setting)] = value;
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new FairQueue(a[0], a[1], a[2], a[3]));
        assertTrue(e.getMessage().contains("queue." + setting), e.getMessage());
    }
}
