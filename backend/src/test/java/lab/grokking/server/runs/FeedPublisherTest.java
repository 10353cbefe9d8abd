package lab.grokking.server.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import lab.grokking.server.cluster.Cluster;
import lab.grokking.server.cluster.FeedEvent;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;

/** The training thread hands changes to the publisher thread and goes on; the publisher coalesces what piled up. */
class FeedPublisherTest {
    static final List<String> COLUMNS = List.of("step", "loss");

    /** A cluster whose publish waits for {@code release}: the network, stuck. */
    static final class StuckNetwork implements Cluster {
        final CountDownLatch release = new CountDownLatch(1);
        final List<FeedEvent> published = new CopyOnWriteArrayList<>();

        @Override
        public void publish(String runId, FeedEvent event) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            published.add(event);
        }

        // the rest is unused here
        @Override
        public String memberId() {
            return "a";
        }

        @Override
        public Set<String> liveMembers() {
            return Set.of("a");
        }

        @Override
        public boolean distributed() {
            return true;
        }

        @Override
        public boolean hasQuorum() {
            return true;
        }

        @Override
        public void announceQueued() {}

        @Override
        public void onQueued(Runnable listener) {}

        @Override
        public void sendCancel(String member, String runId, String client) {}

        @Override
        public void onCancel(BiConsumer<String, String> handler) {}

        @Override
        public void announceChanged(String runId) {}

        @Override
        public void onChanged(Consumer<String> listener) {}

        @Override
        public Feed subscribe(String runId, Consumer<FeedEvent> handler) {
            return () -> {};
        }

        @Override
        public void dropFeed(String runId) {}

        @Override
        public Map<String, Object> describe() {
            return Map.of();
        }

        @Override
        public void close() {}
    }

    @Test
    void trainingGoesOnWhilePublishingIsStuckAndEveryRowGoesOutOnceInOrder() throws Exception {
        StuckNetwork net = new StuckNetwork();
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        try {
            FeedPublisher publisher = new FeedPublisher(net, thread);
            LiveRun live = new LiveRun("run", 1000, StoredRun.Status.QUEUED, null, null);
            publisher.attach(live);
            assertTimeoutPreemptively(
                    Duration.ofSeconds(30),
                    () -> { // a training thread that waited would hang
                        live.started(COLUMNS, 0);
                        for (long s = 0; s < 1000; s++) {
                            live.append(new double[] {s, 1.0 / (s + 1)});
                            live.progress(s);
                        }
                        live.end(StoredRun.Status.FINISHED, "done");
                    });
            assertEquals(List.of(), net.published, "nothing got through the stuck network");
            publisher.detach(live);
            net.release.countDown();
            thread.submit(() -> {}).get(); // the publisher thread is done with everything handed to it

            List<FeedEvent> events = net.published;
            assertTrue(events.size() <= 3, "1000 rows coalesced into " + events.size() + " events");
            List<Long> steps = new ArrayList<>();
            long after = FeedEvent.NO_ROW;
            for (FeedEvent e : events) {
                assertEquals(after, e.afterStep(), "each event says which row came before its own");
                for (double[] r : e.rowList()) steps.add((long) r[0]);
                if (!steps.isEmpty()) after = steps.getLast();
            }
            assertEquals(1000, steps.size());
            for (int i = 0; i < 1000; i++) assertEquals(i, steps.get(i));
            FeedEvent last = events.getLast();
            assertEquals("FINISHED", last.status());
            assertEquals("done", last.message());
            assertEquals(COLUMNS, last.columnList());
            assertEquals(999, last.progressStep());
        } finally {
            thread.shutdownNow();
        }
    }
}
