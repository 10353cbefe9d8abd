package lab.grokking.server.runs;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.grokking.server.cluster.Cluster;
import lab.grokking.server.cluster.FeedEvent;
import lab.grokking.server.store.StoredRun;

/**
 * Publishes the runs trained here on their feeds (cluster mode), so viewers on other members follow them. A run's
 * LiveRun wakes its publication on the training thread, which only flips a flag; the publisher thread then sends what
 * changed since the last event — new rows, progress, status — at most once per {@link #INTERVAL_MS} per run.
 */
final class FeedPublisher {
    private static final System.Logger LOG = System.getLogger(FeedPublisher.class.getName());
    /**
     * At most one event per run this often: what a viewer on another member waits at worst beyond a local one (events
     * that find the last one older go out at once).
     */
    static final long INTERVAL_MS = 50;

    private final Cluster cluster;
    private final ScheduledExecutorService thread;
    private final Map<LiveRun, Publication> publications = new ConcurrentHashMap<>();

    FeedPublisher(Cluster cluster, ScheduledExecutorService thread) {
        this.cluster = cluster;
        this.thread = thread;
    }

    /** Publishes {@code live}'s changes from now on (its current state first). */
    void attach(LiveRun live) {
        Publication p = new Publication(live);
        if (publications.putIfAbsent(live, p) == null) {
            live.subscribe(p);
            p.wake();
        }
    }

    /**
     * Stops publishing {@code live}; its last change (a final status) goes out next on the publisher thread (before
     * anything handed to that thread after this call), and nothing after it.
     */
    void detach(LiveRun live) {
        Publication p = publications.remove(live);
        if (p == null) return;
        live.unsubscribe(p);
        thread.execute(p::last);
    }

    private final class Publication implements LiveRun.Viewer {
        private final LiveRun live;
        private final AtomicBoolean pending = new AtomicBoolean();
        private volatile long sentNanos = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
        // what the last event said (the publisher thread's only)
        private long step = FeedEvent.NO_ROW, progress = -1;
        private StoredRun.Status status;
        private String message;
        private List<String> columns;
        private boolean closed;

        Publication(LiveRun live) {
            this.live = live;
        }

        @Override
        public void wake() {
            if (!pending.compareAndSet(false, true)) return; // an event is on its way: it will carry this change too
            long wait = sentNanos + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS) - System.nanoTime();
            var unused = thread.schedule(this::send, Math.max(0, wait), TimeUnit.NANOSECONDS); // send logs its failures
        }

        private void last() {
            send();
            closed = true; // a send still scheduled would publish rows fed to the LiveRun by another owner's feed
        }

        private void send() {
            pending.set(false);
            if (closed) return;
            // status before rows: a final status comes after the last row was appended, so it goes out with it
            StoredRun.Status s = live.status();
            String msg = live.message();
            List<String> cols = live.columns();
            long p = live.progressStep();
            LiveRun.Tail tail = live.tailAfter(step);
            if (tail.rows().isEmpty()
                    && p == progress
                    && s == status
                    && Objects.equals(msg, message)
                    && Objects.equals(cols, columns)) return;
            try {
                cluster.publish(live.id(), FeedEvent.of(step, tail.rows(), tail.computedAt(), p, s.name(), msg, cols));
            } catch (RuntimeException e) { // the next change sends this one's rows too
                LOG.log(
                        System.Logger.Level.WARNING,
                        "cannot publish run " + live.id() + "'s progress to the other members: " + e.getMessage());
                return;
            }
            sentNanos = System.nanoTime();
            if (!tail.rows().isEmpty()) step = (long) tail.rows().getLast()[0];
            progress = p;
            status = s;
            message = msg;
            columns = cols;
        }
    }
}
